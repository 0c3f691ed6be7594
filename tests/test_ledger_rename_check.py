"""A ledger left at its rename check (`.rename-check`) by a `ledger move` killed while checking
it could rename the file: given its name back, never over a file that has it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from toolkit.basics.problems import UnusableInput
from toolkit.ledger import open_ledger
from toolkit.ledger.address import sqlite_url
from toolkit.ledger.db import rename_probe


def _ledger(path: Path, note: str) -> bytes:
    with sqlite3.connect(path) as db:
        db.execute("create table note (text)")
        db.execute("insert into note values (?)", (note,))
    db.close()
    return path.read_bytes()


@pytest.fixture
def both(tmp_path):
    """A ledger of the desk's name begun since, and the history left at its rename check."""
    file = tmp_path / "Ordini.xlsx.ledger.sqlite"
    probe = rename_probe(file)
    return file, _ledger(file, "begun since"), probe, _ledger(probe, "history")


def test_a_rename_check_beside_a_ledger_of_its_name_is_refused_both_kept(both):
    """Both were left as they were without a word: the history stayed hidden at the check
    while the commands numbered in the other, from 1."""
    file, since, probe, history = both
    with pytest.raises(UnusableInput) as refused:
        open_ledger(sqlite_url(file))
    assert refused.value.problem.code == "ledger-rename-check-beside"
    said = refused.value.problem.render("it")
    assert str(probe) in said and str(file) in said and "non sostituisco nessuno dei due" in said
    assert file.read_bytes() == since and probe.read_bytes() == history


def test_a_move_beside_a_rename_check_does_not_rename_over_it(both):
    """The move's own check renamed the ledger to the check's name, over the history left there."""
    from toolkit.services.ledger_move import move_ledger

    file, since, probe, history = both
    with pytest.raises(UnusableInput) as refused:
        move_ledger(file.parent / "Ordini.xlsx", "postgresql://toolkit@127.0.0.1:1/nowhere", source=file)
    assert refused.value.problem.code == "ledger-rename-check-beside"
    assert file.read_bytes() == since and probe.read_bytes() == history


def test_a_rename_check_the_folder_will_not_let_be_renamed_is_told(tmp_path, monkeypatch):
    """A folder made read-only since the kill raised the system's error: an internal error."""
    file = tmp_path / "Ordini.xlsx.ledger.sqlite"
    probe = rename_probe(file)
    history = _ledger(probe, "history")
    rename = Path.rename

    def refused(self: Path, target: Path) -> Path:
        if self == probe:
            raise PermissionError(13, "Permission denied", str(self))
        return rename(self, target)

    monkeypatch.setattr(Path, "rename", refused)
    with pytest.raises(UnusableInput) as told:
        open_ledger(sqlite_url(file))
    assert told.value.problem.code == "ledger-rename-check-stuck"
    said = told.value.problem.render("en")
    assert "Permission denied" in said and f"rename {probe} to {file.name}" in said, said
    assert probe.read_bytes() == history and not file.exists()
