"""What the files are called: `IT<partita IVA>_<progressive>.xml`, and the progressive itself.

SDI names a file after its transmitter (IdTrasmittente: the seller, when it sends its own
files) and a progressive of one to five letters or digits that the transmitter never uses
twice: a second file with a name SDI has already seen is rejected (00002, duplicate name).
The ledger keeps one number per file, drawn once and kept forever; `progressive` spells it.

Five digits would last a small desk for ever but a large distributor (36,000 invoices a month)
under three months, so past 99,999 the progressive goes on with a letter in front: `A0000`,
`A0001` … `ZZZZZ`, base 36 after the letter. Numbers and names sort the same way, and the first
99,999 files look like what people expect (`00001`).
"""

from __future__ import annotations

import re

from stdnum.it import codicefiscale

from toolkit.basics import vat_ids
from toolkit.core.einvoice.records import FiscalId
from toolkit.model.parties import Seller
from toolkit.model.records import Settings

DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
PLAIN = 99_999
"""The last progressive written with digits only."""
LAST = PLAIN + 26 * 36 ** 4
"""The last number five characters can spell: 43,770,015 files."""


def progressive(number: int) -> str:
    """The five-character progressive of the file numbered `number` (from 1).

    >>> [progressive(n) for n in (1, 42, 99_999, 100_000, 100_001, 100_036, LAST)]
    ['00001', '00042', '99999', 'A0000', 'A0001', 'A0010', 'ZZZZZ']
    """
    if not 1 <= number <= LAST:
        raise ValueError(f"no five-character progressive for file number {number}")
    if number <= PLAIN:
        return f"{number:05d}"
    rest = number - PLAIN - 1
    tail = ""
    for _ in range(4):
        rest, digit = divmod(rest, 36)
        tail = DIGITS[digit] + tail
    return DIGITS[10 + rest] + tail


def vat_code(number: str, country: str) -> str:
    """A VAT number without spaces and without its country prefix, as IdCodice wants it.

    >>> vat_code("IT 09876540155", "IT"), vat_code("09876540155", "IT"), vat_code("DE123456789", "DE")
    ('09876540155', '09876540155', '123456789')
    >>> vat_code("EL123456789", "GR"), vat_code("CHE116281710", "CH")
    ('123456789', '116281710')
    """
    code = "".join(number.split()).upper()
    if vat_ids.vat_country(code) == country.upper() and country.upper() != "IT":
        return vat_ids.id_code(code)
    return code[2:] if code.startswith(country.upper()) and len(code) > 2 else code


def seller_id(seller: Settings | Seller) -> FiscalId:
    """The seller's IdFiscaleIVA: its country (Italy unless the settings say otherwise) and
    partita IVA; also the transmitter when the seller sends its own files."""
    country = vat_ids.country_code(seller.country)
    return FiscalId(country, vat_code(seller.vat_number, country))


def file_name(transmitter: FiscalId, progressive: str, extension: str = "xml") -> str:
    """`IT09876540155_00001.xml`: the transmitter's country and id, and the progressive; a zip
    sent to SDI is named the same way, with a progressive of its own.

    >>> file_name(FiscalId("IT", "09876540155"), "0000A", "zip")
    'IT09876540155_0000A.zip'
    """
    return f"{transmitter.country}{transmitter.code}_{progressive}.{extension}"


def parse_transmitter(text: str) -> FiscalId | None:
    """An intermediary's IdTrasmittente as the user writes it, country first: `IT01234560157`
    (an Italian transmitter gives its codice fiscale, 11 digits or 16 characters, whose check
    character must hold: SDI rejects every file of a code the tax register cannot have, 00300;
    abroad, an id of up to 28 letters and digits). None when it is not one.

    >>> parse_transmitter("it 01234560157"), parse_transmitter("ITRSSMRA80A01H501U")
    (FiscalId(country='IT', code='01234560157'), FiscalId(country='IT', code='RSSMRA80A01H501U'))
    >>> parse_transmitter("01234560157"), parse_transmitter("IT123")
    (None, None)
    >>> parse_transmitter("IT01234567890"), parse_transmitter("ITRSSMRA80A01H501V")
    (None, None)
    """
    code = "".join(text.split()).upper()
    found = re.fullmatch(r"([A-Z]{2})([A-Z0-9]{1,28})", code)
    if found is None:
        return None
    country, rest = found.groups()
    if country == "IT" and not (re.fullmatch(r"[0-9]{11}|[A-Z0-9]{16}", rest) and codicefiscale.is_valid(rest)):
        return None
    return FiscalId(country, rest)
