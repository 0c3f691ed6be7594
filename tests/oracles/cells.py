"""A VAT number cell checked by stdnum alone, as `toolkit.model.cells._vat_number` did before
the usual eleven-digit cell was checked without it."""

from __future__ import annotations

from typing import Any

from stdnum.exceptions import ValidationError as NotAnId
from stdnum.it import iva

from toolkit.model.cells import INVALID_VAT_NUMBER, refuse, to_text


def vat_number(value: Any) -> str:
    text = to_text(value).upper().replace(" ", "")
    digits = text[2:] if text.startswith("IT") else text
    if digits.isdigit() and len(digits) < 11:
        digits = digits.zfill(11)
    try:
        return iva.validate(digits)
    except NotAnId:
        refuse(INVALID_VAT_NUMBER, value=value)
