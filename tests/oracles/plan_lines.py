"""Template lines gathered one by one: what `toolkit.core.plan._plan_index` did before it took a
sheet's runs of lines at once. The fast path must give exactly these."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from toolkit.model.records import TemplateLine


def lines_by_template(template_lines: Sequence[TemplateLine]) -> dict[str, tuple[TemplateLine, ...]]:
    lines: dict[str, list[TemplateLine]] = defaultdict(list)
    for line in template_lines:
        lines[line.template].append(line)
    return {k: tuple(v) for k, v in lines.items()}

