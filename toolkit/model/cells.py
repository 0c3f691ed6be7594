"""What a cell may hold: the types of the master-data fields, checked by pydantic.

Each type is an `Annotated` type whose `Cell` marker is a pydantic validator with two modes.
Lax (the default) reads what a user typed: `12,50`, `22%`, `09/04/2026`, `lun-ven`, `sì`,
`Bonifico`, a partita IVA with or without `IT`; a value it cannot read raises a
`PydanticCustomError` whose type is the code of the problem the data check reports, and whose
context holds that problem's parameters, so the message names the value and says how to fix it.
Strict (`strict=True`) only checks, in pydantic's core, that a value is already of the type the
cell holds: the reader validates each distinct cell once, then makes the records from those
values with that check alone (`toolkit.model.records.from_values`).

Numbers go through `toolkit.basics.money.to_decimal` and dates through
`toolkit.basics.dates.to_date`: the single doors for floats and day-first text.

>>> from pydantic import TypeAdapter, ValidationError
>>> from toolkit.basics.vocab import PaymentMethod
>>> TypeAdapter(Percent).validate_python("22%"), TypeAdapter(Weekdays).validate_python("lun-mer")
(Decimal('22'), (0, 1, 2))
>>> TypeAdapter(Choice[PaymentMethod]).validate_python("Ri.Ba.")
<PaymentMethod.RIBA: 'riba'>
>>> try:
...     TypeAdapter(Quantity).validate_python("abc")
... except ValidationError as bad:
...     error = bad.errors()[0]
>>> error["type"], error["ctx"]
('not-a-number', {'value': 'abc'})
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import GetCoreSchemaHandler, TypeAdapter, ValidationError
from pydantic_core import PydanticCustomError, core_schema
from stdnum.ch import uid as swiss_uid
from stdnum.exceptions import ValidationError as NotAnId
from stdnum.it import codicefiscale, iva

from toolkit.basics import tax_regimes, vat_ids, vocab
from toolkit.basics.cell_text import cell_text
from toolkit.basics.cells import Location
from toolkit.basics.dates import ImpossibleDate, NotADate, NoYear, day_and_month, month_named, months_of, to_date
from toolkit.basics.limits import AMOUNT, OUT_OF_RANGE, PRICE, QUANTITY, SHARE_CAPITAL, UNIT_PRICE_PLACES, Limit
from toolkit.basics.money import AmbiguousNumber, NotANumber, to_decimal
from toolkit.basics.problems import Problem, ProblemType, define, problem_type

NOT_A_NUMBER = define(
    "not-a-number", "error",
    it="«{value}» non è un numero: scrivi un numero (es. 12 o 12,50).",
    en="“{value}” is not a number: write a number (e.g. 12 or 12.50).")
AMBIGUOUS_NUMBER = define(
    "ambiguous-number", "error",
    it="«{value}» si legge in due modi: {thousands} se il punto separa le migliaia, {decimals} se separa i "
       "decimali. Scrivi il numero che intendi senza punto: {thousands} o {decimals}.",
    en="“{value}” reads two ways: {thousands} if the dot groups thousands, {decimals} if it marks decimals. "
       "Write the number you mean without the dot: {thousands} or {decimals}.")
CAPITAL_NOT_AN_AMOUNT = define(
    "share-capital-not-an-amount", "error",
    it="«{value}» non si legge come un capitale in euro: scrivilo come la visura, l'importo con l'euro o senza e "
       "i.v. se interamente versato (es. 10000, 10.000,00, € 10.000,00 i.v., Euro 10.000,00 interamente versato); "
       "se è versato solo in parte, scrivi la parte versata in «Capitale versato».",
    en="“{value}” does not read as a capital in euro: write it as the registration does, the amount with or "
       "without the euro and i.v. if paid in full (e.g. 10000, 10.000,00, € 10.000,00 i.v., Euro 10.000,00 "
       "interamente versato); if only part is paid in, write that part in “Paid-in capital”.")
NOT_AN_INTEGER = define(
    "not-an-integer", "error",
    it="«{value}» non è un numero intero: scrivi un numero senza decimali (es. 2).",
    en="“{value}” is not a whole number: write a number without decimals (e.g. 2).")
NOT_A_DATE = define(
    "not-a-date", "error",
    it="«{value}» non è una data valida: scrivi una data come 09/04/2026.",
    en="“{value}” is not a valid date: write a date such as 09/04/2026.")
DATE_WITHOUT_YEAR = define(
    "date-without-year", "error",
    it="«{value}» non dice l'anno: scrivi la data intera, {day_month}/AAAA con il suo anno (es. {day_month}/{year}).",
    en="“{value}” does not say the year: write the whole date, {day_month}/YYYY with its year (e.g. "
       "{day_month}/{year}).")
DATE_OUT_OF_RANGE = define(
    "date-out-of-range", "error",
    it="«{value}» non è una data di questi anni: scrivi una data dal 01/01/1950 in poi, come 09/04/2026 "
       "(un numero scritto da solo, come 15, Excel lo conta come giorni dal 1900).",
    en="“{value}” is not a date of these years: write a date from 01/01/1950 on, such as 09/04/2026 "
       "(a number typed alone, such as 15, Excel counts as days since 1900).")
OLDEST_DAY = date(1950, 1, 1)
"""The first day a master date may name. Any number a desk types alone, a day (15) or a year
(2026, 18/07/1905 to Excel), falls before it; a price list valid since 1999, a VAT rate since
1997 or an old stock count are real dates and read (the actions' `FIRST_DAY`, 2000, is for the
days a user asks about, not for the master's history)."""
NO_SUCH_DAY = define(
    "no-such-day", "error",
    it="«{value}» non esiste: il mese {month} ha {days} giorni. Correggi il giorno.",
    en="“{value}” does not exist: month {month} has {days} days. Correct the day.")
NOT_A_CHOICE = define(
    "not-a-choice", "error",
    it="«{value}» non è un valore ammesso: scegli uno fra {allowed_it}.",
    en="“{value}” is not an allowed value: choose one of {allowed_en}.")
NOT_YES_NO = define(
    "not-yes-no", "error",
    it="«{value}» non è sì/no: scrivi «sì» oppure «no».",
    en="“{value}” is not yes/no: write “yes” or “no”.")
NOT_WEEKDAYS = define(
    "not-weekdays", "error",
    it="«{value}» non è un elenco di giorni: scrivi ad es. «lun,mer,ven» o «lun-ven».",
    en="“{value}” is not a list of weekdays: write e.g. “mon,wed,fri” or “mon-fri”.")
NOT_A_PERCENT = define(
    "not-a-percent", "error",
    it="«{value}» non è una percentuale fra 0 e 100: scrivi ad es. 22.",
    en="“{value}” is not a percentage between 0 and 100: write e.g. 22.")
NOT_A_MARKUP = define(
    "not-a-markup", "error",
    it="«{value}» non è una variazione percentuale fra -99 e 1000: scrivi ad es. 10 per +10 % o -5 per -5 %.",
    en="“{value}” is not a percentage change between -99 and 1000: write e.g. 10 for +10 % or -5 for -5 %.")
BAD_EMAIL = define(
    "bad-email", "error",
    it="«{value}» non è un indirizzo e-mail: scrivi ad es. nome@dominio.it.",
    en="“{value}” is not an e-mail address: write e.g. name@domain.it.")
BAD_DAY_MONTH = define(
    "bad-day-month", "error",
    it="«{value}» non è un giorno/mese: scrivi ad es. 07/12 o «7 dic» per il 7 dicembre.",
    en="“{value}” is not a day/month: write e.g. 07/12 or “7 dic” for 7 December.")
BAD_NUMBERS_BEFORE = define(
    "bad-numbers-before", "error",
    it="«{value}» non dice da dove continuare la numerazione: scrivi per ogni serie la serie, l'ultimo numero "
       "emesso prima del toolkit e il suo anno, separati da virgole (es. FT 345/2026, NC 12/2026, DDT 1200/2026), "
       "e SDI con l'ultimo progressivo dei file delle fatture elettroniche (es. SDI 412).",
    en="“{value}” does not say where numbering goes on: write for each series the series, the last number issued "
       "before the toolkit and its year, separated by commas (e.g. FT 345/2026, NC 12/2026, DDT 1200/2026), and "
       "SDI with the last progressive of the e-invoice files (e.g. SDI 412).")
DAY_MONTH_WITHOUT_DAY = define(
    "day-month-without-day", "error",
    it="«{value}» dice il mese ma non il giorno: scrivi il giorno e il mese, es. {example}.",
    en="“{value}” says the month but not the day: write the day and the month, e.g. {example}.")
DAY_OF_MONTH_NAMES_A_MONTH = define(
    "day-of-month-names-a-month", "error",
    it="«{value}» dice anche un mese, ma la cella vuole il solo giorno del mese, che vale per ogni mese: scrivi "
       "{day} (se in Excel diventa una data, formatta la cella come Numero o Testo).",
    en="“{value}” names a month too, but the cell takes the day of the month alone, which holds for every month: "
       "write {day} (if Excel turns it into a date, format the cell as Number or Text).")
NOT_MONTHS = define(
    "not-months", "error",
    it="«{value}» non è un elenco di mesi: scrivi i mesi per nome o numero separati da virgole, es. «ago,dic» "
       "o «8,12» (Excel legge «8,12» scritto da solo come un numero: scrivi «ago,dic»).",
    en="“{value}” is not a list of months: write the months by name or number separated by commas, e.g. "
       "“ago,dic” or “8,12” (Excel reads “8,12” typed alone as a number: write “ago,dic”).")
EVERY_MONTH_EXCLUDED = define(
    "every-month-excluded", "error",
    it="«{value}» esclude tutti i dodici mesi: nessuna scadenza potrebbe cadere. Scrivi solo i mesi in cui il "
       "cliente non paga, es. «ago,dic».",
    en="“{value}” excludes all twelve months: no due date could fall anywhere. Write only the months the customer "
       "does not pay in, e.g. “ago,dic”.")
NOT_A_DUE_DAY = define(
    "not-a-due-day", "error",
    it="«{value}» non è un giorno del mese: scrivi un giorno da 1 a 31 (es. 10) oppure «FM» per la fine del mese.",
    en="“{value}” is not a day of the month: write a day from 1 to 31 (e.g. 10) or “FM” for the month's end.")
NOT_A_COUNTRY = define(
    "not-a-country-code", "error",
    it="«{value}» non è un codice di paese: scrivi le due lettere del suo codice ISO (IT per l'Italia, SM, FR, DE, "
       "CH…), come lo porta la fattura elettronica; vuoto vale IT.",
    en="“{value}” is not a country code: write the two letters of its ISO code (IT for Italy, SM, FR, DE, CH…), as "
       "the e-invoice carries it; empty means IT.")
COUNTRY_NAMED = define(
    "country-named", "error",
    it="«{value}» è il nome di un paese, non il suo codice: scrivi {code}, le due lettere che porta la fattura "
       "elettronica.",
    en="“{value}” names a country instead of giving its code: write {code}, the two letters the e-invoice carries.")
PRICE_DECIMALS_ROUNDED = define(
    "price-decimals-rounded", "warning",
    title=("Prezzo con più di 6 decimali, arrotondato", "Price with more than 6 decimals, rounded"),
    it="Il prezzo «{value}» ha più di 6 decimali, più di quanti ne tiene il registro: è preso come {kept} "
       "(arrotondato al sesto decimale), negli ordini, nei DDT e nelle fatture. Se intendevi un altro prezzo "
       "correggilo; per non avere l'avviso scrivilo con al massimo 6 decimali (in una formula: ARROTONDA(…;6)).",
    en="Price “{value}” has more than 6 decimals, more than the ledger keeps: it is taken as {kept} (rounded to the "
       "sixth decimal) on orders, DDTs and invoices. If you meant another price correct it; to clear the warning "
       "write it with 6 decimals at most (in a formula: ROUND(…;6)).")
PERCENT_FROM_FRACTION = define(
    "percent-from-fraction", "warning",
    title=("Numero sotto 1 letto come percentuale", "Number below 1 read as a percentage"),
    it="«{value}» è letto come {percent} %: un numero sotto 1, in una cella non formattata come percentuale, è "
       "preso come frazione (0,5 = 50 %). Se intendevi {value} %, scrivi «{value}%»; se intendevi {percent} %, "
       "scrivi {percent} e l'avviso sparisce.",
    en="“{value}” is read as {percent} %: a number below 1, in a cell not formatted as a percentage, is taken as "
       "a fraction (0.5 = 50 %). If you meant {value} %, write “{value}%”; if you meant {percent} %, write "
       "{percent} and the warning goes.")
TOO_MANY_DECIMALS = define(
    "too-many-decimals", "error",
    it="«{value}» ha più di tre decimali: scrivi una quantità con al massimo tre decimali (es. 1,125).",
    en="“{value}” has more than three decimals: write a quantity with three decimals at most (e.g. 1.125).")
INVALID_VAT_NUMBER = define(
    "invalid-vat-number", "error",
    it="La partita IVA «{value}» non è valida (11 cifre con cifra di controllo): controlla di averla copiata bene; "
       "per un cliente estero scrivila con il prefisso del suo paese (es. DE123456789).",
    en="VAT number “{value}” is not valid (11 digits with a check digit): check that it was copied correctly; "
       "for a customer abroad write it with its country prefix (e.g. DE123456789).")
INVALID_FOREIGN_VAT_NUMBER = define(
    "invalid-foreign-vat-number", "error",
    it="La partita IVA estera «{value}» non ha la forma dei numeri con prefisso {prefix} (lettere, cifre, "
       "lunghezza): controlla di averla copiata bene, prefisso del paese compreso.",
    en="Foreign VAT number “{value}” does not have the shape of numbers prefixed {prefix} (letters, digits, "
       "length): check that it was copied correctly, country prefix included.")
SWISS_UID_CHECK_DIGIT = define(
    "invalid-swiss-uid", "error",
    it="Il numero IVA svizzero «{value}» non è un numero IDI valido: la sua ultima cifra, di controllo, non "
       "corrisponde alle altre. Controlla di averlo copiato bene dalla fattura o dal registro IDI del cliente "
       "(es. CHE-116.281.710 MWST).",
    en="Swiss VAT number “{value}” is not a valid UID: its last digit, the check digit, does not match the others. "
       "Check that it was copied correctly from the customer's invoice or the UID register (e.g. "
       "CHE-116.281.710 MWST).")
GREEK_VAT_WRITTEN_GR = define(
    "greek-vat-written-gr", "error",
    it="La partita IVA greca «{value}» ha il prefisso GR: VIES e la fattura elettronica la vogliono con EL; "
       "scrivila {fixed} (il Paese resta GR).",
    en="Greek VAT number “{value}” has the prefix GR: VIES and the e-invoice want it with EL; write it {fixed} "
       "(the country stays GR).")
INVALID_TAX_CODE = define(
    "invalid-tax-code", "error",
    it="Il codice fiscale «{value}» non è valido: controlla di averlo copiato bene.",
    en="Tax code “{value}” is not valid: check that it was copied correctly.")
NOT_A_TAX_REGIME = define(
    "not-a-tax-regime", "error",
    it="«{value}» non è un regime fiscale della fattura elettronica: scrivi il suo codice, uno fra {codes} "
       "(RF01 ordinario, RF02 contribuenti minimi, RF19 forfettario).",
    en="“{value}” is not an e-invoice tax regime: write its code, one of {codes} (RF01 ordinary, RF02 "
       "contribuenti minimi, RF19 flat-rate forfettario).")
NOT_A_LEDGER_SETTING = define(
    "not-a-ledger-setting", "error",
    it="«{value}» non indica un registro: scrivi «condiviso» se questa cartella di lavoro usa il registro "
       "PostgreSQL del team, oppure il suo indirizzo senza password (es. postgresql://server-db/ordini); lascia "
       "la cella vuota per il registro accanto alla cartella.",
    en="“{value}” does not name a ledger: write “condiviso” (shared) if this workbook uses the team's "
       "PostgreSQL ledger, or its address without a password (e.g. postgresql://server-db/ordini); leave the "
       "cell empty for the ledger beside the workbook.")
LEDGER_PASSWORD_IN_WORKBOOK = define(
    "ledger-password-in-workbook", "error",
    it="L'indirizzo del registro {value} contiene una password: chiunque apra la cartella di lavoro, o una sua "
       "copia, la leggerebbe. Scrivi l'indirizzo senza password ({without}) e tieni la password fuori dalla "
       "cartella: nel file pgpass di PostgreSQL (~/.pgpass, su Windows %APPDATA%\\postgresql\\pgpass.conf) o "
       "nella variabile PGPASSWORD.",
    en="The ledger's address {value} holds a password: anyone opening the workbook, or a copy of it, would read "
       "it. Write the address without the password ({without}) and keep the password out of the workbook: in "
       "PostgreSQL's password file (~/.pgpass, on Windows %APPDATA%\\postgresql\\pgpass.conf) or in the "
       "PGPASSWORD variable.")

LEDGER_SETTING_NO_DATABASE = define(
    "ledger-setting-no-database", "error",
    it="L'indirizzo del registro {value} non indica il database: senza, ognuno si collegherebbe al database che "
       "porta il suo nome utente, e ogni collega avrebbe un registro suo. Scrivi il nome del database dopo il "
       "server (es. postgresql://server-db/ordini).",
    en="The ledger's address {value} names no database: without one, each would connect to the database named "
       "after their own user, and each colleague would have a ledger of their own. Write the database's name "
       "after the server (e.g. postgresql://server-db/ordini).")
LEDGER_SETTING_SLASH = define(
    "ledger-setting-slash-in-database", "error",
    it="L'indirizzo del registro {value} ha una «/» dopo il nome del database: PostgreSQL cercherebbe il database "
       "«{database}», che non è quello del team. Scrivi l'indirizzo senza la «/» finale: {fixed}.",
    en="The ledger's address {value} has a “/” after the database's name: PostgreSQL would look for the database "
       "“{database}”, which is not the team's. Write the address without the trailing “/”: {fixed}.")
LEDGER_SETTING_BAD_PORT = define(
    "ledger-setting-bad-port", "error",
    it="La porta «{port}» dell'indirizzo del registro {value} non è un numero di porta: scrivi dopo i «:» la porta "
       "del server PostgreSQL (di solito 5432, che si può anche omettere: postgresql://server-db/ordini).",
    en="The port “{port}” of the ledger's address {value} is not a port number: write after the “:” the "
       "PostgreSQL server's port (usually 5432, which may be left out: postgresql://server-db/ordini).")


class Kind(StrEnum):
    """The name of a cell type, as the format document shows it."""

    TEXT = "text"
    CODE = "code"
    INTEGER = "integer"
    QUANTITY = "quantity"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"
    BOOL = "yes/no"
    CHOICE = "choice"
    WEEKDAYS = "weekdays"
    VAT_NUMBER = "VAT number"
    TAX_CODE = "tax code"
    EMAIL = "e-mail"
    DAY_MONTH = "day/month"
    NUMBERS_BEFORE = "series numbers"
    MONTHS = "months"
    DUE_DAY = "day of month"


CODE_KINDS = frozenset({Kind.TEXT, Kind.CODE, Kind.VAT_NUMBER, Kind.TAX_CODE})
"""The kinds of the format's columns that hold codes a number format may pad with zeros
(`RawSheet.padded`, and the live book's `excel.book.read_master`): a code, a partita IVA, a
CAP, a telephone; a date or a choice is no code."""


@dataclass(frozen=True, eq=False)
class Cell:
    """The validator of one cell type: `read` turns a non-empty cell into the typed value (lax
    mode), `holds` is that value's type (all strict mode checks)."""

    kind: Kind
    read: Callable[[Any], Any]
    holds: type
    choice: type[StrEnum] | None = None
    """The vocabulary of a choice."""
    read_str: Callable[[str], Any] | None = None
    """What `read` does to a text cell, when a builtin does it: pydantic's core then calls the
    builtin straight away. Text columns hold most of a workbook's cells."""
    limit: Limit | None = None
    """The largest number the cell may hold, either way (`toolkit.basics.limits`)."""
    listed: tuple[str, ...] = ()
    """The values a workbook's dropdown offers for the cell, when they are a fixed list of codes."""
    warns: Callable[[Any, Any], Taken | None] | None = None
    """What the cell warns of, given the cell as typed and the value read, when the desk may have
    meant another: the value taken (a price rounded to the ledger's decimals, `_kept_price`; a
    fraction read as a percentage, `_fraction_read`), the warning and its parameters; None for
    most values. Asked once per distinct value (`toolkit.intake.validation.columns`)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        lax: core_schema.CoreSchema = core_schema.no_info_plain_validator_function(self.read)
        if self.read_str is not None:
            lax = core_schema.tagged_union_schema(
                {True: core_schema.no_info_plain_validator_function(self.read_str), False: lax},
                discriminator=str.__instancecheck__)
        return core_schema.lax_or_strict_schema(lax_schema=lax, strict_schema=core_schema.is_instance_schema(self.holds))


Taken = tuple[Any, ProblemType, dict[str, Any]]
"""A value a cell takes with a warning: the value, the warning, its parameters (`Cell.warns`)."""


def refuse(kind: ProblemType, **params: Any) -> NoReturn:
    """Fail validation with the problem the data check reports: its code and parameters."""
    raise PydanticCustomError(kind.code, kind.templates["en"], params)


to_text = cell_text
"""A text cell's value as typed (`toolkit.basics.cell_text`)."""


def _number(value: Any) -> Decimal:
    try:
        return to_decimal(value)
    except AmbiguousNumber:
        refuse(AMBIGUOUS_NUMBER, value=value, **_two_readings(to_text(value)))
    except NotANumber:
        refuse(NOT_A_NUMBER, value=value)


def _two_readings(text: str) -> dict[str, str]:
    """The two numbers «1.500» may be, as the sheet takes them typed again without the dot:
    the message names the user's own number, not an example (a desk typing 1.000 was told of
    fifteen hundred).

    >>> _two_readings("1.500"), _two_readings("1.000 €")
    ({'thousands': '1500', 'decimals': '1,5'}, {'thousands': '1000', 'decimals': '1'})
    >>> _two_readings("-12.250")
    {'thousands': '-12250', 'decimals': '-12,25'}
    """
    whole, fraction = re.sub(r"[^\d.+-]", "", text).split(".")
    fraction = fraction.rstrip("0")
    return {"thousands": whole + fraction.ljust(3, "0"), "decimals": f"{whole},{fraction}" if fraction else whole}


def _bounded(limit: Limit) -> Callable[[Any], Decimal]:
    """A number within the limit: one the ledger can store, and multiply, exactly."""
    def read(value: Any) -> Decimal:
        number = _number(value)
        if not limit.admits(number):
            refuse(OUT_OF_RANGE, **limit.params(value))
        return number

    return read


def _share_capital(value: Any) -> Decimal:
    """The capital as a company's letterhead and registration write it, `10.000,00 i.v.`,
    `€ 50.000`, `Euro 10.000,00 interamente versato`, `EUR 10.000`, `10.000,00 euro`, where the
    desk copying it was refused a number and every run stopped: the euro, as a sign or a word,
    before or after the amount, and *i.v.* (*interamente versato*, paid in full: what *Capitale
    versato* says otherwise) after it are no part of the amount CapitaleSociale carries; and a
    dot before three digits groups thousands, as an amount in euro has no third decimal
    (`50.000`, which a quantity may mean either way, was refused as reading two ways). Anything
    else is refused saying these shapes (`share-capital-not-an-amount`), not a bare *not a
    number*.

    >>> _share_capital("10.000,00 i.v."), _share_capital("€ 50.000 (interamente versato)"), _share_capital(10000)
    (Decimal('10000.00'), Decimal('50000'), Decimal('10000'))
    >>> _share_capital("Euro 10.000,00 interamente versato"), _share_capital("EUR 10.000"), _share_capital("10.000 € i.v.")
    (Decimal('10000.00'), Decimal('10000'), Decimal('10000'))
    """
    typed = value
    if isinstance(value, str):
        amount = _CAPITAL.fullmatch(value) if len(value) <= _CAPITAL_LENGTH else None
        if amount is None:
            refuse(CAPITAL_NOT_AN_AMOUNT, value=typed)
        value = amount["amount"]
    try:
        number = to_decimal(value)
    except AmbiguousNumber:
        number = Decimal(_two_readings(to_text(value))["thousands"])
    except NotANumber:
        refuse(CAPITAL_NOT_AN_AMOUNT, value=typed)
    if not SHARE_CAPITAL.admits(number):
        refuse(OUT_OF_RANGE, **SHARE_CAPITAL.params(typed))
    return number


_EURO = r"(?:€|eur(?:o)?\b\.?)"
_PAID_IN_FULL = r"i\.?\s*v\.?|interamente\s+versato"
"""*i.v.* (*interamente versato*, paid in full), as a capital's cell or its row's name says it."""
_CAPITAL = re.compile(
    rf"\s*(?:cap(?:itale)?\.?\s*soc(?:iale)?\.?:?\s*)?{_EURO}?\s*(?P<amount>[-+]?\d(?:[\d.,'\s\xa0\u202f]*\d)?)(?:[.,]--?)?\s*"
    rf"{_EURO}?(?:[\s,(-]*(?P<paid>{_PAID_IN_FULL})[\s)]*)?\s*", re.IGNORECASE)
"""A capital as letterheads write it: *Cap. soc.* before it or not, the euro before or after the
amount, *i.v.* (or *interamente versato*) after it, in brackets or not. The amount ends in a digit,
or in the `,-` of whole euros (`€ 10.000,-`); the commas, brackets and dashes after it are only
those before an *i.v.*: `1 , , , (` was read as 1."""
_NAMED_PAID_IN_FULL = re.compile(rf"\b(?:{_PAID_IN_FULL})\s*$", re.IGNORECASE)
_CAPITAL_LENGTH = 80
"""The longest text `_CAPITAL` reads: its spaces may be taken in several ways, and a cell of a
thousand spaces between a digit and a letter took a minute to refuse."""
_THOUSANDTHS = Decimal("0.001")


def said_paid_in_full(value: Any, name: str = "") -> bool:
    """Whether a capital is written with its *i.v.* (*interamente versato*), `€ 10.000,00 i.v.`,
    or its row is named so, *Capitale sociale i.v.*: a *Capitale versato* below it says otherwise,
    and the documents would print what one of the two cells denies.

    >>> said_paid_in_full("10.000,00 i.v."), said_paid_in_full("Euro 10.000,00"), said_paid_in_full(10000)
    (True, False, False)
    >>> said_paid_in_full(10000, "Capitale sociale i.v."), said_paid_in_full(10000, "Capitale sociale")
    (True, False)
    """
    found = _CAPITAL.fullmatch(value) if isinstance(value, str) and len(value) <= _CAPITAL_LENGTH else None
    return (found is not None and found["paid"] is not None) or _NAMED_PAID_IN_FULL.search(name) is not None


def _quantity(value: Any) -> Decimal:
    """A quantity within its limit, to the thousandth: the ledger keeps quantities in thousandths.

    A formula's result can carry a binary float's tail (0.1 + 0.2 is 0.30000000000000004): read
    as Excel shows it, to 15 significant digits, a float that is then a thousandth is one."""
    number = _bounded(QUANTITY)(value)
    if number != number.quantize(_THOUSANDTHS):
        shown = Decimal(format(value, ".15g")) if isinstance(value, float) else number
        if shown != shown.quantize(_THOUSANDTHS):
            refuse(TOO_MANY_DECIMALS, value=value)
        number = shown
    return number


def _price(value: Any) -> Decimal:
    """A price within its limit, exact. A formula's float is read as Excel shows it, to 15
    significant digits: 0.1 * 3 is 0.30000000000000004 in binary and 0.3 on the sheet, no price
    of seventeen decimals to round."""
    number = _bounded(PRICE)(value)
    return Decimal(format(value, ".15g")) if value.__class__ is float and not value.is_integer() else number


def _kept_price(typed: Any, price: Any) -> Taken | None:
    """A price of more decimals than the ledger keeps, taken rounded half-up to the millionth.

    >>> _kept_price(0.12345678, Decimal("0.12345678"))[0], _kept_price("0,1234565", Decimal("0.1234565"))[0]
    (Decimal('0.123457'), Decimal('0.123457'))
    >>> _kept_price(18.5, Decimal("18.5")), _kept_price("0,1234560", Decimal("0.1234560"))
    (None, None)

    A negative price is kept as typed, for the sheet's rule to refuse (`negative-amount`): rounded,
    -0,0000001 became -0, which no rule refuses, and was taken as a price of zero.

    >>> _kept_price(-1e-07, Decimal("-1E-7")), _kept_price("-1,23456789", Decimal("-1.23456789"))
    (None, None)
    """
    if price.__class__ is not Decimal or price < 0:
        return None
    rounded = price.quantize(UNIT_PRICE_PLACES, ROUND_HALF_UP)
    return None if rounded == price else (rounded, PRICE_DECIMALS_ROUNDED, {"value": typed, "kept": rounded})


def _fraction_read(typed: Any, percent: Any) -> Taken | None:
    """A plain number below 1 read as a fraction (0,5 is 50 %), said: a desk typing 0,5 in
    *Sconto %* or *Provvigione %* may mean half a percent, and was given fifty with no word. A
    percent-formatted cell (`PercentShown`) shows what it is, and text (`0,5`) is read as typed.

    >>> _fraction_read(0.5, Decimal(50))[2], _fraction_read(PercentShown(0.5), Decimal(50)), _fraction_read(8, 8)
    ({'value': 0.5, 'percent': Decimal('50')}, None, None)
    """
    if typed.__class__ is float and 0 < abs(typed) < 1:
        return percent, PERCENT_FROM_FRACTION, {"value": typed, "percent": percent}
    return None


def _integer(value: Any) -> int:
    number = _number(value) if not isinstance(value, int) else Decimal(value)
    if number != number.to_integral_value():
        refuse(NOT_AN_INTEGER, value=value)
    return int(number)


class PercentShown(float):
    """The number of a cell a percent format shows (`toolkit.intake.percent_cells`): Excel keeps
    100 % as 1 and 50 % as 0.5, so it is a fraction whatever its size, read as what it shows.
    A plain number keeps its rule (`_percent`): 50 is 50 %, a fraction below 1 a percentage's."""

    @property
    def shown(self) -> Decimal:
        """The percentage the cell shows: 1.0 is 100, 0.015 is 1.5.

        >>> PercentShown(1.0).shown, PercentShown(0.015).shown, PercentShown(-0.05).shown
        (Decimal('100'), Decimal('1.5'), Decimal('-5'))
        >>> PercentShown(0.1 + 0.12).shown, PercentShown(0.1 * 2.2).shown
        (Decimal('22'), Decimal('22'))
        """
        number = (_as_excel_shows(float(self)) * 100).normalize()
        return number.quantize(Decimal(1)) if number == number.to_integral_value() else number

    def __str__(self) -> str:
        return f"{self.shown}%"

    @property
    def as_typed(self) -> TypedPercent:
        """The cell in a message, as the desk reads it: «150,5%» in Italian, not «150.5%»."""
        return TypedPercent(self.shown)


@dataclass(frozen=True, slots=True)
class TypedPercent:
    """A percent cell's percentage inside a message as the cell shows it, with the reader's
    decimal comma and, as a percent format has it, no thousands grouped.

    >>> TypedPercent(Decimal("150.5")).shown("it"), TypedPercent(Decimal("2200")).shown("it")
    ('150,5%', '2200%')
    """

    percent: Decimal

    def shown(self, lang: str) -> str:
        text = format(self.percent, "f")
        return f"{text.replace('.', ',') if lang == 'it' else text}%"


def _as_excel_shows(value: float) -> Decimal:
    """A float to the 15 significant digits Excel shows: a formula's `=(1,22-1)*100` is
    21.999999999999996 in binary and 22 on the sheet. Read to the last bit, an *Aliquota IVA*
    worked out so was refused as having more than two decimals (`vat-rate-decimals`) at a cell
    showing 22.

    >>> _as_excel_shows((1.22 - 1) * 100), _as_excel_shows(0.07655), _as_excel_shows(1e-05)
    (Decimal('22'), Decimal('0.07655'), Decimal('0.00001'))
    """
    number = to_decimal(value)
    return Decimal(format(value, ".15g")).normalize() if number != number.to_integral_value() else number


def _percent(value: Any) -> Decimal:
    """0 to 100: `22`, `22%`, a fraction below 1 (`0.22`, as a percent cell read without its
    format gives it), or a percent cell's number read as it shows (`PercentShown`).

    >>> [_percent(v) for v in (PercentShown(1.0), PercentShown(0.5), 50.0, 0.5, 1.0)] == [100, 50, 50, 50, 1]
    True
    """
    if isinstance(value, PercentShown):
        if not 0 <= value.shown <= 100:
            refuse(NOT_A_PERCENT, value=value.as_typed)
        return value.shown
    text = value.strip().rstrip("%").strip() if isinstance(value, str) else value
    try:
        number = _as_excel_shows(text) if isinstance(text, float) else to_decimal(text)
    except NotANumber:
        refuse(NOT_A_PERCENT, value=value)
    if isinstance(value, float) and 0 < number < 1:
        number = (number * 100).normalize()
    if not 0 <= number <= 100:
        refuse(NOT_A_PERCENT, value=value)
    return number


HUNDRED = Decimal(100)


def _discount(value: Any) -> Decimal:
    """A percentage off, or discounts in cascade as Italian price lists write them (*sconti in
    cascata*): `10+5` is 10 % off, then 5 % off what is left, 14.5 % in all, never 15.

    >>> _discount("10+5"), _discount("50 + 10 + 5 %"), _discount("8"), _discount(0.08)
    (Decimal('14.5'), Decimal('57.25'), Decimal('8'), Decimal('8'))
    """
    parts = value.split("+") if isinstance(value, str) else []
    if len(parts) < 2 or not all(parts):
        return _percent(value)
    left = HUNDRED
    for part in value.strip().rstrip("%").split("+"):
        try:
            left = left * (HUNDRED - _percent(part.strip().rstrip("%").strip())) / HUNDRED
        except PydanticCustomError:
            refuse(NOT_A_PERCENT, value=value)
    return (HUNDRED - left).normalize()


def _markup(value: Any) -> Decimal:
    """A signed percentage: a derived price is its base price plus (or minus) this much."""
    if isinstance(value, PercentShown):
        if not -99 <= value.shown <= 1000:
            refuse(NOT_A_MARKUP, value=value.as_typed)
        return value.shown
    text = value.strip().rstrip("%").strip() if isinstance(value, str) else value
    try:
        number = to_decimal(text)
    except NotANumber:
        refuse(NOT_A_MARKUP, value=value)
    if isinstance(value, float) and 0 < abs(number) < 1:
        number = (number * 100).normalize()
    if not -99 <= number <= 1000:
        refuse(NOT_A_MARKUP, value=value)
    return number


def _date(value: Any) -> date:
    """A date cell, day-first text, or a plain number Excel counts days by (46121 is 09/04/2026),
    from 1950 on (`OLDEST_DAY`): a 15 typed for the 15th, shown 15 in a General cell and
    15/01/1900 in a date cell, was read as a day of 1900, and an exception on it never met its
    template."""
    try:
        day = to_date(value)
    except ImpossibleDate as wrong:
        refuse(NO_SUCH_DAY, value=value, month=wrong.month_shown, days=wrong.days)
    except NoYear as short:
        refuse(DATE_WITHOUT_YEAR, value=value, day_month=short.shown, year=short.example_year)
    except NotADate:
        refuse(NOT_A_DATE, value=value)
    if day < OLDEST_DAY:
        refuse(DATE_OUT_OF_RANGE, value=value)
    return day


_YES = {"si", "s", "yes", "y", "x", "true", "vero", "1", "attivo", "active"}
_NO = {"no", "n", "false", "falso", "0", "inattivo", "inactive"}


def _yes_no(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = vocab.normalize(to_text(value))
    if word in _YES:
        return True
    if word in _NO:
        return False
    refuse(NOT_YES_NO, value=value)


def _weekdays(value: Any) -> tuple[int, ...]:
    if value.__class__ is tuple and all(d.__class__ is int and 0 <= d <= 6 for d in value):
        return value
    try:
        return vocab.parse_weekdays(to_text(value))
    except ValueError:
        refuse(NOT_WEEKDAYS, value=value)


def _vat_number(value: Any) -> str:
    text = to_text(value).upper().replace(" ", "")
    if text[:2].isalpha() and not text.startswith("IT") and any(c.isdigit() for c in text):
        if text.startswith(vat_ids.GREECE_ISO):
            refuse(GREEK_VAT_WRITTEN_GR, value=value, fixed=vat_ids.GREECE_VAT + text[2:])
        abroad = vat_ids.foreign(text)
        if abroad is None:
            refuse(INVALID_FOREIGN_VAT_NUMBER, value=value, prefix=text[:3] if text.startswith("CHE") else text[:2])
        if abroad.startswith(vat_ids.SWISS_PREFIX) and not swiss_uid.is_valid(abroad):
            refuse(SWISS_UID_CHECK_DIGIT, value=value)
        return abroad
    digits = text[2:] if text.startswith("IT") else text
    if digits.isdigit() and len(digits) < 11:
        digits = digits.zfill(11)
    if _plainly_valid_vat(digits):
        return digits
    try:
        return iva.validate(digits)
    except NotAnId:
        refuse(INVALID_VAT_NUMBER, value=value)


_OFFICES = frozenset({f"{n:03d}" for n in range(1, 101)} | {"120", "121", "888", "999"})


def _plainly_valid_vat(digits: str) -> bool:
    """Whether eleven ASCII digits pass every check of `stdnum.it.iva.validate` (not all zero in
    the first seven, a known office, the Luhn check digit): the usual cell, read 10,000 times at
    L, without stdnum's general cleaning, and a company's codice fiscale, which is its partita
    IVA (670 at L, which `codicefiscale.is_valid` cleaned and sent to `iva.validate` at about
    20 µs each). Anything else goes to stdnum, which decides."""
    if len(digits) != 11 or not digits.isascii() or not digits.isdigit():
        return False
    if digits[:7] == "0000000" or digits[7:10] not in _OFFICES:
        return False
    data = digits.encode()
    total = sum(data[::-2]) + sum(data[-2::-2].translate(_LUHN_DOUBLED)) - 11 * 48
    return total % 10 == 0


_LUHN_DOUBLED = bytes.maketrans(b"0123456789", b"0246813579")
"""A digit doubled, its two digits summed (Luhn): the second, fourth… digit from the right."""


def _tax_code(value: Any) -> str:
    text = to_text(value).upper().replace(" ", "")
    if text.isdigit() and len(text) < 11:
        text = text.zfill(11)
    if not (_plainly_valid_tax_code(text) or _plainly_valid_vat(text) or codicefiscale.is_valid(text)
            or (len(text) == 11 and iva.is_valid(text))):
        refuse(INVALID_TAX_CODE, value=value)
    return text


_TAX_CODE_SHAPE = re.compile(r"[A-Z]{6}[0-9LMNPQRSTUV]{2}[ABCDEHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]")
_CHECK_ODD = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", (
    1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10,
    22, 25, 24, 23)))
_CHECK_EVEN = dict(zip("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", (*range(10), *range(26))))
_DATE_DIGIT = dict(zip("0123456789LMNPQRSTUV", (*range(10), *range(10))))


def _plainly_valid_tax_code(text: str) -> bool:
    """Whether sixteen characters pass every check of `stdnum.it.codicefiscale.validate` (its
    shape, the check letter, a birth date that exists): the usual codice fiscale, 2,300 of them
    at L, which stdnum cleans and sums a character at a time in Python, about 20 µs each; here
    the check letter's sums are two lookups mapped in C. Anything else goes to stdnum, which
    decides."""
    if len(text) != 16 or _TAX_CODE_SHAPE.fullmatch(text) is None:
        return False
    total = sum(map(_CHECK_ODD.__getitem__, text[0:15:2])) + sum(map(_CHECK_EVEN.__getitem__, text[1:15:2]))
    if text[15] != chr(65 + total % 26):
        return False
    year = 1900 + _DATE_DIGIT[text[6]] * 10 + _DATE_DIGIT[text[7]]
    day = (_DATE_DIGIT[text[9]] * 10 + _DATE_DIGIT[text[10]]) % 40
    try:
        date(year if year >= 1920 else year + 100, "ABCDEHLMPRST".index(text[8]) + 1, day)
    except ValueError:
        return False
    return True


def _tax_regime(value: Any) -> str:
    """A RegimeFiscale code, from `rf19` or `RF19 - Forfettario` as a desk copies it from a list."""
    code = tax_regimes.regime_code(to_text(value))
    if code is None:
        refuse(NOT_A_TAX_REGIME, value=value, codes=", ".join(tax_regimes.REGIMES))
    return code


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _recipient_code(value: Any) -> str:
    """An SDI recipient code typed into a cell Excel took for a number: `0000000`, the code of
    every buyer who receives by PEC or in their tax drawer, arrives as 0, and `0012345` as
    12345. Seven characters, so a number of fewer than six digits had its zeros cut off; six
    digits may be a public body's code as it is.

    >>> _recipient_code(0.0), _recipient_code(12345), _recipient_code("M5UXCR1")
    ('0000000', '0012345', 'M5UXCR1')
    """
    text = to_text(value)
    return text.zfill(7) if not isinstance(value, str) and text.isdigit() and len(text) < 6 else text


POSTCODE_DIGITS = {"IT": 5, "SM": 5, "DE": 5, "FR": 5, "ES": 5, "FI": 5, "HR": 5, "EE": 5, "GR": 5, "US": 5,
                   "AT": 4, "CH": 4, "BE": 4, "BG": 4, "CY": 4, "DK": 4, "HU": 4, "LU": 4, "NO": 4, "SI": 4,
                   "LI": 4}
"""The digits of a country's postcodes, where they are all digits of one length."""


def postcode_of(value: Any, country: str = "IT") -> str:
    """A postcode typed into a cell Excel took for a number, given back the leading zeros of its
    country's length (`POSTCODE_DIGITS`): the CAP 09012 arrives as 9012, Dresden's 01067 as
    1067, while Zürich's 8001 is whole. A country of no one length keeps the number's digits;
    text, which Excel keeps as typed, stays as it is, for the data check to judge. The cell
    reads an Italian CAP (`Postcode`); an address abroad is read again for its country
    (`toolkit.intake.validation.records`).

    >>> postcode_of(9012), postcode_of(9012.0), postcode_of("20121"), postcode_of("5014")
    ('09012', '09012', '20121', '5014')
    >>> postcode_of(8001, "CH"), postcode_of(1067, "DE"), postcode_of(12, "PT")
    ('8001', '01067', '12')
    """
    text = to_text(value)
    if isinstance(value, str) or not text.isdigit():
        return text
    return text.zfill(POSTCODE_DIGITS.get(country, 0))


_COUNTRY_CODE = re.compile(r"[A-Z]{2}")
_COUNTRY_NAMES = {"ITALIA": "IT", "ITALY": "IT", "ITA": "IT", "SAN MARINO": "SM", "RSM": "SM", "SMR": "SM",
                  "FRANCIA": "FR", "FRANCE": "FR", "FRA": "FR", "GERMANIA": "DE", "GERMANY": "DE", "DEU": "DE",
                  "SVIZZERA": "CH", "SWITZERLAND": "CH", "AUSTRIA": "AT", "AUT": "AT", "SPAGNA": "ES",
                  "SPAIN": "ES", "ESP": "ES"}
"""Country names and three-letter codes a desk writes in *Paese*, with the code it means."""


def _country(value: Any) -> str:
    """A *Paese* cell: the two letters of an ISO code, in any case (`it`), kept as typed and trimmed;
    `toolkit.basics.vat_ids.country_code` reads it. A name (`Italia`), a number or three letters
    would reach the e-invoice's Nazione and IdPaese, which SDI takes only as two capitals, and
    would make an Italian customer a foreign one: every invoice issued, then its file refused.

    >>> _country(" it "), _country("FR")
    ('it', 'FR')
    """
    text = to_text(value)
    if _COUNTRY_CODE.fullmatch(text.upper()):
        return text
    if (code := _COUNTRY_NAMES.get(" ".join(text.upper().split()))) is not None:
        refuse(COUNTRY_NAMED, value=value, code=code)
    refuse(NOT_A_COUNTRY, value=value)


def _email(value: Any) -> str:
    text = to_text(value)
    if not _EMAIL.match(text):
        refuse(BAD_EMAIL, value=value)
    return text


def _day_month(value: Any) -> tuple[int, int]:
    """A day of the year: `07/12`, or with the month's name as dates read it (`15 ago`, `15
    Agosto`, `15 ago.`), or a date cell. A month alone (`ago`) is refused asking for its day.

    >>> _day_month("15 Ago."), _day_month("07/12"), _day_month(date(2026, 8, 15))
    ((15, 8), (7, 12), (15, 8))
    """
    if isinstance(value, (date, datetime)):
        return value.day, value.month
    if value.__class__ is tuple and len(value) == 2:
        value = "/".join(map(str, value))
    text = to_text(value)
    if (found := day_and_month(text)) is not None:
        return found
    if (month := month_named(text)) is not None:
        refuse(DAY_MONTH_WITHOUT_DAY, value=value, example=f"15/{month:02}")
    refuse(BAD_DAY_MONTH, value=value)


def _named_with_a_month(value: Any) -> None:
    """Refuse a day of the month written with a month (`15 ago`, a date cell Excel made of
    `15/08`): the cell's day holds for every month, so the month is either a slip or a
    schedule the cell cannot say (`day-of-month-names-a-month`)."""
    if isinstance(value, (date, datetime)):
        refuse(DAY_OF_MONTH_NAMES_A_MONTH, value=value, day=value.day)
    if isinstance(value, str) and (found := day_and_month(value)) is not None:
        refuse(DAY_OF_MONTH_NAMES_A_MONTH, value=value, day=found[0])


def _month_day(value: Any) -> int:
    """A day of the month, 1 to 31 (the schedule's rules refuse others), never with a month."""
    _named_with_a_month(value)
    return _integer(value)


def _months(value: Any) -> tuple[int, ...]:
    if value.__class__ is tuple:
        return value
    try:
        months = months_of(to_text(value))
    except ValueError:
        refuse(NOT_MONTHS, value=value)
    if len(months) == 12:
        refuse(EVERY_MONTH_EXCLUDED, value=value)
    return months


MONTH_END = 31
"""The due day that stands for a month's end (`FM`): day 31 of a shorter month is its last."""
_MONTH_END_WORDS = frozenset({"fm", "finemese", "fine", "eom", "endofmonth", "monthend", "end"})


def _due_day(value: Any) -> int:
    if value.__class__ is int and 1 <= value <= MONTH_END:
        return int(value)
    _named_with_a_month(value)
    text = to_text(value)
    if vocab.normalize(text) in _MONTH_END_WORDS:
        return MONTH_END
    if text.isdigit() and 1 <= int(text) <= MONTH_END:
        return int(text)
    refuse(NOT_A_DUE_DAY, value=value)


FILES_SERIES = "SDI"
"""How *Numeri prima del toolkit* names the e-invoice files' progressive, which has no year."""
_NUMBER_BEFORE = re.compile(r"(?P<series>\S+?)(?:\s+|-)(?:(?P<number>\d{1,7})\s*/\s*(?P<year>20\d\d)|"
                            r"(?P<year2>20\d\d)-(?P<number2>\d{1,7}))")
_FILES_BEFORE = re.compile(r"SDI\s*(?P<number>\d{1,7})", re.IGNORECASE)


def _numbers_before(value: Any) -> tuple[tuple[str, int, int], ...]:
    """(series, year, last number) per series a desk numbered before the toolkit, from `FT 345/2026`
    or the toolkit's own spelling `FT-2026-00345`; `SDI 412` is the e-invoice files' progressive
    (year 0: it never starts again).

    >>> _numbers_before("FT 345/2026, nc 12 / 2026; DDT-2026-01200, SDI 412")
    (('FT', 2026, 345), ('NC', 2026, 12), ('DDT', 2026, 1200), ('SDI', 0, 412))
    """
    if value.__class__ is tuple:
        return value
    found = []
    for entry in (e.strip() for e in re.split(r"[,;\n]", to_text(value))):
        if not entry:
            continue
        if m := _FILES_BEFORE.fullmatch(entry):
            found.append((FILES_SERIES, 0, int(m["number"])))
        elif (m := _NUMBER_BEFORE.fullmatch(entry)) and int(m["number"] or m["number2"]) > 0:
            found.append((m["series"].upper(), int(m["year"] or m["year2"]), int(m["number"] or m["number2"])))
        else:
            refuse(BAD_NUMBERS_BEFORE, value=value)
    if not found:
        refuse(BAD_NUMBERS_BEFORE, value=value)
    return tuple(found)


def _areas(value: Any) -> tuple[str, ...]:
    if value.__class__ is tuple:
        return value
    return tuple(a.strip() for a in to_text(value).replace(";", ",").split(",") if a.strip())


SHARED_LEDGER = "condiviso"
"""*Registro* = `condiviso`: the workbook's ledger is the team's PostgreSQL, named by `--ledger`
or `TOOLKIT_LEDGER_URL`, never a SQLite file beside it."""
_SHARED_WORDS = frozenset({"condiviso", "shared", "team"})
_SERVER_SCHEMES = frozenset({"postgresql", "postgres"})


def _ledger_setting(value: Any) -> str:
    """*Registro*: `condiviso` (`SHARED_LEDGER`), or the team's PostgreSQL address. Never with a
    password: a workbook is copied, mailed and opened by anyone, so the password stays in
    PostgreSQL's own places (`~/.pgpass`, `PGPASSWORD`), which libpq reads by itself. Never
    without a database either: libpq would take each user's name for it, a ledger per colleague.

    >>> _ledger_setting("Condiviso"), _ledger_setting(" postgres://anna@db/ordini ")
    ('condiviso', 'postgres://anna@db/ordini')

    libpq reads everything after the server's `/` as the database's name, a `/` at the end too:
    `postgresql://db/ordini/` is the database `ordini/`, so it is refused with the address to write.
    """
    text = to_text(value)
    if vocab.normalize(text) in _SHARED_WORDS:
        return SHARED_LEDGER
    try:
        parts = urlsplit(text)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        refuse(NOT_A_LEDGER_SETTING, value=value)
    if "://" not in text or parts.scheme.lower().partition("+")[0] not in _SERVER_SCHEMES:
        refuse(NOT_A_LEDGER_SETTING, value=value)
    if parts.password or any(k == "password" and v for k, v in query):
        refuse(LEDGER_PASSWORD_IN_WORKBOOK, value=_password_as(parts, query, "***"),
               without=_password_as(parts, query, None))
    if not parts.path.strip("/") and not any(k == "dbname" and v for k, v in query):
        refuse(LEDGER_SETTING_NO_DATABASE, value=value)
    if (port := bad_port(text)) is not None:
        refuse(LEDGER_SETTING_BAD_PORT, value=text, port=port)
    if "/" in (database := parts.path[1:]):
        refuse(LEDGER_SETTING_SLASH, value=text, database=database,
               fixed=urlunsplit(parts._replace(path="/" + database.strip("/"))))
    return text


def bad_port(address: str) -> str | None:
    """The port written after the server's `:` or as `?port=` when it is no port number (a
    refusal at the cell, or of `--ledger`, rather than an internal error at the first command),
    else None. Port 0 is no server's: it read as a server not reached, the port never named.

    >>> bad_port("postgresql://db:0/ordini"), bad_port("postgresql://db/ordini?port=x"), bad_port("postgresql://db/o")
    ('0', 'x', None)
    """
    try:
        parts = urlsplit(address)
        query = parse_qsl(parts.query, keep_blank_values=True)
    except ValueError:
        return None
    server = parts.netloc.rpartition("@")[2]
    written = server.partition("]")[2][1:] if server.startswith("[") else server.partition(":")[2]
    try:
        if parts.port == 0:
            return written
    except ValueError:  # a port that is no number, or past 65535; all after the server's `:`, two servers' too
        return written
    return next((v for k, v in query if k == "port" and not (v.isdigit() and 0 < int(v) < 65536)), None)


def _password_as(parts: SplitResult, query: list[tuple[str, str]], shown: str | None) -> str:
    """The address with its password shown as `shown`, or taken out (None)."""
    user, _, host = parts.netloc.rpartition("@")
    name = user.partition(":")[0]
    netloc = f"{name}:{shown}@{host}" if shown and parts.password else f"{name}@{host}" if user else host
    kept = [(k, shown or "") for k, v in query if k == "password" and shown] + [
        (k, v) for k, v in query if k != "password"]
    return urlunsplit(parts._replace(netloc=netloc, query=urlencode(kept, safe="*")))


def _choice(enum: type[StrEnum]) -> Callable[[Any], StrEnum]:
    def read(value: Any) -> StrEnum:
        if value.__class__ is enum:
            return value
        try:
            return vocab.parse(enum, to_text(value))
        except ValueError:
            refuse(NOT_A_CHOICE, value=value,
                   allowed_it=", ".join(f"«{w}»" for w in vocab.choices(enum, "it")),
                   allowed_en=", ".join(f"“{w}”" for w in vocab.choices(enum, "en")))

    return read


Text = Annotated[str, Cell(Kind.TEXT, to_text, str, read_str=str.strip)]
"""Any text, trimmed; a number or date cell becomes its text (`12`, `09/04/2026`)."""
Code = Annotated[str, Cell(Kind.CODE, to_text, str, read_str=str.strip)]
"""An identifier, text or number, trimmed."""
RecipientCode = Annotated[str, Cell(Kind.TEXT, _recipient_code, str, read_str=str.strip)]
"""An SDI recipient code: text, or a number given back its leading zeros."""
Postcode = Annotated[str, Cell(Kind.TEXT, postcode_of, str, read_str=str.strip)]
"""A postcode: text, or a number of fewer than five digits given back its leading zeros."""
Country = Annotated[str, Cell(Kind.TEXT, _country, str)]
"""A country's two-letter ISO code, in any case, trimmed (`_country`)."""
UpperCode = Annotated[str, Cell(Kind.TEXT, lambda value: to_text(value).upper(), str,
                                read_str=lambda text: text.strip().upper())]
"""A code of letters and digits the law writes in capitals (CIG, CUP): trimmed and upper-cased,
so a code typed in small letters reaches the e-invoice as the public body knows it."""
Integer = Annotated[int, Cell(Kind.INTEGER, _integer, int)]
Quantity = Annotated[Decimal, Cell(Kind.QUANTITY, _quantity, Decimal, limit=QUANTITY)]
"""At most 1,000,000 either way, with three decimals at most."""
Weight = Annotated[Decimal, Cell(Kind.QUANTITY, _bounded(QUANTITY), Decimal, limit=QUANTITY)]
"""Kilograms, at most 1,000,000 either way, any decimals: a DDT's weight is rounded to the gram."""
Money = Annotated[Decimal, Cell(Kind.MONEY, _bounded(AMOUNT), Decimal, limit=AMOUNT)]
"""An amount in euro (a credit limit), kept exact (`Decimal`): at most 1,000,000,000.00 either way."""
ShareCapital = Annotated[Decimal, Cell(Kind.MONEY, _share_capital, Decimal, limit=SHARE_CAPITAL)]
"""A company's share capital in euro, kept exact: up to 99,999,999,999.99, what FatturaPA's
CapitaleSociale carries (`SHARE_CAPITAL`), read as letterheads write it (`_share_capital`)."""
UnitPrice = Annotated[Decimal, Cell(Kind.MONEY, _price, Decimal, limit=PRICE, warns=_kept_price)]
"""A unit price in euro: at most 1,000,000.00 either way, so that a line's quantity × price, and
a month of them, stay within what the ledger stores; kept to the millionth, as the ledger keeps
it: a price typed or worked out with more decimals (FatturaPA's PrezzoUnitario allows 8) is read
rounded half-up to 6, and warned at its cell (`price-decimals-rounded`, `_kept_price`)."""
RoundingStep = Annotated[Decimal, Cell(Kind.MONEY, _bounded(PRICE), Decimal, limit=PRICE)]
"""A derived price's rounding step, a price's size: one finer than the millionth is refused by the
pricing rules (`rounding-step-too-fine`), never rounded, as rounding it would change every price."""
Percent = Annotated[Decimal, Cell(Kind.PERCENT, _percent, Decimal, warns=_fraction_read)]
"""0 to 100: `22`, `22%`, or a percent-formatted cell (0.22); a plain number below 1 is a fraction,
`0.5` is 50 %, warned at its cell (`percent-from-fraction`), as it may mean half a percent."""
VatRate = Annotated[Decimal, Cell(Kind.PERCENT, _percent, Decimal)]
"""A VAT rate, read as `Percent` with no warning for a fraction: 0.22 is 22 % (no rate is below
1 %, and a rate the law does not have is warned by the data check, `unusual-vat-rate`)."""
Discount = Annotated[Decimal, Cell(Kind.PERCENT, _discount, Decimal, warns=_fraction_read)]
"""A percentage off, 0 to 100, as `Percent`; or discounts in cascade, `10+5` (14.5 %)."""
Markup = Annotated[Decimal, Cell(Kind.PERCENT, _markup, Decimal, warns=_fraction_read)]
"""A signed percentage, -99 to 1000: `10` adds 10 %, `-5` takes 5 % off; a percent-formatted cell
too; a plain number below 1 either way as `Percent`, a fraction, warned."""
Day = Annotated[date, Cell(Kind.DATE, _date, date)]
"""A date cell, or text written `09/04/2026` (day first) or `2026-04-09`."""
YesNo = Annotated[bool, Cell(Kind.BOOL, _yes_no, bool)]
Weekdays = Annotated[tuple[int, ...], Cell(Kind.WEEKDAYS, _weekdays, tuple)]
"""Weekday numbers, Monday = 0, from `lun,mer,ven` or `mon-fri`."""
VatNumber = Annotated[str, Cell(Kind.VAT_NUMBER, _vat_number, str)]
"""A partita IVA with a right check digit, kept as its 11 digits; or a foreign VAT number of its
country's shape, kept with its prefix (`DE123456789`, `toolkit.basics.vat_ids`)."""
TaxCode = Annotated[str, Cell(Kind.TAX_CODE, _tax_code, str)]
"""A codice fiscale: 16 characters for a person, 11 digits for a company."""
Email = Annotated[str, Cell(Kind.EMAIL, _email, str)]
TaxRegime = Annotated[str, Cell(Kind.CODE, _tax_regime, str, listed=tuple(tax_regimes.REGIMES))]
"""The seller's RegimeFiscale, one of the codes the FatturaPA schema enumerates (`RF19`)."""
DayMonth = Annotated[tuple[int, int], Cell(Kind.DAY_MONTH, _day_month, tuple)]
"""(day, month), from `07/12` or a date cell."""
NumbersBefore = Annotated[tuple[tuple[str, int, int], ...], Cell(Kind.NUMBERS_BEFORE, _numbers_before, tuple)]
"""(series, year, last number) a desk issued before the toolkit, from `FT 345/2026, SDI 412`."""
Months = Annotated[tuple[int, ...], Cell(Kind.MONTHS, _months, tuple)]
"""Month numbers, January = 1, from `ago,dic`, `8,12` or `lug-ago`; never all twelve."""
MonthDay = Annotated[int, Cell(Kind.INTEGER, _month_day, int)]
"""A day of the month, as `Integer`: `15`, never `15 ago` nor a date cell (`_named_with_a_month`)."""
DueDay = Annotated[int, Cell(Kind.DUE_DAY, _due_day, int)]
"""A day of the month a due moves to, 1 to 31, or `FM` (the month's end, kept as 31)."""
Areas = Annotated[tuple[str, ...], Cell(Kind.TEXT, _areas, tuple)]
"""Areas or routes, from text separated by commas."""
LedgerSetting = Annotated[str, Cell(Kind.TEXT, _ledger_setting, str)]
"""The team's ledger: `condiviso`, or a PostgreSQL address without password."""


E = TypeVar("E", bound=StrEnum)

if TYPE_CHECKING:
    # What a type checker sees: `Choice[PaymentMethod]` holds a `PaymentMethod`.
    Choice = Annotated[E, Kind.CHOICE]
else:
    class Choice:
        """`Choice[PaymentMethod]`: a member of a vocabulary, from any of its Italian or English
        words (`toolkit.basics.vocab`)."""

        def __class_getitem__(cls, enum: type[StrEnum]) -> Any:
            return _choice_type(enum)


@cache
def _choice_type(enum: type[StrEnum]) -> Any:
    return Annotated[enum, Cell(Kind.CHOICE, _choice(enum), enum, enum)]


def cell_of(metadata: Any) -> Cell | None:
    """The `Cell` among a field's annotation metadata, if any."""
    return next((m for m in metadata if isinstance(m, Cell)), None)


@cache
def _one(cell_type: Any) -> TypeAdapter:
    return TypeAdapter(cell_type)


def read_cell(cell_type: Any, value: Any, location: Location | None) -> tuple[Any, Problem | None]:
    """One cell outside the master data (an order form's quantity, price or date) read as the
    master's cell of `cell_type` (`Quantity`, `UnitPrice`, `Day`) reads it: the same parsing,
    limits and messages, so a slip the data check refuses (`1e20`, `1.500`, four decimals) is
    refused there too, at its cell, and never reaches the ledger. The value and None; None and
    the error; or, for a price of more decimals than the ledger keeps, the price rounded to them
    and the warning the data check gives (`price-decimals-rounded`).

    >>> read_cell(Quantity, "1,5", None)
    (Decimal('1.5'), None)
    >>> read_cell(Quantity, "1.500", Location("Ordine", "C8"))[1].code
    'ambiguous-number'
    >>> price, warned = read_cell(UnitPrice, "0,12345678", Location("Ordine", "D8"))
    >>> price, warned.message("it")[:56]
    (Decimal('0.123457'), 'Il prezzo «0,12345678» ha più di 6 decimali, più di quan')
    """
    try:
        read = _one(cell_type).validate_python(value)
    except ValidationError as bad:
        error = bad.errors(include_url=False)[0]
        return None, problem_type(error["type"])(location, **dict(error.get("ctx") or {}))
    cell = cell_of(getattr(cell_type, "__metadata__", ()))
    if cell is not None and cell.warns is not None and (taken := cell.warns(value, read)) is not None:
        return taken[0], taken[1](location, **taken[2])
    return read, None
