"""A document with more rows than an Excel sheet holds is refused before anything is written:
XlsxWriter leaves out a cell written past the last row without a word, so a month's
distribution list at L (1.1 million lines) lost its last days. Each writer is held to a sheet a few rows
long here (`ROWS_PER_SHEET` patched), and writes as before at the real limit. The calendar's
list, which a month at L or a year at M fills past a sheet, goes on in further sheets."""

from __future__ import annotations

from datetime import date

import pytest
from test_shipping import shipping_master

from toolkit.basics.problems import ProblemsFound
from toolkit.core.reports import Kind, Request
from toolkit.services import calendar, lists, reports
from toolkit.services.orders import create
from toolkit.writers import sheet_limits

DAY = date(2026, 4, 9)


@pytest.fixture
def desk(ledger):
    master = shipping_master(stock={"A001": 100, "A002": 24})
    create(master, ledger, DAY, with_catch_up=False, lang="it")
    return master


WRITERS = {
    "calendar": lambda master, ledger, out: calendar.plan(master, DAY, DAY, out=out, lang="en"),
    "distribution": lambda master, ledger, out: lists.distribution(master, ledger, DAY, DAY, out, "en"),
    "complete": lambda master, ledger, out: lists.distribution(master, ledger, DAY, DAY, out, "en", complete=True),
    "production": lambda master, ledger, out: lists.production(master, ledger, DAY, DAY, out, "en"),
    "report": lambda master, ledger, out: reports.report(master, ledger, Request(Kind.SALES, DAY, DAY), out, lang="en"),
}
DOCUMENTS = {"calendar": "Calendar", "distribution": "Distribution list", "complete": "Distribution list (complete)",
             "production": "Production list – Orders", "report": "Data"}


@pytest.mark.parametrize("kind", WRITERS)
def test_a_document_longer_than_a_sheet_is_refused_and_not_written(desk, ledger, tmp_path, monkeypatch, kind):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / f"{kind}.xlsx"
    WRITERS[kind](desk, ledger, out)
    assert out.exists()
    out.unlink()
    monkeypatch.setattr(sheet_limits, "ROWS_PER_SHEET", 4)
    with pytest.raises(ProblemsFound) as refused:
        WRITERS[kind](desk, ledger, out)
    [problem] = refused.value.problems
    assert problem.code == "too-many-rows", kind
    assert problem.message("en").startswith(f"{DOCUMENTS[kind]}: "), problem.message("en")
    assert list(folder.iterdir()) == []


def test_the_rows_and_the_limit_are_grouped_in_the_readers_way():
    """A month's list at L asks 1.1 million rows: the refusal says them as the desk reads a number,
    as the reader of a sheet past its last row says its row (it printed «1100000 righe … (1048576)»)."""
    with pytest.raises(ProblemsFound) as refused:
        sheet_limits.check_rows(1_100_000, "Lista di distribuzione")
    [problem] = refused.value.problems
    assert "Lista di distribuzione: 1.100.000 righe" in problem.message("it")
    assert "(1.048.576)" in problem.message("it")
    assert "1,100,000 rows" in problem.message("en") and "(1,048,576)" in problem.message("en")


def test_the_calendars_list_goes_on_in_further_sheets(desk, tmp_path, monkeypatch):
    """A delivery's lines stay together, and every line is listed once, in the plan's order."""
    import openpyxl

    from toolkit.writers import calendar_sheet

    end = date(2026, 4, 30)
    whole = calendar.plan(desk, DAY, end, out=tmp_path / "whole.xlsx", lang="en")
    expected = [row for row in openpyxl.load_workbook(whole.file)["List"].iter_rows(min_row=2, values_only=True)]
    per_delivery = max(len(due.lines) for due in whole.dues)
    monkeypatch.setattr(calendar_sheet, "ROWS_PER_SHEET", per_delivery + 2)
    split = openpyxl.load_workbook(calendar.plan(desk, DAY, end, out=tmp_path / "split.xlsx", lang="en").file)
    lists = [sheet for sheet in split.worksheets if sheet.title.startswith("List")]
    assert [s.title for s in lists[:3]] == ["List", "List 2", "List 3"]
    assert all(s.max_row <= per_delivery + 2 for s in lists)
    assert [row for s in lists for row in s.iter_rows(min_row=2, values_only=True)] == expected
