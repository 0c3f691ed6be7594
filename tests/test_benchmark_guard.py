"""`python -m benchmarks --guard`: a run held against the committed results in units of each
run's own floor, so a slower machine is no regression and a slower measure is; exit 1 naming
each measure (or part) past the tolerance, a measure missing on either side told, not failed.
Synthetic results files only: nothing here is timed."""

from __future__ import annotations

import json
import statistics
import subprocess
from pathlib import Path

import pytest

from benchmarks.__main__ import main
from benchmarks.guard import baseline, committed


def results(path: Path, floor: float | None, **measures: float | dict) -> Path:
    """A results file as the runner writes it: each measure's median seconds (or its summary),
    the calamine floor at L, the unit, beside them."""
    summary = {name: value if isinstance(value, dict) else {"runs": 3, "ok": 3, "median_s": value}
               for name, value in measures.items()}
    if floor is not None:
        summary["calamine_floor"] = {"runs": 3, "ok": 3, "median_s": floor}
    path.write_text(json.dumps({"started": "2026-12-05T10:00:00+00:00", "complete": True, "scales": ["L"],
                                "summary": {"L": summary}}))
    return path


def guarded(capsys, *argv: str | Path) -> tuple[int, str]:
    code = main(["--guard", *map(str, argv)])
    return code, capsys.readouterr().out


def test_a_measure_slower_in_units_than_the_tolerance_fails_naming_it_and_its_part(tmp_path, capsys):
    committed_run = results(tmp_path / "before.json", 2.0, load_validate=3.0,
                            month={"runs": 1, "ok": 1, "median_s": 200.0, "parts": {"ship": 100.0, "invoice": 20.0}})
    run = results(tmp_path / "run.json", 2.0, load_validate=3.6,
                  month={"runs": 1, "ok": 1, "median_s": 230.0, "parts": {"ship": 130.0, "invoice": 20.0}})
    code, said = guarded(capsys, committed_run, "--measured", run)
    assert code == 1, said
    assert "guard: 1 measure(s) more than 25 % slower in units than committed:" in said
    assert "month.ship at L: 65.00 u against 50.00 u in before.json (+30 %, tolerance 25 %)" in said
    assert "load_validate at L:" not in said and "month at L:" not in said, "20 % and 15 % slower: within"
    code, said = guarded(capsys, committed_run, "--measured", run, "--tolerance", "30 %")
    assert code == 0 and "guard: no measure more than 30 % slower in units" in said, said


def test_a_slower_machine_is_no_regression_its_floor_slower_alike(tmp_path, capsys):
    """Every measure twice as slow, and the floor too: the same in units."""
    committed_run = results(tmp_path / "before.json", 1.5, load_validate=2.5, orders_one_date=1.8)
    run = results(tmp_path / "run.json", 3.0, load_validate=5.0, orders_one_date=4.0)
    code, said = guarded(capsys, committed_run, "--measured", run)
    assert code == 0, said
    line = next(x for x in said.splitlines() if x.startswith("orders_one_date "))
    assert "1.20" in line and "1.33" in line and "+11 %" in line and "within" in line, line
    code, said = guarded(capsys, committed_run, "--measured", run, "--tolerance", "10")
    assert code == 1 and "orders_one_date at L: 1.33 u against 1.20 u" in said, said


def test_a_measure_missing_on_either_side_is_told_not_failed(tmp_path, capsys):
    committed_run = results(tmp_path / "before.json", 2.0, load_validate=3.0, einvoice=30.0)
    run = results(tmp_path / "run.json", 2.0, load_validate=3.0, reservations=9.0,
                  month={"runs": 1, "ok": 0, "timed_out": True, "timeout_s": 1800})
    code, said = guarded(capsys, committed_run, "--measured", run)
    assert code == 0, said
    assert "not in this run: einvoice at L" in said
    reservations = next(x for x in said.splitlines() if x.startswith("reservations "))
    assert "not in the committed results" in reservations, reservations
    assert "3 not compared: missing on one side" in said, said


def test_a_run_that_timed_out_past_the_tolerance_is_slower(tmp_path, capsys):
    """Its time-out in units is a lower bound: 1800 s over a 2 s floor is at least 900 u."""
    committed_run = results(tmp_path / "before.json", 2.0, month=1200.0)
    run = results(tmp_path / "run.json", 2.0, month={"runs": 1, "ok": 0, "timed_out": True, "timeout_s": 1800})
    code, said = guarded(capsys, committed_run, "--measured", run)
    assert code == 1 and "month at L: ≥ 900.00 u against 600.00 u in before.json (+50 %" in said, said
    code, said = guarded(capsys, committed_run, "--measured", run, "--tolerance", "60")
    assert code == 0 and "timed out after 1800 s, not past the tolerance" in said, said


def month_runs(path: Path, *finished: float, timed_out: int) -> Path:
    """`path`'s results with the month's runs listed as the runner writes them: those that
    finished (their seconds, the ship part half of them) and those that timed out after 1800 s;
    the summary's median, as the runner summarises it, of those that finished only."""
    document = json.loads(path.read_text())
    runs = [{"measure": "month", "scale": "L", "seconds": s, "parts": {"ship": s / 2}} for s in finished]
    runs += [{"measure": "month", "scale": "L", "timed_out": True, "seconds": None, "timeout_s": 1800}] * timed_out
    document["runs"] = runs
    document["summary"]["L"]["month"] = {"runs": len(runs), "ok": len(finished), "timed_out": True,
                                         "timeout_s": 1800, "median_s": statistics.median(finished),
                                         "parts": {"ship": statistics.median(finished) / 2}}
    path.write_text(json.dumps(document))
    return path


def test_a_measure_whose_runs_mostly_timed_out_is_slower_not_the_median_of_those_that_finished(tmp_path, capsys):
    """Two runs of three timed out after 1800 s, one finished in 1000 s: the guard took the
    median of the one that finished, 500 u against 600 u committed, and said it faster. The
    middle run is one that timed out: at least 900 u, past the tolerance."""
    committed_run = results(tmp_path / "before.json", 2.0,
                            month={"runs": 1, "ok": 1, "median_s": 1200.0, "parts": {"ship": 600.0}})
    run = month_runs(results(tmp_path / "run.json", 2.0), 1000.0, timed_out=2)
    code, said = guarded(capsys, committed_run, "--measured", run)
    assert code == 1, said
    assert "month at L: ≥ 900.00 u against 600.00 u in before.json (+50 %" in said, said
    ship = next(x for x in said.splitlines() if x.startswith("month.ship "))
    assert "not in this run (timed out in 2 of 3 runs)" in ship, ship


def test_a_measure_whose_middle_run_finished_is_its_median_the_timeouts_counted_slower(tmp_path, capsys):
    """One run of three timed out: the median is the slower of the two that finished, not their
    mean, as the time-out lies above both."""
    committed_run = results(tmp_path / "before.json", 2.0, month=1200.0)
    run = month_runs(results(tmp_path / "run.json", 2.0), 1000.0, 1400.0, timed_out=1)
    code, said = guarded(capsys, committed_run, "--measured", run)
    assert code == 0, said
    line = next(x for x in said.splitlines() if x.startswith("month "))
    assert "700.00" in line and "+17 %" in line and "within" in line, line
    code, said = guarded(capsys, committed_run, "--measured", run, "--tolerance", "10")
    assert code == 1 and "month at L: 700.00 u against 600.00 u in before.json (+17 %" in said, said


def test_a_measure_timed_out_in_part_without_its_runs_listed_is_told_not_compared(tmp_path, capsys):
    committed_run = results(tmp_path / "before.json", 2.0, month=1200.0)
    run = results(tmp_path / "run.json", 2.0, month={"runs": 3, "ok": 1, "timed_out": True, "timeout_s": 1800,
                                                      "median_s": 1000.0})
    code, said = guarded(capsys, committed_run, "--measured", run)
    line = next(x for x in said.splitlines() if x.startswith("month "))
    assert "timed out in some of its runs" in line and "500.00" not in line, line


def test_a_run_without_a_unit_is_told_not_compared(tmp_path, capsys):
    """No floor at L and no month's own: seconds alone would judge the machine's day."""
    month = {"runs": 1, "ok": 1, "median_s": 20.0, "unit_s": 2.0}
    committed_run = results(tmp_path / "before.json", 2.0, load_validate=3.0)
    committed_run.write_text(committed_run.read_text().replace('"summary": {', f'"summary": {{"M": {{"month": '
                                                               f'{json.dumps(month)}}}, ', 1))
    run = results(tmp_path / "run.json", None, load_validate=30.0)
    run.write_text(run.read_text().replace('"summary": {', f'"summary": {{"M": {{"month": {json.dumps(month)}}}, ', 1))
    code, said = guarded(capsys, committed_run, "--measured", run)
    assert code == 0, said
    line = next(x for x in said.splitlines() if x.startswith("load_validate "))
    assert "not in this run (no unit in its run)" in line, line


@pytest.mark.parametrize("unit, scale", [(None, "L"), (2.0, "M")])
def test_a_guard_that_compared_nothing_does_not_pass(tmp_path, capsys, unit, scale):
    """A run with no unit (no floor at L, the committed results' M run judged by itself), or at a
    scale the committed results have not: every measure told "not compared", and the guard
    passed, exit 0, as a CI job guarding nothing would pass for ever."""
    committed_run = results(tmp_path / "before.json", 2.0, load_validate=3.0)
    run = results(tmp_path / "run.json", unit, load_validate=30.0)
    run.write_text(run.read_text().replace('"L": {', f'"{scale}": {{', 1))
    with pytest.raises(SystemExit) as refused:
        main(["--guard", str(committed_run), "--measured", str(run)])
    assert refused.value.code == 2
    assert "no measure of this run has a committed figure to be held against" in capsys.readouterr().err


def test_by_default_each_measure_is_held_against_the_newest_committed_file_that_measured_it(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    results(folder / "20261201T100000Z-L.json", 2.0, load_validate=3.0, einvoice=30.0)
    results(folder / "20261202T100000Z-L.json", 2.0, load_validate=2.0)
    (folder / "20261203T100000Z-L-month-alternated.json").write_text(json.dumps({"runs": []}))
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "add", "results"], check=True)
    results(folder / "20261204T100000Z-L.json", 2.0, load_validate=9.0)  # a run not committed
    results(folder / "latest.json", 2.0, load_validate=9.0)
    paths = committed(folder)
    assert [p.name for p in paths] == ["20261201T100000Z-L.json", "20261202T100000Z-L.json",
                                       "20261203T100000Z-L-month-alternated.json"]
    before = baseline(paths)
    assert before[("L", "load_validate")].units == 1.0
    assert before[("L", "load_validate")].source == "20261202T100000Z-L.json"
    assert before[("L", "einvoice")].source == "20261201T100000Z-L.json", "not measured since: the older file's"
    assert committed(folder, leave_out=[folder / "20261202T100000Z-L.json"])[-2].name == "20261201T100000Z-L.json"


def test_a_named_file_that_holds_no_results_is_refused(tmp_path, capsys):
    other = tmp_path / "alternated.json"
    other.write_text(json.dumps({"runs": []}))
    run = results(tmp_path / "run.json", 2.0, load_validate=3.0)
    with pytest.raises(SystemExit) as refused:
        main(["--guard", str(other), "--measured", str(run)])
    assert refused.value.code == 2
    assert "no summary of measures" in capsys.readouterr().err


@pytest.mark.parametrize("tolerance", ["nan", "inf", "-5"])
def test_a_tolerance_no_measure_can_be_past_is_refused(tmp_path, capsys, tolerance):
    """`--tolerance nan` passed every run, 40 u against 1 u: no number is past nan."""
    committed_run = results(tmp_path / "before.json", 2.0, load_validate=2.0)
    run = results(tmp_path / "run.json", 2.0, load_validate=80.0)
    with pytest.raises(SystemExit) as refused:
        main(["--guard", str(committed_run), "--measured", str(run), "--tolerance", tolerance])
    assert refused.value.code == 2
    assert "a tolerance is a number of percent" in capsys.readouterr().err


def test_a_committed_run_that_read_a_workbook_of_other_rows_is_not_held_against(tmp_path, capsys):
    """The committed L run read 200,000 template lines, this one 400,000 (the scale made larger
    since): twice the work was taken for a regression of 100 %, exit 1; a scale made smaller
    hid one. Each results file says the rows it read (`datasets`)."""
    def read(path: Path, lines: int) -> Path:
        document = json.loads(path.read_text())
        document["datasets"] = {"L": {"scale": "L", "rows": {"customers": 10000, "template_lines": lines}}}
        path.write_text(json.dumps(document))
        return path

    committed_run = read(results(tmp_path / "before.json", 2.0, load_validate=3.0, orders_one_date=2.0), 200_000)
    run = read(results(tmp_path / "run.json", 2.0, load_validate=6.0, orders_one_date=4.0), 400_000)
    with pytest.raises(SystemExit) as refused:
        main(["--guard", str(committed_run), "--measured", str(run)])
    assert refused.value.code == 2, "nothing compared"
    said = capsys.readouterr().out
    line = next(x for x in said.splitlines() if x.startswith("load_validate "))
    assert "not compared: the committed run read a workbook of other rows at this scale" in line, line
    code, said = guarded(capsys, committed_run, "--measured", read(run, 200_000))
    assert code == 1 and "load_validate at L: 3.00 u against 1.50 u" in said, said


def test_a_month_that_finished_then_timed_out_is_at_least_the_middle_of_its_two_runs(tmp_path, capsys):
    """As the runner writes it: a measure that timed out is not run again, so with `--repeat 3`
    a month that finished in 1000 s and then timed out after 1800 s has two runs, never three.
    The middle of the two, 1400 s, is a lower bound: at least 700 u, where the run that
    finished alone said 500 u against 600 u committed, faster."""
    from benchmarks.__main__ import summarise

    runs = [{"measure": "month", "scale": "L", "seconds": 1000.0, "parts": {"ship": 500.0}, "peak_rss_mib": 900.0,
             "rss_before_step_mib": 400.0, "detail": {}},
            {"measure": "month", "scale": "L", "timed_out": True, "seconds": None, "timeout_s": 1800}]
    committed_run = results(tmp_path / "before.json", 2.0, month=1200.0)
    run = results(tmp_path / "run.json", 2.0)
    document = json.loads(run.read_text())
    document["runs"], document["summary"]["L"]["month"] = runs, summarise(runs)["L"]["month"]
    run.write_text(json.dumps(document))

    code, said = guarded(capsys, committed_run, "--measured", run, "--tolerance", "10")

    assert code == 1 and "month at L: ≥ 700.00 u against 600.00 u in before.json (+17 %" in said, said
