"""Every measure of `python -m benchmarks` runs at S, end to end. The benchmarks call the
toolkit's services and ledger directly, so a change elsewhere can break one without a test
noticing: `discounts_quarter` called `ledger.invoices.store` with the settings for days after
`store` came to take the master data, and nobody knew until the next measuring round."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_measure_runs_at_the_small_scale():
    done = subprocess.run([sys.executable, "-m", "benchmarks", "--scales", "S", "--repeat", "1", "--no-save"],
                          cwd=ROOT, capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert " failed: " not in done.stdout, done.stdout[-3000:]
