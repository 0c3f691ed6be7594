"""`toolkit invoice export WORKBOOK RUN` writes the run's workbook and register again in the
order the run first wrote them: a return's credit note stays among its month's invoices, where
the run put it, rather than moving after every invoice (`toolkit.services.invoicing.as_stored`)."""

from __future__ import annotations

import csv
import shutil
from datetime import timedelta
from pathlib import Path

import openpyxl
from test_printing import cli

from toolkit.core.workdays import working_calendar
from toolkit.services import session as sessions
from toolkit.services.demo import MONTH
from toolkit.services.orders import create
from toolkit.services.shipping import ship


def _april_shipped(workbook: Path) -> None:
    """Every working day of April created and shipped, as the demo does: its returns included."""
    session = sessions.open_session(workbook)
    master, ledger = session.master, session.ledger
    calendar = working_calendar(master.settings, master.closures)
    for day in (MONTH[0] + timedelta(days=n) for n in range((MONTH[1] - MONTH[0]).days + 1)):
        if calendar.is_working(day):
            create(master, ledger, day, with_catch_up=False, lang="it")
            ship(master, ledger, day, all_open=True, lang="it")
    ledger.engine.dispose()


def _register(folder: Path) -> tuple[list[str], list[str]]:
    """The document numbers of the Registro sheet and of the CSV, in their order."""
    [book] = folder.glob("fatture-*.xlsx")
    sheet = openpyxl.load_workbook(book, read_only=True)["Registro"]
    rows = [str(r[0]) for r in sheet.iter_rows(values_only=True) if r and str(r[0] or "").startswith(("FT-", "NC-"))]
    [register] = folder.glob("registro-*.csv")
    with register.open(encoding="utf-8-sig", newline="") as f:
        listed = [r[0] for r in csv.reader(f, delimiter=";") if r and r[0].startswith(("FT-", "NC-"))]
    return rows, listed


def test_a_run_exported_again_keeps_its_first_order_a_credit_note_among_the_invoices(capsys, tmp_path,
                                                                                     sample_workbook):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    _april_shipped(workbook)
    code, said = cli(capsys, "invoice", workbook, "--month", "2026-04", "--final", "--out", tmp_path / "first")
    assert code == 0, said
    [run] = [p.name.removeprefix("fatture-").removesuffix(".xlsx") for p in (tmp_path / "first").glob("fatture-*.xlsx")]
    first = _register(tmp_path / "first")
    assert first[0] == first[1]
    numbers = first[0]
    assert any(a.startswith("NC-") and b.startswith("FT-") for a, b in zip(numbers, numbers[1:])), numbers
    code, said = cli(capsys, "invoice", "export", workbook, run, "--out", tmp_path / "again")
    assert code == 0, said
    assert _register(tmp_path / "again") == first
