"""The SPARQL endpoint over HTTP: the protocol, formats, graph choice, caching, the service
description and the query page."""

from __future__ import annotations

import re
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from rdflib import Graph

from coopkg.store import open_store

CITY_QUERY = "PREFIX coop: <https://w3id.org/coopkg/ontology#> SELECT ?city WHERE { ?city a coop:City }"
INFERRED = "https://w3id.org/coopkg/graph/inferred"
COMPETENCY = Path(__file__).resolve().parent / "competency"


def bindings(response) -> set[str]:
    return {b["city"]["value"] for b in response.get_json()["results"]["bindings"]}


def get(client, query: str, **kwargs):
    return client.get("/sparql?query=" + quote(query), **kwargs)


def test_get_lists_cascadia_cities(client):
    response = get(client, CITY_QUERY)
    assert response.status_code == 200
    assert response.mimetype == "application/sparql-results+json"
    cities = bindings(response)
    for slug in ("vancouver", "seattle", "portland"):
        assert f"https://w3id.org/coopkg/id/{slug}" in cities
    assert not any("geonames" in c for c in cities)


def test_post_form_and_direct_body(client):
    form = client.post("/sparql", data={"query": CITY_QUERY})
    direct = client.post("/sparql", data=CITY_QUERY, content_type="application/sparql-query")
    assert form.status_code == direct.status_code == 200
    assert bindings(form) == bindings(direct) == bindings(get(client, CITY_QUERY))


def test_ask_is_answered(client):
    assert get(client, "ASK { ?s ?p ?o }").get_json() == {"head": {}, "boolean": True}


def test_malformed_query_is_400_with_the_parser_position(client):
    response = get(client, "SELECT * WHERE { ?s ?p }")
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("malformed query: error at 1:")


def test_protocol_mistakes_are_4xx(client):
    assert client.post("/sparql", data={"format": "json"}).status_code == 400  # a form without a query
    assert client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D").status_code == 400
    assert client.post("/sparql", data="ASK {}", content_type="text/plain").status_code == 415
    assert client.put("/sparql?query=ASK%7B%7D").status_code == 405
    assert client.put("/sparql?query=ASK%7B%7D").headers["Allow"] == "GET, HEAD, POST, OPTIONS"
    assert client.get("/sparql?query=ASK%7B%7D&inference=maybe").status_code == 400


def test_update_is_refused(client):
    response = client.post("/sparql", data={"query": "INSERT DATA { <http://a> <http://b> <http://c> }"})
    assert response.status_code == 403
    assert "read-only" in response.get_data(as_text=True)


@pytest.mark.parametrize("accept,expected", [
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("text/csv;q=0.5, application/sparql-results+xml;q=0.9", "application/sparql-results+xml"),
    ("application/json", "application/json"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_formats_by_accept(client, accept, expected):
    response = get(client, CITY_QUERY, headers={"Accept": accept})
    assert response.status_code == 200
    assert response.mimetype == expected
    assert response.headers["Vary"] == "Accept"


@pytest.mark.parametrize("name,fmt", [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML),
                                      ("tsv", ox.QueryResultsFormat.TSV), ("csv", None)])
def test_format_parameter_overrides_accept(client, name, fmt):
    response = client.get(f"/sparql?format={name}&query=" + quote(CITY_QUERY), headers={"Accept": "text/html"})
    assert response.status_code == 200
    if fmt is not None:
        parsed = {s["city"].value for s in ox.parse_query_results(response.data, format=fmt)}
        assert parsed == bindings(get(client, CITY_QUERY))


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/n-quads", "nquads"),
    ("application/trig", "trig"), ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
])
def test_construct_and_describe_formats(client, accept, rdflib_format):
    query = "CONSTRUCT { ?city a <urn:City> } WHERE { ?city a <https://w3id.org/coopkg/ontology#City> }"
    response = get(client, query, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept
    graph = Graph().parse(data=response.data, format=rdflib_format)
    assert len(graph) == len(bindings(get(client, CITY_QUERY)))
    describe = get(client, "DESCRIBE <https://w3id.org/coopkg/id/seattle>", headers={"Accept": accept})
    assert describe.status_code == 200 and len(Graph().parse(data=describe.data, format=rdflib_format)) > 3


def test_nothing_acceptable_is_406(client):
    assert get(client, CITY_QUERY, headers={"Accept": "image/png"}).status_code == 406
    assert get(client, "ASK {}", headers={"Accept": "text/turtle"}).status_code == 406
    assert get(client, "CONSTRUCT WHERE { ?s ?p ?o }", headers={"Accept": "text/csv"}).status_code == 406


def test_inferred_view_is_the_default_and_asserted_is_a_choice(client):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    inferred = int(get(client, count).get_json()["results"]["bindings"][0]["n"]["value"])
    asserted = int(client.get("/sparql?inference=none&query=" + quote(count)).get_json()
                   ["results"]["bindings"][0]["n"]["value"])
    in_graph = f"ASK {{ GRAPH <{INFERRED}> {{ ?s ?p ?o }} }}"
    assert inferred > asserted > 0
    assert get(client, in_graph).get_json()["boolean"] is True
    assert client.get("/sparql?inference=none&query=" + quote(in_graph)).get_json()["boolean"] is False


def test_each_paper_is_a_named_graph(client):
    paper = "https://w3id.org/coopkg/graph/paper-000"
    total = get(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").get_json()
    only_paper = client.get("/sparql?default-graph-uri=" + quote(paper) + "&query="
                            + quote("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")).get_json()
    in_graph = get(client, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{paper}> {{ ?s ?p ?o }} }}").get_json()
    n_paper = int(only_paper["results"]["bindings"][0]["n"]["value"])
    assert 0 < n_paper < int(total["results"]["bindings"][0]["n"]["value"])
    assert n_paper == int(in_graph["results"]["bindings"][0]["n"]["value"])


def test_from_only_selects_local_graphs(client):
    response = get(client, "SELECT * FROM <https://example.org/not-here> WHERE { ?s ?p ?o }")
    assert response.status_code == 200
    assert response.get_json()["results"]["bindings"] == []
    paper = get(client, "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/coopkg/graph/paper-000> WHERE { ?s ?p ?o }")
    assert int(paper.get_json()["results"]["bindings"][0]["n"]["value"]) > 0


def test_etag_304_and_cache_control(client, app):
    first = get(client, CITY_QUERY)
    etag = first.headers["ETag"]
    assert app.extensions["coopkg_store"].version in etag
    assert "max-age" in first.headers["Cache-Control"]
    again = get(client, CITY_QUERY, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = get(client, CITY_QUERY, headers={"Accept": "text/csv"})
    assert other.headers["ETag"] != etag


def test_repeated_queries_come_from_the_cache(client, app):
    query = CITY_QUERY + " # cache probe " + str(time.time())
    cache = app.extensions["coopkg_sparql"].cache
    before = len(cache)
    first = get(client, query)
    assert len(cache) == before  # asked once: not kept (most queries never come back)
    second = get(client, query)
    stored = len(cache)
    assert second.data == first.data and stored > before  # asked again: kept
    third = get(client, query)
    assert third.data == first.data and len(cache) == stored
    assert third.headers["ETag"] == first.headers["ETag"]
    assert get(client, query, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304


def test_service_description_advertises_the_public_url(client):
    response = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    text = response.get_data(as_text=True)
    assert "<https://w3id.org/coopkg/sparql>" in text
    assert "localhost" not in text and "127.0.0.1" not in text
    assert "inference=none" in text  # the default view is documented
    assert client.get("/sparql").mimetype == "text/turtle"  # */* gets the description


def test_service_description_uses_the_configured_public_url(release):
    from coopkg.web import create_app

    app = create_app({"TESTING": True, "DIST": str(release), "PUBLIC_BASE_URL": "https://kg.example.org/"})
    text = app.test_client().get("/sparql", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "<https://kg.example.org/sparql>" in text


def test_query_page_for_browsers(client):
    response = client.get("/sparql", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert "PREFIX coop: &lt;https://w3id.org/coopkg/ontology#&gt;" in html
    examples = len(list(COMPETENCY.glob("*.rq")))
    assert html.count("<option value=\"") == examples + 3  # + the placeholder, + 2 inference choices
    assert "asserted + OWL 2 RL inferences (default)" in html
    for url in re.findall(r'(?:src|href)="([^"]+\.(?:js|css))"', html):
        assert not url.startswith(("http:", "https:", "//"))
        assert client.get(url).status_code == 200


def test_query_page_shows_results_linking_entity_pages(client):
    response = get(client, CITY_QUERY, headers={"Accept": "text/html"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'href="/id/seattle"' in html
    for name in ("json", "xml", "csv", "tsv"):
        assert f"format={name}" in html


def test_query_page_shows_errors(client):
    response = get(client, "SELECT * {", headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert "malformed query" in response.get_data(as_text=True)


def test_home_links_the_query_page(client):
    assert 'href="/sparql"' in client.get("/").get_data(as_text=True)


def test_health(client):
    response = client.get("/health")
    assert response.status_code == 200


def test_store_opens_from_dist_in_under_a_second(release):
    started = time.monotonic()
    store = open_store(release)
    assert time.monotonic() - started < 1.0
    assert len(store) > 1000
