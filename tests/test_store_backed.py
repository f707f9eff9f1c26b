"""The same service over an external store: the session release published to a real Oxigraph
server and a real Virtuoso (each started once on 127.0.0.1), then the competency questions and
the content-negotiation matrix answered by ``serve --store``, equal to the embedded store's;
the endpoint's rules applied before forwarding; a store that goes away gives 503, then recovers."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from coopkg.cli import main as coopkg
from coopkg.indexes import INDEX_FILES
from coopkg.remote import RemoteDataset, RemoteQuads
from coopkg.web import create_app
from store_servers import StoreServer, oxigraph_program, oxigraph_server, virtuoso_program, virtuoso_server
from test_competency import QUERIES, assert_answers
from test_linked_data import MATRIX, OX_FORMAT, ROUTES, test_content_negotiation_matrix

STORES = {"oxigraph": (oxigraph_program, oxigraph_server), "virtuoso": (virtuoso_program, virtuoso_server)}
SPARQL_JSON = "application/sparql-results+json"


@pytest.fixture(scope="session", params=list(STORES))
def store_server(request, release: Path, tmp_path_factory: pytest.TempPathFactory):
    """One running store per kind, the release published into it once (counts verified)."""
    program, make = STORES[request.param]
    if program() is None:
        pytest.skip(f"{request.param} is not installed (oxigraph: pip install oxigraph; "
                    "virtuoso: apt-get install virtuoso-opensource)")
    server = make(tmp_path_factory.mktemp(request.param))
    server.start()
    try:
        assert coopkg(["publish", "--dist", str(release), *server.publish_args]) == 0
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def remote(store_server: StoreServer, release: Path) -> RemoteDataset:
    return RemoteDataset(release, store_server.query_url)


@pytest.fixture(scope="session")
def store_app(store_server: StoreServer, release: Path):
    return create_app({"TESTING": True, "DIST": str(release), "STORE_URL": store_server.query_url})


@pytest.fixture()
def store_client(store_app):
    return store_app.test_client()


def test_publish_reports_and_verifies_counts(store_server, release, capsys):
    """Publishing again replaces every graph (no duplicates) and checks VoID's counts."""
    assert coopkg(["publish", "--dist", str(release), *store_server.publish_args]) == 0
    out = capsys.readouterr().out
    assert "MISMATCH" not in out
    assert "graph/inferred" in out and "graph/ontology" in out and "graph/paper-000" in out


@pytest.mark.parametrize("query_file", QUERIES, ids=[q.stem for q in QUERIES])
def test_competency_question_over_the_store(query_file: Path, remote: RemoteDataset):
    assert_answers(query_file, remote)


@pytest.mark.parametrize(("route", "accept"), MATRIX, ids=[f"{r} {a or '(none)'}" for r, a in MATRIX])
def test_content_negotiation_matrix_over_the_store(store_client, route, accept):
    test_content_negotiation_matrix(store_client, route, accept)


@pytest.mark.parametrize("route", list(ROUTES))
@pytest.mark.parametrize("accept", ["text/turtle", "application/n-quads"])
def test_documents_equal_the_embedded_stores(store_client, client, route, accept):
    embedded = client.get(route, headers={"Accept": accept})
    served = store_client.get(route, headers={"Accept": accept})
    assert served.status_code == embedded.status_code
    if embedded.mimetype in OX_FORMAT:
        assert _quads(served.data, accept) == _quads(embedded.data, accept)


@pytest.mark.parametrize("query", [
    "SELECT ?city ?label WHERE { ?city a coop:City ; skos:prefLabel ?label }",
    "ASK { kg:seattle coop:locatedIn ?x }",
    "CONSTRUCT WHERE { kg:seattle ?p ?o }",
    "DESCRIBE kg:seattle",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
])
@pytest.mark.parametrize("view", ["inferred", "asserted"])
def test_sparql_answers_equal_the_embedded_stores(store_client, client, query, view):
    prefixes = "PREFIX coop: <https://w3id.org/coopkg/ontology#>\nPREFIX kg: <https://w3id.org/coopkg/id/>\n" \
               "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    params = {"query": prefixes + query}
    if view == "asserted":
        params["inferred"] = "false"
    accept = "application/n-triples" if query.startswith(("CONSTRUCT", "DESCRIBE")) else SPARQL_JSON
    embedded = client.get("/sparql", query_string=params, headers={"Accept": accept})
    served = store_client.get("/sparql", query_string=params, headers={"Accept": accept})
    assert (served.status_code, served.mimetype) == (embedded.status_code, embedded.mimetype) == (200, accept)
    if accept == SPARQL_JSON:
        assert _solutions(served.data) == _solutions(embedded.data)
    elif not query.startswith("DESCRIBE"):  # DESCRIBE is up to each store
        assert _quads(served.data, accept) == _quads(embedded.data, accept)
    else:
        assert served.data


@pytest.mark.parametrize(("query", "status"), [
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }", 403),
    ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", 403),
    ("SELECT * WHERE { ?s ?p }", 400),
])
def test_the_endpoints_rules_apply_before_forwarding(store_client, query, status):
    response = store_client.post("/sparql", data={"query": query})
    assert response.status_code == status, response.get_data(as_text=True)


def test_store_down_is_503_then_recovers(store_server, store_client):
    query = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s a ?type }"}
    assert store_client.get("/sparql", query_string=query).status_code == 200
    store_server.stop()
    try:
        started = time.monotonic()
        down = store_client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }"})
        assert down.status_code == 503
        assert "unavailable" in down.get_data(as_text=True)
        assert time.monotonic() - started < 5, "a store that is down answers at once, it does not hang"
        assert store_client.get("/id/seattle", headers={"Accept": "text/turtle"}).status_code >= 500
    finally:
        store_server.start()
    back = store_client.get("/sparql", query_string={"query": "ASK { ?s a ?t }"})
    assert back.status_code == 200


def test_with_index_files_start_up_reads_no_quad_and_pages_are_the_same(store_server, release,
                                                                      tmp_path_factory, monkeypatch):
    """A release with index files starts over a store without reading it whole (which a
    large store would refuse: Virtuoso's ResultSetMaxRows) and serves the same search and pages."""
    unindexed = tmp_path_factory.mktemp("unindexed") / "dist"
    shutil.copytree(release, unindexed)
    for name in INDEX_FILES:
        (unindexed / name).unlink()
    scanning = create_app({"TESTING": True, "DIST": str(unindexed), "STORE_URL": store_server.query_url})
    assert not scanning.extensions["coopkg_site"].from_indexes
    store_client = scanning.test_client()

    def refuse_scan(_self):
        raise AssertionError("start-up read the whole store")

    monkeypatch.setattr(RemoteQuads, "__iter__", refuse_scan)
    served = create_app({"TESTING": True, "DIST": str(release), "STORE_URL": store_server.query_url}).test_client()
    for query in ("粵港澳", "seattle", "a", "城市"):
        params = {"q": query, "limit": 200}
        assert served.get("/search.json", query_string=params).get_json() == \
            store_client.get("/search.json", query_string=params).get_json()
    for path in ("/", "/id/seattle", "/ontology/City", "/graph/paper-000"):
        scanned, indexed = store_client.get(path), served.get(path)
        assert (indexed.status_code, indexed.data) == (scanned.status_code, scanned.data), path


def test_the_time_limit_is_passed_on_and_enforced(store_server, release):
    if store_server.name != "virtuoso":
        pytest.skip("Oxigraph server cannot stop a query it has started: an overrun would hold its CPU")
    app = create_app({"TESTING": True, "DIST": str(release), "STORE_URL": store_server.query_url,
                      "QUERY_TIMEOUT_SECONDS": 1.0, "RECYCLE_WORKER_ON_TIMEOUT": False})
    heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    response = app.test_client().post("/sparql", data={"query": heavy})
    assert response.status_code == 503, response.get_data(as_text=True)
    assert time.monotonic() - started < 5


def _quads(body: bytes, media_type: str) -> set[ox.Quad]:
    """The document's quads with blank nodes canonically relabelled (OWL lists in the ontology)."""
    dataset = ox.Dataset(ox.parse(body, format=OX_FORMAT.get(media_type, ox.RdfFormat.N_TRIPLES),
                                  base_iri="https://w3id.org/coopkg/"))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _solutions(body: bytes):
    answer = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    return sorted(tuple(str(term) for term in row) for row in answer)


def test_with_many_graphs_pages_filter_on_the_graph_prefix_and_stay_the_same(store_server, release, store_client,
                                                                             monkeypatch):
    """Past GRAPH_LIST_LIMIT graphs a page's lookups match every graph and keep the release's
    (one lookup instead of one per graph): the pages are the same bytes as with the list."""
    monkeypatch.setattr(RemoteQuads, "GRAPH_LIST_LIMIT", 0)
    filtered = create_app({"TESTING": True, "DIST": str(release), "STORE_URL": store_server.query_url}).test_client()
    for path in ("/id/seattle", "/id/paper-000", "/graph/paper-000", "/id/seattle.ttl"):
        expected, served = store_client.get(path), filtered.get(path)
        assert (served.status_code, served.data) == (expected.status_code, expected.data), path
