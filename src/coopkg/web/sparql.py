"""The SPARQL endpoint at /sparql: the SPARQL 1.1 Protocol for queries, read-only and bounded.

Two halves:

- :class:`SparqlEndpoint`, a WSGI handler placed in front of Flask, answers every query
  request. It works on the raw environ because it is the hot path: Flask's request and
  response objects cost several times what pyoxigraph spends on a lookup (measured in
  benchmarks/), and the issue asks lookups to cost little more than the engine. Per request:
  read the protocol request → answer 304 / a cached answer if the dataset version, query,
  graph choice and format match → refuse SERVICE, updates and deep nesting
  (:mod:`query_guard`) → negotiate the format → evaluate and serialise under the time limit
  (:mod:`time_limit`) with the row cap (:mod:`results`). A query the row cap already bounds
  (one triple pattern, nothing that scans without answering: a lookup) skips the time
  limit's thread hand-off, which would otherwise be a third of its cost.
- the ``sparql`` blueprint serves what a browser or a service-description reader gets: the
  query page (also when a query asks for HTML) and the Service Description (GET without a
  query).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from http import HTTPStatus
from itertools import islice
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.exceptions import NotAcceptable

from ..namespaces import PREFIXES
from ..query_errors import MalformedQuery, QueryRefused, UnsupportedQuery
from ..store import DatasetChoice, QueryableDataset
from . import results
from .examples import DEFAULT_EXAMPLES, load_examples
from .negotiation import negotiate_format
from .protocol import ALLOWED_METHODS, ProtocolRequest, read_request
from .query_guard import QueryShape, inspect_query
from .result_cache import CachedAnswer, ResultCache
from .service_description import DEFAULT_VIEW_TEXT, serialize_description, service_description
from .time_limit import TimeLimit

log = logging.getLogger(__name__)
bp = Blueprint("sparql", __name__)

#: configuration keys of the endpoint and their defaults (create_app's config overrides them)
DEFAULTS = {
    "QUERY_TIMEOUT_SECONDS": 10.0,
    "QUERY_ROW_LIMIT": 10_000,
    "QUERY_MAX_LENGTH": 32_768,
    "QUERY_MAX_DEPTH": 128,
    "QUERY_CACHE_BYTES": 64 << 20,
    "QUERY_CACHE_MAX_AGE": 300,
    "QUERY_PAGE_ROWS": 1_000,
    "RECYCLE_WORKER_ON_TIMEOUT": True,
    "EXAMPLES_DIR": str(DEFAULT_EXAMPLES),
}
SD_FORMATS = tuple(results.GRAPH_FORMATS)
_ENVIRON_KEY = "coopkg.sparql.request"
_CORS = [("Access-Control-Allow-Origin", "*"),
         ("Access-Control-Expose-Headers", "ETag, Coopkg-Truncated, Coopkg-Row-Limit, Content-Type")]
_PREFLIGHT = [*_CORS, ("Access-Control-Allow-Methods", ALLOWED_METHODS),
              ("Access-Control-Allow-Headers", "Accept, Content-Type, If-None-Match"),
              ("Access-Control-Max-Age", "86400"), ("Allow", ALLOWED_METHODS), ("Content-Length", "0")]
_STATUS = {status.value: f"{status.value} {status.phrase}" for status in HTTPStatus}


def install(app: Flask) -> None:
    """Register the blueprint and put the protocol handler in front of the app."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)
    endpoint = SparqlEndpoint(app)
    app.extensions["coopkg_sparql"] = endpoint
    app.wsgi_app = endpoint.wrap(app.wsgi_app)
    app.register_blueprint(bp)


def public_endpoint_url(config) -> str:
    """The endpoint's public URL: PUBLIC_BASE_URL when configured, else the IRI base's."""
    return (config.get("PUBLIC_BASE_URL") or config["IRI_BASE"]).rstrip("/") + "/sparql"


@dataclass(frozen=True)
class Settings:
    timeout: float
    row_limit: int
    max_query_length: int
    max_body: int
    max_depth: int
    cache_control: str

    @classmethod
    def from_config(cls, config) -> Settings:
        return cls(timeout=float(config["QUERY_TIMEOUT_SECONDS"]), row_limit=int(config["QUERY_ROW_LIMIT"]),
                   max_query_length=int(config["QUERY_MAX_LENGTH"]),
                   max_body=int(config.get("MAX_CONTENT_LENGTH") or 1 << 20),
                   max_depth=int(config["QUERY_MAX_DEPTH"]),
                   cache_control=f"public, max-age={int(config['QUERY_CACHE_MAX_AGE'])}")


class SparqlEndpoint:
    """Answers SPARQL Protocol query requests on /sparql; passes everything else on."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.settings = Settings.from_config(app.config)
        self.cache = ResultCache(int(app.config["QUERY_CACHE_BYTES"]))
        self.time_limit = TimeLimit(self.settings.timeout, recycle=bool(app.config["RECYCLE_WORKER_ON_TIMEOUT"]))
        self.examples = load_examples(Path(app.config["EXAMPLES_DIR"]) if app.config["EXAMPLES_DIR"] else None)
        self._row_limit_header = ("Coopkg-Row-Limit", str(self.settings.row_limit))
        self.base_iri = public_endpoint_url(app.config)
        self.next = app.wsgi_app

    def wrap(self, wsgi_app):
        self.next = wsgi_app
        return self

    @property
    def dataset(self) -> QueryableDataset:
        return self.app.extensions["coopkg_store"]

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO") not in ("/sparql", "/sparql/"):
            return self.next(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "OPTIONS":
            start_response("204 No Content", _PREFLIGHT)
            return []
        # a repeated GET is answered from its raw query string, before any parsing
        raw_key = None
        if method in ("GET", "HEAD") and environ.get("QUERY_STRING"):
            raw_key = (self.dataset.version, environ["QUERY_STRING"], environ.get("HTTP_ACCEPT", ""))
            cached = self.cache.get(raw_key)
            if cached is not None:
                return self._send_cached(environ, start_response, cached, method == "HEAD")
        settings = self.settings
        try:
            protocol_request = read_request(environ, max_query_length=settings.max_query_length,
                                            max_body=settings.max_body)
        except QueryRefused as refused:
            return self._refuse(refused, start_response)
        if protocol_request.query is None:
            environ[_ENVIRON_KEY] = protocol_request
            return self.next(environ, start_response)
        try:
            return self._answer(environ, start_response, protocol_request, raw_key)
        except QueryRefused as refused:
            return self._refuse(refused, start_response)
        except NotAcceptable as refused:
            return self._refuse(QueryRefused(refused.description), start_response, status=406)
        except Exception:  # a bug: log it, answer without a traceback
            log.exception("SPARQL request failed")
            return self._refuse(QueryRefused("internal error while answering the query"), start_response, 500)

    def _send_cached(self, environ, start_response, cached: CachedAnswer, head: bool):
        conditional = environ.get("HTTP_IF_NONE_MATCH")
        if conditional and _etag_matches(conditional, cached.etag):
            return self._not_modified(start_response, cached.etag)
        start_response("200 OK", cached.headers)
        return [] if head else [cached.body]

    def _not_modified(self, start_response, etag: str):
        start_response("304 Not Modified", [("ETag", etag), ("Cache-Control", self.settings.cache_control),
                                             ("Vary", "Accept"), *_CORS])
        return []

    def _answer(self, environ, start_response, protocol_request: ProtocolRequest, raw_key: tuple | None):
        dataset = self.dataset
        accept = environ.get("HTTP_ACCEPT", "")
        key = (dataset.version, accept, *protocol_request.cache_key())
        etag = '"' + dataset.version + "-" + hashlib.blake2b(repr(key).encode(), digest_size=10).hexdigest() + '"'
        conditional = environ.get("HTTP_IF_NONE_MATCH")
        head = protocol_request.method == "HEAD"
        if conditional and protocol_request.method != "POST" and _etag_matches(conditional, etag):
            return self._not_modified(start_response, etag)
        cached = self.cache.get(key)
        if cached is not None:
            start_response("200 OK", cached.headers)
            return [] if head else [cached.body]
        shape = inspect_query(protocol_request.query, max_depth=self.settings.max_depth)
        media_type = negotiate_format(results.AVAILABLE[shape.form or "SELECT"], protocol_request.format,
                                      accept=accept)
        if media_type == results.HTML:
            environ[_ENVIRON_KEY] = protocol_request
            return self.next(environ, start_response)
        if shape.bounded:  # the row cap bounds it: no watchdog hand-off needed
            answer = self.evaluate(dataset, protocol_request, shape, media_type)
        else:
            answer = self.time_limit.run(self.evaluate, dataset, protocol_request, shape, media_type,
                                         server=environ.get("SERVER_SOFTWARE", ""))
        headers = [("Content-Type", results.content_type(answer.media_type)),
                   ("Content-Length", str(len(answer.body))), ("Vary", "Accept"), ("ETag", etag),
                   ("Cache-Control", self.settings.cache_control), self._row_limit_header, *_CORS]
        if answer.truncated:
            headers.append(("Coopkg-Truncated", "true"))
        cached = CachedAnswer(headers, answer.body, etag)
        self.cache.put(key, cached)
        if raw_key is not None:
            self.cache.put(raw_key, cached)
        start_response("200 OK", headers)
        return [] if head else [answer.body]

    def evaluate(self, dataset: QueryableDataset, protocol_request: ProtocolRequest, shape: QueryShape,
                 media_type: str) -> Evaluated:
        """Run and serialise one query (on the time limit's helper thread)."""
        found = run_query(dataset, protocol_request, shape, self.base_iri)
        media_type = _media_type_for(found, media_type)
        serialized = results.serialize(found, media_type, self.settings.row_limit)
        return Evaluated(media_type, serialized.body, serialized.truncated)

    def _refuse(self, refused: QueryRefused, start_response, status: int | None = None):
        status = status or refused.status
        body = (str(refused) + "\n").encode("utf-8")
        headers = [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                   ("Cache-Control", "no-store"), ("Vary", "Accept"), *_CORS, *refused.headers.items()]
        start_response(_STATUS.get(status, f"{status} Error"), headers)
        return [body]


@dataclass(frozen=True)
class Evaluated:
    media_type: str
    body: bytes
    truncated: bool


def run_query(dataset: QueryableDataset, protocol_request: ProtocolRequest, shape: QueryShape, base_iri: str):
    """Parse and start evaluating; a syntax error becomes a 400 with the parser's position.
    Relative IRIs in the query resolve against the endpoint's public URL."""
    choice = DatasetChoice(inferred=protocol_request.inferred, default_graphs=protocol_request.default_graphs,
                           named_graphs=protocol_request.named_graphs, query_has_dataset=shape.has_dataset)
    try:
        return dataset.query(protocol_request.query, choice, base_iri=base_iri)
    except SyntaxError as error:
        raise MalformedQuery(f"malformed query: {error}") from None
    except RuntimeError as error:  # parsed but not evaluable here, e.g. an unknown extension function
        raise UnsupportedQuery(f"query not supported: {error}") from None


def _media_type_for(found, media_type: str) -> str:
    """The negotiated type, unless the guard mistook the form (then the form's default)."""
    table = results.GRAPH_FORMATS if isinstance(found, ox.QueryTriples) else results.SOLUTION_FORMATS
    if media_type in table:
        return media_type
    return results.TURTLE if table is results.GRAPH_FORMATS else results.SPARQL_JSON


def _etag_matches(header: str, etag: str) -> bool:
    if header.strip() == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == etag for candidate in header.split(","))


# --- what browsers and service-description readers get -------------------------------------------------


@bp.route("/sparql", methods=["GET", "HEAD", "POST"], strict_slashes=False)
def sparql_page():
    endpoint: SparqlEndpoint = current_app.extensions["coopkg_sparql"]
    protocol_request: ProtocolRequest | None = request.environ.get(_ENVIRON_KEY)
    if protocol_request is None:  # only when the handler is bypassed (it never is in create_app)
        protocol_request = ProtocolRequest(request.method, None)
    if protocol_request.query is None:
        media_type = negotiate_format((*SD_FORMATS, results.HTML), protocol_request.format)
        if media_type != results.HTML:
            return _service_description(endpoint, media_type)
    return _page(endpoint, protocol_request)


def _service_description(endpoint: SparqlEndpoint, media_type: str) -> Response:
    quads = service_description(public_endpoint_url(current_app.config), endpoint.dataset,
                                timeout=endpoint.settings.timeout, row_limit=endpoint.settings.row_limit)
    response = Response(serialize_description(quads, media_type), content_type=results.content_type(media_type))
    _decorate(response, endpoint)
    return response


def _page(endpoint: SparqlEndpoint, protocol_request: ProtocolRequest) -> Response:
    outcome = None
    status = 200
    if protocol_request.query is not None:
        try:
            shape = inspect_query(protocol_request.query, max_depth=endpoint.settings.max_depth)
            outcome = endpoint.time_limit.run(_tabulate, endpoint.dataset, protocol_request, shape, endpoint.base_iri,
                                              int(current_app.config["QUERY_PAGE_ROWS"]),
                                              server=request.environ.get("SERVER_SOFTWARE", ""))
        except QueryRefused as refused:
            outcome = PageOutcome(error=str(refused))
            status = refused.status
    html = render_template("sparql/query.html", request_=protocol_request, outcome=outcome,
                           query=protocol_request.query or DEFAULT_QUERY, examples=endpoint.examples,
                           settings=endpoint.settings, default_view=DEFAULT_VIEW_TEXT,
                           endpoint_url=public_endpoint_url(current_app.config), prefixes=PREFIXES, cell=_cell)
    response = Response(html, status=status, content_type="text/html; charset=utf-8")
    _decorate(response, endpoint)
    return response


def _decorate(response: Response, endpoint: SparqlEndpoint) -> None:
    response.headers["Vary"] = "Accept"
    for name, value in _CORS:
        response.headers[name] = value


@dataclass
class PageOutcome:
    """What the query page shows under the editor."""

    form: str = ""
    columns: list[str] | None = None
    rows: list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]] | None = None
    boolean: bool | None = None
    truncated: bool = False
    error: str | None = None
    downloads: list[tuple[str, str]] | None = None


def _tabulate(dataset: QueryableDataset, protocol_request: ProtocolRequest, shape: QueryShape, base_iri: str,
              max_rows: int) -> PageOutcome:
    found = run_query(dataset, protocol_request, shape, base_iri)
    if isinstance(found, ox.QueryBoolean):
        return PageOutcome(form="ASK", boolean=bool(found), downloads=_downloads(protocol_request, "ASK"))
    if isinstance(found, ox.QuerySolutions):
        columns = [variable.value for variable in found.variables]
        rows = [[solution[name] for name in columns] for solution in islice(found, max_rows + 1)]
        form = "SELECT"
    else:
        columns = ["subject", "predicate", "object"]
        rows = [[t.subject, t.predicate, t.object] for t in islice(found, max_rows + 1)]
        form = shape.form or "CONSTRUCT"
    truncated = len(rows) > max_rows
    return PageOutcome(form=form, columns=columns, rows=rows[:max_rows], truncated=truncated,
                       downloads=_downloads(protocol_request, form))


def _downloads(protocol_request: ProtocolRequest, form: str) -> list[tuple[str, str]]:
    from urllib.parse import urlencode

    links = []
    for media_type in results.AVAILABLE[form]:
        name = results.SHORT_NAMES.get(media_type)
        if name is None:
            continue
        parameters = [("query", protocol_request.query)]
        parameters += [("default-graph-uri", g) for g in protocol_request.default_graphs]
        parameters += [("named-graph-uri", g) for g in protocol_request.named_graphs]
        if not protocol_request.inferred:
            parameters.append(("inference", "none"))
        parameters.append(("format", name))
        links.append((name.upper(), "sparql?" + urlencode(parameters)))
    return links


def _short_name(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _cell(term) -> dict:
    """How the page shows one term: coopkg IRIs link to their local Linked Data page."""
    if term is None:
        return {"text": ""}
    if isinstance(term, ox.NamedNode):
        iri_base = current_app.config["IRI_BASE"]
        href = "/" + term.value[len(iri_base):] if term.value.startswith(iri_base) else term.value
        return {"text": _short_name(term.value), "href": href, "title": term.value}
    if isinstance(term, ox.BlankNode):
        return {"text": "_:" + term.value}
    if isinstance(term, ox.Literal):
        suffix = ""
        if term.language:
            suffix = "@" + term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            suffix = "^^" + _short_name(term.datatype.value)
        return {"text": term.value, "suffix": suffix}
    return {"text": str(term)}


DEFAULT_QUERY = """SELECT ?city ?name WHERE {
  ?city a coop:City ;
        skos:prefLabel ?name .
  FILTER(lang(?name) = "en")
}
ORDER BY ?name
LIMIT 50
"""
