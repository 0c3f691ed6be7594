"""A debit note against one invoice (nota di debito, TD05): `toolkit invoice debit`.

A price agreed higher after the invoice, a charge forgotten on it (transport, packing) or an
amount billed short is added by a variation increasing the invoice (art. 26 c. 1 DPR 633/72),
which is an invoice in all but its TipoDocumento: numbered in the invoices' series in date
order, its VAT at the rate of the operation it adds to, due as the invoice is by its terms from
its own date, in the month's register and the customer's balance. So the note is stored as an
invoice (`InvoiceKind.INVOICE`) that cites the invoice it adds to (`Invoice.cites`) and keeps
its reason, the one invoice with one: that is what makes it a debit note (`Invoice.debit_note`,
`listed_kind`) to the e-invoice (TD05 with DatiFattureCollegate), to its print (*Nota di
debito*, *Rif. fattura n. … del …*) and to the lists of documents.

It has one line, the amount without VAT the desk gives, described by its reason; at the
invoice's one VAT rate (or nature), or at the one of its rates the desk names when it has
several: a supplement follows the goods it adds to. Like any invoice it owes the stamp duty when
its exempt amounts pass 77.47 €, and charges it to the customer as the settings say.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation

from toolkit.basics.limits import AMOUNT
from toolkit.basics.problems import Problem, define
from toolkit.core import payment_terms, stamp_duty
from toolkit.core.credit_notes import Creditable, charged_stamp, date_problems
from toolkit.core.intent_ceiling import LETTER_OF_INTENT
from toolkit.core.invoicing import (
    CitedInvoice,
    Instalment,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    Period,
    stamp_duty_line,
)
from toolkit.core.vat import RateKey, rate_key, totals, vat_summary

CENT = Decimal("0.01")

BAD_AMOUNT = define(
    "debit-bad-amount", "error",
    it="«{typed}» non è un importo da addebitare: scrivi l'imponibile in euro senza IVA, più di zero, al massimo due "
       "decimali e fino a {limit_it} (es. 150 o 150.50); nulla è stato registrato.",
    en="“{typed}” is no amount to debit: write the taxable amount in euro without VAT, more than zero, at most two "
       "decimals and up to {limit_en} (e.g. 150 or 150.50); nothing was stored.",
    usage=True)
RATE_NEEDED = define(
    "debit-rate-needed", "error",
    it="La fattura {number} ha più aliquote ({rates}): indica con --rate quella della nota di debito, la stessa "
       "della merce o del servizio a cui si aggiunge (es. --rate {first}); nulla è stato registrato.",
    en="Invoice {number} has several VAT rates ({rates}): give the debit note's with --rate, the one of the goods or "
       "service it adds to (e.g. --rate {first}); nothing was stored.",
    usage=True)
UNKNOWN_RATE = define(
    "debit-unknown-rate", "error",
    it="La fattura {number} non ha l'aliquota «{typed}» indicata in --rate: le sue sono {rates}. La nota di debito "
       "segue l'aliquota dell'operazione a cui si aggiunge; nulla è stato registrato.",
    en="Invoice {number} has no VAT rate “{typed}”, named in --rate: its rates are {rates}. A debit note follows the "
       "rate of the operation it adds to; nothing was stored.",
    usage=True)
NOT_AN_INVOICE = define(
    "debit-of-credit-note", "error",
    it="{number}, indicato in {asked_in}, è una nota di credito, non una fattura: la nota di debito si aggiunge a "
       "una fattura; indica in {asked_in} quella a cui si aggiunge. Nulla è stato registrato.",
    en="{number}, named in {asked_in}, is a credit note, not an invoice: a debit note adds to an invoice; name in "
       "{asked_in} the one it adds to. Nothing was stored.",
    usage=True)
DRAFT_INVOICE = define(
    "debit-of-draft-invoice", "error",
    it="La fattura {number} è ancora in bozza (emissione {run_id}): non serve una nota di debito, annulla l'emissione "
       "(toolkit invoice undo {workbook} {run_id}), correggi i dati e rifalla.",
    en="Invoice {number} is still a draft (run {run_id}): no debit note is needed, undo the run (toolkit invoice "
       "undo {workbook} {run_id}), fix the data and run it again.",
    usage=True)
BEFORE_INVOICE = define(
    "debit-before-invoice", "error",
    it="La nota di debito sarebbe datata {day}, prima della fattura {number} del {invoice_day} a cui si aggiunge: "
       "indica con --date un giorno dal {invoice_day} in poi.",
    en="The debit note would be dated {day}, before invoice {number} of {invoice_day} it adds to: give --date a day "
       "from {invoice_day} on.",
    usage=True)
CREDITED_IN_FULL = define(
    "debit-of-credited-invoice", "error",
    it="La fattura {number} è stata accreditata per intero dalle note di credito {notes}: la vendita è annullata, e "
       "una nota di debito non ha nulla da aumentare (aggiungerebbe un importo a una fattura che non vale più). Se in "
       "{asked_in} hai indicato la fattura sbagliata, indica quella giusta; se l'importo è davvero dovuto, "
       "fatturalo con un nuovo ordine. Nulla è stato registrato.",
    en="Invoice {number} is credited in full by credit notes {notes}: the sale is cancelled, and a debit note has "
       "nothing to increase (it would add an amount to an invoice no longer standing). If you named the wrong "
       "invoice in {asked_in}, name the right one; if the amount is really due, invoice it with a new order. Nothing was stored.",
    usage=True)
IN_FUTURE = define(
    "debit-date-in-future", "error",
    it="La data {day} è successiva a oggi ({today}): le note di debito non si datano nel futuro.",
    en="Date {day} is after today ({today}): debit notes are not dated in the future.",
    usage=True)


def amount_typed(typed: str) -> Decimal | None:
    """The taxable amount typed (`150`, `150.50`, `150,50`), or None when it is no positive
    amount of cents within `AMOUNT`: an exponent, a third decimal or a thousands separator is
    refused as a slip rather than guessed.

    >>> amount_typed("150,5"), amount_typed("1e3"), amount_typed("0"), amount_typed("1.234,5")
    (Decimal('150.50'), None, None, None)
    """
    text = typed.strip()
    if not re.fullmatch(r"\d+([.,]\d{1,2})?", text):
        return None
    number = Decimal(text.replace(",", "."))
    return number.quantize(CENT) if number > 0 and AMOUNT.admits(number) else None


def amount_refused(amount: Decimal) -> bool:
    """Whether `amount` is no taxable amount a debit note may add: one more than zero, in whole
    cents, within `AMOUNT`. The service asks it of every caller: a negative amount would be a
    credit note numbered and sent as a debit note (TD05)."""
    return not (amount.is_finite() and AMOUNT.admits(amount) and amount > 0 and amount == amount.quantize(CENT))


def rate_shown(key: RateKey) -> str:
    """A rate as --rate takes it and a message names it: `22`, `10`, or a nature, `N3.5`."""
    rate, nature = key
    return nature if nature else f"{rate.normalize():f}"


def rate_of(invoice: Invoice, typed: str | None) -> RateKey | Problem:
    """The VAT rate the note takes: the invoice's one (its stamp duty's aside), or the one of them
    `typed` names (`22`, `22%`, `N3.5`)."""
    keys = _rates(invoice)
    shown = ", ".join(rate_shown(k) for k in keys)
    if typed is None:
        if len(keys) == 1:
            return keys[0]
        return rate_needed(invoice, keys)
    key = typed_key(keys, typed)
    return key if key is not None else UNKNOWN_RATE(None, number=invoice.number, typed=typed, rates=shown)


def rates_beyond_letter(invoice: Invoice, goods: RateKey) -> list[RateKey]:
    """The rates a note on `invoice` may take once its letter of intent covers nothing (revoked):
    the invoice's, its N3.5 goods' as their item's VAT `goods`; one alone needs no --rate, and
    several are asked for by these, never by N3.5, which such a note cannot take."""
    return list(dict.fromkeys(goods if nature == LETTER_OF_INTENT else (rate, nature)
                              for rate, nature in _rates(invoice)))


def _rates(invoice: Invoice) -> list[RateKey]:
    """The invoice's VAT rates (or natures), in its lines' order, its stamp duty's aside."""
    return list(dict.fromkeys(rate_key(x.vat_rate, x.vat_nature) for x in invoice.lines if not charged_stamp(x)))


def rate_needed(invoice: Invoice, keys: Sequence[RateKey]) -> Problem:
    """The refusal asking --rate among `keys`, the first as the example."""
    shown = [rate_shown(k) for k in keys]
    return RATE_NEEDED(None, number=invoice.number, rates=", ".join(shown), first=shown[0] if shown else "22")


def typed_key(keys: list[RateKey], typed: str) -> RateKey | None:
    """The one of `keys` that `typed` names (`22`, `22%`, `N3.5`), if any."""
    wanted = typed.strip().rstrip("%").strip().upper().replace(",", ".")
    return next((key for key in keys if wanted == rate_shown(key).upper()
                 or (not key[1] and _same_rate(wanted, key[0]))), None)


def _same_rate(typed: str, rate: Decimal) -> bool:
    try:
        return Decimal(typed) == rate
    except InvalidOperation:
        return False


def refusals(invoice: Invoice, day: date, today: date, workbook: str, asked_in: str = "--invoice") -> list[Problem]:
    """Why no debit note adds to `invoice` on `day`: a credit note, a draft (undone instead), a
    date before the invoice or after today. `asked_in`: where the invoice was named, the option
    or the panel's cell, which the fix names."""
    if invoice.kind is InvoiceKind.CREDIT_NOTE:
        return [NOT_AN_INVOICE(None, number=invoice.number, asked_in=asked_in)]
    if invoice.status is not None and invoice.status.value != "final":
        return [DRAFT_INVOICE(None, number=invoice.number, run_id=invoice.run_id, workbook=workbook)]
    return date_problems(invoice, day, today, IN_FUTURE, BEFORE_INVOICE)


def credited_in_full(invoice: Invoice, lines: Sequence[Creditable], notes: Sequence[str],
                     asked_in: str = "--invoice") -> Problem | None:
    """Why no debit note adds to an invoice credit notes took back whole (`lines`, what they took
    of each, the stamp duty charged aside, which stays due): a debit note corrects a standing
    invoice upward, and on a cancelled one it is a slip (the wrong number) or a new sale, which
    takes a new invoice rather than a supplement to one the customer no longer owes."""
    standing = [c for c in lines if not charged_stamp(c.line)]
    if not notes or any(c.quantity_left > 0 and c.amount_left != 0 for c in standing):
        return None
    return CREDITED_IN_FULL(None, number=invoice.number, notes=", ".join(notes), asked_in=asked_in)


def debit_note(invoice: Invoice, amount: Decimal, key: RateKey, day: date, reason: str, *,
               charge_stamp_duty: bool, excluded: payment_terms.ExcludedMonths | None = None) -> Invoice:
    """The debit note adding `amount` (without VAT) at `key` to `invoice`, dated `day`, its line
    described by `reason` (folded as the e-invoice's Causale: `toolkit.core.credit_notes.causale`);
    with `charge_stamp_duty`, the stamp duty's line when its exempt amounts owe it. Due by the
    invoice's terms from its own date (at once when the invoice was due on delivery), net of
    VAT under split payment, moved out of the customer's `excluded` months as its invoices are."""
    rate, nature = key
    lines: tuple[InvoiceLine, ...] = (
        InvoiceLine("", reason, "", Decimal(1), amount, amount, rate, nature, 1, None, None, None, ""),)
    summary = tuple(vat_summary((x.amount, x.vat_rate, x.vat_nature) for x in lines))
    if charge_stamp_duty and stamp_duty.due((s.rate, s.taxable, s.nature) for s in summary):
        lines += (stamp_duty_line(2),)
        summary = tuple(vat_summary((x.amount, x.vat_rate, x.vat_nature) for x in lines))
    taxable, vat, total = totals(summary)
    payable = total - vat if invoice.split_payment else total
    terms = payment_terms.parse(invoice.payment_terms)
    dues = ([(day, payable)] if terms.on_delivery else payment_terms.instalments(terms, day, payable, excluded))
    cited = CitedInvoice(invoice.id or 0, invoice.number or "?", invoice.invoice_date, taxable)
    return Invoice(InvoiceKind.INVOICE, invoice.customer, invoice.group_key, Period(day, day), day, lines, summary,
                   taxable, vat, total, invoice.payment_method, invoice.payment_terms,
                   tuple(Instalment(d, a) for d, a in dues), cites=(cited,), reason=reason,
                   split_payment=invoice.split_payment)

