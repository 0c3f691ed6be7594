"""Numbers, counts and values as a person reads them, in Italian or English.

Python prints `1234.5` the same in every language, and f-strings make "1 ordini". A sales
assistant reads `1.234,50 €` and "1 ordine"; an English reader `€1,234.50` and "1 order". Only
what is shown goes through here: files for programs (JSON, CSV for machines) keep plain
decimals.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import PurePath, PureWindowsPath
from typing import Any
from unicodedata import combining

from toolkit.basics import vocab

_EMPTY = {"it": "(vuoto)", "en": "(empty)"}
_YES_NO = {"it": ("sì", "no"), "en": ("yes", "no")}
_UNPRINTED = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def one_line(name: object) -> str:
    """A file's name as a terminal line shows it: its control characters escaped (`\\n`, `\\x1b`),
    where a name holding a newline (pasted from a cell of two lines) split its line in two, the
    second read as a file of its own, and an escape sequence drove the terminal."""
    return _UNPRINTED.sub(lambda found: repr(found.group())[1:-1], str(name))


def count(n: int, one: str, many: str) -> str:
    """
    >>> count(1, "ordine", "ordini"), count(3, "ordine", "ordini"), count(0, "order", "orders")
    ('1 ordine', '3 ordini', '0 orders')
    """
    return f"{n} {one if n == 1 else many}"


def first_numbers(numbers: Sequence[str], most: int = 5) -> str:
    """A message's list of document numbers: the first `most`, and `…` for the rest.

    >>> first_numbers(["1", "2", "3", "4", "5", "6"]), first_numbers(["FT-2026-00001"])
    ('1, 2, 3, 4, 5 …', 'FT-2026-00001')
    """
    return ", ".join(numbers[:most]) + (" …" if len(numbers) > most else "")


@dataclass(frozen=True, slots=True)
class Noun:
    """What a message counts, in both languages (one, many), with its Italian gender: the words
    agreeing with it follow the noun, not the message (*e altri 2* DDT, *e altre 2* fatture),
    so whoever counts names it, never a default that is right for masculine nouns alone."""

    it: tuple[str, str]
    en: tuple[str, str]
    feminine: bool = False

    def more(self, n: int, lang: str, *, said: bool) -> str:
        """*n* more of them, the noun after the count when `said`.

        >>> lines = Noun(("riga", "righe"), ("line", "lines"), feminine=True)
        >>> lines.more(1, "it", said=True), lines.more(3, "it", said=False), lines.more(3, "en", said=True)
        ("un'altra riga", 'altre 3', '3 more lines')
        """
        if lang == "en":
            return f"{n} more" + (f" {self.named(n, lang)}" if said else "")
        other = ("un'altra" if n == 1 else f"altre {n}") if self.feminine else ("un altro" if n == 1 else f"altri {n}")
        return other + (f" {self.named(n, lang)}" if said else "")

    def named(self, n: int, lang: str) -> str:
        """The noun agreeing with *n* of them, without the count.

        >>> INVOICES.named(1, "it"), DDTS.named(2, "en")
        ('fattura', 'DDTs')
        """
        return (self.en if lang == "en" else self.it)[n != 1]

    def counted(self, n: int, lang: str) -> str:
        """
        >>> INVOICES.counted(1, "it"), INVOICES.counted(2, "en"), DDTS.counted(2, "it")
        ('1 fattura', '2 invoices', '2 DDT')
        """
        return f"{n} {self.named(n, lang)}"


DDTS = Noun(("DDT", "DDT"), ("DDT", "DDTs"))
ORDERS = Noun(("ordine", "ordini"), ("order", "orders"))
TEMPLATES = Noun(("modello", "modelli"), ("template", "templates"))
ITEMS = Noun(("articolo", "articoli"), ("item", "items"))
INVOICES = Noun(("fattura", "fatture"), ("invoice", "invoices"), feminine=True)
CREDIT_NOTES = Noun(("nota di credito", "note di credito"), ("credit note", "credit notes"), feminine=True)
DEBIT_NOTES = Noun(("nota di debito", "note di debito"), ("debit note", "debit notes"), feminine=True)
DOCUMENTS = Noun(("documento", "documenti"), ("document", "documents"))
"""What a document is named by when its kind is not known: never left out of a count."""


@dataclass(frozen=True, slots=True)
class Listed:
    """Numbers a message must name all of, in a line: the first few, then how many more in words
    (`total` counts them all), so a desk sees at once every document to act on. What they are
    (`noun`) is the caller's to say, since the words for the rest agree with it in Italian.

    >>> Listed(("DDT-1", "DDT-2"), 2, DDTS).shown("it"), Listed(("A", "B"), 3, DDTS).shown("it")
    ('DDT-1, DDT-2', 'A, B e un altro')
    >>> Listed(("A", "B"), 9, DDTS).shown("it"), Listed(("A", "B"), 9, DDTS).shown("en")
    ('A, B e altri 7', 'A, B and 7 more')
    >>> invoices = Noun(("fattura", "fatture"), ("invoice", "invoices"), feminine=True)
    >>> Listed(("FT-1", "FT-2"), 9, invoices).shown("it"), Listed(("FT-1",), 2, invoices).shown("it")
    ('FT-1, FT-2 e altre 7', "FT-1 e un'altra")

    What is listed may be other than documents (`A001 12, A002 30` are items and their
    quantities): `said` names what the rest are after their count, so *e altri 14* is not read
    as 14 pieces.

    >>> Listed(("A001 12",), 15, ITEMS, said=True).shown("it"), Listed(("A001 12",), 2, ITEMS, said=True).shown("it")
    ('A001 12 e altri 14 articoli', 'A001 12 e un altro articolo')
    >>> Listed(("A001 12",), 15, ITEMS, said=True).shown("en"), Listed(("A001 12",), 2, ITEMS, said=True).shown("en")
    ('A001 12 and 14 more items', 'A001 12 and 1 more item')
    """

    numbers: tuple[str, ...]
    total: int
    noun: Noun
    said: bool = False
    """Whether the noun follows the count of the rest (*e altri 14 articoli*), where the message
    around does not say what they are."""

    def shown(self, lang: str) -> str:
        listed, more = ", ".join(self.numbers), self.total - len(self.numbers)
        if more <= 0:
            return listed
        return f"{listed} {'and' if lang == 'en' else 'e'} {self.noun.more(more, lang, said=self.said)}"


@dataclass(frozen=True, slots=True)
class Codes:
    """Codes a message gives to type back (`--exclude T011,T014,T004`): all of them, as the
    option takes them, on the command line; at the panel, where they are flags to take off and
    a box over 1,024 characters is cut off, the first `PANEL_MOST` and how many more
    (`at_panel`): a January catch-up of 200 templates named them all in one box.

    >>> Codes(("T1", "T2")).shown("it"), Codes(tuple(f"T{n}" for n in range(12))).at_panel.shown("it")
    ('T1,T2', 'T0, T1, T2, T3, T4, T5, T6, T7, T8, T9 e altri 2')
    """

    codes: tuple[str, ...]

    def shown(self, lang: str) -> str:
        return ",".join(self.codes)

    @property
    def at_panel(self) -> Listed:
        return Listed(self.codes[:PANEL_MOST], len(self.codes), TEMPLATES)


PANEL_MOST = 10
"""The codes a panel's box names before it counts the rest."""


@dataclass(frozen=True, slots=True)
class Agreed:
    """The words of a message that agree with a count shown elsewhere in it (`Counted`): its
    verb, a pronoun (*1 fattura … è in bozza: rendila definitiva*).

    >>> drafts = Agreed(1, ("è in bozza", "sono in bozza"), ("is a draft", "are drafts"))
    >>> drafts.shown("it"), drafts.shown("en"), Agreed(2, ("la", "le"), ("it", "them")).shown("it")
    ('è in bozza', 'is a draft', 'le')
    """

    n: int
    it: tuple[str, str]
    en: tuple[str, str]

    def shown(self, lang: str) -> str:
        one, many = self.en if lang == "en" else self.it
        return one if self.n == 1 else many


@dataclass(frozen=True, slots=True)
class Agreeing:
    """Words of a message that agree with what it names, in number and, in Italian, in gender:
    (masculine one, feminine one, masculine many, feminine many), in English (one, many). A
    masculine noun among several makes them masculine (*1 DDT e 1 fattura … emessi*); the words
    of one message agree through here, not through a choice of the message's code.

    >>> issued = Agreeing(("emesso", "emessa", "emessi", "emesse"), ("issued", "issued"))
    >>> issued.to(1, feminine=True).shown("it"), issued.to(2, feminine=False).shown("it")
    ('emessa', 'emessi')
    >>> them = Agreeing(("lo", "la", "li", "le"), ("it", "them"))
    >>> them.to(2, feminine=True).shown("it"), them.to(1, feminine=False).shown("en")
    ('le', 'it')
    """

    it: tuple[str, str, str, str]
    en: tuple[str, str]

    def to(self, n: int, *, feminine: bool) -> Agreed:
        return Agreed(n, (self.it[feminine], self.it[2 + feminine]), self.en)


@dataclass(frozen=True, slots=True)
class Numbered:
    """Documents a message names kind by kind: each kind counted, its first numbers in brackets
    (`first_numbers`), the last kind joined by *e* / *and*, as a sentence lists them; the words
    around agree with them all (`agreeing`). A lone credit note was named among *fatture e note
    di credito*, its line «Stampali».

    >>> named = Numbered(((DDTS, ("DDT-1",)), (INVOICES, ("FT-1", "FT-2")), (CREDIT_NOTES, ())))
    >>> named.shown("it"), named.shown("en"), named.total
    ('1 DDT (DDT-1) e 2 fatture (FT-1, FT-2)', '1 DDT (DDT-1) and 2 invoices (FT-1, FT-2)', 3)
    >>> Numbered(((DDTS, ("D-1",)), (INVOICES, ("F-1",)), (DEBIT_NOTES, ("F-2",)))).shown("it")
    '1 DDT (D-1), 1 fattura (F-1) e 1 nota di debito (F-2)'
    """

    kinds: tuple[tuple[Noun, tuple[str, ...]], ...]
    most: int = 5
    """The numbers named of each kind, `…` for the rest."""

    @property
    def total(self) -> int:
        return sum(len(numbers) for _, numbers in self.kinds)

    @property
    def feminine(self) -> bool:
        """Whether the words agreeing with them are feminine in Italian (only feminine nouns)."""
        return all(noun.feminine for noun, numbers in self.kinds if numbers)

    def agreeing(self, words: Agreeing) -> Agreed:
        return words.to(self.total, feminine=self.feminine)

    def shown(self, lang: str) -> str:
        named = [f"{noun.counted(len(numbers), lang)} ({first_numbers(list(numbers), self.most)})"
                 for noun, numbers in self.kinds if numbers]
        return (" e " if lang == "it" else " and ").join(filter(None, (", ".join(named[:-1]), *named[-1:])))


class Counted(Agreed):
    """A count and its noun for a problem's message, which reads in either language: a
    template cannot agree "{count} documenti" with 1.

    >>> docs = Counted(1, ("documento", "documenti"), ("document", "documents"))
    >>> docs.shown("it"), docs.shown("en"), Counted(2, ("riga", "righe"), ("line", "lines")).shown("it")
    ('1 documento', '1 document', '2 righe')
    """

    __slots__ = ()

    def shown(self, lang: str) -> str:
        return f"{self.n} {Agreed.shown(self, lang)}"


@dataclass(frozen=True, slots=True)
class Grouped:
    """A whole number in a message with its thousands grouped in the reader's way: a sheet's row
    or its limit, which an int would show as Python does (`1048576`).

    >>> Grouped(1_048_576).shown("it"), Grouped(1_048_576).shown("en"), Grouped(7).shown("it")
    ('1.048.576', '1,048,576', '7')
    """

    n: int

    def shown(self, lang: str) -> str:
        return number(self.n, lang)


def utf16_length(text: str) -> int:
    """What Excel counts of a cell's text (32,767 at most) and Windows of a file's name (255):
    UTF-16 code units, two for an emoji or any character past Unicode's first plane.

    >>> utf16_length("Città"), utf16_length("\U0001F600" * 101)
    (5, 202)
    """
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


@dataclass(frozen=True, slots=True)
class Characters:
    """A text's length in a message as its reader counts it, in characters, and, when it holds an
    emoji, what `counter` (Excel, Windows) counts of it, two for each, the count a limit beside it
    stands against: «202 caratteri» was said of a text of 101 emoji, and nobody typed 202.

    >>> Characters("abc", "Excel").shown("it"), Characters("\U0001F600" * 101, "Windows").shown("it")
    ('3 caratteri', '101 caratteri, che per Windows sono 202')
    >>> Characters("\U0001F600" * 101, "Excel").shown("en")
    '101 characters, which Excel counts as 202'
    """

    text: str
    counter: str

    def shown(self, lang: str) -> str:
        characters, units = len(self.text), utf16_length(self.text)
        said = f"{number(characters, lang)} {'characters' if lang == 'en' else 'caratteri'}"
        if units == characters:
            return said
        if lang == "en":
            return f"{said}, which {self.counter} counts as {number(units, lang)}"
        return f"{said}, che per {self.counter} sono {number(units, lang)}"


@dataclass(frozen=True, slots=True)
class TextLine:
    """A CSV's line in a message: the line a text editor shows it on, where a file too wide or a
    value too long is mended, and Excel's row beside it when Excel shows it on another (it hides
    a first line `sep=;`, and shows a quoted text over several lines as one row): the line named
    after a `sep=;` line was one less than the editor's.

    >>> TextLine(5, 4).shown("it"), TextLine(5, 4).shown("en"), TextLine(3, 3).shown("it")
    ('5 (la riga 4 in Excel)', '5 (row 4 in Excel)', '3')
    >>> TextLine(5, 4).bracketed("it"), TextLine(5, 4).bracketed("en"), TextLine(3, 3).bracketed("en")
    ('5, che Excel mostra come riga 4', '5, which Excel shows as row 4', '3')
    """

    line: int
    row: int

    def shown(self, lang: str) -> str:
        said = number(self.line, lang)
        if self.line == self.row:
            return said
        return f"{said} (row {number(self.row, lang)} in Excel)" if lang == "en" else (
            f"{said} (la riga {number(self.row, lang)} in Excel)")

    def bracketed(self, lang: str) -> str:
        """As `shown`, said inside a message's own brackets, which «(riga 5 (la riga 4 in
        Excel): …)» nested."""
        said = number(self.line, lang)
        if self.line == self.row:
            return said
        return f"{said}, which Excel shows as row {number(self.row, lang)}" if lang == "en" else (
            f"{said}, che Excel mostra come riga {number(self.row, lang)}")


def more_warnings(n: int, lang: str) -> str:
    """The warnings a summary leaves out, in words: one is *un altro avviso*, never *altri 1 avvisi*.

    >>> more_warnings(1, "it"), more_warnings(7, "it"), more_warnings(1, "en"), more_warnings(7, "en")
    ('un altro avviso', 'altri 7 avvisi', 'one more warning', '7 more warnings')
    """
    if lang == "it":
        return "un altro avviso" if n == 1 else f"altri {n} avvisi"
    return "one more warning" if n == 1 else f"{n} more warnings"


def number(value: Decimal | int, lang: str, places: int | None = None) -> str:
    """Thousands grouped, decimals kept (or `places` of them), in the reader's way.

    >>> number(Decimal("1234.5"), "it", 2), number(Decimal("1234.5"), "en", 2)
    ('1.234,50', '1,234.50')
    >>> number(Decimal("-12000"), "it"), number(Decimal("2.125"), "it")
    ('-12.000', '2,125')
    """
    value = Decimal(value)
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    text = f"{value:,f}"
    return text.translate(str.maketrans(",.", ".,")) if lang == "it" else text


def quantity(value: Decimal | int, lang: str) -> str:
    """A quantity as the reader writes it, without the ledger's trailing zeros: in Italian
    `1.999` would read one thousand nine hundred ninety-nine, so it is `1,999` there.

    >>> quantity(Decimal("1.999"), "it"), quantity(Decimal("10.000"), "it"), quantity(Decimal("2500.500"), "it")
    ('1,999', '10', '2.500,5')
    >>> quantity(Decimal("1.999"), "en"), quantity(Decimal("2500"), "en"), quantity(12, "it")
    ('1.999', '2,500', '12')
    """
    return number(Decimal(value).normalize(), lang)


def percent(value: Decimal | int, lang: str) -> str:
    """A rate or a share as the reader writes it: `12.5` is `12,5 %` in Italian, where
    `12.5 %` reads as a typo; no trailing zeros (`5.00` is `5 %`).

    >>> percent(Decimal("12.5"), "it"), percent(Decimal("5.00"), "it"), percent(Decimal("1.5"), "en")
    ('12,5 %', '5 %', '1.5 %')
    """
    return f"{quantity(value, lang)} %"


def euro(value: Decimal | int, lang: str, places: int = 2) -> str:
    """
    >>> euro(Decimal("151.59"), "it"), euro(Decimal("1234567.1"), "en"), euro(Decimal("-3"), "it")
    ('151,59 €', '€1,234,567.10', '-3,00 €')
    """
    shown = number(value, lang, places)
    if lang == "it":
        return f"{shown} €"
    return f"-€{shown[1:]}" if shown.startswith("-") else f"€{shown}"


def unit_price(value: Decimal, lang: str) -> str:
    """A price as the price list keeps it: cents always, and the further decimals (up to six)
    it has, which `euro` would round away.

    >>> unit_price(Decimal("1.5"), "it"), unit_price(Decimal("0.123450"), "it"), unit_price(Decimal("1234"), "en")
    ('1,50 €', '0,12345 €', '€1,234.00')
    """
    return euro(value, lang, max(2, -int(value.normalize().as_tuple().exponent)))


def shown(value: Any, lang: str) -> str:
    """A value inside a message, the way the desk wrote or reads it: the one rendering every
    problem's parameters go through, so no message shows Python's forms.

    A number typed as 3 arrives from the cell as 3.0 and is shown 3, a decimal with the reader's
    comma; an empty cell is "(vuoto)", not None; a vocabulary's member is its word in the
    sheet's language (`Ogni N settimane`), not the code the program keeps (`every-n-weeks`);
    a date is dd/mm/yyyy in both languages, as the workbook prints it. A float is shown as the
    sheet shows it, to Excel's 15 significant digits and in full (`-0,0000001`, a formula's
    `0,3`); one too large to read in full keeps its exponent (`1e+20`). A value of the domain
    that knows how it reads (an order's origin, a shortfall) has a `shown(lang)` of its own.

    >>> from toolkit.basics.vocab import ScheduleKind
    >>> shown(3.0, "it"), shown(Decimal("7.500"), "it"), shown(Decimal("-1234.50"), "it"), shown(12, "it")
    ('3', '7,5', '-1.234,50', '12')
    >>> shown(None, "it"), shown(True, "en"), shown(ScheduleKind.EVERY_N_WEEKS, "it")
    ('(vuoto)', 'yes', 'Ogni N settimane')
    >>> shown(date(2026, 4, 1), "en"), shown([date(2026, 4, 1), 2.0], "it")
    ('01/04/2026', '01/04/2026, 2')
    """
    if value is None:
        return _EMPTY.get(lang, _EMPTY["it"])
    if isinstance(value, bool):
        yes, no = _YES_NO.get(lang, _YES_NO["it"])
        return yes if value else no
    if isinstance(value, StrEnum):
        return vocab.label(value, lang) if vocab.has_label(value) else value.value
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, date):
        return f"{value.day:02}/{value.month:02}/{value.year:04}"  # strftime's %Y drops the zeros of year 0001
    if isinstance(value, float):
        return _float_shown(value, lang)
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        return number(_as_typed(value), lang) if value.adjusted() < _DECIMAL_DIGITS else _decimal_shown(value, lang)
    if isinstance(value, PurePath):
        return path_shown(value)
    if (own := getattr(type(value), "shown", None)) is not None:
        return str(own(value, lang))
    if isinstance(value, (list, tuple, set, frozenset)):
        return _joined(value, lang)
    if isinstance(value, str) and len(value) > QUOTED_MOST:
        return _clipped(value, lang)
    return str(value)


QUOTED_MOST = 1000
"""The characters of a text a message quotes whole. A cell of 40,000 (a paste gone wrong, a
hostile form) was quoted whole: a message of 32,767 characters, Excel's most, on the terminal
and in the report's cell, twice that where it names the text twice, and no word of the fix
readable after it."""


def _clipped(text: str, lang: str) -> str:
    """A text too long to quote: its start and how long it is.

    >>> _clipped("x" * 40000, "it")[-32:], _clipped("x" * 1234, "en")[-24:]
    ('xxx… (40.000 caratteri in tutto)', 'xxxx… (1,234 characters)')
    """
    count = number(len(text), lang)
    told = f"{count} caratteri in tutto" if lang == "it" else f"{count} characters"
    return f"{head(text, QUOTED_HEAD)}… ({told})"


QUOTED_HEAD = 60
"""The characters a text too long to quote (`QUOTED_MOST`) is quoted by."""


def head(text: str, most: int) -> str:
    """The first `most` characters of `text`, and the marks that go with the last of them: an
    accent written apart (`e` then U+0301), an emoji's joiner, variation selector or skin tone,
    the second half of a flag. Cut there, *città* written with its accent apart was quoted
    *citta…* and a family emoji as one person and a dangling joiner.

    >>> head("citta\\u0300 di Forli\\u0300", 5) == "citta\\u0300", len(head("ok \\U0001F468\\u200d\\U0001F469!", 4))
    (True, 6)
    >>> head("\\U0001F1EE\\U0001F1F9\\U0001F1EB\\U0001F1F7", 3) == "\\U0001F1EE\\U0001F1F9\\U0001F1EB\\U0001F1F7", head("abc", 5)
    (True, 'abc')
    """
    cut = min(most, len(text))
    while cut < len(text) and (_goes_with_before(text[cut]) or text[cut - 1] == "\u200d" or _half_a_flag(text, cut)):
        cut += 1
    return text[:cut]


def _goes_with_before(char: str) -> bool:
    return bool(combining(char)) or char in "\u200d\ufe0e\ufe0f" or "\U0001F3FB" <= char <= "\U0001F3FF"


def _half_a_flag(text: str, cut: int) -> bool:
    """Whether `cut` falls between the two regional letters of a flag (🇮🇹 is 🇮 then 🇹)."""
    letters = 0
    while cut - letters > 0 and "\U0001F1E6" <= text[cut - letters - 1] <= "\U0001F1FF":
        letters += 1
    return letters % 2 == 1 and "\U0001F1E6" <= text[cut] <= "\U0001F1FF"


PATH_MOST = 160
"""The characters of a path a message quotes whole: a folder deep in a shared drive reads as the
desk knows it, an input named with 300 letters (a fuzzer's, a paste into the file name) was quoted
whole in *file not found*, three lines of a terminal for one name."""
PATH_HEAD = 24
"""The characters of a long path's start a message keeps, up to its last separator: the drive or
share and the first folders, which say where the file was looked for."""
NAME_MOST = 64
"""The characters of a long path's file name a message keeps: its end, where the name differs
from its neighbours' (a month, a number) and the extension says what kind of file it is."""


def path_shown(path: PurePath) -> str:
    r"""A path as a message quotes it: whole when it is short enough to read, else the folder's
    start and the file name's end, so the desk recognises it.

    >>> from pathlib import PurePosixPath, PureWindowsPath
    >>> print(path_shown(PureWindowsPath("C:/Users/anna/Documenti/ordini-aprile.xlsx")))
    C:\Users\anna\Documenti\ordini-aprile.xlsx
    >>> print(path_shown(PureWindowsPath("C:/Users/anna/" + "Cartella/" * 20 + "ordini-aprile.xlsx")))
    C:\Users\anna\Cartella\…\ordini-aprile.xlsx
    >>> print(path_shown(PurePosixPath("/home/anna/" + "x" * 300 + "-aprile.csv")))
    /home/anna/…xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx-aprile.csv
    """
    text = str(path)
    if len(text) <= PATH_MOST:
        return text
    sep = "\\" if isinstance(path, PureWindowsPath) else "/"
    name = path.name if len(path.name) <= NAME_MOST else f"…{path.name[1 - NAME_MOST:]}"
    if len(folder := str(path.parent)) <= PATH_HEAD:
        return f"{folder.rstrip(sep)}{sep}{name}"
    cut = folder.rfind(sep, len(path.anchor), PATH_HEAD + 1)
    return f"{folder[:cut + 1] if cut >= 0 else path.anchor}…{sep}{name}"


EXCEL_DIGITS = 15
"""The significant digits Excel keeps and shows of a number."""
_SHOWN_IN_FULL = 1e15
"""A cell's number below this, either way, is shown in full as a desk reads it; one this large
(a pasted barcode, `1e20`) keeps its exponent, as Excel shows it (`1E+20`)."""
_SHOWN_SMALL = 1e-10
"""A cell's number nearer zero than this, not zero, keeps its exponent too: `1e-300` written in full
was a message of three hundred digits."""


def _float_shown(value: float, lang: str) -> str:
    """A cell's float as the sheet shows it: to Excel's 15 significant digits, in full with the
    reader's comma and thousands dot. Python's own forms reached the messages: a price typed
    -0,0000001 was quoted «-1e-07», a formula's 0,3 «0,30000000000000004». One too large for
    that keeps its exponent, to the same digits and with the reader's comma: Python prints one
    below 10^16 without it, and a 16-digit code was quoted «1234567890123456.0».

    >>> _float_shown(-1e-07, "it"), _float_shown(0.1 * 3, "it"), _float_shown(1048576.0, "it"), _float_shown(2.5, "en")
    ('-0,0000001', '0,3', '1.048.576', '2.5')
    >>> _float_shown(1e20, "it"), _float_shown(1234567890123456.0, "it"), _float_shown(float("nan"), "it")
    ('1e+20', '1,23456789012346e+15', 'nan')
    >>> _float_shown(1e-300, "it"), _float_shown(-2.5e-12, "en"), _float_shown(0.0, "it"), _float_shown(1e-10, "it")
    ('1e-300', '-2.5e-12', '0', '0,0000000001')
    """
    typed = format(value, f".{EXCEL_DIGITS}g")
    if not (value == value and abs(value) < _SHOWN_IN_FULL) or 0 < abs(value) < _SHOWN_SMALL:
        return typed.replace(".", ",") if lang == "it" else typed
    return number(_as_typed(Decimal(typed)), lang)


_DECIMAL_DIGITS = 28
"""The digits of Python's decimal context: a number with this many before the point cannot be
rounded to a whole one in it (`quantize` raises)."""


def _decimal_shown(value: Decimal, lang: str) -> str:
    """A number too long to write in full (text of thirty digits or more in a CSV's or a form's
    quantity cell) as Excel would show it, 15 significant digits and the exponent: written in full
    it raised inside the message that refuses it, an internal error instead of the cell's problem.

    >>> _decimal_shown(Decimal("9" * 40), "it"), _decimal_shown(Decimal("-12345678901234567890123456789.5"), "en")
    ('1e+40', '-1.23456789012346e+28')
    """
    mantissa, _, exponent = format(value, f".{EXCEL_DIGITS}g").partition("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    typed = f"{mantissa}e{exponent}" if exponent else mantissa
    return typed.replace(".", ",") if lang == "it" else typed


def _as_typed(value: Decimal) -> Decimal:
    """Trailing zeros dropped, as the number was typed (3.0 and 3.000 read 3, 7.500 reads 7.5),
    except an amount in cents, which keeps them (1000.00, 2.50): `money.cents` gives every
    amount two places."""
    if value.as_tuple().exponent == -2:
        return value
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


def _joined(values: Iterable[Any], lang: str) -> str:
    return ", ".join(shown(v, lang) for v in values)
