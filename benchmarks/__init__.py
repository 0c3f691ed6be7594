"""Benchmarks: speed and memory from a small desk (S) to a large distributor (L).

`python -m benchmarks` runs every measure in its own process, several times, and prints the
medians and the ratios to the floors and targets; `docs/performance.md` explains each one.
Nothing here is imported by the toolkit or by the tests.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
"""Generated workbooks (gitignored): `bench-S.xlsx`, `bench-M.xlsx`, `bench-L.xlsx`."""
RESULTS = HERE / "results"
SCALES = ("S", "M", "L")
