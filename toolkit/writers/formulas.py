"""Formulas written as they are when they use only Excel's oldest functions.

XlsxWriter runs about 30 regular-expression substitutions on every formula, to prefix the
functions newer Excel versions added (`_xlfn.XLOOKUP`). The toolkit's formulas are sums and
roundings, one or more per invoice line: a month's printable invoices at a large distributor
(over a million lines) spent a quarter of their writing in those substitutions.
"""

from __future__ import annotations

import re

from xlsxwriter.worksheet import Worksheet

PLAIN_FUNCTIONS = frozenset({"ROUND", "SUM", "SUMIF", "SUMIFS"})
FUNCTION = re.compile(r"([A-Za-z_][\w.]*)\(")


class PlainFormulasWorksheet(Worksheet):
    """A worksheet that writes formulas made only of Excel's oldest functions as they are,
    and any other as XlsxWriter prepares it (with a `=ROUND(M2*N2,2)` per invoice line, the
    substitutions were 30 % of the time the accountants' workbook took)."""

    def _prepare_formula(self, formula: str, expand_future_functions: bool = False) -> str:
        if formula.startswith("=") and not formula.endswith("}") and \
                PLAIN_FUNCTIONS.issuperset(FUNCTION.findall(formula)):
            return formula[1:]
        prepared: str = super()._prepare_formula(formula, expand_future_functions)
        return prepared
