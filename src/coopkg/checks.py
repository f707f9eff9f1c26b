"""Quality checks that gate every build: undefined terms, dangling links, SHACL.

Each check returns a list of one-line problems; ``run_checks`` turns the first failing
check into a :class:`CheckFailure`. The SHACL report graph is kept for the release.
"""

from __future__ import annotations

import multiprocessing
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pyoxigraph as ox
from pyshacl import validate
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS, SH, XSD
from rdflib.term import Node

from .errors import CheckFailure
from .namespaces import COOP, KG
from .sources import Sources, rdflib_term, rdflib_triple

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
    must be known. Each term is reported once, from the first graph (by IRI) using it.
    """
    defined = {str(term) for term in defined_terms(sources.ontology)}

    def known(iri: str) -> bool:
        return iri in defined or iri.startswith(_BUILT_IN)

    problems: dict[str, str] = {}
    for graph, term in _distinct_pairs(sources.data, "GRAPH ?g { ?s ?t ?o }"):
        if not known(term):
            problems.setdefault(term, f"{_graph_label(graph)}: property <{term}> is not defined in ontology/")
    for graph, term in _distinct_pairs(sources.data, "GRAPH ?g { ?s a ?t } FILTER(isIRI(?t))"):
        if not known(term):
            problems.setdefault(term, f"{_graph_label(graph)}: class <{term}> is not defined in ontology/")
    ours = f'FILTER(isIRI(?t) && STRSTARTS(STR(?t), "{COOP}"))'
    for where in ("GRAPH ?g { ?t ?p ?o }", "GRAPH ?g { ?s ?p ?t }"):
        for graph, term in _distinct_pairs(sources.data, f"{where} {ours}"):
            if term not in defined:
                problems.setdefault(term, f"{_graph_label(graph)}: term <{term}> is not defined in ontology/")
    return [problems[k] for k in sorted(problems)]


def _distinct_pairs(data: ox.Store, pattern: str) -> list[tuple[str, str]]:
    """(graph, term) pairs of ``pattern`` over every data graph, distinct, sorted by graph then term.

    Evaluated by pyoxigraph: at ten million quads a pass in Python would take minutes."""
    found = data.query(f"SELECT DISTINCT ?g ?t WHERE {{ {pattern} }}")
    return sorted((row["g"].value, row["t"].value) for row in found)


def dangling_references(sources: Sources) -> list[str]:
    """Objects in our ``kg:`` namespace that no triple describes (usually a misspelt slug)."""
    found = sources.data.query(f"""
        SELECT DISTINCT ?g ?s ?p ?o WHERE {{
          GRAPH ?g {{ ?s ?p ?o }}
          FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{KG}"))
          FILTER NOT EXISTS {{ GRAPH ?h {{ ?o ?anything ?value }} }}
        }}""")
    return sorted({f"{_graph_label(row['g'].value)}: <{row['s'].value}> {_short(row['p'].value)} "
                   f"<{row['o'].value}>: <{row['o'].value}> is described nowhere" for row in found})


def blank_nodes(sources: Sources) -> list[str]:
    """Blank nodes in data/: refused, because their labels are not stable across parses
    and a dump must be byte-identical for the same sources (and linkable by others)."""
    found = sources.data.query(
        "SELECT DISTINCT ?g ?p WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?s) || isBlank(?o)) }")
    return sorted({f"{_graph_label(row['g'].value)}: blank node in a triple with predicate {_short(row['p'].value)}; "
                   "give it an IRI" for row in found})


def shacl_validate(sources: Sources, partition_triples: int = SHACL_PARTITION_TRIPLES,
                   workers: int = SHACL_WORKERS, progress: Callable[[str], None] | None = None,
                   ) -> tuple[bool, Graph, list[str]]:
    """Validate the union of the data against shapes/, with the ontology for subclass targets.

    pyshacl holds the whole data graph in rdflib and slows down faster than linearly with it
    (about 4 min at 1M triples), so a large graph is validated in partitions, two at a time:
    see :func:`validate_partitioned`. Below ``partition_triples`` it is validated whole.
    """
    if len(sources) <= partition_triples:
        conforms, report = _validate(sources.data_union(), sources.shapes, sources.ontology)
    else:
        rank = {source.graph: index for index, source in enumerate(sources.data_files)}
        conforms, report = validate_partitioned(sources.data, sources.shapes, sources.ontology, partition_triples,
                                                workers, rank, progress)
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
# Only a group at a time is ever in rdflib; the data stays in the pyoxigraph store, which
# the forked workers share copy-on-write.

_PARTITION_JOB: dict = {}


def validate_partitioned(data: ox.Store, shapes: Graph, ontology: Graph, partition_triples: int,
                         workers: int = SHACL_WORKERS, graph_rank: dict[str, int] | None = None,
                         progress: Callable[[str], None] | None = None) -> tuple[bool, Graph]:
    """Validate subject groups of about ``partition_triples`` triples, ``workers`` at a time.

    ``graph_rank`` (graph IRI → its file's place in load order) orders the subjects by the
    first graph describing them, then by IRI, so each paper's resources stay together and
    few of their neighbours fall in another group.
    """
    groups = list(_subject_groups(_subjects_in_order(data, graph_rank or {}), partition_triples))
    _PARTITION_JOB.update(data=data, groups=groups, shapes=shapes, ontology=ontology)
    try:
        if workers > 1 and len(groups) > 1 and "fork" in multiprocessing.get_all_start_methods():
            # forked workers share the store and the shapes copy-on-write instead of pickling them
            with multiprocessing.get_context("fork").Pool(min(workers, len(groups))) as pool:
                parts = _reporting(pool.imap(_validate_group, range(len(groups)), chunksize=1), len(groups), progress)
        else:
            parts = _reporting(map(_validate_group, range(len(groups))), len(groups), progress)
    finally:
        _PARTITION_JOB.clear()
    return _merge_reports(parts)


def _reporting(parts: Iterator, total: int, progress: Callable[[str], None] | None) -> list:
    """Collect the groups' results in order, saying how far validation has got (a 10M-triple
    build spends a quarter of an hour here)."""
    collected = []
    started = time.monotonic()
    for part in parts:
        collected.append(part)
        if progress and total > 1:
            progress(f"      SHACL group {len(collected)}/{total} ({time.monotonic() - started:.0f} s)")
    return collected


def _subjects_in_order(data: ox.Store, graph_rank: dict[str, int]) -> list[tuple[ox.NamedNode | ox.BlankNode, int]]:
    """(subject, quads about it), by home graph (the first in load order describing it), then by IRI."""
    found = data.query("SELECT ?s ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?g")
    last = len(graph_rank)
    home: dict[ox.NamedNode | ox.BlankNode, int] = {}
    size: dict[ox.NamedNode | ox.BlankNode, int] = defaultdict(int)
    for row in found:
        subject = row["s"]
        rank = graph_rank.get(row["g"].value, last)
        home[subject] = min(rank, home.get(subject, last + 1))
        size[subject] += int(row["n"].value)
    ordered = sorted(home, key=lambda subject: (home[subject], subject.value))
    return [(subject, size[subject]) for subject in ordered]


def _subject_groups(subjects: list[tuple[ox.NamedNode | ox.BlankNode, int]],
                    partition_triples: int) -> Iterator[list[ox.NamedNode | ox.BlankNode]]:
    """Consecutive subjects adding up to about ``partition_triples`` triples."""
    group: list[ox.NamedNode | ox.BlankNode] = []
    size = 0
    for subject, triples in subjects:
        group.append(subject)
        size += triples
        if size >= partition_triples:
            yield group
            group, size = [], 0
    if group:
        yield group


def _validate_group(index: int) -> tuple[bool, list[tuple[Node, Node, Node]]]:
    """Validate one group with its neighbours; return the triples of its own results only."""
    job = _PARTITION_JOB
    store, subjects = job["data"], job["groups"][index]
    data = Graph()
    neighbours: set[ox.NamedNode | ox.BlankNode] = set()
    for subject in subjects:
        for quad in store.quads_for_pattern(subject, None, None):
            data.add(rdflib_triple(quad))
            if not isinstance(quad.object, ox.Literal):
                neighbours.add(quad.object)
    for node in neighbours.difference(subjects):
        for quad in store.quads_for_pattern(node, None, None):
            data.add(rdflib_triple(quad))
    conforms, report = _validate(data, job["shapes"], job["ontology"])
    own = {rdflib_term(subject) for subject in subjects}
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


def run_checks(sources: Sources, progress: Callable[[str], None] | None = None) -> CheckReport:
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
    conforms, report, violations = shacl_validate(sources, progress=progress)
    if violations:
        raise CheckFailure("SHACL", _cap(violations))
    return CheckReport(report, conforms, len(violations))


def _cap(problems: list[str]) -> list[str]:
    if len(problems) <= _MAX_PROBLEMS_SHOWN:
        return problems
    return problems[:_MAX_PROBLEMS_SHOWN] + [f"… and {len(problems) - _MAX_PROBLEMS_SHOWN} more"]


def _graph_label(graph: str | None) -> str:
    return f"graph <{graph}>" if graph is not None else "default graph"


def _short(term: Node | str) -> str:
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
