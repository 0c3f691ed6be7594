"""An order that issues its DDT and its invoice at once (POS, on credit) bills its goods at the
order, and its invoice cited no DDT: no DatiDDT in its e-invoice, nothing in the register's DDT
column, while `ship --invoice`'s invoice, the same document for the accountant (dated as the
goods that left with it), cites its DDTs. The invoice now cites the DDT its goods left with
(`invoice_lines.shipped_with`, schema 45); an invoice issued before the change reads as issued
when printed again."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pytest
from fatturapa_reading import schema_errors
from older_ledgers import back_to
from sqlalchemy import inspect, select, text, update

from toolkit.core.invoicing import Period
from toolkit.ledger import open_ledger, schema
from toolkit.ledger.db import migrate, reading, writing
from toolkit.ledger.invoices import load_invoices
from toolkit.ledger.invoices_bulk import load_invoices_in_bulk
from toolkit.services import einvoice
from toolkit.services.orders import create
from toolkit.writers.accountants import write_register_csv

DAYS = (date(2026, 4, 1), date(2026, 4, 2), date(2026, 4, 3))


def _issued_at_once(master, ledger):
    """C024's POS invoice of the sample's first days, issued with its DDT."""
    for day in DAYS:
        created = create(master, ledger, day, lang="it")
    [issued] = [x for x in created.invoices if x.customer == "C024"]
    return issued


def _ddt_of(ledger, invoice) -> tuple[str, date]:
    """The DDT that carried the invoice's goods, as the ledger says (its lines' order lines)."""
    with reading(ledger) as conn:
        found = set(conn.execute(
            text("SELECT d.series, d.year, d.number, d.delivery_date FROM delivery_lines dl "
                 "JOIN deliveries d ON d.id = dl.delivery_id WHERE dl.order_line_id IN "
                 f"({', '.join(str(line.order_line_id) for line in invoice.lines)})")).all())
    [(series, year, number, day)] = found
    return f"{series}-{year}-{number:05d}", day if isinstance(day, date) else date.fromisoformat(day)


def _register_ddts(tmp_path: Path, master, invoices) -> dict[str, str]:
    target = write_register_csv(tmp_path / "registro.csv", master, invoices)
    rows = list(csv.reader(target.read_text(encoding="utf-8-sig").splitlines(), delimiter=";"))
    heads = rows[0]
    return {r[heads.index("Numero")]: r[heads.index("Documenti di trasporto")] for r in rows[1:]}


def test_an_invoice_issued_with_its_ddt_cites_it_in_its_e_invoice_and_the_register(tmp_path, sample_master,
                                                                                   ledger_url):
    ledger = open_ledger(ledger_url)
    try:
        issued = _issued_at_once(sample_master, ledger)
        number, day = _ddt_of(ledger, issued)
        assert {(line.delivery.number, line.delivery.day) for line in issued.lines if line.delivery} == {(number, day)}
        with reading(ledger) as conn:
            [read] = load_invoices(conn, ids=[issued.id])
            [bulk] = load_invoices_in_bulk(conn, [issued.id])
        for x in (read, bulk):
            assert [line.delivery and line.delivery.number for line in x.lines] == [number] * len(x.lines)
            assert all(line.delivery_line_id is None for line in x.lines)
        assert _register_ddts(tmp_path, sample_master, [read])[read.number] == f"{number} {day:%d/%m/%Y}"
        done = einvoice.export(sample_master, ledger, out=tmp_path / "fe", month=Period(DAYS[0], DAYS[-1]))
        path = done.files[read.number]
        assert schema_errors(path) == []
        xml = ElementTree.parse(path)
        assert (xml.findtext(".//TipoDocumento"), xml.findtext(".//DatiDDT/NumeroDDT"),
                xml.findtext(".//DatiDDT/DataDDT")) == ("TD01", number, f"{day:%Y-%m-%d}")
    finally:
        ledger.engine.dispose()


def test_an_invoice_issued_before_the_change_reads_as_issued_after_the_upgrade(tmp_path, sample_master, ledger_url):
    """A ledger of schema 44 gains the column empty: its invoices issued with their DDT cite
    none, printed again or written to XML, as they were issued."""
    ledger = open_ledger(ledger_url)
    try:
        issued = _issued_at_once(sample_master, ledger)
        back_to(ledger, 44, {"invoice_lines": ["shipped_with"]})
        assert migrate(ledger) == schema.SCHEMA_VERSION == 48
        with reading(ledger) as conn:
            assert "shipped_with" in {c["name"] for c in inspect(conn).get_columns("invoice_lines")}
            [read] = load_invoices(conn, ids=[issued.id])
            [bulk] = load_invoices_in_bulk(conn, [issued.id])
        assert [line.delivery for x in (read, bulk) for line in x.lines] == [None] * 2 * len(read.lines)
        assert _register_ddts(tmp_path, sample_master, [read])[read.number] == ""
        done = einvoice.export(sample_master, ledger, out=tmp_path / "fe", month=Period(DAYS[0], DAYS[-1]))
        assert ElementTree.parse(done.files[read.number]).find(".//DatiDDT") is None
    finally:
        ledger.engine.dispose()


def test_the_ddt_an_invoice_issued_with_it_cites_is_not_voided(sample_master, ledger_url):
    """An invoice's DatiDDT and register name the DDT its goods left with: voiding it left an
    issued invoice citing a voided DDT, the order open to ship again under another. It is
    refused as any DDT an invoice cites (`ddt-void-invoiced`), nothing voided; a DDT whose
    at-once invoice was issued before schema 45, citing none, is voided as it was."""
    from toolkit.services.ddt_void import void_ddt

    ledger = open_ledger(ledger_url)
    try:
        issued = _issued_at_once(sample_master, ledger)
        number, _ = _ddt_of(ledger, issued)
        refused = void_ddt(sample_master, ledger, number, "sbagliato")
        assert not refused.voided
        assert [(p.code, dict(p.params)["invoices"]) for p in refused.problems] == [("ddt-void-invoiced", issued.number)]
        with reading(ledger) as conn:
            [read] = load_invoices(conn, ids=[issued.id])
        assert {line.delivery and line.delivery.number for line in read.lines} == {number}
        with writing(ledger) as conn:
            conn.execute(update(schema.invoice_lines).where(schema.invoice_lines.c.invoice_id == issued.id)
                         .values(shipped_with=None))
        assert void_ddt(sample_master, ledger, number, "sbagliato").voided
    finally:
        ledger.engine.dispose()


@pytest.mark.parametrize("a034, cited, rest", [
    (2, [("DDT-2026-00001", "2026-04-03", ["1"])], ("DDT-2026-00002", [("A034", 2), ("A033", 1)])),
    (0, [], ("DDT-2026-00001", [("A034", 4), ("A033", 1)]))])
def test_an_invoice_whose_goods_left_in_part_cites_the_first_ddt_for_the_lines_it_carried(
        tmp_path, sample_master, ledger_url, a034, cited, rest):
    """C024's POS order (A034 × 4, A033 × 1) with stock for 2 of A034 and none of A033: the
    invoice bills both lines whole at the order, and its DatiDDT names the DDT that carried the 2
    with line 1 alone; line 2, which no DDT carried, is under none (with no stock at all, no
    DatiDDT). The rest leaves later on a DDT no invoice cites, and the file written again is the
    same, byte for byte."""
    from dataclasses import replace
    from decimal import Decimal

    from toolkit.services.shipping import ship

    short = {"A034": Decimal(a034), "A033": Decimal(0)}
    master = sample_master.model_copy(update=dict(
        stock=tuple(replace(s, quantity=short.get(s.item, s.quantity)) for s in sample_master.stock),
        templates=tuple(t for t in sample_master.templates if t.customer == "C024")))
    ledger = open_ledger(ledger_url)
    try:
        issued = _issued_at_once(master, ledger)
        assert [(line.item, line.quantity) for line in issued.lines] == [("A034", 4), ("A033", 1)]
        month = Period(DAYS[0], DAYS[-1])
        path = einvoice.export(master, ledger, out=tmp_path / "fe", month=month).files[issued.number]
        assert schema_errors(path) == []
        xml = ElementTree.parse(path)
        assert [(ddt.findtext("NumeroDDT"), ddt.findtext("DataDDT"), [n.text for n in ddt.iter("RiferimentoNumeroLinea")])
                for ddt in xml.iter("DatiDDT")] == cited
        assert [(line.findtext("NumeroLinea"), line.findtext("Quantita")) for line in xml.iter("DettaglioLinee")] == [
            ("1", "4.00"), ("2", "1.00")]
        with reading(ledger) as conn:
            orders = set(conn.execute(select(schema.orders.c.id)).scalars())
        later = ship(sample_master, ledger, date(2026, 4, 10), all_open=True, future=True, paid=orders, lang="it")
        assert [(n.number, [(line.item, line.quantity) for line in n.lines]) for n in later.notes] == [rest]
        again = einvoice.export(master, ledger, out=tmp_path / "again", month=month).files[issued.number]
        assert again.read_bytes() == path.read_bytes()
    finally:
        ledger.engine.dispose()
