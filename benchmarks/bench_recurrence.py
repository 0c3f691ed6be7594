"""How long a year of deliveries takes for 20,000 templates (target: under 2 s).

Run: `python benchmarks/bench_recurrence.py [templates] [runs]`. Prints the median of the runs,
wall-clock and CPU time (the latter is what to compare when other work shares the machine).
Each run starts with empty caches, so it measures what a fresh process pays.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from toolkit.basics.vocab import HolidayPolicy, ScheduleKind
from toolkit.core import recurrence
from toolkit.core.workdays import working_calendar
from toolkit.model.records import Closure, Settings, Source, Template

START, END = date(2026, 1, 1), date(2026, 12, 31)
RRULES = (
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "RRULE:FREQ=WEEKLY;INTERVAL=3;BYDAY=TU,FR",
    "FREQ=MONTHLY;BYDAY=MO,TH;BYSETPOS=2",
    "FREQ=DAILY;INTERVAL=4",
    "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=1",
)


def templates(count: int, seed: int = 2026) -> list[Template]:
    rng = random.Random(seed)
    kinds = [
        (ScheduleKind.WEEKLY, 40), (ScheduleKind.EVERY_N_WEEKS, 15), (ScheduleKind.WORKING_DAYS, 10),
        (ScheduleKind.DAILY, 5), (ScheduleKind.MONTHLY_DAY, 10), (ScheduleKind.MONTHLY_LAST_DAY, 4),
        (ScheduleKind.MONTHLY_LAST_WORKING_DAY, 4), (ScheduleKind.MONTHLY_NTH_WEEKDAY, 8), (ScheduleKind.RRULE, 4),
    ]
    population, weights = zip(*kinds)
    out = []
    for n in range(count):
        kind = rng.choices(population, weights)[0]
        valid_from = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 540))
        valid_to = valid_from + timedelta(days=rng.randrange(30, 900)) if rng.random() < 0.3 else None
        policy = rng.choice([None, None, None, *HolidayPolicy])
        out.append(Template(
            code=f"T{n:05d}", customer=f"C{n % 3000:04d}", schedule=kind,
            weekdays=tuple(sorted(rng.sample(range(6), rng.randint(1, 3)))),
            interval=rng.randint(2, 4), day=rng.randint(1, 31), nth=rng.choice((1, 2, 3, 4, -1)),
            rrule=rng.choice(RRULES), valid_from=valid_from, valid_to=valid_to, holiday_policy=policy,
            active=True, source=Source(sheet="templates", row=n + 2),
        ))
    return out


def run(items: list[Template]) -> tuple[float, float, int]:
    settings = Settings(company_name="Bench", vat_number="IT01234567897", address="Via Roma 1",
                        postcode="20121", city="Milano", holiday_region="MI",
                        saturday_working=False, patron_day=None)
    closures = [
        Closure(date_from=date(2026, 8, 10), date_to=date(2026, 8, 21), description="Ferie estive",
                source=Source(sheet="closures", row=2)),
        Closure(date_from=date(2026, 12, 24), date_to=date(2027, 1, 6), description="Chiusura natalizia",
                source=Source(sheet="closures", row=3)),
    ]
    for cache in (recurrence._nominal, recurrence._moves, recurrence._compiled_rrule):
        cache.cache_clear()
    began, began_cpu = time.perf_counter(), time.process_time()
    calendar = working_calendar(settings, closures)
    total = 0
    for t in items:
        found, _ = recurrence.occurrences(t, START, END, calendar)
        total += len(found)
    return time.perf_counter() - began, time.process_time() - began_cpu, total


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    items = templates(count)
    results = [run(items) for _ in range(runs)]
    seconds = statistics.median(r[0] for r in results)
    cpu = statistics.median(r[1] for r in results)
    print(f"{count} templates, {START}..{END}: {results[0][2]} occurrences, "
          f"median of {runs} runs {seconds:.3f} s wall, {cpu:.3f} s CPU (target < 2 s)")


if __name__ == "__main__":
    main()
