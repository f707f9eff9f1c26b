"""What the Linked Data pages need to know about a release, computed once at start-up:
names, types, which paper each graph holds, the search index, counts, the shapes and the VoID."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ..indexes import FactCollector, SectionRow, read_indexes
from ..namespaces import COOP, GRAPH_BASE, INFERRED_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES
from ..release import SHAPES_TTL, VOID_TTL
from ..store import ReleaseStore
from .iris import PublicIris
from .labels import Labels
from .search_index import SearchIndex

RDF_TYPE = PREFIXES["rdf"] + "type"
OWL_VERSION_INFO = PREFIXES["owl"] + "versionInfo"
STATED_IN = str(COOP.statedIn)
SECTION_OF = str(COOP.sectionOf)
ORDINAL = str(COOP.ordinal)


@dataclass(frozen=True)
class Section:
    iri: str
    paper: str
    ordinal: int


class LinkedDataSite:
    """One release as the Linked Data pages see it. Read-only after construction.

    The facts come from the release's index files when it has them (:mod:`coopkg.indexes`:
    no scan, so start-up does not grow with the store, and a remote store is not read whole);
    otherwise from one scan of the store, gathered by the same rules."""

    def __init__(self, release: ReleaseStore, iri_base: str, public_base: str | None) -> None:
        self.release = release
        self.store: ox.Store = release.store
        self.dist = Path(release.dist)
        self.iris = PublicIris(iri_base, public_base)
        facts = read_indexes(self.dist)
        #: whether the facts were read from the release's index files (False: scanned)
        self.from_indexes = facts is not None
        if facts is None:
            facts = FactCollector().add_all(self.store).facts()
        self.labels = Labels.from_rows(facts.labels)
        self.search = (SearchIndex.from_rows(facts.search) if facts.search is not None
                       else SearchIndex.from_labels(self.labels))
        self.version = self._version()
        self.graph_counts: Counter[str] = Counter(facts.graph_counts)
        self._types = facts.subject_types
        #: every resource described outside the inferred graph (a view: no second copy)
        self.subjects = self._types.keys()
        #: distinct instances per class (union of all graphs), statements per property (data graphs)
        self.class_counts: Counter[str] = Counter(facts.class_counts)
        self.property_counts: Counter[str] = Counter(facts.property_counts)
        self.sections, self.paper_of_graph = _sections(facts.sections)
        self.shapes = _read_triples(self.dist / SHAPES_TTL)
        self.void = _read_triples(self.dist / VOID_TTL)

    # --- what is in the release --------------------------------------------------------

    def _version(self) -> str:
        for quad in self.store.quads_for_pattern(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(OWL_VERSION_INFO), None,
                                                 ox.NamedNode(ONTOLOGY_GRAPH)):
            return quad.object.value
        return "0.0.0"

    def is_described(self, iri: str) -> bool:
        return iri in self.subjects

    def types_of(self, iri: str) -> list[str]:
        """Asserted types, sorted by IRI (the same on every store and from the index files)."""
        return self._types.get(iri, [])

    def data_graphs(self) -> list[str]:
        """Asserted data graphs (papers, entities, vocab), sorted."""
        return sorted(g for g in self.graph_counts if g.startswith(GRAPH_BASE) and g not in (INFERRED_GRAPH,
                                                                                              ONTOLOGY_GRAPH))

    def paper_for(self, graph: str) -> str | None:
        return self.paper_of_graph.get(graph)

    def template_globals(self) -> dict[str, Any]:
        return {"site": self, "iris": self.iris, "labels": self.labels}


def _sections(rows: list[SectionRow]) -> tuple[dict[str, Section], dict[str, str]]:
    """Sections by IRI, and the paper each graph holds (the first in the rows' sorted order)."""
    sections: dict[str, Section] = {}
    paper_of_graph: dict[str, str] = {}
    for graph, section, paper, ordinal in rows:
        sections[section] = Section(section, paper, ordinal)
        paper_of_graph.setdefault(graph, paper)
    return sections, paper_of_graph


def _read_triples(path: Path) -> list[ox.Triple]:
    if not path.is_file():
        return []
    return [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def open_site(release: ReleaseStore, config: dict[str, Any]) -> LinkedDataSite:
    return LinkedDataSite(release, config["IRI_BASE"], config.get("PUBLIC_BASE_URL"))
