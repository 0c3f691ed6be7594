"""Agents' commission statements for a period: `toolkit commissions WORKBOOK --from D --to D`.

Reads the period's final invoices and credit notes and the payments dated in it, asks the core
(`toolkit.core.commissions`) for each agent's statement, and writes one workbook per agent and a
summary. It writes nothing to the ledger: a statement can be made again at any time, and the
same ledger gives the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import CommissionBase
from toolkit.basics.wording import Agreed, count, euro
from toolkit.core.commissions import Account, Statement, agents_of, cited_periods, earned_rates, rules, statements
from toolkit.core.invoicing import Invoice, drafts_left_out
from toolkit.ledger import Ledger
from toolkit.ledger.db import Connection, reading
from toolkit.ledger.settlements import accounts_between, collected_between, drafts_between, final_invoices_between
from toolkit.model.records import MasterData
from toolkit.services.session import documents_off_the_sheet

ENDS_BEFORE_START = define(
    "commission-period-reversed", "error",
    it="Il periodo va dal {first} al {last}: la data finale è prima di quella iniziale.",
    en="The period runs from {first} to {last}: the end is before the start.")
NO_RULES = define(
    "no-commission-rules", "warning",
    title=("Nessuna regola di provvigione", "No commission rules"),
    it="Il foglio Provvigioni è vuoto o manca: nessuna provvigione da calcolare.",
    en="The Commissions sheet is empty or missing: no commission to compute.")
DRAFTS_LEFT_OUT = define(
    "commission-drafts-left-out", "warning",
    title=("Fatture in bozza escluse dalle provvigioni", "Draft invoices left out of commissions"),
    it="{count} del periodo {are} ({numbers}): {finalize} (toolkit invoice finalize).",
    en="{count} of the period {are} ({numbers}): {finalize} (toolkit invoice finalize).")
UNKNOWN_CUSTOMERS = define(
    "commission-unknown-customer", "warning",
    title=("Documenti di clienti tolti dal foglio Clienti", "Documents of customers taken off the Customers sheet"),
    it="{count} del periodo {are} di clienti che non sono più nel foglio Clienti ({customers}: {numbers}): le "
       "provvigioni su {them} non sono calcolate, perché l'agente del cliente è scritto lì. Rimetti la riga del "
       "cliente, con il suo agente, e calcola di nuovo le provvigioni.",
    en="{count} of the period {are} of customers no longer on the Customers sheet ({customers}: {numbers}): the "
       "commissions on {them} are not computed, since the customer's agent is written there. Put the customer's "
       "row back, with its agent, and compute the commissions again.")


@dataclass(frozen=True)
class Commissions:
    first: date
    last: date
    statements: list[Statement]
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)

    def summary(self, lang: str) -> str:
        n = len(self.statements)
        total = sum((s.total for s in self.statements), 0)
        if lang == "it":
            return (f"Provvigioni dal {self.first:%d/%m/%Y} al {self.last:%d/%m/%Y}: "
                    f"{count(n, 'agente', 'agenti')}, totale {euro(total, lang)}.")
        return (f"Commissions from {self.first:%d/%m/%Y} to {self.last:%d/%m/%Y}: "
                f"{count(n, 'agent', 'agents')}, total {euro(total, lang)}.")


def compute(ledger: Ledger, master: MasterData, first: date, last: date, *, out: Path | None = None,
            lang: str = "it") -> Commissions:
    """Each agent's statement for [first, last]; with `out`, the workbooks written there, a
    folder that cannot take them refused in the words of who named it (`asked_now`; by default
    `--out DIR`)."""
    if last < first:
        return Commissions(first, last, [], [ENDS_BEFORE_START(None, first=first, last=last)])
    problems: list[Problem] = []
    found = rules(master.commissions)
    if not found:
        problems.append(NO_RULES(None))
    agents, customers, items = (agents_of(master.customers, master.customer_agents),
                                {c.code: c for c in master.customers}, {x.code: x for x in master.items})

    with reading(ledger) as conn:
        def made_between(start: date, end: date) -> list[Statement]:
            earlier_invoices, earlier_accounts = _documents(conn, start, end)
            return statements(found, agents, customers, items, earlier_invoices, start, end, earlier_accounts)

        invoices, accounts = _documents(conn, first, last)
        drafts = drafts_between(conn, first, last)
        earlier = cited_periods(invoices, first, last) if any(r.base is CommissionBase.INVOICED for r in found) else {}
        earned = earned_rates(earlier, made_between)
    if drafts:
        problems.append(DRAFTS_LEFT_OUT(None, **drafts_left_out(drafts)))
    if found and (gone := documents_off_the_sheet(master, invoices)):
        them = Agreed(gone["count"].n, ("di esso", "di essi"), ("it", "them"))
        problems.append(UNKNOWN_CUSTOMERS(None, **gone, them=them))
    made = statements(found, agents, customers, items, invoices, first, last, accounts, earned)
    files: list[Path] = []
    if out is not None:
        from toolkit.basics.files import check_output
        from toolkit.writers.statements import commission_names, write_commission_statements

        check_output(out, kind=None, folder=True, names=commission_names(made, first, last))
        files = write_commission_statements(out, master, made, first, last, lang)
    return Commissions(first, last, made, problems, files)


def _documents(conn: Connection, first: date, last: date) -> tuple[list[Invoice], list[tuple[str, Account]]]:
    """What a statement of [first, last] reads: the final documents dated in it or paid in it,
    and the accounts a collected base reads."""
    collected = collected_between(conn, first, last)
    invoices = final_invoices_between(conn, first, last, also=collected)
    return invoices, accounts_between(conn, first, last, invoices, paid=collected)
