"""The ontology and the shapes at their namespace IRIs: bilingual HTML documentation
generated from the ontology graph itself, and the RDF by content negotiation.

- ``/ontology`` answers for ``https://w3id.org/coopkg/ontology`` and every hash term in it
  (``ontology#City``: the browser asks for ``/ontology`` and scrolls to ``#City``);
  ``/ontology/<version>`` and ``/ontology/alignments`` answer for the other ontology IRIs.
- ``/ontology/<Term>`` is a term's own page: for a class its instances, for a property
  its usage (the links on entity pages point there).
- ``/shapes`` answers for ``https://w3id.org/coopkg/shapes`` and its hash IRIs.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, render_template, request

from ..namespaces import COOP, INFERRED_GRAPH, ONTOLOGY_GRAPH, ONTOLOGY_IRI, PREFIXES
from .describe import Statement, outbound
from .documents import DocumentBuilder, output_prefixes, serialize
from .entity_view import EntityViewBuilder, Link
from .labels import compact, language_of
from .language import chosen_language
from .pages import site
from .resources import formats_of, not_found, respond, split_extension
from .site import RDF_TYPE, LinkedDataSite

bp = Blueprint("ontology_docs", __name__)

RDF, RDFS, OWL, SKOS = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["owl"], PREFIXES["skos"]
DCTERMS, VANN = PREFIXES["dcterms"], "http://purl.org/vocab/vann/"
SH = "http://www.w3.org/ns/shacl#"
SHAPES_NS = "https://w3id.org/coopkg/shapes#"
SHAPES_IRI = "https://w3id.org/coopkg/shapes"
KINDS = (  # (section key, rdf:type)
    ("classes", OWL + "Class"),
    ("object_properties", OWL + "ObjectProperty"),
    ("datatype_properties", OWL + "DatatypeProperty"),
    ("annotation_properties", OWL + "AnnotationProperty"),
)
CHARACTERISTICS = ("TransitiveProperty", "SymmetricProperty", "FunctionalProperty", "InverseFunctionalProperty",
                   "AsymmetricProperty", "ReflexiveProperty", "IrreflexiveProperty")
PAGE_SIZE = 500


@dataclass
class Term:
    iri: str
    kind: str
    labels: dict[str, str] = field(default_factory=dict)
    definitions: dict[str, str] = field(default_factory=dict)
    comments: dict[str, str] = field(default_factory=dict)
    relations: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    characteristics: list[str] = field(default_factory=list)
    chains: list[list[str]] = field(default_factory=list)

    @property
    def local(self) -> str:
        return self.iri.rsplit("#", 1)[-1]

    def text(self, table: dict[str, str], lang: str) -> str | None:
        return table.get(lang) or table.get("en") or table.get("zh") or next(iter(table.values()), None)


class OntologyModel:
    """The ontology graph read into terms, plus how much each term is used in the data."""

    def __init__(self, site: LinkedDataSite) -> None:
        self.site = site
        self.graph = ox.NamedNode(ONTOLOGY_GRAPH)
        self.triples = [q for q in site.store.quads_for_pattern(None, None, None, self.graph)]
        self.header = self._header(ONTOLOGY_IRI)
        #: every IRI naming the ontology or a part or version of it (served as the ontology document)
        self.ontologies = sorted({q.subject.value for q in self.triples if q.predicate.value == RDF_TYPE
                                  and q.object.value == OWL + "Ontology" and isinstance(q.subject, ox.NamedNode)}
                                 | {q.object.value for q in self.triples if q.predicate.value == OWL + "versionIRI"})
        self.terms: dict[str, Term] = {}
        self._read_terms()
        #: counted once at start-up (or read from the release's index files), never by an aggregate here
        self.instance_counts: Counter[str] = site.class_counts
        self.usage_counts: Counter[str] = site.property_counts

    def _objects(self, subject, predicate: str) -> list:
        return [q.object for q in self.site.store.quads_for_pattern(subject, ox.NamedNode(predicate), None, self.graph)]

    def _list(self, head) -> list:
        items, seen = [], set()
        while isinstance(head, (ox.BlankNode, ox.NamedNode)) and head.value != RDF + "nil" and head not in seen:
            seen.add(head)
            items += self._objects(head, RDF + "first")
            rest = self._objects(head, RDF + "rest")
            head = rest[0] if rest else None
        return items

    def _header(self, iri: str) -> dict:
        node = ox.NamedNode(iri)
        header: dict = defaultdict(dict)
        for quad in self.site.store.quads_for_pattern(node, None, None, self.graph):
            key = compact(quad.predicate.value)
            if isinstance(quad.object, ox.Literal):
                header[key][language_of(quad.object.language or "")] = quad.object.value
            else:
                header[key][""] = quad.object.value
        return dict(header)

    def _read_terms(self) -> None:
        for quad in self.triples:
            if quad.predicate.value != RDF_TYPE or not isinstance(quad.subject, ox.NamedNode):
                continue
            for kind, type_iri in KINDS:
                if quad.object.value == type_iri and quad.subject.value not in self.terms:
                    self.terms[quad.subject.value] = Term(quad.subject.value, kind)
            if quad.object.value.startswith(OWL) and quad.object.value[len(OWL):] in CHARACTERISTICS:
                term = self.terms.setdefault(quad.subject.value, Term(quad.subject.value, "object_properties"))
                term.characteristics.append(quad.object.value[len(OWL):])
        for term in self.terms.values():
            self._read_term(term)
        self._read_disjoint_groups()

    def _read_term(self, term: Term) -> None:
        node = ox.NamedNode(term.iri)
        for quad in self.site.store.quads_for_pattern(node, None, None, self.graph):
            predicate, value = quad.predicate.value, quad.object
            if isinstance(value, ox.Literal):
                lang = language_of(value.language or "")
                table = {RDFS + "label": term.labels, SKOS + "definition": term.definitions,
                         RDFS + "comment": term.comments}.get(predicate)
                if table is not None:
                    table.setdefault(lang, value.value)
            elif predicate == OWL + "propertyChainAxiom":
                term.chains.append([v.value for v in self._list(value) if isinstance(v, ox.NamedNode)])
            elif isinstance(value, ox.NamedNode) and predicate != RDF_TYPE:
                term.relations[compact(predicate)].append(value.value)
        for quad in self.site.store.quads_for_pattern(None, None, node, self.graph):
            if isinstance(quad.subject, ox.NamedNode) and quad.predicate.value in (
                    RDFS + "subClassOf", RDFS + "subPropertyOf", OWL + "inverseOf", RDFS + "domain", RDFS + "range"):
                term.relations["^" + compact(quad.predicate.value)].append(quad.subject.value)
        for key in term.relations:
            term.relations[key] = sorted(set(term.relations[key]))

    def _read_disjoint_groups(self) -> None:
        for quad in self.triples:
            if quad.predicate.value == RDF_TYPE and quad.object.value == OWL + "AllDisjointClasses":
                members = [m.value for m in self._list(next(iter(self._objects(quad.subject, OWL + "members")), None))
                           if isinstance(m, ox.NamedNode)]
                for member in members:
                    if member in self.terms:
                        others = set(self.terms[member].relations.get("owl:disjointWith", [])) | set(members)
                        self.terms[member].relations["owl:disjointWith"] = sorted(others - {member})

    def own_terms(self, kind: str) -> list[Term]:
        return sorted((t for t in self.terms.values() if t.kind == kind and t.iri.startswith(str(COOP))),
                      key=lambda t: t.local.casefold())

    def external_terms(self) -> list[Term]:
        return sorted((t for t in self.terms.values() if not t.iri.startswith(str(COOP))), key=lambda t: compact(t.iri))

    def individuals(self) -> list[str]:
        found = {q.subject.value for q in self.triples if q.predicate.value == RDF_TYPE
                 and isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(str(COOP))
                 and q.subject.value not in self.terms and q.object.value.startswith(str(COOP))}
        return sorted(found)


def model() -> OntologyModel:
    """The ontology model, read on first use and kept for the life of the app."""
    cached = current_app.extensions.get("coopkg_ontology_model")
    if cached is None:
        cached = current_app.extensions["coopkg_ontology_model"] = OntologyModel(site())
    return cached


def _public_quads(triples, current: LinkedDataSite) -> list[ox.Quad]:
    def public(term):
        return ox.NamedNode(current.iris.to_public(term.value)) if isinstance(term, ox.NamedNode) else term
    return [ox.Quad(public(t.subject), public(t.predicate), public(t.object), ox.DefaultGraph()) for t in triples]


def _ontology_response(ext: str | None) -> Response:
    current = site()
    ontology = model()

    def html() -> str:
        lang = chosen_language()
        sections = [(key, ontology.own_terms(key)) for key, _ in KINDS]
        return render_template("resources/ontology.html", ontology=ontology, sections=sections,
                               individuals=ontology.individuals(), external=ontology.external_terms(),
                               formats=formats_of("/ontology"), link=EntityViewBuilder(current, lang).link,
                               term_href=_anchor_or_href)

    def document(media_type: str, _path: str) -> bytes:
        return serialize(_public_quads([q.triple for q in ontology.triples], current), media_type,
                         output_prefixes(current))

    return respond("/ontology", ext, html, document)


@bp.get("/ontology", defaults={"ext": None})
@bp.get("/ontology.<ext>")
def ontology(ext: str | None) -> Response:
    return _ontology_response(ext)


@bp.get("/ontology/<path:name>")
def term(name: str) -> Response:
    current = site()
    ontology = model()
    ontology_base = ONTOLOGY_IRI + "/"
    found = split_extension(name, lambda local: ontology_base + local in ontology.ontologies)
    if found:  # a version IRI or the alignments module: the ontology document
        return _ontology_response(found[1])
    found = split_extension(name, lambda local: current.is_described(str(COOP) + local))
    if found is None:
        return not_found(str(COOP) + name)
    local, ext = found
    iri = str(COOP) + local
    path = f"/ontology/{local}"
    known = ontology.terms.get(iri)

    def html() -> str:
        lang = chosen_language()
        builder = EntityViewBuilder(current, lang)
        if known is None:  # an individual (a value-qualifier concept…): the entity page
            return render_template("resources/entity.html", view=builder.build(iri, formats_of(path)))
        page = _page_number()
        instances = _instances(current, iri, lang) if known.kind == "classes" else []
        usage = _usage(current, iri, lang) if known.kind != "classes" else []
        start = (page - 1) * PAGE_SIZE
        return render_template("resources/term.html", term=known, ontology=ontology, link=builder.link,
                               instances=instances[start:start + PAGE_SIZE], instance_total=len(instances),
                               page=page, page_size=PAGE_SIZE, start=start, usage=usage[:200],
                               usage_total=len(usage), formats=formats_of(path), term_href=current.iris.href)

    def document(media_type: str, document_path: str) -> bytes:
        builder = DocumentBuilder(current, current.iris.iri_for_path(document_path), media_type)
        builder.describe_document(iri)
        statements = outbound(current, iri)
        if known is not None and known.kind == "classes":
            statements += _typing_statements(current, iri)
        builder.add_statements(statements)
        return builder.serialize()

    return respond(path, ext, html, document)


def _anchor_or_href(iri: str) -> str:
    """Inside the ontology documentation, our terms link to their section of the page."""
    if iri.startswith(str(COOP)) and iri in model().terms:
        return "#" + iri[len(str(COOP)):]
    return site().iris.href(iri)


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", 1)))
    except ValueError:
        return 1


def _typing_statements(current: LinkedDataSite, cls: str) -> list[Statement]:
    found = []
    for quad in current.store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE), ox.NamedNode(cls), None):
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if graph != ONTOLOGY_GRAPH and isinstance(quad.subject, ox.NamedNode):
            found.append(Statement(quad.subject.value, RDF_TYPE, quad.object, graph))
    return sorted(found, key=lambda s: (s.subject, s.graph))


def _instances(current: LinkedDataSite, cls: str, lang: str) -> list[tuple[Link, bool]]:
    """Every instance, direct or through a subclass (the inferred graph), sorted by name."""
    builder = EntityViewBuilder(current, lang)
    direct: dict[str, bool] = {}
    for statement in _typing_statements(current, cls):
        direct[statement.subject] = direct.get(statement.subject, False) or not statement.inferred
    links = [(builder.link(iri), not asserted) for iri, asserted in direct.items()]
    return sorted(links, key=lambda item: item[0].text.casefold())


def _usage(current: LinkedDataSite, prop: str, lang: str) -> list[tuple[Link, Link | str]]:
    builder = EntityViewBuilder(current, lang)
    rows = []
    for quad in current.store.quads_for_pattern(None, ox.NamedNode(prop), None, None):
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        if graph in (INFERRED_GRAPH, ONTOLOGY_GRAPH) or not isinstance(quad.subject, ox.NamedNode):
            continue
        value = builder.link(quad.object.value) if isinstance(quad.object, ox.NamedNode) else quad.object.value
        rows.append((builder.link(quad.subject.value), value))
    return sorted(rows, key=lambda row: (row[0].text.casefold(), str(row[1])))


# --- shapes ---------------------------------------------------------------------------------


@dataclass
class ShapeView:
    iri: str
    anchor: str
    comments: dict[str, str]
    targets: list[tuple[str, str]]
    properties: list[dict]
    other: list[tuple[str, list]]


def _shape_views(current: LinkedDataSite) -> list[ShapeView]:
    by_subject: dict[object, list[ox.Triple]] = defaultdict(list)
    for triple in current.shapes:
        by_subject[triple.subject].append(triple)

    def values(subject, predicate: str) -> list:
        return [t.object for t in by_subject.get(subject, []) if t.predicate.value == predicate]

    def as_list(head) -> list:
        items, seen = [], set()
        while isinstance(head, (ox.BlankNode, ox.NamedNode)) and head.value != RDF + "nil" and head not in seen:
            seen.add(head)
            items += values(head, RDF + "first")
            rest = values(head, RDF + "rest")
            head = rest[0] if rest else None
        return items

    def render(term) -> tuple:
        """A shape value as a tagged tuple the template lays out: iri, literal, list or node."""
        if isinstance(term, ox.NamedNode):
            return ("iri", term.value)
        if isinstance(term, ox.Literal):
            plain = term.language or term.datatype.value == PREFIXES["xsd"] + "string"
            return ("literal", term.value, term.language or "", "" if plain else compact(term.datatype.value))
        listed = as_list(term)
        if listed:
            return ("list", [render(item) for item in listed])
        return ("node", [(compact(t.predicate.value), [render(o) for o in values(term, t.predicate.value)])
                         for t in by_subject.get(term, [])])

    shapes = []
    node_shapes = [t.subject for t in current.shapes if t.predicate.value == RDF_TYPE
                   and t.object.value == SH + "NodeShape" and isinstance(t.subject, ox.NamedNode)]
    for shape in sorted(set(node_shapes), key=lambda n: n.value):
        comments = {language_of(c.language or ""): c.value for c in values(shape, RDFS + "comment")}
        targets = [(compact(t.predicate.value), t.object.value) for t in by_subject[shape]
                   if t.predicate.value.startswith(SH + "target")]
        properties = []
        for prop in values(shape, SH + "property"):
            entries = {compact(t.predicate.value): [render(o) for o in values(prop, t.predicate.value)]
                       for t in by_subject.get(prop, []) if t.predicate.value != RDF_TYPE}
            path = entries.pop("sh:path", [("literal", "?", "", "")])[0]
            messages = entries.pop("sh:message", [])
            properties.append({"iri": prop.value if isinstance(prop, ox.NamedNode) else None,
                               "anchor": prop.value.rsplit("#", 1)[-1] if isinstance(prop, ox.NamedNode) else None,
                               "path": path, "messages": messages, "constraints": sorted(entries.items())})
        properties.sort(key=lambda p: str(p["path"]))
        skip = {RDF_TYPE, RDFS + "comment", SH + "property"} | {SH + k for k in (
            "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf")}
        other = sorted({compact(t.predicate.value): [render(o) for o in values(shape, t.predicate.value)]
                        for t in by_subject[shape] if t.predicate.value not in skip}.items())
        shapes.append(ShapeView(shape.value, shape.value.rsplit("#", 1)[-1], comments, sorted(targets), properties,
                                other))
    return shapes


@bp.get("/shapes", defaults={"ext": None})
@bp.get("/shapes.<ext>")
def shapes(ext: str | None) -> Response:
    current = site()

    def html() -> str:
        lang = chosen_language()
        header = {language_of(t.object.language or ""): t.object.value for t in current.shapes
                  if t.subject == ox.NamedNode(SHAPES_NS) and t.predicate.value == RDFS + "label"}
        return render_template("resources/shapes.html", shapes=_shape_views(current), header=header,
                               formats=formats_of("/shapes"), link=EntityViewBuilder(current, lang).link)

    def document(media_type: str, _path: str) -> bytes:
        return serialize(_public_quads(current.shapes, current), media_type, output_prefixes(current))

    return respond("/shapes", ext, html, document)
