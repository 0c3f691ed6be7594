"""The sample master data and the master-workbook writer.

The rows are checked directly against the data-check rules (so the sample stays valid even
while the check itself changes), and the written files are read back with openpyxl, a reader
independent of the writer.
"""

from __future__ import annotations

import calendar
import re
import zipfile
from collections import Counter
from datetime import date, datetime, timedelta
from decimal import Decimal

import holidays
import openpyxl
import pytest
from dateutil.rrule import rrulestr
from stdnum.it import codicefiscale, iva

from toolkit.basics.vocab import (
    DeliveryTerms,
    DocumentType,
    ExceptionAction,
    HolidayPolicy,
    InvoiceGrouping,
    InvoiceTerms,
    PaymentMethod,
    PriceRuleKind,
    PriceType,
    ScheduleKind,
)
from toolkit.intake.sample import PLANS, Scale, sample_rows, tax_code, vat_number
from toolkit.model import sheets as schema
from toolkit.model.sheets import Kind
from toolkit.services.sample import write_sample
from toolkit.writers.master_workbook import table_name, write_master

EASTER_MONDAY, THURSDAY = date(2026, 4, 6), date(2026, 4, 9)
SHEETS = {s.key: s for s in schema.SHEETS}


@pytest.fixture(scope="module")
def rows() -> dict[str, list[dict]]:
    return sample_rows()


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory):
    return write_sample(tmp_path_factory.mktemp("sample"))


def by_code(rows: list[dict]) -> dict[str, dict]:
    return {r["code"]: r for r in rows}


def versions(rows) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for v in rows["price_versions"]:
        out.setdefault(v["price_list"], []).append(v)
    return out


def version_at(rows, price_list: str, day: date) -> dict | None:
    return next((v for v in versions(rows)[price_list]
                 if v["valid_from"] <= day and (v["valid_to"] is None or day <= v["valid_to"])), None)


def due(template: dict, day: date) -> bool:
    """Whether a template has an occurrence on `day`, before holidays and exceptions."""
    vf, vt = template["valid_from"], template.get("valid_to")
    if not template.get("active", True) or day < vf or (vt is not None and day > vt):
        return False
    kind, weekdays = template["schedule"], template.get("weekdays") or ()
    last = calendar.monthrange(day.year, day.month)[1]
    if kind is ScheduleKind.DAILY:
        return True
    if kind is ScheduleKind.WORKING_DAYS:
        return day.weekday() < 5
    if kind is ScheduleKind.WEEKLY:
        return day.weekday() in weekdays
    if kind is ScheduleKind.EVERY_N_WEEKS:
        weeks = (day - (vf - timedelta(days=vf.weekday()))).days // 7
        return day.weekday() in weekdays and weeks % template["interval"] == 0
    if kind is ScheduleKind.MONTHLY_DAY:
        return day.day == min(template["day"], last)
    if kind is ScheduleKind.MONTHLY_LAST_DAY:
        return day.day == last
    if kind is ScheduleKind.MONTHLY_LAST_WORKING_DAY:
        return False  # never on the days these tests ask about
    if kind is ScheduleKind.MONTHLY_NTH_WEEKDAY:
        nth = template["nth"]
        in_week = (day.day - 1) // 7 + 1 == nth if nth > 0 else day.day + 7 > last
        return day.weekday() == weekdays[0] and in_week
    rule = rrulestr(template["rrule"], dtstart=datetime.combine(vf, datetime.min.time()))
    return datetime.combine(day, datetime.min.time()) in rule.between(
        datetime.combine(day, datetime.min.time()), datetime.combine(day, datetime.min.time()), inc=True)


# --- the rows -----------------------------------------------------------------------------

def test_rows_are_deterministic(rows):
    assert sample_rows() == rows
    assert sample_rows(seed=1) != rows


def test_sample_file_is_reproducible(sample_file, tmp_path):
    assert write_sample(tmp_path).read_bytes() == sample_file.read_bytes()


def test_sample_scale_counts(rows):
    assert len(rows["customers"]) >= 25
    assert len(rows["items"]) == 60
    assert len(rows["templates"]) == 40
    assert {(v["price_list"], v["version"]) for v in rows["price_versions"]} == {
        ("BASE", "2026A"), ("BASE", "2026B"), ("HORECA", "2026A"), ("HORECA", "2026B"),
        ("INGROSSO", "2026A"), ("INGROSSO", "2026B")}
    assert {(v["price_list"], v["version"]) for v in rows["price_versions"] if v.get("base_list")} == {
        ("INGROSSO", "2026A"), ("INGROSSO", "2026B")}, "the derived versions, priced from BASE on reading"
    assert {r["kind"] for r in rows["price_rules"]} == set(PriceRuleKind)


def test_required_columns_are_filled(rows):
    for key, sheet_rows in rows.items():
        sheet = SHEETS[key]
        for column in sheet.columns:
            if column.required:
                assert all(r.get(column.key) not in (None, "") for r in sheet_rows), (key, column.key)


def _type_ok(column: schema.Column, value) -> bool:
    kind = column.kind
    if kind in (Kind.TEXT, Kind.CODE, Kind.VAT_NUMBER, Kind.TAX_CODE, Kind.EMAIL):
        return isinstance(value, str) and value.strip() == value and value != ""
    if kind in (Kind.MONEY, Kind.QUANTITY, Kind.PERCENT):
        return isinstance(value, Decimal)
    if kind is Kind.INTEGER:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is Kind.DATE:
        return isinstance(value, date)
    if kind is Kind.BOOL:
        return isinstance(value, bool)
    if kind is Kind.CHOICE:
        return isinstance(value, column.choice)
    if kind is Kind.WEEKDAYS:
        return isinstance(value, tuple) and value and all(0 <= d <= 6 for d in value)
    return True


def test_values_have_the_schema_types(rows):
    for key, sheet_rows in rows.items():
        sheet = SHEETS[key]
        for row in sheet_rows:
            assert set(row) <= {c.key for c in sheet.columns}, (key, set(row) - {c.key for c in sheet.columns})
            for column in sheet.columns:
                value = row.get(column.key)
                if value is not None:
                    assert _type_ok(column, value), (key, column.key, value)


def test_codes_are_unique(rows):
    for key in ("customers", "ship_to", "contacts", "items", "price_lists", "templates", "carriers"):
        codes = [r["code"] for r in rows[key]]
        assert len(codes) == len(set(codes)), key
    assert len({(v["price_list"], v["version"]) for v in rows["price_versions"]}) == len(rows["price_versions"])
    assert len({(p["price_list"], p["version"], p["item"]) for p in rows["prices"]}) == len(rows["prices"])
    assert len({s["item"] for s in rows["stock"]}) == len(rows["stock"])
    assert len({c["vat_number"] for c in rows["customers"] if c.get("vat_number")}) == \
        sum(1 for c in rows["customers"] if c.get("vat_number"))


def test_references_exist(rows):
    customers, items, templates = by_code(rows["customers"]), by_code(rows["items"]), by_code(rows["templates"])
    lists = by_code(rows["price_lists"])
    ship_to, contacts = by_code(rows["ship_to"]), by_code(rows["contacts"])
    for r in rows["ship_to"] + rows["contacts"]:
        assert r["customer"] in customers
    for c in rows["customers"]:
        assert c["price_list"] in lists
    for t in rows["templates"]:
        assert t["customer"] in customers
        assert t.get("price_list") is None or t["price_list"] in lists
        assert t.get("ship_to") is None or ship_to[t["ship_to"]]["customer"] == t["customer"]
        assert t.get("contact") is None or contacts[t["contact"]]["customer"] == t["customer"]
    for line in rows["template_lines"]:
        assert line["template"] in templates and line["item"] in items
    known_versions = {(v["price_list"], v["version"]) for v in rows["price_versions"]}
    for p in rows["prices"]:
        assert (p["price_list"], p["version"]) in known_versions and p["item"] in items
    for e in rows["exceptions"]:
        assert e["template"] in templates and (e.get("item") is None or e["item"] in items)
    for s in rows["stock"]:
        assert s["item"] in items


def test_vat_numbers_and_tax_codes_are_valid(rows):
    vats = [rows["settings"][0]["vat_number"]]
    vats += [r["vat_number"] for r in rows["customers"] + rows["carriers"] if r.get("vat_number")]
    assert all(iva.is_valid(v) for v in vats), [v for v in vats if not iva.is_valid(v)]
    codes = [c["tax_code"] for c in rows["customers"] if c.get("tax_code")]
    assert all(codicefiscale.is_valid(c) for c in codes), [c for c in codes if not codicefiscale.is_valid(c)]
    assert any(len(c) == 16 for c in codes), "some sole traders with a personal codice fiscale"
    assert any(len(c) == 11 for c in codes), "some club with a numeric codice fiscale only"
    assert all(c.get("vat_number") or c.get("tax_code") for c in rows["customers"])


def test_check_digit_functions_agree_with_stdnum():
    assert all(iva.is_valid(vat_number(serial, office))
               for serial in (1, 48841, 987654, 9_999_999) for office in (1, 15, 58, 100))
    assert tax_code("De Luca", "Giulia", date(1990, 12, 31), True, "F205") == \
        "DLCGLI90T71F205" + codicefiscale.calc_check_digit("DLCGLI90T71F205")


def test_e_invoicing_and_addresses(rows):
    customers = rows["customers"]
    assert all(re.fullmatch(r"[A-Z0-9]{7}", c["sdi_code"]) for c in customers if c.get("sdi_code"))
    assert all(c.get("sdi_code") or c.get("pec") for c in customers)
    assert any(c.get("pec") for c in customers)
    for r in customers + rows["ship_to"]:
        assert re.fullmatch(r"\d{5}", r["postcode"]) and re.fullmatch(r"[A-Z]{2}", r["province"])
        assert r["area"] in {"NORD", "CENTRO", "SUD"}
    counts = Counter(s["customer"] for s in rows["ship_to"])
    assert counts and all(2 <= n <= 3 for n in counts.values())
    assert rows["contacts"]
    areas = {a.strip() for c in rows["carriers"] for a in c["areas"].split(",")}
    assert areas == {"NORD", "CENTRO", "SUD"}


def test_customer_choices_cover_every_member(rows):
    customers = rows["customers"]
    for key, enum in (("invoice_terms", InvoiceTerms), ("delivery_terms", DeliveryTerms),
                      ("invoice_grouping", InvoiceGrouping), ("payment_method", PaymentMethod)):
        assert {c[key] for c in customers} == set(enum), key
    assert {c["payment_terms"] for c in customers} == {"IMM", "30", "60", "30FM", "FM+30", "30/60/90", "MS10", "CONSEGNA"}
    assert any(c.get("credit_limit") for c in customers)
    assert any(c.get("credit_limit") is None for c in customers)
    grouped = {c["code"] for c in customers if c["invoice_grouping"] is InvoiceGrouping.SHIPPING_ADDRESS}
    assert grouped <= {s["customer"] for s in rows["ship_to"]}


@pytest.mark.parametrize("scale", ["SAMPLE", "S", "M"])
def test_customers_paid_before_shipping_are_invoiced_at_once_at_every_scale(scale):
    """The benchmarks' workbooks come from the same generator: none may hold a customer whose
    orders wait for a payment of an invoice that waits for the delivery."""
    customers = sample_rows(getattr(Scale, scale))["customers"]
    paid_first = [c for c in customers if c["delivery_terms"] is DeliveryTerms.AFTER_RECEIPT]
    assert paid_first and {c["invoice_terms"] for c in paid_first} == {InvoiceTerms.IMMEDIATE}


def test_items_vat(rows):
    for item in rows["items"]:
        assert item["vat_rate"] in (Decimal(4), Decimal(10), Decimal(22), Decimal(0))
        if item["vat_rate"] == 0:
            assert item["vat_nature"] == "N4"
    assert {i["vat_rate"] for i in rows["items"]} == {Decimal(0), Decimal(4), Decimal(10), Decimal(22)}
    assert sum(1 for i in rows["items"] if i["vat_rate"] == 0) >= 2


def test_prices_every_item_every_version_in_order(rows):
    items = {i["code"] for i in rows["items"]}
    for pl, version in {(v["price_list"], v["version"]) for v in rows["price_versions"] if not v.get("base_list")}:
        assert {p["item"] for p in rows["prices"] if (p["price_list"], p["version"]) == (pl, version)} == items
    for p in rows["prices"]:
        assert p["list_price"] >= p["standard_price"] >= p["limit_price"] > 0
        assert p["list_price"] == p["list_price"].quantize(Decimal("0.01"))


def test_price_versions_do_not_overlap(rows):
    expected = {"2026A": (date(2026, 1, 1), date(2026, 6, 30)), "2026B": (date(2026, 7, 1), None)}
    for found in versions(rows).values():
        assert {v["version"]: (v["valid_from"], v["valid_to"]) for v in found} == expected
        spans = sorted((v["valid_from"], v["valid_to"] or date.max) for v in found)
        assert all(a[1] < b[0] for a, b in zip(spans, spans[1:]))


def test_template_lines(rows):
    templates, customers = by_code(rows["templates"]), by_code(rows["customers"])
    counts = Counter(line["template"] for line in rows["template_lines"])
    assert set(counts) == set(templates)
    assert all(1 <= n <= 6 for n in counts.values())
    prices = {(p["price_list"], p["version"], p["item"]): p for p in rows["prices"]}
    overrides = 0
    for line in rows["template_lines"]:
        assert line["quantity"] > 0
        template = templates[line["template"]]
        price_list = template.get("price_list") or customers[template["customer"]]["price_list"]
        version = version_at(rows, price_list, template["valid_from"])
        assert version is not None
        price = prices[(price_list, version["version"], line["item"])]
        if line.get("price") is not None:
            overrides += 1
            assert line["price"] >= price["limit_price"]
    assert overrides >= 2


def test_schedule_parameters(rows):
    for t in rows["templates"]:
        kind, weekdays = t["schedule"], t.get("weekdays")
        if kind in (ScheduleKind.WEEKLY, ScheduleKind.EVERY_N_WEEKS):
            assert weekdays
        if kind is ScheduleKind.EVERY_N_WEEKS:
            assert t["interval"] >= 1
        if kind is ScheduleKind.MONTHLY_DAY:
            assert 1 <= t["day"] <= 31
        if kind is ScheduleKind.MONTHLY_NTH_WEEKDAY:
            assert t["nth"] in (1, 2, 3, 4, -1) and len(weekdays) == 1
        if kind is ScheduleKind.RRULE:
            rrulestr(t["rrule"], dtstart=datetime(2026, 1, 1))
        assert t.get("valid_to") is None or t["valid_to"] >= t["valid_from"]


def test_templates_cover_every_choice(rows):
    templates = rows["templates"]
    kinds = Counter(t["schedule"] for t in templates)
    assert set(kinds) == set(ScheduleKind) and min(kinds.values()) >= 2
    assert {t["document_type"] for t in templates} == set(DocumentType)
    assert {t.get("holiday_policy") for t in templates} == {*HolidayPolicy, None}
    assert {t["price_type"] for t in templates} == set(PriceType)
    starts = Counter(t["valid_from"] for t in templates)
    assert starts[date(2026, 1, 1)] + starts[date(2026, 3, 1)] >= 0.7 * len(templates)
    assert any(t.get("valid_to") for t in templates)
    assert any(t.get("price_list") for t in templates)


def test_easter_monday_pair(rows):
    region = holidays.Italy(subdiv=rows["settings"][0]["holiday_region"], years=2026)
    assert EASTER_MONDAY in region and EASTER_MONDAY + timedelta(days=1) not in region
    excepted = {e["template"] for e in rows["exceptions"]}
    mondays = [t for t in rows["templates"] if t["schedule"] is ScheduleKind.WEEKLY and t["weekdays"] == (0,)
               and due(t, EASTER_MONDAY) and t["code"] not in excepted]
    assert any(t["holiday_policy"] is HolidayPolicy.SKIP for t in mondays), "no order on Easter Monday"
    assert any(t["holiday_policy"] is HolidayPolicy.NEXT for t in mondays), "an order on Tuesday 7 April"
    assert not any(c["date_from"] <= EASTER_MONDAY + timedelta(days=1) <= c["date_to"] for c in rows["closures"])


def test_many_templates_due_on_thursday_9_april(rows):
    assert THURSDAY.weekday() == 3
    due_then = [t["code"] for t in rows["templates"] if due(t, THURSDAY)]
    assert len(due_then) >= 10
    assert not any(e["template"] in due_then and e["day"] == THURSDAY for e in rows["exceptions"])


def test_exceptions_hit_existing_occurrences(rows):
    templates = by_code(rows["templates"])
    assert {e["action"] for e in rows["exceptions"]} == set(ExceptionAction)
    lines = {(line["template"], line["item"]) for line in rows["template_lines"]}
    for e in rows["exceptions"]:
        assert e["day"].year == 2026 and e["day"].month == 4
        if e["action"] is not ExceptionAction.EXTRA:
            assert due(templates[e["template"]], e["day"]), e
        if e["action"] is ExceptionAction.MOVE:
            assert e["new_date"] and e["new_date"].weekday() < 5
        if e["action"] in (ExceptionAction.QUANTITY, ExceptionAction.EXTRA):
            assert (e["template"], e["item"]) in lines and e["quantity"] > 0


def test_stock_closures_and_settings(rows):
    stocked = {s["item"]: s["quantity"] for s in rows["stock"]}
    assert set(stocked) == {i["code"] for i in rows["items"]}
    assert any(q < 10 for q in stocked.values())
    assert {(c["date_from"], c["date_to"]) for c in rows["closures"]} >= {
        (date(2026, 8, 10), date(2026, 8, 21)), (date(2026, 12, 24), date(2027, 1, 6))}
    settings = rows["settings"][0]
    assert settings["city"] == "Milano" and settings["holiday_region"] == "MI" and settings["language"] == "it"
    for column in schema.SETTINGS.columns:
        assert not column.required or settings.get(column.key)


def test_sample_passes_the_data_check(sample_file):
    from toolkit.intake.validation import check_file

    checked = check_file(sample_file)
    assert [str(p) for p in checked.problems] == []
    assert checked.master is not None


def test_planner_on_the_sample(sample_file, rows):
    """End to end through the planner: the Easter pair and the busy Thursday."""
    from toolkit.core.plan import due_between
    from toolkit.intake.validation import check_file

    master = check_file(sample_file).master
    dues, problems = due_between(master, EASTER_MONDAY, EASTER_MONDAY + timedelta(days=1))
    assert problems == []
    skip, following = rows["templates"][0]["code"], rows["templates"][1]["code"]
    assert not any(d.template == skip for d in dues)
    assert [(d.day, d.nominal) for d in dues if d.template == following] == [
        (EASTER_MONDAY + timedelta(days=1), (EASTER_MONDAY,))]
    thursday, _ = due_between(master, THURSDAY, THURSDAY)
    assert len(thursday) >= 10


# --- the workbook -------------------------------------------------------------------------

def _column(sheet: schema.Sheet, key: str) -> str:
    return openpyxl.utils.get_column_letter(next(i for i, c in enumerate(sheet.columns, 1) if c.key == key))


def test_write_sample_in_italian(sample_file, tmp_path):
    assert sample_file.name == "anagrafiche.xlsx"
    book = openpyxl.load_workbook(sample_file)
    assert book.sheetnames == [s.it for s in schema.SHEETS]
    customers = book["Clienti"]
    assert [c.value for c in customers[1]] == [c.it for c in schema.CUSTOMERS.columns]
    assert customers.freeze_panes == "A2"
    assert "Customers" in customers.tables
    assert customers.tables["Customers"].ref.startswith("A1:")
    assert customers.tables["Customers"].tableStyleInfo.name == "TableStyleMedium2"
    settings = book["Impostazioni"]
    assert (settings["A1"].value, settings["B1"].value) == ("Voce", "Valore")
    assert settings["A2"].value == "Ragione sociale"
    assert write_sample(tmp_path / "new" / "folder").exists()


def test_dropdowns(sample_file):
    book = openpyxl.load_workbook(sample_file)
    templates = book["Modelli ordine"]
    validations = {str(v.sqref).split(":")[0]: v for v in templates.data_validations.dataValidation}
    schedule = validations[_column(schema.TEMPLATES, "schedule") + "2"]
    assert schedule.type == "list" and "Settimanale" in schedule.formula1 and schedule.allow_blank
    customer = validations[_column(schema.TEMPLATES, "customer") + "2"]
    assert customer.formula1 == "CustomersCodes"
    assert book.defined_names["CustomersCodes"].attr_text.startswith("Clienti!$A$2:$A$")
    assert book.defined_names["TemplatesCodes"].attr_text.startswith("'Modelli ordine'!$A$2:$A$")
    lines = {str(v.sqref).split(":")[0]: v for v in book["Righe modello"].data_validations.dataValidation}
    assert lines["B2"].formula1 == "ItemsCodes" and lines["A2"].formula1 == "TemplatesCodes"


def test_cell_formats(sample_file, rows):
    book = openpyxl.load_workbook(sample_file)
    templates = book["Modelli ordine"]
    valid_from = templates[_column(schema.TEMPLATES, "valid_from") + "2"]
    assert valid_from.is_date and valid_from.number_format == "dd/mm/yyyy"
    assert valid_from.value.date() == rows["templates"][0]["valid_from"]
    assert templates[_column(schema.TEMPLATES, "weekdays") + "2"].value == "lun"
    assert templates[_column(schema.TEMPLATES, "active") + "2"].value == "sì"
    prices = book["Prezzi"]
    assert prices["D2"].number_format == '#,##0.00 "€"' and prices["D2"].data_type == "n"
    assert book["Righe modello"]["C2"].number_format == "General"
    items = book["Articoli"]
    rate = items[_column(schema.ITEMS, "vat_rate") + "2"]
    assert rate.value == 22 and rate.data_type == "n"
    customers = book["Clienti"]
    vat = customers[_column(schema.CUSTOMERS, "vat_number") + "2"]
    assert vat.data_type == "s" and vat.value == rows["customers"][0].get("vat_number")


def _minimal_rows(name: str = "Bar Centrale S.n.c.") -> dict[str, list[dict]]:
    rows = sample_rows()
    rows["customers"][0] = {**rows["customers"][0], "name": name}
    return rows


def test_text_starting_with_equals_stays_text(tmp_path):
    evil = '=HYPERLINK("http://x")'
    path = write_master(tmp_path / "evil.xlsx", _minimal_rows(evil))
    cell = openpyxl.load_workbook(path)["Clienti"][_column(schema.CUSTOMERS, "name") + "2"]
    assert cell.value == evil and cell.data_type == "s"
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "<f>" not in xml


def test_english_workbook(tmp_path):
    path = write_master(tmp_path / "en.xlsx", sample_rows(), lang="en")
    book = openpyxl.load_workbook(path)
    assert "Customers" in book.sheetnames and "Template lines" in book.sheetnames
    assert "Quantity" in [c.value for c in book["Template lines"][1]]
    assert (book["Settings"]["A1"].value, book["Settings"]["A2"].value) == ("Setting", "Company name")
    templates = book["Order templates"]
    assert templates[_column(schema.TEMPLATES, "weekdays") + "2"].value == "mon"
    assert templates[_column(schema.TEMPLATES, "schedule") + "2"].value == "Weekly"
    assert templates[_column(schema.TEMPLATES, "active") + "2"].value == "yes"


def test_required_sheets_written_even_empty(tmp_path):
    book = openpyxl.load_workbook(write_master(tmp_path / "empty.xlsx", {}))
    assert book.sheetnames == [s.it for s in schema.SHEETS if s.required]
    assert table_name(schema.TEMPLATE_LINES) in book["Righe modello"].tables
    assert book["Impostazioni"]["A2"].value == "Ragione sociale"


def test_before_sheets_and_macros_need_xlsm(tmp_path):
    path = write_master(tmp_path / "c.xlsx", {}, before_sheets=lambda wb: wb.add_worksheet("Controllo"))
    assert openpyxl.load_workbook(path).sheetnames[0] == "Controllo"
    with pytest.raises(ValueError):
        write_master(tmp_path / "m.xlsx", {}, vba_project=tmp_path / "vbaProject.bin")
    with pytest.raises(ValueError, match="customer"):
        write_master(tmp_path / "m.xlsx", {"customer": [{"code": "C1"}]})
    assert not (tmp_path / "m.xlsx").exists()


def test_vba_project_goes_into_an_xlsm(tmp_path):
    vba = tmp_path / "vbaProject.bin"
    vba.write_bytes(b"stand-in for a vbaProject.bin")
    path = write_master(tmp_path / "m.xlsm", {}, vba_project=vba)
    with zipfile.ZipFile(path) as z:
        assert z.read("xl/vbaProject.bin") == vba.read_bytes()
        assert b"macroEnabled" in z.read("[Content_Types].xml")


def test_scale_s_counts_are_exact():
    rows = sample_rows(Scale.S)
    assert len(rows["customers"]) == 50
    assert len(rows["templates"]) == 100
    assert len(rows["template_lines"]) == 500
    assert len(rows["items"]) == 200
    assert len(rows["prices"]) == 2 * 2 * 200
    assert len(rows["templates"]) >= len(PLANS)


def test_scale_l_line_spread():
    scale = Scale.L
    assert scale.templates * 1 <= scale.template_lines <= scale.templates * scale.max_lines
    assert (scale.customers, scale.templates, scale.template_lines, scale.items) == (10_000, 30_000, 200_000, 20_000)


def test_constant_memory_write_of_scale_s(tmp_path):
    rows = sample_rows(Scale.S)
    path = write_master(tmp_path / "s.xlsx", rows, constant_memory=True)
    book = openpyxl.load_workbook(path)
    lines = book["Righe modello"]
    assert lines.max_row == 501
    assert [c.value for c in lines[1]][:3] == ["Modello", "Articolo", "Quantità"]
    assert lines.auto_filter.ref and not lines.tables
    assert lines["C2"].value == float(rows["template_lines"][0]["quantity"])
    assert book["Clienti"]["A51"].value == rows["customers"][-1]["code"]


def test_scale_s_invoices_no_do_not_invoice_customer_at_the_order(tmp_path, rome_today):
    """The generator gave customers *Non fatturare* POS, on-credit and prepay templates, whose
    invoices leave at the order without the go-ahead: S's check warned of 3 of them, L's of
    about 560, at every command. Those templates are standard orders now; POS, on credit and
    prepay stay, for the other customers."""
    from toolkit.core.orders import EFFECTS
    from toolkit.intake.validation import check_file

    rome_today(date(2026, 5, 4))
    rows = sample_rows(Scale.S)
    held = {c["code"] for c in rows["customers"] if c["invoice_terms"] is InvoiceTerms.DO_NOT_INVOICE}
    at_once = Counter(t["document_type"] for t in rows["templates"] if EFFECTS[t["document_type"]].invoice_at_once)
    assert held and set(at_once) == {DocumentType.POS, DocumentType.ON_CREDIT, DocumentType.PREPAY}
    assert [t["code"] for t in rows["templates"]
            if t["customer"] in held and EFFECTS[t["document_type"]].invoice_at_once] == []
    checked = check_file(write_master(tmp_path / "s.xlsx", rows, constant_memory=True))
    assert [p.cell for p in checked.problems if p.code == "do-not-invoice-template-invoiced-at-order"] == []
