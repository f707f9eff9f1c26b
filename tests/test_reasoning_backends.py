"""The reasonable and rules backends publish exactly owlrl's closure, and fail the way owlrl fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import ROOT, make_project
from coopkg.build import BuildOptions, build
from coopkg.errors import ReasoningBudgetExceeded, ReasoningInconsistency, UnsupportedOntology
from coopkg.reasoning import ReasoningBudget, _canonical, apply_chains, closure, closure_of, property_chains
from coopkg.release import INFERRED_NT
from coopkg.sources import XSD_STRING, load_sources

COOP = "https://w3id.org/coopkg/ontology#"
KG = "https://w3id.org/coopkg/id/"
PREFIXES = """@prefix coop: <https://w3id.org/coopkg/ontology#> .
@prefix kg: <https://w3id.org/coopkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


@pytest.fixture(scope="module")
def reasonable_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("reasonable") / "dist"
    build(BuildOptions(root=ROOT, dist=dist, reasoner="reasonable"), progress=lambda _m: None)
    return dist


@pytest.fixture(scope="module")
def rules_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("rules") / "dist"
    build(BuildOptions(root=ROOT, dist=dist, reasoner="rules"), progress=lambda _m: None)
    return dist


def test_seed_inferred_graph_is_identical_to_owlrl(release: Path, reasonable_release: Path, rules_release: Path):
    owlrl_dump = (release / INFERRED_NT).read_bytes()
    assert len(owlrl_dump.splitlines()) > 10_000
    assert (reasonable_release / INFERRED_NT).read_bytes() == owlrl_dump
    assert (rules_release / INFERRED_NT).read_bytes() == owlrl_dump


def test_seed_closures_are_equal_as_sets(release: Path):
    sources = load_sources(ROOT)
    asserted = sources.ontology + sources.data_union()
    fast = set(closure(asserted, reasoner="reasonable", ontology=sources.ontology))
    owlrl = set(Graph().parse(release / INFERRED_NT, format="nt"))
    assert fast == owlrl


def test_property_chains_are_read_from_the_ontology():
    sources = load_sources(ROOT)
    chains = dict(property_chains(sources.ontology))
    assert chains[URIRef(COOP + "basedIn")] == (URIRef(COOP + "basedIn"), URIRef(COOP + "locatedIn"))
    assert len(chains) == 2


def test_a_chain_joins_its_steps():
    based, located = URIRef(COOP + "basedIn"), URIRef(COOP + "locatedIn")
    org, city, region = URIRef(KG + "org"), URIRef(KG + "city"), URIRef(KG + "region")
    found = apply_chains([(based, (based, located))], {(org, based, city), (city, located, region)})
    assert found == {(org, based, region)}


def test_plain_literals_lose_the_xsd_string_datatype():
    s, p = URIRef(KG + "x"), URIRef(COOP + "pages")
    assert _canonical((s, p, Literal("1-2", datatype=URIRef(XSD_STRING)))) == (s, p, Literal("1-2"))
    assert _canonical((s, p, Literal("1-2", lang="en"))) == (s, p, Literal("1-2", lang="en"))


@pytest.mark.parametrize("reasoner", ["reasonable", "rules"])
def test_disjoint_classes_are_an_inconsistency(tmp_path: Path, reasoner: str):
    root = make_project(tmp_path, {"papers/901-disjoint.ttl": PREFIXES + "kg:test-city a coop:Person .\n"})
    with pytest.raises(ReasoningInconsistency, match="test-city"):
        build(BuildOptions(root, tmp_path / "dist", reasoner=reasoner), progress=lambda _m: None)


@pytest.mark.parametrize("reasoner", ["reasonable", "rules"])
def test_size_budget_holds(tmp_path: Path, reasoner: str):
    chain = [f"kg:n{i} a coop:Region ; skos:prefLabel \"n{i}\"@zh , \"n{i}\"@en ; coop:statedIn kg:paper-900-s1 ;"
             f" coop:locatedIn kg:n{i + 1} ." for i in range(60)]
    chain.append('kg:n60 a coop:Region ; skos:prefLabel "n60"@zh , "n60"@en ; coop:statedIn kg:paper-900-s1 .')
    root = make_project(tmp_path, {"papers/901-chain.ttl": PREFIXES + "\n".join(chain) + "\n"})
    with pytest.raises(ReasoningBudgetExceeded, match=r"size budget"):
        build(BuildOptions(root, tmp_path / "dist", reasoner=reasoner, budget=ReasoningBudget(max_ratio=2)),
              progress=lambda _m: None)


@pytest.mark.parametrize("reasoner", ["reasonable", "rules"])
def test_time_budget_holds(tmp_path: Path, reasoner: str):
    root = make_project(tmp_path)
    with pytest.raises(ReasoningBudgetExceeded, match=r"stopped after 0\.001 s \(time budget\)"):
        build(BuildOptions(root, tmp_path / "dist", reasoner=reasoner, budget=ReasoningBudget(seconds=0.001)),
              progress=lambda _m: None)


# --- the rules backend, one construct at a time ------------------------------------------------

RULES_ONTOLOGY = """@prefix coop: <https://w3id.org/coopkg/ontology#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ext: <http://example.org/ext#> .
coop:Place a owl:Class . coop:City a owl:Class ; rdfs:subClassOf coop:Place .
coop:Town owl:equivalentClass coop:City .
coop:Place rdfs:subClassOf ext:Location .
coop:Org a owl:Class .
coop:basedIn a owl:ObjectProperty ; rdfs:domain coop:Org ; rdfs:range coop:Place .
coop:locatedIn a owl:ObjectProperty, owl:TransitiveProperty ; rdfs:range coop:Place .
coop:contains owl:inverseOf coop:locatedIn .
coop:twinOf a owl:SymmetricProperty .
coop:headquarteredIn rdfs:subPropertyOf coop:basedIn .
coop:seatedIn owl:equivalentProperty coop:headquarteredIn .
coop:basedIn owl:propertyChainAxiom ( coop:basedIn coop:locatedIn ) .
coop:name rdfs:subPropertyOf rdfs:label .
"""
RULES_DATA = """@prefix coop: <https://w3id.org/coopkg/ontology#> .
@prefix kg: <https://w3id.org/coopkg/id/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
kg:acme coop:seatedIn kg:a ; coop:name "Acme" .
kg:a a coop:Town ; coop:locatedIn kg:b ; coop:twinOf kg:z ; owl:sameAs <http://www.wikidata.org/entity/Q1> .
kg:b coop:locatedIn kg:c . kg:c coop:locatedIn kg:d .
kg:z coop:locatedIn kg:d .
"""


def _published(reasoner: str, ontology: Graph, data: Graph) -> set[str]:
    return {str(quad.triple) for quad in closure_of(ontology, data, reasoner=reasoner)}


def test_rules_publish_owlrls_closure_construct_by_construct():
    ontology = Graph().parse(data=RULES_ONTOLOGY, format="turtle")
    data = Graph().parse(data=RULES_DATA, format="turtle")
    owlrl = _published("owlrl", ontology, data)
    assert _published("rules", ontology, data) == owlrl
    a, acme = f"<{KG}a>", f"<{KG}acme>"
    expected = {
        f"{acme} <{COOP}headquarteredIn> {a}", f"{acme} <{COOP}basedIn> {a}",  # equivalent/sub property
        f"{acme} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{COOP}Org>",  # domain
        f"{a} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{COOP}City>",  # equivalent class
        f"{a} <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/ext#Location>",  # subclass
        f"{a} <{COOP}locatedIn> <{KG}d>",  # transitive
        f"<{KG}d> <{COOP}contains> {a}",  # inverse
        f"<{KG}z> <{COOP}twinOf> {a}",  # symmetric
        f"{acme} <{COOP}basedIn> <{KG}d>",  # property chain, after transitivity
        f'{acme} <http://www.w3.org/2000/01/rdf-schema#label> "Acme"',  # subproperty of an external one
    }
    assert expected <= owlrl
    assert not any("wikidata" in triple for triple in owlrl)  # nothing about the external sameAs target


def test_rules_refuse_class_expressions():
    ontology = Graph().parse(data=RULES_ONTOLOGY + """
        coop:Capital rdfs:subClassOf [ a owl:Restriction ; owl:onProperty coop:locatedIn ;
                                       owl:someValuesFrom coop:Place ] .
        """, format="turtle")
    refused = r"does not support a class expression as superclass, owl:Restriction, owl:someValuesFrom; "
    with pytest.raises(UnsupportedOntology, match=refused + r"build with --reasoner owlrl"):
        closure_of(ontology, Graph().parse(data=RULES_DATA, format="turtle"), reasoner="rules")


def test_rules_refuse_equality_between_two_of_our_iris():
    ontology = Graph().parse(data=RULES_ONTOLOGY, format="turtle")
    data = Graph().parse(data=RULES_DATA + "kg:b owl:sameAs <http://www.wikidata.org/entity/Q1> .\n", format="turtle")
    with pytest.raises(UnsupportedOntology, match=r"<https://w3id.org/coopkg/id/[ab]> and "
                                                  r"<https://w3id.org/coopkg/id/[ab]> are entailed to be the same"):
        closure_of(ontology, data, reasoner="rules")


def test_rules_report_each_round_until_nothing_is_new():
    said: list[str] = []
    ontology = Graph().parse(data=RULES_ONTOLOGY, format="turtle")
    closure_of(ontology, Graph().parse(data=RULES_DATA, format="turtle"), reasoner="rules", progress=said.append)
    assert len(said) >= 2 and said[0].strip().startswith("round 1: +")
    assert said[-1].strip().startswith(f"round {len(said)}: +0 new triples")


def test_rules_leave_no_scratch_graph_behind(tmp_path: Path):
    sources = load_sources(make_project(tmp_path))
    graphs = sorted(g.value for g in sources.data.named_graphs())
    count = len(sources.data)
    closure_of(sources.ontology, sources.data, reasoner="rules")
    assert sorted(g.value for g in sources.data.named_graphs()) == graphs and len(sources.data) == count
