"""Numbers and counts as a person reads them, in Italian or English.

Python prints `1234.5` the same in every language, and f-strings make "1 ordini". A sales
assistant reads `1.234,50 €` and "1 ordine"; an English reader `€1,234.50` and "1 order". Only
what is shown goes through here: files for programs (JSON, CSV for machines) keep plain
decimals.
"""

from __future__ import annotations

from decimal import Decimal


def count(n: int, one: str, many: str) -> str:
    """
    >>> count(1, "ordine", "ordini"), count(3, "ordine", "ordini"), count(0, "order", "orders")
    ('1 ordine', '3 ordini', '0 orders')
    """
    return f"{n} {one if n == 1 else many}"


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


def euro(value: Decimal | int, lang: str) -> str:
    """
    >>> euro(Decimal("151.59"), "it"), euro(Decimal("1234567.1"), "en"), euro(Decimal("-3"), "it")
    ('151,59 €', '€1,234,567.10', '-3,00 €')
    """
    shown = number(value, lang, 2)
    if lang == "it":
        return f"{shown} €"
    return f"-€{shown[1:]}" if shown.startswith("-") else f"€{shown}"
