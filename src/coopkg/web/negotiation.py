"""The one content-negotiation function every route uses.

Werkzeug already parses Accept with q-values; this module adds the two overrides people
need when they cannot set headers (a ``format=`` parameter, a file extension) and turns
"nothing acceptable" into a 406 that lists what is available.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from flask import request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import NotAcceptable
from werkzeug.http import parse_accept_header

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


_FROM_REQUEST = object()


def negotiate_format(available: Sequence[str], explicit: str | None = None, accept=_FROM_REQUEST) -> str:
    """Pick the media type to answer with.

    ``explicit`` (from ``?format=`` or a URL extension) wins when it names an available
    type; otherwise the Accept header decides, the first of ``available`` being the
    default for ``*/*`` or a missing header. ``accept`` passes the header's value where
    there is no Flask request (the SPARQL endpoint's WSGI fast path); by default it is read
    from the current request.
    """
    if explicit:
        wanted = FORMAT_ALIASES.get(explicit.lower(), explicit.lower())
        if wanted in available:
            return wanted
        raise NoAcceptableFormat(available)
    header = request.headers.get("Accept") if accept is _FROM_REQUEST else accept
    if not header:
        return available[0]
    best = _best_match(header, tuple(available))
    if best is None:
        raise NoAcceptableFormat(available)
    return best


@lru_cache(maxsize=512)
def _best_match(header: str, available: tuple[str, ...]) -> str | None:
    """Clients repeat the same Accept header: parse each one once."""
    return parse_accept_header(header, MIMEAccept).best_match(available, default=None)
