"""The SPARQL 1.1 Service Description answered at GET /sparql without a query.

Generated from the endpoint's own settings: the public URL it is configured with (never the
address a request happened to reach, which may be localhost behind a proxy), the result
formats it really serialises, the limits, the default graph choice and the named graphs of
the release being served.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..namespaces import INFERRED_GRAPH
from . import results

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
ENTAILMENT = "http://www.w3.org/ns/entailment/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")

#: media type → W3C format IRI (https://www.w3.org/ns/formats/)
_FORMAT_IRIS = {
    results.SPARQL_JSON: "SPARQL_Results_JSON",
    results.SPARQL_XML: "SPARQL_Results_XML",
    results.CSV: "SPARQL_Results_CSV",
    results.TSV: "SPARQL_Results_TSV",
    "text/turtle": "Turtle",
    "application/n-triples": "N-Triples",
    "application/n-quads": "N-Quads",
    "application/trig": "TriG",
    "application/ld+json": "JSON-LD",
    "application/rdf+xml": "RDF_XML",
}

DEFAULT_VIEW_TEXT = ("Default graph: the union of every graph of the release, asserted data plus its OWL 2 RL "
                     "closure (graph/inferred) and the ontology. Pass inference=none for the asserted data only "
                     "(every graph but graph/inferred); each paper is a named graph (graph/paper-NNN), usable with "
                     "GRAPH or default-graph-uri.")


def service_description(endpoint: str, dataset, *, timeout: float, row_limit: int) -> list[ox.Quad]:
    """The description as quads of the default graph."""
    service = ox.BlankNode("service")
    quads: list[ox.Quad] = []

    def add(subject, predicate: str, obj) -> None:
        quads.append(ox.Quad(subject, ox.NamedNode(predicate) if isinstance(predicate, str) else predicate, obj))

    add(service, RDF_TYPE, ox.NamedNode(SD + "Service"))
    add(service, SD + "endpoint", ox.NamedNode(endpoint))
    add(service, SD + "supportedLanguage", ox.NamedNode(SD + "SPARQL11Query"))
    for name in _FORMAT_IRIS.values():
        add(service, SD + "resultFormat", ox.NamedNode(FORMATS + name))
    add(service, SD + "feature", ox.NamedNode(SD + "UnionDefaultGraph"))
    add(service, SD + "defaultEntailmentRegime", ox.NamedNode(ENTAILMENT + "OWL-RDF-Based"))
    add(service, SD + "defaultSupportedEntailmentProfile", ox.NamedNode("http://www.w3.org/ns/owl-profile/RL"))
    limits = (f"Read-only. SERVICE is refused (the endpoint never makes outgoing requests). Each query runs at most "
              f"{timeout:g} s (503 beyond) and returns at most {row_limit} rows (header Coopkg-Truncated when cut).")
    add(service, RDFS_COMMENT, ox.Literal(DEFAULT_VIEW_TEXT + " " + limits, language="en"))

    dataset_node = ox.BlankNode("dataset")
    add(service, SD + "defaultDataset", dataset_node)
    add(dataset_node, RDF_TYPE, ox.NamedNode(SD + "Dataset"))
    default_graph = ox.BlankNode("default")
    add(dataset_node, SD + "defaultGraph", default_graph)
    add(default_graph, RDF_TYPE, ox.NamedNode(SD + "Graph"))
    add(default_graph, VOID_TRIPLES, ox.Literal(str(len(dataset)), datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer")))
    for index, name in enumerate(dataset.graph_names()):
        named = ox.BlankNode(f"named{index}")
        add(dataset_node, SD + "namedGraph", named)
        add(named, RDF_TYPE, ox.NamedNode(SD + "NamedGraph"))
        add(named, SD + "name", ox.NamedNode(name))
        if name == INFERRED_GRAPH:
            add(named, SD + "entailmentRegime", ox.NamedNode(ENTAILMENT + "OWL-RDF-Based"))
            add(named, RDFS_COMMENT, ox.Literal("The OWL 2 RL entailments of the asserted data (new triples only).",
                                                language="en"))
    return quads


def serialize_description(quads: list[ox.Quad], media_type: str) -> bytes:
    fmt = results.GRAPH_FORMATS[media_type]
    if not fmt.supports_datasets:
        quads = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    return ox.serialize(quads, format=fmt, prefixes={"sd": SD, "formats": FORMATS}) if fmt in (
        ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else ox.serialize(quads, format=fmt)
