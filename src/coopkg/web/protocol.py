"""Read a SPARQL 1.1 Protocol query request from a WSGI environ.

Works on the raw environ (no framework request object) because it runs on every query:
GET ``?query=``, POST ``application/x-www-form-urlencoded`` and POST
``application/sparql-query``, with ``default-graph-uri`` / ``named-graph-uri`` (repeatable),
plus coopkg's ``inference`` (``owl-rl``, the default, or ``none``) and ``format``. Every way a
request can break the protocol is refused here with its own status.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl

from ..query_errors import (
    MethodNotAllowed,
    ProtocolViolation,
    QueryTooLong,
    QueryUriTooLong,
    UnsupportedMediaType,
    UpdateRefused,
)

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
ALLOWED_METHODS = "GET, HEAD, POST, OPTIONS"
INFERENCE_VALUES = {"owl-rl": True, "none": False}
_READ_ONLY = ("this endpoint is read-only: SPARQL Update (LOAD included) is not accepted; "
              "the data is published as dumps and rebuilt from its sources")


@dataclass(frozen=True)
class ProtocolRequest:
    """One query request; ``query`` is None for a GET without one (service description / page)."""

    method: str
    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    inferred: bool = True
    format: str | None = None

    def cache_key(self) -> tuple:
        return (self.query, self.default_graphs, self.named_graphs, self.inferred, self.format)


def read_request(environ: dict, *, max_query_length: int, max_body: int) -> ProtocolRequest:
    method = environ.get("REQUEST_METHOD", "GET")
    query_string = environ.get("QUERY_STRING", "")
    if method in ("GET", "HEAD"):
        if len(query_string) > 3 * max_query_length:
            raise QueryUriTooLong(f"request URI too long: queries over {max_query_length} characters must be "
                                  f"sent with POST (application/sparql-query or a form)")
        return _from_parameters(method, _parameters(query_string), max_query_length)
    if method != "POST":
        raise MethodNotAllowed(f"{method} is not a SPARQL query operation: use GET or POST",
                               headers={"Allow": ALLOWED_METHODS})
    media_type, charset = _content_type(environ.get("CONTENT_TYPE", ""))
    if media_type == SPARQL_UPDATE:
        raise UpdateRefused(_READ_ONLY)
    if media_type not in (FORM, SPARQL_QUERY):
        shown = media_type or "no media type"
        raise UnsupportedMediaType(f"POST a query as {SPARQL_QUERY} or {FORM}, not {shown}")
    if charset not in ("", "utf-8", "utf8"):
        raise UnsupportedMediaType(f"queries must be UTF-8, not {charset}")
    body = _read_body(environ, max_body)
    parameters = _parameters(query_string)
    if media_type == FORM:
        parameters += _parameters(_decode(body))
        return _from_parameters(method, parameters, max_query_length)
    if any(name in ("query", "update") for name, _ in parameters):
        raise ProtocolViolation("a POST with application/sparql-query carries the query in its body, "
                                "not in a query= or update= parameter")
    text = _decode(body)
    if len(text) > max_query_length:
        raise QueryTooLong(f"query too long: {len(text)} characters, the limit is {max_query_length}")
    return _request(method, text, parameters)


def _from_parameters(method: str, parameters: list[tuple[str, str]], max_query_length: int) -> ProtocolRequest:
    queries = [value for name, value in parameters if name == "query"]
    if any(name in ("update", "using-graph-uri", "using-named-graph-uri") for name, _ in parameters):
        raise UpdateRefused(_READ_ONLY)
    if len(queries) > 1:
        raise ProtocolViolation("exactly one query= parameter is allowed")
    if not queries:
        if method == "POST":
            raise ProtocolViolation("missing query: pass the SPARQL text as query= or in the POST body")
        return _request(method, None, parameters)
    if len(queries[0]) > max_query_length:
        raise (QueryUriTooLong if method != "POST" else QueryTooLong)(
            f"query too long: {len(queries[0])} characters, the limit is {max_query_length}"
            + (" (and long queries belong in a POST body)" if method != "POST" else ""))
    if not queries[0].strip():
        raise ProtocolViolation("missing query: the query= parameter is empty")
    return _request(method, queries[0], parameters)


def _request(method: str, query: str | None, parameters: list[tuple[str, str]]) -> ProtocolRequest:
    inferred = True
    fmt = None
    defaults: list[str] = []
    named: list[str] = []
    for name, value in parameters:
        if name == "default-graph-uri":
            defaults.append(value)
        elif name == "named-graph-uri":
            named.append(value)
        elif name == "inference":
            if value not in INFERENCE_VALUES:
                raise ProtocolViolation("inference= is owl-rl (asserted data plus the OWL 2 RL closure, the "
                                        "default) or none (asserted data only)")
            inferred = INFERENCE_VALUES[value]
        elif name == "format":
            fmt = value or None
    return ProtocolRequest(method, query, tuple(defaults), tuple(named), inferred, fmt)


def _content_type(header: str) -> tuple[str, str]:
    media_type, _, rest = header.partition(";")
    charset = ""
    for parameter in rest.split(";"):
        key, _, value = parameter.strip().partition("=")
        if key.lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media_type.strip().lower(), charset


def _read_body(environ: dict, max_body: int) -> bytes:
    length_header = environ.get("CONTENT_LENGTH") or ""
    stream = environ["wsgi.input"]
    if length_header:
        try:
            length = int(length_header)
        except ValueError:
            raise ProtocolViolation("bad Content-Length") from None
        if length > max_body:
            raise QueryTooLong(f"request body too large: {length} bytes, the limit is {max_body}")
        return stream.read(length) if length else b""
    body = stream.read(max_body + 1)
    if len(body) > max_body:
        raise QueryTooLong(f"request body too large: the limit is {max_body} bytes")
    return body


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolViolation("the request body is not UTF-8") from None


def _parameters(text: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(text, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        raise ProtocolViolation("the request parameters are not UTF-8 percent-encoded text") from None
