"""The accountant never counts an invoice twice: a run's workbook holds that run's documents and
says so, each month's register (`toolkit invoice export --month`) the invoices and credit notes
dated in the month, and an e-invoice already zipped for SDI goes into no other zip unless
`einvoice --resend` asks.

The desk is the audit's: November's immediate invoices exist before October's month end, so
October's run is dated 02/11 (as the refusal advises), and November's run follows."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import zipfile
from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.test_cli_json import valid


def command(*args: str) -> tuple[int, dict]:
    """Run a command in this process with `--json`: its exit code and its reply."""
    from toolkit.cli import app, output

    app._register()
    output.reset()
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown):
        code = app.run([*args, "--json"])
    return code, json.loads(shown.getvalue())


def plain(*args: str) -> tuple[int, str]:
    """Run a command in this process without `--json`: its exit code and what it printed."""
    from toolkit.cli import app, output

    app._register()
    output.reset()
    shown = io.StringIO()
    with contextlib.redirect_stdout(shown), contextlib.redirect_stderr(shown):
        code = app.run(list(args))
    return code, shown.getvalue()


def register_rows(path: Path) -> dict[str, tuple[date, Decimal]]:
    """Invoice number → (date, total) of a workbook's register sheet (the formulas' cached values, the ledger's)."""
    sheet = openpyxl.load_workbook(path, data_only=True)["Registro"]
    return {row[0]: (row[1].date(), Decimal(str(row[10]))) for row in sheet.iter_rows(min_row=4, values_only=True)
            if row[0] and str(row[0])[:3] in ("FT-", "NC-")}


def title(path: Path) -> str:
    return str(openpyxl.load_workbook(path)["Registro"]["A1"].value)


@pytest.fixture(scope="module")
def desk(tmp_path_factory, sample_workbook) -> dict:
    """The audit's desk, built once: October 1 and 2 and November 2 ordered and shipped, October
    invoiced on 02/11 and made final, then November. Tests that write to its ledger copy it."""
    import toolkit.basics.dates

    folder = tmp_path_factory.mktemp("desk")
    workbook = folder / "anagrafiche.xlsx"
    shutil.copy(sample_workbook, workbook)
    w = str(workbook)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 12, 1))
        for day in ("2026-10-01", "2026-10-02", "2026-11-02"):
            assert command("orders", "create", w, "--date", day)[0] == 0
            assert command("ship", w, "--date", day, "--all")[0] == 0
        code, refused = command("invoice", "run", w, "--month", "2026-10", "--preview")
        assert "invoice-date-out-of-sequence" in [p["code"] for p in refused["problems"]]
        code, october = command("invoice", "run", w, "--month", "2026-10", "--date", "2026-11-02",
                                "--out", str(folder / "oct"))
        assert code == 0 and october["run_id"], october["problems"]
        assert command("invoice", "finalize", w, october["run_id"])[0] == 0
        code, november = command("invoice", "run", w, "--month", "2026-11", "--out", str(folder / "nov"))
        assert code == 0 and november["run_id"], november["problems"]
        assert command("invoice", "finalize", w, november["run_id"])[0] == 0
    return {"folder": folder, "workbook": workbook, "october": october, "november": november}


def numbers(run: dict) -> set[str]:
    return {x["number"] for x in run["invoices"]}


def workbook_of(run: dict) -> Path:
    return next(Path(f) for f in run["files"] if f.endswith(".xlsx"))


def test_a_runs_workbook_holds_its_own_documents_and_says_it_is_not_the_register(desk):
    october, november = desk["october"], desk["november"]
    assert {x["date"] for x in october["invoices"]} == {"2026-11-02"}
    assert set(register_rows(workbook_of(october))) == numbers(october)
    assert set(register_rows(workbook_of(november))) == numbers(november)
    assert not set(register_rows(workbook_of(october))) & set(register_rows(workbook_of(november)))
    assert title(workbook_of(october)) == (f"Fatture dell'emissione {october['run_id']} – solo questa emissione, "
                                           "non è il registro del mese")


def test_each_invoice_is_in_the_register_of_the_month_of_its_date_once(desk, tmp_path):
    w, out = str(desk["workbook"]), tmp_path / "registri"
    for month in ("2026-10", "2026-11"):
        code, shown = plain("invoice", "export", w, "--month", month, "--out", str(out))
        assert code == 0, shown
    october, november = (register_rows(out / f"fatture-{m}.xlsx") for m in ("2026-10", "2026-11"))
    assert {d.month for d, _ in october.values()} == {10} and {d.month for d, _ in november.values()} == {11}
    assert numbers(desk["october"]) <= set(november) and not numbers(desk["october"]) & set(october)
    assert numbers(desk["november"]) <= set(november)
    assert not set(october) & set(november)
    from toolkit.ledger import open_ledger
    from toolkit.ledger.db import reading
    from toolkit.ledger.invoices import load_invoices

    ledger = open_ledger(f"sqlite:///{desk['workbook']}.ledger.sqlite")
    with reading(ledger) as conn:
        stored = {x.number: x.total for x in load_invoices(conn)}
    ledger.engine.dispose()
    assert {**october, **november}.keys() == stored.keys()
    assert sum(t for _, t in october.values()) + sum(t for _, t in november.values()) == sum(stored.values())
    assert title(out / "fatture-2026-11.xlsx") == ("Registro fatture emesse 11/2026 – fatture e note di credito "
                                                   "datate nel mese")


def test_a_month_of_immediate_invoices_only_has_its_register(sample_workbook, tmp_path, rome_today):
    w = str(shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx"))
    rome_today(date(2026, 12, 1))
    assert command("orders", "create", w, "--date", "2026-12-01")[0] == 0
    code, shown = plain("invoice", "run", w, "--month", "2026-12", "--out", str(tmp_path / "dic"))
    assert code == 0 and "Niente da fatturare." in shown
    code, shown = plain("invoice", "export", w, "--month", "2026-12", "--out", str(tmp_path / "dic"))
    assert code == 0, shown
    december = register_rows(tmp_path / "dic" / "fatture-2026-12.xlsx")
    assert december and {d for d, _ in december.values()} == {date(2026, 12, 1)}
    code, shown = plain("invoice", "export", w, "--month", "2027-01", "--out", str(tmp_path / "gen"))
    assert "Nessuna fattura o nota di credito datata nel mese 01/2027: nessun registro scritto." in shown


def zipped_numbers(reply: dict) -> list[str]:
    """The invoice numbers of the files the reply's zips hold."""
    by_file = {Path(f["file"]).name: f["invoice"] for f in reply["files"]}
    return sorted(by_file[name] for archive in reply["archives"] for name in zipfile.ZipFile(archive).namelist())


def test_an_e_invoice_already_zipped_goes_into_no_other_zip_unless_resent(desk, tmp_path):
    folder = tmp_path / "desk"
    shutil.copytree(desk["folder"], folder)
    w, october = str(folder / "anagrafiche.xlsx"), desk["october"]
    code, run_zip = command("einvoice", w, "--run", october["run_id"], "--out", str(tmp_path / "oct"), "--zip")
    assert code == 0 and zipped_numbers(valid("einvoice", run_zip)) == sorted(numbers(october))
    code, month_zip = command("einvoice", w, "--month", "2026-11", "--out", str(tmp_path / "nov"), "--zip")
    assert code == 0
    written = {f["invoice"] for f in valid("einvoice", month_zip)["files"]}
    assert zipped_numbers(month_zip) == sorted(written - numbers(october))
    october_zip = Path(run_zip["archives"][0]).name
    assert month_zip["left_out"] == [{"invoice": n, "zip": october_zip} for n in sorted(numbers(october))]
    [warning] = [p for p in month_zip["problems"] if p["code"] == "einvoice-already-zipped"]
    assert warning["message"] == (
        f"Già in uno zip per lo SDI ({october_zip}), quindi lasciati fuori da questo: "
        f"{', '.join(sorted(numbers(october)))} — {len(numbers(october))} in tutto. Inviarli di nuovo li farebbe "
        "ricevere due volte allo SDI; per reinviarli di proposito aggiungi --resend.")
    code, again = command("einvoice", w, "--month", "2026-11", "--out", str(tmp_path / "again"), "--zip")
    assert code == 0 and again["archives"] == [] and len(again["left_out"]) == len(written)
    code, resent = command("einvoice", w, "--month", "2026-11", "--out", str(tmp_path / "resent"), "--zip",
                           "--resend")
    assert code == 0 and zipped_numbers(resent) == sorted(written) and resent["left_out"] == []


def test_a_month_zipped_first_keeps_its_invoices_out_of_the_runs_zip(desk, tmp_path):
    folder = tmp_path / "desk"
    shutil.copytree(desk["folder"], folder)
    w, october = str(folder / "anagrafiche.xlsx"), desk["october"]
    assert command("einvoice", w, "--month", "2026-11", "--out", str(tmp_path / "nov"), "--zip")[0] == 0
    code, run_zip = command("einvoice", w, "--run", october["run_id"], "--out", str(tmp_path / "oct"), "--zip")
    assert code == 0 and run_zip["archives"] == []
    assert sorted(x["invoice"] for x in run_zip["left_out"]) == sorted(numbers(october))
