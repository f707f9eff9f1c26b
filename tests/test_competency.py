"""Competency questions: each tests/competency/*.rq runs against the built graph
(asserted + OWL 2 RL closure, union of all graphs) and must give its .tsv answer."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

HERE = Path(__file__).resolve().parent / "competency"
QUERIES = sorted(HERE.glob("*.rq"))
SHORT = {"https://w3id.org/coopkg/id/": "kg:", "https://w3id.org/coopkg/ontology#": "coop:"}


def show(term) -> str:
    """The .tsv notation: kg:slug / coop:Term for our IRIs, <iri> otherwise, literals bare."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for namespace, prefix in SHORT.items():
            if term.value.startswith(namespace):
                return prefix + term.value[len(namespace):]
        return f"<{term.value}>"
    return term.value


def expected_rows(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    lines = path.read_text(encoding="utf-8").rstrip("\n").split("\n")
    header = lines[0].split("\t")
    return header, [tuple(line.split("\t")) for line in lines[1:]]


def test_there_are_at_least_fifty_questions():
    assert len(QUERIES) >= 50, [q.name for q in QUERIES]


def assert_answers(query_file: Path, dataset) -> None:
    """Run one competency question on ``dataset`` (embedded or remote) and compare with its .tsv."""
    text = query_file.read_text(encoding="utf-8")
    header, expected = expected_rows(query_file.with_suffix(".tsv"))
    solutions = dataset.query(text)
    assert [v.value for v in solutions.variables] == header
    actual = [tuple(show(solution[v]) for v in solutions.variables) for solution in solutions]
    if "# ordered: true" in text:
        assert actual == expected
    else:
        assert sorted(actual) == sorted(expected)


@pytest.mark.parametrize("query_file", QUERIES, ids=[q.stem for q in QUERIES])
def test_competency_question(query_file: Path, store):
    text = query_file.read_text(encoding="utf-8")
    assert "# question-en:" in text and "# question-zh:" in text
    assert_answers(query_file, store)
