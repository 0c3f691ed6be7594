"""A DDT printed again asks the cash its first printing asked, whatever *Clienti* says since.

The workbook of `test_cash_on_delivery`, C002 paying *Contrassegno* or *Bonifico bancario*.
9 April's DDTs are shipped and printed; then the desk changes how C002 pays and its DDT is
printed again, for a second delivery attempt. The reprint read the method of today's
*Clienti*: the DDT of goods paid cash lost its «Pagamento» line and its cash box, the DDT of
goods paid by transfer gained both, asking the driver for cash nobody owed. Each reprint is compared cell by cell with the first
printing.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import update
from test_cash_on_delivery import CAPTION, TO_COLLECT, below, cash_customer_master, right_of, shipped_ddts

from toolkit.basics.vocab import InvoiceGrouping, PaymentMethod
from toolkit.ledger import schema
from toolkit.ledger.db import writing
from toolkit.model.records import MasterData
from toolkit.services.printing import Selection, print_documents


def paying(master: MasterData, customer: str, method: PaymentMethod) -> MasterData:
    """The master with `customer` paying by `method` in *Clienti*."""
    return master.model_copy(update={"customers": tuple(
        replace(c, payment_method=method) if c.code == customer else c for c in master.customers)})


def cells(sheet) -> dict[str, object]:
    return {cell.coordinate: cell.value for row in sheet.iter_rows() for cell in row if cell.value is not None}


def printed_again(master: MasterData, ledger, number: str, out: Path):
    done = print_documents(master, ledger, "ddt", Selection(numbers=(number,)), out, "it")
    assert done.written, done.problems
    return openpyxl.load_workbook(done.written)[number]


@pytest.mark.parametrize(("then", "now"), [(PaymentMethod.CASH_ON_DELIVERY, PaymentMethod.BANK_TRANSFER),
                                           (PaymentMethod.BANK_TRANSFER, PaymentMethod.CASH_ON_DELIVERY)])
def test_a_ddt_printed_again_asks_the_cash_its_first_printing_asked(ledger, tmp_path, then, now):
    master = paying(cash_customer_master(), "C002", then)
    first = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"]
    collects = then is PaymentMethod.CASH_ON_DELIVERY
    assert right_of(first, "Pagamento") == ("Contrassegno" if collects else None)
    assert (below(first, CAPTION).value if collects else below(first, CAPTION)) == (
        float(TO_COLLECT) if collects else None)
    again = printed_again(paying(master, "C002", now), ledger, first.title, tmp_path / "again.xlsx")
    assert cells(again) == cells(first)


def test_a_ddt_issued_before_the_ledger_kept_its_payment_reads_the_master_of_today(ledger, tmp_path):
    """A DDT whose stored buyer says nothing of payment (an earlier toolkit's, or one of a ledger
    that kept no parties) can only be printed with *Clienti* of today, as every DDT was before."""
    master = cash_customer_master()
    first = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")["C002"]
    with writing(ledger) as conn:
        conn.execute(update(schema.deliveries).values(parties_id=None))
    again = printed_again(paying(master, "C002", PaymentMethod.BANK_TRANSFER), ledger, first.title,
                          tmp_path / "again.xlsx")
    assert right_of(again, "Pagamento") is None and below(again, CAPTION) is None


def test_ddts_printed_again_share_the_days_due_as_the_invoice_grouping_of_their_issue(ledger, tmp_path):
    """C002 invoiced per destination when its two DDTs of the day left, each asking its own
    invoice's due; *Raggruppamento fatture* then set to *Cliente*: printed again, each still asks
    what its first paper asked, not a share of one due of the day."""
    master = cash_customer_master(two_vans=True, by_destination=True)
    ddts = shipped_ddts(master, ledger, tmp_path / "ddt.xlsx")
    first = {where: below(ddts[where], CAPTION).value for where in ("C002", "C002/D002")}
    assert first == {"C002": 31.54, "C002/D002": 32.59}
    one_invoice = master.model_copy(update={"customers": tuple(
        replace(c, invoice_grouping=InvoiceGrouping.CUSTOMER) if c.code == "C002" else c for c in master.customers)})
    numbers = tuple(ddts[where].title for where in first)
    done = print_documents(one_invoice, ledger, "ddt", Selection(numbers=numbers), tmp_path / "again.xlsx", "it")
    again = openpyxl.load_workbook(done.written)
    assert {where: below(again[ddts[where].title], CAPTION).value for where in first} == first
