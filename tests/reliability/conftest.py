"""The reliability suite's figures: see `tests/reliability_figures.py`."""

from __future__ import annotations

import pytest
from reliability_figures import Figures


@pytest.fixture(scope="session")
def figures():
    return Figures
