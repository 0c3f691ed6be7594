"""Agents' commissions (provvigioni, the Openbravo seed's *Provvigioni*) over a period.

Who earns: each customer's agents and their shares (*Agenti clienti*), or the customer's own
*Agente* column at 100 %. What rule pays: the rows of *Provvigioni* sharing a code are one rule
— an agent or everyone, criteria by customer, group, item or category, a base, rate brackets —
and each line of an invoice goes, for each of its customer's agents, to the most specific rule
that fits it (customer, then item, then group, then category, then agent named; then the
sheet's order). A line no rule fits earns nothing. The stamp duty charged to the customer is
not a sale and earns nothing; a volume discount's credit-note line has no item, so it counts
under the rules that name no item and no category, and takes its share of commission back.

The base is what the rule says:

- invoiced (fatturato): the net amount of the invoices and credit notes dated in the period;
- collected (incassato): of each invoice, the share collected in the period (payments dated in
  it, over the invoice's total, applied to its net lines); credit notes count when dated in
  the period, since nothing is collected on them, and a note that takes back an invoice's lines
  only for what it takes back of what was collected of it by the period's end (`earned`): the
  rest lowers what is still to collect, which the agent had not earned.

Credit notes count negative, so their commissions are negative. The rate is the bracket the
agent's whole base for the rule reaches in the period, on the whole base (`BracketMode.WHOLE`),
so that each invoice's commission is its base × the rate (a base below zero, returns beyond
sales, is at the bracket that starts at 0, so the commission comes back); one row per agent,
invoice and rule, `commission = ROUND(base × rate / 100, 2)`, and the statement's total is the
sum of its rows, which is what the statement workbook's live formulas recompute.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from toolkit.basics.money import cents
from toolkit.basics.vocab import CommissionBase
from toolkit.core.brackets import Bracket, reached
from toolkit.core.invoicing import Invoice, InvoiceKind
from toolkit.core.volume_discounts import is_goods, is_rebate
from toolkit.model.records import Commission, Customer, CustomerAgent, Item

ZERO = Decimal(0)
HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    agent: str | None
    customer: str | None
    group: str | None
    item: str | None
    category: str | None
    base: CommissionBase
    brackets: tuple[Bracket, ...]
    order: int

    def fit(self, agent: str, customer: Customer, item: str, category: str | None) -> tuple[int, ...] | None:
        """How specifically the rule fits (higher is more specific), None when it does not."""
        for wanted, found in ((self.agent, agent), (self.customer, customer.code), (self.group, customer.group),
                              (self.item, item), (self.category, category)):
            if wanted is not None and wanted != found:
                return None
        return (self.customer is not None, self.item is not None, self.group is not None,
                self.category is not None, self.agent is not None, -self.order)


def rules(rows: Sequence[Commission]) -> list[Rule]:
    """The rules of the sheet, one per code, in the sheet's order."""
    by_code: dict[str, list[Commission]] = defaultdict(list)
    for row in rows:
        by_code[row.code].append(row)
    return [Rule(code, mine[0].agent, mine[0].customer, mine[0].group, mine[0].item, mine[0].category, mine[0].base,
                 tuple(sorted((Bracket(r.threshold, r.percent) for r in mine), key=lambda b: b.threshold)), n)
            for n, (code, mine) in enumerate(by_code.items())]


def agents_of(customers: Iterable[Customer], shares: Sequence[CustomerAgent]) -> dict[str, tuple[tuple[str, Decimal], ...]]:
    """Customer → its agents and their shares in percent: *Agenti clienti* when it names the
    customer, else the customer's *Agente* at 100 %."""
    listed: dict[str, list[tuple[str, Decimal]]] = defaultdict(list)
    for row in shares:
        listed[row.customer].append((row.agent, row.share))
    found = {}
    for c in customers:
        if c.code in listed:
            found[c.code] = tuple(listed[c.code])
        elif c.sales_rep:
            found[c.code] = ((c.sales_rep, HUNDRED),)
    return found


@dataclass(frozen=True, slots=True)
class Credited:
    """An invoice that credit notes take back, as a collected base reads it up to a period's end."""

    total: Decimal
    paid_before: Decimal
    """Payments on the invoice dated before the period."""
    paid: Decimal
    """Payments on the invoice dated up to the period's end."""
    notes: tuple[tuple[int, date, Decimal], ...]
    """(note id, date, what it takes back of the invoice with VAT, positive) for the final notes
    dated up to the period's end, in date order (`toolkit.core.payments.taken_parts`)."""


def earned(credited: Credited, first: date) -> tuple[Decimal, dict[int, Decimal]]:
    """What the period adds to the invoice's collected base, and what each of its notes dated in
    the period takes off it (zero or negative), both with VAT, for a period from `first`.

    By a day, the agent has earned on what was collected of the invoice, up to what is left of
    it once the notes are off: min(paid, total − taken back). A note on an invoice not yet
    collected lowers what is still to collect and takes nothing earned back; on an invoice
    collected, it takes back what it refunds; the invoice collected later earns on the rest."""
    taken_before = sum((part for _, day, part in credited.notes if day < first), ZERO)
    left = credited.total - taken_before
    invoice = min(credited.paid, left) - min(credited.paid_before, left)
    notes: dict[int, Decimal] = {}
    for note, day, part in credited.notes:
        if day >= first:
            notes[note] = min(credited.paid, left - part) - min(credited.paid, left)
            left -= part
    return invoice, notes


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an agent's statement: what one invoice (or credit note) gives under one rule."""

    agent: str
    invoice: Invoice
    rule: str
    base: Decimal
    """The invoice's lines under the rule × the collected fraction × the agent's share, in cents."""
    share: Decimal
    collected: Decimal | None
    """The fraction of the invoice collected in the period (collected base), None for invoiced."""
    rate: Decimal
    commission: Decimal


@dataclass(frozen=True, slots=True)
class Statement:
    """An agent's commissions over the period (estratto provvigioni)."""

    agent: str
    rows: tuple[Row, ...]
    rates: tuple[tuple[str, Decimal, Decimal], ...]
    """Per rule: (code, the agent's base under it, the rate reached)."""

    @property
    def base(self) -> Decimal:
        return sum((r.base for r in self.rows), ZERO)

    @property
    def total(self) -> Decimal:
        return sum((r.commission for r in self.rows), ZERO)


def collected_fractions(invoices: Iterable[Invoice], collected: Mapping[int, Decimal],
                        credited: Mapping[int, Credited], first: date) -> dict[int, Decimal]:
    """Document id → the fraction of it a collected base counts in the period from `first`.

    An invoice counts what was collected on it in the period (`collected`), up to what its
    notes left of it (`earned`); a note that takes back an invoice counts only what it takes
    back of what was collected, its part on the rest lowering what is still to collect; a note
    or its part citing no invoice (a volume discount, goods no invoice sold) counts whole."""
    invoice_part: dict[int, Decimal] = {}
    note_taken: dict[int, Decimal] = defaultdict(Decimal)
    note_cited: dict[int, Decimal] = defaultdict(Decimal)
    for invoice_id, found in credited.items():
        invoice_part[invoice_id], taken = earned(found, first)
        for note, off in taken.items():
            note_taken[note] += off
            note_cited[note] += next(part for n, _, part in found.notes if n == note)
    fractions = {}
    for invoice in invoices:
        if invoice.id is None or not invoice.total:
            continue
        if invoice.kind is InvoiceKind.INVOICE:
            fractions[invoice.id] = invoice_part.get(invoice.id, collected.get(invoice.id, ZERO)) / invoice.total
        elif invoice.id in note_cited:
            fractions[invoice.id] = (invoice.total + note_cited[invoice.id] + note_taken[invoice.id]) / invoice.total
    return fractions


def statements(rules_: Sequence[Rule], agents: Mapping[str, tuple[tuple[str, Decimal], ...]],
               customers: Mapping[str, Customer], items: Mapping[str, Item], invoices: Iterable[Invoice],
               collected: Mapping[int, Decimal], first: date, last: date,
               credited: Mapping[int, Credited] | None = None) -> list[Statement]:
    """Each agent's statement for [first, last], agents in name order.

    `invoices` are the final invoices and credit notes dated in the period and the invoices
    with payments in it; `collected` is invoice id → what was collected on it in the period;
    `credited` the invoices credit notes take back (`credited_between`), which a collected base
    weighs against what was collected (`collected_fractions`)."""
    invoices = list(invoices)
    fractions = collected_fractions(invoices, collected, credited or {}, first)
    parts: dict[tuple[str, int, str], Decimal] = defaultdict(Decimal)
    meta: dict[tuple[str, int, str], tuple[Invoice, Decimal, Decimal | None]] = {}
    fits: dict[tuple[str, str, str], Rule | None] = {}
    for invoice in invoices:
        customer = customers.get(invoice.customer)
        if customer is None or invoice.id is None or customer.code not in agents:
            continue
        dated = first <= invoice.invoice_date <= last
        fraction = fractions.get(invoice.id)
        for line in invoice.lines:
            if not is_goods(line) and not is_rebate(line):
                continue  # the stamp duty charged to the customer
            item = items.get(line.item)
            category = item.category if item is not None else None
            for agent, share in agents[customer.code]:
                key = (agent, customer.code, line.item)
                if key not in fits:
                    found = [(f, r) for r in rules_ if (f := r.fit(agent, customer, line.item, category)) is not None]
                    fits[key] = max(found, key=lambda fr: fr[0])[1] if found else None
                rule = fits[key]
                if rule is None:
                    continue
                part: Decimal | None = None
                if rule.base is CommissionBase.INVOICED or invoice.kind is InvoiceKind.CREDIT_NOTE:
                    if not dated:
                        continue
                if rule.base is CommissionBase.COLLECTED and fraction is not None:
                    if not fraction:
                        continue
                    part = fraction
                elif rule.base is CommissionBase.COLLECTED and invoice.kind is InvoiceKind.INVOICE:
                    continue
                row_key = (agent, invoice.id, rule.code)
                parts[row_key] += line.amount
                meta[row_key] = (invoice, share, part)
    by_code = {r.code: r for r in rules_}
    bases: dict[tuple[str, int, str], Decimal] = {}
    for row_key, amount in parts.items():
        invoice, share, part = meta[row_key]
        bases[row_key] = cents(amount * (part if part is not None else 1) * share / HUNDRED)
    per_rule: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for (agent, _, code), base in bases.items():
        per_rule[(agent, code)] += base
    rates = {k: (b.percent if (b := reached(by_code[k[1]].brackets, max(v, ZERO))) is not None else ZERO)
             for k, v in per_rule.items()}
    by_agent: dict[str, list[Row]] = defaultdict(list)
    for row_key, base in bases.items():
        agent, _, code = row_key
        invoice, share, part = meta[row_key]
        rate = rates[(agent, code)]
        by_agent[agent].append(Row(agent, invoice, code, base, share, part, rate, cents(base * rate / HUNDRED)))
    made = []
    for agent in sorted(by_agent):
        rows = sorted(by_agent[agent], key=lambda r: (r.invoice.invoice_date, r.invoice.number or "", r.rule))
        made.append(Statement(agent, tuple(rows), tuple(
            (code, per_rule[(a, code)], rates[(a, code)]) for (a, code) in sorted(per_rule) if a == agent)))
    return made
