"""Each SHACL shape, broken by one small fixture, reports exactly the violation it should."""

from __future__ import annotations

import pytest

from conftest import make_project
from coopkg.checks import shacl_validate
from coopkg.sources import load_sources

PREFIXES = """@prefix coop: <https://w3id.org/coopkg/ontology#> .
@prefix kg: <https://w3id.org/coopkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix time: <http://www.w3.org/2006/time#> .
@prefix geo: <http://www.w3.org/2003/01/geo/wgs84_pos#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""
KG = "https://w3id.org/coopkg/id/"
COOP = "https://w3id.org/coopkg/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SRC = "coop:statedIn kg:paper-900-s1"
LABELS = 'skos:prefLabel "甲"@zh , "A"@en'

# A valid observation and a valid stage, for the cases that break one property of them.
OBSERVATION = f"""kg:m a coop:StatisticalMeasure , skos:Concept ; {LABELS} .
kg:u a coop:Unit , skos:Concept ; {LABELS} .
kg:obs a coop:Observation ; {LABELS} ; {SRC} ; qb:dataSet kg:dataset-observations ;
    coop:observedEntity kg:test-city ; coop:measure kg:m ; coop:unit kg:u ; coop:valueQualifier coop:Exact"""
DATASET = 'kg:dataset-observations a qb:DataSet .\n'
YEARS = "".join(f'kg:year-{y} a time:Instant ; time:inXSDgYear "{y}"^^xsd:gYear .\n' for y in (2010, 2016))
STAGE = f"kg:st a coop:Stage ; {LABELS} ; {SRC} ; coop:stageOf kg:test-city ; coop:ordinal 1"


def line(focus: str, path: str, message: str, value: str | None = None) -> str:
    parts = [f"focus <{focus}>", f"path <{path}>"]
    if value is not None:
        parts.append(f"value {value}")
    return ", ".join(parts + [f"message: {message}"])


CASES = {
    "missing zh label": (
        f'kg:c a coop:City ; skos:prefLabel "C"@en ; {SRC} .',
        [line(KG + "c", SKOS + "prefLabel", "a Chinese skos:prefLabel (@zh) is required")],
    ),
    "two en labels": (
        f'kg:c a coop:City ; skos:prefLabel "丙"@zh , "C"@en , "See"@en ; {SRC} .',
        [line(KG + "c", SKOS + "prefLabel",
              "skos:prefLabel must be language-tagged zh or en, with at most one per language")],
    ),
    "label in another language": (
        f'kg:c a coop:City ; skos:prefLabel "丙"@zh , "C"@en , "Ce"@fr ; {SRC} .',
        [line(KG + "c", SKOS + "prefLabel",
              "skos:prefLabel must be language-tagged zh or en, with at most one per language", '"Ce"@fr')],
    ),
    "untagged altLabel": (
        f'kg:c a coop:City ; {LABELS} ; skos:altLabel "AA" ; {SRC} .',
        [line(KG + "c", SKOS + "altLabel", "skos:altLabel must be language-tagged", '"AA"')],
    ),
    "no source": (
        f"kg:c a coop:City ; {LABELS} .",
        [line(KG + "c", COOP + "statedIn",
              "every entity needs coop:statedIn pointing at a coop:SourceSection of its paper")],
    ),
    "source not a section": (
        f"kg:c a coop:City ; {LABELS} ; coop:statedIn kg:testland .",
        [line(KG + "c", COOP + "statedIn",
              "every entity needs coop:statedIn pointing at a coop:SourceSection of its paper", f"<{KG}testland>")],
    ),
    "untyped described resource": (
        f"kg:c {LABELS} ; {SRC} .",
        [line(KG + "c", "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
              "a described resource needs an rdf:type from the ontology")],
    ),
    "founding date as a string": (
        f'kg:c a coop:City ; {LABELS} ; {SRC} ; coop:foundingDate "2016-09" .',
        [line(KG + "c", COOP + "foundingDate",
              "coop:foundingDate must be one xsd:gYear, xsd:gYearMonth or xsd:date", '"2016-09"')],
    ),
    "untagged summary": (
        f'kg:c a coop:City ; {LABELS} ; {SRC} ; coop:summary "text" .',
        [line(KG + "c", COOP + "summary", "coop:summary must be language-tagged text", '"text"')],
    ),
    "ordinal zero": (
        f"kg:c a coop:City ; {LABELS} ; {SRC} ; coop:ordinal 0 .",
        [line(KG + "c", COOP + "ordinal", "coop:ordinal must be one positive xsd:integer", '"0"^^<http://www.w3.org/2001/XMLSchema#integer>')],
    ),
    "latitude out of range": (
        f'kg:c a coop:City ; {LABELS} ; {SRC} ; geo:lat "91.0"^^xsd:decimal ; geo:long "1.0"^^xsd:decimal .',
        [line(KG + "c", "http://www.w3.org/2003/01/geo/wgs84_pos#lat",
              "geo:lat must be one xsd:decimal between -90 and 90, given with geo:long",
              # valid numbers are held (and published) in canonical form, as pyoxigraph stores them
              '"91"^^<http://www.w3.org/2001/XMLSchema#decimal>')],
    ),
    "wikidata link in https form": (
        f"kg:c a coop:City ; {LABELS} ; {SRC} ; owl:sameAs <https://www.wikidata.org/wiki/Q5083> .",
        [line(KG + "c", "http://www.w3.org/2002/07/owl#sameAs",
              "owl:sameAs must be a Wikidata (http://www.wikidata.org/entity/Q…), "
              "DBpedia (http://dbpedia.org/resource/…) "
              "or GeoNames (https://sws.geonames.org/N/) IRI", "<https://www.wikidata.org/wiki/Q5083>")],
    ),
    "observation without value": (
        DATASET + OBSERVATION + " .",
        [line(KG + "obs", COOP + "value",
              "an observation needs exactly one numeric coop:value (xsd:decimal or xsd:integer)")],
    ),
    "observation with an unknown qualifier": (
        DATASET + OBSERVATION.replace("coop:Exact", "kg:u") + " ; coop:value 3 .",
        [line(KG + "obs", COOP + "valueQualifier",
              "an observation needs one coop:valueQualifier: coop:Exact, coop:Approximately, coop:MoreThan, "
              "coop:AtLeast, coop:LessThan or coop:AtMost", f"<{KG}u>")],
    ),
    "observation outside the dataset": (
        OBSERVATION.replace("qb:dataSet kg:dataset-observations ;", "") + " ; coop:value 3 .",
        [line(KG + "obs", "http://purl.org/linked-data/cube#dataSet",
              "an observation belongs to qb:dataSet kg:dataset-observations")],
    ),
    "stage that ends before it starts": (
        YEARS + STAGE + " ; time:hasBeginning kg:year-2016 ; time:hasEnd kg:year-2010 .",
        [line(KG + "st", "http://www.w3.org/2006/time#hasEnd",
              "stage starts after it ends: time:hasBeginning year 2016 is later than time:hasEnd year 2010",
              f"<{KG}year-2010>")],
    ),
    "ongoing stage with an end": (
        YEARS + STAGE + " ; time:hasBeginning kg:year-2010 ; time:hasEnd kg:year-2016 ; coop:ongoing true .",
        [line(KG + "st", "http://www.w3.org/2006/time#hasEnd",
              "an ongoing stage (coop:ongoing true) cannot have time:hasEnd", f"<{KG}year-2016>")],
    ),
    "mode that is not a mode": (
        f"kg:c a coop:City ; {LABELS} ; {SRC} ; coop:exemplifiesMode kg:testland .",
        [line(KG + "c", COOP + "exemplifiesMode", "coop:exemplifiesMode must point at a coop:CooperationMode concept",
              f"<{KG}testland>")],
    ),
    "membership with an unknown kind": (
        f"kg:ms a coop:Membership ; {LABELS} ; {SRC} ; coop:member kg:test-city ; coop:organization kg:testland ;"
        " coop:membershipKind coop:Exact .",
        [line(KG + "ms", COOP + "membershipKind",
              "coop:membershipKind must be one of coop:GeneralMember, coop:InstitutionalMember, coop:FoundingMember, "
              "coop:AcademicNetworkMember", f"<{COOP}Exact>")],
    ),
    "unattributed proposal": (
        f"kg:p a coop:Proposal ; {LABELS} ; {SRC} .",
        [line(KG + "p", COOP + "attributedTo",
              "a proposal, position, finding or theory needs coop:attributedTo its author or speaker (a coop:Agent)")],
    ),
    "finding without kind": (
        f"kg:f a coop:Finding ; {LABELS} ; {SRC} ; coop:attributedTo kg:au .\n"
        f"kg:au a coop:Person ; {LABELS} ; {SRC} .",
        [line(KG + "f", COOP + "findingKind",
              "a finding needs one coop:findingKind: feature, shortcoming, risk, function or prerequisite")],
    ),
    "tier without rank": (
        f"kg:t a coop:PartnerTier , skos:Concept ; {LABELS} ; {SRC} ; coop:tierOf kg:testland .",
        [line(KG + "t", COOP + "tierRank", "a tier needs coop:tierRank")],
    ),
    "malformed DOI": (
        'kg:paper-900 coop:doi "doi:10.1/x" .',
        [line(KG + "paper-900", COOP + "doi", "coop:doi must be a bare DOI such as 10.13851/j.cnki.gjzw.201905006",
              '"doi:10.1/x"')],
    ),
    "section of nothing": (
        f"kg:s2 a coop:SourceSection ; {LABELS} ; coop:statedIn kg:s2 .",
        [line(KG + "s2", COOP + "sectionOf", "a section needs exactly one coop:sectionOf its coop:SourceDocument")],
    ),
}

# One case per remaining property shape, generated: (property, bad value, message).
_SIMPLE = [
    ("startDate", '"2016"', "coop:startDate must be one xsd:gYear, xsd:gYearMonth or xsd:date"),
    ("endDate", '"2016"', "coop:endDate must be one xsd:gYear, xsd:gYearMonth or xsd:date"),
    ("issued", '"2019-02-18T00:00:00"', "coop:issued must be one xsd:gYear, xsd:gYearMonth or xsd:date"),
    ("refPeriod", "2019", "coop:refPeriod must be one xsd:gYear, xsd:gYearMonth or xsd:date"),
    ("publicationYear", '"2019-05"^^xsd:gYearMonth', "coop:publicationYear must be one xsd:gYear"),
    ("aim", '"aim"', "coop:aim must be language-tagged text"),
    ("theme", '"theme"', "coop:theme must be language-tagged text"),
    ("criterion", '"c"', "coop:criterion must be language-tagged text"),
    ("jobTitle", '"title"', "coop:jobTitle must be language-tagged text"),
    ("role", '"role"', "coop:role must be language-tagged text"),
    ("statedValue", '"10 余家"', "coop:statedValue must be language-tagged text"),
    ("tierRank", '"1.5"^^xsd:decimal', "coop:tierRank must be one positive xsd:integer"),
    ("edition", "-1", "coop:edition must be one positive xsd:integer"),
    ("dominantMechanism", "kg:testland", "coop:dominantMechanism must point at a coop:Mechanism concept"),
    ("usesMechanism", "kg:testland", "coop:usesMechanism must point at a coop:Mechanism concept"),
    ("recommendsMechanism", "kg:testland", "coop:recommendsMechanism must point at a coop:Mechanism concept"),
    ("hasTier", "kg:testland", "coop:hasTier must point at a coop:Tier concept"),
    ("adoptsMeasure", "kg:testland", "coop:adoptsMeasure must point at a coop:Measure concept"),
    ("focusArea", "kg:testland", "coop:focusArea must point at a coop:TechnologyField concept"),
]


def _simple_value(value: str) -> str:
    if value.startswith("kg:"):
        return f"<{KG}{value[3:]}>"
    if value.startswith('"') and "^^xsd:" in value:
        lexical, datatype = value.split("^^xsd:")
        return f"{lexical}^^<http://www.w3.org/2001/XMLSchema#{datatype}>"
    if value.startswith('"'):
        return value
    return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#integer>'


for _prop, _value, _message in _SIMPLE:
    CASES[f"bad coop:{_prop}"] = (
        f"kg:c a coop:City ; {LABELS} ; {SRC} ; coop:{_prop} {_value} .",
        [line(KG + "c", COOP + _prop, _message, _simple_value(_value))],
    )

CASES["longitude without latitude"] = (
    f'kg:c a coop:City ; {LABELS} ; {SRC} ; geo:long "1.0"^^xsd:decimal .',
    [line(KG + "c", "http://www.w3.org/2003/01/geo/wgs84_pos#lat",
          "geo:lat must be one xsd:decimal between -90 and 90, given with geo:long")],
)
CASES["tier without framework"] = (
    f"kg:t a coop:PartnerTier , skos:Concept ; {LABELS} ; {SRC} ; coop:tierRank 1 .",
    [line(KG + "t", COOP + "tierOf", "a tier needs coop:tierOf (the framework it belongs to)")],
)
CASES["year instant without a year"] = (
    "kg:year-x a time:Instant .",
    [line(KG + "year-x", "http://www.w3.org/2006/time#inXSDgYear",
          "a year instant needs exactly one time:inXSDgYear xsd:gYear")],
)
CASES["stage without case"] = (
    f"kg:st a coop:Stage ; {LABELS} ; {SRC} ; coop:ordinal 1 .",
    [line(KG + "st", COOP + "stageOf", "a stage needs coop:stageOf (the case it belongs to)")],
)
CASES["paper without English title"] = (
    f'kg:p2 a coop:SourceDocument ; {LABELS} ; {SRC} ; dcterms:title "标题"@zh ; coop:sourceFile "x.txt" .',
    [line(KG + "p2", "http://purl.org/dc/terms/title", "a source document needs dcterms:title in zh and en")],
)
CASES["paper author that is not a person"] = (
    "kg:paper-900 coop:author kg:testland .",
    [line(KG + "paper-900", COOP + "author", "coop:author must be a coop:Person", f"<{KG}testland>")],
)
CASES["membership without member"] = (
    f"kg:ms a coop:Membership ; {LABELS} ; {SRC} ; coop:organization kg:testland .",
    [line(KG + "ms", COOP + "member", "a membership needs exactly one coop:member")],
)
CASES["observation measure that is not a measure"] = (
    DATASET + OBSERVATION.replace("coop:measure kg:m", "coop:measure kg:testland") + " ; coop:value 3 .",
    [line(KG + "obs", COOP + "measure",
          "an observation needs exactly one coop:measure that is a coop:StatisticalMeasure", f"<{KG}testland>")],
)
CASES["observation unit that is not a unit"] = (
    DATASET + OBSERVATION.replace("coop:unit kg:u", "coop:unit kg:m") + " ; coop:value 3 .",
    [line(KG + "obs", COOP + "unit", "an observation needs exactly one coop:unit that is a coop:Unit", f"<{KG}m>")],
)
CASES["observation about nothing"] = (
    DATASET + OBSERVATION.replace("coop:observedEntity kg:test-city ;", "") + " ; coop:value 3 .",
    [line(KG + "obs", COOP + "observedEntity", "an observation needs coop:observedEntity (what it is about)")],
)
CASES["membership without organization"] = (
    f"kg:ms a coop:Membership ; {LABELS} ; {SRC} ; coop:member kg:test-city .",
    [line(KG + "ms", COOP + "organization", "a membership needs exactly one coop:organization")],
)
CASES["paper without source file"] = (
    f'kg:p2 a coop:SourceDocument ; {LABELS} ; {SRC} ; dcterms:title "标题"@zh , "Title"@en .',
    [line(KG + "p2", COOP + "sourceFile", "a source document needs exactly one coop:sourceFile")],
)
CASES["stage beginning that is not an instant"] = (
    STAGE + " ; time:hasBeginning kg:testland .",
    [line(KG + "st", "http://www.w3.org/2006/time#hasBeginning",
          "a stage has at most one time:hasBeginning, a time:Instant", f"<{KG}testland>")],
)
CASES["stage end that is not an instant"] = (
    STAGE + " ; time:hasEnd kg:testland .",
    [line(KG + "st", "http://www.w3.org/2006/time#hasEnd",
          "a stage has at most one time:hasEnd, a time:Instant", f"<{KG}testland>")],
)
CASES["stage without ordinal"] = (
    f"kg:st a coop:Stage ; {LABELS} ; {SRC} ; coop:stageOf kg:test-city .",
    [line(KG + "st", COOP + "ordinal", "a stage needs coop:ordinal (its place in the sequence)")],
)
CASES["missing en label"] = (
    f'kg:c a coop:City ; skos:prefLabel "丙"@zh ; {SRC} .',
    [line(KG + "c", SKOS + "prefLabel", "an English skos:prefLabel (@en) is required")],
)
CASES["observation index class that is not one"] = (
    DATASET + OBSERVATION + " ; coop:value 3 ; coop:indexClass kg:u .",
    [line(KG + "obs", COOP + "indexClass", "coop:indexClass must be one coop:IndexClass", f"<{KG}u>")],
)
CASES["ongoing as text"] = (
    STAGE + ' ; coop:ongoing "yes" .',
    [line(KG + "st", COOP + "ongoing", "coop:ongoing must be one xsd:boolean", '"yes"')],
)
CASES["longitude out of range"] = (
    f'kg:c a coop:City ; {LABELS} ; {SRC} ; geo:lat "1.0"^^xsd:decimal ; geo:long "181.0"^^xsd:decimal .',
    [line(KG + "c", "http://www.w3.org/2003/01/geo/wgs84_pos#long",
          "geo:long must be one xsd:decimal between -180 and 180, given with geo:lat",
          '"181"^^<http://www.w3.org/2001/XMLSchema#decimal>')],
)


def test_every_property_shape_has_a_breaking_case():
    """No shape without a fixture: each sh:message in shapes/ is expected by some case."""
    from rdflib import Graph
    from rdflib.namespace import SH

    from conftest import ROOT

    shapes = Graph().parse(ROOT / "shapes" / "coopkg-shapes.ttl")
    messages = {str(m) for m in shapes.objects(None, SH.message)}
    expected = " ".join(v for _snippet, lines in CASES.values() for v in lines)
    covered = {m for m in messages if m.split("{")[0] in expected}
    assert sorted(messages - covered) == []


def test_the_mini_fixture_conforms(tmp_path):
    conforms, _report, violations = shacl_validate(load_sources(make_project(tmp_path)))
    assert violations == []
    assert conforms


@pytest.mark.parametrize("case", sorted(CASES))
def test_shape_reports_the_exact_violation(case, tmp_path):
    snippet, expected = CASES[case]
    root = make_project(tmp_path, {"papers/901-case.ttl": PREFIXES + snippet + "\n"})
    _conforms, _report, violations = shacl_validate(load_sources(root))
    assert violations == sorted(expected)
