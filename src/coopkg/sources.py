"""Read the editable sources (ontology/, shapes/, data/) strictly.

Parsing goes through pyoxigraph because it rejects what rdflib lets through (IRIs with
spaces, malformed language tags) and reports the line and column. The ontology and the
shapes (small) become rdflib graphs, which pyshacl and owlrl need. The data stays in a
pyoxigraph store, one named graph per data graph: in rdflib each parsed triple costs about
3 KB (a million triples fill 3 GB), in pyoxigraph a tenth of that, and the checks, the
reasoner and the release writer all read it from there. :meth:`Sources.data_union` gives
the rdflib graph of a small dataset (whole-graph SHACL, owlrl).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from .errors import SourceSyntaxError, UnsupportedSourceFile
from .namespaces import ONTOLOGY_GRAPH, graph_for_data_file

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_FORMATS = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES}


@dataclass(frozen=True)
class SourceFile:
    """One file to load, and the named graph its triples go into."""

    path: Path
    graph: str


@dataclass
class Sources:
    """Everything the later stages need, already parsed."""

    root: Path
    ontology: Graph
    shapes: Graph
    #: the data: one named graph per data graph, nothing in the default graph
    data: ox.Store
    files: list[SourceFile] = field(default_factory=list)
    #: (graph IRI, path) of every data file, in load order
    data_files: list[SourceFile] = field(default_factory=list)
    _union: Graph | None = field(default=None, repr=False, compare=False)

    def data_union(self) -> Graph:
        """All data triples in one rdflib graph (what whole-graph SHACL and owlrl work on).

        Built once and shared (callers must not modify it): at a million triples it costs
        about a minute and 3 GB, so large builds never ask for it.
        """
        if self._union is None:
            union = Graph()
            for quad in self.data:
                union.add(rdflib_triple(quad))
            self._union = union
        return self._union

    def data_graph_names(self) -> list[str]:
        """The data graphs holding at least one triple, sorted by IRI."""
        return sorted(g.value for g in self.data.named_graphs() if isinstance(g, ox.NamedNode))

    def __len__(self) -> int:
        """Quads in the data (a triple stated in two graphs counts twice)."""
        return len(self.data)


def discover(root: Path) -> tuple[list[Path], list[Path], list[SourceFile]]:
    """List ontology, shape and data files in a stable order; refuse foreign files in data/."""
    ontology = sorted((root / "ontology").glob("*.ttl"))
    shapes = sorted((root / "shapes").glob("*.ttl"))
    data: list[SourceFile] = []
    data_dir = root / "data"
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file()):
        if path.suffix not in _FORMATS:
            raise UnsupportedSourceFile(path.relative_to(root))
        data.append(SourceFile(path, graph_for_data_file(path.relative_to(data_dir))))
    return ontology, shapes, data


def parse_file(path: Path, display: Path | None = None) -> list[tuple[Node, Node, Node]]:
    """Parse one Turtle/N-Triples file strictly, returning rdflib triples.

    Blank node labels are made unique per file, so two files that both say ``_:b0`` do
    not silently merge their nodes.
    """
    quads, salt = _parse_strictly(path, display or path)
    return [(_term(q.subject, salt), _term(q.predicate, salt), _term(q.object, salt)) for q in quads]


def parse_quads(path: Path, graph: str, display: Path | None = None) -> list[ox.Quad]:
    """Parse one data file strictly into quads of ``graph`` (blank nodes made unique per file)."""
    quads, salt = _parse_strictly(path, display or path)
    name = ox.NamedNode(graph)
    return [ox.Quad(_salted(q.subject, salt), q.predicate, _salted(q.object, salt), name) for q in quads]


def _parse_strictly(path: Path, shown: Path) -> tuple[list[ox.Quad], str]:
    fmt = _FORMATS.get(path.suffix)
    if fmt is None:
        raise UnsupportedSourceFile(shown)
    salt = hashlib.sha256(str(shown).encode()).hexdigest()[:8]
    try:
        return list(ox.parse(path=str(path), format=fmt)), salt
    except SyntaxError as error:
        raise SourceSyntaxError(shown, error.lineno or 0, error.offset or 0, _reason(error)) from None


def _salted(term, salt: str):
    return ox.BlankNode(f"{salt}{term.value}") if isinstance(term, ox.BlankNode) else term


def _reason(error: SyntaxError) -> str:
    """pyoxigraph prefixes its message with the position; keep only the reason."""
    message = error.msg or str(error)
    if ": " in message and message.startswith("Parser error"):
        return message.split(": ", 1)[1]
    return message


def rdflib_triple(quad: ox.Quad | ox.Triple) -> tuple[Node, Node, Node]:
    """The rdflib form of a parsed (already salted) quad's triple."""
    return _term(quad.subject, ""), _term(quad.predicate, ""), _term(quad.object, "")


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    return _term(term, "")


def ox_term(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """The pyoxigraph form of an rdflib term (blank node labels hashed, as the release's
    canonical N-Quads always named them)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(hashlib.sha256(str(term).encode()).hexdigest()[:16])
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def _term(term: ox.NamedNode | ox.BlankNode | ox.Literal, salt: str) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(f"{salt}{term.value}")
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def _graph_from(paths: Iterable[Path], root: Path) -> Graph:
    graph = Graph()
    for path in paths:
        for triple in parse_file(path, path.relative_to(root)):
            graph.add(triple)
    return graph


def load_sources(root: Path) -> Sources:
    """Parse every source file under ``root``; the first bad file stops with file:line."""
    ontology_paths, shape_paths, data_files = discover(root)
    ontology = _graph_from(ontology_paths, root)
    shapes = _graph_from(shape_paths, root)
    dataset = ox.Store()
    for source in data_files:
        dataset.extend(parse_quads(source.path, source.graph, source.path.relative_to(root)))
    files = [SourceFile(p, ONTOLOGY_GRAPH) for p in ontology_paths]
    files += [SourceFile(p, "shapes") for p in shape_paths]
    files += data_files
    return Sources(root, ontology, shapes, dataset, files, data_files)
