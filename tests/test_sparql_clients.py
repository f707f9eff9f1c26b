"""Independent SPARQL clients work against the endpoint: SPARQLWrapper (Python) and
Comunica's command-line client (Node.js, installed by .ci/run into .ci/node)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from coopkg.web import create_app
from w3c_http import LiveServer

COMUNICA = Path(__file__).resolve().parents[1] / ".ci" / "node" / "node_modules" / ".bin" / "comunica-sparql"
CITIES = """PREFIX coop: <https://w3id.org/coopkg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?city ?name WHERE { ?city a coop:City ; skos:prefLabel ?name FILTER(lang(?name) = "en") }"""
SEATTLE = "https://w3id.org/coopkg/id/seattle"


@pytest.fixture(scope="module")
def endpoint(release):
    app = create_app({"TESTING": True, "DIST": str(release)})
    with LiveServer(app) as server:
        yield server.url + "/sparql"


def test_sparqlwrapper_select_in_every_results_format(endpoint):
    SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
    names = {}
    for fmt in (SPARQLWrapper.JSON, SPARQLWrapper.XML, SPARQLWrapper.CSV, SPARQLWrapper.TSV):
        client = SPARQLWrapper.SPARQLWrapper(endpoint)
        client.setQuery(CITIES)
        client.setReturnFormat(fmt)
        result = client.query()
        assert result.response.status == 200
        names[fmt] = result.convert()
    rows = names[SPARQLWrapper.JSON]["results"]["bindings"]
    assert any(row["city"]["value"] == SEATTLE and row["name"]["value"] == "Seattle" for row in rows)
    assert len(names[SPARQLWrapper.XML].getElementsByTagName("result")) == len(rows)
    assert names[SPARQLWrapper.CSV].decode().count("\n") == len(rows) + 1


def test_sparqlwrapper_post_ask_and_construct(endpoint):
    SPARQLWrapper = pytest.importorskip("SPARQLWrapper")
    ask = SPARQLWrapper.SPARQLWrapper(endpoint)
    ask.setMethod(SPARQLWrapper.POST)
    ask.setQuery(f"ASK {{ <{SEATTLE}> ?p ?o }}")
    ask.setReturnFormat(SPARQLWrapper.JSON)
    assert ask.query().convert()["boolean"] is True
    construct = SPARQLWrapper.SPARQLWrapper(endpoint)
    construct.setQuery(f"CONSTRUCT WHERE {{ <{SEATTLE}> ?p ?o }}")
    construct.setReturnFormat(SPARQLWrapper.TURTLE)
    assert f"<{SEATTLE}>".encode() in construct.query().convert()


@pytest.mark.skipif(not COMUNICA.exists() or shutil.which("node") is None,
                    reason="Comunica is not installed (.ci/run installs @comunica/query-sparql into .ci/node)")
def test_comunica_queries_the_endpoint(endpoint):
    def comunica(query: str) -> list[dict]:
        found = subprocess.run([str(COMUNICA), f"sparql@{endpoint}", "-t", "application/sparql-results+json", query],
                               capture_output=True, text=True, timeout=120)
        assert found.returncode == 0, found.stderr
        return json.loads(found.stdout)["results"]["bindings"]

    rows = comunica(CITIES)
    # (this Comunica version drops language tags when it re-serialises literals: compare values)
    assert {"city": SEATTLE, "name": "Seattle"} in [{k: v["value"] for k, v in row.items()} for row in rows]
    count = comunica(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{SEATTLE}> ?p ?o }}")
    assert int(count[0]["n"]["value"]) > 3
