"""Dereferenceable IRIs: the content-negotiation matrix (every route × every Accept type →
status and media type), extension URLs, the documents' content and provenance, and the
public base IRI (nothing points at 127.0.0.1 or localhost when a public URL is set)."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest

from coopkg.web import create_app

KG = "https://w3id.org/coopkg/id/"
COOP = "https://w3id.org/coopkg/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"

HTML, TURTLE, JSON_LD, NT, RDF_XML, TRIG, NQ, JSON, TEXT = (
    "text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml",
    "application/trig", "application/n-quads", "application/json", "text/plain")
RDF_TYPES = [TURTLE, JSON_LD, NT, RDF_XML, TRIG, NQ]
OX_FORMAT = {TURTLE: ox.RdfFormat.TURTLE, JSON_LD: ox.RdfFormat.JSON_LD, NT: ox.RdfFormat.N_TRIPLES,
             RDF_XML: ox.RdfFormat.RDF_XML, TRIG: ox.RdfFormat.TRIG, NQ: ox.RdfFormat.N_QUADS}
EXTENSIONS = {HTML: "html", TURTLE: "ttl", JSON_LD: "jsonld", NT: "nt", RDF_XML: "rdf", TRIG: "trig", NQ: "nq"}
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

#: Accept header → what a route offering (html first | turtle first | html+json) answers
ACCEPTS: dict[str, dict[str, str | int]] = {
    #  accept:                                   html-first  turtle-first  html+json
    "": {"html": HTML, "turtle": TURTLE, "json": HTML},
    "*/*": {"html": HTML, "turtle": TURTLE, "json": HTML},
    BROWSER: {"html": HTML, "turtle": HTML, "json": HTML},
    HTML: {"html": HTML, "turtle": HTML, "json": HTML},
    **{media: {"html": media, "turtle": media, "json": 406} for media in RDF_TYPES},
    JSON: {"html": 406, "turtle": 406, "json": JSON},
    "application/pdf": {"html": 406, "turtle": 406, "json": 406},
    "text/turtle;q=0.5, application/ld+json;q=0.9": {"html": JSON_LD, "turtle": JSON_LD, "json": 406},
    "application/rdf+xml;q=0.2, text/html;q=0.1": {"html": RDF_XML, "turtle": RDF_XML, "json": HTML},
    "text/html;q=0, */*;q=0.1": {"html": TURTLE, "turtle": TURTLE, "json": JSON},
    "text/*": {"html": HTML, "turtle": TURTLE, "json": HTML},
}

#: route → (kind of offer, the Content-Location stem of its representations or None)
ROUTES: dict[str, tuple[str, str | None]] = {
    "/id/seattle": ("html", "/id/seattle"),                                   # a place
    "/id/global-innovation-exchange": ("html", "/id/global-innovation-exchange"),  # an organisation
    "/id/paper-000": ("html", "/id/paper-000"),                               # a source paper
    "/id/paper-000-region": ("html", "/id/paper-000-region"),                 # a section
    "/id/mode-city-pair": ("html", "/id/mode-city-pair"),                     # a SKOS concept
    "/id/scheme-cooperation-modes": ("html", "/id/scheme-cooperation-modes"),  # a concept scheme
    "/ontology": ("html", "/ontology"),                                       # the ontology (and ontology#Term)
    "/ontology/alignments": ("html", "/ontology"),                            # an ontology module IRI
    "/ontology/City": ("html", "/ontology/City"),                             # a class
    "/ontology/locatedIn": ("html", "/ontology/locatedIn"),                   # a property
    "/ontology/Exact": ("html", "/ontology/Exact"),                           # an individual / concept
    "/shapes": ("html", "/shapes"),                                           # the SHACL shapes
    "/graph/paper-000": ("html", "/graph/paper-000"),                         # a paper's named graph
    "/graph/entities": ("html", "/graph/entities"),
    "/dataset": ("html", "/dataset"),                                         # VoID + DCAT
    "/dataset/linkset/geonames": ("html", "/dataset"),                        # a VoID subset IRI
    "/": ("html", None),                                                      # landing page / dataset
    "/.well-known/void": ("turtle", "/dataset"),
    "/search?q=seattle": ("json", None),
    "/dumps": ("json", None),
}
MATRIX = [(route, accept) for route in ROUTES for accept in ACCEPTS]


def get(client, path: str, accept: str | None = None, **headers):
    if accept:
        headers["Accept"] = accept
    return client.get(path, headers=headers)


def parse(body: bytes, media_type: str) -> list[ox.Quad]:
    return list(ox.parse(body, format=OX_FORMAT[media_type], base_iri="https://w3id.org/coopkg/"))


@pytest.mark.parametrize(("route", "accept"), MATRIX, ids=[f"{r} {a or '(none)'}" for r, a in MATRIX])
def test_content_negotiation_matrix(client, route, accept):
    kind, stem = ROUTES[route]
    expected = ACCEPTS[accept][kind]
    response = get(client, route, accept)
    assert "Accept" in response.vary, "a negotiated answer says it varies with Accept"
    if expected == 406:
        assert response.status_code == 406
        assert "available:" in response.get_data(as_text=True)
        return
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert response.mimetype == expected
    if stem:
        assert response.headers["Content-Location"] == f"{stem}.{EXTENSIONS[expected]}"
    if expected in OX_FORMAT:
        assert parse(response.data, expected), "a non-empty, parseable RDF document"
    if expected == HTML:
        assert response.get_data(as_text=True).lstrip().startswith("<!doctype html>")


def test_the_matrix_covers_every_route_and_type():
    assert len(MATRIX) == len(ROUTES) * len(ACCEPTS) >= 280
    assert {media for row in ACCEPTS.values() for media in row.values()} >= {HTML, JSON, 406, *RDF_TYPES}


EXTENSION_ROUTES = ["/id/seattle", "/id/mode-city-pair", "/ontology", "/ontology/City", "/shapes", "/graph/vocab",
                    "/dataset"]


@pytest.mark.parametrize("route", EXTENSION_ROUTES)
@pytest.mark.parametrize("media_type", list(EXTENSIONS))
def test_extension_urls_answer_without_headers_and_override_accept(client, route, media_type):
    path = f"{route}.{EXTENSIONS[media_type]}"
    for accept in (None, "application/pdf"):  # the extension wins over any Accept
        response = get(client, path, accept)
        assert response.status_code == 200
        assert response.mimetype == media_type
        assert "Accept" not in response.vary
        assert "Content-Location" not in response.headers
        assert f'<{route}.ttl>; rel="alternate"; type="text/turtle"' in response.headers["Link"] or media_type == TURTLE


@pytest.mark.parametrize("path", ["/id/seattle.pdf", "/id/seattle.xml", "/ontology.docx", "/search.xml?q=x"])
def test_unknown_extension_is_406_listing_formats(client, path):
    response = get(client, path)
    assert response.status_code == 406
    assert "text/turtle" in response.get_data(as_text=True) or "application/json" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/id/no-such-thing", "/id/no-such-thing.ttl", "/id/Seattle", "/ontology/NoSuchClass",
                                  "/graph/paper-999", "/dataset/graph/nothing", "/dumps/latest/nothing.nq",
                                  "/dumps/0.0.0-none/data.nq", "/id/", "/no/such/path"])
@pytest.mark.parametrize("accept", [None, HTML, TURTLE, "application/pdf"])
def test_unknown_iris_are_404(client, path, accept):
    response = get(client, path, accept)
    assert response.status_code == 404
    assert response.mimetype in (HTML, TEXT)
    if accept in (None, HTML):
        assert response.mimetype == HTML


def test_404_page_suggests_close_names(client):
    response = get(client, "/id/seatle", HTML)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    assert "https://w3id.org/coopkg/id/seatle" in text
    assert 'href="/id/seattle"' in text
    plain = get(client, "/id/seatle", TURTLE).get_data(as_text=True)
    assert plain.startswith("404 not found") and "https://w3id.org/coopkg/id/seattle" in plain


def test_no_route_redirects(client):
    """The documented pattern is 200 + Content-Location everywhere: no 3xx, no Location."""
    for route in ROUTES:
        for accept in (None, HTML, TURTLE):
            response = get(client, route, accept)
            assert response.status_code < 300 or response.status_code >= 400
            assert "Location" not in response.headers


# --- what the documents say ------------------------------------------------------------------


def ground(quads: list[ox.Quad]) -> set[tuple[str, str, str]]:
    """Triples without blank nodes, as strings (blank-node labels differ between writes)."""
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in quads
            if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)}


def test_every_format_of_a_resource_says_the_same_thing(client):
    documents = {media: parse(get(client, "/id/seattle", media).data, media) for media in RDF_TYPES}
    expected = ground(documents[NT])
    for media, quads in documents.items():
        found = ground(quads)
        # the document's own IRI (dcterms:format…) names the format: compare everything else
        assert {t for t in found if ".nt>" not in t[0] and not re.search(r"seattle\.\w+>", t[0])} == \
            {t for t in expected if ".nt>" not in t[0]}, media
        assert len(quads) == len(documents[NT]) or media in (TRIG, NQ, JSON_LD)


def test_entity_document_has_its_triples_labels_of_linked_things_and_metadata(client):
    quads = parse(get(client, "/id/seattle.ttl").data, TURTLE)
    triples = ground(quads)
    seattle = f"<{KG}seattle>"
    assert (seattle, f"<{RDF}type>", f"<{COOP}City>") in triples
    assert (seattle, f"<{SKOS}prefLabel>", '"西雅图"@zh') in triples
    linked = {o for s, p, o in triples if s == seattle and o.startswith(f"<{KG}")}
    assert linked, "Seattle points at other entities"
    for iri in linked:  # every entity it points to is named in the document
        assert any(s == iri and p == f"<{SKOS}prefLabel>" for s, p, _ in triples), iri
    document = "<https://w3id.org/coopkg/id/seattle.ttl>"
    assert (document, "<http://xmlns.com/foaf/0.1/primaryTopic>", seattle) in triples
    assert (document, "<http://purl.org/dc/terms/source>", f"<{KG}paper-000>") in triples
    assert any(s == document and p == "<http://www.w3.org/2002/07/owl#versionInfo>" for s, p, _ in triples)


def test_every_statement_says_which_paper_and_section_it_came_from(client, store):
    quads = parse(get(client, "/id/seattle.ttl").data, TURTLE)
    by_node: dict = {}
    for quad in quads:
        if isinstance(quad.subject, ox.BlankNode):
            by_node.setdefault(quad.subject, {}).setdefault(quad.predicate.value, []).append(quad.object)
    reified = {(n[RDF + "subject"][0].value, n[RDF + "predicate"][0].value, str(n[RDF + "object"][0])): n
               for n in by_node.values() if RDF + "subject" in n}
    statements = [q for q in quads if isinstance(q.subject, ox.NamedNode) and q.subject.value == KG + "seattle"
                  and q.predicate.value != COOP + "statedIn"]
    assert statements
    for quad in statements:
        node = reified[(quad.subject.value, quad.predicate.value, str(quad.object))]
        assert node["http://purl.org/dc/terms/isPartOf"], quad
    located = [n for (s, p, _), n in reified.items() if p == COOP + "locatedIn" and PROV + "wasDerivedFrom" in n]
    assert located, "Seattle's location comes from a paper"
    node = located[0]
    assert node[PROV + "wasDerivedFrom"][0].value == KG + "paper-000"
    assert node[COOP + "statedIn"][0].value.startswith(KG + "paper-000-")


def test_quad_formats_keep_each_statement_in_its_papers_graph(client):
    quads = parse(get(client, "/id/seattle.nq").data, NQ)
    graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)
              and isinstance(q.subject, ox.NamedNode) and q.subject.value == KG + "seattle"}
    assert "https://w3id.org/coopkg/graph/paper-000" in graphs
    assert "https://w3id.org/coopkg/graph/entities" in graphs
    described = {(q.subject.value, q.object.value) for q in quads if isinstance(q.graph_name, ox.DefaultGraph)
                 and q.predicate.value == PROV + "wasDerivedFrom" and isinstance(q.subject, ox.NamedNode)}
    assert ("https://w3id.org/coopkg/graph/paper-000", KG + "paper-000") in described


def test_jsonld_uses_a_context_and_keeps_graphs(client):
    document = get(client, "/id/seattle.jsonld").get_json(force=True)
    assert document["@context"]["kg"] == KG
    named = [node for node in document["@graph"] if "@graph" in node]
    assert {node["@id"] for node in named} >= {"https://w3id.org/coopkg/graph/paper-000"}


def test_ontology_and_shapes_documents_are_the_release_graphs(client, release):
    ontology = parse(get(client, "/ontology", TURTLE).data, TURTLE)
    expected = list(ox.parse(path=str(release / "ontology.ttl"), format=ox.RdfFormat.TURTLE))
    assert len(ontology) == len(expected)
    shapes = parse(get(client, "/shapes.nt").data, NT)
    assert len(shapes) == len(list(ox.parse(path=str(release / "shapes.ttl"), format=ox.RdfFormat.TURTLE)))


def test_class_document_lists_its_instances(client):
    triples = ground(parse(get(client, "/ontology/City.ttl").data, TURTLE))
    assert (f"<{KG}seattle>", f"<{RDF}type>", f"<{COOP}City>") in triples
    assert (f"<{COOP}City>", "<http://www.w3.org/2000/01/rdf-schema#subClassOf>", f"<{COOP}Place>") in triples


# --- the public base IRI -------------------------------------------------------------------


PUBLIC = "https://kg.example.org/coopkg/"
CRAWL = ["/", "/id/seattle", "/id/mode-city-pair", "/ontology", "/ontology/City", "/shapes", "/graph/paper-000",
         "/dataset", "/.well-known/void", "/search?q=sea", "/search.json?q=sea", "/dumps", "/dumps.json",
         "/sitemap.xml", "/robots.txt", "/id/no-such-thing", "/id/seattle.pdf", "/dumps/latest/void.ttl"]


@pytest.fixture(scope="module")
def public_client(release):
    app = create_app({"TESTING": True, "DIST": str(release), "PUBLIC_BASE_URL": PUBLIC})
    return app.test_client()


@pytest.mark.parametrize("host", ["http://127.0.0.1:5000", "http://localhost:8080", "http://internal-node-7"])
def test_with_a_public_url_nothing_points_at_the_host_it_runs_on(public_client, host):
    internal = host.split("//", 1)[1].split(":", 1)[0]
    for path in CRAWL:
        for accept in (None, HTML, TURTLE, JSON_LD, JSON):
            response = public_client.get(path, base_url=host, headers={"Accept": accept} if accept else {})
            text = response.get_data(as_text=True) if response.mimetype != "application/gzip" else ""
            headers = " ".join(f"{k}: {v}" for k, v in response.headers.items())
            for leaked in {"127.0.0.1", "localhost", internal}:
                assert leaked not in text, (path, accept, leaked)
                assert leaked not in headers, (path, accept, leaked)


def test_with_a_public_url_links_and_documents_use_it(public_client):
    html = public_client.get("/id/seattle", headers={"Accept": HTML}).get_data(as_text=True)
    assert f'href="{PUBLIC}id/' in html
    assert 'href="/id/' not in html
    response = public_client.get("/id/seattle", headers={"Accept": TURTLE})
    assert response.headers["Content-Location"] == f"{PUBLIC}id/seattle.ttl"
    triples = ground(parse(response.data, TURTLE))
    assert (f"<{PUBLIC}id/seattle>", f"<{RDF}type>", f"<{PUBLIC}ontology#City>") in triples
    assert not any(KG in part for triple in triples for part in triple), "every coopkg IRI is mapped"
    sitemap = public_client.get("/sitemap.xml").get_data(as_text=True)
    assert f"<loc>{PUBLIC}id/seattle</loc>" in sitemap
    void = public_client.get("/.well-known/void").get_data(as_text=True)
    assert f"<{PUBLIC}sparql>" in void or f"{PUBLIC}sparql" in void


def test_without_a_public_url_links_are_relative_and_iris_canonical(client):
    html = get(client, "/id/seattle", HTML).get_data(as_text=True)
    assert 'href="/id/' in html and "127.0.0.1" not in html and "localhost" not in html
    triples = ground(parse(get(client, "/id/seattle", TURTLE).data, TURTLE))
    assert (f"<{KG}seattle>", f"<{RDF}type>", f"<{COOP}City>") in triples
