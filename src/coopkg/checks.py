"""Quality checks that gate every build: undefined terms, dangling links, SHACL.

Each check returns a list of one-line problems; ``run_checks`` turns the first failing
check into a :class:`CheckFailure`. The SHACL report graph is kept for the release.
"""

from __future__ import annotations

import multiprocessing
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from pyshacl import validate
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, SH, XSD
from rdflib.term import Node

from .errors import CheckFailure
from .namespaces import COOP, KG
from .sources import Sources

#: namespaces whose terms need no declaration in our ontology
_BUILT_IN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_DECLARATION_TYPES = {
    OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, RDFS.Class,
    RDF.Property, OWL.NamedIndividual,
}
_MAX_PROBLEMS_SHOWN = 50
#: SHACL is validated whole up to this many data triples, beyond it in partitions of about this size
SHACL_PARTITION_TRIPLES = 200_000
#: processes validating partitions side by side (the build machine has two cores)
SHACL_WORKERS = 2


@dataclass
class CheckReport:
    """What the checks found; ``shacl_report`` is written into the release."""

    shacl_report: Graph
    shacl_conforms: bool
    shacl_violations: int


def defined_terms(ontology: Graph) -> set[URIRef]:
    """Terms the ontology and alignments define: declared classes/properties, typed individuals."""
    defined: set[URIRef] = set()
    for subject, _p, kind in ontology.triples((None, RDF.type, None)):
        if isinstance(subject, URIRef) and (kind in _DECLARATION_TYPES or str(subject).startswith(str(COOP))):
            defined.add(subject)
    return defined


def undefined_terms(sources: Sources) -> list[str]:
    """Vocabulary used in data or shapes that the ontology does not define.

    A typo such as ``coop:foundedby`` would otherwise pass SHACL silently (an unknown
    property is simply not constrained), so every predicate, class and ``coop:`` value
    must be known.
    """
    defined = defined_terms(sources.ontology)
    problems: dict[str, str] = {}

    def known(term: Node) -> bool:
        return not isinstance(term, URIRef) or term in defined or str(term).startswith(_BUILT_IN)

    for s, p, o, g in sources.data.quads((None, None, None, None)):
        where = _graph_label(g)
        if not known(p):
            problems.setdefault(str(p), f"{where}: property <{p}> is not defined in ontology/")
        if p == RDF.type and not known(o):
            problems.setdefault(str(o), f"{where}: class <{o}> is not defined in ontology/")
        for term in (s, o):
            if isinstance(term, URIRef) and str(term).startswith(str(COOP)) and term not in defined:
                problems.setdefault(str(term), f"{where}: term <{term}> is not defined in ontology/")
    return [problems[k] for k in sorted(problems)]


def dangling_references(sources: Sources) -> list[str]:
    """Objects in our ``kg:`` namespace that no triple describes (usually a misspelt slug)."""
    subjects = {s for s, _p, _o, _g in sources.data.quads((None, None, None, None)) if isinstance(s, URIRef)}
    problems: set[str] = set()
    for s, p, o, g in sources.data.quads((None, None, None, None)):
        if isinstance(o, URIRef) and str(o).startswith(str(KG)) and o not in subjects:
            problems.add(f"{_graph_label(g)}: <{s}> {_short(p)} <{o}>: <{o}> is described nowhere")
    return sorted(problems)


def blank_nodes(sources: Sources) -> list[str]:
    """Blank nodes in data/: refused, because their labels are not stable across parses
    and a dump must be byte-identical for the same sources (and linkable by others)."""
    problems = set()
    for s, p, o, g in sources.data.quads((None, None, None, None)):
        if isinstance(s, BNode) or isinstance(o, BNode):
            problems.add(f"{_graph_label(g)}: blank node in a triple with predicate {_short(p)}; give it an IRI")
    return sorted(problems)


def shacl_validate(sources: Sources, partition_triples: int = SHACL_PARTITION_TRIPLES,
                   workers: int = SHACL_WORKERS) -> tuple[bool, Graph, list[str]]:
    """Validate the union of the data against shapes/, with the ontology for subclass targets.

    pyshacl holds the whole data graph in rdflib and slows down faster than linearly with it
    (about 4 min at 1M triples), so a large graph is validated in partitions, two at a time:
    see :func:`validate_partitioned`. Below ``partition_triples`` it is validated whole.
    """
    union = sources.data_union()
    if len(union) <= partition_triples:
        conforms, report = _validate(union, sources.shapes, sources.ontology)
    else:
        conforms, report = validate_partitioned(union, sources.shapes, sources.ontology, partition_triples, workers,
                                                home_graphs(sources))
    return conforms, report, describe_violations(report)


def _validate(data: Graph, shapes: Graph, ontology: Graph) -> tuple[bool, Graph]:
    conforms, report, _text = validate(
        data_graph=data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    return bool(conforms), report


# --- partitioned SHACL ----------------------------------------------------------------------------
#
# Every focus node our shapes target is a subject (sh:targetClass, sh:targetSubjectsOf; no
# sh:targetNode, sh:targetObjectsOf or inverse paths), and every constraint reads at most
# two hops from it (property values, sh:class on a value's type, the SPARQL constraints on
# time:hasBeginning/time:inXSDgYear). So the subjects are cut into disjoint groups, and a
# group is validated on its subjects' triples plus the triples of every node they point
# to; results are kept only for the group's own subjects (a neighbour is validated, with
# its own neighbours, in its own group). The merged report is the whole-graph report:
# tests/test_checks_partitioned.py compares the two on the seed and on every shape fixture.
# A shape with a new kind of target or a longer path must extend this (and that test).

_PARTITION_JOB: dict = {}


def validate_partitioned(union: Graph, shapes: Graph, ontology: Graph, partition_triples: int,
                         workers: int = SHACL_WORKERS, home: dict[Node, int] | None = None) -> tuple[bool, Graph]:
    """Validate subject groups of about ``partition_triples`` triples, ``workers`` at a time.

    ``home`` (subject → rank of the first source file describing it, see :func:`home_graphs`)
    keeps each paper's resources together, so few of their neighbours fall in another group.
    """
    described = _descriptions(union, home or {})
    groups = list(_subject_groups(described, partition_triples))
    _PARTITION_JOB.update(described=described, groups=groups, shapes=shapes, ontology=ontology)
    try:
        if workers > 1 and len(groups) > 1 and "fork" in multiprocessing.get_all_start_methods():
            # forked workers share the parsed graphs copy-on-write instead of pickling them
            with multiprocessing.get_context("fork").Pool(min(workers, len(groups))) as pool:
                parts = pool.map(_validate_group, range(len(groups)), chunksize=1)
        else:
            parts = [_validate_group(index) for index in range(len(groups))]
    finally:
        _PARTITION_JOB.clear()
    return _merge_reports(parts)


def home_graphs(sources: Sources) -> dict[Node, int]:
    """The rank (in load order) of the first data graph in which each subject is described."""
    rank = {URIRef(source.graph): index for index, source in enumerate(sources.data_files)}
    home: dict[Node, int] = {}
    for s, _p, _o, g in sources.data.quads((None, None, None, None)):
        index = rank.get(g, len(rank))
        if index < home.get(s, len(rank) + 1):
            home[s] = index
    return home


def _descriptions(union: Graph, home: dict[Node, int]) -> dict[Node, list[tuple[Node, Node]]]:
    """(predicate, object) pairs per subject, in a fixed order: by home graph, then by IRI."""
    described: dict[Node, list[tuple[Node, Node]]] = defaultdict(list)
    for s, p, o in union:
        described[s].append((p, o))
    return dict(sorted(described.items(), key=lambda item: (home.get(item[0], 0), str(item[0]))))


def _subject_groups(described: dict[Node, list], partition_triples: int) -> Iterator[list[Node]]:
    """Consecutive subjects adding up to about ``partition_triples`` triples."""
    group: list[Node] = []
    size = 0
    for subject, pairs in described.items():
        group.append(subject)
        size += len(pairs)
        if size >= partition_triples:
            yield group
            group, size = [], 0
    if group:
        yield group


def _validate_group(index: int) -> tuple[bool, list[tuple[Node, Node, Node]]]:
    """Validate one group with its neighbours; return the triples of its own results only."""
    job = _PARTITION_JOB
    described, subjects = job["described"], job["groups"][index]
    data = Graph()
    neighbours = set()
    for subject in subjects:
        for p, o in described[subject]:
            data.add((subject, p, o))
            neighbours.add(o)
    for node in neighbours:
        for p, o in described.get(node, ()):
            data.add((node, p, o))
    conforms, report = _validate(data, job["shapes"], job["ontology"])
    own = set(subjects)
    kept = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.focusNode) in own:
            kept.extend(_closure_from(report, result))
    return conforms, kept


def _closure_from(graph: Graph, node: Node) -> list[tuple[Node, Node, Node]]:
    """The triples of ``node`` and of the blank nodes it leads to (a result and its paths)."""
    triples, seen, todo = [], {node}, [node]
    while todo:
        current = todo.pop()
        for p, o in graph.predicate_objects(current):
            triples.append((current, p, o))
            if isinstance(o, BNode) and o not in seen:
                seen.add(o)
                todo.append(o)
    return triples


def _merge_reports(parts: list[tuple[bool, list[tuple[Node, Node, Node]]]]) -> tuple[bool, Graph]:
    """One sh:ValidationReport over every group's results, as pyshacl writes it for a whole graph."""
    report = Graph()
    report.bind("sh", str(SH))
    node = BNode()
    report.add((node, RDF.type, SH.ValidationReport))
    for _conforms, triples in parts:
        for triple in triples:
            report.add(triple)
    results = list(report.subjects(RDF.type, SH.ValidationResult))
    conforms = not any(report.value(r, SH.resultSeverity) == SH.Violation for r in results)
    report.add((node, SH.conforms, Literal(conforms)))
    for result in results:
        report.add((node, SH.result, result))
    return conforms, report


def describe_violations(report: Graph) -> list[str]:
    """One line per violation: focus node, path, value and message, sorted for stable output."""
    lines = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if report.value(result, SH.resultSeverity) != SH.Violation:
            continue
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        value = report.value(result, SH.value)
        message = report.value(result, SH.resultMessage)
        parts = [f"focus {_show(focus)}", f"path {_show(path)}"]
        if value is not None:
            parts.append(f"value {_show(value)}")
        parts.append(f"message: {message}")
        lines.append(", ".join(parts))
    return sorted(lines)


def run_checks(sources: Sources) -> CheckReport:
    """Run every check in order; raise on the first that fails."""
    structural = (
        ("blank nodes", blank_nodes),
        ("undefined terms", undefined_terms),
        ("dangling references", dangling_references),
    )
    for name, check in structural:
        problems = check(sources)
        if problems:
            raise CheckFailure(name, _cap(problems))
    conforms, report, violations = shacl_validate(sources)
    if violations:
        raise CheckFailure("SHACL", _cap(violations))
    return CheckReport(report, conforms, len(violations))


def _cap(problems: list[str]) -> list[str]:
    if len(problems) <= _MAX_PROBLEMS_SHOWN:
        return problems
    return problems[:_MAX_PROBLEMS_SHOWN] + [f"… and {len(problems) - _MAX_PROBLEMS_SHOWN} more"]


def _graph_label(graph: Node | None) -> str:
    return f"graph <{graph}>" if graph is not None else "default graph"


def _short(term: Node) -> str:
    text = str(term)
    if text.startswith(str(COOP)):
        return "coop:" + text[len(str(COOP)):]
    return f"<{text}>"


def _show(term: Node | None) -> str:
    if term is None:
        return "(none)"
    if isinstance(term, Literal):
        return term.n3()
    if isinstance(term, URIRef):
        return f"<{term}>"
    return term.n3() if hasattr(term, "n3") else str(term)
