"""A month-end run from the command line ends by saying what comes next, as a command that runs as
written: a draft run ended with *Emessi 7 documenti (in bozza), emissione 20260430-….* and a
newcomer did not know that the id was to be typed into `invoice finalize`, nor that the files for
SDI come after it (the panel's button said it; the command line did not)."""

from __future__ import annotations

import shlex
import shutil

import pytest
from test_printing import cli


def _told(said: str, command: str) -> list[str]:
    """The command line a message tells (`toolkit invoice finalize …`), up to its first «;» or «(»."""
    start = said.index(f"toolkit {command} ")
    return shlex.split(said[start:].splitlines()[0].split(" (")[0].split(";")[0].split(". ")[0].rstrip("."))


@pytest.mark.parametrize("lang", ["it", "en"])
def test_a_draft_run_names_its_finalize_and_a_final_run_its_einvoice_each_runs_as_written(
        capsys, tmp_path, sample_workbook, monkeypatch, lang):
    shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx")
    monkeypatch.chdir(tmp_path)
    for verb in (("orders", "create"), ("ship",)):
        code, said = cli(capsys, *verb, "anagrafiche.xlsx", "--date", "2026-04-09", *(["--all"] if verb == ("ship",)
                                                                                     else []), "--lang", lang)
        assert code == 0, said
    code, said = cli(capsys, "invoice", "anagrafiche.xlsx", "--month", "2026-04", "--out", "fatture", "--lang", lang)
    assert code == 0, said
    finalize = _told(said, "invoice finalize")
    assert finalize[:4] == ["toolkit", "invoice", "finalize", "anagrafiche.xlsx"] and len(finalize) == 5, said
    assert ("Controlla" if lang == "it" else "Check") in said
    code, said = cli(capsys, *finalize[1:], "--lang", lang)
    assert code == 0, said
    einvoice, register = _told(said, "einvoice"), _told(said, "invoice export")
    assert "--month" in einvoice and "2026-04" in einvoice, said  # the month's, immediate invoices too, as the README
    code, said = cli(capsys, *einvoice[1:], "--lang", lang)
    assert code == 0, said
    assert list(tmp_path.glob("fatture-elettroniche/*.xml")) and list(tmp_path.glob("fatture-elettroniche/*.zip"))
    code, said = cli(capsys, *register[1:], "--lang", lang)
    assert code == 0, said
    assert len(list(tmp_path.glob("fatture/*2026-04.xlsx"))) == 1, said


def test_a_preview_names_no_next_step(capsys, tmp_path, sample_workbook, monkeypatch):
    shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx")
    monkeypatch.chdir(tmp_path)
    cli(capsys, "orders", "create", "anagrafiche.xlsx", "--date", "2026-04-09")
    cli(capsys, "ship", "anagrafiche.xlsx", "--date", "2026-04-09", "--all")
    code, said = cli(capsys, "invoice", "anagrafiche.xlsx", "--month", "2026-04", "--preview")
    assert code == 0 and "toolkit invoice finalize" not in said, said
