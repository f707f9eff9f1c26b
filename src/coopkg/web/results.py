"""Query results on the wire: the formats per query form, and serialisation with a row cap.

Solutions are serialised by pyoxigraph (in Rust) into a sink that counts rows as the bytes
arrive and stops the serialiser once the cap is passed; the document is then cut after the
last allowed row and closed, so a capped answer is still a valid document, and the response
says it was truncated (never silent). Counting is exact per format: a JSON row boundary is
``},{`` outside strings, an XML row is ``<result>``, a TSV row is a line (TSV escapes newlines),
a CSV row a ``\\r\\n`` outside quotes. Graph results (CONSTRUCT, DESCRIBE) are capped in triples.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import pyoxigraph as ox

SPARQL_JSON = "application/sparql-results+json"
SPARQL_XML = "application/sparql-results+xml"
CSV = "text/csv"
TSV = "text/tab-separated-values"
HTML = "text/html"
TURTLE = "text/turtle"

#: media type → pyoxigraph results format (plain JSON / XML are answered for clients that ask for them)
SOLUTION_FORMATS: dict[str, ox.QueryResultsFormat] = {
    SPARQL_JSON: ox.QueryResultsFormat.JSON,
    SPARQL_XML: ox.QueryResultsFormat.XML,
    CSV: ox.QueryResultsFormat.CSV,
    TSV: ox.QueryResultsFormat.TSV,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/xml": ox.QueryResultsFormat.XML,
}
GRAPH_FORMATS: dict[str, ox.RdfFormat] = {
    TURTLE: ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}

#: formats offered per query form, the first being the default for ``*/*`` or no Accept
AVAILABLE: dict[str, tuple[str, ...]] = {
    "SELECT": (SPARQL_JSON, SPARQL_XML, CSV, TSV, "application/json", "application/xml", HTML),
    "ASK": (SPARQL_JSON, SPARQL_XML, "application/json", "application/xml", HTML),
    "CONSTRUCT": (*GRAPH_FORMATS, HTML),
    "DESCRIBE": (*GRAPH_FORMATS, HTML),
}
#: short names for download links (``?format=``), per media type
SHORT_NAMES = {SPARQL_JSON: "json", SPARQL_XML: "xml", CSV: "csv", TSV: "tsv", TURTLE: "ttl",
               "application/n-triples": "nt", "application/n-quads": "nq", "application/trig": "trig",
               "application/ld+json": "jsonld", "application/rdf+xml": "rdf"}
TEXT_TYPES = frozenset({CSV, TSV, TURTLE, HTML, "application/n-triples", "application/n-quads", "application/trig"})


@dataclass(frozen=True)
class SerializedResult:
    body: bytes
    #: rows (solutions or triples) left out because of the cap; 0 when complete
    truncated: bool


def content_type(media_type: str) -> str:
    return media_type + "; charset=utf-8" if media_type in TEXT_TYPES else media_type


def serialize(results, media_type: str, row_limit: int) -> SerializedResult:
    """Serialise any pyoxigraph query result into ``media_type``, keeping at most ``row_limit`` rows."""
    if isinstance(results, ox.QueryBoolean):
        return SerializedResult(results.serialize(format=SOLUTION_FORMATS[media_type]), False)
    if isinstance(results, ox.QuerySolutions):
        return _serialize_solutions(results, media_type, row_limit)
    triples = list(itertools.islice(results, row_limit + 1))
    truncated = len(triples) > row_limit
    if truncated:
        triples.pop()
    return SerializedResult(ox.serialize(triples, format=GRAPH_FORMATS[media_type]) or b"", truncated)


class _CapPassed(Exception):
    pass


# a string still open at the end of a partial document is one token up to the end
_JSON_TOKENS = re.compile(rb'"(?:[^"\\]|\\.)*(?:"|\\?\Z)|\},\{')
_CSV_TOKENS = re.compile(rb'"(?:[^"]|"")*(?:"|\Z)|\r\n')


class _RowCountingSink:
    """A file-like object for pyoxigraph: keeps the bytes and an upper bound of the rows
    seen; when the bound passes the cap it counts exactly and stops the serialiser if the
    cap is really passed."""

    __slots__ = ("parts", "bound", "checked_at", "limit", "tail", "cheap", "exact")

    def __init__(self, limit: int, cheap: bytes, exact) -> None:
        self.parts: list[bytes] = []
        self.bound = 0
        self.checked_at = limit - 1
        self.limit = limit
        self.tail = b""
        self.cheap = cheap
        self.exact = exact

    def write(self, chunk: bytes) -> int:
        self.parts.append(chunk)
        self.bound += (self.tail + chunk[:len(self.cheap) - 1]).count(self.cheap) + chunk.count(self.cheap)
        self.tail = chunk[-(len(self.cheap) - 1):] if len(self.cheap) > 1 else b""
        if self.bound > self.checked_at:
            if self.exact(b"".join(self.parts), self.limit) is not None:
                raise _CapPassed
            self.checked_at = self.bound
        return len(chunk)

    def flush(self) -> None:
        pass


def _json_cut(document: bytes, limit: int) -> int | None:
    """Offset just after the ``limit``-th row when there is a row after it."""
    seen = 0
    for match in _JSON_TOKENS.finditer(document):
        if match.group() == b"},{":
            seen += 1
            if seen == limit:
                return match.start() + 1
    return None


def _xml_cut(document: bytes, limit: int) -> int | None:
    position = -1
    for _ in range(limit + 1):
        position = document.find(b"<result>", position + 1)
        if position < 0:
            return None
    return position


def _tsv_cut(document: bytes, limit: int) -> int | None:
    position = -1
    for _ in range(limit + 1):  # the header line, then one line per row
        position = document.find(b"\n", position + 1)
        if position < 0:
            return None
    return position + 1 if position + 1 < len(document) else None


def _csv_cut(document: bytes, limit: int) -> int | None:
    seen = 0
    for match in _CSV_TOKENS.finditer(document):
        if match.group() == b"\r\n":
            seen += 1
            if seen == limit + 1:
                end = match.end()
                return end if end < len(document) else None
    return None


#: media type → (cheap upper-bound marker, exact cut finder, closing bytes after a cut)
_ROW_RULES = {
    ox.QueryResultsFormat.JSON: (b"},{", _json_cut, b"]}}"),
    ox.QueryResultsFormat.XML: (b"<result>", _xml_cut, b"</results></sparql>"),
    ox.QueryResultsFormat.TSV: (b"\n", _tsv_cut, b""),
    ox.QueryResultsFormat.CSV: (b"\r\n", _csv_cut, b""),
}


def _serialize_solutions(solutions: ox.QuerySolutions, media_type: str, row_limit: int) -> SerializedResult:
    fmt = SOLUTION_FORMATS[media_type]
    cheap, exact, closing = _ROW_RULES[fmt]
    sink = _RowCountingSink(row_limit, cheap, exact)
    try:
        solutions.serialize(sink, format=fmt)
    except _CapPassed:
        document = b"".join(sink.parts)
        cut = exact(document, row_limit)
        assert cut is not None
        return SerializedResult(document[:cut] + closing, True)
    return SerializedResult(b"".join(sink.parts), False)
