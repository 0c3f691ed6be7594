"""Finding LibreOffice where a desk has it: named by `TOOLKIT_SOFFICE`, on the PATH, or where
its Windows and macOS installers put it, off the PATH."""

from __future__ import annotations

import pytest

from toolkit.writers import libreoffice


@pytest.fixture
def nowhere(tmp_path, monkeypatch):
    """No LibreOffice on the PATH, no program folder, no variable."""
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    for name in ("TOOLKIT_SOFFICE", "ProgramFiles", "ProgramW6432", "ProgramFiles(x86)"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(libreoffice, "installed_places", lambda: [])
    return tmp_path


def program(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\n")
    path.chmod(0o755)
    return path


def test_without_libreoffice_there_is_none(nowhere):
    assert libreoffice.soffice() is None


def test_the_variable_names_the_program_and_wins(nowhere, monkeypatch):
    named = program(nowhere / "lo" / "soffice")
    program(nowhere / "empty" / "soffice")
    monkeypatch.setenv("TOOLKIT_SOFFICE", str(named))
    assert libreoffice.soffice() == str(named)
    monkeypatch.setenv("TOOLKIT_SOFFICE", str(nowhere / "missing" / "soffice"))
    assert libreoffice.soffice() is None


def test_the_path_comes_before_the_installers_places(nowhere, monkeypatch):
    on_path = program(nowhere / "empty" / "soffice")
    installed = program(nowhere / "Programs" / "LibreOffice" / "program" / "soffice.exe")
    monkeypatch.setattr(libreoffice, "installed_places", lambda: [installed])
    assert libreoffice.soffice() == str(on_path)


def test_windows_program_folders_are_looked_in(nowhere, monkeypatch):
    monkeypatch.undo()
    monkeypatch.setenv("PATH", str(nowhere / "empty"))
    monkeypatch.delenv("TOOLKIT_SOFFICE", raising=False)
    monkeypatch.setenv("ProgramFiles", str(nowhere / "Programs"))
    monkeypatch.setenv("ProgramFiles(x86)", str(nowhere / "Programs (x86)"))
    installed = program(nowhere / "Programs (x86)" / "LibreOffice" / "program" / "soffice.exe")
    assert libreoffice.soffice() == str(installed)


def test_a_pdf_without_libreoffice_says_how_to_name_it(nowhere, capsys, sample_workbook):
    import shutil

    from test_printing import cli

    workbook = nowhere / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    url = f"sqlite:///{nowhere / 'ledger.sqlite'}"
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--ledger", url)[0] == 0

    code, said = cli(capsys, "print", "ddt", workbook, "--date", "2026-04-09", "--out", nowhere / "ddt.xlsx", "--pdf",
                     "--ledger", url)

    assert code == 2 and "TOOLKIT_SOFFICE" in said and "Traceback" not in said
    assert (nowhere / "ddt.xlsx").exists() and not (nowhere / "ddt.pdf").exists()
