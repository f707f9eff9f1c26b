"""RDF documents describing one resource, in every format the Linked Data routes offer.

A data document holds the resource's statements (in their named graphs, for the formats
that keep graphs), the names of everything it points to, a description of the document
itself (primary topic, dataset, version, licence, source papers), and one reified
``rdf:Statement`` per statement saying which graph, paper and section(s) it comes from —
so Turtle, N-Triples and RDF/XML, which have no graphs, carry the provenance too.
"""

from __future__ import annotations

from collections.abc import Iterable

import pyoxigraph as ox

from ..jsonld import to_jsonld
from ..namespaces import DATASET_IRI, PREFIXES
from .describe import Provenance, Statement
from .site import RDF_TYPE, STATED_IN, LinkedDataSite

HTML = "text/html"
TURTLE = "text/turtle"
JSON_LD = "application/ld+json"
N_TRIPLES = "application/n-triples"
RDF_XML = "application/rdf+xml"
TRIG = "application/trig"
N_QUADS = "application/n-quads"

#: the RDF media types every Linked Data route offers, in order of preference for */*
RDF_TYPES = [TURTLE, JSON_LD, N_TRIPLES, RDF_XML, TRIG, N_QUADS]
#: the file extension of each representation (``/id/seattle.ttl``)
EXTENSION = {HTML: "html", TURTLE: "ttl", JSON_LD: "jsonld", N_TRIPLES: "nt", RDF_XML: "rdf", TRIG: "trig",
             N_QUADS: "nq"}
FORMAT_NAMES = {HTML: "HTML", TURTLE: "Turtle", JSON_LD: "JSON-LD", N_TRIPLES: "N-Triples", RDF_XML: "RDF/XML",
                TRIG: "TriG", N_QUADS: "N-Quads"}
_OX_FORMAT = {TURTLE: ox.RdfFormat.TURTLE, N_TRIPLES: ox.RdfFormat.N_TRIPLES, RDF_XML: ox.RdfFormat.RDF_XML,
              TRIG: ox.RdfFormat.TRIG, N_QUADS: ox.RdfFormat.N_QUADS}
QUAD_TYPES = {TRIG, N_QUADS, JSON_LD}
_PRETTY = {TURTLE, TRIG, RDF_XML}

RDF = PREFIXES["rdf"]
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
DCTERMS = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
FOAF = PREFIXES["foaf"]
OWL = PREFIXES["owl"]
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
EXTRA_PREFIXES = {"void": "http://rdfs.org/ns/void#", "dcat": "http://www.w3.org/ns/dcat#",
                  "sh": "http://www.w3.org/ns/shacl#", "cs": "https://w3id.org/coopkg/shapes#",
                  "gsp": "http://www.opengis.net/ont/geosparql#", "vann": "http://purl.org/vocab/vann/",
                  "spdx": "http://spdx.org/rdf/terms#",
                  "sd": "http://www.w3.org/ns/sparql-service-description#"}


def output_prefixes(site: LinkedDataSite) -> dict[str, str]:
    """Our prefixes, with our own namespaces mapped to the public base when configured."""
    return {prefix: site.iris.to_public(namespace) for prefix, namespace in {**PREFIXES, **EXTRA_PREFIXES}.items()}


def serialize(quads: list[ox.Quad], media_type: str, prefixes: dict[str, str]) -> bytes:
    """Write ``quads`` in ``media_type``; formats without graphs get the union, once each."""
    if media_type == JSON_LD:
        return to_jsonld(quads, prefixes)
    fmt = _OX_FORMAT[media_type]
    if media_type in QUAD_TYPES:
        data: Iterable = quads
    else:
        seen: dict[ox.Triple, None] = {}
        for quad in quads:
            seen.setdefault(quad.triple, None)
        data = list(seen)
    if media_type in _PRETTY:
        return ox.serialize(data, format=fmt, prefixes=_used(prefixes, quads))
    return ox.serialize(data, format=fmt)


def _used(prefixes: dict[str, str], quads: list[ox.Quad]) -> dict[str, str]:
    """Only the prefixes the document uses, in alphabetical order."""
    iris = {term.value for quad in quads for term in (quad.subject, quad.predicate, quad.object, quad.graph_name)
            if isinstance(term, ox.NamedNode)}
    iris |= {quad.object.datatype.value for quad in quads if isinstance(quad.object, ox.Literal)}
    namespaces = {iri.rsplit("#", 1)[0] + "#" if "#" in iri else iri.rsplit("/", 1)[0] + "/" for iri in iris}
    return {prefix: ns for prefix, ns in sorted(prefixes.items()) if ns in namespaces}


class DocumentBuilder:
    """Collects the quads of one document, mapping our IRIs to the public base as it goes."""

    def __init__(self, site: LinkedDataSite, document_iri: str, media_type: str) -> None:
        self.site = site
        self.document = ox.NamedNode(site.iris.to_public(document_iri))
        self.media_type = media_type
        self.statements: list[ox.Quad] = []
        self.metadata: list[ox.Quad] = []
        self.reified: list[ox.Quad] = []
        self._described: set[str] = set()

    def node(self, iri: str) -> ox.NamedNode:
        return ox.NamedNode(self.site.iris.to_public(iri))

    def term(self, term):
        return self.node(term.value) if isinstance(term, ox.NamedNode) else term

    def meta(self, subject, predicate: str, obj) -> None:
        subject = self.node(subject) if isinstance(subject, str) else subject
        obj = self.node(obj) if isinstance(obj, str) else obj
        self.metadata.append(ox.Quad(subject, ox.NamedNode(predicate), obj, ox.DefaultGraph()))

    def describe_document(self, topic: str, title: str | None = None) -> None:
        self.meta(self.document, RDF + "type", FOAF + "Document")
        self.meta(self.document, FOAF + "primaryTopic", topic)
        self.meta(self.document, DCTERMS + "isPartOf", DATASET_IRI)
        self.meta(self.document, DCTERMS + "format", ox.Literal(self.media_type))
        self.meta(self.document, DCTERMS + "license", LICENSE)
        self.meta(self.document, OWL + "versionInfo", ox.Literal(self.site.version))
        if title:
            self.meta(self.document, DCTERMS + "title", ox.Literal(title))

    def add_statements(self, statements: list[Statement], *, reify: bool = True, keep_graphs: bool = True) -> None:
        provenance = Provenance(self.site)
        papers: set[str] = set()
        graphs: set[str] = set()
        for statement in statements:
            graph = self.node(statement.graph) if keep_graphs and statement.graph else ox.DefaultGraph()
            self.statements.append(ox.Quad(self.node(statement.subject), self.node(statement.predicate),
                                           self.term(statement.object), graph))
            self.add_label(statement.predicate)
            if statement.object_iri:
                self.add_label(statement.object_iri)
            source = provenance.source(statement)
            if statement.graph:
                graphs.add(statement.graph)
            if source.paper:
                papers.add(source.paper)
            if reify and statement.predicate != STATED_IN:
                self._reify(statement, source)
        for paper in sorted(papers):
            self.meta(self.document, DCTERMS + "source", paper)
            self.add_label(paper)
        for graph in sorted(graphs):
            paper = self.site.paper_for(graph)
            if paper:
                self.meta(graph, PROV + "wasDerivedFrom", paper)

    def _reify(self, statement: Statement, source) -> None:
        node = ox.BlankNode(f"s{len(self.reified)}")  # stable labels: the same document, the same bytes
        add = self.reified.append
        default = ox.DefaultGraph()
        add(ox.Quad(node, ox.NamedNode(RDF + "type"), ox.NamedNode(RDF + "Statement"), default))
        add(ox.Quad(node, ox.NamedNode(RDF + "subject"), self.node(statement.subject), default))
        add(ox.Quad(node, ox.NamedNode(RDF + "predicate"), self.node(statement.predicate), default))
        add(ox.Quad(node, ox.NamedNode(RDF + "object"), self.term(statement.object), default))
        if statement.graph:
            add(ox.Quad(node, ox.NamedNode(DCTERMS + "isPartOf"), self.node(statement.graph), default))
        if source.paper:
            add(ox.Quad(node, ox.NamedNode(PROV + "wasDerivedFrom"), self.node(source.paper), default))
        for section in source.sections:
            add(ox.Quad(node, ox.NamedNode(STATED_IN), self.node(section), default))

    def add_label(self, iri: str) -> None:
        """The names of a resource the document mentions, so a client can show it."""
        if iri in self._described or iri == RDF_TYPE:
            return
        self._described.add(iri)
        names = self.site.labels.names(iri)
        for lang, text in sorted(names.pref.items()):
            self.meta(iri, SKOS + "prefLabel", ox.Literal(text, language=lang) if lang else ox.Literal(text))
        if not names.pref:
            for lang, text in sorted(names.plain.items()):
                self.meta(iri, RDFS + "label", ox.Literal(text, language=lang) if lang else ox.Literal(text))

    def quads(self) -> list[ox.Quad]:
        return self.statements + self.metadata + self.reified

    def serialize(self) -> bytes:
        return serialize(self.quads(), self.media_type, output_prefixes(self.site))
