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


@pytest.fixture(scope="session")
def linked_data_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small release with known names, a timeline and a SKOS hierarchy (Linked Data tests):
    the mini paper plus tests/fixtures/linked-data/901-linked-data.ttl."""
    base = tmp_path_factory.mktemp("linked-data")
    extra = {"papers/901-linked-data.ttl": (FIXTURES / "linked-data" / "901-linked-data.ttl").read_text("utf-8")}
    dist = base / "dist"
    build(BuildOptions(root=make_project(base, extra), dist=dist), progress=_quiet)
    return dist


@pytest.fixture(scope="session")
def linked_data_app(linked_data_release: Path):
    return create_app({"TESTING": True, "DIST": str(linked_data_release)})


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
