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
- collected (incassato): line by line (`collected_bases`): after each payment or note, each
  line left of an invoice (less what notes took back, a volume discount's share included) ×
  the share collected of what is left; a period's payments and notes get the change they make,
  so an invoice paid in full earns its net of the notes, never more, and a note on an invoice
  not yet collected takes nothing back. What is owed is what the document asks: under split
  payment its net, the VAT being the State's, so a payment of the net collects all of it.
  A note citing no invoice counts as it is refunded, and so does the part of a return's note
  that cites none (goods no invoice in the ledger sold), on a row of its own (`Row.uncited`):
  once refunded, the base agrees with the invoiced one.

Credit notes count negative, so their commissions are negative. The rate is the bracket the
agent's whole base for the rule reaches in the period, on the whole base (`BracketMode.WHOLE`),
so that each invoice's commission is its base × the rate (a base below zero, returns beyond
sales, is at the bracket that starts at 0, so the commission comes back); one row per agent,
invoice and rule, `commission = ROUND(base × rate / 100, 2)`, and the statement's total is the
sum of its rows, which is what the statement workbook's live formulas recompute. A credit note
on an invoiced base takes back at the rate its invoice earned (`earned_rates`): a note of May on
an April invoice takes back April's 4 %, not the 3 % May's returns alone reach. When April was
settled for the agent, it takes back what the settled statement paid on those goods, its rate
and share as kept (`Paid`, `paid_on`), from the agent it paid (`paid_agents`), whatever
*Provvigioni*, *Clienti* and *Agenti clienti* say since; and a later payment on it earns the
agents it paid at the shares and on the base it paid them (today's others only on what they
leave of 100 %: `_beside`), so an invoice's commission is paid once, on no more than its net.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from toolkit.basics.money import cents
from toolkit.basics.vocab import CommissionBase
from toolkit.core.brackets import Bracket, reached
from toolkit.core.invoicing import CitedInvoice, Invoice, InvoiceKind, InvoiceLine
from toolkit.core.volume_discounts import is_goods, is_rebate
from toolkit.model.records import Commission, Customer, CustomerAgent, Item

ZERO = Decimal(0)
ONE = Decimal(1)
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
    customer, else the customer's *Agente* at 100 %. An agent on two rows of a customer has the
    two shares added, once: 60 and 40 are 100 %, as the shares' total says (the data check
    warns, `agent-listed-twice`), never one of them on the line counted twice."""
    listed: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for row in shares:
        mine = listed[row.customer]
        mine[row.agent] = mine.get(row.agent, ZERO) + row.share
    found = {}
    for c in customers:
        if c.code in listed:
            found[c.code] = tuple(listed[c.code].items())
        elif c.sales_rep:
            found[c.code] = ((c.sales_rep, HUNDRED),)
    return found


Part = tuple[str, Decimal]
"""A line as a collected base counts it: (item, net amount), negative on a credit note."""


@dataclass(frozen=True, slots=True)
class Entry:
    """What changes an account (`Account`): a payment on it, or a credit note that takes from it."""

    day: date
    document: int
    """The invoice's id for a payment, the note's for a note: the statement row the change goes to."""
    paid: Decimal = ZERO
    """A payment's amount, with VAT but under split payment (a refund on a note citing no invoice: negative)."""
    owed: Decimal = ZERO
    """What a note takes off what is owed, with VAT but under split payment, negative."""
    parts: tuple[Part, ...] = ()
    """The note's lines on this account: what it takes back of its lines, or its discount's share."""


@dataclass(frozen=True, slots=True)
class Account:
    """A document as a collected base reads it up to a period's end: an invoice with the payments
    on it and the credit notes that take from it (lines back, a volume discount's share), or a
    credit note citing no invoice with its refunds; entries in date order, a day's notes first."""

    document: int
    total: Decimal
    parts: tuple[Part, ...]
    entries: tuple[Entry, ...]
    uncited: bool = False
    """The part of a return's note that cites no invoice, beside the part that does: its own
    row on the statement (`Row.uncited`)."""


def collected_share(paid: Decimal, owed: Decimal) -> Decimal:
    """The share of what is left of a document that was collected: paid over what is owed once
    the notes are off, 0 to 1 (all of it when nothing is owed: its lines add up to nothing)."""
    return max(ZERO, min(ONE, paid / owed)) if owed else ONE


def earned_after(account: Account) -> list[tuple[Entry, Decimal, tuple[Part, ...]]]:
    """After each entry: the share collected and the lines left (the document's and its notes').
    What an agent has earned by then is each line left × that share: a note on lines nothing was
    collected of takes nothing back, and a payment earns on the lines still owed, at their rates."""
    paid, owed, parts = ZERO, account.total, account.parts
    found = []
    for entry in account.entries:
        paid, owed, parts = paid + entry.paid, owed + entry.owed, parts + entry.parts
        found.append((entry, collected_share(paid, owed), parts))
    return found


def collected_bases(account: Account, rule_of: Callable[[str], RuleKey | None], share: Decimal, first: date,
                    last: date) -> dict[tuple[int, RuleKey], Decimal]:
    """(document id, rule) → what the period from `first` to `last` adds to the agent's base.

    The base earned by each entry, per rule and to the cent, is the lines left under the rule ×
    the share collected × the agent's share; each entry in the period gives its document the
    change it makes. The changes add up, over an invoice's life, to its net of the notes once
    it is paid in full, never more."""
    before: dict[RuleKey, Decimal] = {}
    bases: dict[tuple[int, RuleKey], Decimal] = defaultdict(Decimal)
    for entry, collected, parts in earned_after(account):
        under: dict[RuleKey, Decimal] = defaultdict(Decimal)
        for item, amount in parts:
            if (rule := rule_of(item)) is not None:
                under[rule] += amount
        now = {rule: cents(amount * collected * share / HUNDRED) for rule, amount in under.items()}
        if first <= entry.day <= last:
            for rule in now.keys() | before.keys():
                bases[entry.document, rule] += now.get(rule, ZERO) - before.get(rule, ZERO)
        before = now
    return bases


Shares = tuple[tuple[str, Decimal], ...]
"""Agents and their shares in percent."""

@dataclass(frozen=True, slots=True)
class KeptRule:
    """A settled row's rule kept at the rate it paid, beside today's rule of its code
    (`Rulebook.kept`): the key its rows are summed under, where today's rules go by their code.
    A rule whose base changed since keeps both, and agents or invoices paid under one code at
    different rates each keep their own."""

    code: str
    base: CommissionBase
    rate: Decimal


RuleKey = str | KeptRule
"""What a row's rule is summed under: today's rule's code, or a `KeptRule`."""

Key = tuple[str, int, RuleKey, bool]
"""A statement row's: agent, document id, rule, and whether it is a note's part citing no invoice."""


@dataclass(frozen=True, slots=True)
class Row:
    """One line of an agent's statement: what one invoice (or credit note) gives under one rule."""

    agent: str
    invoice: Invoice
    rule: str
    base: Decimal
    """Invoiced: the document's lines under the rule × the agent's share, in cents; collected:
    what the period's payments on it, or the note, change of what the agent earned (`collected_bases`)."""
    share: Decimal
    collected: Decimal | None
    """Collected base: the base over the document's own lines under the rule at the agent's
    share (a note's may rest on its invoice's lines left); None for invoiced."""
    rate: Decimal
    commission: Decimal
    uncited: bool = False
    """The part of a return's note that cites no invoice (`Account.uncited`), on a row of its own
    after the note's: it takes back as the note is refunded, not as its invoices were collected."""
    items: tuple[str, ...] = ()
    """The items of the document's lines the row counts (a volume discount's line: ""): kept
    with a settled statement, so a later note on the invoice finds what it was paid at (`paid_on`)."""


@dataclass(frozen=True, slots=True)
class PaidRow:
    """A row of a settled statement as a later credit note on its invoice reads it: what the
    agent was paid on some of the invoice's goods, at which rate and share."""

    items: tuple[str, ...] | None
    """The items the row counted; None for a statement kept before statements named them."""
    rule: str
    share: Decimal
    rate: Decimal
    base: Decimal
    collected: bool = False
    """Paid on what was collected (the row's *Incassato %*), not on what was invoiced."""


Paid = Mapping[tuple[str, int], tuple[PaidRow, ...]]
"""(agent, credit note id) → the rows of the invoice the note takes back at (`cited_before`) in
the agent's settled statement of a period holding the invoice's date; none when the agent was
settled for it and paid nothing on that invoice. An agent not settled for it is not there."""


def paid_agents(paid: Paid) -> dict[int, tuple[tuple[str, Decimal], ...]]:
    """Credit note id → the agents a settled statement paid on its invoice, each at the share it
    was paid at: who takes the note back under an invoiced rule, whoever *Clienti* and *Agenti
    clienti* name today (a customer moved to another agent since charges the one paid, never
    the new one). A note whose invoice no settled statement paid on is not there: today's agents.

    >>> paid_agents({("Marco", 7): (PaidRow(("A1",), "PV", Decimal(60), Decimal(5), Decimal(600)),),
    ...              ("Luca", 7): (), ("Anna", 8): ()})
    {7: (('Marco', Decimal('60')),)}
    """
    found: dict[int, tuple[tuple[str, Decimal], ...]] = {}
    for (agent, note), rows in sorted(paid.items()):
        if rows:
            found[note] = (*found.get(note, ()), (agent, rows[0].share))
    return found


def paid_on(rows: Sequence[PaidRow], rule: str, lines: Mapping[str, Decimal]) -> PaidRow | None:
    """The settled row a note's `lines` (item → amount) under `rule` take back from: the one that
    counted most of their items. A line of no item (a volume discount's) and a statement kept
    without its rows' items go by the row of the same rule, else the invoice's largest. None
    when the agent was paid nothing on those goods: no row of the invoice counts them.

    >>> paid = (PaidRow(("A1",), "PV", Decimal(100), Decimal(5), Decimal(800)),
    ...         PaidRow(("B2",), "SP", Decimal(100), Decimal(2), Decimal(200)))
    >>> paid_on(paid, "STD", {"B2": Decimal(-50)}).rate, paid_on(paid, "STD", {"C3": Decimal(-50)})
    (Decimal('2'), None)
    >>> paid_on(paid, "SP", {"": Decimal(-10)}).rate
    Decimal('2')
    """
    if not rows:
        return None
    if all(r.items is not None for r in rows):
        weight = [sum((abs(a) for item, a in lines.items() if item in (r.items or ())), ZERO) for r in rows]
        if max(weight):
            return rows[weight.index(max(weight))]
        if all(lines):
            return None
    same = [r for r in rows if r.rule == rule]
    return max(same or rows, key=lambda r: abs(r.base))


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


def counted(line: InvoiceLine) -> bool:
    """A sale or a discount earns commission; the stamp duty charged to the customer does not."""
    return is_goods(line) or is_rebate(line)


Earned = Mapping[tuple[str, RuleKey, int], Decimal]
"""(agent, rule, credit note id) → the rate the note takes back at: its invoice's (`earned_rates`)."""


def period_holding(day: date, first: date, last: date) -> tuple[date, date]:
    """The period like [first, last] that holds `day`, counted back (or on) from it: whole
    months when it runs whole months (a month, a quarter), else as many days. A statement of
    May finds an April invoice in April; one of the second quarter finds a February one in the
    first quarter.

    >>> period_holding(date(2026, 4, 9), date(2026, 5, 1), date(2026, 5, 31))
    (datetime.date(2026, 4, 1), datetime.date(2026, 4, 30))
    >>> period_holding(date(2026, 2, 9), date(2026, 4, 1), date(2026, 6, 30))
    (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    >>> period_holding(date(2026, 5, 3), date(2026, 5, 11), date(2026, 5, 20))
    (datetime.date(2026, 5, 1), datetime.date(2026, 5, 10))
    """
    if first.day == 1 and (last + timedelta(days=1)).day == 1:
        months = (last.year - first.year) * 12 + last.month - first.month + 1
        origin = first.year * 12 + first.month - 1
        start = origin + (day.year * 12 + day.month - 1 - origin) // months * months
        year, month = divmod(start + months - 1, 12)
        return (date(start // 12, start % 12 + 1, 1),
                date(year, month + 1, calendar.monthrange(year, month + 1)[1]))
    length = (last - first).days + 1
    begin = first + timedelta(days=(day - first).days // length * length)
    return begin, begin + timedelta(days=length - 1)


def cited_before(invoices: Iterable[Invoice], first: date, last: date) -> dict[int, CitedInvoice]:
    """Credit note id → the invoice it takes back at, for the notes dated in [first, last]
    citing an invoice dated before it. A note citing invoices of several periods goes with the
    one it takes most from (a return of two deliveries, a volume discount counted on a quarter's
    invoices: one rate a row)."""
    found = {}
    for note in invoices:
        if note.kind is not InvoiceKind.CREDIT_NOTE or note.id is None or not note.cites \
                or not first <= note.invoice_date <= last:
            continue
        cited = max(note.cites, key=lambda c: (abs(c.base), c.day))
        if cited.day < first:
            found[note.id] = cited
    return found


def cited_periods(invoices: Iterable[Invoice], first: date, last: date) -> dict[int, tuple[date, date]]:
    """Credit note id → the earlier period (`period_holding`) of the invoice it takes back at
    (`cited_before`)."""
    return {note: period_holding(cited.day, first, last) for note, cited in cited_before(invoices, first, last).items()}


def earned_rates(periods: Mapping[int, tuple[date, date]],
                 rates_in: Callable[[date, date], Sequence[Statement]]) -> dict[tuple[str, RuleKey, int], Decimal]:
    """`Earned`: for each note of `cited_periods`, the rate each agent reached under each rule in
    its invoice's period, as that period's statements (`rates_in`) give them: what the invoice's
    commission was paid at, and so what the note takes back at."""
    then = {p: {(s.agent, code): rate for s in rates_in(*p) for code, _, rate in s.rates}
            for p in sorted(set(periods.values()))}
    return {(agent, code, note): rate for note, p in periods.items() for (agent, code), rate in then[p].items()}


def statements(rules_: Sequence[Rule], agents: Mapping[str, tuple[tuple[str, Decimal], ...]],
               customers: Mapping[str, Customer], items: Mapping[str, Item], invoices: Iterable[Invoice],
               first: date, last: date, accounts: Iterable[tuple[str, Account]] = (),
               earned: Earned | None = None, paid: Paid | None = None,
               agents_then: Mapping[int, tuple[tuple[str, Decimal], ...]] | None = None,
               rows_then: Paid | None = None, made_for: Callable[[str], bool] | None = None) -> list[Statement]:
    """Each agent's statement for [first, last], agents in name order.

    `invoices` are the final invoices and credit notes dated in the period and the documents
    with payments in it; `accounts` (customer, `Account`) the invoices and notes a collected base
    reads (`toolkit.ledger.settlements.accounts_between`): each line goes to its rule, an
    invoiced rule counting the documents dated in the period, a collected one what the
    period's payments and notes change of what was earned (`collected_bases`). `earned`: the
    rate a note of an invoiced rule takes back at, its invoice's (`earned_rates`); without
    one, the period's. `paid`: for an agent settled for the note's invoice, what the settled
    statement paid on its goods, whose rate the note takes back at (`paid_on`), 0 % for goods
    it paid nothing on, before `earned`; every row of the note at the share the agent had of
    the invoice then (one share a document, as its rows print it), and its rows on the statements
    of the agents paid then (`paid_agents`), not of the customer's agents today: an invoiced row
    at the settled rate, a collected one what the note takes back of what was collected, at the
    settled share, under the settled row's rule when no rule of today pays that agent on that
    base (a customer moved from an agent paid on what is collected to one paid on what is
    invoiced: `_paid_under`). A payment on an invoice of an earlier period and a note on it go by
    the same agents and shares, today's others only on what they leave (`_beside`); one the
    settled statement paid nobody on by the agents of its date (`agents_then`: those its period's
    settled statements paid on the customer's invoices of that period, at their shares), else
    today. An agent of its date whom no rule of today pays on what is collected earns it under
    the rule and at the rate their settled statement paid the customer's goods at then
    (`rows_then`, the row that counted the item: `_dated_rule`). With `made_for`, only the
    statements of the agents it says are made (an agent's rows and rates are their own): a period
    settled for some agents counts theirs at today's figures and the others' capped, each once."""
    documents = {d.id: d for d in invoices if d.id is not None}
    book = Rulebook(tuple(rules_), items, {r.code: r for r in rules_}, {})
    who = _Earners(paid_agents(paid or {}), agents_then or {}, agents, documents, made_for or _everyone)
    sums = _Sums(defaultdict(Decimal), defaultdict(set), {})
    for document in documents.values():
        if (customer := customers.get(document.customer)) is not None and document.id is not None:
            _count_lines(book, who, sums, paid or {}, rows_then or {}, customer, document,
                         first <= document.invoice_date <= last)
    taken: dict[tuple[str, RuleKey, int], Decimal] = dict(earned or {})
    bases = _invoiced_bases(book, sums, documents, paid, taken, first, last)
    for customer_code, account in accounts:
        if (customer := customers.get(customer_code)) is not None:
            _collected_rows(book, who, sums, bases, customers, paid or {}, rows_then or {}, customer, account,
                            first, last)
    return _statements(book.by_key, documents, bases, sums.own, sums.shares, taken, sums.items_of)


@dataclass(frozen=True, slots=True)
class Rulebook:
    """The rules a run pays by, by key: today's by their code, and those kept at a settled row's
    rate (`kept`) added as the run asks for them; which rule of today fits an agent's line is
    found once for each agent, customer and item (`fitting`)."""

    rules: tuple[Rule, ...]
    items: Mapping[str, Item]
    by_key: dict[RuleKey, Rule]
    fits: dict[tuple[str, str, str], Rule | None]

    def category_of(self, item: str) -> str | None:
        return found.category if (found := self.items.get(item)) is not None else None

    def fitting(self, agent: str, customer: Customer, item: str) -> Rule | None:
        """The most specific rule of today paying `agent` on `item` sold to `customer`, if any."""
        if (agent, customer.code, item) not in self.fits:
            category = self.category_of(item)
            fitting = [(f, r) for r in self.rules if (f := r.fit(agent, customer, item, category)) is not None]
            self.fits[agent, customer.code, item] = max(fitting, key=lambda fr: fr[0])[1] if fitting else None
        return self.fits[agent, customer.code, item]

    def kept(self, agent: str, row: PaidRow, customer: Customer, item: str) -> Rule:
        """The settled row's rule on the base it paid on: today's of that code when it still
        pays `agent` on that base (a rule deleted and its code written again for another agent
        pays them nothing), else one of the settled rate, under the same code (`KeptRule`), one
        a rate: agents, or invoices, paid under it at different rates each earn at their own."""
        base = CommissionBase.COLLECTED if row.collected else CommissionBase.INVOICED
        if (today := self.by_key.get(row.rule)) is not None and today.base is base \
                and today.fit(agent, customer, item, self.category_of(item)) is not None:
            return today
        key = KeptRule(row.rule, base, row.rate)
        if key not in self.by_key:
            self.by_key[key] = Rule(row.rule, agent, None, None, None, None, base, (Bracket(ZERO, row.rate),),
                                    len(self.by_key))
        return self.by_key[key]

    def key_of(self, rule: Rule) -> RuleKey:
        """The key `rule` is held under: its code, or a `KeptRule` for a settled row's rule kept
        at its rate (`kept`: one bracket)."""
        return rule.code if self.by_key.get(rule.code) is rule else KeptRule(rule.code, rule.base,
                                                                               rule.brackets[0].percent)


def _paid_under(book: Rulebook, rows: Sequence[PaidRow], agent: str, customer: Customer, item: str) -> Rule | None:
    """The rule a payment or note on a settled invoice pays or takes `item` back from `agent`
    under, an agent the settled statement paid on it (`rows`: what it paid them): today's rule
    when it pays on the base the settled row paid on (invoiced or collected), else the settled
    row's own rule at its rate, on that base (the agent gone, their rows deleted from
    *Provvigioni*, the customer no longer theirs, or the rule's base changed since:
    `Rulebook.kept`). An invoice's commission is paid once, on the base in force when it was
    first paid: one paid on invoicing earns nothing more as it is collected, one paid on what
    was collected earns the rest as the rest comes in. Goods the settled statement paid nothing
    on go by today's rule (taken back at 0 % when invoiced)."""
    rule = book.fitting(agent, customer, item)
    if (row := paid_on(rows, "", {item: ONE})) is None:
        return rule
    if rule is not None and (rule.base is CommissionBase.COLLECTED) == row.collected:
        return rule
    return book.kept(agent, row, customer, item)


def _dated_rule(book: Rulebook, rows_then: Paid, agent: str, ids: Sequence[int], customer: Customer,
                item: str) -> Rule | None:
    """The rule an agent of a document's date (`agents_then`; `ids`: the document and the notes
    on it) earns `item` under as collected: today's when it pays them on what is collected, else
    the one their settled statement of that date paid the customer's goods under, at its rate
    (`rows_then`, `Rulebook.kept`)."""
    rule = book.fitting(agent, customer, item)
    if rule is not None and rule.base is CommissionBase.COLLECTED:
        return rule
    rows = next((rows_then[agent, d] for d in ids if (agent, d) in rows_then), ())
    if (row := paid_on(rows, "", {item: ONE})) is not None and row.collected:
        return book.kept(agent, row, customer, item)
    return rule


@dataclass(frozen=True, slots=True)
class _Earners:
    """Who earns on each document: the agents a settled statement paid on it (`payees`), those
    of its date (`dated`, `agents_then`), and the customer's of today (`today`)."""

    payees: Mapping[int, Shares]
    dated: Mapping[int, Shares]
    today: Mapping[str, Shares]
    documents: Mapping[int, Invoice]
    made_for: Callable[[str], bool]
    """Whose statements the run makes (`statements`): the others' rows are not counted."""

    def of(self, customer: Customer, ids: Sequence[int]) -> tuple[int | None, Shares, Shares]:
        """Who earns what is collected of the document the first of `ids` (a document and the
        notes on it) a settled statement speaks for: the document it goes by, the agents paid
        on it then, and the others: the agents of its date when nobody was paid on it, today's
        on what those leave of 100 % (`_beside`)."""
        settled_on = next((d for d in ids if d in self.payees and d in self.documents), None)
        paid_then = self.payees[settled_on] if settled_on is not None else ()
        dated = () if paid_then else next((self.dated[d] for d in ids if d in self.dated), ())
        return settled_on, paid_then, (*dated, *_beside((*paid_then, *dated), self.today.get(customer.code, ())))


@dataclass(frozen=True, slots=True)
class _Sums:
    """What the rows are made of as a run counts them: each row's lines under its rule (`own`),
    their items, and each agent's share of each document."""

    own: defaultdict[Key, Decimal]
    items_of: defaultdict[Key, set[str]]
    shares: dict[tuple[str, int], Decimal]

    def add(self, key: Key, line: InvoiceLine) -> None:
        self.own[key] += line.amount
        self.items_of[key].add(line.item)


def _count_lines(book: Rulebook, who: _Earners, sums: _Sums, paid: Paid, rows_then: Paid, customer: Customer,
                 document: Invoice, in_period: bool) -> None:
    """Each counted line of `document` under the rule of each agent who earns on it: those a
    settled statement paid (`_paid_under`), else today's; beside those paid, or as the agents
    of its date, the others on what is collected, and on what is invoiced when it is dated in
    the period (`in_period`: a period settled in two runs)."""
    assert document.id is not None
    _, paid_then, others = who.of(customer, (document.id,))
    spoken_for = bool(paid_then) or document.id in who.dated
    earners = paid_then if spoken_for else who.today.get(customer.code, ())
    collecting = others if spoken_for else ()
    for line in filter(counted, document.lines):
        for agent, share in earners:
            if not who.made_for(agent):
                continue
            rule = (book.fitting(agent, customer, line.item) if document.id not in who.payees
                    else _paid_under(book, paid.get((agent, document.id), ()), agent, customer, line.item))
            if rule is not None:
                sums.add((agent, document.id, book.key_of(rule), False), line)
                sums.shares[agent, document.id] = share
        for agent, share in collecting:
            if not who.made_for(agent):
                continue
            if (rule := _dated_rule(book, rows_then, agent, (document.id,), customer, line.item)) is not None \
                    and (rule.base is CommissionBase.COLLECTED or in_period):
                sums.add((agent, document.id, book.key_of(rule), False), line)
                if rule.base is CommissionBase.INVOICED:
                    sums.shares[agent, document.id] = share


def _invoiced_bases(book: Rulebook, sums: _Sums, documents: Mapping[int, Invoice], paid: Paid | None,
                    taken: dict[tuple[str, RuleKey, int], Decimal], first: date, last: date) -> dict[Key, Decimal]:
    """The rows of invoiced rules, the documents dated in [first, last]: each its lines at the
    agent's share; for an agent settled for a note's invoice at the share settled, and the rate
    it takes back at the settled row's (`paid_on`, into `taken`), 0 % for goods it paid nothing on."""
    bases: dict[Key, Decimal] = {}
    for key, amount in sums.own.items():
        agent, document_id, code, _ = key
        if book.by_key[code].base is CommissionBase.INVOICED and first <= documents[document_id].invoice_date <= last:
            if paid is not None and (then := paid.get((agent, document_id))) is not None:
                settled = paid_on(then, book.by_key[code].code, _of_items(documents[document_id], sums.items_of[key]))
                taken[agent, code, document_id] = settled.rate if settled is not None else ZERO
                if then:
                    sums.shares[agent, document_id] = then[0].share
            bases[key] = cents(amount * sums.shares[agent, document_id] / HUNDRED)
    return bases


def _collected_rows(book: Rulebook, who: _Earners, sums: _Sums, bases: dict[Key, Decimal],
                    customers: Mapping[str, Customer], paid: Paid, rows_then: Paid, customer: Customer,
                    account: Account, first: date, last: date) -> None:
    """What [first, last] changes of what each agent earned of `account` under collected rules
    (`collected_bases`), into `bases`: the agents a settled statement paid on it under the rule
    it paid them by (`_paid_under`), the others as `_Earners.of` says; the part of a return's
    note citing no invoice on a row of its own, by today's agents."""
    ids = () if account.uncited else (account.document, *(e.document for e in account.entries))
    settled_on, paid_then, others = (None, (), who.today.get(customer.code, ())) if account.uncited \
        else who.of(customer, ids)
    for agent, share in others:
        if not who.made_for(agent):
            continue

        def collected_rule(item: str, agent: str = agent) -> RuleKey | None:
            rule = _dated_rule(book, rows_then, agent, ids, customer, item)
            return book.key_of(rule) if rule is not None and rule.base is CommissionBase.COLLECTED else None
        for item, amount in account.parts if account.uncited else ():
            if (under := collected_rule(item)) is not None:
                sums.own[agent, account.document, under, False] -= amount
                sums.own[agent, account.document, under, True] += amount
        for (document_id, code), base in collected_bases(account, collected_rule, share, first, last).items():
            if document_id in who.documents:
                key = (agent, document_id, code, account.uncited)
                bases[key] = bases.get(key, ZERO) + base
                sums.shares.setdefault((agent, document_id), share)
    if settled_on is None:
        return
    settled_for = customers[who.documents[settled_on].customer]
    for agent, share in paid_then:
        if not who.made_for(agent):
            continue

        def paid_rule(item: str, agent: str = agent, settled_on: int = settled_on) -> RuleKey | None:
            rule = _paid_under(book, paid.get((agent, settled_on), ()), agent, settled_for, item)
            return book.key_of(rule) if rule is not None and rule.base is CommissionBase.COLLECTED else None
        for (document_id, code), base in collected_bases(account, paid_rule, share, first, last).items():
            if document_id in who.documents:
                bases[agent, document_id, code, False] = bases.get((agent, document_id, code, False), ZERO) + base
                sums.shares[agent, document_id] = share


def _everyone(agent: str) -> bool:
    return True


def _beside(paid: Sequence[tuple[str, Decimal]], today: Sequence[tuple[str, Decimal]]) -> list[tuple[str, Decimal]]:
    """Today's agents of a customer who earn on an invoice the agents `paid` on it were paid on
    at their shares: each at its share of today, as far as what the paid ones leave of 100 %
    goes, in the order *Agenti clienti* lists them; so the shares never add to more than the
    whole invoice (a customer moved from Marco to Luca: Luca earns nothing of what is collected
    of an invoice Marco was paid on, which Marco earns to the end).

    >>> _beside((("Marco", Decimal(60)),), (("Marco", Decimal(50)), ("Anna", Decimal(50))))
    [('Anna', Decimal('40'))]
    >>> _beside((), (("Marco", Decimal(100)),))
    [('Marco', Decimal('100'))]
    """
    if not paid:
        return list(today)
    left, paid_to, found = HUNDRED - sum((s for _, s in paid), ZERO), {a for a, _ in paid}, []
    for agent, share in today:
        if agent not in paid_to and left > 0:
            found.append((agent, min(share, left)))
            left -= min(share, left)
    return found


def _of_items(document: Invoice, items: set[str]) -> dict[str, Decimal]:
    """Item → what `document`'s counted lines of `items` (those one of its rows counts) amount to."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    for line in filter(counted, document.lines):
        if line.item in items:
            found[line.item] += line.amount
    return found


def _collected_share(base: Decimal, own: Decimal, share: Decimal) -> Decimal:
    """What a collected row shows as collected: its base over its document's lines under the
    rule at the agent's share (a note's change may rest on its invoice's lines: then none)."""
    whole = own * share / HUNDRED
    return (base / whole).quantize(Decimal("0.0001")) if whole else ZERO


def _statements(by_code: Mapping[RuleKey, Rule], documents: Mapping[int, Invoice],
                bases: Mapping[Key, Decimal], own: Mapping[Key, Decimal],
                shares: Mapping[tuple[str, int], Decimal], earned: Earned,
                items_of: Mapping[Key, set[str]]) -> list[Statement]:
    """The rows, each at the rate its agent's whole base under the rule reaches; a credit note
    on an invoiced rule at its invoice's (`earned`), when it cites one of an earlier period.
    `by_code`: the rules by their key (`RuleKey`), each row and rate printed with the rule's code."""
    bases = {k: b for k, b in bases.items() if b or by_code[k[2]].base is CommissionBase.INVOICED}
    per_rule: dict[tuple[str, RuleKey], Decimal] = defaultdict(Decimal)
    for (agent, _, code, _), base in bases.items():
        per_rule[(agent, code)] += base
    rates = {k: (b.percent if (b := reached(by_code[k[1]].brackets, max(v, ZERO))) is not None else ZERO)
             for k, v in per_rule.items()}
    by_agent: dict[str, list[Row]] = defaultdict(list)
    for (agent, document_id, code, uncited), base in bases.items():
        share, rate = shares[agent, document_id], rates[(agent, code)]
        if by_code[code].base is CommissionBase.INVOICED:
            rate = earned.get((agent, code, document_id), rate)
        collected = (None if by_code[code].base is CommissionBase.INVOICED
                     else _collected_share(base, own.get((agent, document_id, code, uncited), ZERO), share))
        items = tuple(sorted(items_of.get((agent, document_id, code, False), ())))
        commission = cents(base * rate / HUNDRED) + ZERO    # a note's row at 0 % is 0.00, never -0.00
        by_agent[agent].append(Row(agent, documents[document_id], by_code[code].code, base, share, collected, rate,
                                   commission, uncited, items))
    made = []
    for agent in sorted(by_agent):
        rows = sorted(by_agent[agent], key=lambda r: (r.invoice.invoice_date, r.invoice.number or "", r.uncited, r.rule))
        made.append(Statement(agent, tuple(rows), tuple(
            (by_code[code].code, per_rule[(a, code)], rates[(a, code)])
            for (a, code) in sorted(per_rule, key=_in_order) if a == agent)))
    return made


def _in_order(key: tuple[str, RuleKey]) -> tuple[str, ...]:
    """(agent, rule) in the order a statement lists its rates: by agent and code, a rule kept at
    a settled rate after today's of its code, then by base and rate as written."""
    agent, rule = key
    return (agent, rule) if isinstance(rule, str) else (agent, rule.code, rule.base.value, str(rule.rate))
