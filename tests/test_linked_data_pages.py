"""What the HTML pages show: entity pages in both languages (and the remembered choice),
types, linked and labelled values, inbound links, sources, external links, map, timeline,
observations, SKOS hierarchy, neighbourhood picture; class, property, ontology and shapes
documentation; the dataset description and the dumps."""

from __future__ import annotations

import gzip
import hashlib
import re
from html import unescape
from html.parser import HTMLParser

import pyoxigraph as ox
import pytest

KG = "https://w3id.org/coopkg/id/"
COOP = "https://w3id.org/coopkg/ontology#"
OWL = "http://www.w3.org/2002/07/owl#"
VOID = "http://rdfs.org/ns/void#"


@pytest.fixture()
def ld(linked_data_app):
    return linked_data_app.test_client()


def page(client, path: str, **headers) -> str:
    response = client.get(path, headers={"Accept": "text/html", **headers})
    assert response.status_code == 200, path
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


class _ElementText(HTMLParser):
    """The text inside the element with a given id (nested elements included)."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "circle", "line", "rect", "path"}

    def __init__(self, element_id: str) -> None:
        super().__init__()
        self.element_id = element_id
        self.depth = 0
        self.found = False
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            if tag not in self.VOID:
                self.depth += 1
        elif dict(attrs).get("id") == self.element_id and not self.found:
            self.found = True
            self.depth = 1 if tag not in self.VOID else 0

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def section(html: str, element_id: str) -> str:
    """The text of the element with this id."""
    parser = _ElementText(element_id)
    parser.feed(html)
    assert parser.found, f"no #{element_id}"
    return " ".join(parser.parts)


def words(text: str) -> str:
    return " ".join(text.split())


# --- languages ---------------------------------------------------------------------------------


def test_entity_page_in_chinese_and_in_english(ld):
    zh = page(ld, "/id/xian?lang=zh")
    assert words(section(zh, "entity-title")) == "西安"
    assert '<html lang="zh-Hans"' in zh
    assert "Xi'an" in section(zh, "entity-head")  # both names are always shown
    assert "属性" in zh and "来源文献与章节" in zh
    en = page(ld, "/id/xian?lang=en")
    assert words(section(en, "entity-title")) == "Xi'an"
    assert '<html lang="en"' in en
    assert "Properties" in en and "Source papers and sections" in en
    assert 'lang="zh" class="name-zh">西安' in en and 'lang="en" class="name-en">Xi&#39;an' in en


def test_the_language_switch_is_remembered(ld):
    response = ld.get("/id/xian?lang=en")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=en") and "Max-Age=" in cookie and "SameSite=Lax" in cookie
    assert "Cookie" in response.vary and "Accept-Language" in response.vary
    remembered = ld.get("/id/xianyang")  # the test client keeps the cookie
    assert "<h1 id=\"entity-title\">Xianyang</h1>" in remembered.get_data(as_text=True)
    ld.get("/id/xian?lang=zh")
    assert "<h1 id=\"entity-title\">咸阳</h1>" in ld.get("/id/xianyang").get_data(as_text=True)


def test_language_follows_the_browser_when_not_chosen(linked_data_app):
    client = linked_data_app.test_client()
    english = client.get("/id/xian", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert "<h1 id=\"entity-title\">Xi&#39;an</h1>" in english
    chinese = client.get("/id/xian", headers={"Accept-Language": "zh-TW,zh;q=0.9"}).get_data(as_text=True)
    assert "<h1 id=\"entity-title\">西安</h1>" in chinese
    default = client.get("/id/xian").get_data(as_text=True)
    assert "<h1 id=\"entity-title\">西安</h1>" in default


def test_the_switch_keeps_the_other_parameters(ld):
    html = page(ld, "/search?q=xian&lang=zh")
    assert 'href="/search?q=xian&amp;lang=en"' in html


# --- an entity page --------------------------------------------------------------------------


def test_types_properties_and_linked_labelled_values(ld):
    html = page(ld, "/id/xian?lang=en")
    assert "City" in re.search(r'class="types">(.*?)</p>', html, re.S)[1]
    assert 'href="/ontology/City"' in html
    properties = words(section(html, "property-table"))
    assert "located in" in properties and "Testland" in properties
    assert "latitude" in properties and "34.26" in properties
    assert 'href="/id/testland"' in html
    assert "901 · Two cities" in properties  # each value says its paper and section


def test_inbound_links(ld):
    html = page(ld, "/id/xian?lang=en")
    inbound = words(section(html, "inbound-table"))
    assert "adjacent to" in inbound and "Xianyang" in inbound
    assert "connects" in inbound and "Test corridor" in inbound
    assert "What points here (2)" in words(unescape(re.sub(r"<[^>]+>", " ", html)))


def test_sources_position_and_neighbourhood(ld):
    html = page(ld, "/id/xian?lang=en")
    sources = words(section(html, "sources"))
    assert "Linked data test paper" in sources and "Two cities" in sources
    position = re.search(r'id="position".*?(<svg.*?</svg>)', html, re.S)[1]
    assert 'class="place central"' in position and "Xianyang" in position  # itself and a linked place
    neighbourhood = re.search(r'id="neighbourhood".*?(<svg.*?</svg>)', html, re.S)[1]
    assert 'href="/id/xianyang"' in neighbourhood and 'href="/id/test-corridor"' in neighbourhood
    assert "<script" not in neighbourhood


def test_pages_load_no_external_script(ld):
    response = ld.get("/id/xian")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    html = response.get_data(as_text=True)
    assert re.findall(r"<script[^>]*src=\"([^\"]+)\"", html) == ["/static/coopkg.js"]
    assert ld.get("/static/coopkg.js").status_code == 200
    assert ld.get("/static/coopkg.css").status_code == 200


def test_stages_are_a_timeline(ld):
    html = page(ld, "/id/test-corridor?lang=en")
    timeline = words(section(html, "timeline"))
    assert timeline.index("Launch stage") < timeline.index("Deepening stage")
    assert "2016 – 2017" in timeline and "2017 – ongoing" in timeline
    stage = page(ld, "/id/stage-901-2?lang=zh")
    assert "2017 – 至今" in words(section(stage, "timeline"))
    assert '<li class="stage current">' in stage


def test_concept_pages_show_the_skos_hierarchy(ld):
    html = page(ld, "/id/mode-901-child?lang=en")
    hierarchy = section(html, "hierarchy")
    assert "Test cooperation modes" in hierarchy and "Cross-border cooperation" in hierarchy
    tree = re.search(r'<ul class="tree">.*</ul>', html, re.S)[0]
    assert tree.index("Cross-border cooperation") < tree.index("City-pair cooperation") < tree.index("Twin cities")
    assert 'class="current" aria-current="true"><a href="/id/mode-901-child"' in tree
    scheme = page(ld, "/id/scheme-901-modes?lang=en")
    assert "Twin cities" in section(scheme, "hierarchy") or "Twin cities" in scheme


def test_observations_table_on_the_real_release(client, store):
    rows = list(store.query(f"SELECT ?o ?e WHERE {{ ?o <{COOP}observedEntity> ?e }} ORDER BY ?o LIMIT 1"))
    if not rows:
        pytest.skip("no observations in this release")
    observation, entity = rows[0][0].value, rows[0][1].value
    html = page(client, entity.replace(KG, "/id/") + "?lang=en")
    table = re.search(r'id="observations".*?</table>', html, re.S)[0]
    assert f'href="{observation.replace(KG, "/id/")}"' in table


def test_external_links_on_the_real_release(client, store):
    rows = list(store.query(f"SELECT ?s ?o WHERE {{ ?s <{OWL}sameAs> ?o }} ORDER BY ?s LIMIT 1"))
    if not rows:
        pytest.skip("no external links in this release")
    html = page(client, rows[0][0].value.replace(KG, "/id/") + "?lang=en")
    assert f'href="{rows[0][1].value}"' in re.search(r'id="external".*?</section>', html, re.S)[0]


def test_every_entity_page_of_the_real_release_renders(client, app):
    site = app.extensions["coopkg_site"]
    entities = sorted(s for s in site.subjects if s.startswith(KG))
    assert len(entities) > 100
    for iri in entities[::7]:  # a spread sample keeps this quick
        assert client.get(iri.replace(KG, "/id/"), headers={"Accept": "text/html"}).status_code == 200, iri


# --- classes, properties, ontology, shapes ----------------------------------------------------------


def test_class_page_lists_its_instances(ld):
    html = page(ld, "/ontology/City?lang=en")
    instances = words(section(html, "instances"))
    for name in ("Xi'an", "Xianyang", "Test City"):
        assert name in instances
    assert "Instances (3)" in instances or "(3)" in instances
    place = page(ld, "/ontology/Place?lang=en")
    assert "Xi'an" in section(place, "instances") and "(inferred)" in section(place, "instances")


def test_property_page_shows_usage(ld):
    html = page(ld, "/ontology/adjacentTo?lang=en")
    usage = words(section(html, "usage"))
    assert "Xianyang" in usage and "Xi'an" in usage


def test_ontology_documentation_is_generated_bilingual(ld, linked_data_app):
    site = linked_data_app.extensions["coopkg_site"]
    classes = {q.subject.value for q in site.store.quads_for_pattern(
        None, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), ox.NamedNode(OWL + "Class"),
        ox.NamedNode("https://w3id.org/coopkg/graph/ontology")) if q.subject.value.startswith(COOP)}
    en = page(ld, "/ontology?lang=en")
    zh = page(ld, "/ontology?lang=zh")
    for iri in classes:  # every class has its anchor, so ontology#Term lands on it
        assert f'id="{iri[len(COOP):]}"' in en
    city_en = section(en, "City")
    city_zh = section(zh, "City")
    assert "City" in city_en and "城市" in city_en  # heading in English, the other name below
    assert "城市" in city_zh
    assert "Object properties" in en and "对象属性" in zh
    assert 'href="#Place"' in en  # superclass links stay in the page


def test_shapes_documentation(ld):
    html = page(ld, "/shapes?lang=en")
    assert 'id="NamedEntity"' in html
    assert "sh:minCount" in html and "skos:prefLabel" in html


# --- dataset and dumps ------------------------------------------------------------------------


def test_void_has_per_graph_counts_linksets_and_examples(client, store, release):
    body = client.get("/.well-known/void").data
    void = ox.Store()
    void.load(body, format=ox.RdfFormat.TURTLE)
    counts = {row[0].value: int(row[1].value) for row in void.query(
        f"SELECT ?g ?n WHERE {{ ?s <http://www.w3.org/ns/sparql-service-description#name> ?g ; <{VOID}triples> ?n }}")}
    for graph in ("paper-000", "entities", "ontology", "inferred"):
        name = f"https://w3id.org/coopkg/graph/{graph}"
        expected = len(list(store.store.quads_for_pattern(None, None, None, ox.NamedNode(name))))
        assert counts[name] == expected, graph
    query = f"SELECT ?t WHERE {{ ?l a <{VOID}Linkset> ; <{VOID}objectsTarget> ?t }}"
    linksets = [row[0].value for row in void.query(query)]
    assert "https://sws.geonames.org/" in linksets
    examples = {row[0].value for row in void.query(f"SELECT ?e WHERE {{ ?d <{VOID}exampleResource> ?e }}")}
    assert KG + "seattle" in examples
    assert bool(void.query(f"ASK {{ ?d <{VOID}sparqlEndpoint> ?e }}"))
    dcat = "http://www.w3.org/ns/dcat#"
    assert bool(void.query(f"ASK {{ ?d a <{dcat}Dataset> ; <{dcat}distribution> ?x }}"))


def test_dataset_page(client):
    html = page(client, "/dataset?lang=en")
    assert "https://w3id.org/coopkg/graph/paper-000" in section(html, "graphs")
    assert "geonames" in section(html, "linksets").lower()


def test_dumps_list_every_file_with_size_and_checksum(client, release):
    listing = client.get("/dumps.json").get_json()
    latest = listing["releases"][0]
    assert latest["latest"] is True
    files = {f["name"]: f for f in latest["files"]}
    for name in ("coopkg.ttl", "coopkg.nt", "coopkg.trig", "coopkg.jsonld", "coopkg.nq",
                 "coopkg.ttl.gz", "coopkg.nt.gz", "coopkg.trig.gz", "coopkg.jsonld.gz", "coopkg.nq.gz"):
        assert name in files, name
        body = client.get(files[name]["latestUrl"]).data
        assert len(body) == files[name]["size"] == (release / name).stat().st_size
        assert hashlib.sha256(body).hexdigest() == files[name]["sha256"]
    html = page(client, "/dumps?lang=en")
    assert files["coopkg.nq"]["sha256"] in html


def test_dump_urls_latest_versioned_and_void_iris(client, app):
    version = app.extensions["coopkg_site"].version
    latest = client.get("/dumps/latest/coopkg.nq.gz")
    assert latest.status_code == 200 and latest.mimetype == "application/gzip"
    assert latest.headers["Content-Location"] == f"/dumps/{version}/coopkg.nq.gz"
    assert f"coopkg-{version}.nq.gz" in latest.headers["Content-Disposition"]
    assert latest.headers["Repr-Digest"].startswith("sha-256=:")
    versioned = client.get(f"/dumps/{version}/coopkg.nq.gz")
    assert versioned.data == latest.data and "Content-Location" not in versioned.headers
    assert client.get("/dataset/dump/coopkg.nq.gz").data == latest.data  # the downloadURL in the VoID
    assert gzip.decompress(latest.data) == client.get("/dumps/latest/coopkg.nq").data


def test_every_dump_names_the_dataset_version_and_holds_the_same_statements(client, app):
    version = app.extensions["coopkg_site"].version
    formats = {"coopkg.ttl": ox.RdfFormat.TURTLE, "coopkg.nt": ox.RdfFormat.N_TRIPLES,
               "coopkg.trig": ox.RdfFormat.TRIG, "coopkg.nq": ox.RdfFormat.N_QUADS,
               "coopkg.jsonld": ox.RdfFormat.JSON_LD}
    sizes = {}
    for name, fmt in formats.items():
        quads = list(ox.parse(client.get(f"/dumps/latest/{name}").data, format=fmt))
        versions = {q.object.value for q in quads if q.subject.value == "https://w3id.org/coopkg/dataset"
                    and q.predicate.value == OWL + "versionInfo"}
        assert versions == {version}, name
        sizes[name] = len({(str(q.subject), str(q.predicate), str(q.object)) for q in quads
                           if not isinstance(q.subject, ox.BlankNode) and not isinstance(q.object, ox.BlankNode)})
        if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS, ox.RdfFormat.JSON_LD):
            graphs = {q.graph_name.value for q in quads if isinstance(q.graph_name, ox.NamedNode)}
            assert {"https://w3id.org/coopkg/graph/paper-000", "https://w3id.org/coopkg/graph/inferred",
                    "https://w3id.org/coopkg/graph/ontology"} <= graphs, name
    assert len(set(sizes.values())) == 1, sizes
    lines = client.get("/dumps/latest/coopkg.nq").get_data(as_text=True).splitlines()
    assert lines == sorted(lines)  # canonical: sorted, no comments


def test_sitemap_and_robots(client):
    sitemap = client.get("/sitemap.xml").get_data(as_text=True)
    assert "<loc>http://localhost/id/seattle</loc>" in sitemap  # no public URL configured: the request's host
    assert "<loc>http://localhost/ontology/City</loc>" in sitemap
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://localhost/sitemap.xml" in robots


def test_home_page(client):
    html = page(client, "/?lang=en")
    assert "papers" in html
    assert 'data-autocomplete="/search.json"' in html
    assert 'href="/id/seattle"' in html  # an example resource
    assert 'href="/ontology/City"' in html  # browse by class


def test_dumps_list_archived_releases(release, tmp_path):
    from coopkg.web import create_app

    old = tmp_path / "archive" / "release-0.0.9"
    old.mkdir(parents=True)
    (old / "data.nq").write_text("<https://w3id.org/coopkg/id/a> <https://w3id.org/coopkg/id/b> \"c\" .\n")
    (old / "void.ttl").write_text('<https://w3id.org/coopkg/dataset> <http://www.w3.org/2002/07/owl#versionInfo> '
                                  '"0.0.9" .\n')
    sums = "".join(f"{hashlib.sha256((old / n).read_bytes()).hexdigest()}  {n}\n" for n in ("data.nq", "void.ttl"))
    (old / "SHA256SUMS").write_text(sums)
    client = create_app({"TESTING": True, "DIST": str(release), "RELEASE_ARCHIVE": str(old.parent)}).test_client()
    listing = client.get("/dumps.json").get_json()["releases"]
    assert [r["latest"] for r in listing] == [True, False]
    assert listing[1]["version"] == "0.0.9"
    assert client.get("/dumps/0.0.9/data.nq").data == (old / "data.nq").read_bytes()
    assert client.get("/dumps/latest/data.nq").data == (release / "data.nq").read_bytes()


def test_documents_support_conditional_requests(client):
    first = client.get("/id/seattle", headers={"Accept": "text/turtle"})
    again = client.get("/id/seattle", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
