"""*Impostazioni › Numeri prima del toolkit*: a desk that starts in the middle of a year goes on
after the numbers its former program issued that year, instead of issuing invoice 1 a second
time (a number the law wants once per year, and a file name SDI refuses to see twice)."""

from __future__ import annotations

import json
from datetime import date

import minimal
import pytest
import typer
from conftest import with_stock_sheet
from sqlalchemy import select
from test_shipping import shipping_sheets, write_book
from typer.testing import CliRunner

from toolkit.cli import einvoice, orders, shipping
from toolkit.intake.validation import check
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import draw_numbers, writing

CELL = ("Impostazioni", "B9")


def with_numbers_before(sheets, typed):
    minimal.set_cell(sheets, "Impostazioni", "A9", "Numeri prima del toolkit")
    minimal.set_cell(sheets, "Impostazioni", "B9", typed)
    return sheets


@pytest.mark.parametrize("typed, read", [
    ("FT 345/2026", (("FT", 2026, 345),)),
    ("ft 345 / 2026; NC-2026-00012, DDT 1200/2026, sdi 412",
     (("FT", 2026, 345), ("NC", 2026, 12), ("DDT", 2026, 1200), ("SDI", 0, 412))),
    (None, None)])
def test_the_numbers_are_read_as_a_desk_writes_them(typed, read):
    result = check(minimal.workbook(with_numbers_before(with_stock_sheet(minimal.sheets()), typed)))
    assert result.problems == []
    assert result.master.settings.numbers_before == read


@pytest.mark.parametrize("typed, code", [
    ("345", "bad-numbers-before"), ("FT 345", "bad-numbers-before"), ("FT 0/2026", "bad-numbers-before"),
    ("FT 345/1999", "bad-numbers-before"), ("FATT 345/2026", "numbers-before-unknown-series")])
def test_numbers_that_cannot_be_continued_are_refused_at_their_cell(typed, code):
    [problem] = check(minimal.workbook(with_numbers_before(with_stock_sheet(minimal.sheets()), typed))).problems
    assert ((problem.sheet, problem.cell), problem.code, problem.is_error) == (CELL, code, True)
    assert problem.message("it") and problem.message("en") != problem.message("it")


def test_a_desk_that_starts_mid_year_goes_on_after_its_former_numbers(tmp_path, ledger_url, rome_today):
    rome_today(date(2026, 4, 9))
    sheets = with_numbers_before(shipping_sheets(), "FT 345/2026, DDT 1200/2026, SDI 412")
    for row, postcode in zip(sheets["Clienti"], ("CAP", "20121", "00184")):
        row.append(postcode)
    book = str(write_book(tmp_path / "anagrafiche.xlsx", sheets))
    runner, app = CliRunner(), typer.Typer()
    for verbs in (orders, shipping, einvoice):
        verbs.register(app)

    def run(*args):
        result = runner.invoke(app, [*args, "--ledger", ledger_url, "--json"])
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    run("orders", "create", book, "--date", "2026-04-09")
    shipped = run("ship", book, "--date", "2026-04-09", "--all", "--invoice")
    assert sorted(s["ddt"] for s in shipped["shipped"]) == ["DDT-2026-01201", "DDT-2026-01202"]
    assert sorted(i["number"] for i in shipped["invoices"]) == ["FT-2026-00346", "FT-2026-00347"]
    run("einvoice", book, "--month", "2026-04", "--out", str(tmp_path / "fe"))
    assert sorted(p.name for p in (tmp_path / "fe").iterdir()) == ["IT00743110157_00413.xml",
                                                                  "IT00743110157_00414.xml"]


def test_the_numbers_start_a_series_only_in_their_year_and_only_before_the_toolkit_numbered_it(ledger_url):
    plain = open_ledger(ledger_url)
    with writing(plain) as conn:
        assert draw_numbers(conn, [("NC", 2026)]) == [1]
    plain.engine.dispose()
    carried = open_ledger(ledger_url, numbers_before=(("FT", 2026, 345), ("NC", 2026, 12)))
    with writing(carried) as conn:
        assert draw_numbers(conn, [("FT", 2026), ("FT", 2026), ("FT", 2027), ("NC", 2026)]) == [346, 347, 1, 2]
    with writing(carried) as conn:
        assert draw_numbers(conn, [("FT", 2026)]) == [348]
        c = schema.counters.c
        assert conn.execute(select(c.last).where(c.series == "FT", c.year == 2026)).scalar() == 348
    carried.engine.dispose()
