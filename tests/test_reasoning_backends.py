"""The reasonable backend publishes exactly owlrl's closure, and fails the way owlrl fails."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef

from conftest import ROOT, make_project
from coopkg.build import BuildOptions, build
from coopkg.errors import ReasoningBudgetExceeded, ReasoningInconsistency
from coopkg.reasoning import ReasoningBudget, _canonical, apply_chains, closure, property_chains
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


def test_seed_inferred_graph_is_identical_to_owlrl(release: Path, reasonable_release: Path):
    owlrl_dump = (release / INFERRED_NT).read_bytes()
    assert len(owlrl_dump.splitlines()) > 10_000
    assert (reasonable_release / INFERRED_NT).read_bytes() == owlrl_dump


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


def test_disjoint_classes_are_an_inconsistency(tmp_path: Path):
    root = make_project(tmp_path, {"papers/901-disjoint.ttl": PREFIXES + "kg:test-city a coop:Person .\n"})
    with pytest.raises(ReasoningInconsistency, match="test-city"):
        build(BuildOptions(root, tmp_path / "dist", reasoner="reasonable"), progress=lambda _m: None)


def test_size_budget_holds(tmp_path: Path):
    chain = [f"kg:n{i} a coop:Region ; skos:prefLabel \"n{i}\"@zh , \"n{i}\"@en ; coop:statedIn kg:paper-900-s1 ;"
             f" coop:locatedIn kg:n{i + 1} ." for i in range(60)]
    chain.append('kg:n60 a coop:Region ; skos:prefLabel "n60"@zh , "n60"@en ; coop:statedIn kg:paper-900-s1 .')
    root = make_project(tmp_path, {"papers/901-chain.ttl": PREFIXES + "\n".join(chain) + "\n"})
    with pytest.raises(ReasoningBudgetExceeded, match=r"size budget"):
        build(BuildOptions(root, tmp_path / "dist", reasoner="reasonable", budget=ReasoningBudget(max_ratio=2)),
              progress=lambda _m: None)


def test_time_budget_holds(tmp_path: Path):
    root = make_project(tmp_path)
    with pytest.raises(ReasoningBudgetExceeded, match=r"stopped after 0\.001 s \(time budget\)"):
        build(BuildOptions(root, tmp_path / "dist", reasoner="reasonable", budget=ReasoningBudget(seconds=0.001)),
              progress=lambda _m: None)
