"""Paper 000 end to end: the Cascadia content answers the questions a researcher asks."""

from __future__ import annotations

from conftest import PREFIXES, select

GRAPH = "<https://w3id.org/coopkg/graph/paper-000>"


def test_organisations_that_founded_the_global_innovation_exchange(store):
    rows = select(store, "SELECT ?en WHERE { kg:global-innovation-exchange coop:foundedBy ?o . "
                         "?o skos:prefLabel ?en FILTER(lang(?en) = 'en') }")
    assert rows == [("Microsoft",), ("Tsinghua University",), ("University of Washington",)]


def test_gix_founding_year_and_ubc_academic_membership(store):
    assert select(store, "SELECT ?y WHERE { kg:global-innovation-exchange coop:foundingDate ?y }") == [("2015",)]
    # the qualified membership also yields the plain memberOf link by the property chain
    rows = select(store, "SELECT ?kind WHERE { ?m coop:member kg:university-of-british-columbia ; "
                         "coop:organization kg:global-innovation-exchange ; coop:membershipKind ?kind . "
                         "kg:university-of-british-columbia coop:memberOf kg:global-innovation-exchange }")
    assert rows == [("https://w3id.org/coopkg/ontology#AcademicNetworkMember",)]


def test_universities_that_formed_the_urban_analytics_cooperative_and_its_funder(store):
    founders = select(store, "SELECT ?en WHERE { kg:cascadia-urban-analytics-cooperative coop:foundedBy ?u . "
                             "?u a coop:University ; skos:prefLabel ?en FILTER(lang(?en) = 'en') }")
    assert founders == [("University of British Columbia",), ("University of Washington",)]
    funders = select(store, "SELECT ?f WHERE { kg:cascadia-urban-analytics-cooperative coop:fundedBy ?f }")
    assert funders == [("https://w3id.org/coopkg/id/microsoft",)]


def test_the_corridor_measures_in_order(store):
    rows = select(store, "SELECT ?n ?zh WHERE { kg:cascadia-innovation-corridor coop:adoptsMeasure ?m . "
                         "?m coop:ordinal ?n ; skos:prefLabel ?zh FILTER(lang(?zh) = 'zh') }")
    assert [zh for _n, zh in sorted(rows, key=lambda r: int(r[0]))] == [
        "消除人员流动障碍", "建立大学合作伙伴关系", "营造协调一致的公共政策和营商环境",
        "拓展资金来源、改善投资环境、加大投资力度", "提升创新生态系统的规模和产出",
    ]


def test_the_corridor_has_nine_results(store):
    rows = select(store, "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { "
                         "kg:cascadia-innovation-corridor coop:hasOutcome ?r }")
    assert rows == [("9",)]
    # the inverse is inferred
    rows = select(store, "SELECT ?r WHERE { ?r coop:outcomeOf kg:cascadia-innovation-corridor ; coop:ordinal 6 }")
    assert rows == [("https://w3id.org/coopkg/id/cascadia-result-6",)]


def test_three_governments_launched_it_in_september_2016(store):
    rows = select(store, "SELECT ?en ?date WHERE { kg:cascadia-innovation-corridor coop:foundedBy ?g ; "
                         "coop:foundingDate ?date . ?g a coop:GovernmentBody ; skos:prefLabel ?en "
                         "FILTER(lang(?en) = 'en') }")
    assert rows == [
        ("Government of British Columbia", "2016-09"),
        ("Government of the State of Oregon", "2016-09"),
        ("Government of the State of Washington", "2016-09"),
    ]


def test_programmes_microsoft_funded_and_the_universities_tied_to_them(store):
    rows = select(store, "SELECT DISTINCT ?thing ?uni WHERE { ?thing coop:fundedBy kg:microsoft . "
                         "{ ?thing coop:foundedBy ?uni } UNION { ?thing coop:hasParticipant ?uni } "
                         "UNION { ?m coop:organization ?thing ; coop:member ?uni } ?uni a coop:University }")
    assert rows == [
        ("https://w3id.org/coopkg/id/cascadia-urban-analytics-cooperative", "https://w3id.org/coopkg/id/university-of-british-columbia"),
        ("https://w3id.org/coopkg/id/cascadia-urban-analytics-cooperative", "https://w3id.org/coopkg/id/university-of-washington"),
        ("https://w3id.org/coopkg/id/global-innovation-exchange", "https://w3id.org/coopkg/id/tsinghua-university"),
        ("https://w3id.org/coopkg/id/global-innovation-exchange", "https://w3id.org/coopkg/id/university-of-british-columbia"),
        ("https://w3id.org/coopkg/id/global-innovation-exchange", "https://w3id.org/coopkg/id/university-of-washington"),
        ("https://w3id.org/coopkg/id/holobrain-project", "https://w3id.org/coopkg/id/university-of-british-columbia"),
    ]


def test_transitive_containment_places_seattle_in_the_united_states(store):
    rows = select(store, "SELECT ?p WHERE { kg:seattle coop:locatedIn ?p }")
    assert ("https://w3id.org/coopkg/id/united-states",) in rows
    assert ("https://w3id.org/coopkg/id/washington-state",) in rows


def test_vague_figures_keep_their_wording(store):
    rows = select(store, "SELECT ?v ?q ?said WHERE { kg:obs-000-passport-offices coop:value ?v ; "
                         "coop:valueQualifier ?q ; coop:statedValue ?said }")
    assert rows == [("20", "https://w3id.org/coopkg/ontology#MoreThan", "20 多间")]


def test_lessons_are_attributed_proposals_not_facts(store):
    rows = select(store, f"SELECT ?l WHERE {{ GRAPH {GRAPH} {{ ?l a coop:Lesson ; coop:attributedTo kg:yu-haiying ; "
                         "coop:addressedTo kg:greater-bay-area } }")
    assert len(rows) == 5
    # a lesson is also a proposal and an attributed claim by inference
    assert bool(store.query(PREFIXES + "ASK { kg:lesson-000-3 a coop:Proposal , coop:AttributedClaim }"))


def test_every_statement_of_paper_000_is_in_its_graph_with_a_section(store):
    rows = select(store, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH {GRAPH} {{ ?s ?p ?o }} "
                         f"FILTER NOT EXISTS {{ GRAPH {GRAPH} {{ ?s coop:statedIn ?sec }} }} }}")
    assert rows == [("0",)]
