"""The layers hold: the core loads no I/O library, the contracts in pyproject.toml are kept.

The import-linter contracts are also run by `.ci/run`; running them here as well means a
developer who only runs the tests sees a broken layer at once.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
IO_LIBRARIES = {"sqlalchemy", "xlsxwriter", "python_calamine", "openpyxl", "xlwings", "typer", "rich"}


def test_importing_every_core_module_loads_no_io_library() -> None:
    script = (
        "import importlib, pkgutil, sys, toolkit.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'toolkit.core.'): importlib.import_module(m.name)\n"
        f"print(sorted(set({sorted(IO_LIBRARIES)!r}) & set(sys.modules)))\n"
    )
    loaded = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert loaded.stdout.strip() == "[]"


def test_the_layer_contracts_are_kept() -> None:
    lint = Path(sys.executable).with_name("lint-imports")
    if not lint.exists() and shutil.which("lint-imports") is None:
        pytest.skip("import-linter is not installed: pip install -e '.[test]'")
    result = subprocess.run([str(lint) if lint.exists() else "lint-imports"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
