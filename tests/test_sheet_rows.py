"""A document with more rows than an Excel sheet holds is refused before anything is written:
XlsxWriter leaves out a cell written past the last row without a word, so a month's delivery
calendar at L (1.1 million lines) lost its last days. Each writer is held to a sheet a few rows
long here (`ROWS_PER_SHEET` patched), and writes as before at the real limit."""

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
    create(master, ledger, DAY, with_catch_up=False)
    return master


WRITERS = {
    "calendar": lambda master, ledger, out: calendar.plan(master, DAY, DAY, out=out, lang="en"),
    "distribution": lambda master, ledger, out: lists.distribution(master, ledger, DAY, DAY, out, "en"),
    "complete": lambda master, ledger, out: lists.distribution(master, ledger, DAY, DAY, out, "en", complete=True),
    "production": lambda master, ledger, out: lists.production(master, ledger, DAY, DAY, out, "en"),
    "report": lambda master, ledger, out: reports.report(master, ledger, Request(Kind.SALES, DAY, DAY), out, "en"),
}
DOCUMENTS = {"calendar": "Calendar – List", "distribution": "Distribution list", "complete": "Distribution list (complete)",
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
