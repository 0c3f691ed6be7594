"""Every panel button pressed with a hostile value in each cell it reads, drawn by a seed: each press
ends in one message box, never *Errore interno / internal error*. The values are those a desk or
a paste puts there (an error cell, a date of 1900 or 2999, a number of 309 digits, a string of
100,000 characters, a formula's text, NaN); the hostile week's fuzzing found 1E+308 in *Cliente
o richiesta* and a date in *Emissione fatture* so, each also tested on its own."""

from __future__ import annotations

import random
import shutil
from datetime import date, datetime
from pathlib import Path

import minimal
import pytest
from fakebook import ExcelError, FakeBook

import toolkit.excel as x
from toolkit.excel.buttons import BUTTONS
from toolkit.excel.inputs import FIELDS

BOOK = "ordini-ricorrenti.xlsm"
NAMES = {field.name: field.cell for field in FIELDS}
READS = {
    "preview_orders": ["DataOrdini"], "ship": ["DataOrdini"], "ship_and_invoice": ["DataOrdini", "NumeroOrdine"],
    "change_order_status": ["NumeroOrdine", "NuovoStato"], "confirm_quotation": ["NumeroOrdine"],
    "reprint_delivery_notes": ["DataOrdini"], "void_delivery_note": ["NumeroDDT", "MotivoAnnulloDDT"],
    "distribution_list": ["DataOrdini"], "month_end_invoicing": ["DataOrdini", "NotaDataResi"],
    "finalize_run": ["Emissione"], "undo_run": ["Emissione"], "einvoices": ["DataOrdini"],
    "record_payment": ["IncassoData", "IncassoFattura", "IncassoImporto", "IncassoModalita"],
    "credit_note": ["IncassoFattura", "NotaMotivo", "NotaRighe"],
    "debit_note": ["IncassoFattura", "NotaDebitoAliquota", "NotaDebitoImporto", "NotaMotivo"],
    "no_credit_due": ["NotaMotivo", "NumeroOrdine"], "calendar": ["DataOrdini"],
    "sales_report": ["PeriodoAl", "PeriodoDal", "TipoReport"],
    "open_request": ["Richiesta", "TestoRichiesta", "TipoRichiesta"], "act_on_request": ["Richiesta", "TestoRichiesta"],
    "close_request": ["Richiesta", "TestoRichiesta"], "commissions": ["PeriodoAl", "PeriodoDal"],
    "settle_volume_discounts": ["PeriodoAl", "PeriodoDal"],
}
"""The panel cells each button reads (by their names), as a press found them."""
HOSTILE = [None, "   ", "abc", 45756.0, 0.0, -1.0, float("nan"), float("inf"), 1e308, ExcelError("#N/A"), "#N/A",
           datetime(1900, 1, 1), datetime(2999, 12, 31), "x" * 100_000, "=1/0", True, "31/02/2026", "09/04/2026",
           "\x00\x01", "ñ€😀", "99999999999999999999", "1e400", "-0", "1:-4", "1,2:3", "N3.5", "-150,50"]
FILLED = dict(IncassoFattura="FT-2026-00001", NumeroOrdine="OC-2026-00001", NotaMotivo="reso", NotaDebitoImporto=10.0,
              PeriodoDal=datetime(2026, 4, 1), PeriodoAl=datetime(2026, 4, 30), TipoReport="vendite",
              IncassoData=datetime(2026, 4, 20), IncassoImporto=10.0, NuovoStato="Chiuso", Richiesta="1",
              TipoRichiesta="reclamo", TestoRichiesta="t", NumeroDDT="DDT-2026-00001")


def fake(folder: Path) -> FakeBook:
    panel = [["Ordini ricorrenti"], [None], ["Data ordini", datetime(2026, 4, 9)]]
    return FakeBook(BOOK, {"Pannello": panel, **minimal.sheets()}, fullname=str(folder / BOOK), names=NAMES)


def fill(book: FakeBook, **values) -> None:
    for name, value in values.items():
        book.sheet("Pannello").cells.pop((int(NAMES[name][1:]), 2), None)
        if value is not None:
            book.sheet("Pannello").cells[(int(NAMES[name][1:]), 2)] = value


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> tuple[Path, str]:
    """A ledger with an order shipped and invoiced in a final run: what the buttons act on."""
    folder = tmp_path_factory.mktemp("seed")
    book = fake(folder)
    for name in ("preview_orders", "create_orders", "ship", "month_end_invoicing"):
        getattr(x, name)(book)
    run_id = book.sheet("Pannello").value("B10")
    x.finalize_run(book)
    return folder, run_id


def test_the_buttons_read_what_this_test_fills():
    assert set(READS) <= {b.function for b in BUTTONS}
    assert {n for names in READS.values() for n in names} <= set(NAMES)


@pytest.mark.parametrize("seed", range(3))
def test_hostile_panel_values_end_in_one_box_and_never_an_internal_error(seeded, tmp_path, monkeypatch, seed):
    import toolkit.basics.dates

    monkeypatch.setattr(toolkit.basics.dates, "today_rome", lambda: date(2026, 5, 4))
    folder, run_id = seeded
    rng = random.Random(seed)
    for n, (button, field) in enumerate((b, f) for b in sorted(READS) for f in READS[b]):
        value = rng.choice(HOSTILE)
        here = Path(shutil.copytree(folder, tmp_path / f"press-{n}"))
        book = fake(here)
        fill(book, **FILLED, Emissione=run_id)
        fill(book, **{field: value})
        book.answers = ["yes"]
        getattr(x, button)(book)
        boxes = [a for a in book.alerts if a[2] != "yes_no"]
        assert len(boxes) == 1 and "internal error" not in boxes[0][0], (button, field, value, boxes)
        shutil.rmtree(here)
