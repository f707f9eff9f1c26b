"""What an entity page shows, assembled from the release in the reader's language.

Templates only lay this out; every decision (which statements go in which box, what a
value's label is, where it comes from) is made here, from ``describe``'s statements.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import COOP, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES, TIME
from .describe import Provenance, Source, Statement, inbound, outbound, sources_by_paper
from .graphics import Edge, Node, Place, neighbourhood_svg, position_svg
from .labels import ALT_LABEL, PREF_LABEL, compact
from .language import translate
from .site import RDF_TYPE, STATED_IN, LinkedDataSite

SKOS = PREFIXES["skos"]
GEO = PREFIXES["geo"]
OWL_SAME_AS = PREFIXES["owl"] + "sameAs"
SUMMARY_PREDICATES = (str(COOP.summary), SKOS + "definition", PREFIXES["dcterms"] + "description")
#: shown in their own boxes rather than in the property table
OWN_BOXES = {PREF_LABEL, ALT_LABEL, RDF_TYPE, STATED_IN, *SUMMARY_PREDICATES}
INBOUND_PER_PREDICATE = 100
NEIGHBOURS_SHOWN = 18
EXTERNAL_SITES = (
    ("http://www.wikidata.org/entity/", "Wikidata"),
    ("https://www.wikidata.org/entity/", "Wikidata"),
    ("http://dbpedia.org/resource/", "DBpedia"),
    ("https://dbpedia.org/resource/", "DBpedia"),
    ("https://sws.geonames.org/", "GeoNames"),
    ("http://sws.geonames.org/", "GeoNames"),
)


@dataclass
class Link:
    href: str
    text: str
    iri: str
    lang: str | None = None
    external: bool = False


@dataclass
class SourceView:
    text: str
    href: str
    title: str


@dataclass
class ValueView:
    link: Link | None = None
    literal: str | None = None
    lang: str | None = None
    datatype: str | None = None
    sources: list[SourceView] = field(default_factory=list)
    inferred: bool = False


@dataclass
class PropertyRow:
    predicate: Link
    values: list[ValueView]
    total: int = 0
    sparql: str | None = None


@dataclass
class StageView:
    link: Link
    ordinal: int | None
    begin: str | None
    end: str | None
    ongoing: bool
    summary: str | None
    current: bool


@dataclass
class ObservationView:
    link: Link
    subject: Link | None
    measure: Link | None
    value: str
    stated: str | None
    period: str | None
    sources: list[SourceView]


@dataclass
class TreeNode:
    link: Link
    children: list[TreeNode]
    current: bool = False


@dataclass
class EntityView:
    iri: str
    public_iri: str
    names: dict[str, str]
    alt_names: dict[str, list[str]]
    title: str
    types: list[tuple[Link, bool]]
    summaries: list[ValueView]
    properties: list[PropertyRow]
    inferred: list[PropertyRow]
    inbound: list[PropertyRow]
    inbound_total: int
    sources: list[tuple[Link | None, list[Link]]]
    external: list[Link]
    position: str | None
    stages: list[StageView]
    observations: list[ObservationView]
    hierarchy: dict
    neighbourhood: str | None
    formats: list[tuple[str, str]]


class EntityViewBuilder:
    def __init__(self, site: LinkedDataSite, lang: str) -> None:
        self.site = site
        self.lang = lang
        self.provenance = Provenance(site)

    # --- small pieces ---------------------------------------------------------------

    def t(self, key: str) -> str:
        return translate(key, self.lang)

    def link(self, iri: str) -> Link:
        found = self.site.labels.label_or_none(iri, self.lang)
        for prefix, name in EXTERNAL_SITES:
            if iri.startswith(prefix):
                return Link(iri, f"{name}: {iri[len(prefix):].rstrip('/')}", iri, external=True)
        if found:
            return Link(self.site.iris.href(iri), found[0], iri, lang=found[1] or None,
                        external=not self.site.iris.is_ours(iri))
        return Link(self.site.iris.href(iri), compact(iri), iri, external=not self.site.iris.is_ours(iri))

    def source_views(self, statement: Statement) -> list[SourceView]:
        return self.source_badges(self.provenance.source(statement))

    def source_badges(self, source: Source) -> list[SourceView]:
        graph = source.graph
        if graph == INFERRED_GRAPH:
            return [SourceView("OWL 2 RL", self.site.iris.href(graph), self.t("inferred"))]
        if graph == ONTOLOGY_GRAPH:
            return [SourceView(self.t("ontology"), self.site.iris.url("/ontology"), graph)]
        number = graph.rsplit("paper-", 1)[1] if "paper-" in graph else None
        if source.paper and source.sections:
            paper_title = self.site.labels.label(source.paper, self.lang)
            return [SourceView(f"{number or ''} · {self.site.labels.label(section, self.lang)}",
                               self.site.iris.href(section), paper_title) for section in source.sections]
        if source.paper:
            return [SourceView(number or compact(source.paper), self.site.iris.href(source.paper),
                               self.site.labels.label(source.paper, self.lang))]
        name = graph.rsplit("/", 1)[-1] if graph else "?"
        return [SourceView(name, self.site.iris.href(graph) if graph else "#", graph)]

    def value(self, statement: Statement) -> ValueView:
        term = statement.object
        view = ValueView(sources=self.source_views(statement), inferred=statement.inferred)
        if isinstance(term, ox.NamedNode):
            view.link = self.link(term.value)
        elif isinstance(term, ox.Literal):
            view.literal = term.value
            view.lang = term.language or None
            if not term.language and term.datatype.value != PREFIXES["xsd"] + "string":
                view.datatype = compact(term.datatype.value)
        else:
            view.literal = str(term)
        return view

    def in_language(self, statements: list[Statement]) -> list[Statement]:
        """Keep the reader's language among language-tagged literals when it is there."""
        tagged = [s for s in statements if isinstance(s.object, ox.Literal) and s.object.language]
        mine = [s for s in tagged if s.object.language.split("-")[0] == self.lang]
        if not mine:
            return statements
        return [s for s in statements if s not in tagged or s in mine]

    def rows(self, statements: list[Statement]) -> list[PropertyRow]:
        grouped: dict[str, list[Statement]] = defaultdict(list)
        for statement in statements:
            grouped[statement.predicate].append(statement)
        rows = []
        for predicate, group in grouped.items():
            values = [self.value(s) for s in self.in_language(group)]
            rows.append(PropertyRow(self.link(predicate), values, len(values)))
        return sorted(rows, key=lambda row: (row.predicate.iri != RDF_TYPE, row.predicate.text.casefold()))

    # --- the page -----------------------------------------------------------------------

    def build(self, iri: str, formats: list[tuple[str, str]]) -> EntityView:
        site = self.site
        statements = outbound(site, iri)
        asserted = [s for s in statements if not s.inferred]
        inferred = [s for s in statements if s.inferred and s.predicate not in (PREFIXES["rdfs"] + "label",)]
        names = site.labels.names(iri)
        types = [(self.link(s.object.value), s.inferred) for s in statements
                 if s.predicate == RDF_TYPE and isinstance(s.object, ox.NamedNode)]
        types = _unique_links(types)
        summary_statements = [s for s in asserted if s.predicate in SUMMARY_PREDICATES]
        summaries = [self.value(s) for s in self.in_language(summary_statements)]
        table = [s for s in asserted if s.predicate not in OWN_BOXES]
        pointing = inbound(site, iri)
        inbound_rows = self.inbound_rows(iri, pointing)
        view = EntityView(
            iri=iri,
            public_iri=site.iris.to_public(iri),
            names=dict(names.pref),
            alt_names={lang: list(texts) for lang, texts in names.alt.items()},
            title=site.labels.label(iri, self.lang),
            types=types,
            summaries=summaries,
            properties=self.rows(table),
            inferred=self.rows([s for s in inferred if s.predicate != RDF_TYPE]),
            inbound=inbound_rows,
            inbound_total=len(pointing),
            sources=self.sources(iri),
            external=[self.link(s.object.value) for s in asserted
                      if s.predicate == OWL_SAME_AS and isinstance(s.object, ox.NamedNode)],
            position=self.position(iri, asserted, pointing),
            stages=self.stages(iri, statements, pointing),
            observations=self.observations(iri, pointing),
            hierarchy=self.hierarchy(iri, [t.iri for t, _ in types]),
            neighbourhood=self.neighbourhood(iri, asserted, pointing),
            formats=formats,
        )
        return view

    def inbound_rows(self, iri: str, pointing: list[Statement]) -> list[PropertyRow]:
        grouped: dict[str, list[Statement]] = defaultdict(list)
        for statement in pointing:
            grouped[statement.predicate].append(statement)
        rows = []
        for predicate, group in grouped.items():
            seen: dict[str, ValueView] = {}
            for statement in group:
                view = seen.get(statement.subject)
                badges = self.source_views(statement)
                if view is None:
                    seen[statement.subject] = ValueView(link=self.link(statement.subject), sources=badges)
                else:
                    view.sources.extend(b for b in badges if b not in view.sources)
            values = sorted(seen.values(), key=lambda v: v.link.text.casefold())
            row = PropertyRow(self.link(predicate), values[:INBOUND_PER_PREDICATE], len(values))
            if len(values) > INBOUND_PER_PREDICATE:
                row.sparql = self.site.iris.url("/sparql", {
                    "query": f"SELECT ?s WHERE {{ ?s <{predicate}> <{iri}> }}"})
            rows.append(row)
        return sorted(rows, key=lambda row: row.predicate.text.casefold())

    def sources(self, iri: str) -> list[tuple[Link | None, list[Link]]]:
        found = []
        for group in sources_by_paper(self.site, iri):
            paper = self.link(group.paper) if group.paper else None
            found.append((paper, [self.link(section) for section in group.sections]))
        return found

    # --- special boxes ------------------------------------------------------------------

    def _literal(self, subject: str, predicate: str) -> str | None:
        for quad in self.site.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
        return None

    def _objects(self, subject: str, predicate: str) -> list[str]:
        found = []
        for quad in self.site.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
            if isinstance(quad.object, ox.NamedNode) and quad.object.value not in found:
                found.append(quad.object.value)
        return found

    def _coordinates(self, iri: str) -> tuple[float, float] | None:
        lat, long = self._literal(iri, GEO + "lat"), self._literal(iri, GEO + "long")
        try:
            return (float(lat), float(long)) if lat is not None and long is not None else None
        except ValueError:
            return None

    def position(self, iri: str, asserted: list[Statement], pointing: list[Statement]) -> str | None:
        places = []
        own = self._coordinates(iri)
        if own:
            places.append(Place(self.site.iris.href(iri), self.site.labels.label(iri, self.lang), *own, central=True))
        linked = {s.object_iri for s in asserted if s.object_iri} | {s.subject for s in pointing}
        for other in sorted(linked - {iri}):
            coordinates = self._coordinates(other)
            if coordinates:
                places.append(Place(self.site.iris.href(other), self.site.labels.label(other, self.lang), *coordinates))
        if not places:
            return None
        caption = f"{self.t('position')}: {self.site.labels.label(iri, self.lang)}"
        return position_svg(places, caption)

    def stages(self, iri: str, statements: list[Statement], pointing: list[Statement]) -> list[StageView]:
        stage_of = str(COOP.stageOf)
        cases = [s.object_iri for s in statements if s.predicate == stage_of and s.object_iri]
        stage_iris = {s.subject for s in pointing if s.predicate == stage_of}
        stage_iris |= {s.object_iri for s in statements if s.predicate == str(COOP.hasStage) and s.object_iri}
        for case in cases:  # a stage's page shows its case's whole timeline
            stage_iris |= {q.subject.value for q in self.site.store.quads_for_pattern(
                None, ox.NamedNode(stage_of), ox.NamedNode(case), None)}
        views = []
        for stage in stage_iris:
            ordinal = self._literal(stage, str(COOP.ordinal))
            views.append(StageView(
                link=self.link(stage),
                ordinal=int(ordinal) if ordinal and ordinal.isdigit() else None,
                begin=self._year(stage, str(TIME.hasBeginning)),
                end=self._year(stage, str(TIME.hasEnd)),
                ongoing=self._literal(stage, str(COOP.ongoing)) in ("true", "1"),
                summary=self._text(stage, str(COOP.summary)),
                current=stage == iri,
            ))
        return sorted(views, key=lambda v: (v.ordinal if v.ordinal is not None else 99, v.begin or "", v.link.text))

    def _year(self, stage: str, predicate: str) -> str | None:
        for instant in self._objects(stage, predicate):
            year = self._literal(instant, str(TIME.inXSDgYear)) or self._literal(instant, str(TIME.inXSDDate))
            return year or self.site.labels.label(instant, self.lang)
        return None

    def _text(self, subject: str, predicate: str) -> str | None:
        best = None
        for quad in self.site.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
            if isinstance(quad.object, ox.Literal):
                if (quad.object.language or "").startswith(self.lang):
                    return quad.object.value
                best = best or quad.object.value
        return best

    def observations(self, iri: str, pointing: list[Statement]) -> list[ObservationView]:
        observed = str(COOP.observedEntity)
        subjects = sorted({s.subject for s in pointing if s.predicate == observed})
        if str(COOP.Observation) in self.site.types_of(iri):
            subjects = [iri]
        rows = []
        for observation in subjects:
            value = self._literal(observation, str(COOP.value))
            unit = self._objects(observation, str(COOP.unit))
            qualifier = self._objects(observation, str(COOP.valueQualifier))
            parts = []
            if qualifier and not qualifier[0].endswith("#Exact"):
                parts.append(self.site.labels.label(qualifier[0], self.lang))
            if value is not None:
                parts.append(value)
            if unit:
                parts.append(self.site.labels.label(unit[0], self.lang))
            measure = self._objects(observation, str(COOP.measure))
            entity = self._objects(observation, observed)
            graph_sources = []
            for quad in self.site.store.quads_for_pattern(ox.NamedNode(observation), ox.NamedNode(STATED_IN), None,
                                                          None):
                graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
                if graph != INFERRED_GRAPH:
                    graph_sources.append(Source(graph, self.site.paper_for(graph), (quad.object.value,)))
            rows.append(ObservationView(
                link=self.link(observation),
                subject=self.link(entity[0]) if entity else None,
                measure=self.link(measure[0]) if measure else None,
                value=" ".join(parts) if parts else "—",
                stated=self._text(observation, str(COOP.statedValue)),
                period=self._literal(observation, str(COOP.refPeriod)),
                sources=[badge for source in graph_sources for badge in self.source_badges(source)],
            ))
        return rows

    def hierarchy(self, iri: str, types: list[str]) -> dict:
        concept, scheme = SKOS + "Concept", SKOS + "ConceptScheme"
        if scheme in types:
            members = {q.subject.value for q in self.site.store.quads_for_pattern(
                None, ox.NamedNode(SKOS + "inScheme"), ox.NamedNode(iri), None)}
            roots = sorted((m for m in members if not set(self._objects(m, SKOS + "broader")) & members),
                           key=lambda m: self.site.labels.label(m, self.lang))
            return {"kind": "scheme", "tree": [self._tree(root, iri, 0) for root in roots]}
        if concept not in types:
            return {}
        top = self._top_ancestors(iri)
        return {
            "kind": "concept",
            "schemes": [self.link(s) for s in self._objects(iri, SKOS + "inScheme")],
            "broader": [self.link(b) for b in self._asserted_objects(iri, SKOS + "broader")],
            "related": [self.link(r) for r in self._objects(iri, SKOS + "related")],
            "tree": [self._tree(root, iri, 0) for root in top],
        }

    def _asserted_objects(self, subject: str, predicate: str) -> list[str]:
        found = []
        for quad in self.site.store.quads_for_pattern(ox.NamedNode(subject), ox.NamedNode(predicate), None, None):
            graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
            if graph != INFERRED_GRAPH and isinstance(quad.object, ox.NamedNode) and quad.object.value not in found:
                found.append(quad.object.value)
        return found

    def _top_ancestors(self, iri: str) -> list[str]:
        tops, frontier, seen = [], [iri], {iri}
        while frontier:
            current = frontier.pop()
            parents = self._asserted_objects(current, SKOS + "broader")
            if not parents and current not in tops:
                tops.append(current)
            for parent in parents:
                if parent not in seen:
                    seen.add(parent)
                    frontier.append(parent)
        return sorted(tops)

    def _children(self, iri: str) -> list[str]:
        children = {q.subject.value for q in self.site.store.quads_for_pattern(
            None, ox.NamedNode(SKOS + "broader"), ox.NamedNode(iri), None)
            if not (isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value == INFERRED_GRAPH)}
        children |= set(self._asserted_objects(iri, SKOS + "narrower"))
        return sorted(children, key=lambda c: self.site.labels.label(c, self.lang).casefold())

    def _tree(self, iri: str, current: str, depth: int, seen: frozenset = frozenset()) -> TreeNode:
        children = [] if depth > 8 or iri in seen else [
            self._tree(child, current, depth + 1, seen | {iri}) for child in self._children(iri)]
        return TreeNode(self.link(iri), children, current=iri == current)

    def neighbourhood(self, iri: str, asserted: list[Statement], pointing: list[Statement]) -> str | None:
        skip = {RDF_TYPE, STATED_IN, OWL_SAME_AS, str(COOP.sectionOf)}
        edges: dict[tuple[str, bool], Edge] = {}
        for statement in asserted:
            other = statement.object_iri
            if other and statement.predicate not in skip and self.site.is_described(other) and other != iri:
                edges.setdefault((other, True), Edge(self._node(other), self.site.labels.label(
                    statement.predicate, self.lang), True))
        for statement in pointing:
            if statement.predicate not in skip and statement.subject != iri:
                edges.setdefault((statement.subject, False), Edge(self._node(statement.subject), self.site.labels.label(
                    statement.predicate, self.lang), False))
        if not edges:
            return None
        ordered = sorted(edges.values(), key=lambda e: (not e.outgoing, e.predicate_label, e.neighbour.label))
        shown = ordered[:NEIGHBOURS_SHOWN]
        if len(shown) < len(ordered):
            caption = f"{self.t('showing')} {len(shown)} {self.t('of')} {len(ordered)}"
        else:
            caption = f"{len(ordered)} {self.t('neighbours')}"
        return neighbourhood_svg(self._node(iri), shown, len(ordered), caption)

    def _node(self, iri: str) -> Node:
        return Node(self.site.iris.href(iri), self.site.labels.label(iri, self.lang), iri)


def _unique_links(types: list[tuple[Link, bool]]) -> list[tuple[Link, bool]]:
    seen: dict[str, tuple[Link, bool]] = {}
    for link, inferred in types:
        if link.iri not in seen or not inferred:
            seen[link.iri] = (link, inferred)
    return sorted(seen.values(), key=lambda item: (item[1], not item[0].iri.startswith(str(COOP)), item[0].text))


