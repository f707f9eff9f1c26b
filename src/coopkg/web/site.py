"""What the Linked Data pages need to know about a release, computed once at start-up:
names, types, which paper each graph holds, the search index, the shapes and the VoID."""

from __future__ import annotations

from collections import Counter, defaultdict
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

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
    """One release as the Linked Data pages see it. Read-only after construction."""

    def __init__(self, release: ReleaseStore, iri_base: str, public_base: str | None) -> None:
        self.release = release
        self.store: ox.Store = release.store
        self.dist = Path(release.dist)
        self.iris = PublicIris(iri_base, public_base)
        self.labels = Labels.from_store(self.store)
        self.search = SearchIndex.from_labels(self.labels)
        self.version = self._version()
        self.graph_counts: Counter[str] = Counter()
        self.subjects: set[str] = set()
        self._types: dict[str, list[str]] = defaultdict(list)
        self._scan()
        self.sections, self.paper_of_graph = self._sections()
        self.shapes = _read_triples(self.dist / SHAPES_TTL)
        self.void = _read_triples(self.dist / VOID_TTL)

    # --- what is in the release --------------------------------------------------------

    def _scan(self) -> None:
        for quad in self.store:
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            self.graph_counts[graph] += 1
            if graph == INFERRED_GRAPH or not isinstance(quad.subject, ox.NamedNode):
                continue
            self.subjects.add(quad.subject.value)
            if quad.predicate.value == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
                types = self._types[quad.subject.value]
                if quad.object.value not in types:
                    types.append(quad.object.value)

    def _version(self) -> str:
        for quad in self.store.quads_for_pattern(ox.NamedNode(ONTOLOGY_IRI), ox.NamedNode(OWL_VERSION_INFO), None,
                                                 ox.NamedNode(ONTOLOGY_GRAPH)):
            return quad.object.value
        return "0.0.0"

    def _sections(self) -> tuple[dict[str, Section], dict[str, str]]:
        sections: dict[str, Section] = {}
        paper_of_graph: dict[str, str] = {}
        for quad in self.store.quads_for_pattern(None, ox.NamedNode(SECTION_OF), None, None):
            graph = quad.graph_name
            if not isinstance(graph, ox.NamedNode) or graph.value == INFERRED_GRAPH:
                continue
            ordinal = 0
            for found in self.store.quads_for_pattern(quad.subject, ox.NamedNode(ORDINAL), None, graph):
                with suppress(ValueError):
                    ordinal = int(found.object.value)
            sections[quad.subject.value] = Section(quad.subject.value, quad.object.value, ordinal)
            paper_of_graph.setdefault(graph.value, quad.object.value)
        return sections, paper_of_graph

    def is_described(self, iri: str) -> bool:
        return iri in self.subjects

    def types_of(self, iri: str) -> list[str]:
        """Asserted types, in the order the data gives them."""
        return self._types.get(iri, [])

    def data_graphs(self) -> list[str]:
        """Asserted data graphs (papers, entities, vocab), sorted."""
        return sorted(g for g in self.graph_counts if g.startswith(GRAPH_BASE) and g not in (INFERRED_GRAPH,
                                                                                              ONTOLOGY_GRAPH))

    def paper_for(self, graph: str) -> str | None:
        return self.paper_of_graph.get(graph)

    def template_globals(self) -> dict[str, Any]:
        return {"site": self, "iris": self.iris, "labels": self.labels}


def _read_triples(path: Path) -> list[ox.Triple]:
    if not path.is_file():
        return []
    return [quad.triple for quad in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)]


def open_site(release: ReleaseStore, config: dict[str, Any]) -> LinkedDataSite:
    return LinkedDataSite(release, config["IRI_BASE"], config.get("PUBLIC_BASE_URL"))
