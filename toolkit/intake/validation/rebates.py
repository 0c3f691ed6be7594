"""Rules of the volume-discount, commission and customer-agent sheets, each problem at its cell.

Rows sharing a code are one discount (or rule), one row per bracket: they must say the same
terms, start at different thresholds, and give percentages from 0 to 100. A customer's agents'
shares should add up to 100 %; a customer with a row refused at its cell (a share of 150) is
not told a sum of the rows left, which would not be what the sheet says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from decimal import Decimal

from toolkit.basics.problems import Problem, define
from toolkit.intake.validation.layout import Layout
from toolkit.intake.validation.pricing_rules import unknown_category, unknown_group
from toolkit.intake.validation.unknown_codes import case_twins, unknown_code
from toolkit.model.records import CustomerAgent, MasterData, Record

TERMS_DIFFER = define(
    "bracket-terms-differ", "error",
    it="Le righe dello stesso codice «{code}» sono un'unica regola: qui «{value}» è diverso da «{first}» della "
       "riga {row}. Scrivi gli stessi valori su ogni riga del codice.",
    en="Rows with the same code “{code}” are one rule: here “{value}” differs from “{first}” in row {row}. "
       "Write the same values on every row of the code.")
DUPLICATE_BRACKET = define(
    "duplicate-bracket", "error",
    it="Il codice «{code}» ha già uno scaglione da {threshold} alla riga {row}: ogni scaglione parte da una "
       "soglia diversa.",
    en="Code “{code}” already has a bracket from {threshold} in row {row}: each bracket starts at a different "
       "threshold.")
PERCENT_OUT_OF_RANGE = define(
    "percent-out-of-range", "error",
    it="La percentuale {value} deve essere tra 0 e 100.",
    en="Percentage {value} must be between 0 and 100.")
NEGATIVE_THRESHOLD = define(
    "negative-threshold", "error",
    it="La soglia {value} è negativa: uno scaglione parte da 0 o più.",
    en="Threshold {value} is negative: a bracket starts at 0 or more.")
SHARES_NOT_100 = define(
    "agent-shares-not-100", "warning",
    title=("Quote agenti che non sommano 100 %", "Agents' shares not adding up to 100 %"),
    it="Le quote degli agenti del cliente {customer} sommano {total} %, non 100 %: le provvigioni seguono le "
       "quote scritte, controllale.",
    en="The agents' shares of customer {customer} add up to {total} %, not 100 %: commissions follow the shares "
       "as written, check them.")
AGENT_TWICE = define(
    "agent-listed-twice", "warning",
    title=("Agente ripetuto fra gli agenti di un cliente", "Agent repeated among a customer's agents"),
    it="L'agente {agent} è già un agente del cliente {customer} alla riga {row}: le sue quote si sommano "
       "({total} %). Se è un errore di battitura, correggi l'agente o cancella una delle due righe.",
    en="Agent {agent} is already an agent of customer {customer} in row {row}: their shares are added "
       "({total} %). If it is a typing slip, correct the agent or delete one of the two rows.")
AGENT_FOLLOWS_NOBODY = define(
    "commission-agent-follows-nobody", "warning",
    title=("Regola provvigioni per un agente senza clienti", "Commission rule for an agent with no customers"),
    it="Nessun cliente ha l'agente «{agent}» (Clienti › Agente, Agenti clienti): la regola {code} non pagherà "
       "nulla.{it_hint}",
    en="No customer has agent “{agent}” (Customers › Sales rep, Customer agents): rule {code} will pay "
       "nothing.{en_hint}")
HUNDRED = Decimal(100)
DISCOUNT_TERMS = ("customer", "group", "category", "period", "basis", "mode")
COMMISSION_TERMS = ("agent", "customer", "group", "item", "category", "base")


def _at(layout: Layout, record: Record, field: str):
    return layout.locate(record.source.sheet, record.source.row, field)  # type: ignore[attr-defined]


def _brackets(layout: Layout, rows: Sequence, terms: tuple[str, ...]) -> Iterator[Problem]:
    firsts: dict[str, object] = {}
    thresholds: dict[tuple[str, Decimal], int] = {}
    for r in rows:
        first = firsts.setdefault(r.code, r)
        for field in terms:
            value, expected = getattr(r, field), getattr(first, field)
            if value != expected:
                yield TERMS_DIFFER(_at(layout, r, field), code=r.code, value=value or "", first=expected or "",
                                   row=first.source.row)  # type: ignore[attr-defined]
        seen = thresholds.setdefault((r.code, r.threshold), r.source.row)
        if seen != r.source.row:
            yield DUPLICATE_BRACKET(_at(layout, r, "threshold"), code=r.code, threshold=r.threshold, row=seen)
        if r.threshold < 0:
            yield NEGATIVE_THRESHOLD(_at(layout, r, "threshold"), value=r.threshold)
        if not 0 <= r.percent <= HUNDRED:
            yield PERCENT_OUT_OF_RANGE(_at(layout, r, "percent"), value=r.percent)


def discounts_and_commissions(master: MasterData, layout: Layout) -> Iterator[Problem]:
    customers = {c.code for c in master.customers} | layout.unread_codes.get("customers", frozenset())
    items = {i.code for i in master.items} | layout.unread_codes.get("items", frozenset())
    checked: tuple[tuple[Sequence[Record], tuple[tuple[str, set[str], str], ...]], ...] = (
        (master.volume_discounts, (("customer", customers, "customers"),)),
        (master.commissions, (("customer", customers, "customers"), ("item", items, "items"))),
        (master.customer_agents, (("customer", customers, "customers"),)))
    twins: dict[str, dict[str, list[str]]] = {}
    for records, checks in checked:
        for r in records:
            for field, known, target in checks:
                code = getattr(r, field)
                if code is not None and code not in known:
                    if target not in twins:  # folded once, and only for a code not known
                        twins[target] = case_twins(known)
                    yield unknown_code(_at(layout, r, field), code, twins[target], layout.locate(target).sheet)
    yield from _brackets(layout, master.volume_discounts, DISCOUNT_TERMS)
    yield from _brackets(layout, master.commissions, COMMISSION_TERMS)
    yield from _agents_following_nobody(master, layout)
    yield from _groups_and_categories(master, layout)
    shares: dict[str, list[CustomerAgent]] = defaultdict(list)
    refused = layout.unread_codes.get("customer_agents", frozenset())
    for agent in master.customer_agents:
        shares[agent.customer].append(agent)
        if not 0 <= agent.share <= HUNDRED:
            yield PERCENT_OUT_OF_RANGE(_at(layout, agent, "share"), value=agent.share)
    for customer, agents in shares.items():
        firsts: dict[str, CustomerAgent] = {}
        for a in agents:
            first = firsts.setdefault(a.agent, a)
            if first is not a:
                yield AGENT_TWICE(_at(layout, a, "agent"), agent=a.agent, customer=customer, row=first.source.row,
                                  total=sum((b.share for b in agents if b.agent == a.agent), Decimal(0)))
        total = sum((a.share for a in agents), Decimal(0))
        if total != HUNDRED and customer not in refused:
            yield SHARES_NOT_100(_at(layout, agents[0], "share"), customer=customer, total=total)


def _agents_following_nobody(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """A commission rule naming an agent no customer has (its name matched as written, as the
    commissions match it) never pays: most often the name is spelt otherwise than on *Clienti*
    or *Agenti clienti* (`marco bianchi`, `Marco  Bianchi`), and the agent silently earns
    nothing. Named once per rule, at its first row, with the name as the customers write it."""
    agents = {c.sales_rep for c in master.customers if c.sales_rep} | {a.agent for a in master.customer_agents}
    alike = {" ".join(a.split()).casefold(): a for a in sorted(agents)}
    seen: set[str] = set()
    for rule in master.commissions:
        if rule.agent is None or rule.agent in agents or rule.code in seen:
            continue
        seen.add(rule.code)
        twin = alike.get(" ".join(rule.agent.split()).casefold())
        yield AGENT_FOLLOWS_NOBODY(_at(layout, rule, "agent"), agent=rule.agent, code=rule.code,
                                   it_hint=f" Forse è «{twin}»: scrivilo così." if twin else "",
                                   en_hint=f" Perhaps it is “{twin}”: write it so." if twin else "")


def _groups_and_categories(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """A volume discount or commission rule naming a group no customer is in, or a category no
    item has, never applies: the warning price rules have, an error when case alone tells it from
    the customers' (`bar` for `BAR`, a customer losing its discount), once per code, at its first
    row's cell."""
    groups = {c.group for c in master.customers if c.group}
    categories = {i.category for i in master.items if i.category}
    seen: set[tuple[str, str]] = set()
    for sheet, records in (("volume_discounts", master.volume_discounts), ("commissions", master.commissions)):
        for r in records:
            if (sheet, r.code) in seen:
                continue
            seen.add((sheet, r.code))
            if r.group and not r.customer and r.group not in groups:
                yield unknown_group(_at(layout, r, "group"), r.group, groups)
            if r.category and not getattr(r, "item", None) and r.category not in categories:
                yield unknown_category(_at(layout, r, "category"), r.category, categories)
