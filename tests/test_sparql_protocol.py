"""The W3C SPARQL 1.1 Protocol suite (query and update cases) and Service Description suite,
over real HTTP.

Query cases must pass as written. The endpoint is read-only, so all 14 update cases
(every case named *update*) must answer 4xx: the valid updates are refused as
updates, the malformed ones are refused too.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection

from coopkg.store import DatasetStore
from coopkg.web import create_app
from w3c_http import LiveServer
from w3c_suite import MF, RDFS_LABEL, SUITE, UT

PROTOCOL = SUITE / "protocol" / "manifest.ttl"
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
pytestmark = pytest.mark.skipif(not PROTOCOL.is_file(), reason=f"W3C protocol suite not found at {PROTOCOL}")
RESULT_TYPES = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
                "application/sparql-results+xml": ox.QueryResultsFormat.XML}
TABULAR = {*RESULT_TYPES, "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/n-triples", "application/rdf+xml", "application/ld+json",
             "application/n-quads", "application/trig"}


def _cases() -> list[tuple[str, dict]]:
    if not PROTOCOL.is_file():
        return []
    graph = Graph().parse(PROTOCOL, format="turtle")
    entries = Collection(graph, next(graph.objects(None, MF.entries)))
    cases = []
    for entry in entries:
        name = str(entry).rsplit("#", 1)[-1]
        data = []
        for graph_data in graph.objects(entry, UT.graphData):
            path = SUITE / "protocol" / str(next(graph.objects(graph_data, UT.graph))).rsplit("/", 1)[-1]
            data.append((str(next(graph.objects(graph_data, RDFS_LABEL))), path))
        action = next(graph.objects(entry, MF.action))
        requests_ = []
        for request in Collection(graph, next(graph.objects(action, HT.requests))):
            body = next(graph.objects(request, HT.body), None)
            headers = {}
            header_list = next(graph.objects(request, HT.headers), None)
            for header in Collection(graph, header_list) if header_list is not None else []:
                headers[str(next(graph.objects(header, HT.fieldName)))] = str(next(graph.objects(header,
                                                                                                    HT.fieldValue)))
            response = next(graph.objects(request, HT.resp))
            requests_.append({
                "method": str(next(graph.objects(request, HT.methodName))),
                "path": str(next(graph.objects(request, HT.absolutePath))),
                "body": None if body is None else (str(next(graph.objects(body, CNT.chars))),
                                                   str(next(graph.objects(body, CNT.characterEncoding)))),
                "headers": headers,
                "status": {str(s).rsplit("StatusCode", 1)[-1] for s in graph.objects(response, MF.expectedStatus)},
                "format": next((str(f) for f in graph.objects(response, MF.expectedFormat)), None),
                "boolean": next((f.toPython() for f in graph.objects(response, MF.expectedBoolean)), None),
            })
        cases.append((name, {"data": data, "requests": requests_}))
    return cases


CASES = _cases()


@pytest.fixture(scope="module")
def protocol_endpoint(release):
    app = create_app({"TESTING": True, "DIST": str(release), "EXAMPLES_DIR": None})
    with LiveServer(app) as server:
        app.config["PUBLIC_BASE_URL"] = server.url + "/"
        from coopkg.web.sparql import public_endpoint_url

        app.extensions["coopkg_sparql"].base_iri = public_endpoint_url(app.config)
        yield app, server.url


def test_the_suite_has_its_34_cases():
    assert len(CASES) == 34
    assert sum("update" in name for name, _ in CASES) == 14


@pytest.mark.parametrize("case", CASES, ids=[name for name, _ in CASES])
def test_protocol(case, protocol_endpoint):
    name, spec = case
    app, base = protocol_endpoint
    store = ox.Store()
    for label, path in spec["data"]:
        store.load(path=str(path), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(label))
    app.extensions["coopkg_store"] = DatasetStore(store, "protocol-" + name)
    read_only = "update" in name
    for request in spec["requests"]:
        body = None
        if request["body"] is not None:
            chars, encoding = request["body"]
            body = chars.encode(encoding)
        headers = dict(request["headers"])
        if request["method"] == "POST" and "content-type" not in {k.lower() for k in headers}:
            headers["Content-Type"] = ""  # the suite means: no media type at all
        response = requests.request(request["method"], base + request["path"], data=body, headers=headers,
                                    timeout=30)
        assert "Traceback" not in response.text
        if read_only:
            if _is_update(request):  # refused: nothing was changed
                assert 400 <= response.status_code < 500, (response.status_code, response.text)
            else:  # the case's follow-up queries are still answered
                assert response.status_code == 200, (response.status_code, response.text)
            continue
        assert f"{response.status_code // 100}xx" in request["status"], (response.status_code, response.text)
        media_type = response.headers.get("Content-Type", "").split(";")[0]
        if request["format"] == "boolean":
            assert media_type in RESULT_TYPES
            answer = ox.parse_query_results(response.content, format=RESULT_TYPES[media_type])
            assert isinstance(answer, ox.QueryBoolean)
            if request["boolean"] is not None:
                assert bool(answer) is request["boolean"]
        elif request["format"] == "tabular":
            assert media_type in TABULAR
        elif request["format"] == "RDF":
            assert media_type in RDF_TYPES


def _is_update(request: dict) -> bool:
    content_type = request["headers"].get("content-type", "")
    body = request["body"][0] if request["body"] else ""
    return "sparql-update" in content_type or "update=" in request["path"] or body.startswith("update=") or (
        request["method"] == "POST" and "sparql-query" not in content_type and "form" not in content_type)


# --- Service Description suite (service-description/manifest.ttl) -------------------------------------------


def _description(base: str, accept: str = "text/turtle") -> Graph:
    response = requests.get(base + "/sparql", headers={"Accept": accept}, timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == accept
    fmt = {"text/turtle": "turtle", "application/rdf+xml": "xml", "application/n-triples": "nt"}[accept]
    return Graph().parse(data=response.text, format=fmt)


@pytest.mark.parametrize("accept", ["text/turtle", "application/rdf+xml", "application/n-triples"])
def test_service_description_returns_rdf(protocol_endpoint, accept):
    _, base = protocol_endpoint
    assert len(_description(base, accept)) > 10


def test_service_description_has_endpoint_triple(protocol_endpoint):
    _, base = protocol_endpoint
    graph = _description(base)
    assert (None, SD.endpoint, URIRef(base + "/sparql")) in graph


def test_service_description_conforms_to_schema(protocol_endpoint):
    _, base = protocol_endpoint
    graph = _description(base)
    service = next(graph.subjects(URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), SD.Service))
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert len(list(graph.objects(service, SD.resultFormat))) >= 10
    dataset = next(graph.objects(service, SD.defaultDataset))
    for named_graph in graph.objects(dataset, SD.namedGraph):
        assert len(list(graph.objects(named_graph, SD.name))) == 1
