"""The comparison point: a plain SPARQL endpoint on rdflib, as many small projects run one.

Flask + an rdflib Dataset whose default graph is the union of its graphs (the same view as
coopkg's default and ``oxigraph serve --union-default-graph``), SPARQL JSON results.

    COOPKG_DIST=dist granian --interface wsgi --workers 2 benchmarks.rdflib_endpoint:app
"""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, Response, request
from rdflib import Dataset, URIRef

dist = Path(os.environ.get("COOPKG_DIST", "dist"))
dataset = Dataset(default_union=True)
dataset.parse(dist / "data.nq", format="nquads")
dataset.graph(URIRef("https://w3id.org/coopkg/graph/inferred")).parse(dist / "inferred.nt", format="nt")
dataset.graph(URIRef("https://w3id.org/coopkg/graph/ontology")).parse(dist / "ontology.ttl", format="turtle")
app = Flask(__name__)


@app.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    query = request.values["query"]
    result = dataset.query(query)
    return Response(result.serialize(format="json"), mimetype="application/sparql-results+json")


@app.get("/health")
def health() -> str:
    return "ok"
