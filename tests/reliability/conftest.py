"""The reliability suite's figures (`tests/reliability_figures.py`), and its tests kept in one
worker process so that they are counted in one place."""

from __future__ import annotations

import pytest
from reliability_figures import GROUP, Figures


@pytest.fixture(scope="session")
def figures():
    return Figures


def pytest_collection_modifyitems(items):
    for item in items:
        if "reliability/" in item.nodeid:
            item.add_marker(pytest.mark.xdist_group(GROUP))
