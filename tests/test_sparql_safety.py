"""Safe by default: no query makes the server open a connection, updates are refused, every
query is bounded in time, length, nesting and rows, and no answer is a traceback."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
import requests

from coopkg.web import create_app
from coopkg.web.query_guard import inspect_query
from w3c_http import LiveServer

CITY = "PREFIX coop: <https://w3id.org/coopkg/ontology#> SELECT ?city WHERE { ?city a coop:City }"


def slow_query(values: int, hundreds: int = 3) -> str:
    """A query whose cost does not depend on the data: values × 100^hundreds rows counted
    (about 70 ms per million here)."""
    hundred = " ".join(str(i) for i in range(100))
    blocks = " ".join(f"VALUES ?h{i} {{ {hundred} }}" for i in range(hundreds))
    extra = " ".join(str(i) for i in range(values))
    return f"SELECT (COUNT(*) AS ?n) WHERE {{ {blocks} VALUES ?d {{ {extra} }} }}"


class Canary:
    """A TCP listener on loopback that counts every connection made to it."""

    def __init__(self) -> None:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        self.socket.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}/sparql"
        self.hits = 0
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while not self._stop:
            try:
                connection, _ = self.socket.accept()
            except OSError:
                continue
            self.hits += 1
            connection.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(timeout=2)
        self.socket.close()


@pytest.fixture(scope="module")
def live(release):
    app = create_app({"TESTING": True, "DIST": str(release)})
    with LiveServer(app) as server:
        yield server.url + "/sparql"


def service_spellings(url: str) -> list[str]:
    return [
        f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ VALUES ?endpoint {{ <{url}> }} SERVICE ?endpoint {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ BIND(<{url}> AS ?e) SERVICE SILENT ?e {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ {{ SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * WHERE {{ {{ ?s ?p ?o }} UNION {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?x }} }} }} LIMIT 1",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} LIMIT 1",
        f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o MINUS {{ SERVICE<{url}>{{?s ?p ?o}} }} }} LIMIT 1",
        f"SELECT * WHERE {{ # a comment\n SERVICE # another\n <{url}> {{ ?s ?p ?o }} }}",
        f"PREFIX ep: <{url}>\nSELECT * WHERE {{ SERVICE ep: {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * WHERE {{ SERVI\\u0043E <{url}> {{ ?s ?p ?o }} }}",
    ]


def test_no_query_opens_a_connection(live):
    canary = Canary()
    try:
        refused = []
        for query in service_spellings(canary.url):
            response = requests.get(live, params={"query": query}, timeout=30)
            refused.append(response.status_code)
            assert response.status_code in (400, 403), (query, response.status_code, response.text)
        others = [
            ("GET", {"query": f"SELECT * FROM <{canary.url}> WHERE {{ ?s ?p ?o }}"}, None),
            ("GET", {"query": f"SELECT * FROM NAMED <{canary.url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"}, None),
            ("GET", {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": canary.url}, None),
            ("GET", {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": canary.url}, None),
            ("GET", {"query": f"DESCRIBE <{canary.url}>"}, None),
            ("GET", {"query": f"LOAD <{canary.url}>"}, None),
            ("POST", None, ("application/sparql-update", f"LOAD <{canary.url}>")),
            ("POST", None, ("application/x-www-form-urlencoded", "update=" + quote(f"LOAD <{canary.url}>"))),
            ("POST", None, ("application/sparql-query", f"LOAD SILENT <{canary.url}> INTO GRAPH <urn:x>")),
        ]
        for method, params, body in others:
            if method == "GET":
                response = requests.get(live, params=params, timeout=30)
            else:
                response = requests.post(live, data=body[1].encode(), headers={"Content-Type": body[0]}, timeout=30)
            assert response.status_code < 500, response.text
        time.sleep(0.5)
        assert canary.hits == 0
    finally:
        canary.close()


def test_pyoxigraph_itself_would_connect():
    """Why the guard exists: run in-process, SERVICE does reach the canary."""
    canary = Canary()
    try:
        with pytest.raises(OSError):
            list(ox.Store().query(f"SELECT * WHERE {{ SERVICE <{canary.url}> {{ ?s ?p ?o }} }}"))
        time.sleep(0.3)
        assert canary.hits >= 1
    finally:
        canary.close()


@pytest.mark.parametrize("query", [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "DELETE WHERE { ?s ?p ?o }", "LOAD <http://example.org/x>",
    "CLEAR ALL", "DROP GRAPH <urn:g>", "CREATE GRAPH <urn:g>",
    "PREFIX x: <urn:x> WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "ADD <urn:a> TO <urn:b>", "MOVE DEFAULT TO <urn:b>", "COPY <urn:a> TO DEFAULT",
])
def test_updates_are_refused_in_every_form(client, query):
    for response in (client.get("/sparql?query=" + quote(query)),
                     client.post("/sparql", data={"update": query}),
                     client.post("/sparql", data=query, content_type="application/sparql-update"),
                     client.post("/sparql", data=query, content_type="application/sparql-query")):
        assert 400 <= response.status_code < 500
        assert "read-only" in response.get_data(as_text=True)


def test_long_queries_get_414_with_a_hint_and_413_in_a_body(client, app):
    limit = app.config["QUERY_MAX_LENGTH"]
    long_query = CITY + " #" + "x" * limit
    response = client.get("/sparql?query=" + quote(long_query))
    assert response.status_code == 414
    assert "POST" in response.get_data(as_text=True)
    response = client.post("/sparql", data=long_query, content_type="application/sparql-query")
    assert response.status_code == 413
    huge = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = client.post("/sparql", data=huge, content_type="application/sparql-query")
    assert response.status_code == 413


@pytest.mark.parametrize("depth", [200, 6_000, 16_000])
def test_deep_nesting_is_refused_before_the_engine(live, depth):
    query = "SELECT * WHERE { FILTER(" + "(" * depth + "1" + ")" * depth + ") }"
    response = requests.post(live, data=query, headers={"Content-Type": "application/sparql-query"}, timeout=30)
    assert response.status_code == 400
    assert "nested too deeply" in response.text
    braces = "SELECT * " + "{" * depth + "}" * depth
    assert requests.post(live, data=braces, headers={"Content-Type": "application/sparql-query"},
                         timeout=30).status_code == 400
    assert requests.get(live, params={"query": "ASK {}"}, timeout=30).status_code == 200  # still alive


def test_reasonable_nesting_still_runs(client):
    query = "SELECT * WHERE { FILTER(" + "(" * 60 + "1" + ")" * 60 + ") }"
    assert client.get("/sparql?query=" + quote(query)).status_code == 200


def test_malformed_query_names_the_position(client):
    response = client.get("/sparql?query=" + quote("SELECT ?x WHERE {\n  ?x ?y \n}"))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert text.startswith("malformed query: error at 3:")
    assert "Traceback" not in text


@pytest.fixture(scope="module")
def capped_client(release):
    return create_app({"TESTING": True, "DIST": str(release), "QUERY_ROW_LIMIT": 5}).test_client()


@pytest.mark.parametrize("accept,fmt", [
    ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    ("text/csv", None),
])
def test_row_cap_truncates_explicitly(capped_client, accept, fmt):
    response = capped_client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"), headers={"Accept": accept})
    assert response.status_code == 200
    assert response.headers["Coopkg-Truncated"] == "true"
    assert response.headers["Coopkg-Row-Limit"] == "5"
    if fmt is None:
        assert len(response.data.decode().strip().split("\r\n")) == 6
    else:
        assert len(list(ox.parse_query_results(response.data, format=fmt))) == 5
    small = capped_client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o } LIMIT 3"),
                              headers={"Accept": accept})
    assert "Coopkg-Truncated" not in small.headers


def test_row_cap_applies_to_graphs(capped_client):
    response = capped_client.get("/sparql?query=" + quote("CONSTRUCT WHERE { ?s ?p ?o }"),
                                 headers={"Accept": "application/n-triples"})
    assert response.headers["Coopkg-Truncated"] == "true"
    assert len(response.data.decode().strip().split("\n")) == 5


BOUNDED = [
    "SELECT ?p ?o WHERE { <https://w3id.org/coopkg/id/seattle> ?p ?o } #17",
    CITY,
    "PREFIX coop: <https://w3id.org/coopkg/ontology#> SELECT * { ?s a coop:City . }",
    'ask{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> "西雅图"@zh }',
    "# all\nSELECT ?s ?o WHERE { ?s ?p ?o }\n# first three\nLIMIT 3",
]
UNBOUNDED = [
    "SELECT ?x WHERE { ?x ?p ?x }",  # scans every triple to answer a few
    "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s",
    "SELECT ?s WHERE { ?s ?p ?o } LIMIT 5 OFFSET 1000000",
    "SELECT ?s WHERE { ?s <http://a>/<http://b> ?o }",
    "SELECT ?s WHERE { ?s <http://a>* ?o }",
    "SELECT ?s WHERE { ?s ?p ?o FILTER(isIRI(?o)) }",
    "SELECT ?s WHERE { ?s ?p ?o . ?o ?q ?r }",
    "SELECT ?s WHERE { ?s ?p ?o ; ?q ?r }",
    "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?o } }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE { ?s ?p ?o } GROUP BY ?s",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    'SELECT ?s WHERE { ?s ?p "a\\"b" }',
    "SELECT ?s WHERE { ?s ?p ?o" + " " * 30_000 + "x",  # a near miss fails fast (possessive pattern)
]


@pytest.mark.parametrize("query", BOUNDED)
def test_guard_marks_lookups_as_bounded_by_the_row_cap(query):
    assert inspect_query(query, max_depth=128).bounded


@pytest.mark.parametrize("query", UNBOUNDED)
def test_guard_sends_everything_else_through_the_time_limit(query):
    started = time.monotonic()
    assert not inspect_query(query, max_depth=128).bounded
    assert time.monotonic() - started < 0.5


def test_bounded_query_skips_the_watchdog_and_the_row_cap_still_bounds_it(release):
    app = create_app({"TESTING": True, "DIST": str(release), "QUERY_ROW_LIMIT": 5})
    endpoint = app.extensions["coopkg_sparql"]
    handed_off = []
    run = endpoint.time_limit.run
    endpoint.time_limit.run = lambda *args, **kwargs: handed_off.append(args[0]) or run(*args, **kwargs)
    client = app.test_client()
    scan = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o }"))
    assert scan.status_code == 200
    assert scan.headers["Coopkg-Truncated"] == "true"
    assert len(scan.get_json()["results"]["bindings"]) == 5
    assert handed_off == []
    filtered = client.get("/sparql?query=" + quote("SELECT * WHERE { ?s ?p ?o FILTER(isIRI(?o)) }"))
    assert filtered.status_code == 200
    assert handed_off == [endpoint.evaluate]


def test_timeout_answers_503_on_time_and_the_service_keeps_answering(release):
    client = create_app({"TESTING": True, "DIST": str(release), "QUERY_TIMEOUT_SECONDS": 0.3}).test_client()
    started = time.monotonic()
    response = client.get("/sparql?query=" + quote(slow_query(25)))  # ~1.7 s of work, finite
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert "time limit" in response.get_data(as_text=True)
    assert elapsed < 1.0
    assert client.get("/sparql?query=" + quote(CITY)).status_code == 200


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        children = (task / "children").read_text().split()
        found.update(int(c) for c in children)
    return found


@pytest.mark.skipif(shutil.which("gunicorn", path=str(Path(sys.executable).parent)) is None,
                    reason="gunicorn is not installed in the environment")
def test_overrun_under_gunicorn_stops_the_work_and_replaces_only_that_worker(release, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "COOPKG_DIST": str(release), "COOPKG_QUERY_TIMEOUT_SECONDS": "1"}
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "--preload", "--workers", "2",
                               "--bind", f"127.0.0.1:{port}", "coopkg.web.wsgi:app"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if requests.get(base + "/health", timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        time.sleep(0.5)
        before = _children(server.pid)
        assert len(before) == 2
        started = time.monotonic()
        endless = slow_query(100, hundreds=5)  # hours of work
        response = requests.get(base + "/sparql", params={"query": endless}, timeout=30)
        elapsed = time.monotonic() - started
        assert response.status_code == 503 and elapsed < 2.0, (response.status_code, elapsed)
        assert requests.get(base + "/sparql", params={"query": CITY}, timeout=10).status_code == 200
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            after = _children(server.pid)
            if len(after) == 2 and len(before & after) == 1:
                break
            time.sleep(0.1)
        assert len(after) == 2 and len(before & after) == 1, (before, after)  # one replaced, one kept
        gone = (before - after).pop()
        assert not Path(f"/proc/{gone}").exists()  # the overrun's work has stopped with its process
        assert requests.get(base + "/sparql", params={"query": CITY}, timeout=10).status_code == 200
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=10)


def test_an_internal_error_is_a_plain_500(release):
    app = create_app({"TESTING": True, "DIST": str(release)})

    class Broken:
        version = "broken"

        def query(self, *args, **kwargs):
            raise ZeroDivisionError("boom")

    app.extensions["coopkg_store"] = Broken()
    response = app.test_client().get("/sparql?query=" + quote("ASK {}"))
    assert response.status_code == 500
    assert response.mimetype == "text/plain"
    assert "Traceback" not in response.get_data(as_text=True) and "boom" not in response.get_data(as_text=True)


def test_cors_is_on_for_reads(client):
    response = client.get("/sparql?query=" + quote("ASK {}"), headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/sparql", headers={"Origin": "https://example.org",
                                                   "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 204
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    refused = client.get("/sparql?query=" + quote("SELECT * {"))
    assert refused.headers["Access-Control-Allow-Origin"] == "*"


def test_max_content_length_is_set(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 1 << 20
