"""Codes and document numbers as people type them: in any case, and numbers short.

An invoice number typed `ft-2026-51` or `51/2026` names FT-2026-00051; an order number and a
customer code take the same leniency (`oc-2026-41`, `41/2026`, `c010`), through these two
functions, so no verb accepts a form another refuses. A short form is taken only when it names
one thing: `matching` gives every code it may name, and the caller refuses more than one,
naming them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_FULL = re.compile(r"([A-Z][A-Z0-9]*)[-\s]+(\d{4})[-/\s]+(\d{1,9})")
_SHORT = re.compile(r"(?:([A-Z][A-Z0-9]*)[-\s]*)?(\d{1,9})\s*/\s*(\d{4})")


def document_number(text: str) -> tuple[str | None, int, int] | None:
    """(series, year, number) of a typed document number, the series upper-cased and None when
    left out: `OC-2026-00041`, `oc-2026-41`, `OC 41/2026` and `41/2026`; None when it is none.

    >>> document_number("oc-2026-41"), document_number("nc 3/2026"), document_number("00041/2026")
    (('OC', 2026, 41), ('NC', 2026, 3), (None, 2026, 41))
    >>> document_number("abc"), document_number("OC-26-41")
    (None, None)
    """
    cleaned = str(text).strip().upper()
    if m := _FULL.fullmatch(cleaned):
        return m[1], int(m[2]), int(m[3])
    if m := _SHORT.fullmatch(cleaned):
        return m[1], int(m[3]), int(m[2])
    return None


def matching(typed: str, known: Iterable[str]) -> list[str]:
    """The codes of `known` that `typed` names: itself when it is one of them, else those equal
    to it but for case and surrounding blanks (more than one when the sheet has codes differing
    only in case, for the caller to refuse naming them).

    >>> matching("c010", ["C010", "C011"]), matching("C010", ["C010", "c010"]), matching("x", ["C010"])
    (['C010'], ['C010'], [])
    >>> matching(" c010 ", ["C010", "c010 "])
    ['C010', 'c010 ']
    """
    codes = list(known)
    if typed in codes:
        return [typed]
    wanted = folded(typed)
    return sorted(code for code in dict.fromkeys(codes) if folded(code) == wanted)


def folded(code: str) -> str:
    """A code as compared where it identifies something kept (a template's orders): without
    its case and surrounding blanks, as a code typed is matched (`matching`).

    >>> folded(" t004 ") == folded("T004")
    True
    """
    return code.strip().casefold()
