"""A draft run's parties read against today's workbook before it is made final.

A run's invoices keep the parties they were drafted with (`toolkit.model.parties`): made final,
that is what they print and what their e-invoices carry. A draft is there to be checked, and a
desk that finds a customer's partita IVA mistyped on it corrects *Clienti*, which changed
nothing on the draft: the final invoice and its e-invoice carried the typo to SDI. So
`invoice finalize` (and *Rendi definitiva emissione*) refuses while a draft's customer or
seller reads otherwise on the workbook, at the cell, with what the draft bears and the two
ways out: undo the run and run it again, or put the old value back when the change is meant
for later invoices only.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from toolkit.basics.codes import folded
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import PaymentMethod
from toolkit.basics.wording import Agreed, Counted, first_numbers
from toolkit.core import payment_terms
from toolkit.core.einvoice.codes import pays_into_account
from toolkit.core.intent_ceiling import letter_key
from toolkit.core.invoicing import InvoiceKind, excluded_months, terms_of
from toolkit.core.letter_cited import LETTER_FIELDS
from toolkit.model.headings import heading
from toolkit.model.parties import Parties, Seller, party_book
from toolkit.model.records import Customer, MasterData, Settings

CHANGED = define(
    "finalize-master-changed", "error",
    it="{field} ora è «{now}», ma {drafts} dell'emissione {run_id} ({numbers}) {bear} «{was}», il dato di quando è "
       "stata fatta: da definitive, fatture e fatture elettroniche direbbero «{was}». Nessun documento è stato reso "
       "definitivo. Se il dato giusto è «{now}», annulla l'emissione (toolkit invoice undo {workbook} {run_id}) e "
       "rifalla; se vale solo per le fatture successive, rimetti «{was}», rendi definitiva l'emissione e poi scrivi "
       "di nuovo «{now}».",
    en="{field} is now “{now}”, but {drafts} of run {run_id} ({numbers}) {bear} “{was}”, as when the run was made: "
       "made final, invoices and e-invoices would say “{was}”. No document was made final. If “{now}” is right, undo "
       "the run (toolkit invoice undo {workbook} {run_id}) and run it again; if it holds for later invoices only, "
       "put “{was}” back, make the run final, then write “{now}” again.")

PEC_CHANGED = define(
    "finalize-pec-changed", "warning",
    it="{field} ora è «{now}», ma {drafts} dell'emissione {run_id} ({numbers}) {bear} «{was}»: è solo l'indirizzo a "
       "cui SDI recapita la fattura elettronica, non un dato della fattura, e le fatture sono state rese definitive. "
       "Se non arriva a «{was}», il cliente la trova nella sua area riservata di Fatture e Corrispettivi "
       "(Agenzia delle Entrate), dove SDI la mette quando non la può recapitare.",
    en="{field} is now “{now}”, but {drafts} of run {run_id} ({numbers}) {bear} “{was}”: it is only the address "
       "SDI delivers the e-invoice to, not part of the invoice, and the invoices were made final. If it does not "
       "reach “{was}”, the customer finds it in its reserved area of Fatture e Corrispettivi (Agenzia delle "
       "Entrate), where SDI puts what it cannot deliver.",
    title=("PEC cambiata dopo la bozza", "PEC changed after the draft"))

DUES_MOVED = define(
    "finalize-dues-moved", "error",
    it="«Mesi esclusi» e «Giorno di slittamento» del cliente {customer} ora fanno scadere {drafts} dell'emissione "
       "{run_id} ({numbers}) il {now}, ma {bear} la scadenza di quando è stata fatta, il {was}: da definitive, "
       "fatture e fatture elettroniche direbbero {was}. Nessun documento è stato reso definitivo. Se la scadenza "
       "giusta è il {now}, annulla l'emissione (toolkit invoice undo {workbook} {run_id}) e rifalla; se i mesi "
       "valgono solo per le fatture successive, rimetti le due celle com'erano, rendi definitiva l'emissione e poi "
       "scrivile di nuovo.",
    en="“Excluded months” and “Moved to day” of customer {customer} now make {drafts} of run {run_id} ({numbers}) "
       "due on {now}, but {bear} the due of when the run was made, {was}: made final, invoices and e-invoices would "
       "say {was}. No document was made final. If {now} is the right due, undo the run (toolkit invoice undo "
       "{workbook} {run_id}) and run it again; if the months hold for later invoices only, put the two cells back "
       "as they were, make the run final, then write them again.")

CUSTOMER_GONE = define(
    "finalize-customer-not-in-workbook", "warning",
    it="Il cliente {customer} ({name}) non è più nel foglio Clienti: {drafts} dell'emissione {run_id} ({numbers}) "
       "{are} con i suoi dati di quando è stata fatta (ragione sociale, partita IVA, indirizzo, "
       "termini di pagamento), che non si sono potuti confrontare con il foglio. Controllali prima di mandare le "
       "fatture elettroniche: se un dato non è più giusto, correggi la fattura con una nota di credito e "
       "rimetti la riga del cliente in Clienti per la fattura nuova.",
    en="Customer {customer} ({name}) is no longer on the Customers sheet: {drafts} of run {run_id} ({numbers}) "
       "{are} with its data as when the run was made (name, partita IVA, address, payment terms), "
       "which could not be compared with the sheet. Check them before sending the e-invoices: if some data is no "
       "longer right, correct the invoice with a credit note and put the customer's row back on Clienti for the "
       "new invoice.",
    title=("Cliente tolto dopo la bozza", "Customer taken off after the draft"))

IDENTITY = ("name", "vat_number", "tax_code", "address", "postcode", "city", "province", "country", "sdi_code", "pec")
"""What a buyer is called and where its e-invoice goes: a credit note bears today's, as an invoice does."""
INVOICE_ONLY = ("split_payment", "cig", "cup", "intent_protocol", "intent_date")
"""What a credit note takes from the invoices it corrects (`as_corrected`), an invoice from today's row."""


@dataclass(frozen=True, slots=True)
class Field:
    """A column's heading and whose row it is, as the message names it."""

    it: str
    en: str
    whose: str | None

    def shown(self, lang: str) -> str:
        if self.whose is None:
            return f"«{self.it}» di Impostazioni" if lang == "it" else f"“{self.en}” on Impostazioni"
        return (f"«{self.it}» del cliente {self.whose}" if lang == "it" else
                f"“{self.en}” of customer {self.whose}")


def drafts_changed(master: MasterData, run_id: str,
                   drafts: Sequence[tuple[str, str, str, Parties | None, str, str]], workbook: str,
                   at_letter: Collection[str] = ()) -> list[Problem]:
    """One error per cell whose value differs from what the run's drafts bear, naming them. The
    payment terms too, which set an invoice's dues, read as an invoice of the draft's payment
    method would state them now (`terms_of`: *CONSEGNA* for cash on delivery, whatever the
    customer's). The rule was written here too, and skipped any draft bearing *CONSEGNA*: a
    customer's own terms *CONSEGNA* changed to 30FM after the draft went final as drafted.

    Only what a draft prints counts: the seller's IBAN on an invoice paid into its account, the
    buyer's PEC on one with no SDI code; and a PEC, the address SDI delivers to and no part of
    the invoice, is a warning. Text differing only in case or blanks is the same text. A draft
    whose customer left *Clienti* has nothing to be read against: it is made final as drafted,
    warned of with its customer, where it went final unseen.

    A letter of intent written since on the row of a draft that sells N3.5 (`at_letter`: their
    numbers) is left to `letter_cited.drafts_uncited`, which refuses it with the run to make
    again, where putting the empty cells back would send it citing nothing. Any other draft
    lacking the letter now written charges VAT the letter may exempt, and is refused here."""
    book = party_book(master)
    customers = {c.code: c for c in master.customers}
    found: dict[tuple[str | None, str, Any, Any], list[str]] = defaultdict(list)
    gone: dict[tuple[str, str], list[str]] = defaultdict(list)
    seller = [f.name for f in dataclasses.fields(Seller)]
    no_iban = [name for name in seller if name != "iban"]
    for number, customer, kind, drafted, terms, method in drafts:
        now = customers.get(customer)
        if now is None:
            gone[(customer, drafted.buyer.name if drafted is not None and drafted.buyer else customer)].append(number)
        if (kind == InvoiceKind.INVOICE.value and now is not None
                and folded(terms) != folded(terms_of(now, PaymentMethod(method)))):
            found[(customer, "payment_terms", terms, now.payment_terms)].append(number)
        if drafted is None:
            continue
        if drafted.seller != book.seller:
            prints_iban = kind == InvoiceKind.INVOICE.value and pays_into_account(PaymentMethod(method))
            for name in _differing(drafted.seller, book.seller, seller if prints_iban else no_iban):
                found[(None, name, getattr(drafted.seller, name), getattr(book.seller, name))].append(number)
        today = book.parties(customer).buyer if customer in customers else None
        if drafted.buyer is None or today is None or drafted.buyer == today:
            continue
        names = IDENTITY if kind == InvoiceKind.CREDIT_NOTE.value else IDENTITY + INVOICE_ONLY
        for name in _differing(drafted.buyer, today, names):
            if name in LETTER_FIELDS and not getattr(drafted.buyer, name) and number in at_letter:
                continue
            if name != "pec" or not drafted.buyer.sdi_code:
                found[(customer, name, getattr(drafted.buyer, name), getattr(today, name))].append(number)
    problems = []
    for (whose, name, was, now), numbers in found.items():
        record = customers[whose] if whose is not None else None
        where = master.locate(record.source, name) if record is not None else master.locate_setting(name)
        column = heading(_field(Customer if record is not None else Settings, name))
        said = PEC_CHANGED if name == "pec" else CHANGED
        problems.append(said(where, field=Field(column.it, column.en, whose) if column else name,
                             was=was, now=now, numbers=first_numbers(numbers), run_id=run_id,
                             drafts=Counted(len(numbers), ("bozza", "bozze"), ("draft", "drafts")),
                             bear=Agreed(len(numbers), ("porta", "portano"), ("bears", "bear")),
                             workbook=workbook))
    where = master.locate_row_to_add(master.customers, Customer.sheet)
    problems += [CUSTOMER_GONE(where, customer=customer, name=name, run_id=run_id, numbers=first_numbers(numbers),
                               drafts=Counted(len(numbers), ("bozza", "bozze"), ("draft", "drafts")),
                               are=Agreed(len(numbers), ("è stata resa definitiva", "sono state rese definitive"),
                                          ("was made final", "were made final")))
                 for (customer, name), numbers in sorted(gone.items())]
    return problems


def dues_moved(master: MasterData, run_id: str, drafts: Sequence[tuple[str, str, str, Parties | None, str, str]],
               dues: dict[str, tuple[date, tuple[date, ...]]], workbook: str) -> list[Problem]:
    """One error per customer whose *Mesi esclusi* or *Giorno di slittamento*, changed since the
    draft, now move the dues of its drafts: the terms' code is compared by `drafts_changed`,
    but a draft keeps no months, so its dues are counted again from its terms and date and read
    against what it bears. Drafts whose terms changed are left to that check; a draft whose dues
    no rule moved and that today's months do not move either was drafted before dues moved off
    Sundays and holidays, and goes final as drafted, as issued invoices keep theirs."""
    customers = {c.code: c for c in master.customers}
    found: dict[str, list[tuple[str, tuple[date, ...], tuple[date, ...]]]] = defaultdict(list)
    counted: dict[tuple[str, date, payment_terms.ExcludedMonths | None], tuple[date, ...] | None] = {}
    for number, customer, kind, _, terms, method in drafts:
        now = customers.get(customer)
        if (number not in dues or now is None or kind != InvoiceKind.INVOICE.value
                or folded(terms) != folded(terms_of(now, PaymentMethod(method)))):
            continue
        day, was = dues[number]
        key = (terms, day, excluded_months(now))
        if key not in counted:
            counted[key] = _due_now(*key)
        moved = counted[key]
        if moved is None or was == moved:
            continue
        rule = payment_terms.parse(terms)
        if not (moved == tuple(payment_terms.due_dates(rule, day))
                and was == tuple(payment_terms.counted_dues(rule, day))):
            found[customer].append((number, was, moved))
    return [DUES_MOVED(master.locate(customers[customer].source, "excluded_months"), customer=customer,
                       run_id=run_id, numbers=first_numbers([n for n, _, _ in moves]), was=moves[0][1],
                       now=moves[0][2], drafts=Counted(len(moves), ("bozza", "bozze"), ("draft", "drafts")),
                       bear=Agreed(len(moves), ("porta", "portano"), ("bears", "bear")), workbook=workbook)
            for customer, moves in found.items()]


def _due_now(terms: str, day: date, excluded: payment_terms.ExcludedMonths | None) -> tuple[date, ...] | None:
    """The dues of terms that defer payment, from `day` by today's months; None for others."""
    try:
        rule = payment_terms.parse(terms)
    except ValueError:
        return None
    if not rule.defers or rule.on_delivery:
        return None
    return tuple(payment_terms.due_dates(rule, day, excluded))


def _differing(drafted: object, today: object, names: Sequence[str]) -> list[str]:
    """The fields whose values read differently. A letter's protocol retyped with the other
    separator before its progressive is the same letter (`letter_key`): the draft goes final
    citing it as drafted, where it was refused as a changed cell, the run to make again. A
    draft's seller kept before its capital paid in was (`Seller.paid_in_capital` None) bears no
    other capital than today's paid in full: it goes final printing as drafted."""
    return [name for name in names
            if not (_same_letter if name == "intent_protocol" else _same)(getattr(drafted, name), getattr(today, name))
            and not (name == "paid_in_capital" and _paid_in_unsaid(drafted, today))]


def _paid_in_unsaid(drafted: object, today: object) -> bool:
    return (isinstance(drafted, Seller) and isinstance(today, Seller) and drafted.paid_in_capital is None
            and drafted.share_capital is not None and today.paid_in_capital == today.share_capital)


def _same_letter(drafted: str | None, today: str | None) -> bool:
    return _same(drafted, today) or (drafted is not None and today is not None
                                     and _same(letter_key(drafted), letter_key(today)))


def _same(drafted: object, today: object) -> bool:
    """Text the same but for case and blanks reads the same on the invoice and to SDI.

    >>> _same("Via  Roma 1 ", "via roma 1"), _same("IT60 X054", "IT60X054"), _same("MI", "TO")
    (True, False, False)
    """
    if drafted == today:
        return True
    return (isinstance(drafted, str) and isinstance(today, str)
            and " ".join(drafted.split()).casefold() == " ".join(today.split()).casefold())


def _field(kind: type, name: str) -> dataclasses.Field[Any]:
    return next(f for f in dataclasses.fields(kind) if f.name == name)
