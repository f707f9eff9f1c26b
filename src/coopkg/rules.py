"""OWL 2 RL materialisation inside pyoxigraph, for graphs too large for owlrl or reasonable.

owlrl is pure Python (minutes at 100k triples); reasonable is fast but, through its Python
API, holds ~1.3 GB per million loaded triples and hands back the whole closure as rdflib
terms (~760 B a triple): a 10M-triple build would need ~35 GB. Here the data never leaves
the pyoxigraph store the sources were parsed into:

1. the ontology is closed by owlrl alone (the ``scm-*`` rules: subclass and subproperty
   hierarchies made transitive, domains and ranges inherited, equivalences expanded): a
   constant second whatever the data size;
2. the closed schema is compiled into one SPARQL ``INSERT … WHERE`` per instance rule and
   per axiom (``cax-sco``, ``prp-dom``, ``prp-rng``, ``prp-spo1``, ``prp-inv1/2``,
   ``prp-symp``, ``prp-trp``, ``prp-spo2``), run until a round adds nothing, semi-naively:
   round 1 reads every graph; each later round only joins with at least one premise from the
   triples the round before found new (its scratch graph, from which what was already known
   is deleted), so no round re-derives what earlier rounds did;
3. the entailments worth publishing (the same filter as the other backends) are written
   out by one ``CONSTRUCT`` in Rust and loaded into the inferred store; the scratch graphs
   are dropped.

It covers the OWL 2 RL constructs coopkg's ontology uses and refuses the others with a
message (class expressions such as restrictions and intersections, keys, cardinalities,
property disjointness, ``owl:AllDifferent``): :func:`unsupported_constructs`. Equality is
the one rule family it does not expand: ``owl:sameAs`` links from our IRIs to Wikidata,
DBpedia or GeoNames entail nothing the release publishes (the other backends drop every
entailment that mentions the external IRI), but two coopkg IRIs made equal (sharing a
``sameAs`` target, or two values of a functional property) would copy every fact, so the
build stops and names them (use ``--reasoner owlrl`` then). Disjointness is checked as the
reasonable backend checks it. tests/test_reasoning_backends.py proves the published graph
byte-identical to owlrl's on the seed and on a fixture per rule.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import RDF, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from .errors import ReasoningBudgetExceeded, ReasoningInconsistency, UnsupportedOntology
from .namespaces import COOP, GRAPH_BASE, KG
from .reasoning import disjoint_class_groups, property_chains
from .sources import ox_term

#: scratch graphs of the store during reasoning (dropped at the end): ``WORK_GRAPH-0`` holds
#: the schema closure, ``WORK_GRAPH-k`` the triples round k found new
WORK_GRAPH = GRAPH_BASE + "reasoning-scratch"
ONTOLOGY_WORK_GRAPH = GRAPH_BASE + "reasoning-ontology"
_OURS = (str(KG), str(COOP))
#: schema vocabulary this backend compiles; class expressions and the rest are refused
_REFUSED = {
    OWL.Restriction: "owl:Restriction", OWL.intersectionOf: "owl:intersectionOf", OWL.unionOf: "owl:unionOf",
    OWL.complementOf: "owl:complementOf", OWL.oneOf: "owl:oneOf", OWL.hasKey: "owl:hasKey",
    OWL.hasValue: "owl:hasValue", OWL.someValuesFrom: "owl:someValuesFrom",
    OWL.allValuesFrom: "owl:allValuesFrom", OWL.maxCardinality: "owl:maxCardinality",
    OWL.maxQualifiedCardinality: "owl:maxQualifiedCardinality", OWL.propertyDisjointWith: "owl:propertyDisjointWith",
    OWL.AllDisjointProperties: "owl:AllDisjointProperties", OWL.AllDifferent: "owl:AllDifferent",
    OWL.differentFrom: "owl:differentFrom", OWL.NegativePropertyAssertion: "owl:NegativePropertyAssertion",
    OWL.AsymmetricProperty: "owl:AsymmetricProperty", OWL.IrreflexiveProperty: "owl:IrreflexiveProperty",
    OWL.sameAs: "owl:sameAs in the ontology",
}
_TRIVIAL_TYPES = (str(OWL.Thing), str(RDFS.Resource), str(OWL.NamedIndividual))
_REFLEXIVE_TRIVIA = (str(OWL.sameAs), str(OWL.equivalentClass), str(OWL.equivalentProperty), str(RDFS.subClassOf),
                     str(RDFS.subPropertyOf))
_TYPE = str(RDF.type)
_SAME_AS = str(OWL.sameAs)


@dataclass
class CompiledSchema:
    """The instance-level axioms of a closed schema, as IRIs."""

    sub_classes: set[tuple[str, str]] = field(default_factory=set)
    sub_properties: set[tuple[str, str]] = field(default_factory=set)
    domains: set[tuple[str, str]] = field(default_factory=set)
    ranges: set[tuple[str, str]] = field(default_factory=set)
    inverses: set[tuple[str, str]] = field(default_factory=set)
    symmetric: set[str] = field(default_factory=set)
    transitive: set[str] = field(default_factory=set)
    functional: set[str] = field(default_factory=set)
    inverse_functional: set[str] = field(default_factory=set)
    chains: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    disjoint: set[tuple[str, str]] = field(default_factory=set)


def unsupported_constructs(ontology: Graph) -> list[str]:
    """The OWL constructs of ``ontology`` this backend cannot compile, by name."""
    used = set()
    for _s, p, o in ontology:
        for term in (p, o):
            if term in _REFUSED:
                used.add(_REFUSED[term])
    for o in ontology.objects(None, RDFS.subClassOf):
        if not isinstance(o, URIRef):
            used.add("a class expression as superclass")
    return sorted(used)


def compile_schema(closed: Graph) -> CompiledSchema:
    """Read the axioms the instance rules need from the owlrl-closed schema (IRIs only)."""
    schema = CompiledSchema()
    schema.sub_classes = set(_all_pairs(closed, RDFS.subClassOf, skip_reflexive=True))
    schema.sub_properties = set(_all_pairs(closed, RDFS.subPropertyOf, skip_reflexive=True))
    schema.domains = set(_all_pairs(closed, RDFS.domain))
    schema.ranges = set(_all_pairs(closed, RDFS.range))
    schema.inverses = set(_all_pairs(closed, OWL.inverseOf))
    for kind, target in ((OWL.SymmetricProperty, schema.symmetric), (OWL.TransitiveProperty, schema.transitive),
                         (OWL.FunctionalProperty, schema.functional),
                         (OWL.InverseFunctionalProperty, schema.inverse_functional)):
        target.update(str(p) for p in closed.subjects(RDF.type, kind) if isinstance(p, URIRef))
    # already sorted: IRIs compare as their strings
    schema.chains = [(str(prop), tuple(map(str, steps))) for prop, steps in property_chains(closed)]
    schema.disjoint = set(_all_pairs(closed, OWL.disjointWith))
    for group in disjoint_class_groups(closed):
        members = [str(m) for m in group if isinstance(m, URIRef)]
        schema.disjoint.update((a, b) for a in members for b in members if a < b)
    return schema


def _all_pairs(graph: Graph, predicate: URIRef, *, skip_reflexive: bool = False) -> Iterator[tuple[str, str]]:
    """The (subject, object) IRIs of ``predicate``'s triples; with ``skip_reflexive``, not ``x … x``."""
    for s, o in graph.subject_objects(predicate):
        if isinstance(s, URIRef) and isinstance(o, URIRef) and not (skip_reflexive and s == o):
            yield str(s), str(o)


def instance_rules(schema: CompiledSchema, into: str, delta: str | None = None) -> list[str]:
    """SPARQL updates for the OWL 2 RL instance rules the closed schema needs, writing into
    graph ``into``.

    Without ``delta`` (round 1) there is one update per axiom and every premise reads any
    named graph (data, ontology, earlier entailments). With ``delta`` (the graph of the
    triples the previous round found new) a rule of n premises becomes n updates, premise i
    read from ``delta`` and the others from any graph: every new conclusion has at least one
    new premise, so nothing else can derive anything new. A subclass or subproperty
    hierarchy is already transitive, so one pass of ``cax-sco``/``prp-spo1`` per round is enough.
    """
    rules = []

    def rule(head: str, *premises: str, condition: str = "") -> None:
        graphs = [f"?g{i}" for i in range(len(premises))]
        variants = [graphs] if delta is None else [
            [f"<{delta}>" if i == j else graph for i, graph in enumerate(graphs)] for j in range(len(premises))]
        for variant in variants:
            body = " ".join(f"GRAPH {graph} {{ {premise} }}" for graph, premise in zip(variant, premises, strict=True))
            rules.append(f"INSERT {{ GRAPH <{into}> {{ {head} }} }} WHERE {{ {body}{condition} }}")

    not_literal = " FILTER(!isLiteral(?y))"
    for p, c in sorted(schema.domains):
        rule(f"?x a <{c}>", f"?x <{p}> ?y")
    for p, c in sorted(schema.ranges):
        rule(f"?y a <{c}>", f"?x <{p}> ?y", condition=not_literal)
    for p1, p2 in sorted(schema.sub_properties):
        rule(f"?x <{p2}> ?y", f"?x <{p1}> ?y")
    for p1, p2 in sorted(schema.inverses):
        rule(f"?y <{p2}> ?x", f"?x <{p1}> ?y", condition=not_literal)
        rule(f"?y <{p1}> ?x", f"?x <{p2}> ?y", condition=not_literal)
    for p in sorted(schema.symmetric):
        rule(f"?y <{p}> ?x", f"?x <{p}> ?y", condition=not_literal)
    for p in sorted(schema.transitive):
        rule(f"?x <{p}> ?z", f"?x <{p}> ?y", f"?y <{p}> ?z")
    for prop, steps in schema.chains:
        rule(f"?v0 <{prop}> ?v{len(steps)}", *(f"?v{i} <{step}> ?v{i + 1}" for i, step in enumerate(steps)))
    for c, d in sorted(schema.sub_classes):
        rule(f"?x a <{d}>", f"?x a <{c}>")
    return rules


def closure(ontology: Graph, closed_schema: Graph, data: ox.Store, budget,
            progress: Callable[[str], None] | None = None) -> ox.Store:
    """The published OWL 2 RL entailments of ontology + ``data`` (see the module docstring).

    ``data`` is used as the working store (a copy of the ontology and one scratch graph per
    round, all dropped before returning, also on failure); ``budget`` is a
    :class:`coopkg.reasoning.ReasoningBudget`.
    """
    refused = unsupported_constructs(ontology)
    if refused:
        raise UnsupportedOntology("the rules reasoner does not support " + ", ".join(refused)
                                  + "; build with --reasoner owlrl")
    schema = compile_schema(closed_schema)
    started = time.monotonic()
    asserted = len(data) + len(ontology)
    scratch = [ox.NamedNode(f"{WORK_GRAPH}-0")]
    ontology_work = ox.NamedNode(ONTOLOGY_WORK_GRAPH)
    try:
        data.extend(_quads(ontology, ontology_work))
        data.extend(_quads((t for t in closed_schema if t not in ontology), scratch[0]))
        _check_equality(data, schema)
        derived = _count(data, scratch[0])
        while True:
            rounds = len(scratch)
            found = ox.NamedNode(f"{WORK_GRAPH}-{rounds}")
            delta = scratch[-1].value if rounds > 1 else None
            scratch.append(found)
            for rule in instance_rules(schema, found.value, delta):
                data.update(rule)
                _check_time(started, budget)
            new = _keep_only_new(data, found)
            derived += new
            if derived + asserted > asserted * (1 + budget.max_ratio):
                raise ReasoningBudgetExceeded(
                    f"OWL RL closure stopped at {derived + asserted} triples, over {budget.max_ratio:g}× the "
                    f"{asserted} asserted (size budget); look for owl:sameAs chains or runaway property chains")
            if progress:
                progress(f"      round {rounds}: {new:+,} new triples ({time.monotonic() - started:.0f} s)")
            if new == 0:
                break
        _check_equality(data, schema)
        _check_disjointness(data, schema)
        return _published(data, scratch)
    finally:
        for graph in (*scratch, ontology_work):
            data.remove_graph(graph)


def _keep_only_new(data: ox.Store, found: ox.NamedNode) -> int:
    """Delete from ``found`` what another graph already states; the number of triples left."""
    data.update(f"""DELETE {{ GRAPH <{found.value}> {{ ?s ?p ?o }} }} WHERE {{
                      GRAPH <{found.value}> {{ ?s ?p ?o }}
                      FILTER EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g != <{found.value}>) }} }}""")
    return _count(data, found)


def _quads(triples, graph: ox.NamedNode) -> Iterator[ox.Quad]:
    for s, p, o in triples:
        if not isinstance(s, Literal):  # owlrl's generalised triples are not RDF
            yield ox.Quad(ox_term(s), ox_term(p), ox_term(o), graph)


def _count(data: ox.Store, graph: ox.NamedNode) -> int:
    found = data.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph.value}> {{ ?s ?p ?o }} }}")
    return int(next(iter(found))["n"].value)


def _check_time(started: float, budget) -> None:
    if time.monotonic() - started > budget.seconds:
        raise ReasoningBudgetExceeded(
            f"OWL RL closure stopped after {budget.seconds:g} s (time budget); "
            "look for owl:sameAs chains or property chains that multiply triples")


def _ours(variable: str) -> str:
    return "(" + " || ".join(f'STRSTARTS(STR(?{variable}), "{prefix}")' for prefix in _OURS) + ")"


def _check_equality(data: ox.Store, schema: CompiledSchema) -> None:
    """Refuse what would make two coopkg IRIs equal: this backend does not expand equality."""
    same = f"<{_SAME_AS}>"
    checks = [f"""SELECT ?a ?b WHERE {{
                    {{ GRAPH ?g {{ ?a {same} ?b }} }}
                    UNION {{ GRAPH ?g {{ ?a {same} ?x }} GRAPH ?h {{ ?b {same} ?x }} }}
                    UNION {{ GRAPH ?g {{ ?x {same} ?a }} GRAPH ?h {{ ?x {same} ?b }} }}
                    FILTER(isIRI(?a) && isIRI(?b) && ?a != ?b && {_ours("a")} && {_ours("b")})
                  }} LIMIT 1"""]
    for p in sorted(schema.functional):
        checks.append(f"SELECT ?a ?b WHERE {{ GRAPH ?g {{ ?x <{p}> ?a }} GRAPH ?h {{ ?x <{p}> ?b }} "
                      f"FILTER(!isLiteral(?a) && ?a != ?b) }} LIMIT 1")
    for p in sorted(schema.inverse_functional):
        checks.append(f"SELECT ?a ?b WHERE {{ GRAPH ?g {{ ?a <{p}> ?x }} GRAPH ?h {{ ?b <{p}> ?x }} "
                      f"FILTER(?a != ?b) }} LIMIT 1")
    for query in checks:
        for row in data.query(query):
            raise UnsupportedOntology(
                f"<{row['a'].value}> and <{row['b'].value}> are entailed to be the same individual "
                "(owl:sameAs, a functional or an inverse functional property); the rules reasoner does not "
                "expand equality: build with --reasoner owlrl")


def _check_disjointness(data: ox.Store, schema: CompiledSchema) -> None:
    """cax-dw and cax-adc: an individual in two disjoint classes; cls-nothing2."""
    messages = []
    pairs = sorted({tuple(sorted(pair)) for pair in schema.disjoint})
    queries = [(f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a <{a}> }} GRAPH ?h {{ ?x a <{b}> }} }}",
                f"Disjoint classes {a} and {b} have a common individual {{}}") for a, b in pairs]
    queries.append((f"SELECT DISTINCT ?x WHERE {{ GRAPH ?g {{ ?x a <{OWL.Nothing}> }} }}",
                    "{} is an instance of owl:Nothing"))
    for query, message in queries:
        messages.extend(message.format(row["x"].value) for row in data.query(query))
    if messages:
        raise ReasoningInconsistency("OWL RL found the graph inconsistent: " + "; ".join(sorted(messages)))


def _published(data: ox.Store, scratch: list[ox.NamedNode]) -> ox.Store:
    """The scratch graphs' triples that no other graph states and that are worth a place in
    the inferred graph (as the other backends decide: about our IRIs, not trivial, not
    mentioning an external ``sameAs`` target of the asserted data or ontology; owlrl's
    ``x owl:sameAs x`` in the schema closure names no target), written and loaded in Rust.
    Each round's graph holds only triples new at that round, so the graphs do not overlap."""
    trivial_types = ", ".join(f"<{t}>" for t in _TRIVIAL_TYPES)
    reflexive = ", ".join(f"<{p}>" for p in _REFLEXIVE_TRIVIA)
    graphs = " ".join(f"<{graph.value}>" for graph in scratch)
    ours = ", ".join(f"<{graph.value}>" for graph in scratch)
    query = f"""
        CONSTRUCT {{ ?s ?p ?o }} WHERE {{
          VALUES ?w {{ {graphs} }}
          GRAPH ?w {{ ?s ?p ?o }}
          FILTER(isIRI(?s) && {_ours("s")} && !isBlank(?o))
          FILTER(!(?p = <{_TYPE}> && ?o IN ({trivial_types})))
          FILTER(!(?s = ?o && ?p IN ({reflexive})))
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p ?o }} FILTER(?g NOT IN ({ours})) }}
          FILTER NOT EXISTS {{ GRAPH ?h {{ ?any <{_SAME_AS}> ?o }}
                               FILTER(?h NOT IN ({ours}) && !{_ours("o")}) }}
        }}"""
    inferred = ox.Store()
    with tempfile.TemporaryDirectory(prefix="coopkg-rules-") as folder:
        path = Path(folder) / "inferred.nt"
        data.query(query).serialize(str(path), format=ox.RdfFormat.N_TRIPLES)
        inferred.bulk_load(path=str(path), format=ox.RdfFormat.N_TRIPLES)
    return inferred
