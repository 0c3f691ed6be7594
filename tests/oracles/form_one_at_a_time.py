"""What a worker of `convert --to orders` made of each form before it read its forms a step at a
time: one form after the other, the guard, calamine, the digest, the form's fields and lines and
its pricing, a file's failure turned into its problems as `_one` turns them. The reference the
stepwise reading (`toolkit.intake.tables.read_forms_tables`) is compared with."""

from __future__ import annotations

import hashlib
from pathlib import Path

from toolkit.basics.problems import ProblemsFound, UnusableInput
from toolkit.core.drafts import OrderDraft
from toolkit.core.forms import price_form
from toolkit.intake.guard import describe_exception
from toolkit.intake.mapping import FormMap
from toolkit.intake.reshape import read_form
from toolkit.intake.sources import read_vetted
from toolkit.intake.tables import digest, read_csv
from toolkit.model.records import MasterData

Made = tuple[str, bool, tuple[tuple[str, str | None, str | None, str], ...], str | None, OrderDraft | None]
"""(status, whether the file was read, problems as (code, sheet, cell, message), digest, draft)."""


def form_one_at_a_time(path: Path, master: MasterData, spec: FormMap) -> Made:
    try:
        if path.suffix.lower() == ".csv":
            raw, key = read_csv(path), digest(path)
        else:
            raw, data = read_vetted(path)
            key = hashlib.sha256(data).hexdigest() if data is not None else digest(path)
        form, problems = read_form(raw, spec, key)
        if form is None:
            return "failed", True, _shown(problems), None, None
        draft, priced = price_form(master, form)
        if problems:
            return "failed", True, _shown([*problems, *priced]), None, None
        return "converted", True, _shown(priced), form.digest, draft
    except UnusableInput as exc:
        return "failed", False, _shown([exc.problem]), None, None
    except ProblemsFound as exc:
        return "failed", True, _shown(exc.problems), None, None
    except Exception as exc:
        return "failed", False, _shown([describe_exception(exc, path).problem]), None, None


def _shown(problems) -> tuple[tuple[str, str | None, str | None, str], ...]:
    return tuple((p.code, p.sheet, p.cell, p.message("it")) for p in problems)
