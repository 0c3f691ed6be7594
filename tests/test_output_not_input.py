"""No command writes its output over the master workbook it reads: `--out` (or `check --report`)
naming the workbook, however spelled, is refused before anything is read or written, and the
workbook keeps every byte. Six commands wrote a one-sheet workbook over it and exited 0: the
customers, items, prices and templates were gone."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from tests.test_month_register import plain

WRITERS = {
    "check": ["check", "{wb}", "--report", "{out}"],
    "panel": ["panel", "{wb}", "--out", "{out}"],
    "calendar": ["calendar", "{wb}", "--from", "2026-04-06", "--to", "2026-04-10", "--out", "{out}"],
    "distribution": ["distribution", "{wb}", "--date", "2026-04-09", "--out", "{out}"],
    "production": ["production", "{wb}", "--date", "2026-04-09", "--out", "{out}"],
    "payments status": ["payments", "status", "{wb}", "--out", "{out}"],
}


@pytest.mark.parametrize("spelled", ["same", "relative"])
@pytest.mark.parametrize("verb", WRITERS)
def test_an_output_naming_the_master_workbook_is_refused_and_the_workbook_kept(sample_workbook, tmp_path, verb,
                                                                                spelled, monkeypatch):
    folder = tmp_path / "desk"
    folder.mkdir()
    workbook = Path(shutil.copy(sample_workbook, folder / "anagrafiche.xlsx"))
    before = workbook.read_bytes()
    monkeypatch.chdir(tmp_path)
    out = str(workbook) if spelled == "same" else os.path.join(".", "desk", "..", "desk", "anagrafiche.xlsx")
    code, said = plain(*(arg.format(wb=workbook, out=out) for arg in WRITERS[verb]))
    option = "--report" if verb == "check" else "--out"
    assert code == 2 and f"è un file che sto leggendo. Scegli un altro nome per {option}." in said, said
    assert "Traceback" not in said
    assert workbook.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == ["anagrafiche.xlsx"]
