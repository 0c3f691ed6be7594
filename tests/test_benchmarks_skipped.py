"""A measure that cannot run here (the PostgreSQL month without a server named) is reported as
skipped by `python -m benchmarks`, once, and the run goes on: it stopped with a TypeError."""

from __future__ import annotations

from benchmarks import __main__ as bench


def test_a_skipped_measure_is_reported_once_and_the_run_goes_on(monkeypatch, capsys):
    asked = []

    def skipped(name, scale, timeout):
        asked.append((name, scale))
        return {"measure": name, "scale": scale, "skipped": "no PostgreSQL server: set TOOLKIT_BENCH_PG_URL",
                "seconds": None}

    monkeypatch.setattr(bench, "run_once", skipped)
    assert not bench.main(["--only", "month_pg", "--scales", "S", "--repeat", "2", "--no-save"])
    printed = capsys.readouterr()
    assert asked == [("month_pg", "S")]
    assert "[S] month_pg skipped: no PostgreSQL server: set TOOLKIT_BENCH_PG_URL" in printed.err
    assert "note: month_pg at S skipped" in printed.out
