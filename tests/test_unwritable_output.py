"""An output folder the system will not let the toolkit write into, though `os.access` says it
may (Windows' and network shares' permissions are known only at the write, and root passes
every test), and a file another program holds open: refused as a folder known not writable
is (exit 2, the folder named, another asked for), never an internal error to report.

The permissions are simulated: the files made in the folder fail as the system fails them,
with EACCES (EPERM on some systems), and replacing the held file fails the same way."""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import pytest

from toolkit.basics import files
from toolkit.basics.files import atomic_path
from toolkit.basics.problems import UnusableInput
from toolkit.cli import app, output


@pytest.fixture
def locked_folder(tmp_path, monkeypatch) -> Path:
    """A folder whose files cannot be made: its permissions refuse every new file."""
    folder = tmp_path / "condivisa"
    folder.mkdir()
    made = files.temporary_file

    def refused(where: Path, *args, **kwargs):
        if Path(where) == folder:
            raise PermissionError(errno.EACCES, "Permission denied", str(folder / "x.tmp"))
        return made(where, *args, **kwargs)

    monkeypatch.setattr(files, "temporary_file", refused)
    return folder


def _run(*args: str) -> int:
    app._register()
    output.reset()
    return app.run(list(args))


def test_a_report_into_a_folder_the_system_refuses_is_exit_2_naming_the_folder(sample_workbook, tmp_path,
                                                                                locked_folder, capsys):
    workbook = Path(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    out = locked_folder / "vendite.xlsx"
    code = _run("report", "vendite", str(workbook), "--from", "2026-04-01", "--to", "2026-04-30",
                "--out", str(out))
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.strip() == (f"toolkit: Non posso scrivere {out}: {locked_folder} non è scrivibile / {locked_folder} "
                           "is not writable. Scegli un'altra cartella per --out.")
    assert "errore interno" not in err and list(locked_folder.iterdir()) == []


def test_a_conversion_into_a_folder_the_system_refuses_is_exit_2(tmp_path, locked_folder, capsys):
    source = tmp_path / "in"
    source.mkdir()
    (source / "listino.csv").write_text("Codice;Prezzo\nA1;12,50\n", encoding="utf-8")
    code = _run("convert", str(source), "--out", str(locked_folder), "--to", "csv")
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{locked_folder} non è scrivibile" in err and "Scegli un'altra cartella per --out" in err
    assert "errore interno" not in err and list(locked_folder.iterdir()) == []


def test_a_file_another_program_holds_is_refused_and_kept(tmp_path, monkeypatch):
    """Windows will not replace a file open in another program (a PDF in a reader): the file
    stays as it was, and the desk is told to close it or choose another name."""
    target = tmp_path / "report.pdf"
    target.write_bytes(b"old")

    def held(source, destination):
        raise PermissionError(errno.EACCES, "Access is denied", str(destination))

    monkeypatch.setattr(files.os, "replace", held)
    with pytest.raises(UnusableInput) as refused, atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    problem = refused.value.problem
    assert problem.code == "output-not-creatable"
    assert problem.message("it") == (f"Non posso scrivere {target}: è aperto in un altro programma, che non lo lascia "
                                     "sostituire: chiudilo / it is open in another program, which does not let it be "
                                     "replaced: close it. Scegli un altro nome per --out.")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["report.pdf"]


def test_a_folder_whose_file_system_keeps_its_own_permissions_is_written_and_left_clean(sample_workbook, tmp_path,
                                                                                        monkeypatch, capsys):
    """A FAT stick or a share mounted without Unix permissions refuses `chmod` (EPERM) where it
    lets files be made: the temporary file's permissions are the file system's, and the report is
    written. It was refused as a folder not writable — into which its temporary file had just
    been written, and was left there."""
    import os

    workbook = Path(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    stick = tmp_path / "chiavetta"
    stick.mkdir()
    chmod = os.chmod

    def refused(path, mode, *args, **kwargs):
        if Path(path).parent == stick:
            raise PermissionError(errno.EPERM, "Operation not permitted", str(path))
        return chmod(path, mode, *args, **kwargs)

    monkeypatch.setattr(files.os, "chmod", refused)
    code = _run("report", "vendite", str(workbook), "--from", "2026-04-01", "--to", "2026-04-30",
                "--out", str(stick / "vendite.xlsx"))
    assert code == 0, capsys.readouterr().err
    assert [p.name for p in stick.iterdir()] == ["vendite.xlsx"]


def test_a_read_only_file_is_refused_as_read_only_not_as_held(tmp_path, monkeypatch):
    """Windows will not replace a file marked read-only either (a report copied from a CD, a
    synced folder's file): the desk was told it was open in another program and to close it,
    with nothing open to close."""
    target = tmp_path / "report.xlsx"
    target.write_bytes(b"old")
    target.chmod(0o444)

    def refused(source, destination):
        raise PermissionError(errno.EACCES, "Access is denied", str(destination))

    monkeypatch.setattr(files.os, "replace", refused)
    with pytest.raises(UnusableInput) as refusal, atomic_path(target) as tmp:
        tmp.write_bytes(b"new")
    assert refusal.value.problem.message("en") == (
        f"Cannot write {target}: è un file di sola lettura: togli «Sola lettura» dalle sue proprietà / it is a "
        "read-only file: clear “Read-only” in its properties. Choose another name for --out.")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["report.xlsx"]


@pytest.mark.parametrize("verb", ["demo", "sample"])
def test_a_demo_into_a_folder_that_cannot_be_made_is_exit_2_naming_it(verb, tmp_path, monkeypatch, capsys):
    """A folder to make on a read-only disk (a CD, a share mounted read-only): the system says
    EROFS at the mkdir, which the sample's writer made before its atomic write, outside the
    refusal every other output gets, so `toolkit demo --out` ended as an internal error."""
    disk = tmp_path / "cd"
    disk.mkdir()
    made = Path.mkdir

    def read_only(self, *args, **kwargs):
        if disk in self.parents:
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return made(self, *args, **kwargs)

    monkeypatch.setattr(Path, "mkdir", read_only)
    out = disk / "prova"
    code = _run("demo", "--out", str(out)) if verb == "demo" else _run("sample", str(out))
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"Non posso scrivere {out / 'anagrafiche.xlsx'}: {disk} non è scrivibile / {disk} is not writable" in err
    assert "errore interno" not in err and list(disk.iterdir()) == []
    asked = "Scegli un'altra cartella per --out" if verb == "demo" else "Indica un'altra cartella a toolkit sample DIR"
    assert err.rstrip().endswith(f"{asked}.") and (verb == "demo" or "--out" not in err), err
