"""The seller's IBAN (*Impostazioni › IBAN*), as every invoice paid by bank transfer carries it.

The e-invoice writes it in each DettaglioPagamento (MP05) and the printed copy beside the dues,
so a wrong one reaches every customer paying by transfer. Written with dashes or dots, or after
the word `IBAN`, as bank letters print it, it failed the schema's IBANType: month end issued the
invoices, then every file paid by transfer was refused at the e-invoice export. A digit mistyped
passed everything, and customers' banks refused the transfers. Both are refused at the cell,
before anything is issued: letters and digits (spaces are dropped, as the file drops them), the
length of the country's IBAN, and the check digits (ISO 13616, mod 97).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from toolkit.basics.problems import Problem, define
from toolkit.intake.validation.layout import Layout
from toolkit.model.records import MasterData

LENGTHS = {"IT": 27, "SM": 27, "VA": 22, "DE": 22, "FR": 27, "AT": 20, "CH": 21, "ES": 24, "NL": 18, "BE": 16,
           "LU": 20, "PT": 25, "IE": 22, "GB": 22, "SI": 19, "HR": 21, "MT": 31, "GR": 27, "PL": 28, "LI": 21}
"""The length of an IBAN of the countries an Italian desk banks in; any other country is held to
the standard's 15 to 34 characters."""

BAD_IBAN = define(
    "bad-iban", "error",
    it="L'IBAN «{value}» non è valido ({why_it}): ogni fattura pagata con bonifico lo riporta, e la fattura "
       "elettronica sarebbe scartata o il bonifico respinto. Copialo dall'estratto conto, con sole lettere e cifre "
       "(es. IT60X0542811101000000123456).",
    en="IBAN “{value}” is not valid ({why_en}): every invoice paid by bank transfer carries it, and the e-invoice "
       "would be refused or the transfer bounced. Copy it from a bank statement, letters and digits only "
       "(e.g. IT60X0542811101000000123456).")


def iban_fault(text: str) -> tuple[str, str] | None:
    """Why `text` is no IBAN, in Italian and English; None when it is one.

    >>> iban_fault("IT60 X054 2811 1010 0000 0123 456"), iban_fault("IT60-X054-2811-1010-0000-0123-456")[1]
    (None, 'only letters and digits')
    >>> iban_fault("IBAN: IT60 X054 2811 1010 0000 0123 456")[1]
    'written after the word IBAN'
    >>> iban_fault("IT60X054281110100000012345")[1], iban_fault("IT61X0542811101000000123456")[1]
    ('27 characters for IT, not 26', 'its check digits do not match')
    """
    code = "".join(text.split()).upper()
    if re.match(r"IBAN\W*[A-Z]{2}[0-9]{2}", code):
        return "scritto dopo la parola IBAN", "written after the word IBAN"
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", code):
        return "solo lettere e cifre, il paese e 2 cifre in testa", "only letters and digits"
    country = code[:2]
    length = LENGTHS.get(country)
    if length is not None and len(code) != length:
        return (f"{length} caratteri per {country}, non {len(code)}",
                f"{length} characters for {country}, not {len(code)}")
    if not 15 <= len(code) <= 34:
        return f"da 15 a 34 caratteri, non {len(code)}", f"15 to 34 characters, not {len(code)}"
    digits = "".join(str(int(c, 36)) for c in code[4:] + code[:4])
    if int(digits) % 97 != 1:
        return "le cifre di controllo non tornano", "its check digits do not match"
    return None


def iban(master: MasterData, layout: Layout) -> Iterator[Problem]:
    """The IBAN of *Impostazioni*, when given, at its cell."""
    value = master.settings.iban
    if value and (why := iban_fault(value)):
        yield BAD_IBAN(layout.locate("settings", field="iban"), value=value, why_it=why[0], why_en=why[1])
