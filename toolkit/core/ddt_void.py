"""A DDT voided (*annullato*): `toolkit ddt void`.

The truck did not leave, the DDT went to the wrong carrier, a line was loaded by mistake and
taken off before departure: DPR 472/96 asks only that DDTs be numbered progressively and kept,
so the wrong one keeps its number, is kept marked ANNULLATO, and a new one is issued by the
next `ship`. Correcting a DDT's carrier, date or lines is that: void it and ship again.

Voided, the DDT shipped nothing: its goods are open again on their orders (an order it had
completed is in progress again), back in stock and reserved, and month end never invoices it.
What cannot be undone so is refused, nothing stored (`refusal`): a DDT an invoice cites (credit
the invoice, or make a return), a return's DDT, a record of services rendered, one whose cash on
delivery was collected, one of an order voided since; a DDT voided already is done
(`ALREADY_VOIDED`, a note and exit 0, as other verbs run twice). The record of services rendered
issued with the DDT for its orders (*SERVIZI-…*) is voided with it: services that went with goods
that did not leave were not rendered, and month end would have invoiced them. An order closed
since stays closed (`ORDER_KEPT_CLOSED`): its goods on the DDT go back to stock, not to ship.
Reopened, it shipped again what the desk had given up when closing it too; reopened for the
DDT's goods alone, its lines would no longer say what was ordered. Whether the customer still
wants those goods is the desk's to say, with a new order; a closed order never ships again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from toolkit.basics import wording
from toolkit.basics.dates import rome_time
from toolkit.basics.problems import Problem, define
from toolkit.core.credit_notes import REASON_LENGTH
from toolkit.core.shipping import SERVICES_SERIES, Reason

UNKNOWN_DDT = define(
    "ddt-void-unknown", "error",
    it="Il DDT {number} non esiste nel registro: controlla il numero (i DDT registrati: toolkit print ddt … "
       "--date). Nulla è stato annullato.",
    en="DDT {number} is not in the ledger: check the number (the DDTs recorded: toolkit print ddt … --date). "
       "Nothing was voided.", usage=True)
AMBIGUOUS_DDT = define(
    "ddt-void-ambiguous", "error",
    it="«{typed}» può essere più di un DDT: {numbers}. Scrivi il numero per intero (es. {first}); nulla è stato "
       "annullato.",
    en="“{typed}” may be more than one DDT: {numbers}. Type the number in full (e.g. {first}); nothing was "
       "voided.", usage=True)
SERVICES_NOT_VOIDED = define(
    "ddt-void-services", "error",
    it="{number} registra servizi resi, non è un DDT: non si annulla. Se i servizi non erano dovuti, correggi la "
       "fattura che li addebita con una nota di credito (toolkit invoice credit).",
    en="{number} records services rendered, it is not a DDT: it is not voided. If the services were not due, "
       "set right the invoice charging them with a credit note (toolkit invoice credit).", usage=True)
RETURN_NOT_VOIDED = define(
    "ddt-void-return", "error",
    it="Il DDT {number} è il DDT di un reso: non si annulla, la merce è già rientrata nelle giacenze e nel "
       "conto del reso. Nulla è stato annullato; se il reso era sbagliato, chiudilo con toolkit returns no-credit "
       "o spedisci di nuovo la merce con un ordine.",
    en="DDT {number} is a return's DDT: it is not voided, its goods are back in stock and on the return's "
       "account. Nothing was voided; if the return was wrong, close it with toolkit returns no-credit or ship "
       "the goods again with an order.", usage=True)
INVOICED_NOT_VOIDED = define(
    "ddt-void-invoiced", "error",
    it="Il DDT {number} è già fatturato ({invoices}): un DDT che una fattura cita non si annulla. Nulla è stato "
       "annullato. Se la merce non è partita, emetti una nota di credito sulla fattura (toolkit invoice credit); "
       "se è partita e rientra, registra un reso.",
    en="DDT {number} is invoiced already ({invoices}): a DDT an invoice cites is not voided. Nothing was "
       "voided. If the goods did not leave, credit the invoice (toolkit invoice credit); if they left and come "
       "back, record a return.", usage=True)
IN_DRAFT_NOT_VOIDED = define(
    "ddt-void-in-draft", "error",
    it="Il DDT {number} è nelle fatture in bozza dell'emissione {run} ({invoices}): nulla è stato annullato. "
       "Annulla prima l'emissione (toolkit invoice undo … {run}), poi il DDT, poi rifai le fatture.",
    en="DDT {number} is on the draft invoices of run {run} ({invoices}): nothing was voided. Undo the run first "
       "(toolkit invoice undo … {run}), then void the DDT, then run the invoices again.", usage=True)
CASH_COLLECTED_NOT_VOIDED = define(
    "ddt-void-cash-collected", "error",
    it="Il DDT {number} ha un contrassegno già incassato (fattura {invoices}): un DDT il cui denaro è stato "
       "riscosso non si annulla. Nulla è stato annullato. Se la merce non è partita, restituisci l'incasso e "
       "annullalo (toolkit payments void), poi riprova.",
    en="DDT {number} carried cash on delivery already collected (invoice {invoices}): a DDT whose cash was "
       "collected is not voided. Nothing was voided. If the goods did not leave, refund the payment and void "
       "it (toolkit payments void), then try again.", usage=True)
ORDER_CLOSED_NOT_VOIDED = define(
    "ddt-void-order-closed", "error",
    it="Il DDT {number} spedisce merce di ordini annullati ({orders}): annullato, quella merce non "
       "ripartirebbe più. Nulla è stato annullato. Fai un nuovo ordine per la merce da rispedire.",
    en="DDT {number} ships goods of orders voided ({orders}): voided, those goods would never ship "
       "again. Nothing was voided. Make a new order for the goods to ship again.", usage=True)
CLOSED_BILLED_NOT_VOIDED = define(
    "ddt-void-closed-order-billed", "error",
    it="Il DDT {number} spedisce merce dell'ordine chiuso {order} già fatturata all'ordine ({invoices}): annullato, "
       "la fattura resterebbe da incassare per merce che non partirà più ({lines}), perché un ordine chiuso non si "
       "rispedisce. Nulla è stato annullato. Se la merce non partirà, emetti prima una nota di credito per essa su "
       "{invoices} (toolkit invoice credit), poi annulla il DDT; se partirà, non annullarlo: il DDT la accompagna.",
    en="DDT {number} ships goods of closed order {order} invoiced at the order ({invoices}): voided, the invoice "
       "would stay due for goods that will never leave ({lines}), as a closed order ships nothing again. Nothing "
       "was voided. If the goods will not leave, credit them on {invoices} first (toolkit invoice credit), then "
       "void the DDT; if they will, keep the DDT: it goes with them.", usage=True)
ORDER_KEPT_CLOSED = define(
    "ddt-void-order-kept-closed", "warning",
    title=("Ordine chiuso: merce del DDT annullato non rispedita", "Closed order: voided DDT's goods not shipped again"),
    it="L'ordine {order} è chiuso e resta chiuso: la sua merce sul DDT {number} annullato ({goods}) torna in "
       "magazzino e non ripartirà con esso, come quanto l'ordine aveva ancora da spedire quando fu chiuso. Se va "
       "spedita, fai un nuovo ordine per essa: un modello del cliente in «Modelli ordine» con «Pianificazione» "
       "Giornaliero, «Valido dal» e «Valido al» il giorno di consegna (se festivo, «Se festivo» Mantieni) e le sue "
       "righe in «Righe modello», poi crea gli ordini di quel giorno.",
    en="Order {order} is closed and stays closed: its goods on DDT {number}, voided ({goods}), are back in stock "
       "and will not ship again with it, as whatever the order still had to ship when it was closed. If they are to "
       "ship, make a new order for them: a template of the customer's in “Modelli ordine”, “Pianificazione” "
       "Giornaliero, valid from and to the delivery day (“Valido dal”, “Valido al”; on a holiday, “Se festivo” "
       "Mantieni), with its lines in “Righe modello”, then create that day's orders.")
ALREADY_VOIDED = define(
    "ddt-already-voided", "warning",
    title=("DDT già annullato", "DDT already voided"),
    it="Il DDT {number} è già annullato ({at}, {by}{reason}): nulla è cambiato.",
    en="DDT {number} is voided already ({at}, {by}{reason}): nothing changed.")

@dataclass(frozen=True, slots=True)
class Goods:
    """A line of a voided DDT as a warning names it: `A001 10 kg`."""

    item: str
    quantity: Decimal
    unit: str

    def shown(self, lang: str) -> str:
        return f"{self.item} {wording.quantity(self.quantity, lang)} {self.unit}".strip()


REASON_MAX = REASON_LENGTH
"""How long the reason a DDT is voided for may be: as a credit note's."""


@dataclass(frozen=True, slots=True)
class Voided:
    """A DDT voided: why (None: no reason given), when (UTC, as the ledger keeps it; shown as
    Rome's clock read it) and by whom."""

    reason: str | None
    at: datetime
    by: str

    def shown(self, lang: str) -> str:
        """As the printed DDT says it under its number."""
        why = f": {self.reason}" if self.reason else ""
        day = rome_time(self.at)
        return (f"ANNULLATO il {day:%d/%m/%Y} da {self.by}{why}" if lang == "it"
                else f"VOIDED on {day:%d/%m/%Y} by {self.by}{why}")


@dataclass(frozen=True, slots=True)
class DdtState:
    """What the ledger says of a DDT the desk would void."""

    number: str
    series: str
    reason: Reason
    voided: Voided | None
    final_invoices: tuple[str, ...]
    """The final invoices and credit notes citing its lines."""
    draft_runs: tuple[tuple[str, str], ...]
    """(run, invoice number) of the draft invoices citing its lines."""
    cash_collected: tuple[str, ...]
    """The invoices with a payment recorded that charge its goods paid cash on delivery."""
    voided_orders: tuple[str, ...]
    """Its orders voided since it shipped."""


def refusal(state: DdtState) -> Problem | None:
    """Why the DDT cannot be voided, None when it can (or is voided already: `ALREADY_VOIDED`)."""
    if state.series == SERVICES_SERIES:
        return SERVICES_NOT_VOIDED(None, number=state.number)
    if state.voided is not None:
        return None
    return blocked(state)


def blocked(state: DdtState) -> Problem | None:
    """Why the DDT in force, or a record of services rendered issued with it (voided with it),
    cannot be voided; None when it can."""
    number = state.number
    if state.reason is Reason.RETURN:
        return RETURN_NOT_VOIDED(None, number=number)
    if state.final_invoices:
        return INVOICED_NOT_VOIDED(None, number=number, invoices=", ".join(state.final_invoices))
    if state.draft_runs:
        run = state.draft_runs[0][0]
        return IN_DRAFT_NOT_VOIDED(None, number=number, run=run,
                                   invoices=", ".join(n for r, n in state.draft_runs if r == run))
    if state.cash_collected:
        return CASH_COLLECTED_NOT_VOIDED(None, number=number, invoices=", ".join(state.cash_collected))
    if state.voided_orders:
        return ORDER_CLOSED_NOT_VOIDED(None, number=number, orders=", ".join(state.voided_orders))
    return None


def already(state: DdtState) -> Problem | None:
    """The note that the DDT is voided already, None when it is not; its reason after a colon, as
    the reprint prints it, in no language's quotation marks."""
    if state.voided is None:
        return None
    why = f": {state.voided.reason}" if state.voided.reason else ""
    return ALREADY_VOIDED(None, number=state.number, at=rome_time(state.voided.at).date(), by=state.voided.by,
                          reason=why)


def reason_given(typed: str | None) -> str | None:
    """The reason as the ledger keeps it, its spaces collapsed; None when none is given.
    Raises ValueError when longer than `REASON_MAX`."""
    if typed is None:
        return None
    text = " ".join(typed.split())
    if len(text) > REASON_MAX:
        raise ValueError(text)
    return text or None
