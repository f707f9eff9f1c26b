"""OWL 2 RL closure with owlrl, bounded in time and in size.

owlrl has no budget of its own: a long ``owl:sameAs`` chain or a careless property chain
can make the closure grow for minutes. We subclass its rule engine and check the budget
every time a rule proposes a triple, so a runaway closure stops the build with a message.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from owlrl import OWLRL_Semantics
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from .errors import ReasoningBudgetExceeded, ReasoningInconsistency
from .namespaces import COOP, KG

#: inferred triples in these namespaces say nothing about coopkg's content
_META_NAMESPACES = (
    str(RDF), str(RDFS), str(OWL), "http://www.w3.org/2001/XMLSchema#",
)
_OURS = (str(KG), str(COOP))
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource, OWL.NamedIndividual}
_CHECK_EVERY = 2048


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


def closure(asserted: Graph, budget: ReasoningBudget = ReasoningBudget()) -> Graph:
    """Return the triples OWL 2 RL entails beyond ``asserted`` (ontology + data).

    Trivial entailments (``x owl:sameAs x``, ``rdf:type owl:Thing``, facts about the
    RDF/OWL vocabularies themselves, anything on a literal or blank node) are dropped:
    they are true of every graph and only bloat the dump.
    """
    working = Graph()
    for triple in asserted:
        working.add(triple)
    engine = _BoundedOWLRL(working, axioms=False, daxioms=False)
    engine.budget = budget
    engine.asserted = max(len(asserted), 1)
    engine.deadline = time.monotonic() + budget.seconds
    engine.proposals = 0
    engine.closure()
    if engine.error_messages:
        messages = sorted(set(engine.error_messages))
        raise ReasoningInconsistency("OWL RL found the graph inconsistent: " + "; ".join(messages))
    external = {o for o in asserted.objects(None, OWL.sameAs) if not str(o).startswith(_OURS)}
    inferred = Graph()
    for triple in working:
        if triple not in asserted and _worth_publishing(triple, external):
            inferred.add(triple)
    return inferred


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
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return False
    if p in (OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty, RDFS.subClassOf, RDFS.subPropertyOf) and s == o:
        return False
    return isinstance(s, URIRef) and not str(s).startswith(_META_NAMESPACES)
