"""The same sources give byte-identical dumps, whatever PYTHONHASHSEED is."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import make_project

FILES = ["data.nq", "data.ttl", "inferred.nt", "inferred.ttl", "ontology.ttl", "shapes.ttl", "void.ttl", "SHA256SUMS"]


def build_with_seed(root: Path, out: Path, seed: str) -> None:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    subprocess.run([sys.executable, "-m", "coopkg.cli", "build", "--root", str(root), "--out", str(out)],
                   check=True, env=env, capture_output=True)


def test_two_builds_with_different_hash_seeds_are_byte_identical(tmp_path):
    from conftest import ROOT

    first, second = tmp_path / "a", tmp_path / "b"
    build_with_seed(ROOT, first, "0")
    build_with_seed(ROOT, second, "4242")
    for name in FILES:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name


def test_nquads_are_sorted_and_name_one_graph_per_paper(tmp_path):
    root = make_project(tmp_path)
    build_with_seed(root, tmp_path / "dist", "1")
    lines = (tmp_path / "dist" / "data.nq").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)
    assert {line.rsplit(" ", 2)[-2] for line in lines} == {"<https://w3id.org/coopkg/graph/paper-900>"}
