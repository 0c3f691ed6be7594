"""Hostile or mistaken input on the command line: a clear message and exit 2, never an internal
error (exit 3) or a traceback, and nothing written or lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from toolkit.cli import app, output


def toolkit(args: list[str], capsys) -> tuple[int, dict, str]:
    """Run one command line in this process with --json: its exit code, its JSON, its stderr."""
    app._register()
    output.reset()
    code = app.run([*args, "--json"])
    captured = capsys.readouterr()
    return code, json.loads(captured.out), captured.err


def message(answer: dict) -> str:
    return " ".join(p["message"] for p in answer["problems"])


@pytest.fixture(scope="module")
def ordered(tmp_path_factory, sample_workbook) -> Path:
    """The sample with April 9 ordered: a ledger with numbers in it."""
    folder = tmp_path_factory.mktemp("ordered")
    workbook = folder / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    app._register()
    output.reset()
    assert app.run(["orders", "create", str(workbook), "--date", "2026-04-09"]) == 0
    return folder


@pytest.fixture
def desk(tmp_path, ordered, capsys) -> Path:
    capsys.readouterr()
    for name in ("anagrafiche.xlsx", "anagrafiche.xlsx.ledger.sqlite"):
        shutil.copy(ordered / name, tmp_path / name)
    return tmp_path / "anagrafiche.xlsx"


def ledger_of(workbook: Path) -> Path:
    return workbook.with_name(workbook.name + ".ledger.sqlite")


@pytest.mark.parametrize("args", [
    ["orders", "preview", "{wb}", "--date", "0001-01-01"],
    ["orders", "create", "{wb}", "--date", "0001-01-01"],
    ["orders", "preview", "{wb}", "--date", "9999-12-31"],
    ["invoice", "run", "{wb}", "--month", "9999-12", "--out", "{dir}/f"],
    ["report", "sales", "{wb}", "--from", "0001-01-01", "--to", "9999-12-31", "--compare", "previous",
     "--out", "{dir}/r.xlsx"],
    ["calendar", "{wb}", "--from", "0001-01-01", "--to", "9999-12-31"],
])
def test_a_date_outside_the_century_is_a_usage_mistake(args, desk, capsys):
    before = ledger_of(desk).read_bytes()
    filled = [a.format(wb=desk, dir=desk.parent) for a in args]
    code, answer, _ = toolkit(filled, capsys)
    assert code == 2
    assert "only dates from 2000 to 2099" in message(answer)
    assert "solo date dal 2000 al 2099" in message(answer)
    assert ledger_of(desk).read_bytes() == before
    assert sorted(p.name for p in desk.parent.iterdir()) == ["anagrafiche.xlsx", "anagrafiche.xlsx.ledger.sqlite"]
