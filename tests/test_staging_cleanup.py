"""Directories a killed build left beside dist/ are removed by the next release write, and only
those: a directory another running build (or this process) is writing stays."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from coopkg import release as release_module
from coopkg.release import owner_prefix, write_release
from test_release_writer import files, small_content


def leftover(dist: Path, kind: str, pid: int, name: str = "leftover") -> Path:
    """A half-written directory as the build ``pid`` would have named it."""
    path = dist.parent / (owner_prefix(dist, kind, pid) + name)
    path.mkdir()
    (path / "data.nq").write_text("half-written", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def expected(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """The files of the small release written where nothing was left over."""
    dist = tmp_path_factory.mktemp("clean") / "dist"
    write_release(small_content(), dist)
    return files(dist)


def exited_pid() -> int:
    """The pid of a process that has exited (and been waited for)."""
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


@pytest.fixture()
def running_pid() -> Iterator[int]:
    """The pid of another process that is still running (as a concurrent build would be)."""
    child = subprocess.Popen(["sleep", "60"])
    try:
        yield child.pid
    finally:
        child.kill()
        child.wait()


def test_a_killed_builds_directories_are_removed_and_a_running_ones_kept(tmp_path, expected, running_pid):
    dist = tmp_path / "dist"
    write_release(small_content(), dist)
    dead = exited_pid()
    stale_new, stale_old = leftover(dist, "new", dead), leftover(dist, "old", dead)
    other_build = leftover(dist, "new", running_pid)
    ours = release_module._owned_mkdtemp(dist, "new")  # as a write in another thread of this process
    try:
        messages: list[str] = []
        write_release(small_content(), dist, progress=messages.append)
        assert not stale_new.exists() and not stale_old.exists()
        assert other_build.exists() and (other_build / "data.nq").exists()
        assert ours.exists()
        assert sorted(messages) == sorted(f"      removed {p.name}: a {what} left by a build that no longer runs"
                                          for p, what in ((stale_new, "staging directory"),
                                                          (stale_old, "replaced release")))
        assert files(dist) == expected
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["dist", other_build.name, ours.name])
    finally:
        release_module._CREATED.discard(ours)


def test_nothing_left_over_nothing_said(tmp_path, expected):
    messages: list[str] = []
    write_release(small_content(), tmp_path / "dist", progress=messages.append)
    write_release(small_content(), tmp_path / "dist", progress=messages.append)
    assert messages == []
    assert [p.name for p in tmp_path.iterdir()] == ["dist"]
    assert files(tmp_path / "dist") == expected


def test_a_reused_pid_does_not_protect_a_leftover(tmp_path, expected):
    """This process's own pid on a directory it did not make: a killed build had the pid before
    (PID 1 in a restarted container)."""
    dist = tmp_path / "dist"
    stale = leftover(dist, "new", os.getpid())
    messages: list[str] = []
    write_release(small_content(), dist, progress=messages.append)
    assert not stale.exists() and len(messages) == 1
    assert files(dist) == expected


def test_a_directory_whose_owner_cannot_be_asked_is_removed_only_when_old(tmp_path, monkeypatch):
    dist = tmp_path / "dist"
    unnamed = dist.parent / ".dist.new-k2x9q0ab"  # as named before owners were
    other_host = dist.parent / f".dist.new-elsewhere-{exited_pid()}-k2x9q0ab"
    for path in (unnamed, other_host):
        path.mkdir()
    write_release(small_content(), dist, progress=lambda m: None)
    assert unnamed.exists() and other_host.exists()
    monkeypatch.setattr(release_module, "ABANDONED_AFTER", -1)
    write_release(small_content(), dist, progress=lambda m: None)
    assert not unnamed.exists() and not other_host.exists()


def test_without_a_release_a_parked_one_is_put_back_not_removed(tmp_path, expected, running_pid):
    """A killed build's parked release is the release when dist/ is gone; a running build's
    parked release is about to be replaced by that build, so it is left to it."""
    dist = tmp_path / "dist"
    write_release(small_content(), dist)
    parked_by_running = leftover(dist, "old", running_pid)
    dist.rename(parked := dist.parent / (owner_prefix(dist, "old", exited_pid()) + "parked"))
    release_module.recover_interrupted_publish(dist)
    assert files(dist) == expected and not parked.exists() and parked_by_running.exists()
