"""A credit note is a new document: it names the seller as *Impostazioni* say it today, even
when its customer is gone from *Clienti* and its buyer is taken from the invoice it corrects
(`toolkit.services.credit_notes._with_parties`)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import openpyxl
from desks import without_customer
from sqlalchemy import select
from test_desk_safety import _invoiced_not_shipped
from test_printing import cli

from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import reading

OLD_ADDRESS = "Via Spostata 77"


def _seller_address(workbook: Path, address: str | None = None) -> str:
    """The seller's address in *Impostazioni*, set to `address` first when given."""
    book = openpyxl.load_workbook(workbook)
    row = next(r for r in book["Impostazioni"].iter_rows(min_row=2) if r[0].value == "Indirizzo")
    if address is not None:
        row[1].value = address
        book.save(workbook)
    return str(row[1].value)


def _customer_of(workbook: Path, number: str) -> str:
    i = schema.invoices.c
    series, year, n = number.split("-")
    ledger = open_ledger(workbook=workbook)
    with reading(ledger) as conn:
        found = conn.execute(select(i.customer).where(i.series == series, i.year == int(year), i.number == int(n)))
        customer = found.scalar_one()
    ledger.engine.dispose()
    return customer


def _printed(path: Path) -> str:
    book = openpyxl.load_workbook(path)
    return " ".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)


def test_a_note_for_a_customer_gone_from_the_sheet_names_todays_seller(capsys, tmp_path, sample_workbook, rome_today):
    rome_today(date(2026, 10, 5))
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    address = _seller_address(workbook)
    _seller_address(workbook, OLD_ADDRESS)
    assert cli(capsys, "orders", "create", workbook, "--date", "2026-10-01")[0] == 0
    _, invoice = _invoiced_not_shipped(f"sqlite:///{workbook}.ledger.sqlite")
    _seller_address(workbook, address)
    customer = _customer_of(workbook, invoice)
    without_customer(workbook, customer)
    code, said = cli(capsys, "invoice", "credit", workbook, "--invoice", invoice, "--reason", "prova", "--date",
                     "2026-10-02", "--out", tmp_path / "nota.xlsx")
    assert code == 0, said
    printed = _printed(tmp_path / "nota.xlsx")
    assert address in printed and OLD_ADDRESS not in printed
    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-10", "--out", tmp_path / "xml")
    assert code == 0, said
    note, corrected = (_header(tmp_path / "xml", number) for number in ("NC-2026-00001", invoice))
    assert note.findtext("CedentePrestatore/Sede/Indirizzo") == address
    assert corrected.findtext("CedentePrestatore/Sede/Indirizzo") == OLD_ADDRESS
    assert ET.tostring(note.find("CessionarioCommittente")) == ET.tostring(corrected.find("CessionarioCommittente"))


def _header(folder: Path, number: str) -> ET.Element:
    """The FatturaElettronicaHeader of the e-invoice of document `number`."""
    [found] = [f for f in folder.glob("*.xml") if f"<Numero>{number}</Numero>" in f.read_text()]
    return ET.parse(found).getroot().find("FatturaElettronicaHeader")
