"""One IRI per thing: no two resources share a preferred name (sections aside, whose
names like 摘要 recur in every paper by design)."""

from __future__ import annotations


def test_no_two_resources_share_a_prefLabel(store):
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    PREFIX coop: <https://w3id.org/coopkg/ontology#>
    SELECT ?label (GROUP_CONCAT(DISTINCT STR(?s); separator=" ") AS ?iris) WHERE {
      GRAPH ?g { ?s skos:prefLabel ?label }
      FILTER(STRSTARTS(STR(?s), "https://w3id.org/coopkg/id/"))
      FILTER NOT EXISTS { ?s a coop:SourceSection }
    } GROUP BY ?label HAVING (COUNT(DISTINCT ?s) > 1)"""
    assert [(s["label"].value, s["iris"].value) for s in store.query(query)] == []


def test_every_entity_has_exactly_one_prefLabel_per_language(store):
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?s WHERE { ?s skos:prefLabel ?l } GROUP BY ?s (LANG(?l)) HAVING (COUNT(DISTINCT ?l) > 1)"""
    assert [s["s"].value for s in store.query(query)] == []


def test_traditional_variants_users_type_are_altLabels(store):
    query = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?s WHERE { ?s skos:altLabel ?l FILTER(STR(?l) IN ("香港科技大學", "粵港澳大灣區", "香港特別行政區")) }"""
    assert {s["s"].value.rsplit("/", 1)[-1] for s in store.query(query)} == {
        "hkust", "greater-bay-area", "hong-kong"}
