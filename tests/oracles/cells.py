"""A VAT number cell and a codice fiscale cell checked by stdnum alone, as
`toolkit.model.cells._vat_number` and `_tax_code` did before the usual cells were checked
without it."""

from __future__ import annotations

from typing import Any

from stdnum.exceptions import ValidationError as NotAnId
from stdnum.it import codicefiscale, iva

from toolkit.model.cells import INVALID_TAX_CODE, INVALID_VAT_NUMBER, refuse, to_text


def vat_number(value: Any) -> str:
    text = to_text(value).upper().replace(" ", "")
    digits = text[2:] if text.startswith("IT") else text
    if digits.isdigit() and len(digits) < 11:
        digits = digits.zfill(11)
    try:
        return iva.validate(digits)
    except NotAnId:
        refuse(INVALID_VAT_NUMBER, value=value)


def tax_code(value: Any) -> str:
    text = to_text(value).upper().replace(" ", "")
    if text.isdigit() and len(text) < 11:
        text = text.zfill(11)
    if not (codicefiscale.is_valid(text) or (len(text) == 11 and iva.is_valid(text))):
        refuse(INVALID_TAX_CODE, value=value)
    return text
