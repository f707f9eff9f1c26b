"""The minimal endpoint answers SPARQL over HTTP with SPARQL JSON results."""

from __future__ import annotations

from urllib.parse import quote

CITY_QUERY = "PREFIX coop: <https://w3id.org/coopkg/ontology#> SELECT ?city WHERE { ?city a coop:City }"


def bindings(response) -> set[str]:
    return {b["city"]["value"] for b in response.get_json()["results"]["bindings"]}


def test_get_lists_cascadia_cities(client):
    response = client.get("/sparql?query=" + quote(CITY_QUERY))
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
    assert bindings(form) == bindings(direct)


def test_ask_is_answered(client):
    response = client.get("/sparql?query=" + quote("ASK { ?s ?p ?o }"))
    assert response.get_json() == {"head": {}, "boolean": True}


def test_malformed_query_is_400_with_the_parser_position(client):
    response = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p }"))
    assert response.status_code == 400
    assert response.get_data(as_text=True).startswith("malformed query: error at 1:")


def test_missing_query_is_400(client):
    response = client.get("/sparql")
    assert response.status_code == 400
    assert "missing query" in response.get_data(as_text=True)


def test_update_is_refused(client):
    response = client.post("/sparql", data={"query": "INSERT DATA { <http://a> <http://b> <http://c> }"})
    assert response.status_code == 400
