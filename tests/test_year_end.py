"""The turn of the year as a sales desk lives it: what the data check tells in December so that
January's first day does not stop."""

from __future__ import annotations

from datetime import date

import minimal
import pytest

from toolkit.intake.validation import check


def list_ending(end, *, template_end=None, next_version=False):
    sheets = minimal.sheets()
    sheets["Versioni listino"][2][3] = end
    if next_version:
        sheets["Versioni listino"].append(["BASE", "2027", date(2027, 1, 1), None])
        sheets["Prezzi"] += [["BASE", "2027", *row[2:]] for row in sheets["Prezzi"][1:] if row[1] == "2026B"]
    sheets["Modelli ordine"][1][11] = template_end
    return [p for p in check(minimal.workbook(sheets)).problems if p.code == "price-list-ends-before-templates"]


def test_a_price_list_ending_on_31_december_under_a_template_that_goes_on_is_told_at_its_end_cell():
    [problem] = list_ending(date(2026, 12, 31))
    assert (problem.sheet, problem.cell, problem.is_error) == ("Versioni listino", "D3", False)
    assert problem.message("it") == (
        "Il listino BASE finisce il 31/12/2026 (versione 2026B), ma i modelli attivi T001 lo usano anche dopo: dal "
        "01/01/2027 i loro ordini non si potranno creare. Aggiungi in Versioni listino la versione che segue (dal "
        "01/01/2027, con i suoi prezzi), oppure chiudi quei modelli con «Valido al».")
    assert "from 01/01/2027 their orders cannot be created" in problem.message("en")


@pytest.mark.parametrize("end, template_end, next_version", [
    (None, None, False), (date(2026, 12, 31), date(2026, 12, 31), False), (date(2026, 12, 31), None, True)])
def test_a_list_that_goes_on_or_outlives_its_templates_is_not_told(end, template_end, next_version):
    assert list_ending(end, template_end=template_end, next_version=next_version) == []
