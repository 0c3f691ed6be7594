"""The accountants' workbook written as blocks of rows is, part for part and byte for byte, the
workbook the cell-by-cell writer made (`tests/oracles/accountants.py`): on randomized invoices
over the sample's customers (awkward text, unknown customers, credit notes, empty invoices,
lines spilling into further sheets, more invoices than links) and on the sample's April."""

from __future__ import annotations

import random
import zipfile
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal as D
from pathlib import Path

import pytest
from oracles import accountants as oracle
from oracles.accountants import write_workbook as write_workbook_cell_by_cell
from reads import Reads

from toolkit.basics.vocab import PaymentMethod
from toolkit.core.invoicing import (
    DeliveryRef,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    InvoiceStatus,
    Period,
)
from toolkit.core.vat import vat_summary
from toolkit.writers import accountants
from toolkit.writers.accountants import write_workbook

AWKWARD = ("", "  leading", "trailing ", "a & b <c> \"d\"", "_x0041_ literal", "control\x01char", "two\nlines",
           "=HYPERLINK(\"http://x\")", "<r>rich</r>", "città € più", "x" * 120,
           "Parmigiano Reggiano stagionato 24 mesi, forma intera da circa quaranta chili")


def _text(rng: random.Random) -> str:
    return rng.choice(AWKWARD) if rng.random() < 0.4 else f"Articolo {rng.randrange(10_000)}"


def random_invoices(rng: random.Random, customers: list[str], count: int) -> list[Invoice]:
    invoices = []
    for n in range(count):
        kind = InvoiceKind.CREDIT_NOTE if rng.random() < 0.15 else InvoiceKind.INVOICE
        sign = -1 if kind is InvoiceKind.CREDIT_NOTE else 1
        day = date(2026, 4, 1) + timedelta(rng.randrange(30))
        lines = []
        for line_no in range(1, rng.choice((0, 1, 2, 3, 5, 8)) + 1):
            quantity = D(sign * rng.randrange(1, 5000)) / rng.choice((1, 10, 1000))
            price = D(rng.randrange(1, 10**7)) / 10**rng.randrange(0, 7)
            rate = rng.choice((D(22), D(10), D(4), D(0)))
            nature = rng.choice(("N1", "N4", None)) if not rate else None
            delivery = (DeliveryRef(rng.randrange(1, 99), f"DDT-2026-{rng.randrange(99):05d}", day - timedelta(2),
                                    rng.choice((None, day - timedelta(2), day - timedelta(1))))
                        if rng.random() < 0.7 else None)
            lines.append(InvoiceLine(
                item=rng.choice((f"A{rng.randrange(999):03d}", "  spaced ", "&<item>")), description=_text(rng),
                unit=rng.choice(("pz", "kg", "", "l")), quantity=quantity, unit_price=price,
                amount=(quantity * price).quantize(D("0.01")), vat_rate=rate, vat_nature=nature, line_no=line_no,
                order_line_id=line_no, delivery_line_id=None, delivery=delivery,
                order_number=f"OC-2026-{rng.randrange(9999):05d}",
                customer_reference=rng.choice((None, "ODA 2026/118"))))
        summary = tuple(vat_summary((x.amount, x.vat_rate, x.vat_nature) for x in lines))
        taxable = sum((v.taxable for v in summary), D(0))
        vat = sum((v.vat for v in summary), D(0))
        dues = tuple(Instalment(day + timedelta(30 * (k + 1)), (taxable + vat) / 3) for k in range(rng.choice((0, 1, 3))))
        invoices.append(Invoice(
            kind=kind, customer=rng.choice(customers), group_key=rng.choice((None, "project:P1", "project:", "ship-to:D1")),
            period=Period(date(2026, 4, 1), date(2026, 4, 30)), invoice_date=day, lines=tuple(lines), summary=summary,
            taxable=taxable, vat=vat, total=taxable + vat, payment_method=rng.choice(list(PaymentMethod)),
            payment_terms=rng.choice(("30 gg d.f.f.m.", "", "30/60/90")), dues=dues, id=n + 1,
            number=rng.choice((f"FT-2026-{n + 1:05d}", None)) if rng.random() < 0.05 else f"FT-2026-{n + 1:05d}",
            status=rng.choice((InvoiceStatus.FINAL, InvoiceStatus.DRAFT, None)), run_id="r",
            split_payment=rng.random() < 0.2))
    return invoices


def assert_same_workbook(made: Path, expected: Path) -> None:
    with zipfile.ZipFile(made) as new, zipfile.ZipFile(expected) as old:
        assert new.namelist() == old.namelist()
        for part in old.namelist():
            if part != "docProps/core.xml":  # the creation time
                assert new.read(part) == old.read(part), part


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_the_block_writer_writes_what_the_cell_writer_wrote(tmp_path, sample_master, monkeypatch, seed):
    rng = random.Random(seed)
    customers = [c.code for c in sample_master.customers] + ["UNKNOWN", "=evil"]
    invoices = random_invoices(rng, customers, rng.randrange(30, 120))
    if seed % 2:
        monkeypatch.setattr(accountants, "LINES_PER_SHEET", 40)
        monkeypatch.setattr(accountants, "LINKS_PER_SHEET", 25)
        monkeypatch.setattr(oracle, "LINKS_PER_SHEET", 25)
    xml_files = {x.number: f"IT01234567890_{n:05d}.xml" for n, x in enumerate(invoices) if x.number and n % 3}
    for lang in ("it", "en"):
        made = write_workbook(tmp_path / f"blocks-{lang}.xlsx", sample_master, invoices, "run-1", lang, xml_files)
        expected = write_workbook_cell_by_cell(tmp_path / f"cells-{lang}.xlsx", sample_master, invoices, "run-1",
                                               lang, xml_files)
        assert_same_workbook(made, expected)


def test_an_empty_run_is_written_as_before(tmp_path, sample_master):
    assert_same_workbook(write_workbook(tmp_path / "a.xlsx", sample_master, [], "run"),
                         write_workbook_cell_by_cell(tmp_path / "b.xlsx", sample_master, [], "run"))


@pytest.mark.parametrize("seed", [5, 6, 7, 8, 9, 10])
def test_tiny_runs_are_written_as_before(tmp_path, sample_master, seed):
    """One to three invoices: the formats' numbering, taken from the order cells first use them,
    is where a block writer would differ first."""
    rng = random.Random(seed)
    invoices = random_invoices(rng, [c.code for c in sample_master.customers], rng.randrange(1, 4))
    if seed % 3 == 0:
        invoices = [replace(x, lines=(), summary=()) for x in invoices]
    assert_same_workbook(write_workbook(tmp_path / "a.xlsx", sample_master, invoices, "run"),
                         write_workbook_cell_by_cell(tmp_path / "b.xlsx", sample_master, invoices, "run"))


def test_the_printed_invoices_look_their_destinations_up_once(tmp_path, sample_master):
    """An invoice grouped by destination prints the destination's address: searched for each
    invoice, a month's copies at L went through every destination tens of thousands of times."""
    invoices = random_invoices(random.Random(7), [c.code for c in sample_master.customers], 60)
    assert sum(x.group_key == "ship-to:D1" for x in invoices) > 1
    counted = sample_master.model_copy(update={"ship_to": Reads(sample_master.ship_to)})
    accountants.write_copies(tmp_path / "copie.xlsx", counted, invoices)
    assert counted.ship_to.reads == 1
