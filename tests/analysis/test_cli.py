from __future__ import annotations

import json
from pathlib import Path

import pytest

from exchange_analysis.cli import main
from tests.analysis.conftest import FOOD, STAFF, WAITING


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "feedback.csv"
    rows = ["comment,when"] + [
        f'"{t}",2022-0{5 + i % 3}-01' for i, t in enumerate(WAITING + STAFF + FOOD)
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_analyse_json(csv_file, capsys):
    assert (
        main(
            [
                "analyse",
                str(csv_file),
                "--column",
                "comment",
                "--date-column",
                "when",
                "--themes",
                "3",
                "--json",
                "--embedder",
                "tfidf",
            ]
        )
        == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert len(out["themes"]) == 3
    assert len(out["assignments"]) == 24


@pytest.mark.parametrize("suffix", [".md", ".html", ".json"])
def test_themes_alias_writes_report(csv_file, tmp_path, suffix):
    out = tmp_path / f"report{suffix}"
    assert (
        main(
            [
                "themes",
                str(csv_file),
                "--text-col",
                "comment",
                "--out",
                str(out),
                "--embedder",
                "tfidf",
            ]
        )
        == 0
    )
    assert out.read_text()


def test_missing_column(csv_file, capsys):
    assert main(["analyse", str(csv_file), "--column", "text"]) == 2
    err = capsys.readouterr().err
    assert "no column 'text'" in err
    assert "'comment'" in err


def test_missing_file(tmp_path, capsys):
    assert main(["analyse", str(tmp_path / "nope.csv"), "--column", "x"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_empty_file(tmp_path, capsys):
    path = tmp_path / "empty.csv"
    path.write_text("")
    assert main(["analyse", str(path), "--column", "x"]) == 2
    assert "empty" in capsys.readouterr().err


def test_header_only(tmp_path, capsys):
    path = tmp_path / "header.csv"
    path.write_text("comment\n")
    assert main(["analyse", str(path), "--column", "comment"]) == 2
    assert "no rows" in capsys.readouterr().err


def test_undecodable_bytes(tmp_path, capsys):
    path = tmp_path / "latin1.csv"
    path.write_bytes("comment\ncaf\xe9 was cold\n".encode("latin-1"))
    assert main(["analyse", str(path), "--column", "comment"]) == 2
    assert "not UTF-8" in capsys.readouterr().err


def test_bad_theme_count(csv_file):
    with pytest.raises(SystemExit) as exc:
        main(["analyse", str(csv_file), "--column", "comment", "--themes", "0"])
    assert exc.value.code == 2


def test_unknown_embedder(csv_file, capsys):
    assert main(["analyse", str(csv_file), "--column", "comment", "--embedder", "bert"]) == 2
    assert "unknown embedder" in capsys.readouterr().err


def test_redact_text_and_file(tmp_path, capsys):
    assert main(["redact", "--text", "Ring Sarah Jones on 07700 900123"]) == 0
    assert capsys.readouterr().out.strip() == "Ring [NAME] on [PHONE]"
    path = tmp_path / "c.csv"
    path.write_text("comment\nemail jo@example.com\n")
    assert main(["redact", str(path), "--column", "comment"]) == 0
    assert "[EMAIL]" in capsys.readouterr().out
    assert main(["redact", str(path)]) == 2


def test_code(tmp_path, capsys):
    train = tmp_path / "train.csv"
    train.write_text(
        "comment,codes\n"
        + "\n".join(f'"{t}",waiting' for t in WAITING)
        + "\n"
        + "\n".join(f'"{t}",food' for t in FOOD)
        + "\n"
    )
    new = tmp_path / "new.csv"
    new.write_text("comment\nthe food was cold\n")
    assert (
        main(["code", str(train), str(new), "--column", "comment", "--codes-column", "codes"]) == 0
    )
    assert "food" in capsys.readouterr().out.splitlines()[1]


def test_semicolon_csv_with_bom(tmp_path, capsys):
    path = tmp_path / "excel.csv"
    rows = ["comment;when"] + [f"{t};2022-05-01" for t in WAITING + FOOD]
    path.write_bytes(("\n".join(rows) + "\n").encode("utf-8-sig"))
    assert main(["analyse", str(path), "--column", "comment", "--json", "--themes", "2"]) == 0
    assert len(json.loads(capsys.readouterr().out)["assignments"]) == 16
