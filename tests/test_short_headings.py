"""A desk's own short headings (`P.IVA`, `C.F.`, `Rag. Soc.`, `Prov`, `Descr.`, `IVA`) are read,
by the master's sheets and by `convert`, but only where no heading names the column otherwise:
an earlier try made them aliases, and a notes column `IVA` beside `Aliquota IVA` became a
second column for the VAT rate, an error, where the format promises extra columns are ignored."""

from __future__ import annotations

from decimal import Decimal

import minimal
import pytest
from conftest import with_stock_sheet

from toolkit.basics.vocab import normalize
from toolkit.intake.mapping import NO_MAPPING
from toolkit.intake.reshape import reshape
from toolkit.intake.sources import from_values
from toolkit.intake.validation import check
from toolkit.model import sheets as schema


def _renamed(sheets: dict, sheet: str, names: dict[str, str], extra: dict[str, list] | None = None) -> dict:
    rows = sheets[sheet]
    rows[0] = [names.get(h, h) for h in rows[0]]
    for heading, values in (extra or {}).items():
        rows[0].append(heading)
        for row, value in zip(rows[1:], values):
            row.append(value)
    return sheets


def test_a_short_heading_alone_is_read_as_its_column():
    sheets = with_stock_sheet(minimal.sheets())
    _renamed(sheets, "Clienti", {"Ragione sociale": "Rag. Soc.", "Partita IVA": "P.IVA", "Codice fiscale": "C.F."},
             {"Prov": ["TO", "RM"]})
    _renamed(sheets, "Articoli", {"Descrizione": "Descr.", "Aliquota IVA": "IVA"})
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master is not None
    bar, rossi = result.master.customers
    assert (bar.name, bar.vat_number, bar.province) == ("Bar Centrale S.n.c.", "01234560157", "TO")
    assert (rossi.tax_code, rossi.province) == ("RSSMRA80A01H501U", "RM")
    assert [(i.description, i.vat_rate) for i in result.master.items][:2] == [
        ("Caffè in grani 1 kg", Decimal(22)), ("Latte fresco 1 l", Decimal(4))]
    minimal.set_cell(sheets, "Clienti", "C2", "123")
    assert [(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems] == [
        ("Clienti", "C2", "invalid-vat-number")]


def test_a_short_heading_beside_the_full_one_is_an_extra_column_ignored():
    sheets = with_stock_sheet(minimal.sheets())
    _renamed(sheets, "Articoli", {}, {"IVA": ["chiedere al commercialista", "?", "esente"]})
    _renamed(sheets, "Clienti", {}, {"P.IVA": ["vedi visura", None]})
    result = check(minimal.workbook(sheets))
    assert result.problems == []
    assert result.master is not None
    assert [i.vat_rate for i in result.master.items] == [Decimal(22), Decimal(4), Decimal(0)]
    assert result.master.customers[0].vat_number == "01234560157"


def test_two_short_headings_of_one_column_are_named_as_a_duplicate():
    sheets = with_stock_sheet(minimal.sheets())
    _renamed(sheets, "Clienti", {"Partita IVA": "P.IVA"}, {"Part. IVA": ["01234560157", None]})
    assert [(p.sheet, p.cell, p.code) for p in check(minimal.workbook(sheets)).problems] == [
        ("Clienti", "K1", "duplicate-column")]


def test_convert_reads_a_customer_lists_short_headings_unless_the_full_one_is_there():
    rows = [["Codice", "Rag. Soc.", "P.IVA", "C.F.", "Indirizzo", "Cap", "Città", "Prov", "Listino"],
            ["C01", "Bar Sport", "00743110157", None, "Via Roma 1", "40121", "Bologna", "BO", "BASE"]]
    [fed] = reshape(from_values("clienti.xlsx", {"Clienti": rows}), NO_MAPPING).fed
    assert fed.columns == {"Codice": "code", "Rag. Soc.": "name", "P.IVA": "vat_number", "C.F.": "tax_code",
                           "Indirizzo": "address", "Cap": "postcode", "Città": "city", "Prov": "province",
                           "Listino": "price_list"}
    assert fed.unmatched == ()
    assert fed.rows[0][0]["vat_number"] == "00743110157"
    rows[0] += ["Partita IVA", "Provincia"]
    rows[1] += ["IT00743110157", "BO"]
    [fed] = reshape(from_values("clienti.xlsx", {"Clienti": rows}), NO_MAPPING).fed
    assert (fed.columns["Partita IVA"], fed.columns["Provincia"]) == ("vat_number", "province")
    assert fed.unmatched == ("P.IVA", "Prov")
    assert fed.rows[0][0]["vat_number"] == "IT00743110157"


@pytest.mark.parametrize("sheet", schema.SHEETS, ids=lambda s: s.key)
def test_a_short_heading_is_no_other_columns_name_and_belongs_to_one_column(sheet):
    for short, column in sheet.short_headings.items():
        assert short not in sheet.headings, (short, sheet.headings[short].key)
        assert [c.key for c in sheet.columns if short in map(normalize, c.short)] == [column.key]
