"""Every command has --help; running it prints usage and exits 0."""

from __future__ import annotations

import pytest

from coopkg.cli import main


@pytest.mark.parametrize("command", [[], ["build"], ["serve"], ["query"]])
def test_help(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: coopkg" in capsys.readouterr().out


def test_query_on_a_missing_release_is_one_clear_line(tmp_path, capsys):
    query = tmp_path / "q.rq"
    query.write_text("SELECT * WHERE { ?s ?p ?o }", encoding="utf-8")
    assert main(["query", str(query), "--dist", str(tmp_path / "nowhere")]) == 1
    assert capsys.readouterr().err == f"coopkg: error: no release in {tmp_path / 'nowhere'}: run `coopkg build` first\n"
