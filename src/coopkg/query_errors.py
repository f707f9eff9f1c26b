"""Every way a SPARQL request can fail, each its own type with its HTTP status.

Shared by the endpoint (web) and the remote store (remote), so it sits above both.

The endpoint maps these, and only these, to answers; anything else is a bug and answers a
plain 500 without a traceback. A syntax error, a forbidden feature, an overrun and a protocol
mistake are different answers: the status tells a client which one it got, the one-line
message tells a person what to change.
"""

from __future__ import annotations


class QueryRefused(Exception):
    """Base class: ``status`` is the HTTP status, ``str(error)`` the message."""

    status = 400
    #: extra response headers (e.g. ``Allow`` for a 405)
    headers: dict[str, str] = {}

    def __init__(self, message: str, *, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        if headers:
            self.headers = headers


class ProtocolViolation(QueryRefused):
    """The request does not follow the SPARQL Protocol (two queries, a bad media type, …)."""


class MethodNotAllowed(ProtocolViolation):
    status = 405


class UnsupportedMediaType(ProtocolViolation):
    status = 415


class MalformedQuery(QueryRefused):
    """The query does not parse; the message carries the parser's line:column."""


class UnsupportedQuery(QueryRefused):
    """A query that parses but asks for something the engine does not have (an unknown function)."""


class QueryTooDeep(QueryRefused):
    """Brackets nested deeper than the limit (refused before the parser sees it)."""


class QueryTooLong(QueryRefused):
    """A query longer than the limit: 414 in a URL (POST it instead), 413 in a body."""

    status = 413


class QueryUriTooLong(QueryTooLong):
    status = 414


class ForbiddenQuery(QueryRefused):
    """A query asking for something this endpoint never does (SERVICE: no outgoing requests)."""

    status = 403


class UpdateRefused(QueryRefused):
    """SPARQL Update, LOAD included: the endpoint is read-only."""

    status = 403


class QueryTimeout(QueryRefused):
    """The query ran past the time limit; its work has been stopped."""

    status = 503

