"""The HTTP layer: ``create_app(config)`` with one blueprint per area of the site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

from ..query_errors import QueryRefused
from ..store import open_store


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app over a release directory (``DIST``), opened once at start-up."""
    app = Flask(__name__)
    app.config.from_mapping(
        DIST="dist",
        # The IRIs in the data; a deployment on its own domain sets PUBLIC_BASE_URL and
        # serves (and links to) its own IRIs instead. None: links are relative to the request.
        IRI_BASE="https://w3id.org/coopkg/",
        PUBLIC_BASE_URL=None,
        QUERY_TIMEOUT_SECONDS=10.0,
        QUERY_ROW_LIMIT=10_000,
        MAX_CONTENT_LENGTH=1 << 20,
        # a directory of earlier releases (one sub-directory each) listed on /dumps; None: only the served one
        RELEASE_ARCHIVE=None,
        # a SPARQL query endpoint the release was published to (`coopkg publish`); None: embedded store
        STORE_URL=None,
    )
    if config:
        app.config.from_mapping(config)
    app.extensions["coopkg_store"] = open_store(Path(app.config["DIST"]), app.config.get("STORE_URL"),
                                                timeout=float(app.config["QUERY_TIMEOUT_SECONDS"]))

    from . import dumps, home, ontology_docs, pages, resources, search, sparql

    pages.install(app)  # the Linked Data view of the release (names, search index), built once
    app.register_blueprint(home.bp)
    sparql.install(app)  # /sparql: the protocol handler in front of Flask, the query page, the service description
    app.register_blueprint(resources.bp)
    app.register_blueprint(ontology_docs.bp)
    app.register_blueprint(search.bp)
    app.register_blueprint(dumps.bp)
    app.register_error_handler(QueryRefused, _store_refused)
    return app


def _store_refused(error: QueryRefused):
    """A page whose lookups a remote store could not answer (down, failing, too slow)."""
    return str(error) + "\n", error.status, {"Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store",
                                              "Retry-After": "5"}
