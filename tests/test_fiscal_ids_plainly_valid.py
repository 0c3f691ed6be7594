"""The data check's short ways to a valid partita IVA and codice fiscale (`cells._plainly_valid_vat`,
`cells._plainly_valid_tax_code`) say Yes only where stdnum does, and to the usual well-formed
number: stdnum still decides every other (issue 20: load and validate at L within 1.5 × calamine)."""

from __future__ import annotations

import random
import string

import pytest
from stdnum.it import codicefiscale, iva

from toolkit.model.cells import _plainly_valid_tax_code, _plainly_valid_vat

DATE_DIGITS = "0123456789LMNPQRSTUV"


def _tax_code(rng: random.Random) -> str:
    """A codice fiscale of the right shape, its check letter as stdnum computes it; its birth day
    may not exist (31 February, day 0 or 72)."""
    body = ("".join(rng.choices(string.ascii_uppercase, k=6)) + "".join(rng.choices(DATE_DIGITS, k=2))
            + rng.choice("ABCDEHLMPRST") + "".join(rng.choices(DATE_DIGITS, k=2)) + rng.choice(string.ascii_uppercase)
            + "".join(rng.choices(DATE_DIGITS, k=3)))
    return body + codicefiscale.calc_check_digit(body)


@pytest.mark.parametrize("seed", range(10))
def test_a_plainly_valid_tax_code_is_one_stdnum_finds_valid(seed):
    rng = random.Random(seed)
    plain = 0
    for _ in range(3000):
        code = _tax_code(rng)
        if rng.random() < 0.4:
            at = rng.randrange(16)
            code = code[:at] + rng.choice(string.ascii_uppercase + string.digits + " -:À\n") + code[at + 1:]
        if rng.random() < 0.05:
            code = code[:rng.randrange(17)] + rng.choice(("", "X", " "))
        assert _plainly_valid_tax_code(code) == codicefiscale.is_valid(code) or \
            (not _plainly_valid_tax_code(code) and len(code) != 16), code
        plain += _plainly_valid_tax_code(code)
    assert plain > 1000


@pytest.mark.parametrize("seed", range(10))
def test_a_plainly_valid_vat_number_is_one_stdnum_finds_valid(seed):
    rng = random.Random(seed)
    plain = 0
    for _ in range(5000):
        digits = "".join(rng.choices(string.digits, k=7)) + rng.choice(("001", "100", "120", "121", "888", "999",
                                                                         "101", "050", "000")) + rng.choice(string.digits)
        if rng.random() < 0.05:
            digits = digits[:rng.randrange(12)] + rng.choice(("", "x", "\u0663", " "))
        assert _plainly_valid_vat(digits) == iva.is_valid(digits) or \
            (not _plainly_valid_vat(digits) and not (len(digits) == 11 and digits.isascii() and digits.isdigit())), digits
        plain += _plainly_valid_vat(digits)
    assert plain > 300


@pytest.mark.parametrize("seed", range(5))
def test_a_company_tax_code_plainly_valid_is_one_stdnum_finds_valid(seed):
    """A company's codice fiscale is its partita IVA: eleven digits `_plainly_valid_vat` finds valid
    are a codice fiscale `codicefiscale.is_valid` finds valid, so `cells._tax_code` asks stdnum
    only of the others."""
    rng = random.Random(seed)
    plain = 0
    for _ in range(5000):
        digits = "".join(rng.choices(string.digits, k=7)) + rng.choice(("001", "100", "120", "888", "101", "000")) + \
            rng.choice(string.digits)
        if _plainly_valid_vat(digits):
            assert codicefiscale.is_valid(digits), digits
            plain += 1
    assert plain > 300
