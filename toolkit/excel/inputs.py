"""The panel's input cells: what the buttons read besides the master data, and how each is read.

Each cell sits on the "Pannello" sheet like the order date: a label in column A, the value in
column B under a defined name, a line of help in column C. A button reads its cells by name
(one round trip each) and turns each value into what the service wants; a value it cannot use
is a problem naming its cell (`Pannello!B6`), in the workbook's language, so the message box
says which cell to fix.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from toolkit.basics.cell_text import cell_text
from toolkit.basics.cells import Location
from toolkit.basics.dates import FIRST_DAY, LAST_DAY, ImpossibleDate, NotADate, in_range, to_date
from toolkit.basics.limits import AMOUNT
from toolkit.basics.money import NotANumber, cents, to_decimal
from toolkit.basics.problems import Problem, define
from toolkit.basics.vocab import PaymentMethod, RequestKind, choices, parse
from toolkit.core.credit_notes import REASON_LENGTH, AmbiguousLines, Asked, RepeatedLines, causale, parse_lines
from toolkit.core.ddt_void import reason_given as ddt_reason_given
from toolkit.core.debit_notes import BAD_AMOUNT as BAD_DEBIT
from toolkit.core.einvoice.fields import fold
from toolkit.core.no_credit import reason_given
from toolkit.core.orders import STATUS_LABELS, OrderStatus, parse_status
from toolkit.core.reports import KIND_LABELS, KINDS, Kind
from toolkit.core.requests import LAST_REQUEST

PANEL = "Pannello"

C = TypeVar("C")
"""What a dropdown's word is read as (a status, a payment method, a kind)."""


@dataclass(frozen=True, slots=True)
class Field:
    """An input cell of the panel."""

    name: str
    """Its defined name, which the buttons read."""
    cell: str
    label: str
    help: str
    kind: str
    """"date", "amount", "text" or "list" (a dropdown of `options`)."""
    options: tuple[str, ...] = ()


ORDER_DATE = Field("DataOrdini", "B3", "Data ordini", "La data per cui preparare, creare e spedire gli ordini.", "date")
INVOICE = Field("IncassoFattura", "B4", "Fattura",
                "«Registra incasso», «Nota di credito», «Nota di debito»: il numero della fattura, es. FT-2026-00001.",
                "text")
PAID_ON = Field("IncassoData", "B5", "Data incasso", "«Registra incasso»: il giorno dell'accredito.", "date")
AMOUNT_PAID = Field("IncassoImporto", "B6", "Importo incassato",
                    "«Registra incasso»: in euro, negativo per il rimborso di una nota di credito.", "amount")
METHOD = Field("IncassoModalita", "B7", "Modalità incasso", "«Registra incasso»: facoltativa.", "list",
               tuple(choices(PaymentMethod, "it")))
ORDER = Field("NumeroOrdine", "B8", "Ordine",
              "«Cambia stato ordine», «Conferma offerta», «Spedisci e fattura», «Nessun accredito dovuto» (il reso): "
              "il numero, es. OC-2026-00001.", "text")
STATUS = Field("NuovoStato", "B9", "Nuovo stato", "«Cambia stato ordine»: solo i passaggi ammessi.", "list",
               tuple(it for status, (it, _en) in STATUS_LABELS.items() if status is not OrderStatus.COMPLETED))
RUN = Field("Emissione", "B10", "Emissione fatture",
            "«Rendi definitiva» / «Annulla emissione»: la sigla, scritta qui dalla fatturazione.", "text")

REQUEST = Field("Richiesta", "B11", "Cliente o richiesta",
                "«Apri richiesta»: il codice del cliente, es. C001; «Registra azione» e «Chiudi richiesta»: il "
                "numero della richiesta (nell'elenco delle richieste).", "text")
REQUEST_KIND = Field("TipoRichiesta", "B12", "Tipo richiesta", "«Apri richiesta»: di che cosa si tratta.", "list",
                     tuple(choices(RequestKind, "it")))
REQUEST_TEXT = Field("TestoRichiesta", "B13", "Testo richiesta",
                     "«Apri richiesta»: che cosa chiede il cliente; «Registra azione»: che cosa è stato fatto; "
                     "«Chiudi richiesta»: come si è risolta (facoltativo).", "text")

PERIOD_FROM = Field("PeriodoDal", "B14", "Dal",
                    "Il primo giorno del periodo: «Provvigioni», «Liquida sconti volume» (un mese, un trimestre o un "
                    "anno intero) e «Report» contano ordini, DDT o fatture datati da qui ad «Al». Lo scadenziario non "
                    "lo usa: sono i crediti aperti il giorno «Al».", "date")
PERIOD_TO = Field("PeriodoAl", "B15", "Al",
                  "L'ultimo giorno del periodo (provvigioni, sconti volume, report); per lo scadenziario, il giorno a "
                  "cui guardare i crediti aperti.", "date")
REPORT_KIND = Field("TipoReport", "B16", "Tipo di report",
                    "«Report»: che cosa riassumere nel periodo (lo scadenziario: i crediti aperti all'ultimo giorno).",
                    "list", tuple(it for it, _en in KIND_LABELS.values()))
CREDIT_LINES = Field("NotaRighe", "B17", "Righe da accreditare",
                     "«Nota di credito»: facoltative, es. 1,3 oppure 2:4 (4 unità della riga 2); vuota: tutta la "
                     "fattura di «Fattura».", "text")
CREDIT_REASON = Field("NotaMotivo", "B18", "Motivo nota di credito",
                      f"«Nota di credito», «Nota di debito»: perché, es. merce non consegnata, trasporto non "
                      f"fatturato (la causale, fino a {REASON_LENGTH} caratteri); «Nessun accredito dovuto»: perché, "
                      "es. già rimborsato con NC-2026-00001.", "text")

RETURNS_CREDIT_DATE = Field("NotaDataResi", "B19", "Data note di credito dei resi",
                            "«Fatturazione fine mese»: facoltativa, la data delle note di credito dei resi, dalla "
                            "data delle fatture a oggi (vuota: la stessa delle fatture).", "date")

DDT = Field("NumeroDDT", "B20", "DDT da annullare",
            "«Annulla DDT»: il numero del DDT emesso per errore, es. DDT-2026-00041.", "text")
DDT_REASON = Field("MotivoAnnulloDDT", "B21", "Motivo annullo DDT",
                   f"«Annulla DDT»: facoltativo, perché, es. il camion non è partito (fino a {REASON_LENGTH} "
                   "caratteri).", "text")

DEBIT_AMOUNT = Field("NotaDebitoImporto", "B22", "Importo nota di debito",
                     "«Nota di debito»: l'imponibile da aggiungere alla fattura di «Fattura», in euro senza IVA, più "
                     "di zero, es. 150,50.", "amount")
DEBIT_RATE = Field("NotaDebitoAliquota", "B23", "Aliquota nota di debito",
                   "«Nota di debito»: facoltativa, solo per una fattura di più aliquote: quella della merce o del "
                   "servizio a cui si aggiunge, es. 22, 10 o N3.5.", "text")

FIELDS: tuple[Field, ...] = (ORDER_DATE, INVOICE, PAID_ON, AMOUNT_PAID, METHOD, ORDER, STATUS, RUN,
                             REQUEST, REQUEST_KIND, REQUEST_TEXT, PERIOD_FROM, PERIOD_TO, REPORT_KIND,
                             CREDIT_LINES, CREDIT_REASON, RETURNS_CREDIT_DATE, DDT, DDT_REASON, DEBIT_AMOUNT, DEBIT_RATE)
"""In the order of the panel's rows, from B3 down; each on the row its cell names (rows no field
uses stay empty)."""

MISSING = define(
    "panel-missing-value", "error",
    it="Scrivi «{label}» nella cella {cell} del foglio Pannello, poi riprova.",
    en="Write “{label}” in cell {cell} of the Pannello sheet, then try again.")
NAME_GONE = define(
    "panel-name-missing", "error",
    it="Il foglio Pannello non ha più la cella di nome {name} («{label}», in {cell}): ridefinisci il nome in Formule "
       "› Gestione nomi, {name} su Pannello!{cell}, poi premi di nuovo il pulsante.",
    en="The Pannello sheet no longer has the cell named {name} (“{label}”, at {cell}): define the name again under "
       "Formulas › Name Manager, {name} on Pannello!{cell}, then press the button again.")
BAD_DATE = define(
    "panel-bad-date", "error",
    it="«{value}» non è una data: scrivila come 09/04/2026.",
    en="“{value}” is not a date: write it as 09/04/2026.")
NO_SUCH_DAY = define(
    "panel-no-such-day", "error",
    it="«{value}» non esiste: il mese {month} ha {days} giorni. Correggi il giorno.",
    en="“{value}” does not exist: month {month} has {days} days. Correct the day.")
BAD_AMOUNT = define(
    "panel-bad-amount", "error",
    it="«{value}» non è un importo: scrivi un importo in euro e centesimi diverso da zero, es. 1234,56.",
    en="“{value}” is not an amount: write an amount in euro and cents other than zero, e.g. 1234.56.")
BAD_CHOICE = define(
    "panel-bad-choice", "error",
    it="«{value}» non è tra le scelte di «{label}»: usa una di {options}.",
    en="“{value}” is not one of the choices for “{label}”: use one of {options}.")
OUT_OF_RANGE = define(
    "panel-date-out-of-range", "error",
    it="«{value}» è fuori dalle date ammesse: scrivi in «{label}» una data fra il {first} e il {last}, es. 09/04/2026.",
    en="“{value}” is out of range: write in “{label}” a date between {first} and {last}, e.g. 09/04/2026.")
PERIOD_BEFORE_START = define(
    "panel-period-reversed", "error",
    it="Il periodo finisce il {last}, prima di cominciare ({first}): correggi le date «Dal» e «Al».",
    en="The period ends on {last}, before it starts ({first}): correct the “Dal” and “Al” dates.")


BAD_REQUEST = define(
    "panel-bad-request", "error",
    it="«{value}» non è il numero di una richiesta: scrivi il numero che l'elenco delle richieste mostra, es. 12.",
    en="“{value}” is not a request number: write the number the list of requests shows, e.g. 12.")
BAD_LINES = define(
    "panel-bad-credit-lines", "error",
    it="«{value}» non sono righe della fattura: scrivi i numeri di riga, es. 1,3 oppure 2:4 per 4 unità della riga 2; "
       "lascia vuota la cella per accreditare tutta la fattura.",
    en="“{value}” are not lines of the invoice: write line numbers, e.g. 1,3, or 2:4 for 4 units of line 2; leave "
       "the cell empty to credit the whole invoice.")
LONG_REASON = define(
    "panel-long-reason", "error",
    it="Il motivo è lungo {length} caratteri: accorcialo a {limit} al massimo (è la causale della fattura "
       "elettronica).",
    en="The reason is {length} characters long: shorten it to {limit} at most (it is the e-invoice's Causale).")
LONG_NO_CREDIT_REASON = define(
    "panel-long-no-credit-reason", "error",
    it="Il motivo è lungo {length} caratteri: accorcialo a {limit} al massimo.",
    en="The reason is {length} characters long: shorten it to {limit} at most.")
UNSENDABLE_REASON = define(
    "panel-reason-characters", "error",
    it="Il motivo contiene caratteri che la fattura elettronica non accetta ({chars}): toglili (la causale va "
       "allo SDI così com'è scritta).",
    en="The reason holds characters the e-invoice does not accept ({chars}): take them out (the Causale goes to "
       "SDI as written).")


def name_gone(name: str) -> Problem:
    """The panel cell named `name` no longer there (its name deleted, or lost with its row), at
    the cell the name stood for, with the way to define it again."""
    field = next(f for f in FIELDS if f.name == name)
    return NAME_GONE(where(field), name=name, label=field.label, cell=field.cell)


def where(field: Field) -> Location:
    return Location(PANEL, field.cell)


def missing(field: Field) -> Problem:
    """`field` left empty where a value is needed: at its cell, naming its label."""
    return MISSING(where(field), label=field.label, cell=field.cell)


def blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text(field: Field, value: Any, problems: list[Problem]) -> str:
    """A code as typed (`cell_text`: a whole number Excel stored as 12.0 reads "12")."""
    if blank(value):
        problems.append(missing(field))
        return ""
    return cell_text(value)


def day(field: Field, value: Any, problems: list[Problem]) -> date | None:
    """A date cell, within the days the command line's date options take (`dates.in_range`)."""
    if blank(value):
        problems.append(missing(field))
        return None
    try:
        found = to_date(value)
        if in_range(found):
            return found
        problems.append(out_of_range(field, found))
    except ImpossibleDate as wrong:
        problems.append(NO_SUCH_DAY(where(field), value=value, month=wrong.month_shown, days=wrong.days))
    except NotADate:
        problems.append(BAD_DATE(where(field), value=value))
    return None


def optional_day(field: Field, value: Any, problems: list[Problem]) -> date | None:
    """A date cell the user may leave empty: None then, else read as `day` reads it."""
    return None if blank(value) else day(field, value, problems)


def out_of_range(field: Field, found: date) -> Problem:
    """A date outside `FIRST_DAY`..`LAST_DAY` in `field`: at its cell, saying what it may hold."""
    return OUT_OF_RANGE(where(field), value=found, label=field.label, first=FIRST_DAY, last=LAST_DAY)


def amount(field: Field, value: Any, problems: list[Problem]) -> Decimal | None:
    """Euro and cents, not zero, within the toolkit's bounds."""
    if blank(value):
        problems.append(missing(field))
        return None
    try:
        found = to_decimal(value)
    except NotANumber:
        problems.append(BAD_AMOUNT(where(field), value=value))
        return None
    if found.is_finite() and AMOUNT.admits(found) and found != 0:
        rounded = cents(found)
        if abs(rounded - found) < Decimal("0.000001"):
            return rounded
    problems.append(BAD_AMOUNT(where(field), value=value))
    return None


def debit_amount(field: Field, value: Any, problems: list[Problem]) -> Decimal | None:
    """The taxable amount a debit note adds, as `invoice debit --amount` takes it: euro and
    cents, more than zero (a negative one is a credit note's)."""
    found = amount(field, value, problems)
    if found is not None and found < 0:
        problems.append(BAD_DEBIT(where(field), typed=value, **AMOUNT.params(value)))
        return None
    return found


def optional_text(field: Field, value: Any) -> str | None:
    """A code the user may leave empty: None then, else read as `text` reads it."""
    return None if blank(value) else text(field, value, [])


def choice(field: Field, value: Any, problems: list[Problem], pick: Callable[[str], C], *,
           required: bool = True) -> C | None:
    """A dropdown's choice, as `pick` reads a person's word (Italian, English or the code;
    `ValueError` when none): an error naming the dropdown's options for a word it does not
    know; blank, None, with an error unless not `required`."""
    if blank(value):
        if required:
            problems.append(missing(field))
        return None
    try:
        return pick(str(value))
    except ValueError:
        problems.append(BAD_CHOICE(where(field), value=value, label=field.label, options=", ".join(field.options)))
        return None


def method(field: Field, value: Any, problems: list[Problem]) -> PaymentMethod | None:
    """A payment method by any of its words; blank is none."""
    return choice(field, value, problems, partial(parse, PaymentMethod), required=False)


def status(field: Field, value: Any, problems: list[Problem]) -> OrderStatus | None:
    """An order status by its Italian or English label, or its code (`in-progress`)."""
    return choice(field, value, problems, parse_status)


def report_kind(field: Field, value: Any, problems: list[Problem]) -> Kind | None:
    """A report kind as `toolkit report` takes it: the dropdown's label, the short Italian word
    (`vendite`), the English label or the code (`customer-products`)."""
    return choice(field, value, problems, KINDS.pick)


def request_kind(field: Field, value: Any, problems: list[Problem]) -> RequestKind | None:
    """A request's kind by any of its words, Italian or English (`reclamo`, `complaint`)."""
    return choice(field, value, problems, partial(parse, RequestKind))


def request_number(field: Field, value: Any, problems: list[Problem]) -> int | None:
    """A request's number, a whole number as the list shows it (Excel may store 12.0), never past
    the last the ledger can number (`LAST_REQUEST`: 1E+308 was an internal error)."""
    if blank(value):
        problems.append(missing(field))
        return None
    found = cell_text(value)
    if isinstance(value, bool) or not found.isdigit() or not 0 < int(found) <= LAST_REQUEST:
        problems.append(BAD_REQUEST(where(field), value=value))
        return None
    return int(found)


def credit_lines(field: Field, value: Any, problems: list[Problem]) -> Asked:
    """The invoice lines to credit, as `--lines` takes them (`1,3`, `2:4`); blank is the whole
    invoice. A number Excel stored as 2.0 is line 2."""
    if blank(value):
        return []
    try:
        return parse_lines(cell_text(value))
    except AmbiguousLines as bad:
        problems.append(bad.problem(where(field)))
        return []
    except RepeatedLines as bad:
        problems.append(bad.problem(f"«{field.label}»", where(field)))
        return []
    except ValueError:
        problems.append(BAD_LINES(where(field), value=value))
        return []


def reason(field: Field, value: Any, problems: list[Problem]) -> str:
    """A credit note's reason as the note keeps it (`causale`: typographic quotes, dashes and €
    folded as the e-invoice folds them): not blank, only characters FatturaPA carries, not
    longer than its Causale."""
    typed = text(field, value, problems)
    if not typed:
        return ""
    try:
        return causale(typed)
    except ValueError as bad:
        folded = fold(" ".join(typed.split())) or ""
        problems.append(UNSENDABLE_REASON(where(field), chars=str(bad)) if str(bad) else
                        LONG_REASON(where(field), length=len(folded), limit=REASON_LENGTH))
        return ""


def void_reason(field: Field, value: Any, problems: list[Problem]) -> str | None:
    """Why a DDT is voided, as `ddt void --reason` takes it (`ddt_void.reason_given`): None when
    blank, never longer than a credit note's reason."""
    if blank(value):
        return None
    typed = cell_text(value)
    try:
        return ddt_reason_given(typed)
    except ValueError:
        problems.append(LONG_NO_CREDIT_REASON(where(field), length=len(" ".join(typed.split())), limit=REASON_LENGTH))
        return None


def no_credit_reason(field: Field, value: Any, problems: list[Problem]) -> str:
    """Why a return gets no credit note, as `returns no-credit --reason` takes it
    (`no_credit.reason_given`): not blank, not longer than a credit note's reason. It stays in
    the ledger and never reaches SDI, so any character goes."""
    typed = text(field, value, problems)
    if not typed:
        return ""
    given = reason_given(typed)
    if given is None:
        problems.append(LONG_NO_CREDIT_REASON(where(field), length=len(" ".join(typed.split())), limit=REASON_LENGTH))
        return ""
    return given
