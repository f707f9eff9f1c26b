"""Open a built release for querying (embedded pyoxigraph store).

The store is filled from the release's dumps only: no validation or reasoning happens
at start-up, so opening the seed graph takes well under a second.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from .errors import ReleaseNotFound
from .namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from .release import DATA_NQ, INFERRED_NT, ONTOLOGY_TTL


class ReleaseStore:
    """A read-only view of one release: asserted graphs, the inferred graph, the ontology."""

    def __init__(self, dist: Path) -> None:
        dist = Path(dist)
        if not (dist / DATA_NQ).is_file():
            raise ReleaseNotFound(f"no release in {dist}: run `coopkg build` first")
        self.dist = dist
        self.store = ox.Store()
        self.store.bulk_load(path=str(dist / DATA_NQ), format=ox.RdfFormat.N_QUADS)
        self.store.bulk_load(path=str(dist / INFERRED_NT), format=ox.RdfFormat.N_TRIPLES,
                             to_graph=ox.NamedNode(INFERRED_GRAPH))
        self.store.bulk_load(path=str(dist / ONTOLOGY_TTL), format=ox.RdfFormat.TURTLE,
                             to_graph=ox.NamedNode(ONTOLOGY_GRAPH))

    def query(self, sparql: str, *, union: bool = True):
        """Run a read query; by default the default graph is the union of every graph."""
        return self.store.query(sparql, use_default_graph_as_union=union)

    def __len__(self) -> int:
        return len(self.store)


def open_store(dist: Path) -> ReleaseStore:
    return ReleaseStore(dist)
