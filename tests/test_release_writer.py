"""The release writer: Turtle files that say what the canonical dumps say, VoID counts over the
union of the data graphs, and the same bytes for the same content."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF

from coopkg.namespaces import DATASET_IRI, GRAPH_BASE, INFERRED_GRAPH, ONTOLOGY_IRI, PREFIXES, VOID
from coopkg.release import ReleaseContent, write_release

KG = PREFIXES["kg"]
COOP = PREFIXES["coop"]


def triples(path: Path, fmt: ox.RdfFormat) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(path=str(path), format=fmt)}


def files(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


def void_count(void: Graph, subject: URIRef) -> int:
    return int(void.value(subject, VOID.triples))


def content_from(dist: Path) -> ReleaseContent:
    """The content a release was written from, read back from its files."""
    data = ox.Store()
    data.bulk_load(path=str(dist / "data.nq"), format=ox.RdfFormat.N_QUADS)
    inferred = ox.Store()
    inferred.bulk_load(path=str(dist / "inferred.nt"), format=ox.RdfFormat.N_TRIPLES)
    version = re.search(r'owl:versionInfo "([^"]+)"', (dist / "void.ttl").read_text("utf-8")).group(1)
    ontology, shapes, report = (Graph().parse(dist / name, format="turtle")
                                for name in ("ontology.ttl", "shapes.ttl", "shacl-report.ttl"))
    return ReleaseContent(version, ontology, shapes, data, inferred, report)


# --- the project's release ------------------------------------------------------------------


def test_data_ttl_holds_the_union_of_the_data_graphs(release: Path):
    union = triples(release / "data.nq", ox.RdfFormat.N_QUADS)
    assert union
    assert triples(release / "data.ttl", ox.RdfFormat.TURTLE) == union


def test_inferred_ttl_holds_the_inferred_triples(release: Path):
    assert triples(release / "inferred.ttl", ox.RdfFormat.TURTLE) == triples(release / "inferred.nt",
                                                                              ox.RdfFormat.N_TRIPLES)


def test_void_counts_distinct_triples_and_each_graph(release: Path):
    void = Graph().parse(release / "void.ttl", format="turtle")
    quads = list(ox.parse(path=str(release / "data.nq"), format=ox.RdfFormat.N_QUADS))
    assert void_count(void, URIRef(DATASET_IRI)) == len({q.triple for q in quads})
    per_graph = Counter(q.graph_name.value for q in quads)
    for name, count in per_graph.items():
        assert void_count(void, URIRef(f"{DATASET_IRI}/graph/{name.rsplit('/', 1)[-1]}")) == count
    inferred = sum(1 for _ in ox.parse(path=str(release / "inferred.nt"), format=ox.RdfFormat.N_TRIPLES))
    assert void_count(void, URIRef(f"{DATASET_IRI}/graph/inferred")) == inferred


def test_rewriting_a_release_from_its_own_files_gives_the_same_bytes(release: Path, tmp_path: Path):
    """Every file, Turtle and VoID sums included, is a function of the statements alone."""
    write_release(content_from(release), tmp_path / "again")
    assert files(tmp_path / "again") == files(release)


# --- a small content with the awkward cases ---------------------------------------------------


def small_content() -> ReleaseContent:
    """Blank nodes, one triple in two graphs, a graph emptied again, escapes and tags."""
    def iri(name: str) -> ox.NamedNode:
        return ox.NamedNode(KG + name)

    kind, same, label = ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(str(OWL.sameAs)), ox.NamedNode(
        PREFIXES["rdfs"] + "label")
    city, node = ox.NamedNode(COOP + "City"), ox.BlankNode("b0")
    shared = (iri("seattle"), kind, city)
    graphs = {
        "paper-001": [shared, (iri("seattle"), label, ox.Literal("Seattle", language="en")),
                      (iri("seattle"), same, ox.NamedNode("http://www.wikidata.org/entity/Q5083")),
                      (iri("seattle"), ox.NamedNode(COOP + "note"), node),
                      (node, label, ox.Literal('a "quoted"\nline\twith tab'))],
        "paper-001-b": [shared, (iri("tacoma"), kind, city),
                        (iri("tacoma"), ox.NamedNode(COOP + "founded"),
                         ox.Literal("1875", datatype=ox.NamedNode(PREFIXES["xsd"] + "gYear")))],
        "entities": [(iri("vancouver"), label, ox.Literal("温哥华", language="zh"))],
    }
    data = ox.Store()
    for name, statements in graphs.items():
        data.extend(ox.Quad(*triple, ox.NamedNode(GRAPH_BASE + name)) for triple in statements)
    gone = ox.Quad(iri("x"), label, ox.Literal("x"), ox.NamedNode(GRAPH_BASE + "emptied"))
    data.add(gone)
    data.remove(gone)
    inferred = ox.Store()
    inferred.extend([ox.Quad(iri("seattle"), kind, ox.NamedNode(COOP + "Place")),
                     ox.Quad(iri("tacoma"), kind, ox.NamedNode(COOP + "Place"))])
    ontology = Graph()
    ontology.add((URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology))
    ontology.add((URIRef(ONTOLOGY_IRI), OWL.versionInfo, Literal("0.0.1")))
    return ReleaseContent("0.0.1", ontology, Graph(), data, inferred, Graph())


@pytest.fixture(scope="module")
def small_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dist = tmp_path_factory.mktemp("small") / "dist"
    write_release(small_content(), dist)
    return dist


def test_the_same_content_gives_the_same_bytes(small_release: Path, tmp_path: Path):
    write_release(small_content(), tmp_path / "second")
    assert files(tmp_path / "second") == files(small_release)


def test_a_triple_in_two_graphs_is_once_in_the_union(small_release: Path):
    data_nq = (small_release / "data.nq").read_text("utf-8").splitlines()
    assert len(data_nq) == 9 and data_nq == sorted(data_nq)
    union = triples(small_release / "data.nq", ox.RdfFormat.N_QUADS)
    assert len(union) == 8
    assert triples(small_release / "data.ttl", ox.RdfFormat.TURTLE) == union
    void = Graph().parse(small_release / "void.ttl", format="turtle")
    assert void_count(void, URIRef(DATASET_IRI)) == 8
    assert void_count(void, URIRef(f"{DATASET_IRI}/linkset/wikidata")) == 1
    assert int(void.value(URIRef(DATASET_IRI), VOID.entities)) == 2
    assert (URIRef(DATASET_IRI), VOID.exampleResource, URIRef(KG + "seattle")) in void


def test_only_graphs_with_statements_are_listed(small_release: Path):
    void = Graph().parse(small_release / "void.ttl", format="turtle")
    names = {str(o) for o in void.objects(None, URIRef("http://www.w3.org/ns/sparql-service-description#name"))}
    assert names == {GRAPH_BASE + "paper-001", GRAPH_BASE + "paper-001-b", GRAPH_BASE + "entities", INFERRED_GRAPH}


def test_turtle_is_sorted_and_keeps_blank_nodes(small_release: Path):
    body = (small_release / "data.ttl").read_text("utf-8")
    prefixes = [line for line in body.splitlines() if line.startswith("@prefix")]
    assert prefixes == sorted(prefixes) and body.startswith(prefixes[0])
    assert body.index("kg:seattle") < body.index("kg:tacoma") < body.index("kg:vancouver")
    assert triples(small_release / "inferred.ttl", ox.RdfFormat.TURTLE) == triples(
        small_release / "inferred.nt", ox.RdfFormat.N_TRIPLES)


def test_jsonld_written_graph_by_graph_is_the_whole_document(release, tmp_path):
    """The dump's writer holds one graph at a time; its bytes are the one-document writer's."""
    import pyoxigraph as ox

    from coopkg.jsonld import to_jsonld, write_jsonld
    from coopkg.namespaces import PREFIXES

    quads = list(ox.parse(path=str(release / "coopkg.nq"), format=ox.RdfFormat.N_QUADS))
    by_graph: dict[str, list] = {}
    for quad in quads:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        by_graph.setdefault(name, []).append(quad)
    target = tmp_path / "streamed.jsonld"
    write_jsonld(sorted(by_graph.items()), PREFIXES, target)
    assert len(by_graph) >= 4
    assert target.read_bytes() == to_jsonld(quads, PREFIXES, indent=None)
