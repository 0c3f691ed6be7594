"""The schema's simple types for the values we write, so the toolkit can vouch for a file
without the XSD at hand.

The FatturaPA schema restricts every value: most texts to Basic Latin (ASCII) or Latin-1
with a length, codes to patterns (CAP five digits, province two capitals), amounts to a
number of decimals. A value outside its type makes SDI refuse the whole file (error 00200).
`TYPES` restates those restrictions for the types our elements use, by the schema's own type
names; `tests/test_einvoice_schema.py` probes each one against the XSD, so this table and the
official schema cannot drift apart unnoticed.

Texts typed in Excel often hold characters outside Latin-1: curly quotes, dashes, the euro
sign. `fold` turns those into their plain equivalents (’ → ', – → -, € → EUR) and, for the
ASCII-only types, drops accents (Caffè → Caffe); whatever cannot be folded is left for the
check to report, never silently dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

_TYPOGRAPHY = str.maketrans({
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "“": '"', "”": '"', "„": '"', "″": '"',
    "–": "-", "—": "-", "‐": "-", "‑": "-", "−": "-", "…": "...", "€": "EUR", "•": "-",
    "\u00a0": " ", "\u2009": " ", "\u202f": " ", "\t": " ", "\n": " ", "\r": " ", "ʼ": "'",
    "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
})
"""Typography to its plain form; the invisible characters a copy from a web page or a file
with a byte-order mark brings (zero-width space, joiners, U+FEFF) are dropped: a name that
looked right on every screen was refused for them."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_WINDOWS_1252 = {code: bytes([code]).decode("cp1252") for code in range(0x80, 0xA0) if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)}
"""Text that went through a Windows code page read as Latin-1 (a CSV export, an old database)
carries C1 control characters where it meant ’ “ ” – €: U+0092 for ’. The schema's Latin-1
takes them, so the file was written with characters no reader shows; they are read as the
code page meant them, and then folded like any typed text (’ → ')."""


@lru_cache(maxsize=1 << 16)
def fold(text: str | None, ascii_only: bool = False) -> str | None:
    """The text as the schema's character set allows it; None when nothing is left.

    Cached: a month's lines repeat the same few thousand descriptions and units.

    >>> fold("Caffè “Bar” – 1,50 €")
    'Caffè "Bar" - 1,50 EUR'
    >>> fold("Caffè", ascii_only=True), fold("  "), fold("Łódź")
    ('Caffe', None, 'Lódz')

    An accent typed as a separate combining mark (a Mac, a PDF or a web page often write
    `e` + U+0300 for `è`) is joined to its letter first: the mark alone is outside Latin-1,
    and the file was refused for a name that looks right on every screen.

    >>> fold("Societa\\u0300") == "Società"
    True
    >>> fold("L\\x92acqua \\x93Fonte\\x94 \\x96 5 \\x80") == 'L\\'acqua "Fonte" - 5 EUR'
    True
    """
    if text is None:
        return None
    text = str(text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text.translate(_WINDOWS_1252))
    text = _CONTROL.sub(" ", text.translate(_TYPOGRAPHY)).strip()
    limit = 0x7F if ascii_only else 0xFF
    if beyond(text, limit):
        text = "".join(_fold_char(c, limit) for c in text)
    return text or None


def beyond(text: str, limit: int) -> bool:
    """Whether a character of `text` is above `limit` (0x7F: not ASCII; 0xFF: not Latin-1).

    Asked of the greatest character, which `max` finds in C: a generator asking `ord` of each
    character in Python cost the data check about 20 ms at L, the 2,700 item descriptions with
    an accent folded once each, all but a few of them Latin-1 already.

    >>> beyond("Caffè", 0xFF), beyond("Caffè", 0x7F), beyond("", 0x7F), beyond("☕", 0xFF)
    (False, True, False, True)
    """
    return bool(text) and max(text) > chr(limit)


_LATIN_LETTERS = {"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "Đ": "D", "đ": "d", "ß": "ss", "Æ": "AE", "æ": "ae",
                  "Œ": "OE", "œ": "oe", "µ": "u", "ı": "i", "Ħ": "H", "ħ": "h", "Ŧ": "T", "ŧ": "t", "Ŋ": "N",
                  "ŋ": "n", "ĸ": "k"}
"""Latin letters without a decomposition, to the letter they are written as abroad: Turkish
dotless ı (Yıldız), Maltese Ħ (Ħamrun), Sami Ŋ. Left out, a customer in Istanbul or Malta was
refused as if written in another script."""


def _fold_char(char: str, limit: int) -> str:
    """`char` in the characters up to `limit`, when it has a plain form. A fraction keeps its slash
    (½ is 1/2: its decomposition's fraction slash, U+2044, dropped, made «½ kg» read «12 kg»).

    >>> _fold_char("½", 0x7F), _fold_char("⅓", 0xFF), _fold_char("µ", 0x7F), _fold_char("☕", 0xFF)
    ('1/2', '1/3', 'u', '☕')
    >>> _fold_char("ı", 0xFF), _fold_char("Ħ", 0xFF)
    ('i', 'H')
    """
    if ord(char) <= limit:
        return char
    plain = "".join(c for c in unicodedata.normalize("NFKD", char).replace("\u2044", "/") if ord(c) <= limit)
    if not plain:
        plain = _LATIN_LETTERS.get(char, "")
    return plain or char


@dataclass(frozen=True, slots=True)
class TextType:
    """A text type of the schema: its characters, its length, or a pattern."""

    name: str
    max_length: int | None = None
    charset: str = "any"
    """`ascii` (Basic Latin), `latin` (Basic Latin and Latin-1 Supplement) or `any`."""
    pattern: str | None = None
    min_length: int = 1

    def problem(self, value: str) -> str | None:
        """Why `value` is not of this type, in a few words; None when it is.

        Remembered by type name and value: a month's lines repeat the same descriptions,
        units and codes thousands of times."""
        key = (self.name, value)
        try:
            return _TEXT_VERDICTS[key]
        except KeyError:
            if len(_TEXT_VERDICTS) > 1 << 16:
                _TEXT_VERDICTS.clear()
            verdict = _TEXT_VERDICTS[key] = self._problem(value)
            return verdict

    def _problem(self, value: str) -> str | None:
        if self.pattern is not None:
            return None if re.fullmatch(self.pattern, value) else f"pattern {self.pattern}"
        if len(value) < self.min_length:
            return f"at least {self.min_length} characters"
        if self.max_length is not None and len(value) > self.max_length:
            return f"at most {self.max_length} characters, not {len(value)}"
        if unwritable := sorted(set(_NOT_XML.findall(value))):
            return "characters " + " ".join(map(legible, unwritable)) + " (not allowed in XML)"
        if self.charset == "any" or value.isascii():
            return None
        limit = 0x7F if self.charset == "ascii" else 0xFF
        bad = sorted({c for c in value if ord(c) > limit})
        if bad:
            return ("characters " + " ".join(map(legible, bad))
                    + (" (ASCII only)" if limit == 0x7F else " (Latin-1 only)"))
        return None


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""What XML 1.0 cannot hold at all (C0 controls, U+FFFE, U+FFFF): a code typed with one (Excel
keeps `_x0001_` as U+0001) made a file no parser reads, written as if it were right."""


def legible(text: str, most: int = 100) -> str:
    """Text as a message can show it: an invisible or control character as its code point
    (U+202E would turn the rest of the line around), and at most `most` characters.

    >>> legible("Bar\u202eRoma\x01"), legible("x" * 5, most=3)
    ('BarU+202ERomaU+0001', 'xx…')
    """
    shown = "".join(c if c == " " or unicodedata.category(c)[0] not in "CZ" else f"U+{ord(c):04X}"
                    for c in text[:most])
    return shown if len(text) <= most else shown[:most - 1] + "…"


_TEXT_VERDICTS: dict[tuple[str, str], str | None] = {}


_ATOM = r"[!#-'*+/-9=?A-Z^-~-]+(\.[!#-'*+/-9=?A-Z^-~-]+)*"

TYPES: dict[str, TextType] = {t.name: t for t in (
    TextType("String10Type", 10, "ascii"),
    TextType("String20Type", 20, "ascii"),
    TextType("String35Type", 35, "ascii"),
    TextType("String35LatinExtType", 35),
    TextType("String60LatinType", 60, "latin"),
    TextType("String80LatinType", 80, "latin"),
    TextType("String100LatinType", 100, "latin"),
    TextType("String200LatinType", 200, "latin"),
    TextType("String1000LatinType", 1000, "latin"),
    TextType("CodiceType", 28),
    TextType("NazioneType", pattern="[A-Z]{2}"),
    TextType("ProvinciaType", pattern="[A-Z]{2}"),
    TextType("DivisaType", pattern="[A-Z]{3}"),
    TextType("CAPType", pattern="[0-9]{5}"),
    TextType("CodiceFiscaleType", pattern="[A-Z0-9]{11,16}"),
    TextType("CodiceDestinatarioType", pattern="[A-Z0-9]{6,7}"),
    TextType("IBANType", pattern="[a-zA-Z]{2}[0-9]{2}[a-zA-Z0-9]{11,30}"),
    TextType("EmailType", 256, pattern=f"(?=.{{1,256}}$){_ATOM}@{_ATOM}"),
)}
"""The text types of the elements we write. EmailType is stricter than the schema's (no
quoted local part, no bracketed address): no PEC address needs either."""


@dataclass(frozen=True, slots=True)
class NumberType:
    """A number type of the schema: its sign, integer digits and decimals."""

    name: str
    integer_digits: int
    min_decimals: int
    max_decimals: int
    signed: bool = True
    maximum: Decimal | None = None

    def problem(self, value: Decimal) -> str | None:
        if _PLAIN[self.name].fullmatch(str(value)) and (self.maximum is None or value <= self.maximum):
            return None
        if not value.is_finite():
            return "not a number"
        if value < 0 and not self.signed:
            return "negative"
        if self.maximum is not None and value > self.maximum:
            return f"more than {self.maximum}"
        if decimals(value) > self.max_decimals:
            return f"more than {self.max_decimals} decimals"
        if value and value.adjusted() >= self.integer_digits:
            return f"more than {self.integer_digits} digits before the point"
        return None


NUMBERS: dict[str, NumberType] = {t.name: t for t in (
    NumberType("Amount2DecimalType", 11, 2, 2),
    NumberType("Amount8DecimalType", 11, 2, 8),
    NumberType("QuantitaType", 12, 2, 8, signed=False),
    NumberType("RateType", 3, 2, 2, signed=False, maximum=Decimal(100)),
)}
"""The number types of the elements we write. Fewer decimals than `min_decimals` are padded
by the writer (12 is written 12.00), so only the upper bounds can fail."""

_PLAIN = {t.name: re.compile(("-?" if t.signed else "") + rf"\d{{1,{t.integer_digits}}}(\.\d{{0,{t.max_decimals}}})?")
          for t in NUMBERS.values()}
"""A number whose plain text already fits its type (most of them) needs no further look."""

MAX_LINE_NUMBER = 9999
"""NumeroLineaType and RiferimentoNumeroLineaType: lines are numbered 1 to 9999."""
FIRST_INVOICE_DAY = date(1970, 1, 1)
"""DataFatturaType's lower bound."""


def decimals(value: Decimal) -> int:
    """Significant decimals: 2.50 has 1, 3 has 0.

    Read from the number's text, which is several times faster than its tuple: a month has
    millions of numbers to check and write.

    >>> decimals(Decimal("2.50")), decimals(Decimal("3")), decimals(Decimal("0.12345")), decimals(Decimal("1E+2"))
    (1, 0, 5, 0)
    """
    text = str(value)
    if "E" in text:
        exponent = value.normalize().as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0
    dot = text.find(".")
    return 0 if dot < 0 else len(text.rstrip("0")) - dot - 1
