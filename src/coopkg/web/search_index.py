"""The label search index: Chinese and English names, folded so that spellings meet.

Every name is indexed under folded keys, so that different spellings of one name meet:

- Unicode NFKC, accents stripped, case folded (``Xī'ān`` → ``xian``);
- traditional Chinese folded to simplified (``粵港澳`` → ``粤港澳``, zhconv);
- spaces and punctuation dropped (``Xi'an``, ``Xi An`` → ``xian``);
- names written in Chinese are also indexed by their toneless pinyin (``西安`` → ``xian``).

A query is folded the same way and compared with each key: an exact match ranks above a
prefix match, which ranks above a substring match; then a preferred label above an
alternative one, a name as written above its pinyin, a shorter name above a longer one.
The index is built once, when the app starts, or read ready-folded from the release's
``index-search.tsv`` (written by :func:`coopkg.indexes.write_indexes`).
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import zhconv
from pypinyin import lazy_pinyin

from ..indexes import SearchRow
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
    """All names, folded once. Every key is also written into one newline-separated text, so
    that a query finds the keys containing it with ``str.find`` (C speed) instead of a Python
    loop over every name: at ten million quads (1.3 million keys) a query takes milliseconds,
    not half a second. Keys never hold a newline (folding drops everything but word characters)."""

    def __init__(self, names: Iterable[IndexedName]) -> None:
        self._names = list(names)
        keys: list[str] = []
        #: for the n-th key of the text: its offset, and which name (and which of its keys) it is
        self._starts = array("q")
        self._owners = array("q")
        offset = 0
        for position, name in enumerate(self._names):
            for number, (key, _via_pinyin) in enumerate(name.keys):
                keys.append(key)
                self._starts.append(offset)
                self._owners.append(position * 2 + number)
                offset += len(key) + 1
        self._text = "\n".join(keys) + "\n"

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

    @classmethod
    def from_rows(cls, rows: Iterable[SearchRow]) -> SearchIndex:
        """The index as ``index-search.tsv`` stores it: names already folded, in order."""
        return cls(IndexedName(iri, text, lang, kind, keys) for iri, kind, lang, text, keys in rows)

    def names(self) -> list[IndexedName]:
        """Every indexed name, in the order ties are broken in."""
        return self._names

    def __len__(self) -> int:
        return len(self._names)

    def search(self, query: str) -> list[Hit]:
        """Every resource whose name matches, best first, one hit per resource."""
        wanted = fold(query)
        if not wanted:
            return []
        best: dict[str, Hit] = {}
        for name, key, via_pinyin in self._candidates(wanted):
            match = 0 if key == wanted else 1 if key.startswith(wanted) else 2
            rank = (match, _KIND_RANK[name.label_kind], via_pinyin, len(key), name.iri)
            current = best.get(name.iri)
            if current is None or rank < current.rank:
                best[name.iri] = Hit(name.iri, name.text, name.lang, MATCH_KINDS[match],
                                     LABEL_KINDS[name.label_kind], via_pinyin, rank)
        return sorted(best.values(), key=lambda hit: hit.rank)

    def _candidates(self, wanted: str) -> Iterator[tuple[IndexedName, str, bool]]:
        """Keys that contain ``wanted``, in index order. A query found in many keys (one or two
        letters) is cheaper to check key by key than to locate occurrence by occurrence; both
        give the same keys in the same order."""
        if self._text.count(wanted) * 8 > len(self._starts):
            return self._every_key_containing(wanted)
        return self._keys_containing(wanted)

    def _every_key_containing(self, wanted: str) -> Iterator[tuple[IndexedName, str, bool]]:
        for name in self._names:
            for key, via_pinyin in name.keys:
                if wanted in key:
                    yield name, key, via_pinyin

    def _keys_containing(self, wanted: str) -> Iterator[tuple[IndexedName, str, bool]]:
        """(name, key, via pinyin) for every key containing ``wanted``, in index order (which
        decides between equal ranks), each key once however often it contains ``wanted``."""
        text, starts, found = self._text, self._starts, self._text.find(wanted)
        while found != -1:
            number = bisect_right(starts, found) - 1
            owner = self._owners[number]
            name = self._names[owner // 2]
            key, via_pinyin = name.keys[owner % 2]
            yield name, key, via_pinyin
            found = text.find(wanted, starts[number] + len(key) + 1)


def _entry(iri: str, text: str, lang: str, label_kind: int) -> IndexedName:
    keys: list[tuple[str, bool]] = []
    direct = fold(text)
    if direct:
        keys.append((direct, False))
    pinyin = pinyin_key(text)
    if pinyin and pinyin != direct:
        keys.append((pinyin, True))
    return IndexedName(iri, text, lang, label_kind, tuple(keys))
