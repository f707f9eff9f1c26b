"""The SPARQL endpoint: GET ``?query=`` and POST (form or ``application/sparql-query``).

Queries run on the embedded pyoxigraph store; the store is read-only because it is only
ever handed read queries (pyoxigraph's ``query`` refuses updates with a syntax error).
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

bp = Blueprint("sparql", __name__)

_JSON = "application/sparql-results+json"


class QueryRefused(Exception):
    """A query we will not run; the message says why."""


def _query_text() -> str:
    if request.method == "GET":
        text = request.args.get("query")
    elif request.mimetype == "application/sparql-query":
        text = request.get_data(as_text=True)
    else:
        text = request.form.get("query")
    if not text:
        raise QueryRefused("missing query: pass the SPARQL text as ?query= or in the POST body")
    return text


@bp.route("/sparql", methods=["GET", "POST"])
def sparql() -> Response:
    try:
        text = _query_text()
    except QueryRefused as refused:
        return Response(str(refused) + "\n", status=400, mimetype="text/plain")
    store = current_app.extensions["coopkg_store"]
    try:
        results = store.query(text)
    except SyntaxError as error:
        return Response(f"malformed query: {error}\n", status=400, mimetype="text/plain")
    if isinstance(results, (ox.QuerySolutions, ox.QueryBoolean)):
        body = results.serialize(format=ox.QueryResultsFormat.JSON)
        return Response(body, mimetype=_JSON)
    body = results.serialize(format=ox.RdfFormat.N_TRIPLES)
    return Response(body, mimetype="application/n-triples")
