"""The label search index: Chinese and English names, folded so that spellings meet.

Every name is indexed under folded keys, so that different spellings of one name meet:

- Unicode NFKC, accents stripped, case folded (``Xī'ān`` → ``xian``);
- traditional Chinese folded to simplified (``粵港澳`` → ``粤港澳``, zhconv);
- spaces and punctuation dropped (``Xi'an``, ``Xi An`` → ``xian``);
- names written in Chinese are also indexed by their toneless pinyin (``西安`` → ``xian``).

A query is folded the same way and compared with each key: an exact match ranks above a
prefix match, which ranks above a substring match; then a preferred label above an
alternative one, a name as written above its pinyin, a shorter name above a longer one.
The index is built once, when the app starts.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import zhconv
from pypinyin import lazy_pinyin

from .labels import Labels

OUR_IRIS = "https://w3id.org/coopkg/"
MATCH_KINDS = ("exact", "prefix", "substring")
LABEL_KINDS = ("prefLabel", "altLabel", "label")
#: how a kind of name ranks: an ontology term's rdfs:label is its preferred name
_KIND_RANK = (0, 1, 0)
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_DROP = re.compile(r"[^\w]|_", re.UNICODE)


def fold(text: str) -> str:
    """The comparison key of a name or a query (see the module docstring)."""
    text = zhconv.convert(unicodedata.normalize("NFKC", text), "zh-hans")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _DROP.sub("", unicodedata.normalize("NFC", stripped).casefold())


def pinyin_key(text: str) -> str | None:
    """Toneless pinyin of a name containing Chinese characters (``西安`` → ``xian``)."""
    if not _HAN.search(text):
        return None
    simplified = zhconv.convert(unicodedata.normalize("NFKC", text), "zh-hans")
    return fold("".join(lazy_pinyin(simplified)))


@dataclass(frozen=True)
class IndexedName:
    iri: str
    text: str
    lang: str
    label_kind: int  # index into LABEL_KINDS
    keys: tuple[tuple[str, bool], ...]  # (key, via pinyin)


@dataclass(frozen=True)
class Hit:
    iri: str
    matched: str
    lang: str
    match: str
    label_kind: str
    via_pinyin: bool
    rank: tuple


class SearchIndex:
    """All names, folded once; a query is a linear scan (a few thousand names)."""

    def __init__(self, names: Iterable[IndexedName]) -> None:
        self._names = list(names)

    @classmethod
    def from_labels(cls, labels: Labels) -> SearchIndex:
        entries = []
        for iri, names in sorted(labels.known().items()):
            if not iri.startswith(OUR_IRIS):
                continue
            for lang, text in sorted(names.pref.items()):
                entries.append(_entry(iri, text, lang, 0))
            for lang, texts in sorted(names.alt.items()):
                entries.extend(_entry(iri, text, lang, 1) for text in texts)
            for lang, text in sorted(names.plain.items()):
                if text not in names.pref.values():
                    entries.append(_entry(iri, text, lang, 2))
        return cls(entry for entry in entries if entry.keys)

    def __len__(self) -> int:
        return len(self._names)

    def search(self, query: str) -> list[Hit]:
        """Every resource whose name matches, best first, one hit per resource."""
        wanted = fold(query)
        if not wanted:
            return []
        best: dict[str, Hit] = {}
        for name in self._names:
            for key, via_pinyin in name.keys:
                if key == wanted:
                    match = 0
                elif key.startswith(wanted):
                    match = 1
                elif wanted in key:
                    match = 2
                else:
                    continue
                rank = (match, _KIND_RANK[name.label_kind], via_pinyin, len(key), name.iri)
                current = best.get(name.iri)
                if current is None or rank < current.rank:
                    best[name.iri] = Hit(name.iri, name.text, name.lang, MATCH_KINDS[match],
                                         LABEL_KINDS[name.label_kind], via_pinyin, rank)
        return sorted(best.values(), key=lambda hit: hit.rank)


def _entry(iri: str, text: str, lang: str, label_kind: int) -> IndexedName:
    keys: list[tuple[str, bool]] = []
    direct = fold(text)
    if direct:
        keys.append((direct, False))
    pinyin = pinyin_key(text)
    if pinyin and pinyin != direct:
        keys.append((pinyin, True))
    return IndexedName(iri, text, lang, label_kind, tuple(keys))
