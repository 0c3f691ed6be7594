"""The documents generated from code stay in step with it."""

from __future__ import annotations

from pathlib import Path

from toolkit.model import sheets as schema

ROOT = Path(__file__).resolve().parent.parent


def test_workbook_format_doc_is_generated_from_the_schema():
    assert (ROOT / "docs" / "workbook-format.md").read_text(encoding="utf-8") == schema.markdown() + "\n", \
        "run: python -m toolkit.model.sheets > docs/workbook-format.md"


def test_bundled_sample_is_what_the_generator_writes(tmp_path):
    from python_calamine import CalamineWorkbook

    from toolkit.services.sample import write_sample

    fresh = write_sample(tmp_path)

    def values(path):
        book = CalamineWorkbook.from_path(str(path))
        return {n: book.get_sheet_by_name(n).to_python() for n in book.sheet_names}

    assert values(ROOT / "samples" / "anagrafiche.xlsx") == values(fresh), \
        "run: python -c \"from toolkit.services.sample import write_sample; write_sample(__import__('pathlib').Path('samples'))\""
