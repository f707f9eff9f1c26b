"""Statements about a resource, each with where it comes from.

A statement's provenance is its named graph (one per paper; ``graph/entities`` and
``graph/vocab`` for the shared files; ``graph/inferred`` for OWL 2 RL entailments) plus the
sections the subject is ``coop:statedIn`` within that graph. HTML pages and RDF documents
both start from here, so they always say the same thing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import INFERRED_GRAPH, ONTOLOGY_GRAPH
from .site import STATED_IN, LinkedDataSite


@dataclass(frozen=True)
class Statement:
    subject: str
    predicate: str
    object: ox.NamedNode | ox.Literal | ox.BlankNode
    graph: str

    @property
    def inferred(self) -> bool:
        return self.graph == INFERRED_GRAPH

    @property
    def object_iri(self) -> str | None:
        return self.object.value if isinstance(self.object, ox.NamedNode) else None


@dataclass(frozen=True)
class Source:
    """Where one statement comes from: a graph, and within a paper's graph the paper and sections."""

    graph: str
    paper: str | None
    sections: tuple[str, ...]


def _graph_of(quad: ox.Quad) -> str:
    return quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""


def outbound(site: LinkedDataSite, iri: str, *, inferred: bool = True) -> list[Statement]:
    """Every statement with ``iri`` as subject, asserted first, in a stable order."""
    found = [
        Statement(iri, q.predicate.value, q.object, _graph_of(q))
        for q in site.store.quads_for_pattern(ox.NamedNode(iri), None, None, None)
    ]
    if not inferred:
        found = [s for s in found if not s.inferred]
    return sorted(_drop_inferred_duplicates(found), key=_order)


def inbound(site: LinkedDataSite, iri: str) -> list[Statement]:
    """Asserted statements pointing at ``iri`` (entailed ones only restate these)."""
    found = [
        Statement(q.subject.value, q.predicate.value, q.object, _graph_of(q))
        for q in site.store.quads_for_pattern(None, None, ox.NamedNode(iri), None)
        if isinstance(q.subject, ox.NamedNode) and _graph_of(q) != INFERRED_GRAPH
    ]
    return sorted(found, key=lambda s: (s.predicate, s.subject, s.graph))


def in_graph(site: LinkedDataSite, graph: str) -> list[Statement]:
    found = [
        Statement(q.subject.value, q.predicate.value, q.object, graph)
        for q in site.store.quads_for_pattern(None, None, None, ox.NamedNode(graph))
        if isinstance(q.subject, ox.NamedNode)
    ]
    return sorted(found, key=_order)


def _order(statement: Statement) -> tuple:
    return (statement.inferred, statement.subject, statement.predicate, str(statement.object), statement.graph)


def _drop_inferred_duplicates(statements: list[Statement]) -> list[Statement]:
    asserted = {(s.subject, s.predicate, str(s.object)) for s in statements if not s.inferred}
    return [s for s in statements if not s.inferred or (s.subject, s.predicate, str(s.object)) not in asserted]


class Provenance:
    """Answers "which paper and section does this statement come from?" for one page."""

    def __init__(self, site: LinkedDataSite) -> None:
        self.site = site
        self._sections: dict[tuple[str, str], tuple[str, ...]] = {}

    def sections_of(self, subject: str, graph: str) -> tuple[str, ...]:
        key = (subject, graph)
        if key not in self._sections:
            if not graph or graph in (INFERRED_GRAPH, ONTOLOGY_GRAPH):
                self._sections[key] = ()
            else:
                quads = self.site.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(STATED_IN), None,
                                                          ox.NamedNode(graph))
                sections = {q.object.value for q in quads}
                self._sections[key] = tuple(sorted(sections, key=self._section_order))
        return self._sections[key]

    def _section_order(self, section: str) -> tuple:
        known = self.site.sections.get(section)
        return (known.paper, known.ordinal, section) if known else ("", 0, section)

    def source(self, statement: Statement) -> Source:
        return Source(statement.graph, self.site.paper_for(statement.graph),
                      self.sections_of(statement.subject, statement.graph))


@dataclass
class PaperSources:
    """A resource's sources grouped by paper, for the "source papers and sections" box."""

    paper: str
    sections: list[str] = field(default_factory=list)


def sources_by_paper(site: LinkedDataSite, iri: str) -> list[PaperSources]:
    papers: dict[str, PaperSources] = {}
    found: dict[str, set[str]] = defaultdict(set)
    for quad in site.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(STATED_IN), None, None):
        if _graph_of(quad) == INFERRED_GRAPH:
            continue
        section = site.sections.get(quad.object.value)
        paper = section.paper if section else site.paper_for(_graph_of(quad)) or ""
        found[paper].add(quad.object.value)
    for paper in sorted(found):
        ordered = sorted(found[paper], key=lambda s: (site.sections[s].ordinal if s in site.sections else 0, s))
        papers[paper] = PaperSources(paper, ordered)
    return list(papers.values())
