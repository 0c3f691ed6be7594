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
from toolkit.basics.wording import INVOICES, Agreed, Counted, Listed, shown
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
RAN_OUT = ("termine scaduto il {last}", "termini scaduti dal {first} al {last}", "the deadline was {last}",
           "their deadlines ran from {first} to {last}")
"""How the due-soon warning says the deadlines already passed of some of its invoices (`_When`)."""

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
    title=("Fatture immediate da inviare allo SDI", "Immediate invoices to send to SDI"),
    it="{documents} ({numbers}) {have} ancora il file FatturaPA da scrivere: una fattura immediata va trasmessa "
       "allo SDI entro 12 giorni dalla sua data (art. 21 c. 4 DPR 633/72), {when}; oggi è il {today}. {todo}.",
    en="{documents} ({numbers}) still {have} no FatturaPA file written: an immediate invoice is to be transmitted "
       "to SDI within 12 days of its date (art. 21 c. 4 DPR 633/72), {when}; today is {today}. {todo}.")


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
                        numbers=Listed(tuple(late)[:MOST], n, INVOICES),
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
    are past it: how many, the first few numbers, the earliest deadline, the late ones said late
    (`_When`). Those of the invoices a command has just issued already late (`besides`) are left
    out: `late_at_issue` names them."""
    named = {x.number for x in besides if document_type(x) == codes.IMMEDIATE and sdi_deadline(x.invoice_date) < today}
    due = [(number, day) for number, day in unwritten.items() if number not in named]
    if not due:
        return []
    n, deadlines = len(due), sorted(sdi_deadline(day) for _, day in due)
    late = [d for d in deadlines if d < today]
    return [DUE_SOON(None, documents=Counted(n, ("fattura immediata", "fatture immediate"),
                                             ("immediate invoice", "immediate invoices")),
                     numbers=Listed(tuple(number for number, _ in due)[:MOST], n, INVOICES),
                     have=Agreed(n, ("ha", "hanno"), ("has", "have")),
                     when=_When(tuple(late), tuple(deadlines[len(late):])), today=today,
                     todo=_Todo(n, False, late=bool(late)))]


@dataclass(frozen=True, slots=True)
class _When:
    """By when the invoices `due_soon` names were to reach SDI, as is true of them today: a
    warning saying "due soon" (*a breve*) of invoices up to a month late read as time still left.
    `late`: the deadlines already passed, `coming`: those still ahead, each in date order."""

    late: tuple[date, ...]
    coming: tuple[date, ...]

    def shown(self, lang: str) -> str:
        it = lang == "it"
        if not self.late:
            return (("quindi" if it else "so") if len(self.coming) == 1 else ("la prima" if it else "the first")) + \
                (" entro il " if it else " by ") + shown(self.coming[0], lang)
        passed = _Days(self.late[0], self.late[-1], DUE).shown(lang)
        if not self.coming:
            if len(self.late) == 1:
                return f"quindi {passed}: il termine è passato" if it else f"so {passed}: the deadline has passed"
            return (f"quindi {passed}: il termine è passato per tutte" if it else
                    f"so {passed}: the deadline has passed for all of them")
        ran_out = _Days(self.late[0], self.late[-1], RAN_OUT).shown(lang)
        k, m, ahead = len(self.late), len(self.coming), shown(self.coming[0], lang)
        if it:
            return (f"quindi {k} {'è' if k == 1 else 'sono'} già oltre il termine ({ran_out}) e "
                    + (f"1 va trasmessa entro il {ahead}" if m == 1 else f"{m} vanno trasmesse, la prima entro il {ahead}"))
        return (f"so {k} {'is' if k == 1 else 'are'} already past it ({ran_out}) and "
                + (f"1 is to be transmitted by {ahead}" if m == 1 else f"{m} are to be transmitted, the first by {ahead}"))


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
    just issued (`einvoice`, the *Fatture elettroniche* button); `late`: some of them are past
    their deadline, which the desk is told costs a sanction."""

    n: int
    written: bool
    late: bool = False

    def shown(self, lang: str) -> str:
        said = _TODO[self.written, lang][self.n != 1]
        if not self.late:
            return said
        return said + (": la trasmissione tardiva è sanzionata" if lang == "it" else ": late transmission is sanctioned")


_TODO = {
    (True, "it"): ("Invia subito allo SDI il suo file", "Invia subito allo SDI i loro file"),
    (True, "en"): ("Send its file to SDI at once", "Send their files to SDI at once"),
    (False, "it"): ("Scrivine subito il file (pulsante «Fatture elettroniche» o toolkit einvoice) e invialo allo SDI",
                    "Scrivine subito i file (pulsante «Fatture elettroniche» o toolkit einvoice) e inviali allo SDI"),
    (False, "en"): ("Write its file (“Fatture elettroniche” button or toolkit einvoice) and send it to SDI at once",
                    "Write their files (“Fatture elettroniche” button or toolkit einvoice) and send them to SDI at once"),
}
