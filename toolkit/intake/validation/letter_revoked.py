"""A letter of intent's revocation, dated where it can end the letter.

An exporter that no longer means to buy without VAT revokes its letter with the Agenzia
(*revoca*); the supplier writes the day it takes effect in *Dichiarazione d'intento revocata
dal* on *Clienti*, and from that day on invoicing charges VAT (`core.letter_dates`). A
revocation before the letter's own date revokes nothing it covered, one of that very day leaves
it no sale (most likely a first letter's, left when a second was written over it: the second
would go with VAT, warned as if revoked), and one in a year the letter cannot cover (it covers
one solar year: its date's, or the next for a letter of December naming it) ends nothing: each
is a mistyped or forgotten date, so all are errors at the revocation's cell, as every run that
reads the sheet then refuses it. Two rows citing one letter (two destinations of a buyer, a customer re-coded)
that say two revocations are warned at the second: the letter is revoked for both, and the row
left without would sell without VAT past it. A revocation on a row without a letter's date is
read by nothing: warned at its cell, as it is most likely the letter's row's, written a row off.
"""

from __future__ import annotations

from collections.abc import Iterator

from toolkit.basics.cells import Location
from toolkit.basics.problems import Problem, define
from toolkit.core.intent_ceiling import letter_key
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import Customer, MasterData

REVOKED_BEFORE_DATE = define(
    "letter-of-intent-revoked-before-date", "error",
    it="La dichiarazione d'intento {protocol} del cliente {code} risulta revocata dal {revoked}, non dopo la sua "
       "data, il {day}: una revoca segue la dichiarazione che revoca, e una del suo stesso giorno non le lascia "
       "nessuna vendita. Se hai scritto una nuova dichiarazione al posto di una revocata, cancella «Dichiarazione "
       "d'intento revocata dal»; se no correggi la data della revoca (o la «Data dichiarazione d'intento»).",
    en="Customer {code}'s letter of intent {protocol} is revoked from {revoked}, not after its own date, {day}: a "
       "revocation follows the letter it revokes, and one of its own day leaves it no sale. If you wrote a new "
       "letter over a revoked one, clear “Dichiarazione d'intento revocata dal”; if not, correct the revocation's "
       "date (or the “Data dichiarazione d'intento”).")
REVOKED_OTHER_YEAR = define(
    "letter-of-intent-revoked-other-year", "error",
    it="La dichiarazione d'intento {protocol} del cliente {code}, del {day}, risulta revocata dal {revoked}, ma una "
       "dichiarazione copre le vendite di un solo anno e questa non arriva al {later}: la revoca non la chiude, e le "
       "vendite fino alla revoca vera resterebbero senza IVA. Correggi l'anno in «Dichiarazione d'intento revocata "
       "dal»; se la revoca è di una nuova dichiarazione, scrivine protocollo, data e importo nel foglio Clienti.",
    en="Customer {code}'s letter of intent {protocol} of {day} is revoked from {revoked}, but a letter covers the "
       "sales of one year only and this one does not reach {later}: the revocation does not end it, and the sales "
       "until the real revocation would stay without VAT. Correct the year in “Dichiarazione d'intento revocata "
       "dal”; if the revocation is of a new letter, write its protocol, date and amount in the Clienti sheet.")

REVOCATIONS_DIFFER = define(
    "letter-of-intent-revocations-differ", "warning",
    title=("Una dichiarazione d'intento con due revoche", "One letter of intent with two revocations"),
    it="La dichiarazione d'intento {protocol} del cliente {code} è anche del cliente {other} (la stessa lettera, su "
       "due righe di Clienti), ma le due righe non dicono la stessa revoca (qui {revoked}, là {other_revoked}, "
       "{cell}): la revoca è della dichiarazione, e la riga che non la dice fatturerebbe senza IVA dopo di essa. "
       "Scrivi in entrambe la data da cui la dichiarazione è revocata.",
    en="Customer {code}'s letter of intent {protocol} is customer {other}'s too (one letter, on two Clienti rows), "
       "but the two rows do not tell the same revocation (here {revoked}, there {other_revoked}, {cell}): the "
       "revocation is the letter's, and the row not telling it would invoice without VAT after it. Write in both "
       "the day the letter is revoked from.")
REVOKED_WITHOUT_LETTER = define(
    "letter-of-intent-revoked-without-letter", "warning",
    title=("Revoca senza dichiarazione d'intento", "Revocation without a letter of intent"),
    it="Il cliente {code} ha una revoca della dichiarazione d'intento dal {revoked}, ma la sua riga non ha "
       "protocollo e data di una dichiarazione: la revoca non chiude nulla, e la dichiarazione del cliente che "
       "l'ha revocata resterebbe senza IVA. Se la revoca è di un altro cliente, spostala nella sua riga; se il "
       "cliente ora compra con l'IVA, cancellala.",
    en="Customer {code} has a letter of intent revoked from {revoked}, but its row has no letter's protocol and "
       "date: the revocation ends nothing, and the letter of the customer that revoked it would stay without VAT. "
       "If the revocation is another customer's, move it to its row; if the customer now buys with VAT, clear it.")


def _shown(day: object) -> str:
    return f"{day:%d/%m/%Y}" if day is not None else "-"


def revoked_years(day_year: int, december: bool) -> tuple[int, ...]:
    """The years a letter dated in `day_year` may be revoked in: its own, and the next for a
    letter of December, which may name it (the DI model's year).

    >>> revoked_years(2026, False), revoked_years(2026, True)
    ((2026,), (2026, 2027))
    """
    return (day_year, day_year + 1) if december else (day_year,)


def letter_revoked(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """An error at each revocation dated on or before its letter's date or in a year the letter
    cannot cover; a warning at a row whose letter an earlier row cites with another revocation, and at a
    revocation on a row without a letter."""
    first: dict[str, Customer] = {}
    for c in master.customers:
        own = first.setdefault(letter_key(c.intent_protocol), c) if c.intent_protocol else c
        if own is not c and own.intent_revoked != c.intent_revoked:
            there = layout.locate(own.source.sheet, own.source.row, "intent_revoked")
            yield REVOCATIONS_DIFFER(layout.locate(c.source.sheet, c.source.row, "intent_revoked"), code=c.code,
                                     protocol=c.intent_protocol, other=own.code, revoked=_shown(c.intent_revoked),
                                     other_revoked=_shown(own.intent_revoked),
                                     cell=str(Location(there.sheet, there.cell)))
        if c.intent_revoked is None:
            continue
        if c.intent_date is None or not c.intent_protocol:
            yield REVOKED_WITHOUT_LETTER(layout.locate(c.source.sheet, c.source.row, "intent_revoked"), code=c.code,
                                         revoked=c.intent_revoked)
            continue
        told = {"code": c.code, "protocol": c.intent_protocol or "", "day": c.intent_date, "revoked": c.intent_revoked}
        where = layout.locate(c.source.sheet, c.source.row, "intent_revoked")
        years = revoked_years(c.intent_date.year, c.intent_date.month == 12)
        if c.intent_revoked <= c.intent_date:
            yield REVOKED_BEFORE_DATE(where, **told)
        elif c.intent_revoked.year not in years:
            yield REVOKED_OTHER_YEAR(where, later=str(c.intent_revoked.year), **told)
