"""Foreign VAT numbers: a country prefix and the shape that country gives its numbers.

A customer abroad has no partita IVA; its invoices name it by its own country's VAT number
(IdFiscaleIVA: IdPaese and IdCodice). Each EU number is checked against the format VIES
publishes for that country (letters, digits, length) and no further: the check digits of 27
countries, unverifiable here, would refuse a customer rather than protect one. Switzerland's
UID (`CHE` and 9 digits, `MWST`/`TVA`/`IVA` after it), San Marino's COE (codice operatore
economico, `SM` and 5 digits) and the United Kingdom's numbers are read too; any other
two-letter prefix takes what FatturaPA's IdCodice holds, up to 28 letters and digits, at least one
a digit. The number is kept with its prefix (`DE123456789`), so the cell alone says whose.

>>> foreign("de 123 456 789"), foreign("CHE-116.281.710 MWST"), foreign("ATU1234567")
('DE123456789', 'CHE116281710', None)
>>> foreign("IT01234560157"), foreign("01234560157"), foreign("GR123456789")
(None, None, None)
>>> foreign("SM 12345"), foreign("SM123456"), vat_country("SM12345"), id_code("SM12345")
('SM12345', None, 'SM', '12345')
>>> vat_country("EL123456789"), id_code("CHE116281710"), id_code("EL123456789")
('GR', '116281710', '123456789')
"""

from __future__ import annotations

import re

EU_FORMATS: dict[str, str] = {
    "AT": r"U\d{8}", "BE": r"[01]\d{9}", "BG": r"\d{9,10}", "CY": r"\d{8}[A-Z]", "CZ": r"\d{8,10}",
    "DE": r"\d{9}", "DK": r"\d{8}", "EE": r"\d{9}", "EL": r"\d{9}", "ES": r"[A-Z0-9]\d{7}[A-Z0-9]",
    "FI": r"\d{8}", "FR": r"[A-HJ-NP-Z0-9]{2}\d{9}", "HR": r"\d{11}", "HU": r"\d{8}",
    "IE": r"\d[A-Z0-9+*]\d{5}[A-W][A-I]?", "LT": r"\d{9}|\d{12}", "LU": r"\d{8}", "LV": r"\d{11}",
    "MT": r"\d{8}", "NL": r"\d{9}B\d{2}", "PL": r"\d{10}", "PT": r"\d{9}", "RO": r"\d{2,10}", "SE": r"\d{12}",
    "SI": r"\d{8}", "SK": r"\d{10}", "XI": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}",
}
"""VAT number after its prefix, per EU member state (VIES); Greece writes EL, Northern Ireland XI."""

OTHER_FORMATS: dict[str, str] = {"CHE": r"\d{9}", "GB": r"\d{9}|\d{12}|GD\d{3}|HA\d{3}", "SM": r"\d{5}"}
"""Outside the EU, the numbers whose shape is known: the Swiss UID, the British VAT number and
San Marino's COE."""

EU_COUNTRIES = frozenset({"IT", "GR"} | EU_FORMATS.keys() - {"EL", "XI"})
"""ISO codes of the member states (Paese), Italy among them: where an intra-EU supply goes."""

GREECE_ISO, GREECE_VAT = "GR", "EL"
"""Greece is GR as a country (Paese, Nazione, IdPaese) and EL before its VAT numbers (VIES)."""

NORTHERN_IRELAND = "XI"
"""The prefix of Northern Ireland's VAT numbers (country GB): for goods it stays in the EU's VAT
area (Windsor Framework), so its goods are intra-EU supplies."""

SWISS_PREFIX = "CHE"
"""The Swiss UID's prefix (IDI in Italian): its ninth digit checks the other eight (mod 11), which
the data check verifies (`stdnum.ch.uid`), as a Swiss number is one no VIES confirms."""

_PREFIX_COUNTRY = {GREECE_VAT: GREECE_ISO, NORTHERN_IRELAND: "GB", SWISS_PREFIX: "CH"}
_SWISS_SUFFIX = re.compile(r"(MWST|TVA|IVA|TPV)$")
_ANY = re.compile(r"(?=.*[0-9])[A-Z0-9]{2,26}")


def foreign(value: str) -> str | None:
    """The foreign VAT number `value` writes, prefix first, without spaces, dots or dashes; None
    when it has no foreign prefix or not its country's shape (an Italian one is not foreign), or
    is Greek written GR, which VIES does not know."""
    text = re.sub(r"[\s.\-/]", "", value.upper())
    prefix = _prefix(text)
    if prefix is None or prefix == GREECE_ISO:
        return None
    rest = text[len(prefix):]
    if prefix == "CHE":
        rest = _SWISS_SUFFIX.sub("", rest)
    shape = EU_FORMATS.get(prefix) or OTHER_FORMATS.get(prefix)
    fits = re.fullmatch(shape, rest) if shape else _ANY.fullmatch(rest)
    return prefix + rest if fits else None


def _prefix(text: str) -> str | None:
    if text.startswith("CHE"):
        return "CHE"
    head = text[:2]
    return head if len(head) == 2 and head.isascii() and head.isalpha() and head != "IT" else None


def country_code(country: str | None) -> str:
    """A *Paese* cell as its ISO code: trimmed, in capitals, IT when empty.

    >>> country_code(" de "), country_code(None), country_code("")
    ('DE', 'IT', 'IT')
    """
    return (country or "").strip().upper() or "IT"


def vat_country(number: str) -> str:
    """The ISO country (Paese) of a VAT number as `foreign` keeps it; IT for a partita IVA."""
    prefix = _prefix(number)
    return "IT" if prefix is None else _PREFIX_COUNTRY.get(prefix, prefix)


def id_country(number: str, country: str, *, goods: bool = True) -> str:
    """IdPaese of a foreign VAT number in the e-invoice (IdFiscaleIVA): its country, except a
    Northern Ireland number on a document of goods, which keeps XI. XI is the EU's code for those
    numbers (directive 2020/1756) and the one that names the buyer of an intra-EU supply; GB
    before the same digits would name a VAT registration of Great Britain, outside the EU. The
    address's Nazione stays GB. XI stands for the EU in goods only (Windsor Framework): a document
    of services alone (`goods` False) names the buyer GB, a British business.

    >>> id_country("XI123456789", "GB"), id_country("GB123456789", "GB"), id_country("EL123456789", "GR")
    ('XI', 'GB', 'GR')
    >>> id_country("XI123456789", "GB", goods=False)
    'GB'
    """
    ireland = goods and number.strip().upper().startswith(NORTHERN_IRELAND) and country == "GB"
    return NORTHERN_IRELAND if ireland else country


def named_number(number: str, country: str, *, goods: bool = True) -> str:
    """A foreign VAT number as a printed document names its buyer, with the country the
    e-invoice's IdPaese gives it (`id_country`): a Northern Ireland number on a document of
    services alone is printed GB, as its e-invoice says.

    >>> named_number("XI123456789", "GB"), named_number("XI123456789", "GB", goods=False)
    ('XI123456789', 'GB123456789')
    >>> named_number("DE123456789", "DE", goods=False)
    'DE123456789'
    """
    if id_country(number, country) == id_country(number, country, goods=goods):
        return number
    return f"{id_country(number, country, goods=goods)}{id_code(''.join(number.split()).upper())}"


def id_code(number: str) -> str:
    """IdCodice: the number without its country prefix (`CHE` for a Swiss UID, `EL` for Greece)."""
    prefix = _prefix(number)
    return number[len(prefix):] if prefix else number


def italian_digits(number: str) -> str | None:
    """The 11 digits of a partita IVA however written (`IT 09876540155`); None for a foreign one.
    The Partita IVA column keeps one as its digits alone, which are then all there is."""
    if vat_country(number.strip().upper()) != "IT":
        return None
    return (number if number.isdigit() else "".join(filter(str.isdigit, number))) or None
