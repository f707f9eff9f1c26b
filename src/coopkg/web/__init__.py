"""The HTTP layer: ``create_app(config)`` with one blueprint per area of the site."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask

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
    )
    if config:
        app.config.from_mapping(config)
    app.extensions["coopkg_store"] = open_store(Path(app.config["DIST"]))

    from . import home, sparql

    app.register_blueprint(home.bp)
    app.register_blueprint(sparql.bp)
    return app
