"""JSON-LD 1.1 writing for datasets: compact IRIs under a prefix context, named graphs kept.

pyoxigraph writes expanded JSON-LD without a context, and rdflib's writer turns the
default graph into a blank-node-named graph; this writer does neither. The output is a
pure function of the quads given (sorted here), so a dump written with it is byte-stable.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def to_jsonld(quads: Iterable[ox.Quad], prefixes: dict[str, str], *, indent: int | None = 1) -> bytes:
    """A JSON-LD document: ``{"@context": prefixes, "@graph": [default-graph nodes…,
    {"@id": graph, "@graph": [nodes…]}…]}``. ``indent=None`` writes one line (fast, for dumps)."""
    compactor = _Compactor(prefixes)
    graphs: dict[str, dict[str, dict[str, list]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for quad in quads:
        _add(graphs[quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""], quad, compactor)
    top: list[dict] = _nodes(graphs.pop("", {}))
    for name in sorted(graphs):
        top.append({"@id": compactor.iri(name), "@graph": _nodes(graphs[name])})
    document = {"@context": dict(sorted(compactor.used.items())), "@graph": top}
    text = json.dumps(document, ensure_ascii=False, indent=indent, sort_keys=False)
    return (text + "\n").encode("utf-8")


def write_jsonld(graphs: Iterable[tuple[str, Iterable[ox.Quad]]], prefixes: dict[str, str], path: Path) -> None:
    """The bytes ``to_jsonld(every quad, prefixes, indent=None)`` gives, written graph by graph.

    ``graphs`` yields (graph IRI, its quads), the default graph as ``""`` first, then the named
    graphs in IRI order, each graph once (the quads' own graph names are ignored). Only one
    graph is held at a time: for a dump of ten million triples ``to_jsonld`` would hold the
    whole document (about 12 GB). The ``@context`` lists the prefixes used, known only at the
    end, so the ``@graph`` items go to a temporary file first.
    """
    compactor = _Compactor(prefixes)
    with tempfile.TemporaryFile(dir=path.parent) as items:
        first = True
        for name, quads in graphs:
            subjects: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
            for quad in quads:
                _add(subjects, quad, compactor)
            if not subjects:
                continue
            nodes = _nodes(subjects)
            del subjects
            listed = nodes if not name else [{"@id": compactor.iri(name), "@graph": nodes}]
            for item in listed:
                items.write(((", " if not first else "") + json.dumps(item, ensure_ascii=False)).encode("utf-8"))
                first = False
        items.seek(0)
        context = json.dumps(dict(sorted(compactor.used.items())), ensure_ascii=False)
        with path.open("wb") as out:
            out.write(f'{{"@context": {context}, "@graph": ['.encode())
            shutil.copyfileobj(items, out, 1 << 20)
            out.write(b"]}\n")


def _add(subjects: dict[str, dict[str, list]], quad: ox.Quad, compactor: _Compactor) -> None:
    subject = _node_id(quad.subject, compactor)
    if quad.predicate.value == RDF_TYPE and isinstance(quad.object, ox.NamedNode):
        subjects[subject]["@type"].append(compactor.iri(quad.object.value))
    else:
        subjects[subject][compactor.iri(quad.predicate.value)].append(_value(quad.object, compactor))


class _Compactor:
    def __init__(self, prefixes: dict[str, str]) -> None:
        self.prefixes = sorted(prefixes.items(), key=lambda item: -len(item[1]))
        self.used: dict[str, str] = {}
        self._seen: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        found = self._seen.get(iri)
        if found is None:
            found = self._seen[iri] = self._compact(iri)
        return found

    def _compact(self, iri: str) -> str:
        for prefix, namespace in self.prefixes:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                local = iri[len(namespace):]
                if not local.startswith("//"):
                    self.used[prefix] = namespace
                    return f"{prefix}:{local}"
        return iri


def _node_id(term: ox.NamedNode | ox.BlankNode, compactor: _Compactor) -> str:
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return compactor.iri(term.value)


def _value(term, compactor: _Compactor) -> dict | str:
    if isinstance(term, ox.NamedNode):
        return {"@id": compactor.iri(term.value)}
    if isinstance(term, ox.BlankNode):
        return {"@id": f"_:{term.value}"}
    if term.language:
        return {"@value": term.value, "@language": term.language}
    datatype = term.datatype.value
    if datatype == XSD_STRING:
        return term.value
    return {"@value": term.value, "@type": compactor.iri(datatype)}


def _sort_key(value: dict | str) -> tuple[str, str, str, str]:
    if isinstance(value, str):
        return ("", value, "", "")
    return (value.get("@id", ""), value.get("@value", ""), value.get("@language", ""), value.get("@type", ""))


def _nodes(subjects: dict[str, dict[str, list]]) -> list[dict]:
    nodes = []
    for subject in sorted(subjects):
        node: dict = {"@id": subject}
        properties = subjects[subject]
        if "@type" in properties:
            types = sorted(set(properties["@type"]))
            node["@type"] = types[0] if len(types) == 1 else types
        for key in sorted(k for k in properties if k != "@type"):
            values = sorted({_sort_key(v): v for v in properties[key]}.values(), key=_sort_key)
            node[key] = values[0] if len(values) == 1 else values
        nodes.append(node)
    return nodes
