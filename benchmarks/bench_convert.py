"""Batch conversion speed (issue 19): order forms into orders, master workbooks merged.

Run: `python benchmarks/bench_convert.py [forms] [workbooks] [runs] [jobs]` (default 1000 200 3 2).

- forms: `forms` small order forms (one xlsx each, 2 to 6 lines) imported into a fresh ledger by
  `convert --to orders` on `jobs` processes, against the floor of python-calamine alone reading
  every sheet of every form in one process. Target: at most 2 × the floor.
- master: `workbooks` master workbooks at S size (50 customers, 200 items, 100 templates each,
  every desk's codes its own) merged by `convert --to master` on `jobs` processes, the data
  check of the result included. Target: under 60 s.

Prints the median of the runs (wall-clock); the inputs are made once, untimed, in a temporary
folder, and so is the master data the forms are priced with. Each import of the forms is timed
right after a floor of its own, and the ratio is the median of those pairs: on a machine shared
with other work the load moves between runs, less within a pair.
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import openpyxl

from toolkit.intake.sample import Scale, sample_rows
from toolkit.model.sheets import SHEETS
from toolkit.services.convert import convert
from toolkit.services.sample import write_sample
from toolkit.services.session import open_session
from toolkit.writers.master_workbook import write_master

OWN = ("customers", "items", "templates", "ship_to", "contacts", "price_rules", "volume_discounts", "commissions")
"""The sheets whose codes each desk has of its own; price lists, carriers and settings are shared."""


def forms(folder: Path, count: int, customers: list[str], items: list[str]) -> list[Path]:
    rng = random.Random(19)
    made = []
    for n in range(count):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.title = "Ordine"
        sheet.append(["MODULO D'ORDINE"])
        sheet.append([])
        sheet.append(["Cliente:", rng.choice(customers)])
        sheet.append(["Data:", date(2026, 4, 9 + n % 5)])
        sheet.append(["Vs. riferimento", f"ODA {n}"])
        sheet.append([])
        sheet.append(["Codice articolo", "Descrizione", "Quantità", "Note"])
        for item in rng.sample(items, rng.randint(2, 6)):
            sheet.append([item, f"articolo {item}", rng.randint(1, 20), None])
        path = folder / f"ordine-{n:05d}.xlsx"
        book.save(path)
        made.append(path)
    return made


def calamine_floor(paths: list[Path]) -> float:
    from python_calamine import CalamineWorkbook

    began = time.perf_counter()
    for path in paths:
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            book.get_sheet_by_name(name).to_python(skip_empty_area=True)
    return time.perf_counter() - began


def desks(folder: Path, count: int) -> None:
    """`count` S-size master workbooks, each desk's customers, items and templates coded apart."""
    base = sample_rows(Scale.S)
    refers = {s.key: {c.key for c in s.columns if c.refers in OWN or (s.key in OWN and c.key == "code")
                      or c.key in ("customer", "item", "template", "ship_to", "contact")} for s in SHEETS}
    for k in range(count):
        rows = {}
        for sheet, sheet_rows in base.items():
            if k and sheet in ("closures", "exceptions"):
                continue
            keys = refers.get(sheet, set())
            if k and sheet == "price_rules":  # a rule for a whole group or category is the firm's, stated once
                sheet_rows = [row for row in sheet_rows if row.get("customer") or row.get("item")]
            rows[sheet] = [{f: (f"{v}-{k:03d}" if f in keys and v else v) for f, v in row.items()} for row in sheet_rows]
        write_master(folder / f"anagrafiche-{k:03d}.xlsx", rows)


def median_run(runs: int, once) -> tuple[float, list[float]]:
    times = [once() for _ in range(runs)]
    return statistics.median(times), times


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    workbooks = int(sys.argv[2]) if len(sys.argv) > 2 else 200
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    jobs = int(sys.argv[4]) if len(sys.argv) > 4 else 2
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        root = Path(tmp)
        sample = write_sample(root / "desk")
        rows = sample_rows()
        (root / "forms").mkdir()
        made = forms(root / "forms", count,
                     [c["code"] for c in rows["customers"]], [i["code"] for i in rows["items"]])
        floors: list[float] = []

        def import_forms() -> float:
            for leftover in (root / "desk").glob("*.sqlite*"):
                leftover.unlink()
            session = open_session(sample)
            floors.append(calamine_floor(made))
            began = time.perf_counter()
            result = convert([root / "forms"], root / "out-forms", "orders", jobs=jobs, session=session, lang="it")
            spent = time.perf_counter() - began
            assert result.count("converted") == count, [p for f in result.files for p in f.problems][:3]
            session.ledger.engine.dispose()
            return spent

        took, times = median_run(runs, import_forms)
        floor = statistics.median(floors)
        ratio = statistics.median(t / f for t, f in zip(times, floors))
        print(f"forms: {count} forms, {jobs} processes: {took:.2f} s (runs {', '.join(f'{t:.2f}' for t in times)}); "
              f"calamine floor {floor:.2f} s (runs {', '.join(f'{f:.2f}' for f in floors)}); "
              f"ratio {ratio:.2f} × (median of each run's ratio to the floor read just before it; target ≤ 2)")
        if workbooks:
            (root / "desks").mkdir()
            began = time.perf_counter()
            desks(root / "desks", workbooks)
            print(f"master: {workbooks} S workbooks written in {time.perf_counter() - began:.1f} s (setup)")

            def merge() -> float:
                shutil.rmtree(root / "out-master", ignore_errors=True)
                began = time.perf_counter()
                result = convert([root / "desks"], root / "out-master", "master", jobs=jobs, lang="it")
                spent = time.perf_counter() - began
                assert result.count("converted") == workbooks and not result.count("failed")
                errors = [p for p in result.problems if p.is_error]
                assert not errors, errors[:3]
                return spent

            took, times = median_run(max(1, runs - 2), merge)
            print(f"master: {workbooks} workbooks merged and checked, {jobs} processes: {took:.1f} s "
                  f"(runs {', '.join(f'{t:.1f}' for t in times)}; target < 60 s)")


if __name__ == "__main__":
    main()
