"""Partitioned SHACL validation reports exactly what whole-graph validation reports."""

from __future__ import annotations

import pytest

from conftest import ROOT, make_project
from coopkg.checks import _validate, describe_violations, validate_partitioned
from coopkg.release import turtle
from coopkg.sources import Sources, load_sources
from test_shapes import CASES, PREFIXES


def both_ways(sources: Sources, partition_triples: int, workers: int) -> tuple[tuple, tuple]:
    union = sources.data_union()
    whole = _validate(union, sources.shapes, sources.ontology)
    parts = validate_partitioned(sources.data, sources.shapes, sources.ontology, partition_triples, workers)
    return whole, parts


def assert_same(whole: tuple, parts: tuple) -> None:
    assert parts[0] == whole[0]
    assert describe_violations(parts[1]) == describe_violations(whole[1])
    assert turtle(parts[1]) == turtle(whole[1])


def test_seed_in_many_partitions_reports_what_the_whole_graph_reports():
    whole, parts = both_ways(load_sources(ROOT), partition_triples=2_000, workers=2)
    assert whole[0]
    assert_same(whole, parts)


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_shape_fixture_reports_the_same_violations_in_partitions(case, tmp_path):
    snippet, expected = CASES[case]
    root = make_project(tmp_path, {"papers/901-case.ttl": PREFIXES + snippet + "\n"})
    # partitions of one subject each: every neighbour a focus node needs is in another group
    whole, parts = both_ways(load_sources(root), partition_triples=1, workers=1)
    assert describe_violations(whole[1]) == sorted(expected)
    assert_same(whole, parts)


def test_a_failing_fixture_split_over_two_workers(tmp_path):
    snippet = " ".join(CASES[case][0] for case in sorted(CASES)[:3])
    root = make_project(tmp_path, {"papers/901-case.ttl": PREFIXES + snippet + "\n"})
    whole, parts = both_ways(load_sources(root), partition_triples=20, workers=2)
    assert not whole[0]
    assert_same(whole, parts)


def test_partitioned_validation_reports_each_group():
    sources = load_sources(ROOT)
    said: list[str] = []
    validate_partitioned(sources.data, sources.shapes, sources.ontology, 5_000, 2, progress=said.append)
    assert len(said) >= 3
    expected = [f"SHACL group {n}/{len(said)}" for n in range(1, len(said) + 1)]
    assert [line.split("(")[0].strip() for line in said] == expected
