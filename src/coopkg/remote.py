"""Open a published release held by an external SPARQL 1.1 store (Oxigraph server, Virtuoso, …).

The release directory still names the content (version, graph list, VoID, shapes, dumps);
every query is forwarded over the SPARQL Protocol with ``requests`` and its answer parsed back
into pyoxigraph result objects, so the web layer cannot tell an embedded store from a remote
one. The endpoint's own rules (read-only, no SERVICE, the time limit) run before forwarding;
the time limit is passed on as well (``timeout`` in milliseconds, which Virtuoso honours) and
enforced here as the HTTP read timeout.

A query never sees the store's whole dataset: the views name the release's graphs explicitly
(``default-graph-uri`` / ``named-graph-uri``), because stores keep graphs of their own in their
default dataset (Virtuoso's system graphs).
"""

from __future__ import annotations

import http.client
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import ProtocolError

from .errors import ReleaseNotFound
from .indexes import read_graph_counts
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from .query_errors import QueryRefused, QueryTimeout, UnsupportedQuery
from .release import DATA_NQ, INFERRED_NT, ONTOLOGY_TTL, VOID_TTL
from .store import DatasetChoice, QueryableDataset, release_version

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"
TURTLE = "text/turtle"
_ACCEPT_SOLUTIONS = f"{SPARQL_JSON}"
_ACCEPT_GRAPH = f"{N_TRIPLES}, {TURTLE};q=0.9"
# what the form keyword is found after: the prologue, with IRIs, strings and comments taken out
_NOISE = re.compile(r'<[^<>"{}|^`\\\s]*>|""".*?"""|\'\'\'.*?\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|#[^\n]*',
                    re.DOTALL)
_FORM = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", re.IGNORECASE)
_GRAPH_TYPES = {N_TRIPLES: ox.RdfFormat.N_TRIPLES, "text/plain": ox.RdfFormat.N_TRIPLES,
                "text/ntriples": ox.RdfFormat.N_TRIPLES, TURTLE: ox.RdfFormat.TURTLE}
SD_NAME = "http://www.w3.org/ns/sparql-service-description#name"
VOID_TRIPLES = "http://rdfs.org/ns/void#triples"


class StoreUnavailable(QueryRefused):
    """The store does not answer (down, refusing connections): try again later."""

    status = 503


class StoreFailed(QueryRefused):
    """The store answered with an error of its own (5xx): not the query's fault."""

    status = 502


class SparqlClient:
    """A pooled HTTP client for one store's query endpoint."""

    def __init__(self, query_url: str, *, timeout: float = 10.0, connect_timeout: float = 2.0,
                 pool_size: int = 16) -> None:
        self.query_url = query_url
        self.timeout = timeout
        self.connect_timeout = connect_timeout
        # Virtuoso echoes every default graph as a header of its answer; http.client stops at 100
        http.client._MAXHEADERS = max(http.client._MAXHEADERS, 10_000)  # type: ignore[attr-defined]
        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=2, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def post(self, query: str, graphs: dict[str, list[str]] | None = None, *,
             timeout: float | None = None) -> requests.Response:
        """POST a query (form-encoded, so long queries and graph lists fit); map transport
        failures and store errors to the endpoint's answers. Accept names only the formats of
        the query's form: a store may otherwise pick JSON for a CONSTRUCT (Virtuoso does)."""
        seconds = timeout or self.timeout
        accept = _ACCEPT_GRAPH if query_form(query) in ("CONSTRUCT", "DESCRIBE") else _ACCEPT_SOLUTIONS
        form: list[tuple[str, str]] = [("query", query), ("timeout", str(int(seconds * 1000)))]
        for key, values in (graphs or {}).items():
            form.extend((key, value) for value in values)
        try:
            response = self._send(form, accept, seconds)
        except requests.Timeout as error:
            if isinstance(error, requests.ConnectTimeout):
                raise StoreUnavailable(f"the SPARQL store at {self.query_url} is not answering") from None
            raise QueryTimeout(f"the query ran past the time limit of {seconds:g} s") from None
        except requests.ConnectionError as error:
            if _malformed_answer(error):
                raise StoreFailed(f"the SPARQL store at {self.query_url} sent a malformed answer: {error}") from None
            raise StoreUnavailable(f"the SPARQL store at {self.query_url} is unavailable; try again later") from None
        _raise_for_store_error(response, seconds)
        return response

    def _send(self, form: list[tuple[str, str]], accept: str, seconds: float) -> requests.Response:
        """One retry when the connection breaks: a pooled keep-alive connection the store has
        closed fails only when reused, and a read query is safe to send twice (timeouts are
        not retried)."""
        for attempt in (1, 2):
            try:
                return self.session.post(self.query_url, data=form, headers={"Accept": accept},
                                         timeout=(self.connect_timeout, seconds + 0.5))
            except requests.ConnectionError as error:
                if attempt == 2 or isinstance(error, requests.Timeout):
                    raise
        raise AssertionError("unreachable")

    def select(self, query: str, graphs: dict[str, list[str]] | None = None) -> ox.QuerySolutions:
        response = self.post(query, graphs)
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)


def _malformed_answer(error: requests.ConnectionError) -> bool:
    """An answer that is not valid HTTP (as opposed to no answer: refused, reset, closed)."""
    cause = error.args[0] if error.args else None
    inner = cause.args[1] if isinstance(cause, ProtocolError) and len(cause.args) > 1 else None
    return isinstance(inner, http.client.HTTPException) and not isinstance(inner, http.client.RemoteDisconnected)


def query_form(query: str) -> str:
    found = _FORM.search(_NOISE.sub(" ", query))
    return found.group(1).upper() if found else "SELECT"


def _raise_for_store_error(response: requests.Response, seconds: float) -> None:
    # Virtuoso's "anytime" answers: a partial result with the timeout's SQL state
    if response.headers.get("X-SQL-State") == "S1TAT" or response.status_code == 504:
        raise QueryTimeout(f"the query ran past the time limit of {seconds:g} s")
    if response.status_code < 400:
        return
    message = _first_line(response.text)
    if "exceeds the limit" in message:  # Virtuoso refusing by its cost estimate
        raise QueryTimeout(f"the store estimates the query would run past its time limit: {message}")
    if response.status_code in (400, 406, 415):
        raise UnsupportedQuery(f"the SPARQL store refused the query: {message}")
    if response.status_code == 503:
        raise StoreUnavailable(f"the SPARQL store is unavailable: {message}")
    raise StoreFailed(f"the SPARQL store failed ({response.status_code}): {message}")


def _first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[0][:300] if lines else "(no message)"


def parse_answer(response: requests.Response):
    """A store's answer as the pyoxigraph object an embedded query would have returned."""
    media_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if media_type in (SPARQL_JSON, "application/json"):
        return ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    if media_type in _GRAPH_TYPES:
        return _as_query_triples(ox.parse(response.content, format=_GRAPH_TYPES[media_type]))
    raise StoreFailed(f"the SPARQL store answered in an unexpected format: {media_type or 'none'}")


def _as_query_triples(quads) -> ox.QueryTriples:
    """pyoxigraph has no public constructor for QueryTriples: re-query a scratch store."""
    scratch = ox.Store()
    scratch.extend([ox.Quad(q.subject, q.predicate, q.object) for q in quads])
    return scratch.query("CONSTRUCT WHERE { ?s ?p ?o }")


class RemoteDataset(QueryableDataset):
    """A release published to an external store (see :mod:`coopkg.publish`), queried remotely."""

    def __init__(self, dist: Path, query_url: str, *, timeout: float = 10.0) -> None:
        dist = Path(dist)
        if not (dist / VOID_TTL).is_file() and not (dist / DATA_NQ).is_file():
            raise ReleaseNotFound(f"no release in {dist}: run `coopkg build` first")
        self.dist = dist
        self.client = SparqlClient(query_endpoint(query_url), timeout=timeout)
        self.version = release_version(dist)
        self.graphs = sorted(release_graph_counts(dist))
        asserted = [g for g in self.graphs if g != INFERRED_GRAPH]
        self._views = {True: {"default-graph-uri": self.graphs, "named-graph-uri": self.graphs},
                       False: {"default-graph-uri": asserted, "named-graph-uri": asserted}}
        self.store = RemoteQuads(self)

    def query(self, sparql: str, choice: DatasetChoice | None = None, *, union: bool = True,
              base_iri: str | None = None):
        if base_iri:  # the protocol has no base parameter: a leading BASE does the same
            sparql = f"BASE <{base_iri}>\n{sparql}"
        if choice is None:
            graphs = self._views[True] if union else {}
        elif choice.default_graphs or choice.named_graphs:
            graphs = {"default-graph-uri": list(choice.default_graphs),
                      "named-graph-uri": list(choice.named_graphs)}
        elif choice.query_has_dataset:
            graphs = {}
        else:
            graphs = self._views[choice.inferred]
        return parse_answer(self.client.post(sparql, graphs))

    def graph_names(self) -> list[str]:
        return list(self.graphs)

    def __len__(self) -> int:
        return len(self.store)


class RemoteQuads:
    """The part of ``pyoxigraph.Store`` the Linked Data pages read (pattern lookups, a full scan,
    union queries), answered by the store over SPARQL and limited to the release's graphs.

    ``graph/ontology`` is small, has blank nodes (OWL lists, restrictions) whose labels a store
    does not keep stable between queries, and is read term by term by the ontology pages: it
    is answered from the release's ``ontology.ttl`` instead."""

    def __init__(self, dataset: RemoteDataset) -> None:
        self.dataset = dataset
        self.local = ox.Store()
        ontology = dataset.dist / ONTOLOGY_TTL
        if ontology.is_file():
            self.local.load(path=str(ontology), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
        remote = [g for g in dataset.graphs if g != ONTOLOGY_GRAPH]
        self._values = "VALUES ?g { " + " ".join(f"<{g}>" for g in remote) + " }"
        self._remote = frozenset(remote)
        self._prefix = os.path.commonprefix(remote) if remote else ""

    #: above this many graphs a pattern is not joined with a list of them (the store would look
    #: the pattern up once per graph: 1 500 lookups per page at 10M synthetic quads) but
    #: matched in every graph and filtered on the graphs' common prefix, then exactly here
    GRAPH_LIST_LIMIT = 32

    def _graph_restriction(self) -> tuple[str, str]:
        """(before, after) the GRAPH pattern: what keeps a lookup to the release's graphs."""
        if len(self._remote) <= self.GRAPH_LIST_LIMIT:
            return self._values, ""
        return "", f'FILTER(STRSTARTS(STR(?g), "{self._prefix}"))'

    def quads_for_pattern(self, subject=None, predicate=None, object=None, graph_name=None) -> Iterator[ox.Quad]:
        bound = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        if graph_name is None or graph_name == ox.NamedNode(ONTOLOGY_GRAPH):
            yield from self.local.quads_for_pattern(subject, predicate, object, graph_name)
        if graph_name == ox.NamedNode(ONTOLOGY_GRAPH) or any(isinstance(t, ox.BlankNode) for t in bound.values()):
            return
        where = [f"VALUES ?{name} {{ {term} }}" for name, term in bound.items() if term is not None]
        after = ""
        if graph_name is None:
            before, after = self._graph_restriction()
            where.append(before)
        query = "SELECT ?s ?p ?o ?g WHERE { " + " ".join(where) + " GRAPH ?g { ?s ?p ?o } " + after + " }"
        for row in self.dataset.client.select(query):
            if row["g"].value in self._remote:
                yield ox.Quad(row["s"], row["p"], row["o"], row["g"])

    def __iter__(self) -> Iterator[ox.Quad]:
        return self.quads_for_pattern()

    def __len__(self) -> int:
        query = "SELECT (COUNT(*) AS ?n) WHERE { " + self._values + " GRAPH ?g { ?s ?p ?o } }"
        for row in self.dataset.client.select(query):
            return int(row["n"].value) + len(self.local)
        return len(self.local)

    def named_graphs(self) -> Iterator[ox.NamedNode]:
        return (ox.NamedNode(g) for g in self.dataset.graphs)

    def query(self, sparql: str, use_default_graph_as_union: bool = False, **_ignored):
        return self.dataset.query(sparql, union=use_default_graph_as_union)


def query_endpoint(url: str) -> str:
    """A bare ``http://host:port`` is taken as an Oxigraph server, whose queries go to ``/query``."""
    return url.rstrip("/") + "/query" if url.rstrip("/").count("/") == 2 else url


def release_graph_counts(dist: Path) -> dict[str, int]:
    """Triples per named graph of a release: data graphs and ``graph/inferred`` from its VoID,
    else from its index files (:mod:`coopkg.indexes`), else counted from the dumps (synthetic
    benchmark releases: slow and memory-hungry at millions of quads); ``graph/ontology`` by
    counting ``ontology.ttl``."""
    counts: dict[str, int] = {}
    indexed = read_graph_counts(dist) if not (dist / VOID_TTL).is_file() else None
    if indexed is not None:
        counts = {graph: count for graph, count in indexed.items() if graph and graph != ONTOLOGY_GRAPH}
    elif (dist / VOID_TTL).is_file():
        void = ox.Store()
        void.load(path=str(dist / VOID_TTL), format=ox.RdfFormat.TURTLE)
        for row in void.query(f"SELECT ?g ?n WHERE {{ ?s <{SD_NAME}> ?g ; <{VOID_TRIPLES}> ?n }}"):
            counts[row["g"].value] = int(row["n"].value)
    else:
        # distinct triples: a store keeps each once, and generated dumps may repeat some
        for quad in set(ox.parse(path=str(dist / DATA_NQ), format=ox.RdfFormat.N_QUADS)):
            counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
        if (dist / INFERRED_NT).is_file():
            counts[INFERRED_GRAPH] = len(set(ox.parse(path=str(dist / INFERRED_NT), format=ox.RdfFormat.N_TRIPLES)))
    if (dist / ONTOLOGY_TTL).is_file():
        counts[ONTOLOGY_GRAPH] = sum(1 for _ in ox.parse(path=str(dist / ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE))
    if not counts and (dist / DATA_NQ).is_file():
        raise ReleaseNotFound(f"{dist / VOID_TTL} names no graphs")
    return counts
