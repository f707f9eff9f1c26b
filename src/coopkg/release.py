"""Write a release: dumps, VoID/DCAT description, SHA-256 sums; publish it atomically.

Everything written here is a pure function of the sources, so the same sources give the
same bytes (no timestamps, sorted canonical N-Quads, canonical blank-node labels). The
release is written into a temporary sibling directory and swapped in only when complete:
a failed or interrupted build leaves the previous ``dist/`` as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, XSD
from rdflib.term import Node

from .indexes import write_indexes
from .namespaces import DATASET_IRI, DCAT, INFERRED_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES, SPDX, VOID

DATA_NQ = "data.nq"
DATA_TTL = "data.ttl"
INFERRED_NT = "inferred.nt"
INFERRED_TTL = "inferred.ttl"
ONTOLOGY_TTL = "ontology.ttl"
SHAPES_TTL = "shapes.ttl"
SHACL_REPORT_TTL = "shacl-report.ttl"
VOID_TTL = "void.ttl"
SUMS = "SHA256SUMS"

_RELEASE_PREFIXES = {
    "void": str(VOID), "dcat": str(DCAT), "spdx": str(SPDX), "sh": "http://www.w3.org/ns/shacl#",
    "sd": "http://www.w3.org/ns/sparql-service-description#", "vann": "http://purl.org/vocab/vann/",
}
_MEDIA_TYPES = {".nq": "application/n-quads", ".nt": "application/n-triples", ".ttl": "text/turtle",
                ".trig": "application/trig", ".jsonld": "application/ld+json"}
_GZIP = URIRef("http://www.iana.org/assignments/media-types/application/gzip")
_LINK_TARGETS = {
    "wikidata": "http://www.wikidata.org/entity/",
    "dbpedia": "http://dbpedia.org/resource/",
    "geonames": "https://sws.geonames.org/",
}


@dataclass(frozen=True)
class ReleaseContent:
    """What goes into a release, already checked and reasoned."""

    version: str
    ontology: Graph
    shapes: Graph
    #: (graph IRI, triples) for every asserted data graph
    data_graphs: list[tuple[str, Graph]]
    inferred: Graph
    shacl_report: Graph


@dataclass(frozen=True)
class ReleaseSummary:
    """Counts reported at the end of a build."""

    directory: Path
    asserted_triples: int
    inferred_triples: int
    graph_triples: dict[str, int]
    files: dict[str, int]


def write_release(content: ReleaseContent, dist: Path) -> ReleaseSummary:
    """Write every artefact into a fresh directory, then swap it in for ``dist``."""
    dist = dist.resolve()
    dist.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dist.name}.new-", dir=dist.parent))
    try:
        summary = _write_all(content, staging)
        _swap_in(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return ReleaseSummary(dist, summary.asserted_triples, summary.inferred_triples,
                          summary.graph_triples, summary.files)


def recover_interrupted_publish(dist: Path) -> None:
    """If a previous build died between the two renames, put the old release back."""
    dist = dist.resolve()
    if dist.exists():
        return
    leftovers = sorted(dist.parent.glob(f".{dist.name}.old-*"))
    if leftovers:
        os.rename(leftovers[-1], dist)


def _swap_in(staging: Path, dist: Path) -> None:
    recover_interrupted_publish(dist)
    if not dist.exists():
        os.rename(staging, dist)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{dist.name}.old-", dir=dist.parent))
    old.rmdir()
    os.rename(dist, old)
    os.rename(staging, dist)
    shutil.rmtree(old, ignore_errors=True)


def _write_all(content: ReleaseContent, out: Path) -> ReleaseSummary:
    asserted = Graph()
    graph_counts: dict[str, int] = {}
    for name, graph in content.data_graphs:
        graph_counts[name] = len(graph)
        for triple in graph:
            asserted.add(triple)

    (out / DATA_NQ).write_bytes(canonical_nquads(
        (s, p, o, name) for name, graph in content.data_graphs for s, p, o in graph
    ))
    (out / DATA_TTL).write_bytes(turtle(asserted))
    (out / INFERRED_NT).write_bytes(canonical_nquads((s, p, o, None) for s, p, o in content.inferred))
    (out / INFERRED_TTL).write_bytes(turtle(content.inferred))
    (out / ONTOLOGY_TTL).write_bytes(turtle(content.ontology))
    (out / SHAPES_TTL).write_bytes(turtle(content.shapes))
    (out / SHACL_REPORT_TTL).write_bytes(turtle(content.shacl_report))

    data_files = [DATA_NQ, DATA_TTL, INFERRED_NT, INFERRED_TTL, ONTOLOGY_TTL, SHAPES_TTL, SHACL_REPORT_TTL]
    data_files += write_dataset_dumps(content, out)
    void = describe_dataset(content, asserted, graph_counts, out, data_files)
    (out / VOID_TTL).write_bytes(turtle(void))
    # what the pages need at start-up (names, search keys, types, counts), so a web process
    # never scans the store (see indexes.py)
    index_files = write_indexes(out)
    sums = "".join(f"{_sha256(out / name)}  {name}\n" for name in sorted(data_files + [VOID_TTL] + index_files))
    (out / SUMS).write_text(sums, encoding="utf-8")
    files = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    return ReleaseSummary(out, len(asserted), len(content.inferred), graph_counts, files)


def canonical_nquads(quads: Iterable[tuple[Node, Node, Node, str | None]]) -> bytes:
    """Canonical N-Quads (RDF 1.1 canonical term forms), sorted, one statement per line."""
    lines = set()
    for s, p, o, g in quads:
        quad = ox.Quad(_ox(s), _ox(p), _ox(o), ox.NamedNode(g) if g else ox.DefaultGraph())
        lines.add(str(quad) + " .\n")
    return "".join(sorted(lines)).encode("utf-8")


def turtle(graph: Graph) -> bytes:
    """Deterministic Turtle: canonical blank-node labels, our prefixes, sorted by rdflib."""
    canonical = to_canonical_graph(graph) if any(isinstance(t, BNode) for triple in graph for t in triple) else graph
    out = Graph(bind_namespaces="none")
    for prefix, namespace in {**PREFIXES, **_RELEASE_PREFIXES}.items():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in canonical:
        out.add(triple)
    return out.serialize(format="turtle").encode("utf-8")


def describe_dataset(content: ReleaseContent, asserted: Graph, graph_counts: dict[str, int], out: Path,
                     files: list[str]) -> Graph:
    """VoID and DCAT: per-graph and per-class counts, linksets, example resources, distributions."""
    g = Graph()
    dataset = URIRef(DATASET_IRI)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("coopkg 区域与跨境科技创新合作知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal("coopkg: regional and cross-border S&T innovation cooperation", lang="en")))
    g.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((dataset, OWL.versionInfo, Literal(content.version)))
    g.add((dataset, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    g.add((dataset, VOID.uriSpace, Literal(PREFIXES["kg"])))
    g.add((dataset, VOID.triples, Literal(len(asserted), datatype=XSD.integer)))
    g.add((dataset, VOID.entities, Literal(len(set(asserted.subjects(RDF.type))), datatype=XSD.integer)))
    for name, count in sorted(graph_counts.items()):
        subset = URIRef(f"{DATASET_IRI}/graph/{name.rsplit('/', 1)[-1]}")
        g.add((dataset, VOID.subset, subset))
        g.add((subset, RDF.type, VOID.Dataset))
        g.add((subset, URIRef("http://www.w3.org/ns/sparql-service-description#name"), URIRef(name)))
        g.add((subset, VOID.triples, Literal(count, datatype=XSD.integer)))
    inferred_subset = URIRef(f"{DATASET_IRI}/graph/inferred")
    g.add((dataset, VOID.subset, inferred_subset))
    g.add((inferred_subset, RDF.type, VOID.Dataset))
    g.add((inferred_subset, URIRef("http://www.w3.org/ns/sparql-service-description#name"), URIRef(INFERRED_GRAPH)))
    g.add((inferred_subset, VOID.triples, Literal(len(content.inferred), datatype=XSD.integer)))
    g.add((dataset, URIRef(PREFIXES["rdfs"] + "seeAlso"), URIRef(ONTOLOGY_GRAPH)))
    _class_partitions(g, dataset, asserted)
    _linksets(g, dataset, asserted)
    for example in ("seattle", "cascadia-innovation-corridor", "global-innovation-exchange"):
        iri = URIRef(PREFIXES["kg"] + example)
        if (iri, None, None) in asserted:
            g.add((dataset, VOID.exampleResource, iri))
    for name in files:
        dist = URIRef(f"{DATASET_IRI}/dump/{name}")
        g.add((dataset, DCAT.distribution, dist))
        g.add((dataset, VOID.dataDump, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, URIRef(f"{DATASET_IRI}/dump/{name}")))
        inner = name[: -len(".gz")] if name.endswith(".gz") else name
        g.add((dist, DCAT.mediaType, Literal(_MEDIA_TYPES[Path(inner).suffix])))
        if inner != name:
            g.add((dist, DCAT.compressFormat, _GZIP))
        g.add((dist, DCAT.byteSize, Literal((out / name).stat().st_size, datatype=XSD.integer)))
        checksum = BNode(f"checksum-{name}")
        g.add((dist, SPDX.checksum, checksum))
        g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
        g.add((checksum, SPDX.checksumValue, Literal(_sha256(out / name), datatype=XSD.hexBinary)))
    return g


def _class_partitions(g: Graph, dataset: URIRef, asserted: Graph) -> None:
    counts = Counter(o for o in asserted.objects(None, RDF.type) if isinstance(o, URIRef))
    for cls, count in sorted(counts.items()):
        part = URIRef(f"{DATASET_IRI}/class/{_local(cls)}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], cls))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))


def _linksets(g: Graph, dataset: URIRef, asserted: Graph) -> None:
    for name, prefix in _LINK_TARGETS.items():
        count = sum(1 for o in asserted.objects(None, OWL.sameAs) if str(o).startswith(prefix))
        if not count:
            continue
        linkset = URIRef(f"{DATASET_IRI}/linkset/{name}")
        g.add((linkset, RDF.type, VOID.Linkset))
        g.add((linkset, VOID.subjectsTarget, dataset))
        g.add((linkset, VOID.objectsTarget, URIRef(prefix)))
        g.add((linkset, VOID.linkPredicate, OWL.sameAs))
        g.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
        g.add((dataset, VOID.subset, linkset))


def _local(iri: URIRef) -> str:
    text = str(iri)
    for prefix, namespace in PREFIXES.items():
        if text.startswith(namespace):
            return f"{prefix}-{text[len(namespace):]}"
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _ox(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
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


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- Whole-dataset dumps in five formats, each also gzipped (Linked Data, issue 4) -------------
#
# Every dump holds the same statements: every asserted data graph, graph/inferred and
# graph/ontology, plus a few metadata triples in the default graph naming the dataset
# version, the licence and the dump itself. N-Quads, TriG and JSON-LD keep the graphs;
# Turtle and N-Triples hold their union. N-Quads and N-Triples are canonical (sorted, no
# comments); gzip members carry no timestamp or name, so every byte is reproducible.

DUMP_NAME = "coopkg"
DUMP_SUFFIXES = (".nq", ".nt", ".trig", ".ttl", ".jsonld")


def write_dataset_dumps(content: ReleaseContent, out: Path) -> list[str]:
    """Write ``coopkg.{nq,nt,trig,ttl,jsonld}`` and their ``.gz``; return the file names."""
    from .jsonld import to_jsonld  # the one JSON-LD writer, shared with the web documents

    quads: list[tuple[Node, Node, Node, str | None]] = []
    for name, graph in content.data_graphs:
        quads.extend((s, p, o, name) for s, p, o in graph)
    quads.extend((s, p, o, INFERRED_GRAPH) for s, p, o in content.inferred)
    quads.extend((s, p, o, ONTOLOGY_GRAPH) for s, p, o in to_canonical_graph(content.ontology))
    dataset = sorted({_ox_quad(q): None for q in quads}, key=_quad_order)  # converted once, in a fixed order
    prefixes = {**PREFIXES, **_RELEASE_PREFIXES, "dcat": str(DCAT)}
    written = []
    for suffix in DUMP_SUFFIXES:
        name = DUMP_NAME + suffix
        metadata = [_ox_quad((s, p, o, None)) for s, p, o in _dump_metadata(content.version, name)]
        ordered = sorted(metadata, key=_quad_order) + dataset  # the default graph first
        if suffix == ".nq":
            body = "".join(sorted({f"{q} .\n" for q in ordered})).encode("utf-8")
        elif suffix == ".nt":
            body = "".join(sorted({f"{q.triple} .\n" for q in ordered})).encode("utf-8")
        elif suffix == ".jsonld":
            body = to_jsonld(ordered, prefixes, indent=None)
        else:
            fmt = ox.RdfFormat.TRIG if suffix == ".trig" else ox.RdfFormat.TURTLE
            data = ordered if suffix == ".trig" else list({q.triple: None for q in ordered})
            header = (f"# coopkg {content.version}: every graph of the dataset ({DATASET_IRI})\n"
                      f"# licence CC BY 4.0; this file: {DATASET_IRI}/dump/{name}\n")
            body = header.encode("utf-8") + _sorted_prefixes(ox.serialize(data, format=fmt, prefixes=prefixes))
        (out / name).write_bytes(body)
        (out / (name + ".gz")).write_bytes(_gzip(body))
        written += [name, name + ".gz"]
    return written


def _dump_metadata(version: str, name: str) -> list[tuple[Node, Node, Node]]:
    dataset, dump = URIRef(DATASET_IRI), URIRef(f"{DATASET_IRI}/dump/{name}")
    return [
        (dataset, OWL.versionInfo, Literal(version)),
        (dataset, DCAT.distribution, dump),
        (dump, RDF.type, DCAT.Distribution),
        (dump, OWL.versionInfo, Literal(version)),
        (dump, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")),
        (dump, DCAT.mediaType, Literal(_MEDIA_TYPES[Path(name).suffix])),
    ]


def _ox_quad(quad: tuple[Node, Node, Node, str | None]) -> ox.Quad:
    s, p, o, g = quad
    return ox.Quad(_ox(s), _ox(p), _ox(o), ox.NamedNode(g) if g else ox.DefaultGraph())


def _quad_order(quad: ox.Quad) -> tuple[str, str, str, str]:
    graph = "" if isinstance(quad.graph_name, ox.DefaultGraph) else str(quad.graph_name)
    return (graph, str(quad.subject), str(quad.predicate), str(quad.object))


def _sorted_prefixes(body: bytes) -> bytes:
    """Put the writer's leading ``@prefix`` lines in a fixed order (they are all it may vary)."""
    lines = body.split(b"\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix")), len(lines))
    return b"\n".join(sorted(lines[:count]) + lines[count:])


def _gzip(body: bytes) -> bytes:
    """gzip with no file name and a zero timestamp, so equal input gives equal bytes."""
    import gzip
    import io

    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=6) as stream:
        stream.write(body)
    return buffer.getvalue()
