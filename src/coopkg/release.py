"""Write a release: dumps, VoID/DCAT description, SHA-256 sums; publish it atomically.

Everything written here is a pure function of the sources, so the same sources give the
same bytes (no timestamps, sorted canonical N-Quads, canonical blank-node labels in the
small graphs). The release is written into a temporary sibling directory and swapped in
only when complete: a failed or interrupted build leaves the previous ``dist/`` as it was.

The data and the inferred triples (millions of them) never become rdflib objects: rdflib
costs about 3 KB a triple. They leave their pyoxigraph stores as canonical N-Quads lines
(bytes), sorted once per graph; those lines are the one copy of the statements held in
memory, every dump is written from them, and the Turtle and TriG files by pyoxigraph's
serializer reading them back. Only the small graphs (ontology, shapes, SHACL report, VoID)
go through rdflib.
"""

from __future__ import annotations

import gzip
import hashlib
import heapq
import io
import os
import re
import shutil
import socket
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import chain, islice
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, OWL, XSD
from rdflib.term import Node

from .indexes import write_indexes
from .namespaces import DATASET_IRI, DCAT, INFERRED_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES, SPDX, VOID
from .sources import ox_term

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
_EXAMPLES = ("seattle", "cascadia-innovation-corridor", "global-innovation-exchange")
#: the prefixes of every Turtle and TriG file written with pyoxigraph
_TURTLE_PREFIXES = {**PREFIXES, **_RELEASE_PREFIXES}
#: lines handed to pyoxigraph's parser per read (about a megabyte)
_BATCH = 4096


@dataclass(frozen=True)
class ReleaseContent:
    """What goes into a release, already checked and reasoned."""

    version: str
    ontology: Graph
    shapes: Graph
    #: the asserted data: one named graph per data graph; the default graph is empty
    data: ox.Store
    #: the OWL 2 RL entailments, all in the default graph
    inferred: ox.Store
    shacl_report: Graph


@dataclass(frozen=True)
class ReleaseSummary:
    """Counts reported at the end of a build."""

    directory: Path
    asserted_triples: int
    inferred_triples: int
    graph_triples: dict[str, int]
    files: dict[str, int]


def write_release(content: ReleaseContent, dist: Path,
                  progress: Callable[[str], None] | None = None) -> ReleaseSummary:
    """Write every artefact into a fresh directory, then swap it in for ``dist``.

    Staging directories that builds killed outright (SIGKILL, the OOM killer) left beside
    ``dist`` are removed first, one ``progress`` line each (stderr unless told otherwise).
    """
    dist = dist.resolve()
    dist.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned(dist, progress or _to_stderr)
    staging = _owned_mkdtemp(dist, "new")
    try:
        summary = _write_all(content, staging)
        _swap_in(staging, dist)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        _CREATED.discard(staging)
    return ReleaseSummary(dist, summary.asserted_triples, summary.inferred_triples,
                          summary.graph_triples, summary.files)


def recover_interrupted_publish(dist: Path) -> None:
    """If a previous build died between the two renames, put the old release back."""
    dist = dist.resolve()
    if dist.exists():
        return
    # not one a running build has just parked: it is about to put its new release in place
    leftovers = [path for path in _siblings(dist, "old") if not _owner_running(path, dist, "old")]
    if leftovers:
        os.rename(leftovers[-1], dist)


def _swap_in(staging: Path, dist: Path) -> None:
    recover_interrupted_publish(dist)
    if not dist.exists():
        os.rename(staging, dist)
        return
    old = _owned_mkdtemp(dist, "old")
    try:
        old.rmdir()
        os.rename(dist, old)
        os.rename(staging, dist)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        _CREATED.discard(old)


# --- Directories left by killed builds ---------------------------------------------------------
#
# A build stages its release in ``.<dist>.new-<host>-<pid>-XXXXXXXX`` and parks the release it
# replaces in ``.<dist>.old-<host>-<pid>-XXXXXXXX`` for the moment of the swap. Its own
# ``except``/``finally`` removes them, except when the process is killed outright; the next
# build removes such a leftover once its owner is gone. The owner is in the name (given at
# creation, kept through the renames, never a file inside the release): on this host, gone
# means no process has that pid, or the pid is this process's own but this process did not
# make the directory (a pid reused, as PID 1 in a restarted container). A directory without
# an owner of this host (another host sharing the disk, or named before owners were) is
# removed only once neither it nor its name has changed for ``ABANDONED_AFTER`` seconds.

#: how long a staging directory whose owner cannot be asked must sit unchanged to be removed
ABANDONED_AFTER = 6 * 3600
#: the directories this process made and has not yet removed or renamed into place
_CREATED: set[Path] = set()


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9.]", "_", socket.gethostname()) or "host"


def owner_prefix(dist: Path, kind: str, pid: int | None = None) -> str:
    """The name every ``kind`` ("new" or "old") directory of ``dist`` owned by ``pid`` starts with."""
    return f".{dist.name}.{kind}-{_host()}-{os.getpid() if pid is None else pid}-"


def _owned_mkdtemp(dist: Path, kind: str) -> Path:
    path = Path(tempfile.mkdtemp(prefix=owner_prefix(dist, kind), dir=dist.parent))
    _CREATED.add(path)
    return path


def _siblings(dist: Path, kind: str) -> list[Path]:
    """Every ``kind`` directory of ``dist``, whoever made it."""
    prefix = f".{dist.name}.{kind}-"
    return sorted(path for path in dist.parent.iterdir()
                  if path.name.startswith(prefix) and path.is_dir() and not path.is_symlink())


def _owner_running(path: Path, dist: Path, kind: str) -> bool | None:
    """Whether the build that made ``path`` still runs; ``None`` when it cannot be asked."""
    owner = path.name[len(f".{dist.name}.{kind}-"):].rsplit("-", 2)
    if len(owner) != 3 or not owner[1].isdigit() or owner[0] != _host() or os.name != "posix":
        return None
    pid = int(owner[1])
    if pid == os.getpid():
        return path in _CREATED
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it runs but is not ours to signal (PermissionError)
        return True
    return True


def _abandoned(path: Path, dist: Path, kind: str) -> bool:
    """Whether no running build can be using ``path`` (see the comment above)."""
    running = _owner_running(path, dist, kind)
    if running is not None:
        return not running
    try:
        status = path.stat()
    except FileNotFoundError:  # another build removed it first
        return False
    # the change time too: a rename sets it, so a release parked a moment ago is not old
    return time.time() - max(status.st_mtime, status.st_ctime) > ABANDONED_AFTER


def remove_abandoned(dist: Path, progress: Callable[[str], None]) -> None:
    """Remove the staging directories of ``dist`` that killed builds left; say so for each.

    A parked old release is removed only while ``dist`` exists: otherwise it is the release
    ``recover_interrupted_publish`` puts back.
    """
    kinds = ("new", "old") if dist.exists() else ("new",)
    for kind in kinds:
        for path in _siblings(dist, kind):
            if _abandoned(path, dist, kind):
                shutil.rmtree(path, ignore_errors=True)
                if not path.exists():
                    what = "staging directory" if kind == "new" else "replaced release"
                    progress(f"      removed {path.name}: a {what} left by a build that no longer runs")


# --- The statements: canonical N-Quads lines, one sorted list per graph ------------------------


@dataclass(frozen=True)
class _Statements:
    """Every statement the dumps hold, as canonical N-Quads lines (``bytes``), one sorted list
    per named graph.

    A line costs its N-Quads text plus ~40 bytes, a tenth of an rdflib triple, and sorting
    lines orders the statements by their terms' canonical forms (subject, predicate, object,
    then graph) without computing a key per comparison. Every line ends ``" <graph> .\\n"``.
    """

    #: (graph IRI, lines) for every data graph holding a statement, sorted by IRI
    data: list[tuple[str, list[bytes]]]
    inferred: list[bytes]
    ontology: list[bytes]

    def graphs(self) -> list[tuple[str, list[bytes]]]:
        """Every graph, ordered by its N-Quads form (the dumps' graph order)."""
        every = [*self.data, (INFERRED_GRAPH, self.inferred), (ONTOLOGY_GRAPH, self.ontology)]
        return sorted(every, key=lambda item: f"<{item[0]}>")


def collect_statements(content: ReleaseContent) -> _Statements:
    """Take the data and inferred triples out of their stores, and the ontology out of rdflib."""
    data = [(name, _graph_lines(content.data, ox.NamedNode(name), name)) for name in data_graph_names(content.data)]
    inferred = _graph_lines(content.inferred, ox.DefaultGraph(), INFERRED_GRAPH)
    return _Statements(data, inferred, _ontology_lines(content.ontology))


def data_graph_names(data: ox.Store) -> list[str]:
    """The data graphs a release lists: IRI-named graphs holding at least one quad, by IRI
    (a store may keep the name of a graph it no longer has quads for)."""
    names = (g for g in data.named_graphs() if isinstance(g, ox.NamedNode))
    return sorted(g.value for g in names if next(data.quads_for_pattern(None, None, None, g), None) is not None)


def _graph_lines(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph, name: str) -> list[bytes]:
    """The sorted N-Quads lines of one graph of ``store``, written as graph ``name``.

    pyoxigraph's N-Triples dump writes each triple as ``str(triple) + " .\\n"``, the
    canonical form, in Rust: several times faster than formatting quad by quad in Python.
    """
    suffix = f" <{name}> .\n".encode()
    dump = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    lines = [line[:-3] + suffix for line in io.BytesIO(dump)]  # each line ends " .\n"
    del dump
    lines.sort()
    return lines


def _ontology_lines(ontology: Graph) -> list[bytes]:
    """The ontology graph's lines, blank nodes canonically labelled (it is small: rdflib is fine)."""
    canonical = to_canonical_graph(ontology)
    return sorted({f"{_ox_quad((s, p, o, ONTOLOGY_GRAPH))} .\n".encode() for s, p, o in canonical})


def _triple_line(line: bytes) -> bytes:
    """The N-Triples line of an N-Quads line in a named graph (a graph IRI holds no space)."""
    return line[: line.rindex(b" <")] + b" .\n"


def _distinct_triples(lines: Iterable[bytes]) -> Iterator[bytes]:
    """The N-Triples lines of sorted N-Quads lines in named graphs, each triple once.

    The graph name follows the object, so sorting puts the lines of one triple side by
    side (earliest graph first), and dropping repeats needs no set.
    """
    previous = b""
    for line in lines:
        triple = _triple_line(line)
        if triple != previous:
            yield triple
            previous = triple


def _unique(lines: Iterable[bytes]) -> Iterator[bytes]:
    """Sorted lines without adjacent repeats."""
    previous = None
    for line in lines:
        if line != previous:
            yield line
            previous = line


# --- Writing ---------------------------------------------------------------------------------


def _write_all(content: ReleaseContent, out: Path) -> ReleaseSummary:
    statements = collect_statements(content)
    graph_counts = {name: len(lines) for name, lines in statements.data}
    inferred_triples = len(statements.inferred)
    asserted_triples = _write_data(statements, out)
    _write_inferred(statements, out)
    dumps = write_dataset_dumps(content.version, statements, out)
    del statements  # the JSON-LD writer holds one graph at a time: let it have the memory
    dumps += write_jsonld_dump(content, out)
    (out / ONTOLOGY_TTL).write_bytes(turtle(content.ontology))
    (out / SHAPES_TTL).write_bytes(turtle(content.shapes))
    (out / SHACL_REPORT_TTL).write_bytes(turtle(content.shacl_report))

    data_files = [DATA_NQ, DATA_TTL, INFERRED_NT, INFERRED_TTL, ONTOLOGY_TTL, SHAPES_TTL, SHACL_REPORT_TTL] + dumps
    checksums = {name: _sha256(out / name) for name in data_files}  # each file hashed once, for VoID and SUMS
    counts = count_asserted(content.data, asserted_triples)
    void = describe_dataset(content.version, counts, graph_counts, inferred_triples, out, checksums)
    (out / VOID_TTL).write_bytes(turtle(void))
    # what the pages need at start-up (names, search keys, types, counts), so a web process
    # never scans the store (see indexes.py)
    index_files = write_indexes(out)
    checksums.update((name, _sha256(out / name)) for name in [VOID_TTL, *index_files])
    sums = "".join(f"{checksums[name]}  {name}\n" for name in sorted(checksums))
    (out / SUMS).write_text(sums, encoding="utf-8")
    files = {p.name: p.stat().st_size for p in sorted(out.iterdir())}
    return ReleaseSummary(out, asserted_triples, inferred_triples, graph_counts, files)


def _write_data(statements: _Statements, out: Path) -> int:
    """data.nq (every data graph) and data.ttl (their union); return the distinct triples."""
    ordered = sorted(chain.from_iterable(lines for _, lines in statements.data))  # sorted runs: a merge
    _write_lines(out / DATA_NQ, ordered)
    return _write_rdf(out / DATA_TTL, _distinct_triples(ordered), ox.RdfFormat.TURTLE)


def _write_inferred(statements: _Statements, out: Path) -> None:
    """inferred.nt and inferred.ttl: the entailments, without their graph name."""
    _write_lines(out / INFERRED_NT, map(_triple_line, statements.inferred))
    _write_rdf(out / INFERRED_TTL, map(_triple_line, statements.inferred), ox.RdfFormat.TURTLE)


def _write_lines(path: Path, lines: Iterable[bytes]) -> None:
    with path.open("wb") as stream:
        stream.writelines(lines)


def _write_rdf(path: Path, lines: Iterable[bytes], fmt: ox.RdfFormat, header: bytes = b"") -> int:
    """Turtle or TriG of N-Quads lines, in their order, with our prefixes; return the statements.

    pyoxigraph reads the lines as it writes, so neither a joined copy of the lines nor the
    output is held in memory; ``_sort_prefix_lines`` then fixes the order of the prefixes.
    """
    source = _LineStream(lines)
    with path.open("wb") as stream:
        stream.write(header)
        ox.serialize(ox.parse(source, format=ox.RdfFormat.N_QUADS), output=stream, format=fmt,
                     prefixes=_TURTLE_PREFIXES)
    _sort_prefix_lines(path, len(header))
    return source.lines


class _LineStream(io.RawIOBase):
    """A readable stream over lines, so pyoxigraph's parser can read lines that are never
    joined into one copy of the data; it counts the lines it hands over."""

    def __init__(self, lines: Iterable[bytes]) -> None:
        super().__init__()
        self._lines = iter(lines)
        self._pending = memoryview(b"")
        self.lines = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:
        if not self._pending:
            batch = list(islice(self._lines, _BATCH))
            self.lines += len(batch)
            self._pending = memoryview(b"".join(batch))
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _sort_prefix_lines(path: Path, offset: int) -> None:
    """Apply ``_sorted_prefixes`` to the ``@prefix`` block starting at ``offset``, in place:
    reordering lines keeps the block's length, and a big file is never read whole."""
    with path.open("r+b") as stream:
        stream.seek(offset)
        block = b""
        while (line := stream.readline()).startswith(b"@prefix"):
            block += line
        stream.seek(offset)
        stream.write(_sorted_prefixes(block))


def turtle(graph: Graph) -> bytes:
    """Deterministic Turtle: canonical blank-node labels, our prefixes, sorted by rdflib."""
    canonical = to_canonical_graph(graph) if any(isinstance(t, BNode) for triple in graph for t in triple) else graph
    out = Graph(bind_namespaces="none")
    for prefix, namespace in {**PREFIXES, **_RELEASE_PREFIXES}.items():
        out.bind(prefix, namespace, override=True, replace=True)
    for triple in canonical:
        out.add(triple)
    return out.serialize(format="turtle").encode("utf-8")


# --- VoID and DCAT ---------------------------------------------------------------------------


@dataclass(frozen=True)
class AssertedCounts:
    """What VoID states about the asserted data (the union of the data graphs)."""

    #: distinct triples
    triples: int
    #: distinct subjects with an rdf:type
    entities: int
    #: class IRI → its distinct asserted instances
    classes: dict[str, int]
    #: linkset name (a key of ``_LINK_TARGETS``) → owl:sameAs triples into that target, if any
    links: dict[str, int]
    #: IRIs of the example resources that the data describes
    examples: list[str]


_SPARQL_PREFIXES = f"PREFIX rdf: <{PREFIXES['rdf']}>\nPREFIX owl: <{PREFIXES['owl']}>\n"
#: ``GRAPH ?g`` restricted to the data graphs (the IRI-named ones)
_IN_DATA = "FILTER(isIRI(?g))"
_ENTITIES = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s rdf:type ?c }} {_IN_DATA} }}"
_CLASSES = (f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s rdf:type ?c }} {_IN_DATA} "
            "FILTER(isIRI(?c)) } GROUP BY ?c")


def count_asserted(data: ox.Store, triples: int) -> AssertedCounts:
    """Count in the store with SPARQL (no copy of the data in Python); ``triples`` (distinct
    triples) comes from writing data.ttl, which has just enumerated them."""
    entities = _number(data, _ENTITIES)
    classes = {row["c"].value: int(row["n"].value) for row in data.query(_SPARQL_PREFIXES + _CLASSES)}
    links = {}
    for name, prefix in _LINK_TARGETS.items():
        if count := _number(data, _links_query(prefix)):
            links[name] = count
    examples = [PREFIXES["kg"] + name for name in _EXAMPLES]
    described = [iri for iri in examples if data.query(f"ASK {{ GRAPH ?g {{ <{iri}> ?p ?o }} {_IN_DATA} }}")]
    return AssertedCounts(triples, entities, classes, links, described)


def _links_query(prefix: str) -> str:
    """owl:sameAs triples (distinct over the data graphs) whose object's string starts with ``prefix``."""
    return ("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?o WHERE { GRAPH ?g { ?s owl:sameAs ?o } "
            f'{_IN_DATA} FILTER(STRSTARTS(STR(?o), "{prefix}")) }} }}')


def _number(store: ox.Store, query: str) -> int:
    """The single number ``?n`` a SELECT answers."""
    return int(next(iter(store.query(_SPARQL_PREFIXES + query)))["n"].value)


def describe_dataset(version: str, counts: AssertedCounts, graph_counts: dict[str, int], inferred_triples: int,
                     out: Path, checksums: dict[str, str]) -> Graph:
    """VoID and DCAT: per-graph and per-class counts, linksets, example resources, distributions
    (one per file of ``checksums``: file name → SHA-256)."""
    g = Graph()
    dataset = URIRef(DATASET_IRI)
    g.add((dataset, RDF.type, VOID.Dataset))
    g.add((dataset, RDF.type, DCAT.Dataset))
    g.add((dataset, DCTERMS.title, Literal("coopkg 区域与跨境科技创新合作知识图谱", lang="zh")))
    g.add((dataset, DCTERMS.title, Literal("coopkg: regional and cross-border S&T innovation cooperation", lang="en")))
    g.add((dataset, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")))
    g.add((dataset, OWL.versionInfo, Literal(version)))
    g.add((dataset, VOID.vocabulary, URIRef(ONTOLOGY_IRI)))
    g.add((dataset, VOID.uriSpace, Literal(PREFIXES["kg"])))
    g.add((dataset, VOID.triples, Literal(counts.triples, datatype=XSD.integer)))
    g.add((dataset, VOID.entities, Literal(counts.entities, datatype=XSD.integer)))
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
    g.add((inferred_subset, VOID.triples, Literal(inferred_triples, datatype=XSD.integer)))
    g.add((dataset, URIRef(PREFIXES["rdfs"] + "seeAlso"), URIRef(ONTOLOGY_GRAPH)))
    _class_partitions(g, dataset, counts.classes)
    _linksets(g, dataset, counts.links)
    for iri in counts.examples:
        g.add((dataset, VOID.exampleResource, URIRef(iri)))
    for name, checksum_value in checksums.items():
        _distribution(g, dataset, name, (out / name).stat().st_size, checksum_value)
    return g


def _distribution(g: Graph, dataset: URIRef, name: str, size: int, sha256: str) -> None:
    dist = URIRef(f"{DATASET_IRI}/dump/{name}")
    g.add((dataset, DCAT.distribution, dist))
    g.add((dataset, VOID.dataDump, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCAT.downloadURL, URIRef(f"{DATASET_IRI}/dump/{name}")))
    inner = name[: -len(".gz")] if name.endswith(".gz") else name
    g.add((dist, DCAT.mediaType, Literal(_MEDIA_TYPES[Path(inner).suffix])))
    if inner != name:
        g.add((dist, DCAT.compressFormat, _GZIP))
    g.add((dist, DCAT.byteSize, Literal(size, datatype=XSD.integer)))
    checksum = BNode(f"checksum-{name}")
    g.add((dist, SPDX.checksum, checksum))
    g.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    g.add((checksum, SPDX.checksumValue, Literal(sha256, datatype=XSD.hexBinary)))


def _class_partitions(g: Graph, dataset: URIRef, classes: dict[str, int]) -> None:
    for cls, count in sorted(classes.items()):
        part = URIRef(f"{DATASET_IRI}/class/{_local(URIRef(cls))}")
        g.add((dataset, VOID.classPartition, part))
        g.add((part, VOID["class"], URIRef(cls)))
        g.add((part, VOID.entities, Literal(count, datatype=XSD.integer)))


def _linksets(g: Graph, dataset: URIRef, links: dict[str, int]) -> None:
    for name, count in links.items():
        prefix = _LINK_TARGETS[name]
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


def _sha256(path: Path) -> str:
    """Streamed: a dump can be larger than the memory left."""
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


# --- Whole-dataset dumps in five formats, each also gzipped (Linked Data, issue 4) -------------
#
# Every dump holds the same statements: every asserted data graph, graph/inferred and
# graph/ontology, plus a few metadata triples in the default graph naming the dataset
# version, the licence and the dump itself. N-Quads, TriG and JSON-LD keep the graphs;
# Turtle and N-Triples hold their union. N-Quads and N-Triples are canonical (sorted, no
# comments); gzip members carry no timestamp or name, so every byte is reproducible.

DUMP_NAME = "coopkg"
DUMP_SUFFIXES = (".nq", ".nt", ".trig", ".ttl", ".jsonld")


def write_dataset_dumps(version: str, statements: _Statements, out: Path) -> list[str]:
    """Write ``coopkg.{nq,nt,trig,ttl}`` and their ``.gz``; return the file names (the JSON-LD
    dump is ``write_jsonld_dump``'s, written once these lines are no longer needed)."""
    graphs = statements.graphs()
    ordered = sorted(chain.from_iterable(lines for _, lines in graphs))  # sorted runs: a merge
    repeated = _repeated_lines(ordered)
    written = []
    for suffix in (".nq", ".nt", ".trig", ".ttl"):
        name = DUMP_NAME + suffix
        metadata = _metadata_lines(version, name)
        path = out / name
        if suffix == ".nq":
            _write_lines(path, heapq.merge(metadata, ordered))
        elif suffix == ".nt":
            _write_lines(path, _unique(heapq.merge(metadata, _distinct_triples(ordered))))
        elif suffix == ".trig":  # the default graph first, then graph by graph
            _write_rdf(path, chain(metadata, *(lines for _, lines in graphs)), ox.RdfFormat.TRIG,
                       _dump_header(version, name))
        else:  # each triple where the TriG order first states it
            firsts = _first_statements(graphs, repeated, set(metadata))
            _write_rdf(path, chain(metadata, firsts), ox.RdfFormat.TURTLE, _dump_header(version, name))
        _gzip_copy(path)
        written += [name, name + ".gz"]
    return written


def write_jsonld_dump(content: ReleaseContent, out: Path) -> list[str]:
    """Write ``coopkg.jsonld`` and its ``.gz``: the metadata, then graph by graph from the
    stores (the same statements as ``coopkg.nq``), one graph in memory at a time."""
    from .jsonld import write_jsonld  # the one JSON-LD writer, shared with the web documents

    name = DUMP_NAME + ".jsonld"
    metadata = [_ox_quad((s, p, o, None)) for s, p, o in _dump_metadata(content.version, name)]
    write_jsonld([("", metadata), *_graphs_from_stores(content)], _TURTLE_PREFIXES, out / name)
    _gzip_copy(out / name)
    return [name, name + ".gz"]


def _graphs_from_stores(content: ReleaseContent) -> list[tuple[str, Iterable[ox.Quad]]]:
    """(graph IRI, quads) of every graph of the dumps, in IRI order; iterated lazily."""
    graphs: dict[str, Iterable[ox.Quad]] = {
        name: content.data.quads_for_pattern(None, None, None, ox.NamedNode(name))
        for name in data_graph_names(content.data)}
    graphs[INFERRED_GRAPH] = content.inferred.quads_for_pattern(None, None, None, ox.DefaultGraph())
    graphs[ONTOLOGY_GRAPH] = [_ox_quad((s, p, o, ONTOLOGY_GRAPH)) for s, p, o in to_canonical_graph(content.ontology)]
    return sorted(graphs.items())


def _repeated_lines(ordered: list[bytes]) -> set[bytes]:
    """The lines whose triple an earlier graph already states (sorted lines put a triple's
    graphs side by side, in the dumps' graph order)."""
    repeated = set()
    previous = b""
    for line in ordered:
        triple = line[: line.rindex(b" <")]
        if triple == previous:
            repeated.add(line)
        previous = triple
    return repeated


def _first_statements(graphs: list[tuple[str, list[bytes]]], repeated: set[bytes],
                      skip: set[bytes]) -> Iterator[bytes]:
    """Graph by graph, the triples no earlier graph (nor ``skip``) states: the Turtle dump's
    order, each triple where the graph-by-graph order meets it first."""
    for _, lines in graphs:
        for line in lines:
            if line not in repeated:
                triple = _triple_line(line)
                if triple not in skip:
                    yield triple


def _dump_header(version: str, name: str) -> bytes:
    return (f"# coopkg {version}: every graph of the dataset ({DATASET_IRI})\n"
            f"# licence CC BY 4.0; this file: {DATASET_IRI}/dump/{name}\n").encode()


def _metadata_lines(version: str, name: str) -> list[bytes]:
    """The dump's own metadata as sorted N-Quads lines in the default graph (also N-Triples)."""
    return sorted({f"{_ox_quad((s, p, o, None))} .\n".encode() for s, p, o in _dump_metadata(version, name)})


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
    return ox.Quad(ox_term(s), ox_term(p), ox_term(o), ox.NamedNode(g) if g else ox.DefaultGraph())


def _sorted_prefixes(body: bytes) -> bytes:
    """Put the writer's leading ``@prefix`` lines in a fixed order (they are all it may vary)."""
    lines = body.split(b"\n")
    count = next((i for i, line in enumerate(lines) if not line.startswith(b"@prefix")), len(lines))
    return b"\n".join(sorted(lines[:count]) + lines[count:])


def _gzip_copy(path: Path) -> None:
    """Write ``path.gz``, streamed, with no file name and a zero timestamp, so equal input gives
    equal bytes (deflate's output does not depend on how its input is cut into writes)."""
    with path.open("rb") as source, (path.parent / (path.name + ".gz")).open("wb") as raw, \
            gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=6) as packed:
        shutil.copyfileobj(source, packed, 1 << 20)
