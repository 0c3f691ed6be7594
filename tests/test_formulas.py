"""A formula made only of Excel's oldest functions is written as it is (`writers.formulas`):
exactly what XlsxWriter's own preparation makes of it, for the formulas the documents write and
for random ones mixing those functions with newer ones, text and odd spellings."""

from __future__ import annotations

import random

import pytest
from xlsxwriter.worksheet import Worksheet

from toolkit.writers.formulas import PlainFormulasWorksheet

WRITTEN = ("=ROUND(D12*E12,2)", "=SUM(F3:F9)", "=SUMIF(G12:G40,C45,F12:F40)", "=0", "=F50+F51",
           "=SUMIFS(F12:F40,G12:G40,C45,H12:H40,D45)", "=ROUND(F53*C53/100,2)", "=SUM(F12,F14)", "=G5-H5")
ODD = ('=XLOOKUP(A1,B:B,C:C)', '=SUM(A1)&"XLOOKUP("', "=_xlfn.CONCAT(A1)", "=round(a1,2)",
       "{=SUM(A1:A3*B1:B3)}", "=SUM(A1)+SEQUENCE(3)", "=FILTER(A1:A9,B1:B9>0)", "=SUM(A1)+XSINGLE(B1)",
       "=CONCAT(A1)", "=SUM(A1:A3)}", "ROUND(A1,2)")


def both(formula: str) -> tuple[str, str]:
    return PlainFormulasWorksheet()._prepare_formula(formula), Worksheet()._prepare_formula(formula)


@pytest.mark.parametrize("formula", WRITTEN + ODD)
def test_as_xlsxwriter_prepares_it(formula):
    ours, theirs = both(formula)
    assert ours == theirs


def test_random_formulas_as_xlsxwriter_prepares_them():
    rng = random.Random(3)
    names = ["ROUND", "SUM", "SUMIF", "SUMIFS", "XLOOKUP", "SINGLE", "SEQUENCE", "CONCAT", "round", "_xlfn.SUM"]
    parts = ["A1", "B2:B9", ",", "+", "*", '"x("', "2", "(", ")", "{", "}"]
    for _ in range(2000):
        body = "".join(rng.choice(parts) if rng.random() < 0.6 else rng.choice(names) + "(" for _ in range(8))
        formula = rng.choice(("=", "", "{=")) + body
        ours, theirs = both(formula)
        assert ours == theirs, formula
