"""Agents' commission statements for a period: `toolkit commissions WORKBOOK --from D --to D`.

Reads the period's final invoices and credit notes and the payments dated in it, asks the core
(`toolkit.core.commissions`) for each agent's statement, and writes one workbook per agent and a
summary, each from the statement as issued (`toolkit.core.commission_statements`).

Without `--settle` it is a preview: nothing is recorded, and the same ledger and sheets give the
same figures; of a period settled for an agent it warns that its files are today's figures, not
the statements handed out. With `--settle` one write transaction records each agent's statement of the period
(`commission_settlements`) and places the workbooks. An agent with a settlement overlapping the
period is left out of it, named in a warning, and the others are settled: an agent who had no
statement when the period was settled (a rule written for them since, an invoice finalized
late) would otherwise never be; one given a customer since earns of its invoices only what the
agents settled before were paid leave of 100 %, nothing of an invoice one of them was paid in
full at. A period every agent of which is settled is refused, nothing
stored, and so is a period not over yet. `--reprint` writes the
settled statements again from what the ledger kept, whatever *Provvigioni*, *Agenti clienti*
and the ledger's later documents say since.

A document or payment dated in a settled period and recorded after its settlement (an invoice
finalized late, a payment typed in a week after) is in no statement: the settled one was
handed out as it was, and statements count documents by their date. It is named in a warning
when the next period is previewed or settled, and at the settled period's reprint, so the desk
settles the difference with the agent by hand.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from toolkit.basics.files import Staged, check_output, staged_output
from toolkit.basics.labels import define as label_words
from toolkit.basics.labels import label
from toolkit.basics.problems import Problem, ProblemType, define, errors
from toolkit.basics.vocab import CommissionBase
from toolkit.basics.wording import Agreed, Counted, euro, first_numbers, percent
from toolkit.core.commission_statements import CommissionStatement, Settlements, statement_of
from toolkit.core.commissions import (
    Account,
    Statement,
    agents_of,
    cited_before,
    earned_rates,
    period_holding,
    rules,
    statements,
)
from toolkit.core.invoicing import CitedInvoice, Invoice, InvoiceKind, drafts_left_out
from toolkit.ledger import Ledger
from toolkit.ledger.commission_settlements import Settled as Settled  # the front ends name it
from toolkit.ledger.commission_settlements import kept, kept_overlapping, latest_before, overlapping, record, recorded_since
from toolkit.ledger.db import Connection, reading, writing
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


ALREADY_SETTLED = define(
    "commission-period-settled", "error",
    it="Le provvigioni di {agent} sono già liquidate dal {first} al {last} (il {settled_on}): il periodo dal "
       "{asked_first} al {asked_last} si sovrappone, e un periodo si liquida una volta sola, quindi non è stato "
       "registrato nulla. Liquida un periodo che inizia dopo il {last}, o ristampa quello liquidato con "
       "«--reprint --from {first_iso} --to {last_iso}».",
    en="The commissions of {agent} are settled from {first} to {last} (on {settled_on}): the period from "
       "{asked_first} to {asked_last} overlaps it, and a period is settled once, so nothing was stored. Settle a "
       "period starting after {last}, or print the settled one again with “--reprint --from {first_iso} --to "
       "{last_iso}”.")
LEFT_OUT_SETTLED = define(
    "commission-agent-left-out", "warning",
    title=("Agenti già liquidati esclusi dalla liquidazione", "Agents already settled left out of the settlement"),
    it="Le provvigioni di {agent} sono già liquidate dal {first} al {last} (il {settled_on}): il periodo dal "
       "{asked_first} al {asked_last} è liquidato per gli altri agenti, non per {agent}, il cui estratto non è "
       "registrato né scritto di nuovo. Per ristampare quello liquidato come emesso: toolkit commissions --reprint "
       "--from {first_iso} --to {last_iso}.",
    en="The commissions of {agent} are settled from {first} to {last} (on {settled_on}): the period from "
       "{asked_first} to {asked_last} is settled for the other agents, not for {agent}, whose statement is neither "
       "recorded nor written again. To print the settled one again as issued: toolkit commissions --reprint "
       "--from {first_iso} --to {last_iso}.")
PERIOD_OPEN = define(
    "commission-period-open", "error",
    it="Il periodo finisce il {last}, dopo oggi ({today}): le provvigioni si liquidano a periodo chiuso, quando "
       "i suoi documenti e incassi sono registrati. Calcolale ora senza --settle (anteprima), liquidale dal "
       "{last} in poi.",
    en="The period ends on {last}, after today ({today}): commissions are settled once it is over, when its "
       "documents and payments are recorded. Compute them now without --settle (a preview), settle them from "
       "{last} on.")
RECORDED_AFTER_SETTLING = define(
    "commission-recorded-after-settling", "warning",
    title=("Documenti registrati dopo la liquidazione delle provvigioni",
           "Documents recorded after the commissions were settled"),
    it="{count} del periodo dal {first} al {last}, liquidato per {agents}, {are} registrat{o_i} "
       "dopo la liquidazione ({numbers}): l'estratto liquidato non {them} conta, e nessun estratto successivo {them} "
       "conterà, perché le provvigioni contano documenti e incassi per la loro data. Regola a mano la differenza "
       "con {the_agents}: l'anteprima del periodo (toolkit commissions --from {first_iso} --to {last_iso}, senza "
       "--settle) mostra le cifre di oggi.",
    en="{count} of the period from {first} to {last}, settled for {agents}, {are} recorded after "
       "the settlement ({numbers}): the settled statement does not count {them}, and no later statement will, as "
       "commissions count documents and payments by their date. Settle the difference with {the_agents} by hand: "
       "the period's preview (toolkit commissions --from {first_iso} --to {last_iso}, without --settle) shows "
       "today's figures.")
PREVIEW_OF_SETTLED = define(
    "commission-preview-of-settled", "warning",
    title=("Anteprima di un periodo già liquidato", "Preview of a period already settled"),
    it="Le provvigioni di {agent} sono già liquidate dal {first} al {last} (il {settled_on}): gli estratti dal "
       "{asked_first} al {asked_last} sono un'anteprima con le cifre di oggi, non quelli liquidati, e i loro file "
       "si chiamano anteprima-provvigioni-…, accanto a quelli liquidati, che non sostituiscono. Per ristampare "
       "quelli liquidati come emessi: toolkit commissions --reprint --from {first_iso} --to {last_iso}.",
    en="The commissions of {agent} are settled from {first} to {last} (on {settled_on}): the statements from "
       "{asked_first} to {asked_last} are a preview with today's figures, not the settled ones, and their files "
       "are named anteprima-provvigioni-…, beside the settled ones, which they do not replace. To print the "
       "settled ones again as issued: toolkit commissions --reprint --from {first_iso} --to {last_iso}.")
NOTHING_TO_SETTLE = define(
    "commission-nothing-to-settle", "warning",
    title=("Nessuna provvigione da liquidare", "No commission to settle"),
    it="Nessun agente ha un estratto dal {first} al {last} (nessuna vendita o nota del periodo a un cliente con "
       "un agente che una regola di Provvigioni paghi): nulla è stato liquidato né scritto, e il periodo resta da "
       "liquidare. I documenti del periodo registrati più avanti si liquidano liquidandolo allora.",
    en="No agent has a statement from {first} to {last} (no sale or note of the period to a customer with an "
       "agent a Commissions rule pays): nothing was settled or written, and the period is still to settle. "
       "Documents of the period recorded later are settled by settling it then.")
NOTHING_LEFT_TO_SETTLE = define(
    "commission-nothing-left-to-settle", "warning",
    title=("Nessuna provvigione rimasta da liquidare", "No commission left to settle"),
    it="Nessun agente ha un estratto da liquidare dal {asked_first} al {asked_last}: il periodo è già liquidato per "
       "{settled} e nessun altro agente ha vendite o note del periodo che una regola di Provvigioni paghi. Non "
       "resta nulla da liquidare: nulla è stato registrato né scritto. Per ristampare gli estratti liquidati come "
       "emessi: toolkit commissions --reprint --from {first_iso} --to {last_iso}.",
    en="No agent has a statement to settle from {asked_first} to {asked_last}: the period is already settled for "
       "{settled} and no other agent has sales or notes of the period a Commissions rule pays. Nothing remains "
       "to settle: nothing was stored or written. To print the settled statements again as issued: toolkit "
       "commissions --reprint --from {first_iso} --to {last_iso}.")
label_words({
    "cm.preview_summary": ("Provvigioni dal {first} al {last} non liquidate (anteprima): {agents}, totale {total}.",
                           "Commissions from {first} to {last} not settled (preview): {agents}, total {total}."),
    "cm.summary": ("Provvigioni dal {first} al {last}: {agents}, totale {total}.",
                   "Commissions from {first} to {last}: {agents}, total {total}."),
    "cm.settled_summary": ("Provvigioni dal {first} al {last} liquidate: {agents}, totale {total}.",
                           "Commissions from {first} to {last} settled: {agents}, total {total}."),
    "cm.refused_summary": ("Nessuna provvigione liquidata: correggi i problemi indicati.",
                           "No commission was settled: fix the problems listed."),
    "cm.none_summary": ("Nessuna provvigione liquidata dal {first} al {last}: nessun agente ha un estratto.",
                        "No commission settled from {first} to {last}: no agent has a statement."),
    "cm.reprinted_summary": ("Provvigioni liquidate dal {first} al {last}: {statements}.",
                             "Commissions settled from {first} to {last}: {statements}."),
})
AGENTS = (("agente", "agenti"), ("agent", "agents"))
REPRINTED = (("estratto ristampato", "estratti ristampati"), ("statement printed again", "statements printed again"))
NOTHING_SETTLED = define(
    "commission-nothing-settled", "warning",
    title=("Nessuna provvigione liquidata", "No commission settled"),
    it="Il registro non ha provvigioni liquidate in un periodo compreso dal {first} al {last}: nessun estratto "
       "da ristampare.",
    en="The ledger has no commissions settled for a period within {first} to {last}: no statement to print "
       "again.")


@dataclass(frozen=True)
class Commissions:
    first: date
    last: date
    statements: list[Statement]
    problems: list[Problem]
    files: list[Path] = field(default_factory=list)
    issued: list[CommissionStatement] = field(default_factory=list)
    """The statements as printed: the workbooks', the JSON's, and with `settled` the ledger's."""
    settled: bool = False
    """Asked to settle: with no error among `problems`, recorded."""
    left_out: list[Settled] = field(default_factory=list)
    """Of a settlement, the agents left out, each by its settlement the period overlaps."""
    preview: bool = False
    """A preview of a period settled for an agent: its files `anteprima-…`, its summary says so."""

    @property
    def recorded(self) -> bool:
        """Asked to settle, and a statement recorded: not refused, nor a period with no statement."""
        return self.settled and bool(self.issued) and not errors(self.problems)

    def summary(self, lang: str) -> str:
        """The terminal's line, in the words of the catalogue (`cm.…`)."""
        if errors(self.problems) and self.settled:
            return label("cm.refused_summary", lang)
        said = {"first": f"{self.first:%d/%m/%Y}", "last": f"{self.last:%d/%m/%Y}"}
        if self.settled and not self.recorded:
            return label("cm.none_summary", lang).format(**said)
        key = "cm.preview_summary" if self.preview else "cm.settled_summary" if self.settled else "cm.summary"
        return label(key, lang).format(**said, agents=Counted(len(self.statements), *AGENTS).shown(lang),
                                       total=euro(sum((s.total for s in self.statements), Decimal(0)), lang))


def compute(ledger: Ledger, master: MasterData, first: date, last: date, *, out: Path | None = None,
            lang: str, settle: bool = False, today: date | None = None) -> Commissions:
    """Each agent's statement for [first, last]; with `out`, the workbooks written there, a
    folder that cannot take them refused in the words of who named it (`asked_now`; by default
    `--out DIR`). With `settle`, each statement recorded as settled on `today` in the same
    transaction that places the workbooks, but for the agents with a settlement the period
    overlaps, left out with a warning: refused, nothing stored nor written, when the period ends
    after `today` or every agent it pays is left out; a period with no statement records and
    writes nothing, and says so (`NOTHING_TO_SETTLE`): it stays to settle. A preview of a period
    settled for any agent writes its files under names that say it (`anteprima-…`), beside the
    settled statements and never over them."""
    if last < first:
        return Commissions(first, last, [], [ENDS_BEFORE_START(None, first=first, last=last)])
    problems: list[Problem] = []
    if settle:
        assert today is not None
        if last > today:
            return Commissions(first, last, [], [PERIOD_OPEN(None, last=f"{last:%d/%m/%Y}",
                                                             today=f"{today:%d/%m/%Y}")], settled=True)
    found = rules(master.commissions)
    if not found:
        problems.append(NO_RULES(None))
    agents, customers, items = (agents_of(master.customers, master.customer_agents),
                                {c.code: c for c in master.customers}, {x.code: x for x in master.items})
    staging = staged_output(out) if out is not None else nullcontext()
    with staging as staged, (writing(ledger) if settle else reading(ledger)) as conn:
        def made_between(start: date, end: date) -> list[Statement]:
            earlier_invoices, earlier_accounts = _documents(conn, start, end)
            return statements(found, agents, customers, items, earlier_invoices, start, end, earlier_accounts)

        invoices, accounts = _documents(conn, first, last)
        drafts = drafts_between(conn, first, last)
        cited = cited_before(invoices, first, last)  # a settled statement's rule may be gone from the sheet
        earned = earned_rates({note: period_holding(c.day, first, last) for note, c in cited.items()}, made_between) \
            if any(r.base is CommissionBase.INVOICED for r in found) else {}
        late = _late(conn, latest_before(conn, first))
        settled_here = overlapping(conn, None, first, last)
        within = _settled_within(invoices, first, last) if settled_here else {}
        settled_on = cited | _paid_before(invoices, first)
        then = _settled_then(conn, [(c.day, c.day) for c in (within | settled_on).values()]
                             + [(x.first, x.last) for x, _ in late])

        def made_for(on: Mapping[int, CitedInvoice], agents_made: Callable[[str], bool] | None = None) -> list[Statement]:
            dated = _dated(invoices, on)
            return statements(found, agents, customers, items, invoices, first, last, accounts, earned,
                              then.paid(on), then.agents_then(dated), then.rows_then(dated), agents_made)

        if settled_here:
            paid_before = {x.agent for x in settled_here}
            made = _beside_settled(made_for(settled_on, paid_before.__contains__),
                                   made_for(within | settled_on, lambda agent: agent not in paid_before))
        else:
            made = made_for(settled_on)
        issued = [statement_of(s, first, last, master.settings.company_name, lang) for s in made]
        if drafts:
            problems.append(DRAFTS_LEFT_OUT(None, **drafts_left_out(drafts)))
        if found and (gone := documents_off_the_sheet(master, invoices)):
            them = Agreed(gone["count"].n, ("di esso", "di essi"), ("it", "them"))
            problems.append(UNKNOWN_CUSTOMERS(None, **gone, them=them))
        problems += _recorded_late(agents, late, then)
        already = _first_of_each(overlapping(conn, {s.agent for s in issued}, first, last))
        left_out = already if settle and len(already) < len(issued) else []
        if left_out:
            left = {x.agent for x in left_out}
            made, issued = [s for s in made if s.agent not in left], [s for s in issued if s.agent not in left]
        said = LEFT_OUT_SETTLED if left_out else ALREADY_SETTLED if settle else PREVIEW_OF_SETTLED
        problems += [_settled_already(said, x, first, last) for x in already]
        before: list[CommissionStatement] = []
        if settle:
            if not issued:
                problems.append(_nothing_to_settle(overlapping(conn, None, first, last), first, last))
            if errors(problems) or not issued:
                return Commissions(first, last, made, problems, [], issued, settled=True)
            assert today is not None
            before = _settled_for(conn, first, last) if out is not None else []
            record(conn, first, last, today, [(s.agent, s.base, s.total, s.text()) for s in issued])
        preview = not settle and bool(already or overlapping(conn, None, first, last))
        files = _write(out, staged, master.settings.company_name, issued, first, last, lang, preview=preview,
                       settled_before=before)
    return Commissions(first, last, made, problems, files, issued, settled=settle, left_out=left_out,
                       preview=preview)


def _write(out: Path | None, staged: Staged | None, company: str, issued: Sequence[CommissionStatement],
           first: date, last: date, lang: str, *, preview: bool = False,
           settled_before: Sequence[CommissionStatement] = ()) -> list[Path]:
    """The statements and the summary written into `out`: made aside (`staged`, given with
    `out`) and placed together, inside the settlement's transaction when there is one, so a file
    that cannot be written (a full disk) settles nothing and leaves the folder as it was, a
    preview's and a reprint's too, which had left the statements written before it; a `preview`
    of a settled period under the names that say it (`writers.statements.PREVIEW`); the summary
    listing first the period's statements `settled_before`, headed with the company they were
    settled under, as the period's reprint heads it (the first statement's), whatever
    *Impostazioni* says since; and of those, the statements whose file `out` does not hold
    written there as kept (settled into another folder, or with no `--out`), so the summary
    names no file that is not beside it."""
    if out is None:
        return []
    assert staged is not None
    from toolkit.writers.statements import commission_file, commission_names, write_commission_statements

    absent = [s for s in settled_before if not (out / commission_file(s.agent, first, last)).exists()]
    check_output(out, kind=None, folder=True, names=commission_names([*absent, *issued], first, last,
                                                                     preview=preview))
    made = write_commission_statements(staged.folder, settled_before[0].company if settled_before else company,
                                       issued, first, last, lang, preview=preview, settled_before=settled_before,
                                       absent=absent)
    return [staged.place(path, path.name) for path in made]


def _nothing_to_settle(settled: Sequence[Settled], first: date, last: date) -> Problem:
    """What a settlement with no statement says: the period stays to settle when no agent was
    settled for a day of it, else nothing remains, naming who was (`SettledFor`) and the reprint."""
    if not settled:
        return NOTHING_TO_SETTLE(None, first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}")
    return NOTHING_LEFT_TO_SETTLE(
        None, asked_first=f"{first:%d/%m/%Y}", asked_last=f"{last:%d/%m/%Y}", settled=SettledFor(tuple(settled)),
        first_iso=min(x.first for x in settled).isoformat(), last_iso=max(x.last for x in settled).isoformat())


@dataclass(frozen=True, slots=True)
class SettledFor:
    """The settlements a period overlaps, in the reader's language: each agent, its period and day.

    >>> from datetime import datetime
    >>> at = datetime(2026, 5, 10, 9)
    >>> SettledFor((Settled("Marco", date(2026, 4, 1), date(2026, 4, 30), at.date(), at),
    ...             Settled("Luca", date(2026, 4, 1), date(2026, 4, 30), at.date(), at))).shown("en")
    'Marco (from 01/04/2026 to 30/04/2026, on 10/05/2026) and Luca (from 01/04/2026 to 30/04/2026, on 10/05/2026)'
    """

    settled: tuple[Settled, ...]

    def shown(self, lang: str) -> str:
        said = "{} (from {:%d/%m/%Y} to {:%d/%m/%Y}, on {:%d/%m/%Y})" if lang == "en" else \
            "{} (dal {:%d/%m/%Y} al {:%d/%m/%Y}, il {:%d/%m/%Y})"
        named = [said.format(x.agent, x.first, x.last, x.settled_on) for x in self.settled]
        return ", ".join(named[:-1]) + (" and " if lang == "en" else " e ") + named[-1] if named[1:] else named[0]


def _settled_for(conn: Connection, first: date, last: date) -> list[CommissionStatement]:
    """The statements settled for [first, last] itself, in the order they printed: the period's
    summary holds them beside those a later settlement of its missing agents adds."""
    return [CommissionStatement.from_text(text) for x, text in kept(conn, first, last)
            if (x.first, x.last) == (first, last)]


def _first_of_each(found: Sequence[Settled]) -> list[Settled]:
    """Each agent's first settlement among `found`: the one its refusal, or a preview's warning, names."""
    seen: dict[str, Settled] = {}
    for x in found:
        seen.setdefault(x.agent, x)
    return list(seen.values())


def _settled_already(said: ProblemType, x: Settled, first: date, last: date) -> Problem:
    """`said` (a settlement refused, a preview warned) of `x`, the agent's settlement [first, last] overlaps."""
    return said(None, agent=x.agent, first=f"{x.first:%d/%m/%Y}", last=f"{x.last:%d/%m/%Y}",
                settled_on=f"{x.settled_on:%d/%m/%Y}", asked_first=f"{first:%d/%m/%Y}",
                asked_last=f"{last:%d/%m/%Y}", first_iso=x.first.isoformat(), last_iso=x.last.isoformat())


Late = Sequence[tuple[Settled, list[tuple[str, str, str]]]]
"""Settlements, each with what was recorded after it dated in its period (`recorded_since`)."""


def _late(conn: Connection, settled: Sequence[Settled]) -> Late:
    """The settlements among `settled` something was recorded after, dated in their period."""
    return [(x, since) for x in settled if (since := recorded_since(conn, x.first, x.last, x.recorded_at))]


def _settled_then(conn: Connection, spans: Sequence[tuple[date, date]]) -> Settlements:
    """The statements settled for a period sharing a day with one of `spans`, read in one query
    and each parsed once, for both questions a run asks of them (`Settlements`): a note on an
    invoice of long ago reads its invoice's period, not every period settled since; none read
    when there is no span (no note on an earlier invoice, nothing recorded late)."""
    if not spans:
        return Settlements()
    kept_then = kept_overlapping(conn, spans)
    return Settlements(tuple(CommissionStatement.from_text(text) for _, text in kept_then))


def _recorded_late(agents: Mapping[str, tuple[tuple[str, Decimal], ...]], settled: Late,
                   then: Settlements) -> list[Problem]:
    """A warning per period and the agents it goes to, naming what was recorded after their
    settlements, dated in the period, of their customers: counted by no statement. A customer's
    agents are those the period's settled statements paid on it, each at the share paid
    (`Settlements.payees`): a customer moved to another agent since is told to the one it had,
    co-agents both with their shares, in one warning; one no settled statement of the period
    names, as *Agenti clienti* and *Clienti* say today, as the ledger keeps no document's agent."""
    told: dict[tuple[date, date, PaidAgents], list[tuple[str, str]]] = {}
    for (first, last), since in _by_period(settled).items():
        had = then.payees(first, last)
        for (customer, number, what), xs in since.items():
            shares = had.get(customer, dict(agents.get(customer, ())))
            payees = PaidAgents(tuple(sorted(((x.agent, shares[x.agent], x.settled_on) for x in xs
                                              if x.agent in shares), key=lambda p: (-p[1], p[0]))))
            if payees.paid:
                told.setdefault((first, last, payees), []).append((number, what))
    found = []
    for (first, last, payees), numbers in told.items():
        n = len(numbers)
        found.append(RECORDED_AFTER_SETTLING(
            None, agents=payees, first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}",
            first_iso=first.isoformat(), last_iso=last.isoformat(), numbers=RecordedLate(tuple(numbers)),
            the_agents=Agreed(len(payees.paid), ("l'agente", "gli agenti"), ("the agent", "the agents")),
            count=Counted(n, ("documento o incasso", "documenti o incassi"), ("document or payment",
                                                                            "documents or payments")),
            are=Agreed(n, ("è", "sono"), ("was", "were")), o_i=Agreed(n, ("o", "i"), ("", "")),
            them=Agreed(n, ("lo", "li"), ("it", "them"))))
    return found


def _by_period(settled: Late) -> dict[tuple[date, date], dict[tuple[str, str, str], list[Settled]]]:
    """Period → each thing recorded late in it → the settlements of the period it came after."""
    found: dict[tuple[date, date], dict[tuple[str, str, str], list[Settled]]] = {}
    for x, since in settled:
        for late in since:
            found.setdefault((x.first, x.last), {}).setdefault(late, []).append(x)
    return found


@dataclass(frozen=True, slots=True)
class PaidAgents:
    """The agents a late-recorded warning goes to, in the reader's language: each with the share
    of the customer it was paid at, unless one agent had it all, and the day it was settled.

    >>> day = date(2026, 5, 10)
    >>> PaidAgents((("Marco", Decimal(100), day),)).shown("it")
    'Marco il 10/05/2026'
    >>> PaidAgents((("Marco", Decimal(60), day), ("Luca", Decimal(40), day))).shown("en")
    'Marco (60 % share) and Luca (40 % share) on 10/05/2026'
    >>> PaidAgents((("Marco", Decimal(60), day), ("Luca", Decimal(40), date(2026, 5, 20)))).shown("it")
    'Marco (quota 60 %) il 10/05/2026 e Luca (quota 40 %) il 20/05/2026'
    """

    paid: tuple[tuple[str, Decimal, date], ...]
    """(agent, share in percent, the day the agent's statement was settled)"""

    def shown(self, lang: str) -> str:
        on, share, joined = ("on", "{} share", " and ") if lang == "en" else ("il", "quota {}", " e ")
        whole = len(self.paid) == 1 and self.paid[0][1] == 100
        named = [agent if whole else f"{agent} ({share.format(percent(part, lang))})" for agent, part, _ in self.paid]
        days = [f"{on} {settled_on:%d/%m/%Y}" for _, _, settled_on in self.paid]
        if len(set(days)) == 1:
            return f"{', '.join(named[:-1]) + joined if len(named) > 1 else ''}{named[-1]} {days[0]}"
        return joined.join(f"{name} {day}" for name, day in zip(named, days, strict=True))


@dataclass(frozen=True, slots=True)
class RecordedLate:
    """What a late-recorded warning names, in the reader's language: a document by its number,
    a payment as the one on its document's.

    >>> RecordedLate((("NC-2026-00001", "document"), ("FT-2026-00001", "payment"))).shown("it")
    'NC-2026-00001, incasso su FT-2026-00001'
    """

    found: tuple[tuple[str, str], ...]
    """(the document's number, "document" or "payment")"""

    def shown(self, lang: str) -> str:
        on = "payment on" if lang == "en" else "incasso su"
        return first_numbers([number if what == "document" else f"{on} {number}" for number, what in self.found])


@dataclass(frozen=True)
class Reprinted:
    """The settled statements of a span written again (`reprint`)."""

    first: date
    last: date
    statements: list[CommissionStatement]
    files: list[Path]
    problems: list[Problem]

    def summary(self, lang: str) -> str:
        """The terminal's line, in the words of the catalogue (`cm.reprinted_summary`)."""
        return label("cm.reprinted_summary", lang).format(
            first=f"{self.first:%d/%m/%Y}", last=f"{self.last:%d/%m/%Y}",
            statements=Counted(len(self.statements), *REPRINTED).shown(lang))


def reprint(ledger: Ledger, master: MasterData, first: date, last: date, out: Path, *, lang: str,
            set_aside: Sequence[Problem] = ()) -> Reprinted:
    """Every statement settled for a period within [first, last] written again into `out` as it
    was issued, from what the ledger kept with it (`CommissionStatement`): its rows, rates,
    shares and company as they were, whatever *Provvigioni*, *Agenti clienti*, *Impostazioni*
    and the ledger's later documents say now; each period's summary lists the agents settled for
    it. Nothing is settled. Each statement speaks the language it was settled in, and a period's
    summary its latest settlement's, the words handed out, whatever *Lingua* says now (`lang`,
    the run's, for statements kept before their language was). What was recorded after a
    settlement, dated in its period, is named in a warning: the statement does not count it.
    The workbook's errors `set_aside` (`session.start_reprint`) are told as warnings, unless in
    *Clienti* or *Agenti clienti*, whose agents that warning names."""
    from toolkit.services.reprint_reads import gone_on_despite

    if last < first:
        return Reprinted(first, last, [], [], [ENDS_BEFORE_START(None, first=first, last=last)])
    problems = gone_on_despite(set_aside, (), also={"customers", "customer_agents"})
    with reading(ledger) as conn:
        settled = kept(conn, first, last)
        late = _late(conn, [x for x, _ in settled])
        problems += _recorded_late(agents_of(master.customers, master.customer_agents), late,
                                  _settled_then(conn, [(x.first, x.last) for x, _ in late]))
    found = [CommissionStatement.from_text(text) for _, text in settled]
    if not found:
        problems.append(NOTHING_SETTLED(None, first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}"))
    periods: dict[tuple[date, date], list[CommissionStatement]] = {}
    for s in found:
        periods.setdefault((s.first, s.last), []).append(s)
    with staged_output(out) as staged:
        files = [path for (start, end), mine in periods.items()
                 for path in _write(out, staged, mine[0].company, mine, start, end, mine[-1].lang or lang)]
    return Reprinted(first, last, found, files, problems)


def _paid_before(invoices: Sequence[Invoice], first: date) -> dict[int, CitedInvoice]:
    """The invoices dated before the period among those it reads (paid in it), by id: a payment
    on one goes by what the statement settled for its date paid on it (`Settlements.paid`), the
    agents and shares it was paid at, never today's share of it again."""
    return {d.id: CitedInvoice(d.id, d.number, d.invoice_date, Decimal(0)) for d in invoices
            if d.id is not None and d.number is not None and d.kind is InvoiceKind.INVOICE and d.invoice_date < first}


def _beside_settled(today: Sequence[Statement], capped: Sequence[Statement]) -> list[Statement]:
    """A period settled for some agents already: theirs as today's figures make them (`today`; a
    preview says so, a settlement leaves them out), the others' as `capped` makes them, earning of
    each invoice only what the agents settled on it leave of 100 % (`_settled_within`); each
    agent's statement made once, by one of the two."""
    return sorted([*today, *capped], key=lambda s: s.agent)


def _settled_within(invoices: Sequence[Invoice], first: date, last: date) -> dict[int, CitedInvoice]:
    """The period's own documents, for a period already settled for some agents: each invoice
    itself, each note the invoice of the period it cites (`cited_before` has those citing an
    earlier one). An invoice the agents settled before were paid on goes by their shares, the
    agents settled now earning only what those leave of 100 %, as a later payment on it does
    (`statements`, `_beside`): settled in two runs, a period pays no invoice more than its net."""
    found = {d.id: CitedInvoice(d.id, d.number, d.invoice_date, Decimal(0)) for d in invoices
             if d.id is not None and d.number is not None and d.kind is not InvoiceKind.CREDIT_NOTE
             and first <= d.invoice_date <= last}
    for note in invoices:
        if note.kind is InvoiceKind.CREDIT_NOTE and note.id is not None and note.cites \
                and first <= note.invoice_date <= last:
            cited = max(note.cites, key=lambda c: (abs(c.base), c.day))
            if first <= cited.day <= last:
                found[note.id] = cited
    return found


def _dated(invoices: Sequence[Invoice], settled_on: Mapping[int, CitedInvoice]) -> dict[int, tuple[str, date]]:
    """Document id → its customer and the date of the invoice of an earlier period it goes by
    (itself, or the one a note cites): whose agents then `Settlements.agents_then` gives."""
    customer = {d.id: d.customer for d in invoices}
    return {document: (customer[document], invoice.day) for document, invoice in settled_on.items()
            if document in customer}


def _documents(conn: Connection, first: date, last: date) -> tuple[list[Invoice], list[tuple[str, Account]]]:
    """What a statement of [first, last] reads: the final documents dated in it or paid in it,
    and the accounts a collected base reads."""
    collected = collected_between(conn, first, last)
    invoices = final_invoices_between(conn, first, last, also=collected)
    return invoices, accounts_between(conn, first, last, invoices, paid=collected)
