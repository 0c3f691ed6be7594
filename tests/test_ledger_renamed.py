"""A workbook saved under another name or format beside its ledger never starts a new, empty one.

The default ledger is named after the workbook, so *Salva con nome* .ods or a renamed copy found
no ledger of its own and made one: numbering began again at OC-2026-00001, DDT and
FT-2026-00001, and the e-invoice files repeated names already sent to the SDI with other
contents. Creating a default ledger beside another workbook's is refused (exit 2, nothing
written); `--ledger` names the existing one, or a new one on purpose."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import minimal
import pytest
from command_line import as_process as toolkit
from fakebook import FakeBook

import toolkit.excel as x
from toolkit.excel import orders
from toolkit.excel.book import read_values
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders

LEDGER = "anagrafiche.xlsx.ledger.sqlite"
PREVIEW = orders.SHEET


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def orders_in(path: Path) -> list[str]:
    ledger = open_ledger(f"sqlite:///{path}")
    try:
        with reading(ledger) as conn:
            return [o.number for o in load_orders(conn)]
    finally:
        ledger.engine.dispose()


@pytest.fixture
def used(tmp_path, sample_workbook) -> Path:
    """A desk's workbook whose ledger already numbered an order."""
    workbook = tmp_path / "anagrafiche.xlsx"
    workbook.write_bytes(sample_workbook.read_bytes())
    run = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert orders_in(tmp_path / LEDGER)
    return workbook


def refused_untouched(run: subprocess.CompletedProcess, folder: Path, before: dict[str, str]) -> None:
    assert run.returncode == 2, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert str(folder / LEDGER) in run.stderr
    assert "--ledger" in run.stderr
    assert {p.name: digest(p) for p in folder.iterdir() if p.is_file()} == before


def test_a_renamed_copy_beside_the_ledger_is_refused_and_nothing_is_written(used):
    folder = used.parent
    copy = folder / "anagrafiche-copia.xlsx"
    shutil.copy(used, copy)
    before = {p.name: digest(p) for p in folder.iterdir() if p.is_file()}
    run = toolkit("orders", "create", str(copy), "--date", "2026-04-10", "--lang", "en", cwd=folder)
    refused_untouched(run, folder, before)
    assert "another workbook's ledger is beside it" in run.stderr
    assert "anagrafiche-copia.xlsx.ledger.sqlite" in run.stderr
    italian = toolkit("orders", "create", str(copy), "--date", "2026-04-10", cwd=folder)
    refused_untouched(italian, folder, before)
    assert "non ha ancora un registro" in italian.stderr


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_the_workbook_saved_as_ods_is_refused_before_a_ship_and_an_invoice(used, tmp_path):
    folder = used.parent
    converted = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--headless",
                                "--convert-to", "ods", "--outdir", str(folder), str(used)],
                               capture_output=True, text=True, timeout=180)
    ods = folder / "anagrafiche.ods"
    assert ods.exists(), converted.stderr
    before = {p.name: digest(p) for p in folder.iterdir() if p.is_file()}
    for verb in (["orders", "create", str(ods), "--date", "2026-04-10"], ["ship", str(ods), "--all", "--date", "2026-04-10"]):
        refused_untouched(toolkit(*verb, cwd=folder), folder, before)


def test_the_old_ledger_named_by_its_path_is_used(used):
    folder = used.parent
    copy = folder / "anagrafiche.ods.xlsx"
    shutil.copy(used, copy)
    numbered = orders_in(folder / LEDGER)
    run = toolkit("orders", "create", str(copy), "--date", "2026-04-10", "--ledger", str(folder / LEDGER), cwd=folder)
    assert run.returncode == 0, run.stderr
    assert len(orders_in(folder / LEDGER)) > len(numbered)
    assert not (folder / "anagrafiche.ods.xlsx.ledger.sqlite").exists()


def test_a_new_ledger_named_on_purpose_is_made_and_then_used_by_default(used):
    folder = used.parent
    copy = folder / "nuova-sede.xlsx"
    shutil.copy(used, copy)
    new = folder / "nuova-sede.xlsx.ledger.sqlite"
    run = toolkit("orders", "create", str(copy), "--date", "2026-04-09", "--ledger", str(new), cwd=folder)
    assert run.returncode == 0, run.stderr
    assert orders_in(new)[0] == "OC-2026-00001"
    again = toolkit("orders", "create", str(copy), "--date", "2026-04-10", cwd=folder)
    assert again.returncode == 0, again.stderr


def test_the_first_ledger_in_an_empty_folder_is_still_made(tmp_path, sample_workbook):
    workbook = tmp_path / "anagrafiche.xlsx"
    workbook.write_bytes(sample_workbook.read_bytes())
    run = toolkit("orders", "create", str(workbook), "--date", "2026-04-09", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert orders_in(tmp_path / LEDGER)[0] == "OC-2026-00001"


def test_checking_a_renamed_copy_reads_no_ledger_and_makes_none(used):
    folder = used.parent
    copy = folder / "anagrafiche-copia.xlsx"
    shutil.copy(used, copy)
    assert toolkit("check", str(copy), cwd=folder).returncode in (0, 1)
    assert not (folder / "anagrafiche-copia.xlsx.ledger.sqlite").exists()


@pytest.mark.parametrize("verb", [
    ["einvoice", "{copy}", "--month", "2026-04", "--out", "{folder}/xml"],
    ["invoice", "list", "{copy}"],
    ["payments", "status", "{copy}", "--out", "{folder}/scadenzario.xlsx"],
    ["orders", "list", "{copy}"],
    ["orders", "preview", "{copy}", "--date", "2026-04-10"],
], ids=["einvoice", "invoice list", "payments status", "orders list", "orders preview"])
def test_reading_a_renamed_copy_is_refused_rather_than_shown_empty(used, verb):
    """An empty list, or an einvoice that finds no final invoice, told the desk its documents
    were gone: a read is refused as a write is, in the same words."""
    folder = used.parent
    copy = folder / "anagrafiche-copia.xlsx"
    shutil.copy(used, copy)
    before = {p.name: digest(p) for p in folder.iterdir() if p.is_file()}
    run = toolkit(*(w.format(copy=copy, folder=folder) for w in verb), "--lang", "en", cwd=folder)
    refused_untouched(run, folder, before)
    assert "another workbook's ledger is beside it" in run.stderr
    assert not (folder / "xml").exists()
    assert not (folder / "anagrafiche-copia.xlsx.ledger.sqlite").exists()


def book_at(path: Path, saved_from: FakeBook | None = None) -> FakeBook:
    """A book with the panel and master sheets; `saved_from` a book whose preview it keeps, as
    *Salva con nome* does."""
    panel = [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 4, 9)]]
    kept = {PREVIEW: read_values(saved_from.sheet(PREVIEW))} if saved_from else {}
    return FakeBook(path.name, {"Pannello": panel, **minimal.sheets(), **kept}, fullname=str(path),
                    names={"DataOrdini": "B3"})


def test_a_button_on_a_book_saved_under_another_name_refuses_in_words_for_the_book(tmp_path):
    original = book_at(tmp_path / "ordini.xlsm")
    x.preview_orders(original)
    x.create_orders(original)
    old = tmp_path / "ordini.xlsm.ledger.sqlite"
    assert orders_in(old) == ["OC-2026-00001"]
    before = {p.name: digest(p) for p in tmp_path.iterdir()}
    renamed = book_at(tmp_path / "ordini-copia.xlsm", saved_from=original)
    x.create_orders(renamed)
    text, _title, mode = renamed.alerts[-1]
    assert mode == "critical"
    assert "ordini.xlsm.ledger.sqlite" in text and "nome di prima (ordini.xlsm)" in text
    assert "--ledger" not in text
    assert {p.name: digest(p) for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize("press", [x.payment_status, x.preview_orders], ids=["Stato pagamenti", "Anteprima ordini"])
def test_a_button_that_only_reads_refuses_on_a_book_saved_under_another_name(tmp_path, press):
    """The preview showed every order as still to create, and the payments' workbook no invoice."""
    original = book_at(tmp_path / "ordini.xlsm")
    x.preview_orders(original)
    x.create_orders(original)
    before = {p.name: digest(p) for p in tmp_path.iterdir()}
    renamed = book_at(tmp_path / "ordini-copia.xlsm")
    press(renamed)
    text, _title, mode = renamed.alerts[-1]
    assert mode == "critical"
    assert "ordini.xlsm.ledger.sqlite" in text and "nome di prima (ordini.xlsm)" in text
    assert PREVIEW not in renamed.sheet_names()
    assert {p.name: digest(p) for p in tmp_path.iterdir()} == before
