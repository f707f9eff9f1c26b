"""The W3C SPARQL 1.1 test suites: read the manifests, run a test in-process or over HTTP,
compare what came back with the expected results.

Both runs see the same dataset (the test's ``qt:data`` as the default graph, each
``qt:graphData`` as a named graph) and the same query text (``BASE`` set to the query file's
W3C URL, so relative IRIs resolve as the suite intends). In-process, the results are
pyoxigraph's objects; over HTTP they are parsed back from the bytes the endpoint sent, in the
format of the expected results file (XML for .srx, JSON for .srj, TSV, CSV; N-Triples for
graphs). The comparison is exact on RDF terms, up to blank-node renaming, ordered when the
query's outer level has ORDER BY.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import requests
from rdflib import Graph, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.compare import isomorphic


def _find_suite() -> Path:
    """The W3C data sits in ``shared/w3c`` beside the checkout (``../shared``); a clone made
    elsewhere (CI) finds it through ``COOPKG_W3C_DIR`` or the workplace's ``/work/shared``."""
    candidates = [Path(os.environ["COOPKG_W3C_DIR"])] if os.environ.get("COOPKG_W3C_DIR") else []
    candidates += [Path(__file__).resolve().parents[2] / "shared" / "w3c", Path("/work/shared/w3c")]
    for candidate in candidates:
        if (candidate / "sparql11").is_dir():
            return candidate / "sparql11"
    return candidates[0] / "sparql11"


SUITE = _find_suite()
W3C_BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")
DAWGT = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-dawg#")
RS = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/result-set#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
QUERY_MANIFESTS = ("manifest-sparql11-query.ttl", "manifest-sparql11-results.ttl")
EVALUATION = {"QueryEvaluationTest", "CSVResultFormatTest"}
SYNTAX = {"PositiveSyntaxTest11": True, "NegativeSyntaxTest11": False}
RESULT_MEDIA_TYPES = {".srx": "application/sparql-results+xml", ".srj": "application/sparql-results+json",
                      ".tsv": "text/tab-separated-values", ".csv": "text/csv"}
_PARSE_FORMATS = {".srx": ox.QueryResultsFormat.XML, ".srj": ox.QueryResultsFormat.JSON,
                  ".tsv": ox.QueryResultsFormat.TSV}


@dataclass
class W3CTest:
    id: str
    kind: str
    name: str
    approval: str
    query: Path
    data: list[Path] = field(default_factory=list)
    graph_data: list[Path] = field(default_factory=list)
    result: Path | None = None

    @property
    def query_url(self) -> str:
        return url_of(self.query)

    def query_text(self) -> str:
        return f"BASE <{self.query_url}>\n" + self.query.read_text(encoding="utf-8")


@dataclass
class Outcome:
    passed: bool
    detail: str = ""


def url_of(path: Path) -> str:
    return W3C_BASE + path.resolve().relative_to(SUITE.resolve()).as_posix()


def load_tests() -> list[W3CTest]:
    tests: list[W3CTest] = []
    for top in QUERY_MANIFESTS:
        graph = Graph().parse(SUITE / top, format="turtle")
        for include_list in graph.objects(None, MF.include):
            for manifest in Collection(graph, include_list):
                tests.extend(_tests_of(Path(str(manifest).removeprefix("file://"))))
    return tests


def _tests_of(manifest: Path) -> list[W3CTest]:
    graph = Graph().parse(manifest, format="turtle", publicID=manifest.resolve().as_uri())
    entries = next(graph.objects(None, MF.entries), None)
    found = []
    for entry in Collection(graph, entries) if entries is not None else []:
        kind = str(next(graph.objects(entry, _RDF_TYPE))).rsplit("#", 1)[-1]
        if kind not in EVALUATION and kind not in SYNTAX:
            continue
        approval = next(graph.objects(entry, DAWGT.approval), None)
        test = W3CTest(
            id=f"{manifest.parent.name}/{str(entry).rsplit('#', 1)[-1]}", kind=kind,
            name=str(next(graph.objects(entry, MF.name), "")),
            approval=str(approval).rsplit("#", 1)[-1] if approval else "NotClassified",
            query=Path(""),
        )
        action = next(graph.objects(entry, MF.action))
        if kind in SYNTAX:
            test.query = _path(action)
        else:
            test.query = _path(next(graph.objects(action, QT.query)))
            test.data = [_path(d) for d in graph.objects(action, QT.data)]
            test.graph_data = [_path(d) for d in graph.objects(action, QT.graphData)]
            test.result = _path(next(graph.objects(entry, MF.result)))
        found.append(test)
    return found


_RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def _path(node) -> Path:
    return Path(str(node).removeprefix("file://"))


# --- datasets ---------------------------------------------------------------------------------------------


def build_store(test: W3CTest) -> ox.Store:
    store = ox.Store()
    for path in test.data:
        store.load(path=str(path), format=_rdf_format(path), base_iri=url_of(path))
    for path in test.graph_data:
        store.load(path=str(path), format=_rdf_format(path), base_iri=url_of(path), to_graph=ox.NamedNode(url_of(path)))
    return store


def _rdf_format(path: Path) -> ox.RdfFormat:
    return ox.RdfFormat.from_extension(path.suffix.lstrip(".")) or ox.RdfFormat.TURTLE


# --- running ------------------------------------------------------------------------------------------------


def run_in_process(test: W3CTest) -> Outcome:
    store = build_store(test) if test.kind not in SYNTAX else ox.Store()
    try:
        found = store.query(test.query_text())
    except SyntaxError as error:
        if test.kind in SYNTAX:
            return Outcome(not SYNTAX[test.kind], f"syntax error: {error}")
        return Outcome(False, f"syntax error: {error}")
    except Exception as error:  # parsed, but refused before evaluation (e.g. an unknown custom function)
        if test.kind in SYNTAX:
            return Outcome(SYNTAX[test.kind], f"parsed, not evaluated: {error}")
        return Outcome(False, f"not evaluated: {type(error).__name__}: {error}")
    if test.kind in SYNTAX:
        return Outcome(SYNTAX[test.kind], "parsed")
    try:
        if isinstance(found, ox.QueryBoolean):
            return _compare_boolean(test, bool(found))
        if isinstance(found, ox.QuerySolutions):
            if test.result.suffix == ".csv":
                return _compare_csv(test, found.serialize(format=ox.QueryResultsFormat.CSV))
            return _compare_solutions(test, _rows(found))
        return _compare_graph(test, ox.serialize(found, format=ox.RdfFormat.N_TRIPLES))
    except Exception as error:  # an evaluation error is a failure of this test, not of the run
        return Outcome(False, f"evaluation error: {type(error).__name__}: {error}")


def run_over_http(test: W3CTest, endpoint: str, session: requests.Session) -> Outcome:
    text = test.query_text()
    if test.kind in SYNTAX:
        response = session.post(endpoint, data=text.encode("utf-8"),
                                headers={"Content-Type": "application/sparql-query"})
        parsed = response.status_code == 200 or (
            400 <= response.status_code < 500 and not response.text.startswith("malformed query"))
        if SYNTAX[test.kind]:
            return Outcome(parsed, f"HTTP {response.status_code}: {response.text[:200]}")
        return Outcome(400 <= response.status_code < 500, f"HTTP {response.status_code}")
    expected_kind = _expected_kind(test)
    if expected_kind == "graph":
        accept = "application/n-triples"
    elif expected_kind == "boolean":
        accept = RESULT_MEDIA_TYPES.get(test.result.suffix, "application/sparql-results+json")
        accept = accept if accept in RESULT_MEDIA_TYPES.values() and "sparql-results" in accept else \
            "application/sparql-results+json"
    else:
        accept = RESULT_MEDIA_TYPES.get(test.result.suffix, "application/sparql-results+json")
    response = session.post(endpoint, data=text.encode("utf-8"),
                            headers={"Content-Type": "application/sparql-query", "Accept": accept})
    if response.status_code != 200:
        return Outcome(False, f"HTTP {response.status_code}: {response.text[:300]}")
    media_type = response.headers["Content-Type"].split(";")[0]
    body = response.content
    try:
        if media_type == "application/n-triples":
            return _compare_graph(test, body)
        if media_type == "text/csv":
            return _compare_csv(test, body)
        fmt = {"application/sparql-results+xml": ox.QueryResultsFormat.XML,
               "application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "text/tab-separated-values": ox.QueryResultsFormat.TSV}[media_type]
        parsed = ox.parse_query_results(body, format=fmt)
        if isinstance(parsed, ox.QueryBoolean):
            return _compare_boolean(test, bool(parsed))
        return _compare_solutions(test, _rows(parsed))
    except Exception as error:
        return Outcome(False, f"could not read the answer ({media_type}): {type(error).__name__}: {error}")


def _expected_kind(test: W3CTest) -> str:
    suffix = test.result.suffix
    if suffix in (".ttl", ".rdf", ".nt"):
        return "solutions" if _is_result_set(test.result) else "graph"
    if suffix in _PARSE_FORMATS:
        expected = ox.parse_query_results(path=str(test.result), format=_PARSE_FORMATS[suffix])
        return "boolean" if isinstance(expected, ox.QueryBoolean) else "solutions"
    return "solutions"


# --- comparing ----------------------------------------------------------------------------------------------

Row = dict[str, object]


def _rows(solutions) -> list[Row]:
    names = [v.value for v in solutions.variables]
    return [{name: solution[name] for name in names if solution[name] is not None} for solution in solutions]


def _expected_rows(test: W3CTest) -> list[Row] | bool:
    suffix = test.result.suffix
    if suffix in _PARSE_FORMATS:
        expected = ox.parse_query_results(path=str(test.result), format=_PARSE_FORMATS[suffix])
        return bool(expected) if isinstance(expected, ox.QueryBoolean) else _rows(expected)
    return _result_set_rows(test.result)


def _compare_boolean(test: W3CTest, actual: bool) -> Outcome:
    expected = _expected_rows(test)
    return Outcome(expected is actual, f"expected {expected}, got {actual}")


def _compare_solutions(test: W3CTest, actual: list[Row]) -> Outcome:
    expected = _expected_rows(test)
    if isinstance(expected, bool):
        return Outcome(False, "expected a boolean, got solutions")
    ordered = _is_ordered(test.query.read_text(encoding="utf-8"))
    same = solutions_match(expected, actual, ordered)
    return Outcome(same, "" if same else f"expected {_show(expected)}\n got {_show(actual)}")


def _compare_graph(test: W3CTest, ntriples: bytes) -> Outcome:
    actual = Graph().parse(data=ntriples.decode("utf-8"), format="nt")
    fmt = {".ttl": "turtle", ".rdf": "xml", ".nt": "nt"}[test.result.suffix]
    expected = Graph().parse(test.result, format=fmt, publicID=url_of(test.result))
    same = isomorphic(expected, actual)
    return Outcome(same, "" if same else f"expected {len(expected)} triples, got {len(actual)}")


def _compare_csv(test: W3CTest, body: bytes) -> Outcome:
    expected = list(csv.reader(io.StringIO(test.result.read_text(encoding="utf-8"), newline="")))
    actual = list(csv.reader(io.StringIO(body.decode("utf-8"), newline="")))
    if not expected or not actual or set(expected[0]) != set(actual[0]):
        return Outcome(False, f"headers differ: {expected[:1]} vs {actual[:1]}")

    def as_rows(table: list[list[str]]) -> list[Row]:
        rows = []
        for line in table[1:]:
            row = {}
            for name, value in zip(table[0], line, strict=False):
                if value:
                    row[name] = ox.BlankNode(value[2:]) if value.startswith("_:") else value
            rows.append(row)
        return rows

    same = solutions_match(as_rows(expected), as_rows(actual), _is_ordered(test.query.read_text(encoding="utf-8")))
    return Outcome(same, "" if same else f"expected {expected}\n got {actual}")


def _is_ordered(query: str) -> bool:
    outer = query[query.rfind("}"):] if "}" in query else query
    return re.search(r"ORDER\s+BY", outer, re.IGNORECASE) is not None


def _show(rows: list[Row]) -> str:
    return "; ".join("{" + ", ".join(f"{k}={v}" for k, v in sorted(r.items())) + "}" for r in rows[:20])


XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + name for name in ("integer", "decimal", "double", "float", "int", "long", "short", "byte",
                                    "nonNegativeInteger", "positiveInteger", "negativeInteger",
                                    "nonPositiveInteger", "unsignedInt", "unsignedLong")}


def _canonical(value):
    """Compare numbers by value within their datatype ("1.0"^^xsd:decimal is "1"^^xsd:decimal), as
    the suite's own harnesses do; every other term as is."""
    if isinstance(value, ox.Literal) and value.datatype.value in _NUMERIC:
        from decimal import Decimal, InvalidOperation

        try:
            number = float(value.value) if value.datatype.value in (XSD + "double", XSD + "float") \
                else Decimal(value.value).normalize()
        except (InvalidOperation, ValueError):
            return value
        return f"{number!r}^^{value.datatype.value}"
    return value


def solutions_match(expected: list[Row], actual: list[Row], ordered: bool) -> bool:
    """Equal as multisets (or sequences) of solutions, up to a consistent renaming of blank nodes."""
    expected = [{k: _canonical(v) for k, v in row.items()} for row in expected]
    actual = [{k: _canonical(v) for k, v in row.items()} for row in actual]
    if len(expected) != len(actual):
        return False
    has_bnodes = any(isinstance(v, ox.BlankNode) for row in expected + actual for v in row.values())
    if not has_bnodes:
        if ordered:
            return [_key(r) for r in expected] == [_key(r) for r in actual]
        return Counter(_key(r) for r in expected) == Counter(_key(r) for r in actual)
    return _match_with_bnodes(expected, actual, ordered, 0, {}, set(), set())


def _key(row: Row) -> tuple:
    return tuple(sorted((k, str(v)) for k, v in row.items()))


def _match_with_bnodes(expected, actual, ordered, index, mapping, used_targets, used_rows) -> bool:
    if index == len(expected):
        return True
    candidates = [index] if ordered else [i for i in range(len(actual)) if i not in used_rows]
    for candidate in candidates:
        extension = _row_mapping(expected[index], actual[candidate], mapping, used_targets)
        if extension is None:
            continue
        new_mapping = {**mapping, **extension}
        if _match_with_bnodes(expected, actual, ordered, index + 1, new_mapping,
                              used_targets | set(extension.values()), used_rows | {candidate}):
            return True
    return False


def _row_mapping(expected: Row, actual: Row, mapping: dict, used_targets: set) -> dict | None:
    if expected.keys() != actual.keys():
        return None
    extension: dict = {}
    for name, value in expected.items():
        other = actual[name]
        if isinstance(value, ox.BlankNode):
            if not isinstance(other, ox.BlankNode):
                return None
            bound = mapping.get(value.value, extension.get(value.value))
            if bound is None:
                if other.value in used_targets or other.value in extension.values():
                    return None
                extension[value.value] = other.value
            elif bound != other.value:
                return None
        elif value != other:
            return None
    return extension


# --- DAWG result sets written in RDF (rs:ResultSet) ---------------------------------------------------------


def _is_result_set(path: Path) -> bool:
    graph = Graph().parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
    return (None, _RDF_TYPE, RS.ResultSet) in graph


def _result_set_rows(path: Path) -> list[Row] | bool:
    graph = Graph().parse(path, format="turtle" if path.suffix == ".ttl" else "xml", publicID=url_of(path))
    result_set = next(graph.subjects(_RDF_TYPE, RS.ResultSet))
    boolean = next(graph.objects(result_set, RS.boolean), None)
    if boolean is not None:
        return bool(boolean.toPython())
    rows = []
    for solution in graph.objects(result_set, RS.solution):
        row: Row = {}
        for binding in graph.objects(solution, RS.binding):
            name = str(next(graph.objects(binding, RS.variable)))
            row[name] = _ox_term(next(graph.objects(binding, RS.value)))
        rows.append(row)
    return rows


def _ox_term(term):
    from rdflib import BNode, Literal

    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)) if term.datatype else None)
    return ox.NamedNode(str(term))
