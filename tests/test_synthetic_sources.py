"""benchmarks/synthetic.py --sources writes a source tree of the seed's shape that passes every check."""

from __future__ import annotations

import sys
from pathlib import Path

from conftest import ROOT
from coopkg.checks import run_checks
from coopkg.sources import load_sources

sys.path.insert(0, str(ROOT / "benchmarks"))

from synthetic import generate_sources  # noqa: E402


def test_copies_pass_the_checks_and_reach_the_target_size(tmp_path: Path):
    seed = load_sources(ROOT)
    seed_triples = len(seed.data_union())
    copies, written = generate_sources(ROOT, tmp_path / "src", 3 * seed_triples)
    assert copies > 2
    sources = load_sources(tmp_path / "src")
    report = run_checks(sources)
    assert report.shacl_conforms and report.shacl_violations == 0
    graphs = {source.graph for source in sources.data_files}
    assert "https://w3id.org/coopkg/graph/paper-005" in graphs
    assert len(graphs) == len({source.graph for source in seed.data_files}) + copies - 1
    # shared entities and vocabulary are kept once; only what the papers describe is copied
    assert 2.7 * seed_triples < len(sources.data_union()) <= written < 3.3 * seed_triples
    ontology = Path("ontology") / "coopkg.ttl"
    assert (tmp_path / "src" / ontology).read_bytes() == (ROOT / ontology).read_bytes()
