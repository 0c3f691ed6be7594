"""An order form's cells are checked as the master's are: numbers (limits, decimals, the
ambiguous `1.500`), dates (2000–2099, the 31-day typo guard), negative quantities only for a
customer invoiced at once; every problem of a form at its own cell, and one bad form never
stops the batch (`toolkit convert --to ordini`, docs/convert.md)."""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from command_line import in_process as toolkit
from sqlalchemy import select

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading


@pytest.fixture
def desk(tmp_path, sample_workbook) -> Path:
    shutil.copy(sample_workbook, tmp_path / "anagrafiche.xlsx")
    return tmp_path / "anagrafiche.xlsx"


def form(path: Path, customer: str, day: Any, lines: list[tuple[Any, ...]], price: bool = True,
         reference: str | None = None) -> Path:
    """A form as a desk makes one: labels with the value on their right, then Articolo,
    Quantità (and Prezzo) from row 7, the lines from row 8."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Ordine"
    sheet.append(["Cliente", customer])
    sheet.append(["Data", day])
    sheet.append(["Vs. ordine", reference or f"ODA {path.stem}"])
    sheet.append([])
    sheet.append([])
    sheet.append([])
    sheet.append(["Articolo", "Quantità", *(["Prezzo"] if price else [])])
    for line in lines:
        sheet.append(list(line))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def convert(forms: Path, desk: Path, capsys, *more: str) -> tuple[int, dict, dict[str, dict]]:
    code, said = toolkit(["convert", forms, "--to", "ordini", "--master", desk, "--out", forms.parent / "out",
                          "--jobs", "1", *more], capsys)
    return code, said, {Path(f["file"]).name: f for f in said["files"]}


def where(problems: list[dict]) -> list[tuple[str, str | None]]:
    return [(p["code"], p["cell"]) for p in problems]


def form_orders(desk: Path) -> list[tuple[str, str]]:
    with reading(open_ledger(workbook=desk)) as conn:
        return sorted(conn.execute(select(schema.orders.c.origin, schema.orders.c.customer)).all())


def test_a_negative_quantity_is_refused_at_its_cell_unless_the_customer_is_invoiced_at_once(desk, tmp_path, capsys):
    """C001 is not invoiced *Immediato*: its −3 would have shipped as a sale and been invoiced as
    a credit. C004 is: its form gives the goods back with a credit note at the order."""
    forms = tmp_path / "moduli"
    form(forms / "reso-c001.xlsx", "C001", date(2026, 4, 9), [("A001", -3)], price=False)
    form(forms / "reso-c004.xlsx", "C004", date(2026, 4, 9), [("A001", -1)], price=False)
    code, said, files = convert(forms, desk, capsys)
    assert code == 1
    assert files["reso-c001.xlsx"]["status"] == "failed"
    [refused] = files["reso-c001.xlsx"]["problems"]
    assert (refused["code"], refused["sheet"], refused["cell"]) == ("form-negative-quantity", "Ordine", "B8")
    assert refused["message"].startswith("La quantità -3 di A001 è negativa, ma il cliente C001 non è fatturato "
                                         "«Immediato»"), refused["message"]
    assert files["reso-c004.xlsx"]["status"] == "converted"
    assert form_orders(desk) == [("form:reso-c004.xlsx", "C004")]


def test_a_form_line_of_goods_given_back_ships_under_reso_not_as_a_sale(desk, tmp_path, capsys, rome_today):
    """C025 (invoiced at once)'s form sells 2 of A001 and gives 1 of A002 back: the goods given back travel on a
    DDT of their own whose reason is *Reso*, never on the sale's DDT as goods leaving."""
    rome_today(date(2026, 4, 9))
    forms = tmp_path / "moduli"
    form(forms / "misto.xlsx", "C025", date(2026, 4, 9), [("A001", 2), ("A002", -1)], price=False)
    code, _, files = convert(forms, desk, capsys)
    assert (code, files["misto.xlsx"]["status"]) == (0, "converted"), files
    [number] = files["misto.xlsx"]["orders"]
    code, shipped = toolkit(["ship", desk, "--date", "2026-04-09", "--orders", number], capsys)
    assert code == 0, shipped
    assert sorted((note["reason"], note["lines"]) for note in shipped["shipped"]) == [("return", 1), ("sale", 1)], shipped


def test_a_form_invoiced_at_once_for_a_day_past_its_twelve_days_says_so(desk, tmp_path, capsys, rome_today):
    """C025 is invoiced at once: its form of 9 April converted on 30 April issues an immediate
    invoice dated 9 April, past its 12 days at SDI (21/04/2026): the form's row says so, as
    `orders create` does (`einvoice-immediate-late`); one of 20 April is within them."""
    rome_today(date(2026, 4, 30))
    forms = tmp_path / "moduli"
    form(forms / "tardi.xlsx", "C025", date(2026, 4, 9), [("A001", 2)], price=False)
    form(forms / "in-tempo.xlsx", "C025", date(2026, 4, 20), [("A002", 1)], price=False)
    code, _, files = convert(forms, desk, capsys)
    assert files["tardi.xlsx"]["status"] == files["in-tempo.xlsx"]["status"] == "converted", files
    [late] = [p for p in files["tardi.xlsx"]["problems"] if p["code"] == "einvoice-immediate-late"]
    assert "entro il 21/04/2026" in late["message"] and "oggi è il 30/04/2026" in late["message"], late
    assert [p["code"] for p in files["in-tempo.xlsx"]["problems"]] == [], files


def test_form_numbers_are_checked_as_the_masters_and_the_batch_goes_on(desk, tmp_path, capsys):
    forms = tmp_path / "moduli"
    form(forms / "q-1e20.xlsx", "C001", date(2026, 4, 9), [("A001", 1e20)])
    form(forms / "p-1e20.xlsx", "C001", date(2026, 4, 9), [("A001", 1, 1e20)])
    form(forms / "q-decimali.xlsx", "C001", date(2026, 4, 9), [("A001", 1.23456)])
    form(forms / "q-testo.xlsx", "C001", date(2026, 4, 9), [("A001", "1,2345")])
    form(forms / "q-2milioni.xlsx", "C001", date(2026, 4, 9), [("A001", 2_000_000)])
    form(forms / "p-2milioni.xlsx", "C001", date(2026, 4, 9), [("A001", 1, 2_000_000)])
    form(forms / "q-ambigua.xlsx", "C001", date(2026, 4, 9), [("A001", "1.500")])
    form(forms / "buono.xlsx", "C001", date(2026, 4, 9), [("A001", "1,5")])
    code, said, files = convert(forms, desk, capsys)
    assert code == 1
    assert {n: where(f["problems"]) for n, f in files.items() if f["status"] == "failed"} == {
        "q-1e20.xlsx": [("number-out-of-range", "B8")],
        "p-1e20.xlsx": [("number-out-of-range", "C8")],
        "q-decimali.xlsx": [("too-many-decimals", "B8")],
        "q-testo.xlsx": [("too-many-decimals", "B8")],
        "q-2milioni.xlsx": [("number-out-of-range", "B8")],
        "p-2milioni.xlsx": [("number-out-of-range", "C8")],
        "q-ambigua.xlsx": [("ambiguous-number", "B8")],
    }
    assert files["p-2milioni.xlsx"]["problems"][0]["message"] == (
        "«2.000.000» è fuori dai limiti: scrivi un numero fra -1.000.000,00 e 1.000.000,00.")
    assert files["buono.xlsx"]["status"] == "converted"
    assert form_orders(desk) == [("form:buono.xlsx", "C001")]
    assert said["report"] and Path(said["report"]).is_file()


def test_form_dates_keep_to_the_years_and_the_typo_guard_of_orders_create(desk, tmp_path, capsys, rome_today):
    today = rome_today(date(2026, 12, 4))
    forms = tmp_path / "moduli"
    form(forms / "2207.xlsx", "C001", date(2207, 12, 2), [("A001", 1)])
    form(forms / "lontana.xlsx", "C001", today + timedelta(days=88), [("A001", 1)])
    form(forms / "vicina.xlsx", "C001", today + timedelta(days=31), [("A001", 1)])
    code, _, files = convert(forms, desk, capsys)
    assert code == 1
    assert where(files["2207.xlsx"]["problems"]) == [("form-date-out-of-range", "B2")]
    assert files["2207.xlsx"]["problems"][0]["message"] == (
        "La data 02/12/2207 del modulo è fuori dalle date ammesse: scrivi una data fra il 01/01/2000 e il 31/12/2099.")
    assert where(files["lontana.xlsx"]["problems"]) == [("form-date-far-ahead", "B2")]
    assert "--future" in files["lontana.xlsx"]["problems"][0]["message"]
    assert files["vicina.xlsx"]["status"] == "converted"
    assert form_orders(desk) == [("form:vicina.xlsx", "C001")]
    code, _, files = convert(forms, desk, capsys, "--future")
    assert files["lontana.xlsx"]["status"] == "converted"
    assert files["2207.xlsx"]["status"] == "failed"
    assert form_orders(desk) == [("form:lontana.xlsx", "C001"), ("form:vicina.xlsx", "C001")]


def test_every_problem_of_a_form_is_told_at_its_own_cell_in_italian(desk, tmp_path, capsys):
    forms = tmp_path / "moduli"
    form(forms / "vuoto.xlsx", "C001", date(2026, 4, 9), [])
    form(forms / "zero.xlsx", "C001", date(2026, 4, 9), [("A001", 0)])
    form(forms / "sotto-limite.xlsx", "C001", date(2026, 4, 9), [("A001", 1, "0,01")])
    form(forms / "senza-data.xlsx", "C001", None, [("A001", 1)])
    form(forms / "due-errori.xlsx", "C001", date(2026, 4, 9), [("A999", 1), ("A001", "tre")])
    code, _, files = convert(forms, desk, capsys)
    assert code == 1
    assert where(files["vuoto.xlsx"]["problems"]) == [("form-no-quantities", "B7")]
    assert where(files["zero.xlsx"]["problems"]) == [("form-no-quantities", "B7")]
    assert "mancano le intestazioni" not in files["zero.xlsx"]["problems"][0]["message"]
    assert where(files["sotto-limite.xlsx"]["problems"]) == [("form-price-below-limit", "C8")]
    [missing] = files["senza-data.xlsx"]["problems"]
    assert missing["message"].startswith("Il modulo d'ordine non ha «Data»:"), missing["message"]
    assert sorted(where(files["due-errori.xlsx"]["problems"])) == [("form-unknown-item", "A8"),
                                                                   ("not-a-number", "B9")]
    assert form_orders(desk) == []


def test_a_quantity_with_no_item_code_fails_the_form_at_the_item_cell(desk, tmp_path, capsys):
    """The desk wrote 5 and forgot the code: skipping the row shipped the order short without a
    word. Empty rows, zeros and the *Totale* row below the quantities are still passed over."""
    forms = tmp_path / "moduli"
    form(forms / "senza-codice.xlsx", "C001", date(2026, 4, 9),
         [("A001", 1), (None, 5), ("", 0), (None, None), ("A002", 2), (None, 8, "Totale")])
    form(forms / "buono.xlsx", "C001", date(2026, 4, 9), [("A001", 1), (None, 0), (None, 1, "Totale")])
    code, _, files = convert(forms, desk, capsys)
    assert code == 1
    assert files["senza-codice.xlsx"]["status"] == "failed"
    [missing] = files["senza-codice.xlsx"]["problems"]
    assert (missing["code"], missing["cell"], missing["sheet"]) == ("form-line-no-item", "A9", "Ordine")
    assert missing["message"] == ("La riga ha la quantità 5 ma non il codice articolo: scrivi l'articolo ordinato, "
                                  "o cancella la quantità.")
    assert files["buono.xlsx"]["status"] == "converted"
    assert form_orders(desk) == [("form:buono.xlsx", "C001")]


def test_a_form_cell_showing_a_formulas_error_fails_the_form_at_that_cell(desk, tmp_path, capsys):
    """A quantity #N/A was read as empty and the line dropped, a price #DIV/0! as no price and
    the list's taken, a date #VALUE! as a missing date: each is told at its cell, no order made."""
    from test_error_cells import with_errors

    forms = tmp_path / "moduli"
    forms.mkdir()
    plain = form(tmp_path / "modulo.xlsx", "C001", date(2026, 4, 9), [("A001", 2, 1.5), ("A002", 3, 2), ("A003", 1, 3)])
    with_errors(plain, forms / "errori.xlsx", ("Ordine", "B9", "NA()", "#N/A"), ("Ordine", "C10", "1/0", "#DIV/0!"),
                ("Ordine", "B2", "DATE(1,1,1)", "#VALUE!"))
    code, _, files = convert(forms, desk, capsys)
    assert code == 1 and files["errori.xlsx"]["status"] == "failed"
    assert sorted(where(files["errori.xlsx"]["problems"])) == [
        ("cell-error-value", "B2"), ("cell-error-value", "B9"), ("cell-error-value", "C10")]
    told = {p["cell"]: p["message"] for p in files["errori.xlsx"]["problems"]}
    assert told["B9"].startswith("La cella «Quantità» mostra #N/A, l'errore di una formula")
    assert told["B2"].startswith("La cella «Data» mostra #VALUE!")
    assert form_orders(desk) == []


def test_a_form_reference_the_einvoice_cannot_carry_fails_the_form_at_its_cell(desk, tmp_path, capsys):
    """*Vs. ordine* was kept up to 60 characters and cut to 20 in the e-invoice without a word,
    and a ° in it failed only at e-invoice time, the invoice issued: it is checked as a
    template's *Rif. ordine cliente* is, at its cell, and a reference that fits is kept whole."""
    forms = tmp_path / "moduli"
    form(forms / "lungo.xlsx", "C001", date(2026, 4, 9), [("A001", 1)], reference="ODA 2026/118 consegna 2")
    form(forms / "grado.xlsx", "C001", date(2026, 4, 9), [("A001", 1)], reference="ODA n° 118")
    form(forms / "euro.xlsx", "C001", date(2026, 4, 9), [("A001", 1)], reference="ODA 2026/118 - 50 €")
    form(forms / "buono.xlsx", "C001", date(2026, 4, 9), [("A001", 1)], reference="ODA 2026/118 - 50 EU")
    code, _, files = convert(forms, desk, capsys)
    assert code == 1
    assert where(files["lungo.xlsx"]["problems"]) == [("customer-reference-too-long", "B3")]
    assert where(files["euro.xlsx"]["problems"]) == [("customer-reference-too-long", "B3")]
    [degree] = files["grado.xlsx"]["problems"]
    assert (degree["code"], degree["cell"], degree["sheet"]) == ("customer-reference-not-in-einvoice", "B3", "Ordine")
    assert "«ODA n° 118» contiene °" in degree["message"]
    assert [f["status"] for f in (files["lungo.xlsx"], files["grado.xlsx"], files["euro.xlsx"])] == ["failed"] * 3
    assert files["buono.xlsx"]["status"] == "converted"
    with reading(open_ledger(workbook=desk)) as conn:
        assert conn.execute(select(schema.orders.c.origin, schema.orders.c.customer_reference)).all() == [
            ("form:buono.xlsx", "ODA 2026/118 - 50 EU")]


def test_a_form_price_of_more_than_six_decimals_makes_the_order_at_the_price_the_ledger_keeps_and_says_so(
        desk, tmp_path, capsys):
    """25.12345678 was stored as 25.123457 with no word: the order is made at that price, warned at the price's cell."""
    forms = tmp_path / "moduli"
    form(forms / "otto-decimali.xlsx", "C001", date(2026, 4, 9), [("A001", 2, 25.12345678)])
    code, _, files = convert(forms, desk, capsys)
    assert (code, files["otto-decimali.xlsx"]["status"]) == (0, "converted"), files["otto-decimali.xlsx"]["problems"]
    [warned] = files["otto-decimali.xlsx"]["problems"]
    assert (warned["code"], warned["sheet"], warned["cell"]) == ("price-decimals-rounded", "Ordine", "C8")
    assert "è preso come 25,123457" in warned["message"]
    with reading(open_ledger(workbook=desk)) as conn:
        assert conn.execute(select(schema.order_lines.c.unit_price, schema.order_lines.c.amount)).all() == [
            (Decimal("25.123457"), Decimal("50.25"))]


def test_a_form_quantity_with_decimals_of_an_item_counted_in_pieces_is_warned_at_its_cell(desk, tmp_path, capsys):
    """1,5 of A001 (pz) on a form was ordered as typed with no word, where a template line's is warned: the order is
    made as the form says, and the form's quantity cell says what was taken."""
    forms = tmp_path / "moduli"
    form(forms / "mezzo.xlsx", "C001", date(2026, 4, 9), [("A001", 1.5), ("A002", 2)], price=False)
    code, _, files = convert(forms, desk, capsys)
    assert (code, files["mezzo.xlsx"]["status"]) == (0, "converted"), files["mezzo.xlsx"]
    [warned] = files["mezzo.xlsx"]["problems"]
    assert (warned["code"], warned["sheet"], warned["cell"]) == ("quantity-fraction-of-whole-unit", "Ordine", "B8")
    assert warned["message"].startswith("La quantità 1,5 di A001 ha decimali, ma A001 si conta in «pz»")
    with reading(open_ledger(workbook=desk)) as conn:
        assert sorted(conn.execute(select(schema.order_lines.c.item, schema.order_lines.c.quantity)).all()) == [
            ("A001", Decimal("1.5")), ("A002", Decimal(2))]
