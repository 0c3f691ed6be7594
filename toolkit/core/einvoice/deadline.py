"""When an invoice is due at SDI, and the warning for the immediate invoices past it.

An immediate invoice (TD01) is to be transmitted to SDI within twelve days of its date (art. 21
c. 4 DPR 633/72); a deferred one (TD24) by the 15th of the month after its DDTs
(`core.invoicing.deadline_for`), which month end's warnings already watch. Which of the two an
invoice is, is decided once (`document_type`), by the rule the file's TipoDocumento follows: an
invoice dated as every DDT it bills (`ship --invoice`) is immediate too.

A desk exporting once a month (`einvoice --month`) sends the immediate invoices of the month's
first weeks past their twelve days, and a catch-up of closed days (`orders create` after
Christmas) issues some already past them: the toolkit cannot send late files on time, but it
says so when it issues such an invoice and when it first writes its file, so the desk sends it
at once instead of finding out from a sanction.

Before the twelve days run out, the daily commands (`orders create`, `ship`, the panel) name the
immediate invoices whose file is still to be written and whose deadline is near or gone
(`due_soon`, `DUE_SOON_DAYS`): the desk writes and sends them on time, not the month's export
too late.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from toolkit.basics.problems import Problem, define
from toolkit.basics.wording import Agreed, Counted, Listed, Noun, shown
from toolkit.core.einvoice import codes
from toolkit.core.invoicing import Invoice, InvoiceKind

SDI_DAYS = 12
"""Days after its date within which an immediate invoice is to reach SDI (art. 21 c. 4 DPR 633/72)."""

DUE_SOON_DAYS = 3
"""Days before its deadline from which an immediate invoice with no file yet is named every day
(`due_soon`): written and sent then, it reaches SDI in time; calendar days, so a deadline on a
Monday is named from the Friday before."""

LATE_DAYS = 30
"""Days past its deadline that an immediate invoice with no file is still named (`due_soon`): a
month, so an invoice whose file was written some other way is not named for ever; a desk whose
files another program writes says so in *Impostazioni* (`Settings.einvoices_elsewhere`) and is
told of none, since a month's invoices each named for a month is a warning every day."""

MOST = 5
"""The numbers a warning names before it counts the rest."""

DATED = ("datata {last}", "datate dal {first} al {last}", "dated {last}", "dated {first} to {last}")
DATED_SEVERAL = ("datate {last}", *DATED[1:])
DUE = ("entro il {last}", "la prima entro il {first}, l'ultima entro il {last}", "by {last}",
       "the first by {first}, the last by {last}")
"""How the warning says the invoices' dates and their deadlines, for one day or a span (`_Days`);
several invoices of one day are *datate*, agreeing with their number as the verb does."""

_INVOICES = Noun(("fattura", "fatture"), ("invoice", "invoices"), feminine=True)

LATE_AT_SDI = define(
    "einvoice-immediate-late", "warning",
    title=("Fatture immediate oltre i 12 giorni per lo SDI", "Immediate invoices past their 12 days for SDI"),
    it="{documents} ({numbers}), {dated}, {are} oltre il termine: una fattura immediata va trasmessa allo SDI entro "
       "12 giorni dalla sua data (art. 21 c. 4 DPR 633/72), quindi {deadline}; oggi è il {today}. {todo}: "
       "la trasmissione tardiva è sanzionata.",
    en="{documents} ({numbers}), {dated}, {are} past the deadline: an immediate invoice is to be transmitted to SDI "
       "within 12 days of its date (art. 21 c. 4 DPR 633/72), so {deadline}; today is {today}. {todo}: late "
       "transmission is sanctioned.")

DUE_SOON = define(
    "einvoice-immediate-due-soon", "warning",
    title=("Fatture immediate da inviare allo SDI a breve", "Immediate invoices due at SDI soon"),
    it="{documents} ({numbers}) {have} ancora il file FatturaPA da scrivere: una fattura immediata va trasmessa "
       "allo SDI entro 12 giorni dalla sua data (art. 21 c. 4 DPR 633/72), {first} entro il {deadline}; oggi è il "
       "{today}. {todo}.",
    en="{documents} ({numbers}) still {have} no FatturaPA file written: an immediate invoice is to be transmitted "
       "to SDI within 12 days of its date (art. 21 c. 4 DPR 633/72), {first} by {deadline}; today is {today}. "
       "{todo}.")


def document_type(invoice: Invoice) -> str:
    """TipoDocumento of the invoice's e-invoice (`codes.document_kind`): what its file says and
    which deadline it has at SDI."""
    return codes.document_kind(invoice.kind is InvoiceKind.CREDIT_NOTE, invoice.deferred, invoice.debit_note)


def sdi_deadline(day: date) -> date:
    """The last day an immediate invoice dated `day` may reach SDI.

    >>> sdi_deadline(date(2026, 12, 25))
    datetime.date(2027, 1, 6)
    """
    return day + timedelta(days=SDI_DAYS)


def late_immediate(invoices: Mapping[str, date], today: date, *, written: bool) -> list[Problem]:
    """The warning naming those of these immediate invoices (number → date, in date order)
    whose twelve days ran out before `today`; `written`: their files were written just now (by
    `einvoice`), else they were issued just now with no file yet (a catch-up of closed days)."""
    late = {number: day for number, day in invoices.items() if sdi_deadline(day) < today}
    if not late:
        return []
    n, days = len(late), sorted(late.values())
    return [LATE_AT_SDI(None, documents=Counted(n, ("fattura immediata", "fatture immediate"),
                                                ("immediate invoice", "immediate invoices")),
                        numbers=Listed(tuple(late)[:MOST], n, _INVOICES),
                        dated=_Days(days[0], days[-1], DATED if n == 1 else DATED_SEVERAL),
                        are=Agreed(n, ("è", "sono"), ("is", "are")),
                        deadline=_Days(sdi_deadline(days[0]), sdi_deadline(days[-1]), DUE),
                        today=today, todo=_Todo(n, written))]


def late_at_issue(invoices: Iterable[Invoice], today: date) -> list[Problem]:
    """`late_immediate` for the invoices a command has just issued (`orders create` catching up
    closed days, a quotation confirmed for a past day, `ship --invoice` for a past DDT): their
    files are still to be written."""
    issued = sorted((x for x in invoices if document_type(x) == codes.IMMEDIATE),
                    key=lambda x: (x.invoice_date, x.number or ""))
    return late_immediate({x.number or "": x.invoice_date for x in issued}, today, written=False)


def due_window(today: date) -> tuple[date, date]:
    """The dates of the immediate invoices `due_soon` looks at: due at SDI from `LATE_DAYS`
    before `today` to `DUE_SOON_DAYS` after it.

    >>> due_window(date(2027, 1, 7))
    (datetime.date(2026, 11, 26), datetime.date(2026, 12, 29))
    """
    return (today - timedelta(days=SDI_DAYS + LATE_DAYS),
            today + timedelta(days=DUE_SOON_DAYS - SDI_DAYS))


def due_soon(unwritten: Mapping[str, date], today: date, *, besides: Iterable[Invoice] = ()) -> list[Problem]:
    """One warning naming the immediate invoices (number → date, in date order, those of
    `due_window` whose file was never written) that are to reach SDI within `DUE_SOON_DAYS`, or
    are past it: how many, the first few numbers, the earliest deadline. Those of the invoices a
    command has just issued already late (`besides`) are left out: `late_at_issue` names them."""
    named = {x.number for x in besides if document_type(x) == codes.IMMEDIATE and sdi_deadline(x.invoice_date) < today}
    due = [(number, day) for number, day in unwritten.items() if number not in named]
    if not due:
        return []
    n, first = len(due), min(day for _, day in due)
    return [DUE_SOON(None, documents=Counted(n, ("fattura immediata", "fatture immediate"),
                                             ("immediate invoice", "immediate invoices")),
                     numbers=Listed(tuple(number for number, _ in due)[:MOST], n, _INVOICES),
                     have=Agreed(n, ("ha", "hanno"), ("has", "have")),
                     first=Agreed(n, ("quindi", "la prima"), ("so", "the first")),
                     deadline=sdi_deadline(first), today=today, todo=_Todo(n, False))]


@dataclass(frozen=True, slots=True)
class _Days:
    """One day or a span of them in words agreeing with the count: `forms` are Italian for one
    day and for a span, then English for one and for a span (`DATED`, `DUE`)."""

    first: date
    last: date
    forms: tuple[str, str, str, str]

    def shown(self, lang: str) -> str:
        form = self.forms[(2 if lang == "en" else 0) + (self.first != self.last)]
        return form.format(first=shown(self.first, lang), last=shown(self.last, lang))


@dataclass(frozen=True, slots=True)
class _Todo:
    """What the desk does now: send the files just written, or write and send those of invoices
    just issued (`einvoice`, the *Fatture elettroniche* button)."""

    n: int
    written: bool

    def shown(self, lang: str) -> str:
        return _TODO[self.written, lang][self.n != 1]


_TODO = {
    (True, "it"): ("Invia subito allo SDI il suo file", "Invia subito allo SDI i loro file"),
    (True, "en"): ("Send its file to SDI at once", "Send their files to SDI at once"),
    (False, "it"): ("Scrivine subito il file (pulsante «Fatture elettroniche» o toolkit einvoice) e invialo allo SDI",
                    "Scrivine subito i file (pulsante «Fatture elettroniche» o toolkit einvoice) e inviali allo SDI"),
    (False, "en"): ("Write its file (“Fatture elettroniche” button or toolkit einvoice) and send it to SDI at once",
                    "Write their files (“Fatture elettroniche” button or toolkit einvoice) and send them to SDI at once"),
}
