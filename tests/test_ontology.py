"""The ontology stays in OWL 2 RL, documents every term in both languages, and aligns
only to external terms it declares."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDFS, SKOS, XSD

ROOT = Path(__file__).resolve().parent.parent
COOP = "https://w3id.org/coopkg/ontology#"
ONTOLOGY = URIRef("https://w3id.org/coopkg/ontology")

# Constructs OWL 2 RL allows in the positions we use them; anything else in the
# ontology's OWL vocabulary is outside the profile (or at least outside what we vouch for).
_ALLOWED_OWL_PREDICATES = {
    OWL.inverseOf, OWL.propertyChainAxiom, OWL.disjointWith, OWL.members, OWL.versionIRI, OWL.versionInfo,
    OWL.imports, OWL.equivalentClass, OWL.equivalentProperty,
}
_FORBIDDEN = {
    OWL.unionOf: "owl:unionOf", OWL.someValuesFrom: "owl:someValuesFrom", OWL.minCardinality: "owl:minCardinality",
    OWL.cardinality: "owl:cardinality", OWL.complementOf: "owl:complementOf", OWL.oneOf: "owl:oneOf",
    OWL.ReflexiveProperty: "owl:ReflexiveProperty",
}
# OWL 2 RL datatypes usable as ranges (a subset of the OWL 2 datatype map we might need)
_RL_DATATYPES = {XSD.decimal, XSD.integer, XSD.string, XSD.boolean, XSD.anyURI, XSD.dateTime, RDF.langString}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    g = Graph()
    g.parse(ROOT / "ontology" / "coopkg.ttl", format="turtle")
    return g


@pytest.fixture(scope="module")
def with_alignments(ontology: Graph) -> Graph:
    g = Graph()
    for triple in ontology:
        g.add(triple)
    g.parse(ROOT / "ontology" / "alignments.ttl", format="turtle")
    return g


def coop_terms(g: Graph, kinds) -> list[URIRef]:
    return sorted({s for kind in kinds for s in g.subjects(RDF.type, kind) if str(s).startswith(COOP)})


def test_header_says_what_a_user_needs(ontology):
    for prop in (OWL.versionIRI, OWL.versionInfo, DCTERMS.creator, DCTERMS.license, DCTERMS.created):
        assert ontology.value(ONTOLOGY, prop) is not None, prop
    for prop in (DCTERMS.title, DCTERMS.description):
        assert {lit.language for lit in ontology.objects(ONTOLOGY, prop)} == {"zh", "en"}, prop
    assert "OWL 2 RL" in " ".join(str(c) for c in ontology.objects(ONTOLOGY, RDFS.comment))


@pytest.mark.parametrize("kind", [OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty])
def test_every_term_has_bilingual_label_and_definition(ontology, kind):
    missing = []
    for term in coop_terms(ontology, [kind]):
        for prop in (RDFS.label, SKOS.definition):
            langs = sorted(lit.language for lit in ontology.objects(term, prop) if isinstance(lit, Literal))
            if langs != ["en", "zh"]:
                missing.append(f"{term} {prop}: {langs}")
    assert missing == []


def test_ontology_is_within_the_owl2_rl_constructs_we_allow(with_alignments):
    problems = []
    for s, p, o in with_alignments:
        if p in _FORBIDDEN or o in _FORBIDDEN:
            problems.append(f"{s} uses {_FORBIDDEN.get(p) or _FORBIDDEN.get(o)}")
        if str(p).startswith(str(OWL)) and p not in _ALLOWED_OWL_PREDICATES:
            problems.append(f"{s} uses {p}")
        if p in (RDFS.domain, RDFS.subClassOf) and isinstance(o, BNode):
            problems.append(f"{s} {p} is a class expression, not a named class")
        if p == RDFS.range and isinstance(o, BNode):
            problems.append(f"{s} rdfs:range is a class expression")
        if p == RDFS.range and str(o).startswith(str(XSD)) and o not in _RL_DATATYPES:
            problems.append(f"{s} rdfs:range {o} is outside the OWL 2 RL datatypes")
    assert problems == []


def test_disjoint_top_classes_inverses_transitivity_and_chains_exist(ontology):
    assert (URIRef(COOP + "locatedIn"), RDF.type, OWL.TransitiveProperty) in ontology
    assert (URIRef(COOP + "cooperatesWith"), RDF.type, OWL.SymmetricProperty) in ontology
    assert ontology.value(URIRef(COOP + "hasMember"), OWL.inverseOf) == URIRef(COOP + "memberOf")
    assert ontology.value(URIRef(COOP + "basedIn"), OWL.propertyChainAxiom) is not None
    assert len(list(ontology.subjects(RDF.type, OWL.AllDisjointClasses))) == 2


def test_every_external_term_in_alignments_is_declared(with_alignments):
    declared = {s for s in with_alignments.subjects(RDF.type, None)}
    used = set()
    for _s, p, o in with_alignments:
        if p in (RDFS.subClassOf, RDFS.subPropertyOf):
            used.add(o)
    external = {t for t in used if isinstance(t, URIRef) and not str(t).startswith(COOP)
                and not str(t).startswith((str(RDFS), str(OWL)))}
    assert sorted(external - declared) == []


def test_size_of_the_ontology(ontology):
    classes = coop_terms(ontology, [OWL.Class])
    properties = coop_terms(ontology, [OWL.ObjectProperty, OWL.DatatypeProperty])
    assert len(classes) >= 60
    assert len(properties) >= 70
