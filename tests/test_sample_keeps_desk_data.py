"""A desk starts from the sample (or the built workbook) and fills it in with its customers,
templates and prices; the file keeps its *master* mark through Excel's saves. `toolkit sample`,
`toolkit demo` and `workbook build` replace only the sample as a toolkit wrote it, never a
master workbook saved since or written otherwise: refused, exit 2, its bytes untouched."""

from __future__ import annotations

import gc
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from toolkit.basics.files import made_for
from toolkit.cli import app, output
from toolkit.intake.sample import sample_rows
from toolkit.services.sample import write_sample
from toolkit.writers.master_workbook import write_master

NOT_THE_SAMPLE = ("toolkit: Il file {path} è una cartella anagrafiche che non è più l'esempio scritto da toolkit: "
                  "può contenere i tuoi clienti, modelli e prezzi, e non la sostituisco. {choose}, oppure sposta o "
                  "rinomina quel file.")


def filled_in(path: Path) -> bytes:
    """The desk renames a customer and saves, as Excel does: the mark kept, `modified` the
    time of saving. The file's bytes.

    openpyxl keeps an .xlsm's macros in a zip it opens for writing over a buffer
    (`vba_archive`) and never closes: the workbook, in reference cycles once saved, went to the
    collector with it, which could close the buffer first, and the zip's own finalizer then
    failed on it («I/O operation on closed file»), a warning under whichever test ran then."""
    book = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    try:
        book["Clienti"]["B2"] = "Bar del Banco di Rossi Maria"
        book.save(path)
    finally:
        if book.vba_archive is not None:
            book.vba_archive.close()
    assert made_for(path) == "master"
    return path.read_bytes()


def open_archives() -> list[zipfile.ZipFile]:
    """The zips opened for writing and never closed that are still alive: the collector will
    finish them, in whatever order it finds them and their files."""
    return [o for o in gc.get_objects() if isinstance(o, zipfile.ZipFile) and o.mode != "r" and o.fp is not None]


def run(capsys, *args: str) -> tuple[int, str]:
    app._register()
    output.reset()
    capsys.readouterr()
    code = app.run(list(args))
    return code, capsys.readouterr().err.strip()


def test_sample_never_replaces_a_master_workbook_the_desk_filled_in(tmp_path, capsys):
    desk = write_sample(tmp_path)
    before = filled_in(desk)
    assert run(capsys, "sample", str(tmp_path)) == (2, NOT_THE_SAMPLE.format(
        path=desk, choose="Indica un'altra cartella a toolkit sample DIR"))
    assert desk.read_bytes() == before
    assert run(capsys, "sample", str(tmp_path), "--lang", "en") == (2, (
        f"toolkit: The file {desk} is a master workbook that is no longer the sample the toolkit wrote: it may hold "
        "your customers, templates and prices, and it is not replaced. Give toolkit sample DIR another folder, or "
        "move or rename that file."))
    assert desk.read_bytes() == before
    assert openpyxl.load_workbook(desk)["Clienti"]["B2"].value == "Bar del Banco di Rossi Maria"


def test_sample_replaces_its_own_sample_never_saved_since_in_any_language(tmp_path, capsys):
    sample = write_sample(tmp_path)
    assert run(capsys, "sample", str(tmp_path), "--lang", "en") == (0, "")
    assert "Customers" in openpyxl.load_workbook(sample).sheetnames
    assert run(capsys, "sample", str(tmp_path)) == (0, "")
    assert sample.read_bytes() == write_sample(tmp_path / "fresh").read_bytes()


def test_sample_never_replaces_a_master_workbook_another_command_wrote(tmp_path, capsys):
    """`convert --to master` writes the desk's own data as `anagrafiche.xlsx`, marked *master*
    and never saved since: not the sample either."""
    converted = write_master(tmp_path / "anagrafiche.xlsx", sample_rows())
    before = converted.read_bytes()
    assert run(capsys, "sample", str(tmp_path))[0] == 2
    assert converted.read_bytes() == before


def test_demo_never_replaces_a_master_workbook_the_desk_filled_in(tmp_path, capsys):
    desk = write_sample(tmp_path)
    before = filled_in(desk)
    assert run(capsys, "demo", "--out", str(tmp_path)) == (2, NOT_THE_SAMPLE.format(
        path=desk, choose="Indica un'altra cartella a toolkit demo --out"))
    assert desk.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["anagrafiche.xlsx"]


@pytest.mark.parametrize("edited", [True, False])
def test_workbook_build_never_replaces_a_built_workbook_the_desk_filled_in(tmp_path, capsys, monkeypatch, edited):
    unraisable: list = []
    monkeypatch.setattr(sys, "unraisablehook", unraisable.append)
    built = tmp_path / "ordini-ricorrenti.xlsm"
    assert run(capsys, "workbook", "build", "--out", str(built))[0] == 0
    earlier = {id(archive) for archive in open_archives()}
    gc.disable()
    try:
        before = filled_in(built) if edited else built.read_bytes()
        assert [a for a in open_archives() if id(a) not in earlier] == [], "a zip left for the collector to close"
    finally:
        gc.enable()
    code, err = run(capsys, "workbook", "build", "--out", str(built))
    if edited:
        assert (code, err) == (2, NOT_THE_SAMPLE.format(path=built, choose="Scegli un altro nome per --out"))
        assert built.read_bytes() == before
    else:
        assert code == 0
        assert built.read_bytes() == before
    gc.collect()
    assert [(u.exc_value, u.object) for u in unraisable] == []


def desk_lists(folder: Path) -> Path:
    """A desk's own item list, the input of `convert --to master`."""
    folder.mkdir()
    book = openpyxl.Workbook()
    book.active.title = "Articoli"
    book.active.append(["Codice", "Descrizione", "Unità di misura", "Aliquota IVA"])
    book.active.append(["A001", "Caffè in grani", "kg", 10])
    book.save(folder / "articoli.xlsx")
    return folder


def a_second_later() -> None:
    """Past the second the toolkit wrote in: a desk never saves within it, and the properties
    count whole seconds."""
    start = int(time.time())
    while int(time.time()) == start:
        time.sleep(0.05)


def test_convert_replaces_its_own_master_workbook_only_while_nobody_saved_it(tmp_path, capsys):
    lists, out = desk_lists(tmp_path / "liste"), tmp_path / "out"
    convert = ("convert", str(lists), "--to", "master", "--out", str(out), "--jobs", "1")
    code, _ = run(capsys, *convert)
    converted = out / "anagrafiche.xlsx"
    first = converted.stat().st_ino
    assert run(capsys, *convert)[0] == code
    assert converted.stat().st_ino != first
    assert openpyxl.load_workbook(converted)["Articoli"]["A2"].value == "A001"
    a_second_later()
    before, listed = filled_in(converted), sorted(out.iterdir())
    assert run(capsys, *convert) == (2, (
        f"toolkit: Il file {converted} è una cartella anagrafiche salvata dopo che toolkit l'ha scritta: può contenere "
        "le tue modifiche a clienti, modelli e prezzi, e non la sostituisco. Scegli un'altra cartella per --out, "
        "oppure sposta o rinomina quel file."))
    assert run(capsys, *convert, "--lang", "en") == (2, (
        f"toolkit: The file {converted} is a master workbook saved since the toolkit wrote it: it may hold your "
        "changes to customers, templates and prices, and it is not replaced. Choose another folder for --out, or "
        "move or rename that file."))
    assert converted.read_bytes() == before
    assert sorted(out.iterdir()) == listed
