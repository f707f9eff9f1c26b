"""Every way a build can fail says what is wrong, exits non-zero and leaves dist/ as it was."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import make_project
from coopkg import release as release_module
from coopkg.build import BuildOptions, build
from coopkg.cli import main
from coopkg.reasoning import ReasoningBudget

PREFIXES = """@prefix coop: <https://w3id.org/coopkg/ontology#> .
@prefix kg: <https://w3id.org/coopkg/id/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
"""


def tree_digest(directory: Path) -> str:
    """A digest of every file name and byte under ``directory``."""
    digest = hashlib.sha256()
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(directory)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture()
def project_with_release(tmp_path: Path) -> tuple[Path, Path, str]:
    """A valid project with a first release already published."""
    root = make_project(tmp_path)
    dist = root / "dist"
    assert main(["build", "--root", str(root), "--out", str(dist), "--no-reason"]) == 0
    return root, dist, tree_digest(dist)


def run_build(root: Path, dist: Path, capsys, *extra: str) -> tuple[int, str]:
    code = main(["build", "--root", str(root), "--out", str(dist), *extra])
    return code, capsys.readouterr().err


def error_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if not line.startswith(("[", "      done"))]


def test_syntax_error_is_reported_as_file_line_and_reason(project_with_release, capsys):
    root, dist, before = project_with_release
    bad = root / "data" / "papers" / "901-bad.ttl"
    bad.write_text(PREFIXES + "kg:a a coop:City ;\n    coop:locatedIn <http://bad iri> .\n", encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    assert error_lines(err) == [
        "coopkg: error: data/papers/901-bad.ttl:6:20: syntax error: Invalid IRI code point ' '"
    ]
    assert tree_digest(dist) == before


def test_bad_language_tag_is_rejected_although_rdflib_accepts_it(project_with_release, capsys):
    root, dist, before = project_with_release
    bad = root / "data" / "papers" / "901-bad.ttl"
    bad.write_text(PREFIXES + 'kg:test-city skos:altLabel "x"@en-- .\n', encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    assert error_lines(err) == [
        "coopkg: error: data/papers/901-bad.ttl:5:36: syntax error: "
        "The allowed base directions are --ltr and --rtl, found --"
    ]
    assert tree_digest(dist) == before


def test_files_other_than_turtle_or_ntriples_are_refused(project_with_release, capsys):
    root, dist, before = project_with_release
    (root / "data" / "papers" / "notes.json").write_text("{}", encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    assert error_lines(err) == [
        "coopkg: error: data/papers/notes.json: refused: data/ holds only Turtle (.ttl) or N-Triples (.nt) files"
    ]
    assert tree_digest(dist) == before


def test_undefined_ontology_term_is_named(project_with_release, capsys):
    root, dist, before = project_with_release
    (root / "data" / "papers" / "901-typo.ttl").write_text(
        PREFIXES + "kg:test-city coop:locatedin kg:testland .\n", encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    assert error_lines(err) == [
        "coopkg: error: undefined terms: 1 problem(s)",
        "  graph <https://w3id.org/coopkg/graph/paper-901>: property "
        "<https://w3id.org/coopkg/ontology#locatedin> is not defined in ontology/",
    ]
    assert tree_digest(dist) == before


def test_dangling_reference_is_named(project_with_release, capsys):
    root, dist, before = project_with_release
    (root / "data" / "papers" / "901-dangling.ttl").write_text(
        PREFIXES + "kg:test-city coop:locatedIn kg:testlnd .\n", encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    assert error_lines(err) == [
        "coopkg: error: dangling references: 1 problem(s)",
        "  graph <https://w3id.org/coopkg/graph/paper-901>: <https://w3id.org/coopkg/id/test-city> "
        "coop:locatedIn <https://w3id.org/coopkg/id/testlnd>: "
        "<https://w3id.org/coopkg/id/testlnd> is described nowhere",
    ]
    assert tree_digest(dist) == before


def test_blank_nodes_are_refused(project_with_release, capsys):
    root, dist, before = project_with_release
    (root / "data" / "papers" / "901-bnode.ttl").write_text(
        PREFIXES + "kg:test-city coop:locatedIn [ a coop:Country ] .\n", encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    assert "coopkg: error: blank nodes: 2 problem(s)" in err
    assert tree_digest(dist) == before


def test_shacl_violation_gives_focus_path_and_message(project_with_release, capsys):
    root, dist, before = project_with_release
    (root / "data" / "papers" / "901-label.ttl").write_text(
        PREFIXES + 'kg:second-city a coop:City ; skos:prefLabel "第二市"@zh ; coop:statedIn kg:paper-900-s1 .\n',
        encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    assert error_lines(err) == [
        "coopkg: error: SHACL: 1 problem(s)",
        "  focus <https://w3id.org/coopkg/id/second-city>, path <http://www.w3.org/2004/02/skos/core#prefLabel>, "
        "message: an English skos:prefLabel (@en) is required",
    ]
    assert tree_digest(dist) == before


def test_runaway_closure_stops_on_the_size_budget(project_with_release, capsys):
    root, dist, before = project_with_release
    # a 60-step transitive containment chain entails ~1 800 triples from ~300
    chain = [f"kg:n{i} a coop:Region ; skos:prefLabel \"n{i}\"@zh , \"n{i}\"@en ; coop:statedIn kg:paper-900-s1 ;"
             f" coop:locatedIn kg:n{i + 1} ." for i in range(60)]
    chain.append('kg:n60 a coop:Region ; skos:prefLabel "n60"@zh , "n60"@en ; coop:statedIn kg:paper-900-s1 .')
    (root / "data" / "papers" / "901-chain.ttl").write_text(PREFIXES + "\n".join(chain) + "\n", encoding="utf-8")
    code, err = run_build(root, dist, capsys, "--max-ratio", "2")
    assert code == 1
    lines = error_lines(err)
    assert len(lines) == 1
    assert lines[0].startswith("coopkg: error: OWL RL closure stopped at ")
    assert lines[0].endswith(" asserted (size budget); look for owl:sameAs chains or runaway property chains")
    assert tree_digest(dist) == before


def test_runaway_closure_stops_on_the_time_budget(tmp_path):
    root = make_project(tmp_path)
    with pytest.raises(Exception, match=r"OWL RL closure stopped after 0\.001 s \(time budget\)"):
        build(BuildOptions(root, tmp_path / "dist", budget=ReasoningBudget(seconds=0.001)), progress=lambda m: None)


def test_inconsistency_found_by_owl_rl_stops_the_build(project_with_release, capsys):
    root, dist, before = project_with_release
    (root / "data" / "papers" / "901-disjoint.ttl").write_text(
        PREFIXES + "kg:test-city a coop:Person .\n", encoding="utf-8")
    code, err = run_build(root, dist, capsys)
    assert code == 1
    lines = error_lines(err)
    assert lines[0].startswith("coopkg: error: OWL RL found the graph inconsistent: ")
    assert "test-city" in lines[0]
    assert tree_digest(dist) == before


def test_failure_while_writing_leaves_previous_release_and_no_debris(project_with_release, monkeypatch):
    root, dist, before = project_with_release

    def explode(content, out):
        (out / "data.nq").write_text("half-written", encoding="utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(release_module, "_write_all", explode)
    with pytest.raises(OSError, match="disk full"):
        build(BuildOptions(root, dist, reason=False), progress=lambda m: None)
    assert tree_digest(dist) == before
    assert sorted(p.name for p in dist.parent.iterdir() if p.name.startswith(".dist")) == []


def test_interrupted_swap_is_recovered_by_the_next_build(project_with_release):
    root, dist, before = project_with_release
    parked = dist.parent / ".dist.old-crashed"
    dist.rename(parked)  # as if a build died between its two renames
    release_module.recover_interrupted_publish(dist)
    assert tree_digest(dist) == before


def test_successful_build_replaces_the_release(project_with_release):
    root, dist, before = project_with_release
    (root / "data" / "papers" / "901-more.ttl").write_text(
        PREFIXES + 'kg:other-city a coop:City ; skos:prefLabel "另一市"@zh , "Other City"@en ;'
        " coop:statedIn kg:paper-900-s1 .\n", encoding="utf-8")
    assert main(["build", "--root", str(root), "--out", str(dist), "--no-reason"]) == 0
    assert tree_digest(dist) != before
    assert b"other-city" in (dist / "data.nq").read_bytes()


def test_cli_error_is_one_line_and_nonzero_exit(tmp_path):
    root = make_project(tmp_path, {"papers/901-bad.ttl": "@prefix kg: <https://w3id.org/coopkg/id/> .\nkg:a kg:b"})
    result = subprocess.run([sys.executable, "-m", "coopkg.cli", "build", "--root", str(root), "--out",
                             str(tmp_path / "dist"), "--no-reason"], capture_output=True, text=True)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("coopkg:")]
    assert len(errors) == 1
    assert errors[0].startswith("coopkg: error: data/papers/901-bad.ttl:2:")
    assert not (tmp_path / "dist").exists()
