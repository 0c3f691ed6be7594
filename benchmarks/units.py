"""The unit of issue 20's targets, which the runner and the guard both measure in."""

from __future__ import annotations


def unit_of(summary: dict, scale: str) -> float | None:
    """The unit of issue 20's targets: the python-calamine floor at L measured in this run (the
    `calamine_floor` measure at L, else the floor a month's run measured beside itself)."""
    floor = (summary.get("L") or {}).get("calamine_floor") or {}
    if floor.get("median_s"):
        return floor["median_s"]
    months = (summary.get(scale, {}).get(name) or {} for name in ("month", "month_restocked"))
    return next((m["unit_s"] for m in months if m.get("unit_s")), None)
