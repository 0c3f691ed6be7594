"""A disk that fills up while a workbook is written: the toolkit's one line on stderr and
nothing else, and no file at --out, not even the temporary one.

The disk is simulated: the files opened for writing in the output folder take a few kilobytes,
then every write fails with ENOSPC, as a full disk's do (and /dev/full's, which a file written
atomically beside its target cannot be)."""

from __future__ import annotations

import errno
import gc
import io
import random
import re
import shutil
import sys
import zipfile
from pathlib import Path

import pytest

from toolkit.basics.files import atomic_path
from toolkit.cli import app, output

ROOM = 4000
"""Bytes the disk takes before it is full: past a workbook's first parts, short of its end."""


class FullDisk(io.FileIO):
    """A file on a disk with `ROOM` bytes left."""

    left = ROOM

    def write(self, data) -> int:
        if FullDisk.left < len(data):
            raise OSError(errno.ENOSPC, "No space left on device")
        FullDisk.left -= len(data)
        return super().write(data)


@pytest.fixture
def full_disk(tmp_path, monkeypatch) -> Path:
    """A folder on a disk that fills up: the zip archives written in it (a workbook is one)
    write through `FullDisk`."""
    folder = tmp_path / "out"
    folder.mkdir()
    opened = io.open

    def open_on_the_disk(file, mode="r", *args, **kwargs):
        if "w" in mode and Path(file).parent == folder:
            return io.BufferedRandom(FullDisk(file, "w+"))
        return opened(file, mode, *args, **kwargs)

    monkeypatch.setattr(FullDisk, "left", ROOM)
    monkeypatch.setattr(zipfile.io, "open", open_on_the_disk)
    return folder


@pytest.fixture
def unraisable(monkeypatch) -> list:
    """What Python would print as "Exception ignored in …" (an error in a finalizer)."""
    found: list = []
    monkeypatch.setattr(sys, "unraisablehook", found.append)
    return found


def test_a_zip_left_open_by_a_failed_write_is_abandoned_with_its_file(full_disk, unraisable):
    target = full_disk / "archive.zip"
    with pytest.raises(OSError, match="No space left") as failed, atomic_path(target) as tmp:
        archive = zipfile.ZipFile(tmp, "w")
        for part in range(ROOM // 100):
            archive.writestr(f"part-{part}.bin", bytes(1000))
    del archive, failed
    gc.collect()
    assert unraisable == []
    assert list(full_disk.iterdir()) == []


@pytest.mark.parametrize("verb", ["check", "print"])
def test_a_disk_full_while_writing_a_workbook_prints_only_the_toolkits_message(verb, full_disk, unraisable,
                                                                                sample_workbook, tmp_path, capsys):
    workbook = Path(shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    app._register()
    if verb == "print":
        output.reset()
        assert app.run(["orders", "create", str(workbook), "--date", "2026-04-09"]) == 0
        args = ["print", "orders", str(workbook), "--date", "2026-04-09", "--out", str(full_disk / "ordini.xlsx")]
    else:
        args = ["check", str(workbook), "--report", str(full_disk / "controllo.xlsx")]
    capsys.readouterr()
    output.reset()
    code = app.run(args)
    gc.collect()
    err = capsys.readouterr().err
    assert code == 2
    assert err.splitlines() == [line for line in err.splitlines() if line.startswith("toolkit: ")] != []
    assert "Il disco è pieno" in err and "errore interno" not in err
    name = "ordini.xlsx" if verb == "print" else "controllo.xlsx"
    assert f"Il disco è pieno scrivendo {name} nella cartella {full_disk}:" in " ".join(err.split()), err
    assert unraisable == []
    assert list(full_disk.iterdir()) == []


def test_a_disk_full_is_told_in_english_naming_the_file_and_folder(full_disk, sample_workbook, tmp_path, capsys):
    workbook = Path(shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    app._register()
    output.reset()
    code = app.run(["check", str(workbook), "--report", str(full_disk / "controllo.xlsx"), "--lang", "en"])
    gc.collect()
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and f"The disk is full writing controllo.xlsx in the folder {full_disk}:" in err, err


def einvoice_desk(tmp_path, sample_workbook, capsys):
    """The sample's workbook, a SQLite ledger beside it, the e-invoices' folder and a function
    running a command on them, which answers its exit code and what it said."""
    workbook = Path(shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    app._register()

    def toolkit(*args: str) -> tuple[int, str]:
        output.reset()
        code = app.run([*args, "--ledger", url])
        gc.collect()
        return code, capsys.readouterr().err

    return workbook, url, tmp_path / "xml", toolkit


def zips_fill_the_disk(disk, out: Path, room: int = 1000) -> None:
    """Every zip written in `out` (or a folder inside it) on a disk with `room` bytes left."""
    opened = io.open

    def open_on_the_disk(file, mode="r", *args, **kwargs):
        if "w" in mode and not isinstance(file, int) and out in Path(file).parents:
            return io.BufferedRandom(FullDisk(file, "w+"))
        return opened(file, mode, *args, **kwargs)

    disk.setattr(FullDisk, "left", room)
    disk.setattr(zipfile.io, "open", open_on_the_disk)


@pytest.mark.parametrize("fills", ["the fourth XML file", "the zip"])
def test_einvoice_on_a_disk_that_fills_up_leaves_the_folder_as_it_was(fills, tmp_path, sample_workbook, monkeypatch,
                                                                      unraisable, capsys):
    """All or nothing: the files are made in a temporary folder inside --out and placed when
    all are made, in the transaction that records the zips. A disk that fills up half-way
    leaves no new XML file (which the desk might send, though the run failed), no zip, nothing
    temporary, and the files of an earlier export as they were; the ledger records no zip.
    Run again with room, the export is whole. The message names the file the disk filled: a
    zip by the name it takes once in place, where it named none (its temporary one is hidden)."""
    from sqlalchemy import select

    from toolkit.ledger import open_ledger, schema
    from toolkit.ledger.db import reading
    from toolkit.writers import fatturapa

    workbook, url, out, toolkit = einvoice_desk(tmp_path, sample_workbook, capsys)
    export = ("einvoice", str(workbook), "--month", "2026-04", "--out", str(out), "--zip")
    assert toolkit("orders", "create", str(workbook), "--date", "2026-04-09")[0] == 0
    assert toolkit(*export[:-1])[0] == 0
    earlier = {p.name: p.read_bytes() for p in out.iterdir()}
    assert len(earlier) == 2
    assert toolkit("orders", "create", str(workbook), "--date", "2026-04-10")[0] == 0

    with monkeypatch.context() as disk:
        if fills == "the zip":
            zips_fill_the_disk(disk, out)
        else:
            put, room = fatturapa._put, [3]

            def filling(folder, name, data):
                if room[0]:
                    room[0] -= 1
                    return put(folder, name, data)
                with monkeypatch.context() as full:  # the XML file's own write fails, in the open zip's
                    full.setattr(FullDisk, "left", 0)
                    full.setattr(fatturapa.os, "fdopen", lambda fd, mode: FullDisk(fd, "w"))
                    return put(folder, name, data)

            disk.setattr(fatturapa, "_put", filling)
        code, err = toolkit(*export)
    assert code == 2 and "Il disco è pieno" in err and "errore interno" not in err, err
    if fills == "the fourth XML file":  # the zip open around it was named, in the hidden staging folder
        assert f".xml nella cartella {out}:" in " ".join(err.split()), err
    assert unraisable == []
    assert {p.name: p.read_bytes() for p in out.iterdir()} == earlier
    with reading(open_ledger(url)) as conn:
        assert conn.execute(select(schema.einvoice_files.c.number)
                            .where(schema.einvoice_files.c.archive.is_not(None))).all() == []

    assert toolkit(*export)[0] == 0
    (archive,) = out.glob("*.zip")
    if fills == "the zip":  # named as it is once there, not left unnamed (its temporary name is hidden)
        assert f"Il disco è pieno scrivendo {archive.name} nella cartella {out}:" in " ".join(err.split()), err
    xml = sorted(p.name for p in out.glob("*.xml"))
    assert len(xml) == 5 and not [p for p in out.iterdir() if p.name.startswith(".")]
    with zipfile.ZipFile(archive) as bundle:
        assert sorted(bundle.namelist()) == xml


def test_a_resent_zip_the_disk_fills_is_named_as_the_zip_it_makes_again(tmp_path, sample_workbook, monkeypatch, capsys):
    """`--resend` zips the same files as an earlier zip again under that zip's name (the ledger
    keeps one name per set of files), drawing no new progressive: a disk that fills up while it
    is made names that zip, where it named the next progressive, a zip no run ever makes."""
    workbook, _, out, toolkit = einvoice_desk(tmp_path, sample_workbook, capsys)
    export = ("einvoice", str(workbook), "--month", "2026-04", "--out", str(out), "--zip")
    assert toolkit("orders", "create", str(workbook), "--date", "2026-04-09")[0] == 0
    assert toolkit(*export)[0] == 0
    (first,) = out.glob("*.zip")
    with monkeypatch.context() as disk:
        zips_fill_the_disk(disk, out)
        code, err = toolkit(*export, "--resend")
    assert code == 2 and f"Il disco è pieno scrivendo {first.name} nella cartella {out}:" in " ".join(err.split()), err
    assert toolkit(*export, "--resend")[0] == 0
    assert [p.name for p in out.glob("*.zip")] == [first.name]


@pytest.mark.parametrize("room", [1000, 3000])
def test_a_resent_zip_holding_more_than_an_earlier_zip_is_named_as_it_will_be(room, tmp_path, sample_workbook,
                                                                              monkeypatch, capsys):
    """`--resend` of a month whose earlier zip held part of its files makes one zip of them all,
    which draws a new progressive: a disk that filled while the files the earlier zip held were
    being zipped again named that earlier zip, a guess from the files so far, where the zip a
    run with room makes is another. The files still to come are known: when all of them fit,
    the zip is known whole, and named as it will be."""
    workbook, _, out, toolkit = einvoice_desk(tmp_path, sample_workbook, capsys)
    export = ("einvoice", str(workbook), "--month", "2026-04", "--out", str(out), "--zip")
    assert toolkit("orders", "create", str(workbook), "--date", "2026-04-09")[0] == 0
    assert toolkit(*export)[0] == 0
    (first,) = out.glob("*.zip")
    assert toolkit("orders", "create", str(workbook), "--date", "2026-04-10")[0] == 0
    with monkeypatch.context() as disk:
        zips_fill_the_disk(disk, out, room)
        code, err = toolkit(*export, "--resend")
    assert code == 2 and "Il disco è pieno" in err, err
    assert toolkit(*export, "--resend")[0] == 0
    (made,) = [p for p in out.glob("*.zip") if p.name != first.name]
    assert f"Il disco è pieno scrivendo {made.name} nella cartella {out}:" in " ".join(err.split()), err


def test_a_zip_whose_name_depends_on_files_it_never_got_to_is_told_by_its_folder(tmp_path, monkeypatch):
    """A zip a full disk stopped whose name depends on the files it would have held past the
    stop (a resent zip, its files so far all zipped before, the rest not sure to fit) names no
    file: the message says the folder, not a zip the desk would look for and never find."""
    from toolkit.basics.failures import full_at
    from toolkit.writers.fatturapa import pack_archives

    out = tmp_path / "out"
    out.mkdir()
    files = []
    for n in range(4):
        files.append(tmp_path / f"IT01234567890_0000{n}.xml")
        files[-1].write_bytes(random.Random(n).randbytes(1500))  # deflates to no less
    asked = []

    def named(done, under_way, whole):
        asked.append((under_way, whole))
        return None if not whole else "IT01234567890_zzz01.zip"

    with monkeypatch.context() as disk:
        zips_fill_the_disk(disk, out, 2500)
        with pytest.raises(OSError) as failed:
            pack_archives(files, out, limit=5000, named=named)
    assert asked == [((files[0].name, files[1].name), False)]
    assert full_at(failed.value) == {"where_it": f" scrivendo nella cartella {out}",
                                     "where_en": f" writing in the folder {out}"}
    assert list(out.iterdir()) == []
    with monkeypatch.context() as disk:
        zips_fill_the_disk(disk, out, 2500)
        with pytest.raises(OSError) as failed:
            pack_archives(files[:2], out, limit=50_000, named=named)
    assert asked[-1] == ((files[0].name, files[1].name), True)
    assert full_at(failed.value)["where_en"] == f" writing IT01234567890_zzz01.zip in the folder {out}"


def test_files_placed_by_an_action_that_fails_are_taken_back(tmp_path):
    """`staged_output`: a file that had a name gets it back, a name that was free is free
    again, and a staging folder a killed action left is swept like a temporary file."""
    from toolkit.basics.files import TEMPORARY_NAME, staged_output, sweep_stale

    out = tmp_path / "out"
    out.mkdir()
    (out / "a.xml").write_text("earlier")
    with pytest.raises(RuntimeError, match="commit"), staged_output(out) as staged:
        for name in ("a.xml", "b.xml"):
            (staged.folder / name).write_text("new")
            staged.place(staged.folder / name, name)
        assert TEMPORARY_NAME.match(staged.folder.name)
        raise RuntimeError("the commit failed")
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.xml": "earlier"}
    with staged_output(out) as staged:
        (staged.folder / "b.xml").write_text("new")
        staged.place(staged.folder / "b.xml", "b.xml")
        left = staged.folder
    assert {p.name: p.read_text() for p in out.iterdir()} == {"a.xml": "earlier", "b.xml": "new"}
    left.mkdir()
    (left / "half.xml").write_text("half")
    assert sweep_stale(out, older_than=-1) == [left] and not left.exists()


def _redo_on_a_free_disk(err: str, free: Path) -> list[list[str]]:
    """The `toolkit print` commands a NotPrinted message gives, one per line, their --out moved
    to a folder with room."""
    import shlex

    said = "Stampa(?:lo|la|li|le) con: "
    commands = [shlex.split(re.split(said, line)[1]) for line in err.splitlines() if re.search(said, line)]
    return [[*c[1:-1], str(free / Path(c[-1]).name)] for c in commands]


@pytest.mark.parametrize("verb", ["orders create", "ship --invoice"])
def test_a_full_disk_names_every_file_not_written_with_the_command_that_prints_it(verb, full_disk, sample_workbook,
                                                                                 tmp_path, capsys):
    """`orders create --out` issues DDTs and immediate invoices beside its orders, `ship --invoice
    --out` invoices beside its DDTs: on a full disk the message names each file not written and
    its `toolkit print` command, and those commands leave nothing unprinted."""
    workbook = Path(shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    free = tmp_path / "free"
    app._register()

    def toolkit(*args: str) -> tuple[int, str, str]:
        output.reset()
        code = app.run([*args, "--ledger", url])
        gc.collect()
        found = capsys.readouterr()
        return code, found.out, found.err

    create = ("orders", "create", str(workbook), "--date", "2026-12-01", "--future")
    if verb == "orders create":
        code, _, err = toolkit(*create, "--out", str(full_disk / "o.xlsx"))
        kinds = ["orders", "ddt", "invoices"]
    else:
        assert toolkit(*create, "--out", str(free / "ordini.xlsx"))[0] == 0
        code, _, err = toolkit("ship", str(workbook), "--date", "2026-12-01", "--all", "--invoice", "--future",
                               "--out", str(full_disk / "d.xlsx"))
        kinds = ["ddt", "invoices"]
    assert code == 4, err
    assert "non è stato scritto (il disco è pieno)" in err and "No space" not in err, err
    redo = _redo_on_a_free_disk(err, free)
    assert [c[1] for c in redo] == kinds, err
    assert list(full_disk.iterdir()) == []
    for command in redo:
        assert toolkit(*command)[0] == 0
    for kind in kinds:
        code, out, _ = toolkit("print", kind, str(workbook), "--unprinted", "--out", str(free / "rest.xlsx"), "--json")
        assert code == 0 and '"print-nothing"' in out, out


@pytest.mark.parametrize("lang", ["it", "en"])
def test_convert_on_a_disk_that_fills_up_names_the_files_written_and_those_not(lang, tmp_path, monkeypatch, capsys):
    """A batch keeps the files it finished, good as they are, and its report lists the rest; a
    disk full at the report left no list, and the one-file message said no file was left. It is
    told which files were written and which not, the file the disk filled at named."""
    from toolkit.basics import files
    from toolkit.writers import converted

    lists, out = tmp_path / "liste", tmp_path / "out"
    lists.mkdir()
    for name in "abcd":
        (lists / f"{name}.csv").write_text(f"codice;nome\n{name.upper()}1;riga\n", encoding="utf-8")
    written: list[str] = []

    def fills_after_two(target, text, encoding="utf-8"):
        if len(written) < 2:
            written.append(target.name)
            return files.write_text_atomic(target, text, encoding)
        return files.write_atomic(target, lambda tmp: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))

    def full(target, write):
        return files.write_atomic(target, lambda tmp: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))

    monkeypatch.setattr(converted, "write_text_atomic", fills_after_two)
    monkeypatch.setattr(converted, "write_atomic", full)
    app._register()
    output.reset()
    code = app.run(["convert", str(lists), "--to", "csv", "--out", str(out), "--jobs", "1", "--lang", lang])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and written == ["a.csv", "b.csv"], err
    assert sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv"]
    if lang == "it":
        assert "Il disco si è riempito scrivendo conversione-" in err and f"nella cartella {out}:" in err, err
        assert f"In {out} scritti: 2 file (a.csv, b.csv); non scritti: 2 file (c.csv, d.csv)." in err, err
        assert "né file" not in err
    else:
        assert "The disk filled up writing conversione-" in err, err
        assert f"Written in {out}: 2 files (a.csv, b.csv); not written: 2 files (c.csv, d.csv)." in err, err


def test_convert_on_a_disk_that_fills_up_before_the_report_lists_each_file_not_written(tmp_path, monkeypatch, capsys):
    """The report written: each input the disk filled at is failed with its output named, not
    the reader's «cannot be read» of a broken input."""
    import openpyxl

    from toolkit.basics import files
    from toolkit.writers import converted

    lists, out = tmp_path / "liste", tmp_path / "out"
    lists.mkdir()
    for name in "ab":
        (lists / f"{name}.csv").write_text(f"codice;nome\n{name.upper()}1;riga\n", encoding="utf-8")

    def fills(target, text, encoding="utf-8"):
        if target.name == "a.csv":
            return files.write_text_atomic(target, text, encoding)
        return files.write_atomic(target, lambda tmp: (_ for _ in ()).throw(OSError(errno.ENOSPC, "No space left")))

    monkeypatch.setattr(converted, "write_text_atomic", fills)
    app._register()
    output.reset()
    code = app.run(["convert", str(lists), "--to", "csv", "--out", str(out), "--jobs", "1"])
    capsys.readouterr()
    report = next(out.glob("conversione-*.xlsx"))
    said = [str(c) for row in openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True) for c in row if c]
    assert code == 1 and sorted(p.name for p in out.glob("*.csv")) == ["a.csv"]
    assert f"Il disco è pieno scrivendo b.csv nella cartella {out}: l'uscita di questo file non è stata scritta" in (
        " ".join(said)), said


def test_a_disk_full_in_a_staged_write_names_the_output_folder_not_the_hidden_one(tmp_path):
    """A preview's, a reprint's and a settlement's statements are made in a hidden staging folder,
    gone when the action ends: the message sent the desk to `.staging.….tmp`, a folder it
    cannot see and that is not there."""
    from toolkit.basics.failures import machine_state
    from toolkit.basics.files import staged_output

    out = tmp_path / "provvigioni"
    with pytest.raises(OSError) as failed, staged_output(out) as staged, \
            atomic_path(staged.folder / "riepilogo.xlsx"):
        raise OSError(errno.ENOSPC, "No space left on device")
    problem = machine_state(failed.value)
    assert problem is not None
    assert f"Il disco è pieno scrivendo riepilogo.xlsx nella cartella {out}:" in problem.render("it")
    assert f"The disk is full writing riepilogo.xlsx in the folder {out}:" in problem.render("en")


def test_convert_whose_report_workbook_the_disk_fills_says_which_files_were_written(tmp_path, monkeypatch, capsys):
    """xlsxwriter raises a full disk at the report as its FileCreateError, not as OSError: the
    report's refusal was not told (`convert-disk-full`), and the one-file disk-full said the
    action left no file where the converted ones stayed."""
    import xlsxwriter.workbook

    lists, out = tmp_path / "liste", tmp_path / "out"
    lists.mkdir()
    for name in "ab":
        (lists / f"{name}.csv").write_text(f"codice;nome\n{name.upper()}1;riga\n", encoding="utf-8")

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    app._register()
    output.reset()
    code = app.run(["convert", str(lists), "--to", "csv", "--out", str(out), "--jobs", "1"])
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and sorted(p.name for p in out.iterdir()) == ["a.csv", "b.csv"], err
    assert "Il disco si è riempito scrivendo conversione-" in err and f"nella cartella {out}:" in err, err
    assert f"In {out} scritti: 2 file (a.csv, b.csv); non scritti: nessun file." in err and "né file" not in err, err
