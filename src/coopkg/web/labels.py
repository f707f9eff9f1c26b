"""Names of everything, in Chinese and English, read once from the release at start-up
(from ``index-labels.tsv`` when the release has it, see :mod:`coopkg.indexes`).

Entities are named by ``skos:prefLabel`` / ``skos:altLabel``; ontology terms by
``rdfs:label``. The inferred graph is skipped: OWL RL copies every SKOS label into
``rdfs:label`` there, which would only repeat the same names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..indexes import LABEL_PREDICATES, LabelRow
from ..namespaces import INFERRED_GRAPH, PREFIXES, SKOS

RDFS_LABEL = PREFIXES["rdfs"] + "label"
PREF_LABEL = str(SKOS.prefLabel)
ALT_LABEL = str(SKOS.altLabel)
LANGUAGES = ("zh", "en")

#: prefixes for compact names, longest namespace first so ``kg:`` never shadows ``coop:``
_COMPACT = sorted(
    {**PREFIXES, "gsp": "http://www.opengis.net/ont/geosparql#", "sh": "http://www.w3.org/ns/shacl#",
     "cs": "https://w3id.org/coopkg/shapes#", "void": "http://rdfs.org/ns/void#",
     "dcat": "http://www.w3.org/ns/dcat#", "vann": "http://purl.org/vocab/vann/"}.items(),
    key=lambda item: -len(item[1]),
)


def language_of(tag: str) -> str:
    """``zh-Hans`` → ``zh``: pages offer two languages, not regional variants."""
    return tag.split("-", 1)[0].lower()


def compact(iri: str) -> str:
    """``coop:City`` for a known namespace, the IRI itself otherwise."""
    for prefix, namespace in _COMPACT:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


#: names for the external terms pages show most, which their vocabularies name only in English
#: (if at all) and the release does not carry: (zh, en)
EXTERNAL_NAMES: dict[str, tuple[str, str]] = {
    PREFIXES["rdf"] + "type": ("类型", "type"),
    PREFIXES["rdfs"] + "label": ("标签", "label"),
    PREFIXES["rdfs"] + "comment": ("注释", "comment"),
    PREFIXES["rdfs"] + "seeAlso": ("参见", "see also"),
    PREFIXES["owl"] + "sameAs": ("等同于", "same as"),
    PREF_LABEL: ("首选名称", "preferred label"),
    ALT_LABEL: ("别名", "alternative label"),
    str(SKOS.definition): ("定义", "definition"),
    str(SKOS.broader): ("上位概念", "broader"),
    str(SKOS.narrower): ("下位概念", "narrower"),
    str(SKOS.related): ("相关概念", "related"),
    str(SKOS.inScheme): ("所属概念体系", "in scheme"),
    str(SKOS.hasTopConcept): ("顶层概念", "has top concept"),
    str(SKOS.topConceptOf): ("顶层概念所属体系", "top concept of"),
    str(SKOS.exactMatch): ("精确匹配", "exact match"),
    str(SKOS.closeMatch): ("近似匹配", "close match"),
    str(SKOS.notation): ("编码", "notation"),
    str(SKOS.Concept): ("概念", "Concept"),
    str(SKOS.ConceptScheme): ("概念体系", "Concept scheme"),
    PREFIXES["dcterms"] + "title": ("标题", "title"),
    PREFIXES["dcterms"] + "language": ("语言", "language"),
    PREFIXES["dcterms"] + "description": ("描述", "description"),
    PREFIXES["geo"] + "lat": ("纬度", "latitude"),
    PREFIXES["geo"] + "long": ("经度", "longitude"),
    PREFIXES["time"] + "hasBeginning": ("开始", "has beginning"),
    PREFIXES["time"] + "hasEnd": ("结束", "has end"),
    PREFIXES["time"] + "inXSDgYear": ("年份", "year"),
    PREFIXES["time"] + "Instant": ("时刻", "Instant"),
    PREFIXES["qb"] + "dataSet": ("所属数据集", "data set"),
    PREFIXES["qb"] + "DataSet": ("数据集", "Data set"),
}


@dataclass
class Names:
    """The names of one resource: preferred and alternative, per language."""

    pref: dict[str, str] = field(default_factory=dict)
    alt: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: rdfs:label (ontology terms and anything not using SKOS)
    plain: dict[str, str] = field(default_factory=dict)


class Labels:
    """Lookup of names by IRI with a language fallback that never returns nothing."""

    def __init__(self, names: dict[str, Names]) -> None:
        self._names = names

    @classmethod
    def from_store(cls, store: ox.Store) -> Labels:
        """Every name the store holds outside the inferred graph (the fallback when the
        release has no index files)."""
        rows: set[LabelRow] = set()
        for predicate, kind in LABEL_PREDICATES.items():
            for quad in store.quads_for_pattern(None, ox.NamedNode(predicate), None, None):
                graph = quad.graph_name
                if isinstance(graph, ox.NamedNode) and graph.value == INFERRED_GRAPH:
                    continue
                if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                    rows.add((quad.subject.value, kind, quad.object.language or "", quad.object.value))
        return cls.from_rows(sorted(rows))

    @classmethod
    def from_rows(cls, rows: Iterable[LabelRow]) -> Labels:
        """Names from sorted (IRI, kind, language tag, text) rows, the same whether they come
        from the store or from ``index-labels.tsv``: the first name in that order wins where a
        resource has two in one language, and alternative names keep that order, so that pages
        never depend on the order a store happens to return statements in."""
        names: dict[str, Names] = defaultdict(Names)
        for iri, kind, tag, text in rows:
            entry, lang = names[iri], language_of(tag)
            if kind == "pref":
                entry.pref.setdefault(lang, text)
            elif kind == "alt":
                if text not in entry.alt[lang]:
                    entry.alt[lang].append(text)
            else:
                entry.plain.setdefault(lang, text)
        for iri, (zh, en) in EXTERNAL_NAMES.items():
            if iri not in names:
                names[iri].plain.update({"zh": zh, "en": en})
        return cls(dict(names))

    def names(self, iri: str) -> Names:
        return self._names.get(iri) or Names()

    def known(self) -> dict[str, Names]:
        return self._names

    def label(self, iri: str, lang: str) -> str:
        """The best name of ``iri`` for a reader of ``lang``, falling back to the other
        language, then to the IRI's compact form (never an empty string)."""
        found = self.label_or_none(iri, lang)
        return found[0] if found else compact(iri)

    def label_or_none(self, iri: str, lang: str) -> tuple[str, str] | None:
        """(name, language of the name) or None when the resource has no name at all."""
        entry = self._names.get(iri)
        if entry is None:
            return None
        order = [lang] + [other for other in LANGUAGES if other != lang] + [""]
        for table in (entry.pref, entry.plain):
            for candidate in order:
                if candidate in table:
                    return table[candidate], candidate
            if table:
                key = sorted(table)[0]
                return table[key], key
        return None
