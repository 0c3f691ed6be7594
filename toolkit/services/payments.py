"""Payments: record them (one, or a whole imported sheet), and monitor what is paid and due.

An import is one transaction and all or nothing: a row naming an unknown invoice stops the
whole file, so fixing it and importing again is always safe. Importing is idempotent: a
payment with the same invoice, date, amount and reference as one already recorded is not
recorded again, so the bank's export can be imported every day without sorting out what was
new. Within one file, two rows alike with the same reference are one payment listed twice
(recorded once); alike without a reference they may be a line pasted twice or two payments
of the same amount on a day, which only the desk knows: the file is refused, both rows named.

A payment typed wrong (a zero too many, the wrong invoice) is voided, never deleted: `void`
records its reversal, the opposite amount citing it, so every total nets the two and the
ledger keeps what was typed and when it was undone. A negative amount is a refund of a credit
note only; on an invoice it is refused, and the message points to `payments void`. A refund
takes only what the note has left once it settled its invoices: the part it settled was never
paid in, and refunding it would put the invoice back to collect without a word, so it is
refused and nothing of the import is recorded.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection

from toolkit.basics import dates
from toolkit.basics.money import cents
from toolkit.basics.problems import Problem, ProblemsFound, define
from toolkit.basics.wording import count, euro, number
from toolkit.core.payments import (
    PaymentEntry,
    PaymentStatus,
    Receivable,
    Show,
    collected_from,
    monitor,
    of_kind,
)
from toolkit.ledger import Ledger
from toolkit.ledger.db import document_number, reading, writing
from toolkit.ledger.payments import (
    InvoiceRow,
    collected,
    insert_payment,
    invoices_numbered,
    is_note,
    note_asked,
    payment_exists,
    payment_reversed,
    payments_on,
    receivables,
    refunded_notes,
    reverse_payment,
    settled_by,
)
from toolkit.model.records import MasterData

UNKNOWN_INVOICE = define(
    "payment-unknown-invoice", "error",
    it="La fattura {number} non è nel registro: controlla il numero (es. FT-2026-00001).",
    en="Invoice {number} is not in the ledger: check the number (e.g. FT-2026-00001).")
AMBIGUOUS_INVOICE = define(
    "payment-ambiguous-invoice", "error",
    it="«{typed}» può essere più di un documento del registro: {numbers}. Scrivi il numero per intero (es. {first}); "
       "nulla è stato registrato.",
    en="“{typed}” may be more than one document of the ledger: {numbers}. Type the number in full (e.g. {first}); "
       "nothing was recorded.", usage=True)
DRAFT_INVOICE = define(
    "payment-on-draft-invoice", "error",
    it="La fattura {number} è ancora in bozza: rendila definitiva (toolkit invoice finalize) prima di registrare incassi.",
    en="Invoice {number} is still a draft: finalize it (toolkit invoice finalize) before recording payments.")
WRONG_SIGN = define(
    "payment-wrong-sign", "error",
    it="L'importo {amount} € per {number} ha il segno sbagliato: positivo per una fattura, negativo (rimborso) "
       "per una nota di credito. Per correggere un incasso registrato male, annullalo con toolkit payments void "
       "e registra quello giusto.",
    en="Amount {amount} € for {number} has the wrong sign: positive for an invoice, negative (a refund) for a "
       "credit note. To correct a payment recorded wrong, void it with toolkit payments void and record the "
       "right one.")
OVERPAID = define(
    "payment-exceeds-outstanding", "warning",
    title=("Incasso oltre il dovuto della fattura", "Payment beyond what the invoice asks"),
    it="Con {amount} € la fattura {number} risulta pagata oltre {total}: incassati in tutto {paid} €. Controlla "
       "l'importo; se è sbagliato, annulla l'incasso con toolkit payments void.",
    en="With {amount} € invoice {number} is paid beyond {total}: {paid} € collected in all. Check the amount; if "
       "it is wrong, void the payment with toolkit payments void.")
"""A second payment of the whole total read *Con 181,25 € … pagata oltre il totale (181,25 €)*: the
sum collected, which is what is beyond, was not said."""
REFUND_BEYOND_NOTE = define(
    "refund-exceeds-credit-note", "warning",
    title=("Rimborso oltre il dovuto della nota di credito", "Refund beyond what the credit note gives back"),
    it="Con {amount} € la nota di credito {number} risulta rimborsata oltre {total}: rimborsati in tutto {paid} €. "
       "Controlla l'importo; se è sbagliato, annulla il rimborso con toolkit payments void.",
    en="With {amount} € credit note {number} is refunded beyond {total}: {paid} € refunded in all. Check the "
       "amount; if it is wrong, void the refund with toolkit payments void.")


@dataclass(frozen=True, slots=True)
class Owed:
    """The limit a payment or refund went past, as the warning words it: the document's total,
    or under split payment what it asks, net of the VAT the public administration pays the State.

    >>> Owed(Decimal("214.94"), False).shown("it"), Owed(Decimal("-50"), True).shown("it")
    ('il totale (214,94 €)', "quanto richiesto (al netto dell'IVA in scissione: -50,00 €)")
    """

    amount: Decimal
    split: bool

    def shown(self, lang: str) -> str:
        figure = number(self.amount, lang, 2)
        if self.split:
            return (f"what it asks (net of VAT under split payment: {figure} €)" if lang == "en"
                    else f"quanto richiesto (al netto dell'IVA in scissione: {figure} €)")
        if lang == "en":
            return f"its total ({figure} €)"
        return f"il suo totale ({figure} €)" if self.amount < 0 else f"il totale ({figure} €)"
REFUND_OF_SETTLED_NOTE = define(
    "refund-of-settled-credit-note", "error",
    it="Il rimborso di {amount} € sulla nota di credito {number} è rifiutato: la nota ha già saldato {settled} € "
       "della fattura {invoices}, importo che il cliente non ha pagato e che quindi non va rimborsato; della nota "
       "resta da rimborsare {refundable} €. Se il cliente ha pagato la fattura per intero, registra prima "
       "quell'incasso (toolkit payments record) e poi il rimborso. Nulla è stato registrato.",
    en="The refund of {amount} € on credit note {number} is refused: the note already settled {settled} € of "
       "invoice {invoices}, which the customer never paid and so is not to be refunded; {refundable} € of the note is left "
       "to refund. If the customer paid the invoice in full, record that payment first (toolkit payments record), "
       "then the refund. Nothing was recorded.")
VOID_LEAVES_REFUNDS = define(
    "payment-void-refunded-credit-note", "error",
    it="L'annullo dell'incasso di {amount} € del {day} su {number} è rifiutato: senza quell'incasso la nota di "
       "credito {note} salda {settled} € della fattura {invoices}, importo che il cliente non avrebbe pagato, e "
       "della nota si possono rimborsare al massimo {room} €; ma ne sono già stati rimborsati {refunded} € "
       "(rimborsi: {refunds}). Annulla prima i rimborsi (toolkit payments void --invoice {note} con data e importo "
       "di ciascuno), poi l'incasso. Nulla è stato annullato.",
    en="Voiding the payment of {amount} € on {day} on {number} is refused: without that payment credit note "
       "{note} settles {settled} € of invoice {invoices}, which the customer would not have paid, and at most "
       "{room} € of the note may be refunded; but {refunded} € of it was refunded already (refunds: {refunds}). "
       "Void the refunds first (toolkit payments void --invoice {note} with the date and amount of each), then "
       "the payment. Nothing was voided.")
BEFORE_INVOICE = define(
    "payment-before-invoice", "warning",
    title=("Incasso datato prima della fattura", "Payment dated before the invoice"),
    it="L'incasso del {day} su {number} è precedente alla data della fattura ({invoiced}): controlla la data.",
    en="The payment of {day} on {number} is dated before the invoice ({invoiced}): check the date.")
IN_FUTURE = define(
    "payment-in-future", "warning",
    title=("Incasso datato dopo oggi", "Payment dated after today"),
    it="L'incasso del {day} su {number} è datato dopo oggi ({today}): controlla la data.",
    en="The payment of {day} on {number} is dated after today ({today}): check the date.")
VOIDED_BEFORE = define(
    "payment-voided-before", "error",
    it="Un incasso di {amount} € del {day} su {number} con lo stesso riferimento è stato annullato: per registrarlo "
       "di nuovo indica un riferimento diverso (--reference, es. il CRO del bonifico). Nulla è stato registrato.",
    en="A payment of {amount} € on {day} on {number} with the same reference was voided: to record it again give "
       "another reference (--reference, e.g. the transfer's CRO). Nothing was recorded.")
TWICE_IN_FILE = define(
    "payment-twice-in-file", "error",
    it="Le righe in {first} e {second} sono uguali ({number}, {amount} € del {day}) e senza riferimento: è una riga "
       "ripetuta o sono due incassi? Se sono due incassi, scrivi in Riferimento un valore diverso per ciascuno (es. "
       "il CRO del bonifico); se è ripetuta, cancellane una. Nulla è stato registrato.",
    en="The rows at {first} and {second} are alike ({number}, {amount} € on {day}) and have no reference: is it a row "
       "repeated or two payments? If two payments, give each a different Riferimento (reference, e.g. the "
       "transfer's CRO); if repeated, delete one. Nothing was recorded.")
NO_SUCH_PAYMENT = define(
    "payment-not-found", "error",
    it="Su {number} non c'è un incasso di {amount} € del {day} da annullare; incassi registrati: {recorded}. "
       "Indica data, importo (e riferimento) come registrati.",
    en="{number} has no payment of {amount} € on {day} to void; payments recorded: {recorded}. Give the date, "
       "amount (and reference) as recorded.")
ALREADY_VOIDED = define(
    "payment-already-voided", "warning",
    title=("Incasso già annullato", "Payment already voided"),
    it="L'incasso di {amount} € del {day} su {number} è già annullato: nulla è cambiato.",
    en="The payment of {amount} € on {day} on {number} is already voided: nothing changed.")
WHICH_PAYMENT = define(
    "payment-ambiguous", "error",
    it="Su {number} ci sono più incassi di {amount} € del {day} (riferimenti: {references}): indica quale con "
       "--reference. Nulla è stato annullato.",
    en="{number} has several payments of {amount} € on {day} (references: {references}): say which with "
       "--reference. Nothing was voided.")


@dataclass(frozen=True, slots=True)
class Paid:
    """A payment or refund a message names: its day and amount in euro."""

    day: date
    amount: Decimal

    def shown(self, lang: str) -> str:
        return f"{self.day:%d/%m/%Y} {number(self.amount, lang, 2)} €"


@dataclass(frozen=True)
class Recorded:
    recorded: list[dict[str, object]]
    duplicates: list[dict[str, object]]
    """Rows already in the ledger: not recorded again."""
    problems: list[Problem]
    repeated: list[dict[str, object]] = field(default_factory=list)
    """Rows repeating an earlier row of the file, reference and all: the same payment, recorded once."""

    def summary(self, lang: str) -> str:
        """Payments and refunds counted apart (*Registrati 2 incassi e 1 rimborso*): a refund
        is money paid out, which *3 incassi* read as collected. None when refused: the refusal
        says already that nothing was recorded."""
        if not self.recorded and any(p.is_error for p in self.problems):
            return ""
        refunds = sum(1 for row in self.recorded if _refund(row))
        payments, there, again = len(self.recorded) - refunds, len(self.duplicates), len(self.repeated)
        named = _named([*self.recorded, *self.duplicates, *self.repeated], lang)
        what = _counted(payments, refunds, lang)
        if lang == "it":
            twice = f", {count(again, 'riga ripetuta', 'righe ripetute')} nel file" if again else ""
            return (f"{'Registrato' if payments + refunds == 1 else 'Registrati'} {what}, "
                    f"{there} già {'presente' if there == 1 else 'presenti'}{twice}{named}.")
        twice = f", {count(again, 'row', 'rows')} repeated in the file" if again else ""
        return f"Recorded {what}, {there} already there{twice}{named}."


def _refund(row: dict[str, object]) -> bool:
    amount = row["amount"]
    assert isinstance(amount, Decimal)
    return amount < 0


def _counted(payments: int, refunds: int, lang: str) -> str:
    """The payments, the refunds, or both joined: never *0 rimborsi* beside the payments.

    >>> _counted(2, 0, "it"), _counted(0, 1, "it"), _counted(2, 1, "it"), _counted(1, 2, "en")
    ('2 incassi', '1 rimborso', '2 incassi e 1 rimborso', '1 payment and 2 refunds')
    """
    it = lang == "it"
    paid = count(payments, *(("incasso", "incassi") if it else ("payment", "payments")))
    if not refunds:
        return paid
    back = count(refunds, *(("rimborso", "rimborsi") if it else ("refund", "refunds")))
    return back if not payments else f"{paid} {'e' if it else 'and'} {back}"


def _named(rows: Sequence[dict[str, object]], lang: str) -> str:
    """One payment as the summary names it: the invoice's full number as the ledger holds it
    (the desk may type `FT-2026-51` or `51/2026`), the amount and the day, so the desk sees
    which invoice was paid; nothing for an import of many rows."""
    if len(rows) != 1:
        return ""
    [row] = rows
    amount, day = row["amount"], row["date"]
    assert isinstance(amount, Decimal) and isinstance(day, date)
    on = "del" if lang == "it" else "of"
    return f": {row['invoice']}, {euro(amount, lang)} {on} {day:%d/%m/%Y}"


@dataclass(frozen=True)
class Monitored:
    """Payment monitoring as of a day: one row per invoice, and the workbook when asked for."""

    as_of: date
    rows: list[PaymentStatus]
    file: Path | None = None


def _find(conn: Connection, entry: PaymentEntry) -> InvoiceRow | Problem:
    """The invoice a payment names, or the credit note a refund (a negative amount) names: a
    short `7/2026` is FT-2026-00007 for a payment though NC-2026-00007 exists (`of_kind`), and
    refused naming them when two series of that kind hold it."""
    found = of_kind(invoices_numbered(conn, entry.invoice), is_note, entry.amount < 0)
    if not found:
        return UNKNOWN_INVOICE(entry.location, number=entry.invoice)
    if len(found) > 1:
        numbers = [document_number(r.series, r.year, r.number) for r in found]
        return AMBIGUOUS_INVOICE(entry.location, typed=entry.invoice.strip(), numbers=", ".join(numbers),
                                 first=numbers[0])
    return found[0]


def record(ledger: Ledger, entries: Sequence[PaymentEntry]) -> Recorded:
    """Record payments in one transaction; nothing is written if any row has an error."""
    try:
        return _record(ledger, entries)
    except ProblemsFound as refused:
        return Recorded([], [], refused.problems)


def _record(ledger: Ledger, entries: Sequence[PaymentEntry]) -> Recorded:
    """`record`; a refund refused once earlier rows are in raises `ProblemsFound`, so the
    transaction rolls them back."""
    with writing(ledger) as conn:
        rows, problems = [], []
        for entry in entries:
            invoice = _find(conn, entry)
            if isinstance(invoice, Problem):
                problems.append(invoice)
                continue
            shown = document_number(invoice.series, invoice.year, invoice.number)
            if invoice.status != "final":
                problems.append(DRAFT_INVOICE(entry.location, number=shown))
            elif (entry.amount > 0) != (invoice.total >= 0):
                problems.append(WRONG_SIGN(entry.location, amount=cents(entry.amount), number=shown))
            elif payment_reversed(conn, invoice.id, entry.payment_date, entry.amount, entry.reference or ""):
                problems.append(VOIDED_BEFORE(entry.location, amount=cents(entry.amount), day=entry.payment_date,
                                              number=shown))
            else:
                rows.append((entry, invoice, shown))
                problems += _odd_date(entry, collected_from(invoice.invoice_date, invoice.first_due),
                                      invoice.invoice_date, shown)
        if any(x.is_error for x in problems):
            return Recorded([], [], problems)
        if twice := _twice_without_reference(rows):
            return Recorded([], [], twice)
        recorded, duplicates, repeated = [], [], []
        seen: set[tuple[int, date, Decimal, str]] = set()
        paid: dict[int, Decimal] = defaultdict(Decimal)
        for entry, invoice, shown in rows:
            key = (invoice.id, entry.payment_date, entry.amount, entry.reference or "")
            row = {"invoice": shown, "date": entry.payment_date, "amount": entry.amount,
                   "method": entry.method.value if entry.method else None, "reference": entry.reference}
            if key in seen:
                repeated.append(row)
                continue
            seen.add(key)
            if payment_exists(conn, *key):
                duplicates.append(row)
                continue
            owed = Owed(invoice.payable, invoice.payable != invoice.total)
            if invoice.total < 0:
                refunds = _note_refunds(conn, invoice.id)
                if refunds.beyond(-entry.amount):
                    problems.append(REFUND_OF_SETTLED_NOTE(entry.location, amount=cents(entry.amount), number=shown,
                                                           settled=refunds.off, invoices=list(refunds.settled),
                                                           refundable=refunds.refundable))
                    continue
                owed = Owed(refunds.total, refunds.total != invoice.total)
            if invoice.id not in paid:
                paid[invoice.id] = collected(conn, invoice.id)
            paid[invoice.id] += entry.amount
            if abs(paid[invoice.id]) > abs(owed.amount):
                beyond = OVERPAID if invoice.total >= 0 else REFUND_BEYOND_NOTE
                problems.append(beyond(entry.location, amount=cents(entry.amount), number=shown, total=owed,
                                       paid=cents(paid[invoice.id])))
            insert_payment(conn, invoice.id, shown, entry)
            recorded.append(row)
        if any(x.is_error for x in problems):
            raise ProblemsFound(problems)
    return Recorded(recorded, duplicates, problems, repeated)


def _twice_without_reference(rows: Sequence[tuple[PaymentEntry, InvoiceRow, str]]) -> list[Problem]:
    """Each row alike an earlier one (invoice, date, amount) with neither giving a reference:
    a line pasted twice or two payments of the same amount on a day, which the file cannot
    tell apart, so neither *already there* nor a guess will do."""
    first: dict[tuple[int, date, Decimal], PaymentEntry] = {}
    problems = []
    for entry, invoice, shown in rows:
        if entry.reference:
            continue
        key = (invoice.id, entry.payment_date, entry.amount)
        if (earlier := first.setdefault(key, entry)) is not entry:
            problems.append(TWICE_IN_FILE(entry.location, first=_cell(earlier), second=_cell(entry), number=shown,
                                          amount=cents(entry.amount), day=entry.payment_date))
    return problems


def _cell(entry: PaymentEntry) -> str:
    """The row's cell (`A3`): the problem's location names the sheet already."""
    return (entry.location.cell or str(entry.location)) if entry.location else "—"


@dataclass(frozen=True)
class NoteRefunds:
    """A credit note's refunds against what it settles of its invoices (`settled_by`, by
    invoice number): the one rule both a refund (`record`) and a void of an invoice's payment
    (`void`) answer to."""

    total: Decimal
    """What the note gives back, negative: its total, net of VAT under split payment."""
    refunded: Decimal
    """Refunded so far, positive."""
    settled: dict[str, Decimal]

    @property
    def off(self) -> Decimal:
        return cents(sum(self.settled.values(), Decimal(0)))

    @property
    def room(self) -> Decimal:
        """What the note may refund in all: its total less what it settles, which paid no money
        in but lowered what the customer owes."""
        return cents(max(-self.total - self.off, Decimal(0)))

    @property
    def refundable(self) -> Decimal:
        return cents(max(self.room - self.refunded, Decimal(0)))

    def beyond(self, refund: Decimal) -> bool:
        """Whether `refund` more (0: none) takes the refunds past `room`: refunding what the note
        settled would pay out money never received and put the invoice back to collect without
        a word. A note settling nothing is the warning's business (`REFUND_BEYOND_NOTE`)."""
        return bool(self.settled) and self.refunded + refund > self.room


def _note_refunds(conn: Connection, note_id: int) -> NoteRefunds:
    """The note's refunds and settlements as recorded so far, this transaction's rows among them."""
    return NoteRefunds(note_asked(conn, note_id), -collected(conn, note_id), settled_by(conn, note_id))


def _odd_date(entry: PaymentEntry, expected: date, invoiced: date, shown: str) -> list[Problem]:
    """A payment dated before it could be expected (`collected_from`: the invoice's date, or its
    first due when cash on delivery falls due first) or after today is recorded, but worth a
    second look: a typed date, more often than a customer paying ahead."""
    today = dates.today_rome()
    if entry.payment_date < expected:
        return [BEFORE_INVOICE(entry.location, day=entry.payment_date, number=shown, invoiced=invoiced)]
    if entry.payment_date > today:
        return [IN_FUTURE(entry.location, day=entry.payment_date, number=shown, today=today)]
    return []


@dataclass(frozen=True)
class Voided:
    """What `void` did: the payment reversed (none when refused)."""

    voided: list[dict[str, object]]
    problems: list[Problem]

    def summary(self, lang: str) -> str:
        """The line the command ends with; none when refused, the refusal saying already that
        nothing was voided."""
        if not self.voided:
            if any(p.is_error for p in self.problems):
                return ""
            return "Nessun incasso annullato." if lang == "it" else "No payment voided."
        named = _named(self.voided, lang)
        refunds = all(_refund(row) for row in self.voided)
        if lang == "it":
            return (f"{'Rimborsi' if refunds else 'Incassi'} annullati: {len(self.voided)} (lo storno resta nel "
                    f"registro){named}.")
        return f"{'Refunds' if refunds else 'Payments'} voided: {len(self.voided)} (the reversal stays in the ledger){named}."


def void(ledger: Ledger, entry: PaymentEntry) -> Voided:
    """Void the payment `entry` names by its invoice, date, amount and, when the same amount
    was paid twice on a day, its reference: record its reversal (`reverse_payment`), in one
    transaction. A payment is voided once: voiding it again is done already, a note and exit 0
    as other verbs run twice (`ALREADY_VOIDED`); a void that would leave a credit note refunded
    beyond what it has to refund is refused, nothing written."""
    try:
        return _void(ledger, entry)
    except ProblemsFound as refused:
        return Voided([], refused.problems)


def _void(ledger: Ledger, entry: PaymentEntry) -> Voided:
    """`void`; a reversal the credit notes' refunds refuse raises `ProblemsFound`, so the
    transaction rolls it back."""
    with writing(ledger) as conn:
        invoice = _find(conn, entry)
        if isinstance(invoice, Problem):
            return Voided([], [invoice])
        shown = document_number(invoice.series, invoice.year, invoice.number)
        recorded = [r for r in payments_on(conn, invoice.id) if r.reverses is None]
        same = [r for r in recorded if r.payment_date == entry.payment_date and r.amount == entry.amount
                and (entry.reference is None or (r.reference or "") == entry.reference)]
        live = [r for r in same if not r.reversed]
        named = {"amount": cents(entry.amount), "day": entry.payment_date, "number": shown}
        if not live:
            return Voided([], [ALREADY_VOIDED(None, **named) if same else NO_SUCH_PAYMENT(
                None, **named, recorded=[Paid(r.payment_date, r.amount) for r in recorded if not r.reversed] or "—")])
        if len(live) > 1:
            return Voided([], [WHICH_PAYMENT(None, **named, references=[r.reference or "—" for r in live])])
        [payment] = live
        reverse_payment(conn, invoice.id, shown, payment)
        if refused := _refunds_beyond(conn, invoice.id, named):
            raise ProblemsFound(refused)
    return Voided([{"invoice": shown, "date": payment.payment_date, "amount": payment.amount,
                    "method": payment.method, "reference": payment.reference}], [])


def _refunds_beyond(conn: Connection, invoice_id: int, named: dict[str, object]) -> list[Problem]:
    """The credit notes of the invoice's customer the void just recorded leaves refunded beyond
    what they have to refund (`NoteRefunds.beyond`, the rule a refund answers to): with the
    payment gone, a note settles the invoice again, and refunds made while it was paid would
    pay back money the customer never paid in."""
    problems = []
    for note in refunded_notes(conn, invoice_id):
        refunds = _note_refunds(conn, note.id)
        if refunds.beyond(Decimal(0)):
            live = [Paid(r.payment_date, r.amount) for r in payments_on(conn, note.id)
                    if r.reverses is None and not r.reversed]
            problems.append(VOID_LEAVES_REFUNDS(None, **named, note=document_number(note.series, note.year, note.number),
                                                settled=refunds.off, invoices=list(refunds.settled), room=refunds.room,
                                                refunded=cents(refunds.refunded), refunds=live))
    return problems


def import_file(master: MasterData, ledger: Ledger, path: Path) -> Recorded:
    """Record the payments of a sheet or CSV (invoice, date, amount[, method, reference]); a
    file with errors records nothing."""
    from toolkit.intake.payments_sheet import read_entries, read_file

    entries, problems = read_entries(read_file(path))
    if any(p.is_error for p in problems):
        return Recorded([], [], problems)
    return record(ledger, entries)


def load_receivables(ledger: Ledger, *, customer: str | None = None) -> list[Receivable]:
    with reading(ledger) as conn:
        return receivables(conn, customer=customer)


def receivables_on(ledger: Ledger, as_of: date, *, customer: str | None = None) -> list[Receivable]:
    """The documents issued by `as_of`, each with the payments known on that day: a past day's
    status (the receivables at 31 December, asked in January) leaves out what came in since.
    Today's, or a later day's, counts every payment recorded, one dated ahead too: recording it
    warned that its date looks wrong (`payment-in-future`), and hiding it would look unrecorded."""
    if as_of < dates.today_rome():
        with reading(ledger) as conn:
            return receivables(conn, customer=customer, on=as_of)
    return [r for r in load_receivables(ledger, customer=customer) if r.invoice_date <= as_of]


def status(master: MasterData, ledger: Ledger, as_of: date, show: Show = Show.ALL, *, customer: str | None = None,
           out: Path | None = None, lang: str) -> Monitored:
    """Each invoice's collected, outstanding and next due amount as of a day; with `out`, the
    payment schedule workbook (scadenzario) too."""
    found = receivables_on(ledger, as_of, customer=customer)
    rows = monitor(found, as_of, show)
    if out is None:
        return Monitored(as_of, rows)
    from toolkit.services.session import names_off_the_sheet
    from toolkit.writers.payments_status import write_payment_status

    printed = names_off_the_sheet(ledger, master, {r.customer for r in rows})
    return Monitored(as_of, rows, write_payment_status(out, master, rows, found, as_of, lang, printed))
