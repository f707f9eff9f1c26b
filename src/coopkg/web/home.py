"""The landing page and the health check."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

bp = Blueprint("home", __name__)

_HOME = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>coopkg</title></head>
<body><h1>coopkg</h1>
<p>A knowledge graph of regional and cross-border science-and-technology innovation cooperation.</p>
<p>SPARQL endpoint: <a href="/sparql">/sparql</a> (GET <code>?query=</code> or POST).</p>
</body></html>"""


@bp.get("/")
def home():
    return _HOME


@bp.get("/health")
def health():
    store = current_app.extensions["coopkg_store"]
    return jsonify(status="ok", quads=len(store))
