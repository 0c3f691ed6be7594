"""One cell to one typed value, by the column's kind.

Each converter takes a non-empty cell value and returns the typed value, or raises `Invalid`
with the problem type that explains the mistake and how to fix it. Numbers go through
`toolkit.basics.money.to_decimal` and dates through `toolkit.basics.dates.to_date`: the single doors for
floats and day-first text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from stdnum.exceptions import ValidationError
from stdnum.it import codicefiscale, iva

from toolkit.basics import vocab
from toolkit.basics.dates import NotADate, to_date
from toolkit.basics.money import NotANumber, to_decimal
from toolkit.basics.problems import ProblemType, define
from toolkit.model.sheets import Column, Kind

NOT_A_NUMBER = define(
    "not-a-number", "error",
    it="«{value}» non è un numero: scrivi un numero (es. 12 o 12,50).",
    en="“{value}” is not a number: write a number (e.g. 12 or 12.50).")
NOT_AN_INTEGER = define(
    "not-an-integer", "error",
    it="«{value}» non è un numero intero: scrivi un numero senza decimali (es. 2).",
    en="“{value}” is not a whole number: write a number without decimals (e.g. 2).")
NOT_A_DATE = define(
    "not-a-date", "error",
    it="«{value}» non è una data valida: scrivi una data come 09/04/2026.",
    en="“{value}” is not a valid date: write a date such as 09/04/2026.")
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
BAD_EMAIL = define(
    "bad-email", "error",
    it="«{value}» non è un indirizzo e-mail: scrivi ad es. nome@dominio.it.",
    en="“{value}” is not an e-mail address: write e.g. name@domain.it.")
BAD_DAY_MONTH = define(
    "bad-day-month", "error",
    it="«{value}» non è un giorno/mese: scrivi ad es. 07/12 per il 7 dicembre.",
    en="“{value}” is not a day/month: write e.g. 07/12 for 7 December.")
INVALID_VAT_NUMBER = define(
    "invalid-vat-number", "error",
    it="La partita IVA «{value}» non è valida (11 cifre con cifra di controllo): controlla di averla copiata bene.",
    en="VAT number “{value}” is not valid (11 digits with a check digit): check that it was copied correctly.")
INVALID_TAX_CODE = define(
    "invalid-tax-code", "error",
    it="Il codice fiscale «{value}» non è valido: controlla di averlo copiato bene.",
    en="Tax code “{value}” is not valid: check that it was copied correctly.")


class Invalid(ValueError):
    def __init__(self, kind: ProblemType, **params: Any):
        super().__init__(kind.code)
        self.kind = kind
        self.params = params


def as_text(value: Any) -> str:
    if value.__class__ is str:
        return value.strip()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def _number(value: Any) -> Decimal:
    try:
        return to_decimal(value)
    except NotANumber:
        raise Invalid(NOT_A_NUMBER, value=value) from None


def _integer(value: Any) -> int:
    number = _number(value) if not isinstance(value, int) else Decimal(value)
    if number != number.to_integral_value():
        raise Invalid(NOT_AN_INTEGER, value=value)
    return int(number)


def _percent(value: Any) -> Decimal:
    text = value.strip().rstrip("%").strip() if isinstance(value, str) else value
    try:
        number = to_decimal(text)
    except NotANumber:
        raise Invalid(NOT_A_PERCENT, value=value) from None
    if isinstance(value, float) and 0 < number < 1:
        number = (number * 100).normalize()
    if not 0 <= number <= 100:
        raise Invalid(NOT_A_PERCENT, value=value)
    return number


def _date(value: Any) -> date:
    try:
        return to_date(value)
    except NotADate:
        raise Invalid(NOT_A_DATE, value=value) from None


_YES = {"si", "s", "yes", "y", "x", "true", "vero", "1", "attivo", "active"}
_NO = {"no", "n", "false", "falso", "0", "inattivo", "inactive"}


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    word = vocab.normalize(as_text(value))
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise Invalid(NOT_YES_NO, value=value)


def _weekdays(value: Any) -> tuple[int, ...]:
    try:
        return vocab.parse_weekdays(as_text(value))
    except ValueError:
        raise Invalid(NOT_WEEKDAYS, value=value) from None


def _vat_number(value: Any) -> str:
    text = as_text(value).upper().replace(" ", "")
    digits = text[2:] if text.startswith("IT") else text
    if digits.isdigit() and len(digits) < 11:
        digits = digits.zfill(11)
    try:
        return iva.validate(digits)
    except ValidationError:
        raise Invalid(INVALID_VAT_NUMBER, value=value) from None


def _tax_code(value: Any) -> str:
    text = as_text(value).upper().replace(" ", "")
    if text.isdigit() and len(text) < 11:
        text = text.zfill(11)
    if not (codicefiscale.is_valid(text) or (len(text) == 11 and iva.is_valid(text))):
        raise Invalid(INVALID_TAX_CODE, value=value)
    return text


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(value: Any) -> str:
    text = as_text(value)
    if not _EMAIL.match(text):
        raise Invalid(BAD_EMAIL, value=value)
    return text


def _day_month(value: Any) -> tuple[int, int]:
    if isinstance(value, (date, datetime)):
        return value.day, value.month
    m = re.match(r"^(\d{1,2})[/.\-](\d{1,2})$", as_text(value))
    if m:
        day, month = int(m[1]), int(m[2])
        try:
            date(2024, month, day)
            return day, month
        except ValueError:
            pass
    raise Invalid(BAD_DAY_MONTH, value=value)


def _choice(column: Column) -> Callable[[Any], Any]:
    enum = column.choice
    assert enum is not None

    def convert(value: Any) -> Any:
        try:
            return vocab.parse(enum, as_text(value))
        except ValueError:
            raise Invalid(NOT_A_CHOICE, value=value,
                          allowed_it=", ".join(f"«{w}»" for w in vocab.choices(enum, "it")),
                          allowed_en=", ".join(f"“{w}”" for w in vocab.choices(enum, "en"))) from None

    return convert


_BY_KIND: dict[Kind, Callable[[Any], Any]] = {
    Kind.TEXT: as_text,
    Kind.CODE: as_text,
    Kind.INTEGER: _integer,
    Kind.QUANTITY: _number,
    Kind.MONEY: _number,
    Kind.PERCENT: _percent,
    Kind.DATE: _date,
    Kind.BOOL: _bool,
    Kind.WEEKDAYS: _weekdays,
    Kind.VAT_NUMBER: _vat_number,
    Kind.TAX_CODE: _tax_code,
    Kind.EMAIL: _email,
    Kind.DAY_MONTH: _day_month,
}


def converter(column: Column) -> Callable[[Any], Any]:
    if column.kind is Kind.CHOICE:
        return _choice(column)
    return _BY_KIND[column.kind]


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
