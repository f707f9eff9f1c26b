"""Quality checks that gate every build: undefined terms, dangling links, SHACL.

Each check returns a list of one-line problems; ``run_checks`` turns the first failing
check into a :class:`CheckFailure`. The SHACL report graph is kept for the release.
"""

from __future__ import annotations

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


def shacl_validate(sources: Sources) -> tuple[bool, Graph, list[str]]:
    """Validate the union of the data against shapes/, with the ontology for subclass targets."""
    conforms, report, _text = validate(
        data_graph=sources.data_union(),
        shacl_graph=sources.shapes,
        ont_graph=sources.ontology,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=True,
    )
    return bool(conforms), report, describe_violations(report)


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
