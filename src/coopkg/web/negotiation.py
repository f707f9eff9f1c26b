"""The one content-negotiation function every route uses.

Werkzeug already parses Accept with q-values; this module adds the two overrides people
need when they cannot set headers (a ``format=`` parameter, a file extension) and turns
"nothing acceptable" into a 406 that lists what is available.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask import request
from werkzeug.exceptions import NotAcceptable

#: short names accepted by ``?format=`` and as URL extensions, mapped to media types
FORMAT_ALIASES: dict[str, str] = {
    "html": "text/html",
    "json": "application/sparql-results+json",
    "srj": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "srx": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "rdfxml": "application/rdf+xml",
}


class NoAcceptableFormat(NotAcceptable):
    """406 whose body names the formats that are available."""

    def __init__(self, available: Sequence[str]) -> None:
        super().__init__(description="no acceptable format; available: " + ", ".join(available))


def negotiate_format(available: Sequence[str], explicit: str | None = None) -> str:
    """Pick the media type to answer with.

    ``explicit`` (from ``?format=`` or a URL extension) wins when it names an available
    type; otherwise the Accept header decides, the first of ``available`` being the
    default for ``*/*`` or a missing header.
    """
    if explicit:
        wanted = FORMAT_ALIASES.get(explicit.lower(), explicit.lower())
        if wanted in available:
            return wanted
        raise NoAcceptableFormat(available)
    if not request.headers.get("Accept"):
        return available[0]
    best = request.accept_mimetypes.best_match(available, default=None)
    if best is None:
        raise NoAcceptableFormat(available)
    return best
