"""Shared fixtures: the real release built once per session, a Flask client over it,
and small throw-away projects for the failure-mode tests."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from coopkg.build import BuildOptions, build
from coopkg.store import open_store
from coopkg.web import create_app

#: the project whose sources the session release is built from (override to test another tree)
ROOT = Path(os.environ.get("COOPKG_ROOT", Path(__file__).resolve().parent.parent))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PREFIXES = """PREFIX coop: <https://w3id.org/coopkg/ontology#>
PREFIX kg: <https://w3id.org/coopkg/id/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _quiet(_message: str) -> None:
    pass


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's own sources, built (checked and reasoned) into a temporary dist/."""
    dist = tmp_path_factory.mktemp("release") / "dist"
    build(BuildOptions(root=ROOT, dist=dist), progress=_quiet)
    return dist


@pytest.fixture(scope="session")
def store(release: Path):
    return open_store(release)


@pytest.fixture(scope="session")
def app(release: Path):
    return create_app({"TESTING": True, "DIST": str(release)})


@pytest.fixture()
def client(app):
    return app.test_client()


def make_project(base: Path, extra: dict[str, str] | None = None) -> Path:
    """A small project: the real ontology and shapes, the mini data file, plus ``extra``
    files (relative path under data/ → content)."""
    root = base / "project"
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "shapes", root / "shapes")
    (root / "data" / "papers").mkdir(parents=True)
    shutil.copy(FIXTURES / "mini" / "000-mini.ttl", root / "data" / "papers" / "900-mini.ttl")
    for relative, content in (extra or {}).items():
        path = root / "data" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    return root


def select(store, query: str) -> list[tuple[str, ...]]:
    """Run a SELECT with our prefixes; return rows of plain strings, sorted."""
    rows = []
    for solution in store.query(PREFIXES + query):
        rows.append(tuple(term.value if term is not None else "" for term in solution))
    return sorted(rows)
