"""`toolkit demo` — create, ship and invoice a month, and every writer — killed with SIGKILL at
random moments, KILLS times on one folder, then run to the end: the ledger stays consistent
after every kill, the last run converges to what an uninterrupted run leaves (the same
documents, the same files), and no temporary file is left once an hour has passed (the
writers' sweep). The moments come from a seeded random generator; the seed is in the figures.

tests/test_generation.py kills `orders create` at one chosen point; this kills anywhere."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from xlsx_reference import differences

from reliability.ledger_checks import consistent
from toolkit.ledger import open_ledger

KILLS = 6
COMPARED = ("ordini", "ddt", "fatture")


def demo(out: Path, kill_after: float | None = None) -> bool:
    """Run `toolkit demo --out OUT`; with `kill_after`, SIGKILL it then. Whether it was killed."""
    child = subprocess.Popen([sys.executable, "-m", "toolkit", "demo", "--out", str(out)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        if kill_after is not None:
            try:
                child.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                os.kill(child.pid, signal.SIGKILL)
                child.wait(timeout=60)
                return True
        _, err = child.communicate(timeout=600)
        assert child.returncode == 0, err.decode()
        return False
    finally:
        if child.poll() is None:
            child.kill()


def files(out: Path) -> list[str]:
    return sorted(str(p.relative_to(out)) for folder in COMPARED for p in (out / folder).glob("*") if p.is_file())


def temporary(out: Path) -> list[Path]:
    return [p for p in out.rglob(".*") if p.is_file()]


def test_demo_killed_at_random_moments_converges(tmp_path, figures):
    reference = tmp_path / "reference"
    began = time.monotonic()
    demo(reference)
    full = time.monotonic() - began

    seed = random.randrange(2**32)
    rng = random.Random(seed)
    out = tmp_path / "killed"
    killed = 0
    for _ in range(KILLS):
        killed += demo(out, kill_after=rng.uniform(0.5, 0.7 * full))
        if (out / "anagrafiche.xlsx.ledger.sqlite").exists():
            ledger = open_ledger(None, out / "anagrafiche.xlsx")
            for kind, (_, duplicates, missing) in consistent(ledger).items():
                assert (duplicates, missing) == (0, 0), f"seed {seed}: {kind} after a kill"
            ledger.engine.dispose()
    left = temporary(out)
    an_hour_ago = time.time() - 2 * 3600
    for path in [*left, *(p for p in out.rglob(".staging.*") if p.is_dir())]:
        os.utime(path, (an_hour_ago, an_hour_ago))
    demo(out)

    expected = open_ledger(None, reference / "anagrafiche.xlsx")
    ledger = open_ledger(None, out / "anagrafiche.xlsx")
    found = consistent(ledger)
    assert found == consistent(expected), f"seed {seed}: the killed runs end with other documents"
    ledger.engine.dispose()
    expected.engine.dispose()
    assert files(out) == files(reference), f"seed {seed}"
    for name in files(out):
        if name.endswith(".xlsx"):
            assert differences(out / name, reference / name) is None, f"seed {seed}: {name}"
    assert sorted(p.name for p in (out / "fatture-elettroniche").iterdir()) == \
        sorted(p.name for p in (reference / "fatture-elettroniche").iterdir())
    stray = temporary(out)
    kills = figures("kills_demo")
    kills.add(runs=KILLS + 1, kills=killed, documents=sum(n for n, _, _ in found.values()),
              temporary_files_left_by_kills=len(left), stray_files_after_rerun=len(stray))
    kills.note(seed=seed)
    assert stray == [], f"seed {seed}: {stray}"


FLOW = """
import sys
from datetime import date
from pathlib import Path
from toolkit.core.invoicing import InvoiceStatus, Period, Request
from toolkit.intake.validation import check_file
from toolkit.ledger import open_ledger
from toolkit.services import invoicing
from toolkit.services.orders import create
from toolkit.services.shipping import ship

master = check_file(Path(sys.argv[1])).master
ledger = open_ledger(sys.argv[2])
for day in (date(2026, 4, d) for d in (1, 2, 3, 7, 8, 9, 10, 13, 14)):
    create(master, ledger, day, with_catch_up=False, lang="it")
    ship(master, ledger, day, all_open=True, lang="it")
invoicing.run(ledger, master, Request(Period(date(2026, 4, 1), date(2026, 4, 30)), date(2026, 5, 4)),
              status=InvoiceStatus.FINAL, lang="it")
"""
"""Nine days of April on the sample — create, ship — and the month's invoices, on one ledger."""


def flow(workbook: Path, url: str, kill_after: float | None = None) -> bool:
    """Run FLOW; with `kill_after`, SIGKILL it then. Whether it was killed."""
    child = subprocess.Popen([sys.executable, "-c", FLOW, str(workbook), url], stderr=subprocess.PIPE)
    try:
        try:
            _, err = child.communicate(timeout=kill_after if kill_after is not None else 600)
        except subprocess.TimeoutExpired:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=60)
            return True
        assert child.returncode == 0, err.decode()
        return False
    finally:
        if child.poll() is None:
            child.kill()


def test_create_ship_invoice_killed_at_random_moments_converge(sample_workbook, ledger_url, tmp_path, figures):
    reference_url = f"sqlite:///{tmp_path / 'reference.sqlite'}"
    began = time.monotonic()
    flow(sample_workbook, reference_url)
    full = time.monotonic() - began

    seed = random.randrange(2**32)
    rng = random.Random(seed)
    killed = 0
    for _ in range(KILLS):
        killed += flow(sample_workbook, ledger_url, kill_after=rng.uniform(0.3, 0.8 * full))
        ledger = open_ledger(ledger_url)
        for kind, (_, duplicates, missing) in consistent(ledger).items():
            assert (duplicates, missing) == (0, 0), f"seed {seed}: {kind} after a kill"
        ledger.engine.dispose()
    flow(sample_workbook, ledger_url)

    expected, ledger = open_ledger(reference_url), open_ledger(ledger_url)
    found = consistent(ledger)
    assert found == consistent(expected), f"seed {seed}: the killed runs end with other documents"
    ledger.engine.dispose()
    expected.engine.dispose()
    backend = "postgresql" if ledger_url.startswith("postgresql") else "sqlite"
    kills = figures(f"kills_{backend}")
    kills.add(runs=KILLS + 1, kills=killed, documents=sum(n for n, _, _ in found.values()),
              duplicates=sum(d for _, d, _ in found.values()), gaps=sum(g for _, _, g in found.values()))
    kills.note(seed=seed)
