"""OWL 2 RL closure, bounded in time and in size, with three interchangeable backends.

``owlrl`` (default) is pure Python: exact, but ~35 s on the seed graph and hopeless at
millions of triples. owlrl has no budget of its own: a long ``owl:sameAs`` chain or a
careless property chain can make the closure grow for minutes. We subclass its rule engine
and check the budget every time a rule proposes a triple, so a runaway closure stops the
build with a message.

``reasonable`` (Rust) computes the instance-level closure in about a second on the seed and
in a minute and a half at 1M triples, but through its Python API it holds ~1.3 GB per
million triples and returns the closure as rdflib terms (~35 GB at 10M, past this machine);
it lacks ``owl:propertyChainAxiom`` and the schema rules
(``scm-*``), and it writes ``xsd:string`` on plain literals. :func:`closure` with
``reasoner="reasonable"`` makes up for all three so the published inferred graph is the
one owlrl gives (tests/test_reasoning_backends.py checks it on the seed):

* the schema (ontology) is closed by owlrl alone, a constant ~1 s whatever the data size;
* reasonable closes schema + data, then the property chains read from the ontology are
  applied, and the two alternate until neither adds a triple;
* literals are put back in their RDF 1.1 canonical form (``"x"^^xsd:string`` is ``"x"``).

Its budget is checked between rounds only (reasonable cannot be interrupted), and its
inconsistency check covers what our ontology can make inconsistent: an individual in two
disjoint classes (``owl:disjointWith``, ``owl:AllDisjointClasses``) or in ``owl:Nothing``.
It does not detect ``owl:differentFrom``/``owl:sameAs`` clashes, ``owl:AllDifferent``,
``owl:NegativePropertyAssertion``, asymmetric/irreflexive property or cardinality
violations, which owlrl reports; the ontology uses none of them.

``rules`` (:mod:`coopkg.rules`) compiles the closed schema into SPARQL updates run inside
the pyoxigraph store that holds the data: the backend for ten million triples and more.
"""

from __future__ import annotations

import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from owlrl import OWLRL_Semantics
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDFS, XSD
from rdflib.term import Node

from .errors import ReasoningBudgetExceeded, ReasoningInconsistency
from .namespaces import COOP, KG
from .sources import ox_term, rdflib_term, rdflib_triple

#: inferred triples in these namespaces say nothing about coopkg's content
_META_NAMESPACES = (
    str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#",
)
_OURS = (str(KG), str(COOP))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
_CHECK_EVERY = 2048
REASONERS = ("owlrl", "reasonable", "rules")
# rdflib namespace attributes are looked up through __getattr__: slow in loops over millions
_SAME_AS, _TYPE, _XSD_STRING = OWL.sameAs, RDF.type, XSD.string
_REFLEXIVE_TRIVIA = frozenset({OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf,
                               RDFS.subPropertyOf})
Triple = tuple[Node, Node, Node]


@dataclass(frozen=True)
class ReasoningBudget:
    """Limits on one closure: wall-clock seconds and inferred/asserted ratio."""

    seconds: float = 300.0
    max_ratio: float = 10.0


class _BoundedOWLRL(OWLRL_Semantics):
    """owlrl's OWL 2 RL rules, with a budget checked as triples are proposed."""

    budget: ReasoningBudget
    asserted: int
    deadline: float
    proposals: int

    def store_triple(self, t):  # noqa: ANN001 - owlrl's signature
        self.proposals += 1
        if self.proposals % _CHECK_EVERY == 0:
            self._check_budget()
        super().store_triple(t)

    def _check_budget(self) -> None:
        if time.monotonic() > self.deadline:
            raise ReasoningBudgetExceeded(
                f"OWL RL closure stopped after {self.budget.seconds:g} s (time budget); "
                "look for owl:sameAs chains or property chains that multiply triples"
            )
        size = len(self.graph) + len(self.added_triples)
        if size > self.asserted * (1 + self.budget.max_ratio):
            raise ReasoningBudgetExceeded(
                f"OWL RL closure stopped at {size} triples, over {self.budget.max_ratio:g}× the "
                f"{self.asserted} asserted (size budget); look for owl:sameAs chains or runaway property chains"
            )


def closure_of(ontology: Graph, data: Graph | ox.Store, budget: ReasoningBudget = ReasoningBudget(),
               reasoner: str = "owlrl", progress: Callable[[str], None] | None = None) -> ox.Store:
    """:func:`closure` of ontology + data (an rdflib graph, or the sources' pyoxigraph store),
    returned in a pyoxigraph store's default graph.

    With reasonable and a store, the data never enters rdflib on the way in (reasonable reads
    an N-Triples file) and the inferred triples never form an rdflib graph on the way out: at
    ten million triples each of those copies would take ~10 GB.
    """
    if reasoner == "reasonable" and isinstance(data, ox.Store):
        return _reasonable_closure_of_store(ontology, data, budget)
    if reasoner == "rules":
        from . import rules

        if isinstance(data, Graph):  # the rules read named graphs: put the triples in one
            graph = ox.NamedNode(rules.WORK_GRAPH + "-input")
            data, triples = ox.Store(), data
            data.extend(ox.Quad(ox_term(s), ox_term(p), ox_term(o), graph) for s, p, o in triples)
        return rules.closure(ontology, _owlrl_closure(ontology, budget), data, budget, progress)
    if not isinstance(data, Graph):
        union = Graph()
        for quad in data:
            union.add(rdflib_triple(quad))
        data = union
    return as_store(closure(ontology + data, budget, reasoner, ontology))


def as_store(triples: Iterable[Triple]) -> ox.Store:
    """Triples (rdflib terms) in the default graph of a new pyoxigraph store."""
    store = ox.Store()
    store.extend(ox.Quad(ox_term(s), ox_term(p), ox_term(o)) for s, p, o in triples)
    return store


def closure(asserted: Graph, budget: ReasoningBudget = ReasoningBudget(), reasoner: str = "owlrl",
            ontology: Graph | None = None) -> Graph:
    """Return the triples OWL 2 RL entails beyond ``asserted`` (ontology + data).

    Trivial entailments (``x owl:sameAs x``, ``rdf:type owl:Thing``, facts about the
    RDF/OWL vocabularies themselves, anything on a literal or blank node) are dropped:
    they are true of every graph and only bloat the dump. ``ontology`` (the schema part of
    ``asserted``) lets the reasonable backend close the schema separately; without it the
    schema is taken to be every triple outside our ``kg:`` namespace.
    """
    if reasoner == "reasonable":
        return _published(asserted, _reasonable_closure(asserted, budget, ontology))
    if reasoner != "owlrl":
        raise ValueError(f"unknown reasoner {reasoner!r}; expected one of {', '.join(REASONERS)}")
    working = _owlrl_closure(asserted, budget)
    return _published(asserted, working)


def _owlrl_closure(asserted: Iterable[Triple], budget: ReasoningBudget) -> Graph:
    """Everything owlrl entails from ``asserted``, asserted triples included."""
    working = Graph()
    for triple in asserted:
        working.add(triple)
    engine = _BoundedOWLRL(working, axioms=False, daxioms=False)
    engine.budget = budget
    engine.asserted = max(len(working), 1)
    engine.deadline = time.monotonic() + budget.seconds
    engine.proposals = 0
    engine.closure()
    if engine.error_messages:
        messages = sorted(set(engine.error_messages))
        raise ReasoningInconsistency("OWL RL found the graph inconsistent: " + "; ".join(messages))
    return working


def _published(asserted: Graph | set[Triple], entailed: Iterable[Triple]) -> Graph:
    """The entailed triples worth a place in the inferred graph (see :func:`_worth_publishing`)."""
    external = {o for _s, p, o in asserted if p == _SAME_AS and not str(o).startswith(_OURS)}
    inferred = Graph()
    for triple in entailed:
        if triple not in asserted and _worth_publishing(triple, external):
            inferred.add(triple)
    return inferred


# --- the reasonable backend ---------------------------------------------------------------------


def _reasonable_closure(asserted: Graph | set[Triple], budget: ReasoningBudget,
                        ontology: Graph | None) -> set[Triple]:
    """Alternate reasonable's rules and the ontology's property chains until nothing is new."""

    schema = ontology if ontology is not None else _schema_part(asserted)
    engine, chains = _reasonable_engine(schema, budget)
    engine.from_graph([t for t in asserted if not isinstance(t[0], Literal)])
    return _reason_to_fixpoint(engine, chains, budget, len(asserted))


def _reasonable_engine(schema: Graph, budget: ReasoningBudget):
    """A reasonable engine holding the schema closed by owlrl, and the schema's property chains."""
    import reasonable

    closed_schema = _owlrl_closure(schema, budget)
    engine = reasonable.PyReasoner()
    # owlrl's generalised triples (a literal as subject) are refused by reasonable
    engine.from_graph([t for t in closed_schema if not isinstance(t[0], Literal)])
    return engine, property_chains(closed_schema)


def _reason_to_fixpoint(engine, chains, budget: ReasoningBudget, asserted: int) -> set[Triple]:
    started = time.monotonic()
    size_limit = max(asserted, 1) * (1 + budget.max_ratio)
    entailed: set[Triple] = set()
    while True:
        with _iris_trusted():
            entailed = {_canonical(t) for t in engine.reason()}
        _check_reasonable_budget(len(entailed), size_limit, started, budget, asserted)
        new = apply_chains(chains, entailed) - entailed
        if not new:
            break
        engine.from_graph(list(new))
    _check_consistency(entailed)
    return entailed


def _reasonable_closure_of_store(ontology: Graph, data: ox.Store, budget: ReasoningBudget) -> ox.Store:
    """reasonable over the store's data, read from an N-Triples file; the entailments worth
    publishing (:func:`_worth_publishing`, not asserted) go into a new store."""
    engine, chains = _reasonable_engine(ontology, budget)
    with tempfile.TemporaryDirectory(prefix="coopkg-reason-") as folder:
        triples = Path(folder) / "data.ttl"  # N-Triples is Turtle; reasonable picks its parser by suffix
        data.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }").serialize(
            str(triples), format=ox.RdfFormat.N_TRIPLES)
        engine.load_file(str(triples))
    entailed = _reason_to_fixpoint(engine, chains, budget, len(ontology) + len(data))
    external = {o for _s, p, o in ontology.triples((None, _SAME_AS, None))}
    external.update(rdflib_term(row["o"]) for row in data.query(
        f"SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?s <{_SAME_AS}> ?o }} }}"))
    external = {o for o in external if not str(o).startswith(_OURS)}
    inferred = ox.Store()
    batch: list[ox.Quad] = []
    for triple in entailed:
        if triple in ontology or not _worth_publishing(triple, external):
            continue
        s, p, o = (ox_term(term) for term in triple)
        if next(iter(data.quads_for_pattern(s, p, o)), None) is None:
            batch.append(ox.Quad(s, p, o))
            if len(batch) >= 100_000:
                inferred.extend(batch)
                batch = []
    inferred.extend(batch)
    return inferred


@contextmanager
def _iris_trusted() -> Iterator[None]:
    """Skip rdflib's IRI character check while reasonable hands back its terms.

    reasonable returns every triple as new rdflib terms, and ``URIRef()`` scans each IRI for
    forbidden characters: a third of the closure's time. The IRIs are the ones we gave it,
    already checked by the strict parser.
    """
    import rdflib.term

    original = rdflib.term._is_valid_uri
    rdflib.term._is_valid_uri = lambda _uri: True
    try:
        yield
    finally:
        rdflib.term._is_valid_uri = original


def _schema_part(asserted: Graph | set[Triple]) -> Graph:
    schema = Graph()
    for triple in asserted:
        if not str(triple[0]).startswith(str(KG)):
            schema.add(triple)
    return schema


def _check_reasonable_budget(size: int, limit: float, started: float, budget: ReasoningBudget,
                             asserted: int) -> None:
    """The same two limits and messages as the owlrl backend, checked after each round."""
    if size > limit:
        raise ReasoningBudgetExceeded(
            f"OWL RL closure stopped at {size} triples, over {budget.max_ratio:g}× the "
            f"{asserted} asserted (size budget); look for owl:sameAs chains or runaway property chains"
        )
    if time.monotonic() - started > budget.seconds:
        raise ReasoningBudgetExceeded(
            f"OWL RL closure stopped after {budget.seconds:g} s (time budget); "
            "look for owl:sameAs chains or property chains that multiply triples"
        )


def _canonical(triple: Triple) -> Triple:
    """reasonable types plain literals as ``xsd:string``; RDF 1.1 says they are the same term."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype == _XSD_STRING and not o.language:
        return s, p, Literal(str(o))
    return triple


def property_chains(schema: Graph) -> list[tuple[URIRef, tuple[URIRef, ...]]]:
    """Every ``P owl:propertyChainAxiom (P1 … Pn)`` of the schema, in a stable order."""
    chains = []
    for prop, head in schema.subject_objects(OWL.propertyChainAxiom):
        steps = tuple(Collection(schema, head))
        if isinstance(prop, URIRef) and steps and all(isinstance(step, URIRef) for step in steps):
            chains.append((prop, steps))
    return sorted(chains)


def disjoint_class_groups(schema: Graph) -> Iterator[list[Node]]:
    """The members of every ``owl:AllDisjointClasses`` of the schema, one list per ``owl:members``."""
    for group in schema.subjects(RDF.type, OWL.AllDisjointClasses):
        for head in schema.objects(group, OWL.members):
            yield list(Collection(schema, head))


def apply_chains(chains: list[tuple[URIRef, tuple[URIRef, ...]]], triples: set[Triple]) -> set[Triple]:
    """One pass of rule prp-spo2: ``x P1 y1 … y(n-1) Pn z`` gives ``x P z``."""
    if not chains:
        return set()
    wanted = {step for _prop, steps in chains for step in steps}
    edges: dict[Node, dict[Node, set[Node]]] = {step: defaultdict(set) for step in wanted}
    for s, p, o in triples:
        if p in edges:
            edges[p][s].add(o)
    found: set[Triple] = set()
    for prop, steps in chains:
        frontier = {(s, o) for s, objects in edges[steps[0]].items() for o in objects}
        for step in steps[1:]:
            following = edges[step]
            frontier = {(s, z) for s, y in frontier for z in following.get(y, ())}
        found.update((s, prop, z) for s, z in frontier)
    return found


def _check_consistency(triples: set[Triple]) -> None:
    """cax-dw, cls-nothing2 and cax-adc: the inconsistencies our ontology can express."""
    types: dict[Node, set[Node]] = defaultdict(set)
    disjoint: set[tuple[Node, Node]] = set()
    schema = Graph()
    list_parts = {OWL.members, RDF.first, RDF.rest}
    rdf_type, disjoint_with, all_disjoint = RDF.type, OWL.disjointWith, OWL.AllDisjointClasses
    for triple in triples:
        s, p, o = triple
        if p == rdf_type:
            types[s].add(o)
            if o == all_disjoint:
                schema.add(triple)
        elif p == disjoint_with:
            disjoint.update({(s, o), (o, s)})
        elif p in list_parts:
            schema.add(triple)
    for members in disjoint_class_groups(schema):
        disjoint.update((a, b) for a in members for b in members if a != b)
    messages = set()
    partners: dict[Node, set[Node]] = defaultdict(set)
    for a, b in disjoint:
        partners[a].add(b)
    nothing = OWL.Nothing
    for individual, classes in types.items():
        if nothing in classes:
            messages.add(f"{individual} is an instance of owl:Nothing")
        for a in classes & partners.keys():
            for b in partners[a] & classes:
                if str(a) < str(b):
                    messages.add(f"Disjoint classes {a} and {b} have a common individual {individual}")
    if messages:
        raise ReasoningInconsistency("OWL RL found the graph inconsistent: " + "; ".join(sorted(messages)))


def _worth_publishing(triple: tuple, external: set) -> bool:
    """Keep entailments about coopkg's own IRIs.

    owl:sameAs links to Wikidata/DBpedia/GeoNames are published as asserted, but their
    equality rules are not expanded into the dump: copying every fact onto the external
    IRI (and back) would make ``?x a coop:City`` answer each city twice.
    """
    s, p, o = triple
    if isinstance(s, (BNode, Literal)) or isinstance(o, BNode):
        return False
    if not str(s).startswith(_OURS) or o in external:
        return False
    if p == _TYPE and o in _TRIVIAL_TYPES:
        return False
    if p in _REFLEXIVE_TRIVIA and s == o:
        return False
    return isinstance(s, URIRef) and not str(s).startswith(_META_NAMESPACES)
