"""`python -m benchmarks` judges each target at the scales it is set for: issue 20's units at
L, issue 17's settlement and commissions at M ("at M each in under 10 s"); elsewhere the
figures are printed in the measures table and the target says which scale it is set for.
At L the runner printed MISSED for a 44 s settlement that issue 17 never asked of L."""

from __future__ import annotations

from benchmarks.__main__ import judge, targets_table


def _measured(seconds: float) -> dict:
    return {"median_s": seconds, "runs": 3, "ok": 3}


def test_each_target_is_judged_at_the_scale_it_is_set_for():
    summary = {
        "M": {"discounts_quarter": _measured(3.4), "commissions_month": _measured(12.0),
              "orders_one_date": _measured(0.2), "calamine_floor": _measured(0.13)},
        "L": {"discounts_quarter": _measured(44.5), "commissions_month": _measured(10.4),
              "orders_one_date": _measured(1.48), "calamine_floor": _measured(1.43)},
    }
    verdicts = judge(summary)
    assert verdicts["M"]["discounts_quarter"]["verdict"] == "met"
    assert verdicts["M"]["commissions_month"]["verdict"] == "missed"
    assert verdicts["L"]["discounts_quarter"]["verdict"] == verdicts["L"]["commissions_month"]["verdict"] == "set for M"
    assert verdicts["L"]["one_date_units"]["verdict"] == "missed"
    assert round(verdicts["L"]["one_date_units"]["value"], 2) == 1.03
    assert verdicts["M"]["one_date_units"]["verdict"] == "set for L"
    assert verdicts["L"]["one_date"]["verdict"] == verdicts["M"]["one_date"]["verdict"] == "met"
    table = targets_table(verdicts)
    settlement = next(line for line in table.splitlines() if line.startswith("a quarter's volume-discount"))
    assert "3.4" in settlement and "met" in settlement and "set for M" in settlement and "MISSED" not in settlement
