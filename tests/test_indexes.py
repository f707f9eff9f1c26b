"""The release's start-up index files (coopkg.indexes): deterministic bytes, the same facts as a
scan of the store, and the same search results and pages with and without them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from coopkg.indexes import (
    FORMAT,
    INDEX_FILES,
    LABELS_FILE,
    FactCollector,
    escape,
    read_indexes,
    unescape,
    write_indexes,
)
from coopkg.store import ReleaseStore
from coopkg.web import create_app

#: every query the search tests use, plus a few broad ones (many hits: ranking and ties)
SEARCH_QUERIES = ["xian", "Xi'an", "西安", "XIAN", "Xī'ān", "xi an", "Xi’an", "粵港澳", "粤港澳", "粵港澳大灣區",
                  "yuegangao", "大湾区", "GBA", "Greater Bay", "hong kong", "xiany", "咸", "安", "a", "zzzzqqq",
                  "城市", "湾区", "seattle", "bay", "city", "paper", "合作", "e"]
PAGES = ["/", "/?lang=en", "/id/seattle", "/id/global-innovation-exchange", "/id/paper-000", "/id/paper-000-region",
         "/id/mode-city-pair", "/id/scheme-cooperation-modes", "/ontology", "/ontology/City", "/ontology/locatedIn",
         "/ontology/City?lang=en", "/ontology/Exact", "/dataset", "/graph/paper-000", "/sitemap.xml",
         "/id/seatle", "/id/xian", "/id/xian-county", "/id/greater-bay-area", "/ontology/BayArea"]


def _scanned_copy(release: Path, target: Path) -> Path:
    """The release without its index files: the app then scans the store at start-up."""
    shutil.copytree(release, target)
    for name in INDEX_FILES:
        (target / name).unlink()
    return target


@pytest.fixture(scope="module")
def indexed_release(release: Path) -> Path:
    """``coopkg build`` writes the index files into every release."""
    return release


@pytest.fixture(scope="module")
def indexed_app(app):
    return app


@pytest.fixture(scope="module")
def indexed_ld_app(linked_data_app):
    return linked_data_app


@pytest.fixture(scope="module")
def scanned_app(release: Path, tmp_path_factory: pytest.TempPathFactory):
    dist = _scanned_copy(release, tmp_path_factory.mktemp("scanned") / "dist")
    return create_app({"TESTING": True, "DIST": str(dist)})


@pytest.fixture(scope="module")
def scanned_ld_app(linked_data_release: Path, tmp_path_factory: pytest.TempPathFactory):
    dist = _scanned_copy(linked_data_release, tmp_path_factory.mktemp("scanned-ld") / "dist")
    return create_app({"TESTING": True, "DIST": str(dist)})


def test_the_files_are_written_and_named(indexed_release):
    for name in INDEX_FILES:
        assert (indexed_release / name).read_text(encoding="utf-8").startswith(FORMAT + " ")


def test_the_same_dumps_give_the_same_bytes(indexed_release, tmp_path):
    again = tmp_path / "again"
    again.mkdir()
    for name in ("data.nq", "inferred.nt", "ontology.ttl"):
        shutil.copy(indexed_release / name, again / name)
    assert write_indexes(again) == list(INDEX_FILES)
    for name in INDEX_FILES:
        assert (again / name).read_bytes() == (indexed_release / name).read_bytes(), name


def test_the_files_hold_what_a_scan_of_the_store_finds(indexed_release, release):
    scanned = FactCollector().add_all(ReleaseStore(release).store).facts()
    read = read_indexes(indexed_release)
    assert read is not None
    assert list(read.labels) == scanned.labels
    for name in ("subject_types", "sections", "graph_counts", "class_counts", "property_counts"):
        assert getattr(read, name) == getattr(scanned, name), name


def test_the_build_lists_the_files_in_its_checksums(indexed_release):
    listed = {line.split()[1] for line in (indexed_release / "SHA256SUMS").read_text().splitlines()}
    assert set(INDEX_FILES) <= listed


def test_the_app_uses_the_files_when_present_and_scans_otherwise(scanned_app, indexed_app):
    assert indexed_app.extensions["coopkg_site"].from_indexes
    assert not scanned_app.extensions["coopkg_site"].from_indexes


@pytest.mark.parametrize("query", SEARCH_QUERIES)
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_search_results_are_identical_with_and_without_the_files(scanned_app, indexed_app, scanned_ld_app,
                                                                 indexed_ld_app, query, lang):
    params = {"q": query, "limit": 200, "lang": lang}
    for plain, indexed in ((scanned_app.test_client(), indexed_app.test_client()),
                           (scanned_ld_app.test_client(), indexed_ld_app.test_client())):
        assert indexed.get("/search.json", query_string=params).get_json() == \
            plain.get("/search.json", query_string=params).get_json()
        assert indexed.get("/search", query_string=params).data == plain.get("/search", query_string=params).data


@pytest.mark.parametrize("path", PAGES)
def test_pages_are_identical_with_and_without_the_files(scanned_app, indexed_app, scanned_ld_app, indexed_ld_app,
                                                       path):
    for plain, indexed in ((scanned_app.test_client(), indexed_app.test_client()),
                           (scanned_ld_app.test_client(), indexed_ld_app.test_client())):
        expected = plain.get(path, headers={"Accept": "text/html"})
        served = indexed.get(path, headers={"Accept": "text/html"})
        assert (served.status_code, served.data) == (expected.status_code, expected.data)


def test_a_missing_or_older_file_falls_back_to_the_scan(indexed_release, tmp_path):
    copy = tmp_path / "dist"
    shutil.copytree(indexed_release, copy)
    (copy / LABELS_FILE).write_text("#coopkg-index 0 labels\n", encoding="utf-8")
    assert read_indexes(copy) is None
    (copy / LABELS_FILE).unlink()
    assert read_indexes(copy) is None
    assert not create_app({"TESTING": True, "DIST": str(copy)}).extensions["coopkg_site"].from_indexes


@pytest.mark.parametrize("text", ["plain", "tab\there", "two\nlines", "back\\slash\\t", "\r\n\t\\", ""])
def test_escaping_round_trips(text):
    escaped = escape(text)
    assert "\t" not in escaped and "\n" not in escaped
    assert unescape(escaped) == text
