"""Open a built release for querying (embedded pyoxigraph store).

The store is filled from the release's dumps only: no validation or reasoning happens
at start-up, so opening the seed graph takes well under a second.

A query sees one of two views of a release: the **inferred** view (the default graph is the
union of every graph: asserted data, the OWL 2 RL entailments and the ontology) or the
**asserted** view (every graph but ``graph/inferred``). Each paper stays a named graph in
both, so ``GRAPH <…/graph/paper-000>`` or ``default-graph-uri`` picks one paper.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .errors import ReleaseNotFound
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from .release import DATA_NQ, INFERRED_NT, ONTOLOGY_TTL, SUMS


@dataclass(frozen=True)
class DatasetChoice:
    """Which graphs a query sees.

    ``default_graphs`` / ``named_graphs`` come from the SPARQL Protocol (``default-graph-uri``,
    ``named-graph-uri``) and, when either is given, override the query's own FROM / FROM NAMED
    and the view. ``query_has_dataset`` says the query text has FROM or FROM NAMED, which then
    wins over the view. Graph IRIs only ever select graphs of the local store: a graph that
    does not exist is empty, it is never fetched.
    """

    inferred: bool = True
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    query_has_dataset: bool = False


class QueryableDataset:
    """An in-memory pyoxigraph store plus the rules that turn a :class:`DatasetChoice` into
    pyoxigraph's ``default_graph`` / ``named_graphs`` arguments."""

    #: identifies the content: caches and ETags are keyed by it
    version: str
    store: ox.Store

    def query(self, sparql: str, choice: DatasetChoice | None = None, *, base_iri: str | None = None):
        """Run a read query over the chosen graphs (pyoxigraph refuses updates here);
        relative IRIs in the query resolve against ``base_iri``."""
        return self.store.query(sparql, base_iri=base_iri, **self.query_arguments(choice or DatasetChoice()))

    def query_arguments(self, choice: DatasetChoice) -> dict:
        if choice.default_graphs or choice.named_graphs:
            return {"default_graph": [ox.NamedNode(iri) for iri in choice.default_graphs],
                    "named_graphs": [ox.NamedNode(iri) for iri in choice.named_graphs]}
        if choice.query_has_dataset:
            return {}
        return self.view_arguments(choice.inferred)

    def view_arguments(self, inferred: bool) -> dict:
        return {}

    def graph_names(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        return len(self.store)


class ReleaseStore(QueryableDataset):
    """A read-only view of one release: asserted graphs, the inferred graph, the ontology."""

    def __init__(self, dist: Path) -> None:
        dist = Path(dist)
        if not (dist / DATA_NQ).is_file():
            raise ReleaseNotFound(f"no release in {dist}: run `coopkg build` first")
        self.dist = dist
        self.store = ox.Store()
        self.store.bulk_load(path=str(dist / DATA_NQ), format=ox.RdfFormat.N_QUADS)
        if (dist / INFERRED_NT).is_file():
            self.store.bulk_load(path=str(dist / INFERRED_NT), format=ox.RdfFormat.N_TRIPLES,
                                 to_graph=ox.NamedNode(INFERRED_GRAPH))
        if (dist / ONTOLOGY_TTL).is_file():
            self.store.bulk_load(path=str(dist / ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE,
                                 to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
        self.version = release_version(dist)
        asserted = [ox.NamedNode(g) for g in self.graph_names() if g != INFERRED_GRAPH]
        self._asserted_view = {"default_graph": asserted, "named_graphs": asserted}
        self._inferred_view = {"use_default_graph_as_union": True}

    def query(self, sparql: str, choice: DatasetChoice | None = None, *, union: bool = True,
              base_iri: str | None = None):
        """Run a read query. Without a ``choice``, ``union=True`` (the default) makes the
        default graph the union of every graph, as ``coopkg query`` and the tests expect."""
        if choice is None:
            return self.store.query(sparql, use_default_graph_as_union=union, base_iri=base_iri)
        return super().query(sparql, choice, base_iri=base_iri)

    def view_arguments(self, inferred: bool) -> dict:
        return self._inferred_view if inferred else self._asserted_view


class DatasetStore(QueryableDataset):
    """Any dataset held in a pyoxigraph store, queried as RDF datasets usually are: the
    store's default graph is the default graph (used for test datasets, e.g. W3C suites)."""

    def __init__(self, store: ox.Store, version: str) -> None:
        self.store = store
        self.version = version


def release_version(dist: Path) -> str:
    """A short digest naming the release's content: it changes whenever any dump changes."""
    sums = dist / SUMS
    source = sums if sums.is_file() else dist / DATA_NQ
    return hashlib.sha256(source.read_bytes()).hexdigest()[:16]


def open_store(dist: Path, store_url: str | None = None, *, timeout: float = 10.0) -> QueryableDataset:
    """The release in ``dist``, embedded; or, with ``store_url`` (a SPARQL query endpoint the
    release was published to with ``coopkg publish``), the same release served by that store."""
    if store_url:
        from .remote import RemoteDataset

        return RemoteDataset(dist, store_url, timeout=timeout)
    return ReleaseStore(dist)
