"""A customer whose *Termini di fatturazione* turn *Immediato* while its DDTs wait for month end:
the month's goods left with a DDT and owe a deferred invoice citing it, dated in their month.
The run read them as covered by an invoice at the order, and billed the order lines instead:
C010's goods of DDT-2026-00006 of 10 April came out as FT TD01 dated the run's day in May,
citing no DDT, their VAT in May's register (`ledger.invoices.ordered_not_invoiced`'s
`shipped_apart`, `core.invoicing._place`)."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import openpyxl
from test_invoicing import AFTER_APRIL, APRIL, T, make_order, master_with, ship
from test_printing import cli

from toolkit.core.invoicing import InvoiceStatus, Period, Request
from toolkit.ledger import open_ledger
from toolkit.ledger.db import reading
from toolkit.ledger.orders import load_orders
from toolkit.services.invoicing import run


def test_ddts_of_a_customer_turned_immediate_get_their_deferred_invoice(capsys, tmp_path, sample_workbook,
                                                                       ledger_url):
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    book = openpyxl.load_workbook(workbook)
    ws = book["Clienti"]
    heads = [c.value for c in ws[1]]
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "C010")
    ws.cell(row, heads.index("Termini di fatturazione") + 1).value = "Immediato"
    book.save(workbook)

    out = tmp_path / "fatture"
    for args in (("invoice", workbook, "--month", "2026-04", "--final", "--out", out),
                 ("einvoice", workbook, "--month", "2026-04", "--out", tmp_path / "fe")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    register = [r.split(";") for r in next(out.glob("registro-*.csv")).read_text(encoding="utf-8-sig").splitlines()]
    heads = register[0]
    [c010] = [dict(zip(heads, r)) for r in register[1:] if r[heads.index("Cliente")] == "C010"]
    assert (c010["Data"], c010["Tipo"], c010["Documenti di trasporto"]) == (
        "30/04/2026", "Fattura differita", "DDT-2026-00006 10/04/2026")
    [xml] = [ElementTree.parse(p) for p in (tmp_path / "fe").glob("*.xml")
             if ElementTree.parse(p).findtext(".//DatiGeneraliDocumento/Numero") == c010["Numero"]]
    assert (xml.findtext(".//TipoDocumento"), xml.findtext(".//DatiGeneraliDocumento/Data"),
            xml.findtext(".//DatiDDT/NumeroDDT")) == ("TD24", "2026-04-30", "DDT-2026-00006")


def test_a_line_shipped_in_part_and_invoiced_by_its_ddt_is_not_billed_again_at_the_order(tmp_path):
    """12 pz ordered in March while C001 was *Dopo la consegna*, 6 shipped and invoiced at
    March's end; C001 turned *Immediato*, the other 6 left on 10 April. April's run billed them
    twice: by their DDT, and the order line's rest at the order (TD01 dated the run's day),
    read as a line invoiced at the order since an invoice covered part of it."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    _, [line_id] = make_order(ledger, "C001", date(2026, 3, 20), [("A001", "12", "10.00", "22", None)])
    ship(ledger, "C001", date(2026, 3, 25), [(line_id, "6")])
    march = Period(date(2026, 3, 1), date(2026, 3, 31))
    run(ledger, master_with(invoice_terms=T.AFTER_DELIVERY), Request(march, date(2026, 4, 1)),
        status=InvoiceStatus.FINAL, lang="it")
    ship(ledger, "C001", date(2026, 4, 10), [(line_id, "6")])
    april = run(ledger, master_with(invoice_terms=T.IMMEDIATE), Request(APRIL, AFTER_APRIL), lang="it")
    assert [(x.invoice_date, [(line.quantity, line.delivery and line.delivery.number) for line in x.lines])
            for x in april.invoices] == [(date(2026, 4, 30), [(Decimal(6), "DDT-2026-00002")])]


def test_named_orders_invoiced_on_a_day_before_their_ddt_say_so_not_just_nothing(tmp_path):
    """C001 turned *Immediato* after its goods left on 10 April: `invoice --orders --date` the
    order's day, 5 April, billed nothing (the DDT is dated after the invoice, which cannot cite
    it) and said «0 documenti» alone. It names the order, the DDT and the first date that bills it."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    order_id, [line_id] = make_order(ledger, "C001", date(2026, 4, 5), [("A001", "12", "10.00", "22", None)])
    ddt = ship(ledger, "C001", date(2026, 4, 10), [(line_id, "12")])
    with reading(ledger) as conn:
        [number] = [o.number for o in load_orders(conn, ids=[order_id])]
    immediate = master_with(invoice_terms=T.IMMEDIATE)
    early = run(ledger, immediate, Request(APRIL, AFTER_APRIL, date(2026, 4, 5)), preview=True, orders=[number], lang="it")
    assert early.invoices == []
    [told] = [p for p in early.problems if p.code == "invoice-orders-shipped-after-date"]
    assert told.message("it") == (
        f"Ordini {number}: le righe spedite con {ddt}, dopo il 05/04/2026 (la data di questa fatturazione), non sono "
        "fatturate, perché una fattura non cita un DDT datato dopo di lei. Per fatturarle dai --date dal 10/04/2026 "
        "in poi, oppure lasciale alla fatturazione di fine mese.")
    later = run(ledger, immediate, Request(APRIL, AFTER_APRIL, date(2026, 4, 10)), preview=True, orders=[number], lang="it")
    assert len(later.invoices) == 1 and not [p for p in later.problems if p.code == told.code]


def test_named_orders_shipped_on_two_days_after_the_run_s_date_are_told_the_date_that_bills_them_all(tmp_path):
    """The order's goods left on 10 and 15 April, invoiced with --date 5 April: the warning said
    to give --date from the 10th, which billed the 10th's lines and left the 15th's, to be told
    again. It names the 15th, which bills both."""
    ledger = open_ledger(f"sqlite:///{tmp_path / 'ledger.sqlite'}")
    order_id, [first, second] = make_order(ledger, "C001", date(2026, 4, 5), [("A001", "12", "10.00", "22", None),
                                                                               ("A002", "6", "4.00", "4", None)])
    ship(ledger, "C001", date(2026, 4, 10), [(first, "12")])
    ship(ledger, "C001", date(2026, 4, 15), [(second, "6")])
    with reading(ledger) as conn:
        [number] = [o.number for o in load_orders(conn, ids=[order_id])]
    immediate = master_with(invoice_terms=T.IMMEDIATE)
    early = run(ledger, immediate, Request(APRIL, AFTER_APRIL, date(2026, 4, 5)), preview=True, orders=[number], lang="it")
    [told] = [p for p in early.problems if p.code == "invoice-orders-shipped-after-date"]
    assert "DDT-2026-00001, DDT-2026-00002, dopo il 05/04/2026" in told.message("it")
    assert "Per fatturarle dai --date dal 15/04/2026 in poi" in told.message("it")
    said = run(ledger, immediate, Request(APRIL, AFTER_APRIL, date(2026, 4, 15)), preview=True, orders=[number], lang="it")
    assert [len(x.lines) for x in said.invoices] == [2] and not [p for p in said.problems if p.code == told.code]
