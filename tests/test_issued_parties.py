"""An issued document is reproduced as issued: after the customers were renamed and moved, their
VAT numbers and SDI codes, the destinations, the carriers and the seller's own data changed in
the master workbook, reprinting the DDTs and invoices, exporting the accountants' workbook and
writing the e-invoices again give what the first time gave, the XML files byte for byte
(`toolkit.model.parties`, kept by `toolkit.ledger.parties`)."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from functools import partial
from pathlib import Path

import openpyxl
import pytest
from older_ledgers import back_to
from sqlalchemy import func, select, update
from test_distribution import pdf_text
from test_printing import cli
from xlsx_reference import copy_differences, differences

from toolkit.intake.validation import check_file
from toolkit.ledger import batches, open_ledger, parties, schema
from toolkit.ledger.db import migrate, reading, writing
from toolkit.model.parties import party_book
from toolkit.services.printing import Selection, print_documents
from toolkit.writers.libreoffice import soffice

NEW_VAT = "02047290222"
"""A partita IVA with a right check digit that no sample customer has."""


def moved(workbook: Path) -> None:
    """Every customer renamed and moved, with another SDI code, the first one another VAT
    number; every destination moved, every carrier renamed, the seller renamed and moved."""
    book = openpyxl.load_workbook(workbook)
    for sheet, changes in (("Clienti", {"Ragione sociale": "{} NUOVO", "Indirizzo": "Via Altrove 1",
                                        "Codice SDI": "ZZZZZZ9"}),
                           ("Destinazioni", {"Indirizzo": "Piazza Nuova 2"}),
                           ("Vettori", {"Ragione sociale": "{} NUOVO"})):
        ws = book[sheet]
        heads = [c.value for c in ws[1]]
        for row in range(2, ws.max_row + 1):
            if ws.cell(row, 1).value is None:
                continue
            for head, value in changes.items():
                cell = ws.cell(row, heads.index(head) + 1)
                cell.value = value.format(cell.value)
        if sheet == "Clienti":
            ws.cell(2, heads.index("Partita IVA") + 1).value = NEW_VAT
    settings = book["Impostazioni"]
    for row in settings.iter_rows(min_row=2):
        if row[0].value in ("Ragione sociale", "Indirizzo"):
            row[1].value = {"Ragione sociale": "Venditore Rinominato S.p.A.", "Indirizzo": "Via Trasloco 9"}[row[0].value]
    book.save(workbook)


@pytest.fixture
def first_month(capsys, tmp_path, sample_workbook, ledger_url) -> tuple[Path, str, Path, str]:
    """A month issued on the sample desk (orders, DDTs, final invoices with copies, e-invoices,
    the run exported with their files' names): the workbook, the ledger, the outputs' folder
    and the run."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    first = tmp_path / "first"
    for args in (("orders", "create", workbook, "--date", "2026-04-09"),
                 ("ship", workbook, "--date", "2026-04-10", "--all", "--out", first / "ddt.xlsx"),
                 ("invoice", workbook, "--month", "2026-04", "--final", "--copies", "--out", first),
                 ("einvoice", workbook, "--month", "2026-04", "--out", first / "fe")):
        code, said = cli(capsys, *args, "--ledger", ledger_url)
        assert code == 0, said
    run_id = next(p.name.removeprefix("copie-fatture-").removesuffix(".xlsx") for p in first.glob("copie-fatture-*"))
    code, said = cli(capsys, "invoice", "export", workbook, run_id, "--out", first / "export", "--ledger", ledger_url)
    assert code == 0, said
    return workbook, ledger_url, first, run_id


@pytest.fixture
def issued(first_month) -> tuple[Path, str, Path, str]:
    """`first_month`, then the master moved on (`moved`)."""
    moved(first_month[0])
    return first_month


def as_first(capsys, tmp_path, issued) -> None:
    """Reprinting the DDTs and invoices, exporting the run and writing the e-invoices again
    give what the first time gave: the workbooks cell for cell (a final invoice printed again
    saying *COPIA* too), the XML files byte for byte."""
    workbook, url, first, run_id = issued
    again = tmp_path / "again"
    for kind, chosen, printed, compared in (
            ("ddt", ["--date", "2026-04-10"], first / "ddt.xlsx", differences),
            ("invoices", ["--run", run_id], first / f"copie-fatture-{run_id}.xlsx", copy_differences)):
        code, said = cli(capsys, "print", kind, workbook, *chosen, "--out", again / f"{kind}.xlsx", "--ledger", url)
        assert code == 0, said
        assert compared(again / f"{kind}.xlsx", printed) is None, kind

    code, said = cli(capsys, "invoice", "export", workbook, run_id, "--out", again / "export", "--ledger", url)
    assert code == 0, said
    exported = sorted((again / "export").iterdir())
    assert [p.name for p in exported] == sorted(p.name for p in (first / "export").iterdir())
    for path in exported:
        if path.suffix == ".xlsx":
            assert differences(path, first / "export" / path.name) is None, path.name
        else:
            assert path.read_bytes() == (first / "export" / path.name).read_bytes(), path.name

    code, said = cli(capsys, "einvoice", workbook, "--month", "2026-04", "--out", again / "fe", "--ledger", url)
    assert code == 0, said
    files = sorted(p.name for p in (first / "fe").glob("*.xml"))
    assert files and files == sorted(p.name for p in (again / "fe").glob("*.xml"))
    for name in files:
        assert (again / "fe" / name).read_bytes() == (first / "fe" / name).read_bytes(), name


def test_the_master_moved_on(issued):
    """The edits are real: the master now says the new names, so what follows is not vacuous."""
    workbook = issued[0]
    master = check_file(workbook).master
    assert master is not None
    assert all(c.name.endswith(" NUOVO") and c.address == "Via Altrove 1" for c in master.customers)
    assert master.customers[0].vat_number == NEW_VAT and master.settings.address == "Via Trasloco 9"
    assert master.ship_to and all(s.address == "Piazza Nuova 2" for s in master.ship_to)


def test_reprints_exports_and_einvoices_are_as_issued(capsys, tmp_path, issued):
    as_first(capsys, tmp_path, issued)
    assert not any(b"NUOVO" in p.read_bytes() for p in (tmp_path / "again" / "fe").glob("*.xml"))


def test_documents_issued_after_the_change_carry_the_new_data(capsys, tmp_path, issued):
    """The snapshot is the master of the day a document is issued: a DDT of a later day names
    the customers as the master now does."""
    workbook, url, _, _ = issued
    out = tmp_path / "later" / "ddt.xlsx"
    for args in (("orders", "create", workbook, "--date", "2026-05-04", "--no-catch-up"),
                 ("ship", workbook, "--date", "2026-05-05", "--all", "--out", out)):
        code, said = cli(capsys, *args, "--ledger", url)
        assert code == 0, said
    cells = [c for ws in openpyxl.load_workbook(out).worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert any(str(c).endswith(" NUOVO") for c in cells) and "Venditore Rinominato S.p.A." in cells


def test_equal_parties_are_kept_once(ledger, sample_master):
    """A day's DDTs for the same customers add one row per distinct set of parties, and none
    for a set the ledger already holds."""
    book = party_book(sample_master)
    codes = [c.code for c in sample_master.customers[:3]]
    day = [book.parties(code) for code in codes * 100]
    with writing(ledger) as conn:
        ids = parties.keep(conn, day)
        assert parties.keep(conn, [book.parties(codes[1]), book.parties(codes[0])]) == [ids[1], ids[0]]
    with reading(ledger) as conn:
        assert conn.execute(select(func.count()).select_from(schema.issued_parties)).scalar_one() == 3
        assert parties.read(conn, [*ids[:3], None]) == {i: p for i, p in zip(ids[:3], day[:3])}


def test_kept_parties_are_found_by_digest_over_many_lists(ledger, sample_master, monkeypatch):
    """`keep` finds the parties the ledger holds by digest, lists of them at a time, read at the
    driver level (`_ids`): cut to lists of 2, the ids given are those the table holds for each
    digest, for parties known, new and asked twice, and a digest nobody stored finds nothing."""
    monkeypatch.setattr(parties, "in_batches", partial(batches.in_batches, size=2))
    book = party_book(sample_master)
    made = [book.parties(c.code) for c in sample_master.customers]
    assert len(made) > 6
    with writing(ledger) as conn:
        first = parties.keep(conn, made[:4])
        ids = parties.keep(conn, [*reversed(made), made[1]])
        stored = dict(conn.execute(select(schema.issued_parties.c.digest, schema.issued_parties.c.id)).all())
        digests = [parties._text_and_digest(one)[1] for one in made]
        assert ids == [stored[d] for d in (*reversed(digests), digests[1])]
        assert ids[-5:-1] == list(reversed(first)) and len(set(ids)) == len(made) == len(stored)
        assert parties._ids(conn, [*digests[:5], "0" * 64]) == {d: stored[d] for d in digests[:5]}


def test_parties_are_spelled_as_their_own_text_whatever_is_remembered(ledger, sample_master, monkeypatch):
    """`keep` remembers each `Parties` object's JSON and digest (`_text_and_digest`): what it
    gives is always the object's own `text()` and its SHA-256, for the object remembered, for an
    equal object made apart, and for an object whose id the memo holds for another one (an id
    CPython reused); past its cap it starts again and the ids stored stay the same."""
    book = party_book(sample_master)
    codes = [c.code for c in sample_master.customers[:4]]
    made = [book.parties(code) for code in codes]

    def spelled(one):
        return one.text(), hashlib.sha256(one.text().encode()).hexdigest()

    for one in made:
        assert parties._text_and_digest(one) == spelled(one)
        assert parties._text_and_digest(one) == spelled(one)
    apart = dataclasses.replace(made[0])
    assert apart is not made[0] and parties._text_and_digest(apart) == spelled(made[0])
    monkeypatch.setitem(parties._SPELLED, id(made[1]), (made[2], *spelled(made[2])))
    assert parties._text_and_digest(made[1]) == spelled(made[1])
    monkeypatch.setattr(parties, "SPELLED_AT_MOST", 2)
    with writing(ledger) as conn:
        first = parties.keep(conn, made * 3)
        parties._SPELLED.clear()
        again = parties.keep(conn, [dataclasses.replace(one) for one in made])
    assert first == again * 3 and len(set(first)) == 4 and len(parties._SPELLED) <= 2


@pytest.mark.libreoffice
@pytest.mark.skipif(soffice() is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) or pdftotext (poppler-utils) is not installed")
def test_the_reprinted_invoice_pdf_names_the_customer_as_issued(tmp_path, issued):
    workbook, url, _, run_id = issued
    master = check_file(workbook).master
    assert master is not None
    with reading(open_ledger(url)) as conn:
        number = conn.execute(select(schema.invoices.c.series, schema.invoices.c.year, schema.invoices.c.number)
                              .order_by(schema.invoices.c.id).limit(1)).one()
    chosen = Selection(numbers=(f"{number.series}-{number.year}-{number.number:05d}",))
    printed = print_documents(master, open_ledger(url), "invoices", chosen, tmp_path / "one.xlsx", "it", pdf=True)
    text = pdf_text(printed.pdfs[0])
    assert "NUOVO" not in text and "Venditore Rinominato" not in text and "Via Altrove" not in text
    assert "Forniture" in text or "P. IVA" in text


def test_a_ledger_from_before_prints_as_before_with_todays_master(capsys, tmp_path, first_month):
    """A ledger of schema 23 kept no parties: migrated, its documents cite none, and print,
    export and write their e-invoices from the master data of the day, as they always did."""
    workbook, url, _, _ = first_month
    back_to(open_ledger(url), 23, {"deliveries": ["parties_id"], "invoices": ["parties_id"]}, tables=["issued_parties"])
    ledger = open_ledger(url)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        for table in (schema.deliveries, schema.invoices):
            assert set(conn.execute(select(table.c.parties_id)).scalars()) == {None}, table.name
    as_first(capsys, tmp_path, first_month)

    moved(workbook)
    out = tmp_path / "today" / "ddt.xlsx"
    code, said = cli(capsys, "print", "ddt", workbook, "--date", "2026-04-10", "--out", out, "--ledger", url)
    assert code == 0, said
    cells = [c for ws in openpyxl.load_workbook(out).worksheets for r in ws.iter_rows(values_only=True) for c in r]
    assert any(str(c).endswith(" NUOVO") for c in cells)


@pytest.fixture
def ordered(capsys, tmp_path, sample_workbook, ledger_url) -> tuple[Path, str, Path]:
    """The sample's orders of 9 April created and printed (`orders create --out`): the workbook,
    the ledger and the printed orders."""
    workbook = tmp_path / "anagrafiche.xlsx"
    shutil.copyfile(sample_workbook, workbook)
    printed = tmp_path / "first" / "ordini.xlsx"
    code, said = cli(capsys, "orders", "create", workbook, "--date", "2026-04-09", "--out", printed,
                     "--ledger", ledger_url)
    assert code == 0, said
    return workbook, ledger_url, printed


def _cells(path: Path) -> list:
    return [c for ws in openpyxl.load_workbook(path).worksheets for r in ws.iter_rows(values_only=True) for c in r]


def test_a_reprinted_order_is_as_first_printed(capsys, tmp_path, ordered):
    """`print orders` after the customers, destinations and seller changed: the orders' sheets
    cell for cell as `orders create --out` wrote them, as DDTs and invoices reprint."""
    workbook, url, printed = ordered
    moved(workbook)
    again = tmp_path / "again" / "ordini.xlsx"
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--out", again, "--ledger", url)
    assert code == 0, said
    cells = _cells(again)
    assert "Venditore Rinominato S.p.A." not in cells and not any(str(c).endswith(" NUOVO") for c in cells)
    assert differences(again, printed) is None


def test_an_order_stored_before_schema_34_prints_with_todays_master(capsys, tmp_path, ordered):
    """A ledger of schema 33 kept no parties for orders: migrated, its orders cite none and
    print with the master data of the day, as they always did."""
    workbook, url, _ = ordered
    back_to(open_ledger(url), 33, {"orders": ["parties_id"]})
    ledger = open_ledger(url)
    assert migrate(ledger) == schema.SCHEMA_VERSION == 48
    with reading(ledger) as conn:
        assert set(conn.execute(select(schema.orders.c.parties_id)).scalars()) == {None}
    moved(workbook)
    out = tmp_path / "today" / "ordini.xlsx"
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--out", out, "--ledger", url)
    assert code == 0, said
    cells = _cells(out)
    assert "Venditore Rinominato S.p.A." in cells and any(str(c).endswith(" NUOVO") for c in cells)


def contacts_renamed(workbook: Path) -> None:
    """Every contact person of *Contatti* renamed, with another phone and e-mail."""
    book = openpyxl.load_workbook(workbook)
    ws = book["Contatti"]
    heads = [c.value for c in ws[1]]
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, 1).value is not None:
            for head, value in (("Nome", "{} NUOVO"), ("Telefono", "+39 02 000 0000"), ("Email", "nuovo@altrove.it")):
                cell = ws.cell(row, heads.index(head) + 1)
                cell.value = value.format(cell.value)
    book.save(workbook)


def test_a_reprinted_order_names_its_contact_as_first_printed(capsys, tmp_path, ordered):
    """`print orders` after every contact person was renamed and given another phone and
    e-mail: the orders' *Contatto* as `orders create --out` printed it, cell for cell."""
    workbook, url, printed = ordered
    assert "Contatto" in _cells(printed)
    contacts_renamed(workbook)
    again = tmp_path / "again" / "ordini.xlsx"
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--out", again, "--ledger", url)
    assert code == 0, said
    assert not any("NUOVO" in str(c) or "nuovo@altrove.it" in str(c) for c in _cells(again))
    assert differences(again, printed) is None


def test_a_reprinted_order_names_its_contact_taken_off_contatti_since(capsys, tmp_path, ordered):
    """Every contact person taken off *Contatti* (and off the templates that named one): the
    orders printed again still name theirs, cell for cell as first printed."""
    workbook, url, printed = ordered
    book = openpyxl.load_workbook(workbook)
    book["Contatti"].delete_rows(2, book["Contatti"].max_row)
    templates = book["Modelli ordine"]
    column = [c.value for c in templates[1]].index("Contatto") + 1
    for row in range(2, templates.max_row + 1):
        templates.cell(row, column).value = None
    book.save(workbook)
    again = tmp_path / "again" / "ordini.xlsx"
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--out", again, "--ledger", url)
    assert code == 0, said
    assert "Contatto" in _cells(again) and differences(again, printed) is None


def test_an_order_whose_parties_kept_no_contact_reads_todays_contatti(capsys, tmp_path, ordered):
    """Parties kept before the contact person was (their JSON without it) print the order's
    *Contatto* from *Contatti* of the day, as every order did before."""
    workbook, url, _ = ordered
    ledger = open_ledger(url)
    with writing(ledger) as conn:
        kept = conn.execute(select(schema.issued_parties.c.id, schema.issued_parties.c.parties)).all()
        assert any('"contact":{' in row.parties for row in kept)
        for row in kept:
            stored = parties.Parties.from_text(row.parties)
            conn.execute(update(schema.issued_parties).where(schema.issued_parties.c.id == row.id)
                         .values(parties=dataclasses.replace(stored, contact=None).text()))
    contacts_renamed(workbook)
    out = tmp_path / "today" / "ordini.xlsx"
    code, said = cli(capsys, "print", "orders", workbook, "--date", "2026-04-09", "--out", out, "--ledger", url)
    assert code == 0, said
    assert any(" NUOVO – +39 02 000 0000 – nuovo@altrove.it" in str(c) for c in _cells(out))


def test_orders_of_one_customer_and_destination_share_their_parties(ledger, sample_master):
    """Orders cite the parties stored once for each customer, destination and contact person, a
    week apart too."""
    from datetime import date

    from toolkit.services.orders import create

    migrate(ledger)
    for day in (date(2026, 4, 9), date(2026, 4, 16)):
        assert create(sample_master, ledger, day, lang="it").created
    with reading(ledger) as conn:
        rows = conn.execute(select(schema.orders.c.customer, schema.orders.c.ship_to, schema.orders.c.contact,
                                   schema.orders.c.parties_id)).all()
    assert None not in {r.parties_id for r in rows}
    assert len({r.parties_id for r in rows}) == len({(r.customer, r.ship_to, r.contact) for r in rows}) < len(rows)


def test_a_customer_is_one_buyer_whatever_its_destination_and_carrier(sample_master):
    """The book makes a customer's buyer once, and each of its parties shares it: a date at L
    made 6,400 parties for 5,700 customers, each buyer copied twice (`dataclasses.replace`)."""
    from toolkit.model.parties import Buyer, PartyBook

    book = PartyBook(sample_master)
    ship_to = next(s for s in sample_master.ship_to if s.customer in {c.code for c in sample_master.customers})
    customer = next(c for c in sample_master.customers if c.code == ship_to.customer)
    alone, delivered = book.parties(customer.code), book.parties(customer.code, ship_to.code)
    carried = book.parties(customer.code, ship_to.code, sample_master.carriers[0].code)
    assert alone.buyer is delivered.buyer is carried.buyer and delivered.destination is not None
    assert alone.buyer == Buyer(**{name: getattr(customer, name) for name in dataclasses.asdict(alone.buyer)
                                   if name not in ("split_payment", "intent_letters")}, split_payment=customer.splits_payment)
    assert book.parties("NO-SUCH-CUSTOMER").buyer is None


def _spelled_whole(one) -> str:
    """The ledger's JSON of a set of parties as `Parties.text` spelled it up to the forty-seventh
    round: the whole set's fields in one `json.dumps` (the oracle of the text put together a part
    at a time)."""
    import json

    from toolkit.model.parties import _ADDED_LATER, _SELLER_ADDED_LATER, _values

    whole = {name: _values(getattr(one, name)) for name in ("seller", "buyer", "destination", "carrier", "contact")}
    for part, later in (("buyer", _ADDED_LATER), ("seller", _SELLER_ADDED_LATER)):
        for name in later:
            if whole[part] is not None and whole[part][name] is None:
                del whole[part][name]
    if whole["contact"] is None:
        del whole["contact"]
    return json.dumps(whole, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def test_parties_spelled_a_part_at_a_time_are_the_whole_sets_json(sample_master):
    """`Parties.text` puts the JSON together a part at a time, and `keep` remembers each part's
    (`_part_text`): for every customer of the sample with each destination, carrier and contact,
    a seller with its REA, a buyer with its letters of intent and accents, and a document whose
    customer is gone, the text is the whole set's `json.dumps`, spelled fresh and remembered."""
    from toolkit.model.parties import Buyer, PartyBook, Person

    book = PartyBook(sample_master)
    carriers = [None, *(c.code for c in sample_master.carriers)]
    made = [book.parties(c.code, s.code if s.customer == c.code else None, carrier, contact)
            for c in sample_master.customers for s in sample_master.ship_to[:3] for carrier in carriers[:2]
            for contact in (None, *(x.code for x in sample_master.contacts[:1]))]
    lettered = dataclasses.replace(made[0], buyer=dataclasses.replace(
        made[0].buyer, name="Caffè Più S.r.l.", intent_protocol="26012345678-000001", intent_date="2026-01-15",
        intent_letters=(("26012345678-000001", "2026-01-15"), ("26012345678-000002", None))),
        seller=dataclasses.replace(made[0].seller, rea_office="MI", rea_number="123456", share_capital="10000.00"),
        contact=Person(code="P1", name="Anna", email="anna@example.it"))
    gone = dataclasses.replace(made[0], buyer=None)
    for one in [*made, lettered, gone]:
        assert one.text() == _spelled_whole(one) == parties._text_and_digest(one)[0]
    assert len({one.text() for one in made}) > len(sample_master.customers)
    assert isinstance(lettered.buyer, Buyer) and '"intent_letters":[["26012345678-000001"' in lettered.text()


def test_a_destination_carrier_and_contact_are_one_part_each_whatever_the_parties(sample_master):
    """The book makes each destination, carrier and contact person once, as it makes each buyer
    once: the parts `keep` spells once (`_part_text`)."""
    from toolkit.model.parties import PartyBook

    book = PartyBook(sample_master)
    ship_to = sample_master.ship_to[0]
    carrier, contact = sample_master.carriers[0].code, sample_master.contacts[0].code
    first = book.parties(ship_to.customer, ship_to.code, carrier, contact)
    other = book.parties(ship_to.customer, ship_to.code, None, contact)
    again = book.parties(sample_master.customers[0].code, ship_to.code, carrier)
    assert first.destination is other.destination is again.destination is not None
    assert first.carrier is again.carrier is not None and first.contact is other.contact is not None
