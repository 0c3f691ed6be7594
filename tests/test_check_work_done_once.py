"""Work the data check used to do over again after the last sheet is done once, or early, or only
when needed (load + validate at L, issue 20): the prices a derived version's step ruins are
worked out with its derived prices while calamine still parses, the lists a price rule's lines
are priced by once for the three checks that ask, and the codes of Clienti and Articoli folded
for reference-in-other-case only when a rebate sheet names one they lack. The warnings are
those of the check of the same tables read from values."""

from __future__ import annotations

import minimal
from test_price_rules import ingrosso, latte_rule, sheets_with
from test_shipping import write_book

from toolkit.core import pricing
from toolkit.intake.validation import check, check_file, pricing_rules, rebates


def _told(checked) -> list[tuple[str, str | None, str | None, str]]:
    """The problems this file is about (the minimal workbook has no Giacenze: stock-not-checked)."""
    return [(p.code, p.location.sheet, p.location.cell, p.message("it")) for p in checked.problems
            if "ruins" in p.code or "reference" in p.code]


def test_a_ruined_derived_price_is_worked_out_once_while_the_sheets_are_parsed(tmp_path, monkeypatch):
    calls: list[int] = []
    ruined = pricing.ruined_prices
    monkeypatch.setattr(pricing, "ruined_prices", lambda *a: calls.append(1) or ruined(*a))
    sheets = sheets_with(versions=(ingrosso(5),))
    from_file = check_file(write_book(tmp_path / "anagrafiche.xlsx", sheets))
    assert calls == [1]
    assert [(c, s, cell) for c, s, cell, _ in _told(from_file)] == [
        ("rounding-step-ruins-price", "Versioni listino", "H4")]
    assert _told(from_file) == _told(check(minimal.workbook(sheets_with(versions=(ingrosso(5),)))))


def test_the_lists_pricing_a_rule_are_found_once_per_master(tmp_path):
    sheets = sheets_with(latte_rule(5))
    result = check_file(write_book(tmp_path / "anagrafiche.xlsx", sheets))
    assert [c for c, *_ in _told(result)] == ["price-rule-rounding-ruins-price"]
    assert result.master is not None
    assert pricing_rules._lists_pricing(result.master) is pricing_rules._lists_pricing(result.master)


def test_codes_are_folded_for_rebates_only_when_one_is_not_known(monkeypatch):
    folded: list[int] = []
    twins = rebates.case_twins
    monkeypatch.setattr(rebates, "case_twins", lambda known: folded.append(1) or twins(known))
    sheets = minimal.sheets()
    sheets["Sconti volume"] = [["Codice", "Cliente", "Periodo", "Base", "Modalità", "Da", "Sconto %"],
                               ["SV1", "C001", "Mese", "Importo", "A scaglioni", 0, 2]]
    assert _told(check(minimal.workbook(sheets))) == [] and folded == []
    sheets["Sconti volume"][1][1] = "c001"
    [(code, sheet, cell, message)] = _told(check(minimal.workbook(sheets)))
    assert (code, sheet, cell, folded) == ("reference-in-other-case", "Sconti volume", "B2", [1])
    assert message.startswith("«c001» non è nel foglio Clienti, che ha «C001»")
