"""An agent's commission statement as issued: what its workbook printed, kept with its settlement.

`toolkit commissions --settle` records each agent's statement of the period once, made from
the master of that day: the rules of *Provvigioni* and the rates they reached, the agent's
customers and shares from *Agenti clienti*, the company's name from *Impostazioni*, and the
documents and payments the ledger held then. Every one of those may change after the period is
settled (a rule's rate, an agent's row, a payment recorded late), so each statement is made
into a `CommissionStatement` first, and the preview, the settlement and `--reprint` all write
the workbooks from it: the ledger keeps it as JSON (`commission_settlements.statement`, schema
43, the way `toolkit.core.kept` keeps a volume discount's), and a reprint is the first
printing cell for cell.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.core.commissions import Paid, PaidRow, Statement
from toolkit.core.invoicing import CitedInvoice, InvoiceKind
from toolkit.core.kept import kept_decimal, kept_text


@dataclass(frozen=True, slots=True)
class CommissionRow:
    """A row of the statement: what one document gave under one rule, as it printed."""

    number: str | None
    day: date
    kind: str
    """The document's kind as the JSON names it: invoice, credit-note, debit-note."""
    uncited: bool
    """The part of a return's note that cites no invoice (`Row.uncited`)."""
    customer: str
    rule: str
    base: Decimal
    share: Decimal
    collected: Decimal | None
    rate: Decimal
    commission: Decimal
    items: tuple[str, ...] | None = None
    """The items of the document's lines the row counted (`Row.items`), printed nowhere: what a
    later credit note on a settled invoice takes back at (`commissions.paid_on`). None in a
    statement kept before rows named them."""

    def paid(self) -> PaidRow:
        """The row as a later credit note on its invoice reads it."""
        return PaidRow(self.items, self.rule, self.share, self.rate, self.base, self.collected is not None)


@dataclass(frozen=True, slots=True)
class CommissionStatement:
    """Everything an agent's statement of a period prints, and the summary's row of it."""

    agent: str
    first: date
    last: date
    company: str
    rows: tuple[CommissionRow, ...]
    rates: tuple[tuple[str, Decimal, Decimal], ...]
    """Per rule: (code, the agent's base under it, the rate reached)."""
    base: Decimal
    total: Decimal
    headed_taxable: bool = False
    """Its amounts headed *Imponibile* in Italian, as a statement kept before they were headed
    *Base* printed them: its reprint, and its copy beside a later summary, print it so again."""
    lang: str | None = None
    """The language it was printed in when settled: its copy beside a later settlement's summary
    prints in it, the words handed out, whatever language that run speaks. None in a statement
    kept before it was kept (its copy then speaks the run's)."""

    def text(self) -> str:
        """The JSON the ledger keeps (`toolkit.core.kept`)."""
        return kept_text(self)

    @classmethod
    def from_text(cls, stored: str) -> CommissionStatement:
        found = json.loads(stored)
        return cls(
            found["agent"], date.fromisoformat(found["first"]), date.fromisoformat(found["last"]), found["company"],
            tuple(CommissionRow(r["number"], date.fromisoformat(r["day"]), r["kind"], r["uncited"], r["customer"],
                                r["rule"], Decimal(r["base"]), Decimal(r["share"]), kept_decimal(r["collected"]),
                                Decimal(r["rate"]), Decimal(r["commission"]),
                                tuple(r["items"]) if "items" in r else None) for r in found["rows"]),
            tuple((code, Decimal(base), Decimal(rate)) for code, base, rate in found["rates"]),
            Decimal(found["base"]), Decimal(found["total"]), found.get("headed_taxable", True), found.get("lang"))


def statement_of(s: Statement, first: date, last: date, company: str, lang: str) -> CommissionStatement:
    """The statement of an agent's period as the core made it, with the company as today, in `lang`."""
    return CommissionStatement(
        s.agent, first, last, company,
        tuple(CommissionRow(r.invoice.number, r.invoice.invoice_date, r.invoice.kind_listed, r.uncited,
                            r.invoice.customer, r.rule, r.base, r.share, r.collected, r.rate, r.commission,
                            r.items)
              for r in s.rows),
        s.rates, s.base, s.total, lang=lang)


@dataclass(frozen=True, slots=True)
class Settlements:
    """The statements settled for some days, each read from the ledger's JSON once: what a run
    asks of them twice, who was paid on each customer's documents of a period (`payees`: the
    agents a late document is told to), what on an earlier invoice a note takes back and a
    payment earns (`paid`), and who was the customer's agent on an invoice's date (`agents_then`)."""

    statements: tuple[CommissionStatement, ...] = ()

    def payees(self, first: date, last: date) -> dict[str, dict[str, Decimal]]:
        """Customer → the agents whose settled statements of a period sharing a day with
        [first, last] have a row of its documents, each with the share its first such row was
        paid at: who was paid on it then, and how much of it."""
        found: dict[str, dict[str, Decimal]] = {}
        for s in self.statements:
            if s.first <= last and s.last >= first:
                for r in s.rows:
                    found.setdefault(r.customer, {}).setdefault(s.agent, r.share)
        return found

    def paid(self, cited: Mapping[int, CitedInvoice]) -> Paid:
        """`Paid`: for each note of `cited` (`commissions.cited_before`) and each invoice of an
        earlier period paid in this one, each agent settled for a period holding its invoice's
        date, with the rows of that invoice in the statement settled: what the note takes back
        is what was paid on those goods, and the payment earns who was paid, as they were."""
        if not cited:
            return {}
        by_number = [(s, _grouped(s.rows, lambda r: r.number)) for s in self.statements]
        return {(s.agent, note): tuple(r.paid() for r in rows.get(invoice.number, ()))
                for note, invoice in cited.items() for s, rows in by_number if s.first <= invoice.day <= s.last}

    def rows_then(self, invoices: Mapping[int, tuple[str, date]]) -> Paid:
        """(agent, document id) → the rows the agent's statement settled for a period holding the
        invoice's date paid on the customer's invoices dated in it, for the agents of its date
        (`agents_then`): the rules and rates it paid them at then, which the invoice earns at when
        no rule of today pays them (their rule deleted since)."""
        found: dict[tuple[str, int], tuple[PaidRow, ...]] = {}
        by_customer = self._sold_by_customer() if invoices else []
        for document, (customer, day) in invoices.items():
            for s, rows in by_customer:
                if s.first <= day <= s.last and (mine := tuple(r.paid() for r in rows.get(customer, ()))):
                    found[s.agent, document] = found.get((s.agent, document), ()) + mine
        return found

    def agents_then(self, invoices: Mapping[int, tuple[str, date]]) -> dict[int, tuple[tuple[str, Decimal], ...]]:
        """Document id → the agents of its customer on its invoice's date, as settled: those the
        statements settled for a period holding that date paid on the customer's invoices dated
        in it, each at the share of its first such row, for `invoices` (id → customer, the
        invoice's date) no statement paid anything on (on what is collected: nothing collected of
        it when its period was settled). A row of an earlier invoice paid in the period, or of a
        note on one, is at that invoice's agents and shares, not the period's. None when no
        settled statement of that date names the customer's invoices of it."""
        found = {}
        by_customer = self._sold_by_customer() if invoices else []
        for document, (customer, day) in invoices.items():
            then: dict[str, Decimal] = {}
            for s, rows in by_customer:
                if s.first <= day <= s.last and (mine := rows.get(customer)):
                    then.setdefault(s.agent, mine[0].share)
            if then:
                found[document] = tuple(then.items())
        return found

    def _sold_by_customer(self) -> list[tuple[CommissionStatement, dict[str | None, list[CommissionRow]]]]:
        """Each statement with its rows of the invoices dated in its period, by customer: who
        the agents of an invoice's date were, and what they were paid at (`agents_then`, `rows_then`)."""
        return [(s, _grouped((r for r in s.rows if s.first <= r.day <= s.last and r.kind != InvoiceKind.CREDIT_NOTE),
                             lambda r: r.customer)) for s in self.statements]


def _grouped(rows: Iterable[CommissionRow],
             key: Callable[[CommissionRow], str | None]) -> dict[str | None, list[CommissionRow]]:
    """A statement's rows by `key` (the document's number, the customer), in their order: read
    once for every document a run asks about, not once for each."""
    found: dict[str | None, list[CommissionRow]] = {}
    for r in rows:
        found.setdefault(key(r), []).append(r)
    return found
