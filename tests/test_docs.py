"""The documents generated from code stay in step with it."""

from __future__ import annotations

import re
import shlex
import shutil
from decimal import Decimal
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


LINK = re.compile(r"\]\(([^)\s]+)\)")


def _manual() -> str:
    """The user's manual: the README, a short front page, and the docs/ pages its details live in."""
    return "\n\n".join(page.read_text(encoding="utf-8")
                       for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))])


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces as hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_every_link_between_the_documents_leads_somewhere():
    """The README and docs link to each other's files and headings; moving a section (as the
    performance history was moved out of docs/performance.md) must not leave a link behind."""
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    broken = []
    for page in pages:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if target.startswith(("http://", "https://", "mailto:")):
                continue
            path, _, anchor = target.partition("#")
            linked = (page.parent / path).resolve() if path else page
            if not linked.exists():
                broken.append(f"{page.name}: {target} (no such file)")
            elif anchor and linked.suffix == ".md":
                text = linked.read_text(encoding="utf-8")
                headings = re.findall(r"^#+ (.+)$", text, re.MULTILINE)
                if anchor not in {_anchor(h) for h in headings} | set(re.findall(r'<a id="([^"]+)"', text)):
                    broken.append(f"{page.name}: {target} (no such heading)")
    assert not broken, "\n".join(broken)


def _section(text: str, anchor: str) -> str:
    """The text a link's anchor lands on: its heading's section, subsections included, or from an
    `<a id>` to the next heading."""
    lines = text.splitlines()
    for at, line in enumerate(lines):
        heading = re.match(r"^(#+) (.+)$", line)
        if (heading and _anchor(heading[2]) == anchor) or f'<a id="{anchor}"></a>' in line:
            level = len(heading[1]) if heading else 6
            end = next((i for i in range(at + 1, len(lines))
                        if (h := re.match(r"^(#+) ", lines[i])) and len(h[1]) <= level), len(lines))
            return "\n".join(lines[at:end])
    return ""


NAMED_LINK = re.compile(r"\[\*([^*\]]+)\*\]\(([^)\s]+)\)|(?<!\*)\*([^*]+)\*,? (?:under|in|on) \[[^\]]*\]\(([^)\s]+)\)")
"""A link that names the section it means: `[*Title*](page#anchor)`, `*Title* under [the ledger](page#anchor)`."""


def test_a_link_naming_a_section_lands_on_the_text_that_holds_it():
    """`see *Moving a desk's ledger to the team's server* under [the ledger](ledger.md#…)`: when
    ledger.md's first section was parted, that paragraph went under a heading of its own, the link
    still to the first. A link naming a heading or bold lead of the page it points to must land on
    the section holding it."""
    astray = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for found in NAMED_LINK.finditer(" ".join(page.read_text(encoding="utf-8").split())):
            name, target = (found[1], found[2]) if found[1] else (found[3], found[4])
            path, _, anchor = target.partition("#")
            if not anchor or not path.endswith(".md"):
                continue
            text = (page.parent / path).resolve().read_text(encoding="utf-8")
            titles = {re.sub(r"[*`]", "", t).strip(" .") for t in
                      re.findall(r"^#+ (.+)$", text, re.MULTILINE) + re.findall(r"\*\*([^*]+?)\*\*", text)}
            held = " ".join(re.sub(r"[*`]", "", _section(text, anchor)).split())
            if name.strip(" .") in titles and name.strip(" .") not in held:
                astray.append(f"{page.name}: *{name}* is not under {target}")
    assert not astray, "\n".join(astray)


def test_the_readmes_typical_day_runs_as_written_on_the_sample(capsys, tmp_path, sample_workbook, monkeypatch):
    """A new desk types the README's typical day into the sample's folder, line by line: each
    must work as written (it confirmed OC-2026-00007 as a quotation, a standard order on the
    sample, exit 1). RUN is the run the month-end line printed; `--pdf` needs LibreOffice."""
    from test_printing import cli

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = text.split("A typical day from the command line", 1)[1].split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #")[0].strip() for line in block.splitlines() if line.startswith("toolkit ")]
    assert len(lines) >= 10 and any("orders confirm" in line for line in block.splitlines())
    shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx")
    monkeypatch.chdir(tmp_path)
    run = None
    for line in lines:
        args = [run if word == "RUN" else word for word in shlex.split(line)[1:]]
        if "--pdf" in args and not shutil.which("soffice"):
            args.remove("--pdf")
        code, said = cli(capsys, *args)
        assert code == 0, (line, said)
        if found := re.search(r"emissione (\S+)\.", said):
            run = found[1]
    _register_names_each_invoices_xml_file(tmp_path)


def _register_names_each_invoices_xml_file(folder: Path) -> None:
    """The accountants' register the typical day ends with names each final invoice's FatturaPA
    file (*File XML*), which leads an SDI receipt to its invoice: the README exported the
    register before `einvoice` wrote the files, and its *File XML* column came out empty."""
    import openpyxl

    [register] = folder.glob("fatture/fatture-2026-04.xlsx")
    rows = list(openpyxl.load_workbook(register, read_only=True)["Registro"].iter_rows(values_only=True))
    heading = next(i for i, row in enumerate(rows) if "File XML" in row)
    number, state, xml = (rows[heading].index(name) for name in ("Numero", "Stato", "File XML"))
    finals = [row for row in rows[heading + 1:] if str(row[number] or "").startswith(("FT-", "NC-"))
              and row[state] == "Definitiva"]
    assert finals and all(str(row[xml] or "").endswith(".xml") for row in finals), [row[number] for row in finals
                                                                                   if not row[xml]][:5]


def test_recording_a_return_runs_as_written_and_the_run_credits_it(capsys, tmp_path, sample_workbook, monkeypatch):
    """docs/orders.md's *Recording a return*: the docs never said how a return is recorded (a
    newcomer looked for a `returns` verb that records one); its commands, typed on the sample into
    a new ledger, make the return order negative, ship it and leave a credit note to the run."""
    import json

    from test_printing import cli_apart

    text = (ROOT / "docs" / "orders.md").read_text(encoding="utf-8").split("## Recording a return (Reso)", 1)[1]
    block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [shlex.split(line.split("  #")[0]) for line in block.splitlines() if line.startswith("toolkit ")]
    assert [line[1] for line in lines] == ["orders", "ship", "invoice"]
    shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx")
    monkeypatch.chdir(tmp_path)
    for line in lines:
        code, out, err = cli_apart(capsys, *line[1:], "--json")
        assert code == 0, (line, out, err)
        said = json.loads(out)
        if line[1] == "orders":
            assert [order["template"] for order in said["created"]] == ["T029"]
    credit_notes = [x for x in said["invoices"] if x["kind"] == "credit-note"]
    assert [x["customer"] for x in credit_notes] == ["C027"] and Decimal(credit_notes[0]["total"]) < 0, said


def test_the_command_lines_report_example_runs_as_written_on_the_sample(capsys, tmp_path, sample_workbook,
                                                                       monkeypatch):
    """docs/commands.md's *Using the command line* shows the Italian choice words on a whole
    `toolkit report vendite anagrafiche.xlsx …`, said to run as written: it left out `--out`,
    which report requires, and a desk copying it was told *Manca l'opzione --out*."""
    from test_printing import cli

    text = " ".join((ROOT / "docs" / "commands.md").read_text(encoding="utf-8").split())
    [line] = re.findall(r"`(toolkit report vendite anagrafiche\.xlsx [^`]+)`", text)
    shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx")
    monkeypatch.chdir(tmp_path)
    code, said = cli(capsys, *shlex.split(line)[1:])
    assert code == 0, (line, said)
    assert [p.suffix for p in tmp_path.iterdir() if p.suffix == ".xlsx" and p.name != "anagrafiche.xlsx"] == [".xlsx"]


def test_a_reprint_of_a_period_never_settled_says_what_the_docs_quote(capsys, tmp_path, sample_workbook,
                                                                      monkeypatch):
    """`discounts settle --reprint` of a period the ledger settled nothing of warns
    `discount-nothing-settled`, writes nothing and ends well: the commands table's discounts row
    (docs/commands.md) and docs/discounts-and-commissions.md quote its words, which must be the
    command's own."""
    from test_printing import cli

    shutil.copyfile(sample_workbook, tmp_path / "anagrafiche.xlsx")
    monkeypatch.chdir(tmp_path)
    commands, guide = (" ".join((ROOT / page).read_text(encoding="utf-8").split())
                     for page in ("docs/commands.md", "docs/discounts-and-commissions.md"))
    for lang in ("it", "en"):
        code, said = cli(capsys, "discounts", "settle", "anagrafiche.xlsx", "--period", "2026-04", "--reprint",
                         "--out", "again", "--lang", lang)
        assert code == 0 and not (tmp_path / "again").exists(), said
        [warned] = [line.split(": ", 1)[1] for line in said.splitlines() if line.startswith(("avviso:", "warning:"))]
        assert warned in guide, (lang, warned)
        if lang == "it":
            assert f"`discount-nothing-settled`, *{warned}*" in commands, warned


def test_the_readme_names_this_versions_ledger_schema():
    """The README told which schema is this version's (37) seven versions on (44): a desk
    upgrading its team ledger read of a change this version no longer makes."""
    from toolkit.ledger.schema import SCHEMA_VERSION

    readme, ledger = ((ROOT / page).read_text(encoding="utf-8") for page in ("README.md", "docs/ledger.md"))
    for page in (readme, ledger):
        named = re.findall(r"schema (\d+), this\s+version's", page)
        assert named == [str(SCHEMA_VERSION)], named
    assert f"è alla versione {SCHEMA_VERSION}, più recente di questo toolkit ({SCHEMA_VERSION - 1})" in ledger


def test_the_readmes_team_ledger_restore_makes_its_database_on_the_server_it_loads():
    """The backup paragraph runs from any desk's PC: a bare `createdb ordini_ripristino` there
    makes the database on that PC's own PostgreSQL, or fails for want of one, and the
    `pg_restore` that follows, naming the server's, finds none."""
    from sqlalchemy.engine import make_url

    paragraph = _manual().split("**Backing up a team ledger**", 1)[1].split("\n\n", 1)[0]
    made = shlex.split(re.search(r"`(createdb [^`]*)`", paragraph)[1])
    loaded = make_url(next(word for word in shlex.split(re.search(r"`(pg_restore [^`]*)`", paragraph)[1])
                           if word.startswith("postgresql://")))
    assert made == ["createdb", "-h", loaded.host, "-U", loaded.username, loaded.database], made


def _titles(text: str) -> set[str]:
    """A page's headings and bold paragraph leads, as a reference names them: lower case, no marks."""
    found = re.findall(r"^#+ (.+)$", text, re.MULTILINE) + re.findall(r"(?:^|\n\n)(?:<a id=\"[^\"]+\"></a>)?\*\*(.+?)\*\*",
                                                                    text)
    return {re.sub(r"[^a-z0-9 ]", "", title.lower().replace("*", "")).strip() for title in found}


def test_a_reference_to_a_section_on_another_page_is_a_link():
    """The manual was one README; split into pages, "see *Statuses* below" in docs/commands.md
    named a paragraph now in docs/credit-notes.md, below nothing. A reference by title ("see *X*",
    "*X* below", "*X* above") to a heading or bold paragraph of another page must be a link (or
    name the section it is under with one: "*X* under [the ledger](ledger.md#…)")."""
    pages = {page: page.read_text(encoding="utf-8") for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]}
    titles = {page: _titles(text) for page, text in pages.items()}
    unlinked = []
    for page, text in pages.items():
        for m in re.finditer(r"(?:see )?(?<!\[)\*([^*\n]{4,90})\*(?P<where> (?:below|above)\b| under \[)?", text):
            if not (m[0].startswith("see ") or m["where"]) or (m["where"] or "").startswith(" under"):
                continue
            title = re.sub(r"[^a-z0-9 ]", "", m[1].lower()).strip()
            if len(title) < 8 or any(t == title or t.startswith(title) for t in titles[page]):
                continue
            elsewhere = [other.name for other, ts in titles.items()
                         if other != page and any(t == title or (len(title) >= 12 and t.startswith(title)) for t in ts)]
            if elsewhere:
                unlinked.append(f"{page.name}: «{m[0]}» is in {elsewhere}")
    assert not unlinked, "\n".join(unlinked)


def _table(text: str, header: str) -> dict[str, list[str]]:
    lines = text.split(header, 1)[1].split("\n\n", 1)[0].splitlines()[1:]
    return {cells[0]: cells[1:] for cells in ([c.strip() for c in line.strip().strip("|").split("|")] for line in lines)}


def test_the_readmes_performance_targets_say_what_docs_performance_says():
    """The front page's performance table keeps each cell's current figures without their history;
    a target's verdict keeps its qualification: "met in the thirty-fourth round, at its edge since"
    is "met, at its edge", never a bare "met" beside an L figure over the target."""
    header = "| Step | M | L | Target at L |"
    front = _table((ROOT / "README.md").read_text(encoding="utf-8"), header)
    full = _table((ROOT / "docs/performance.md").read_text(encoding="utf-8").split("<!-- from README.md", 1)[1], header)
    assert front.keys() == full.keys()
    for step, cells in full.items():
        verdict = re.sub(r"\([^()]*\)", "", cells[2]).split(";")[0]
        for phrase in ("at its edge", "in most runs", "missed", "not met"):
            assert (phrase in verdict) <= (phrase in front[step][2]), (step, phrase, front[step][2])


def test_the_day_continued_in_docs_commands_says_where_it_began():
    """docs/commands.md's last section holds the typical day's later paragraphs ("Before the 12
    days run out…"): its first paragraph leads back to the day on the front page."""
    section = (ROOT / "docs/commands.md").read_text(encoding="utf-8").split("## More of the day", 1)[1]
    first = section.split("\n\n")[1]
    assert "](../README.md#the-typical-day)" in first, first


def test_a_topic_the_long_readme_ran_on_under_another_heading_has_its_own():
    """Split into pages, the README's sections kept paragraphs that had run on under the heading
    before them: stock and held orders under *A customer taken off the sheet before month end*,
    quotations and statuses under *Crediting an invoice*, the seller's stamp duty and IBAN under
    *What an order carries beyond its goods*. Each now sits under a heading that names it."""

    def heading_over(page: str, paragraph: str) -> str:
        text = (ROOT / "docs" / page).read_text(encoding="utf-8")
        return re.findall(r"^## (.+)$", text.split(f"\n\n{paragraph}", 1)[0], re.MULTILINE)[-1]

    assert "Stock" in heading_over("shipping.md", "Stock (*Giacenze* sheet) limits what ships")
    assert "held orders" in heading_over("shipping.md", '<a id="held-orders-stay-held-until-something-moves"></a>')
    assert "Quotations" in heading_over("credit-notes.md", "A quotation (*preventivo*)")
    assert "statuses" in heading_over("credit-notes.md", '<a id="statuses"></a>**Statuses.**')
    assert "invoice" in heading_over("orders.md", '<a id="stamp-duty"></a>**Stamp duty.**')
    assert "commissions" in heading_over("orders.md", "**Volume discounts and commissions.**")
    assert "DDT" in heading_over("orders.md", "A DDT travels with the goods")


def test_the_front_pages_ledger_rule_says_how_each_ledger_is_backed_up():
    """A desk of one PC keeps a SQLite ledger: the front page told only "Back it up with
    PostgreSQL's own tools". It names both ways docs/ledger.md gives, and leads to them."""
    readme = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    rule = readme.split("**The team's shared ledger.**", 1)[1].split("**", 1)[0]
    ledger = " ".join((ROOT / "docs/ledger.md").read_text(encoding="utf-8").split())
    assert "A SQLite ledger is backed up by copying its file while no command runs." in ledger
    assert "PostgreSQL's own tools" in rule and "SQLite file by copying it while no command runs" in rule, rule
    assert '<a id="backing-up-a-team-ledger"></a>**Backing up a team ledger**' in ledger
    assert "(docs/ledger.md#backing-up-a-team-ledger)" in rule


def test_no_table_is_cut_in_two_by_a_blank_line():
    """A blank line ends a Markdown table: the rows after it print as one run-on paragraph of bars.
    docs/commands.md's exit codes lost 3, 4 and 130 so. A table row after a blank line must begin a
    table, its next line the header's rule."""
    cut = []
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        lines = page.read_text(encoding="utf-8").splitlines()
        in_code = False
        for number, (before, line, after) in enumerate(zip(["", *lines[:-1]], lines, [*lines[1:], ""], strict=True), 1):
            in_code ^= line.startswith("```")
            if not in_code and line.startswith("|") and not before.strip() and not re.match(r"\|[\s:|-]+\|$", after):
                cut.append(f"{page.name}:{number}: {line[:60]}")
    assert not cut, "\n".join(cut)


CELL_MOST = 800
"""The characters of a table cell a reader can take in: docs/commands.md's rows ran to 5,000–8,700
(`print`, `invoice`, `check`), a page wide in any viewer, one run-on sentence of semicolons."""

LONG_CELLS_LEFT = {
    ("architecture.md", "`workdays`, `recurrence`, `plan` (calend"),
    ("architecture.md", "`db` (open, migrate, write lock, numbers"),
    ("architecture.md", "VAT at the rate in force on the delivery"),
    ("architecture.md", "A return's credit note takes its goods b"),
    ("architecture.md", "`core/credit_notes.py` `take_back`, `Ove"),
    ("architecture.md", "A DDT issued by mistake is voided (`ddt "),
    ("architecture.md", "An invoice without VAT on a letter of in"),
    ("architecture.md", "`core/letter_cited.py` `uncited`, `Uncit"),
    ("architecture.md", "A letter of intent's ceiling: a customer"),
    ("architecture.md", "`core/intent_ceiling.py` `letter_key` (a"),
    ("architecture.md", "Commissions settled: each agent's statem"),
    ("architecture.md", "`core/commission_statements.py` `Commiss"),
    ("performance.md", "2.04–2.09 s, **1.39–1.44 u** (5 December"),
}
"""The cells over `CELL_MOST` not yet parted into a summary and prose below their table, as
docs/commands.md's, excel.md's, einvoice.md's, ledger.md's and reports.md's were, by their page and
first 40 characters: none may be added, and one parted leaves this list."""


def test_no_table_cell_runs_longer_than_a_reader_takes_in():
    long, parted = [], set()
    for page in sorted((ROOT / "docs").glob("*.md")):
        in_code = False
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            in_code ^= line.startswith("```")
            if in_code or not line.startswith("|"):
                continue
            for cell in (c.strip() for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))):
                if len(cell) > CELL_MOST:
                    left = (page.name, cell[:40])
                    parted.add(left)
                    if left not in LONG_CELLS_LEFT:
                        long.append(f"{page.name}:{number}: {len(cell):,} characters: {cell[:60]}…")
    assert not long, "\n".join(long)
    assert LONG_CELLS_LEFT <= parted, f"parted, take them off LONG_CELLS_LEFT: {LONG_CELLS_LEFT - parted}"


def _parted_prose(page: Path) -> list[list[str]]:
    """The prose a table's long cells were parted into (`test_no_table_cell_runs_longer_than_a_reader_takes_in`),
    paragraph by paragraph, a list as one: docs/commands.md's *The commands in detail*, the other pages' *In full*
    up to their next heading or their own prose (wrapped, where a parted paragraph is one line)."""
    lines = page.read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if line in ("## The commands in detail", "In full:")
                 or line.startswith("In full, the "))
    blocks: list[list[str]] = [[]]
    for line in lines[start + 1:]:
        if line.startswith("## ") or (line.startswith("#") and page.name != "commands.md"):
            break
        if not line.strip() or line.startswith("#"):
            blocks.append([])
        elif blocks[-1] and not line.startswith("- "):
            blocks.pop()  # a paragraph wrapped over lines: the page's own prose again
            break
        else:
            blocks[-1].append(line)
    return [b for b in blocks if b and not (len(b) == 1 and re.fullmatch(r"`toolkit [^`]*`", b[0]))]


def test_the_prose_parted_from_the_tables_reads_as_sentences():
    """The cells parted into prose kept the table's habits: a paragraph ending without its full stop
    (*The panel's Nota di credito button credits the invoice in its Fattura cell*), a list's last item
    too, a paragraph opening in lower case, a bracket a cut sentence closed twice."""
    found = []
    for name in ("commands.md", "excel.md", "einvoice.md", "ledger.md", "reports.md"):
        for block in _parted_prose(ROOT / "docs" / name):
            text, last = " ".join(block), block[-1].rstrip()
            plain = re.sub(r"`[^`]*`", "", text)
            if not re.search(r"[.!?:][)*]*$", last):
                found.append(f"{name}: no full stop: …{last[-60:]}")
            if not block[0].startswith("- ") and block[0][:1].islower():
                found.append(f"{name}: opens in lower case: {block[0][:60]}")
            if plain.count("(") != plain.count(")"):
                found.append(f"{name}: brackets {plain.count('(')} ( and {plain.count(')')} ): {block[0][:60]}")
    assert not found, "\n".join(found)
