"""Precomputed start-up indexes of a release: names, search keys, subjects and their types,
sections, and graph / class / property counts.

The Linked Data pages need these facts before they can answer anything. Computing them means
reading every quad once (and, for the search keys, folding and transliterating every name),
which takes minutes at ten million quads and is impossible over a store that caps its answers.
``write_indexes`` computes them once, from the release's dumps, streamed with
``pyoxigraph.parse``, and writes them as small sorted text files next to the dumps; the web
app reads those files at start-up and falls back to scanning the store only when they are
absent (releases written before the files existed).

The same :class:`FactCollector` gathers the facts from the dumps here and from the store in
the fallback scan, so both paths give the same pages by construction. Every file is
tab-separated UTF-8, one record a line, sorted, with a first line naming the format: the same
dumps always give the same bytes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .namespaces import COOP, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, SKOS

# The release's dump names. Not imported from ``release`` (which imports this module to write
# the indexes into a release), so that neither module needs the other to be loaded first.
DATA_NQ = "data.nq"
INFERRED_NT = "inferred.nt"
ONTOLOGY_TTL = "ontology.ttl"

LABELS_FILE = "index-labels.tsv"
SEARCH_FILE = "index-search.tsv"
SUBJECTS_FILE = "index-subjects.tsv"
SECTIONS_FILE = "index-sections.tsv"
COUNTS_FILE = "index-counts.tsv"
INDEX_FILES = (LABELS_FILE, SEARCH_FILE, SUBJECTS_FILE, SECTIONS_FILE, COUNTS_FILE)
#: first line of every index file; a reader meeting another format falls back to scanning
FORMAT = "#coopkg-index 1"

RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS_LABEL = PREFIXES["rdfs"] + "label"
PREF_LABEL = str(SKOS.prefLabel)
ALT_LABEL = str(SKOS.altLabel)
SECTION_OF = str(COOP.sectionOf)
ORDINAL = str(COOP.ordinal)
#: the kind of name each naming predicate gives (column 2 of ``index-labels.tsv``)
LABEL_PREDICATES = {PREF_LABEL: "pref", ALT_LABEL: "alt", RDFS_LABEL: "label"}

#: (subject IRI, "pref" | "alt" | "label", language tag as written, text)
LabelRow = tuple[str, str, str, str]
#: (graph, section IRI, paper IRI, ordinal)
SectionRow = tuple[str, str, str, int]
#: (IRI, label kind 0/1/2, language, text, ((folded key, via pinyin), …)): one name of the search index
SearchRow = tuple[str, int, str, str, tuple[tuple[str, bool], ...]]


@dataclass
class ReleaseFacts:
    """What the Linked Data pages know about a release before the first request."""

    #: sorted; a list when collected, read once (lazily) when read from the index files
    labels: Iterable[LabelRow] = field(default_factory=list)
    #: every resource described outside the inferred graph → its asserted types, sorted
    subject_types: dict[str, list[str]] = field(default_factory=dict)
    sections: list[SectionRow] = field(default_factory=list)
    #: quads per graph ("" for the default graph)
    graph_counts: dict[str, int] = field(default_factory=dict)
    #: distinct instances per class over every graph (inferred types included)
    class_counts: dict[str, int] = field(default_factory=dict)
    #: statements per property in the data graphs (neither inferred nor ontology)
    property_counts: dict[str, int] = field(default_factory=dict)
    #: the search index's names in order, read once (only from index files: the scan folds them itself)
    search: Iterable[SearchRow] | None = None


class FactCollector:
    """Reads distinct quads one at a time and keeps only what the pages need.

    Fed from the dumps by :func:`write_indexes` and from the store by the web app's fallback
    scan; the rules of what counts live here only. Quads must be distinct (a store's are; the
    dumps' are made so by :func:`distinct`).
    """

    def __init__(self) -> None:
        self.labels: set[LabelRow] = set()
        self.types: dict[str, set[str]] = defaultdict(set)
        self.section_of: set[tuple[str, str, str]] = set()
        self.ordinals: dict[tuple[str, str], list[int]] = defaultdict(list)
        self.graph_counts: Counter[str] = Counter()
        self.instances: set[tuple[str, str]] = set()
        self.property_counts: Counter[str] = Counter()

    def add_all(self, quads: Iterable[ox.Quad]) -> FactCollector:
        for quad in quads:
            self.add(quad)
        return self

    def add(self, quad: ox.Quad) -> None:
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        predicate, subject, value = quad.predicate.value, quad.subject, quad.object
        self.graph_counts[graph] += 1
        if predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
            self.instances.add((value.value, str(subject)))
        if graph == INFERRED_GRAPH:
            return
        if graph and graph != ONTOLOGY_GRAPH:
            self.property_counts[predicate] += 1
        if not isinstance(subject, ox.NamedNode):
            return
        types = self.types[subject.value]  # every named subject outside the inferred graph is described
        if predicate == RDF_TYPE and isinstance(value, ox.NamedNode):
            types.add(value.value)
        elif predicate in LABEL_PREDICATES and isinstance(value, ox.Literal):
            self.labels.add((subject.value, LABEL_PREDICATES[predicate], value.language or "", value.value))
        elif predicate == SECTION_OF and graph:
            self.section_of.add((graph, subject.value, value.value))
        elif predicate == ORDINAL and graph:
            with suppress(ValueError):  # a malformed ordinal orders the section first, as none does
                self.ordinals[(graph, subject.value)].append(int(value.value))

    def facts(self) -> ReleaseFacts:
        instances: Counter[str] = Counter(cls for cls, _ in self.instances)
        return ReleaseFacts(
            labels=sorted(self.labels),
            subject_types={iri: sorted(types) for iri, types in sorted(self.types.items())},
            sections=sorted((graph, section, paper, max(self.ordinals.get((graph, section), [0])))
                            for graph, section, paper in self.section_of),
            graph_counts=dict(sorted(self.graph_counts.items())),
            class_counts=dict(sorted(instances.items())),
            property_counts=dict(sorted(self.property_counts.items())),
        )


def release_quads(directory: Path) -> Iterator[ox.Quad]:
    """Every quad of a release's dumps, as the embedded store holds them: ``data.nq`` as it
    is, ``inferred.nt`` in ``graph/inferred``, ``ontology.ttl`` in ``graph/ontology``."""
    yield from ox.parse(path=str(directory / DATA_NQ), format=ox.RdfFormat.N_QUADS)
    for name, graph, rdf_format in ((INFERRED_NT, INFERRED_GRAPH, ox.RdfFormat.N_TRIPLES),
                                    (ONTOLOGY_TTL, ONTOLOGY_GRAPH, ox.RdfFormat.TURTLE)):
        if (directory / name).is_file():
            graph_node = ox.NamedNode(graph)
            for quad in ox.parse(path=str(directory / name), format=rdf_format):
                yield ox.Quad(quad.subject, quad.predicate, quad.object, graph_node)


def distinct(quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
    """Each quad once, as a store keeps it: dumps written by other tools may repeat lines.
    Remembers a 64-bit hash per quad (not the quad) to stay small at ten million quads."""
    seen: set[int] = set()
    for quad in quads:
        key = hash(quad)
        if key not in seen:
            seen.add(key)
            yield quad


# --- writing ---------------------------------------------------------------------------------


def write_indexes(directory: Path) -> list[str]:
    """Compute the start-up facts of the release in ``directory`` from its dumps and write
    them there; returns the names of the files written (for ``SHA256SUMS``)."""
    directory = Path(directory)
    facts = FactCollector().add_all(distinct(release_quads(directory))).facts()
    writers = {LABELS_FILE: _label_lines(facts), SEARCH_FILE: _search_lines(search_rows(list(facts.labels))),
               SUBJECTS_FILE: _subject_lines(facts), SECTIONS_FILE: _section_lines(facts),
               COUNTS_FILE: _count_lines(facts)}
    for name, lines in writers.items():
        _write_lines(directory / name, lines)
    return list(INDEX_FILES)


def search_rows(labels: Iterable[LabelRow]) -> list[SearchRow]:
    """The search index's names, folded here once instead of in every web process.

    Imported on call: the rules are the web layer's (``web.search_index``), and the web
    package imports the store, which imports the release writer, which imports this module."""
    from .web.labels import Labels
    from .web.search_index import SearchIndex

    index = SearchIndex.from_labels(Labels.from_rows(labels))
    return [(name.iri, name.label_kind, name.lang, name.text, name.keys) for name in index.names()]


def _label_lines(facts: ReleaseFacts) -> Iterator[str]:
    yield f"{FORMAT} labels: iri kind language text"
    for iri, kind, lang, text in facts.labels:
        yield f"{iri}\t{kind}\t{lang}\t{escape(text)}"


def _search_lines(rows: list[SearchRow]) -> Iterator[str]:
    yield f"{FORMAT} search: iri kind language text key pinyin-key (in ranking order of the index)"
    for iri, kind, lang, text, keys in rows:
        direct = next((key for key, via_pinyin in keys if not via_pinyin), "")
        pinyin = next((key for key, via_pinyin in keys if via_pinyin), "")
        yield f"{iri}\t{kind}\t{lang}\t{escape(text)}\t{escape(direct)}\t{escape(pinyin)}"


def _subject_lines(facts: ReleaseFacts) -> Iterator[str]:
    yield f"{FORMAT} subjects: iri types…"
    for iri, types in facts.subject_types.items():
        yield "\t".join([iri, *types])


def _section_lines(facts: ReleaseFacts) -> Iterator[str]:
    yield f"{FORMAT} sections: graph section paper ordinal"
    for graph, section, paper, ordinal in facts.sections:
        yield f"{graph}\t{section}\t{paper}\t{ordinal}"


def _count_lines(facts: ReleaseFacts) -> Iterator[str]:
    yield f"{FORMAT} counts: kind iri count"
    for kind, counts in (("graph", facts.graph_counts), ("class", facts.class_counts),
                         ("property", facts.property_counts)):
        for iri, count in counts.items():
            yield f"{kind}\t{iri}\t{count}"


def _write_lines(path: Path, lines: Iterable[str]) -> None:
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for line in lines:
            out.write(line + "\n")


_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_UNESCAPES = {value: key for key, value in _ESCAPES.items()}
_ESCAPED = re.compile(r"\\[\\tnr]")


def escape(text: str) -> str:
    """Literals may hold tabs and line breaks; the files' separators may not appear raw."""
    return text.translate(str.maketrans(_ESCAPES)) if any(c in text for c in _ESCAPES) else text


def unescape(text: str) -> str:
    return _ESCAPED.sub(lambda found: _UNESCAPES[found.group(0)], text) if "\\" in text else text


# --- reading ---------------------------------------------------------------------------------


def has_indexes(directory: Path) -> bool:
    return all((Path(directory) / name).is_file() for name in INDEX_FILES)


def read_indexes(directory: Path) -> ReleaseFacts | None:
    """The facts written by :func:`write_indexes`, or None when a file is missing or of
    another format (the caller then scans the store).

    ``labels`` and ``search`` are read lazily, once, by whoever consumes them: at ten million
    quads a list of rows next to the structures built from them would double the start-up peak."""
    directory = Path(directory)
    if not has_indexes(directory) or not all(_current_format(directory / name) for name in INDEX_FILES):
        return None
    facts = ReleaseFacts(
        labels=((iri, kind, lang, unescape(text)) for iri, kind, lang, text in _records(directory / LABELS_FILE)),
        subject_types={fields[0]: fields[1:] for fields in _records(directory / SUBJECTS_FILE)},
        sections=[(graph, section, paper, int(ordinal))
                  for graph, section, paper, ordinal in _records(directory / SECTIONS_FILE)],
        search=(_search_row(fields) for fields in _records(directory / SEARCH_FILE)),
    )
    tables = {"graph": facts.graph_counts, "class": facts.class_counts, "property": facts.property_counts}
    for kind, iri, count in _records(directory / COUNTS_FILE):
        tables[kind][iri] = int(count)
    return facts


def read_graph_counts(directory: Path) -> dict[str, int] | None:
    """Quads per graph from ``index-counts.tsv`` alone (None without it): what a remote
    dataset needs to name a release's graphs, without reading the other files."""
    path = Path(directory) / COUNTS_FILE
    if not path.is_file() or not _current_format(path):
        return None
    return {iri: int(count) for kind, iri, count in _records(path) if kind == "graph"}


def _search_row(fields: list[str]) -> SearchRow:
    iri, kind, lang, text, direct, pinyin = fields
    keys = ((unescape(direct), False),) if direct else ()
    if pinyin:
        keys += ((unescape(pinyin), True),)
    return iri, int(kind), lang, unescape(text), keys


def _current_format(path: Path) -> bool:
    with path.open(encoding="utf-8") as lines:
        return next(lines, "").startswith(FORMAT + " ")


def _records(path: Path) -> Iterator[list[str]]:
    """The fields of every record (the format line skipped)."""
    with path.open(encoding="utf-8", newline="\n") as lines:
        next(lines, None)
        for line in lines:
            yield line.rstrip("\n").split("\t")
