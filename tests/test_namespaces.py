"""Which named graph a data file loads into."""

from pathlib import Path

import pytest

from coopkg.namespaces import GRAPH_BASE, graph_for_data_file


@pytest.mark.parametrize(("path", "graph"), [
    ("papers/000-cascadia-corridor.ttl", "paper-000"),
    ("papers/1042-copy-1038.ttl", "paper-1042"),  # past 999 papers the number grows a digit
    ("papers/12-too-short.ttl", "papers-other"),
    ("papers/notes-about-000.ttl", "papers-other"),
    ("entities/places.ttl", "entities"),
    ("vocab/modes.ttl", "vocab"),
    ("elsewhere.ttl", "data"),
])
def test_graph_for_data_file(path, graph):
    assert graph_for_data_file(Path(path)) == GRAPH_BASE + graph
