"""The JSON contract of the command line: one JSON Schema per verb that takes `--json`.

Every answer is one object with `ok` (exit code 0), `exit_code`, `problems`, and — when the
verb got as far as its result — the result under the names below. A program can rely on these
names and types; a new field is added here first, or the tests that validate every verb's
output against these schemas fail. Amounts and quantities are strings holding exact decimals
("1234.50"), dates are ISO dates, files are paths.

`python -m toolkit.cli.schemas docs/cli.md` writes the schemas as that file's reference part
(everything after its "## Reference" heading); without a file it prints them.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

Schema = dict[str, Any]

TEXT: Schema = {"type": "string"}
TEXT_OR_NULL: Schema = {"type": ["string", "null"]}
INT: Schema = {"type": "integer"}
INT_OR_NULL: Schema = {"type": ["integer", "null"]}
BOOL: Schema = {"type": "boolean"}
DECIMAL: Schema = {"type": "string", "pattern": r"^-?\d+(\.\d+)?$"}
DECIMAL_OR_NULL: Schema = {"type": ["string", "null"], "pattern": r"^-?\d+(\.\d+)?$"}
DATE: Schema = {"type": "string", "format": "date"}
DATE_OR_NULL: Schema = {"type": ["string", "null"], "format": "date"}
PATH: Schema = TEXT
PATH_OR_NULL: Schema = TEXT_OR_NULL
EXIT_CODES = (0, 1, 2, 3, 4, 130)


def array(items: Schema) -> Schema:
    return {"type": "array", "items": items}


def record(**fields: Schema) -> Schema:
    """An object with exactly these fields, all present."""
    return {"type": "object", "properties": fields, "required": list(fields), "additionalProperties": False}


def with_optional(schema: Schema, **fields: Schema) -> Schema:
    """A `record` that may also hold these fields, present only when they apply."""
    return {**schema, "properties": {**schema["properties"], **fields}}


PROBLEM = record(code=TEXT, severity={"enum": ["error", "warning"]}, workbook=TEXT_OR_NULL, sheet=TEXT_OR_NULL,
                 cell=TEXT_OR_NULL, message=TEXT)

ORDER_MADE = with_optional(record(template=TEXT, date=DATE, customer=TEXT, number=TEXT, lines=INT, amount=DECIMAL),
                           documents_on=DATE)
"""`documents_on`: for an order created ahead, the day its documents issued at once wait for."""

INVOICE = record(number=TEXT_OR_NULL, kind={"enum": ["invoice", "credit-note", "debit-note"]}, deferred=BOOL, date=DATE,
                 customer=TEXT, group=TEXT, period=array(DATE), status=TEXT_OR_NULL, taxable=DECIMAL, vat=DECIMAL,
                 total=DECIMAL, ddts=array(record(number=TEXT, date=DATE)),
                 services=array(record(number=TEXT, date=DATE)),
                 dues=array(record(date=DATE, amount=DECIMAL)), lines=INT)

REQUEST = record(
    id=INT, customer=TEXT, kind={"enum": ["complaint", "request", "information", "return", "warranty"]}, text=TEXT,
    status={"enum": ["open", "closed"]}, opened_at=TEXT, opened_by=TEXT, closed_at=TEXT_OR_NULL, closed_by=TEXT_OR_NULL,
    history=array(record(at=TEXT, by=TEXT, action={"enum": ["opened", "acted", "closed"]}, text=TEXT_OR_NULL)))
"""A request and its history; `opened_at`, `closed_at` and `at` are ISO date-times in UTC (seconds, `Z`)."""

NO_CREDIT = record(reason=TEXT, at=TEXT, by=TEXT)
"""A return closed with no credit note (`toolkit returns no-credit`): why, and when (an ISO
date-time in UTC, seconds, `Z`) and by whom it was recorded."""

PAYMENT = record(invoice=TEXT, date=DATE, amount=DECIMAL, method=TEXT_OR_NULL, reference=TEXT_OR_NULL)

FOLLOWING = record(code=TEXT, table=TEXT, row=TEXT, ledger=TEXT, documents=TEXT)
FINDING = record(code=TEXT, table=TEXT, row=TEXT, ledger=TEXT, documents=TEXT, follows=array(FOLLOWING))
"""A finding of `ledger check`, or a kept figure's row `--repair` worked out again (`ledger`: the
value it kept; `documents`: its documents' sum, which it now keeps). `follows`: the rows of other
figures summed from this one that differ with it by what it accounts for, counted in it (a wrong
order line's shipped: its order's reservation of the item and its value still to ship); empty for
every other finding."""

RESULTS: dict[str, dict[str, Schema]] = {
    "check": {},
    "calendar": {
        "from": DATE, "to": DATE,
        "deliveries": array(record(
            date=DATE, template=TEXT, customer=TEXT, moved=BOOL, moved_from=DATE_OR_NULL, nominal=array(DATE),
            extra=BOOL, exceptions=array(TEXT), lines=array(record(item=TEXT, quantity=DECIMAL)))),
    },
    "orders preview": {
        "date": DATE, "missed_days": array(DATE),
        "orders": array(record(
            date=DATE, template=TEXT, customer=TEXT, customer_name=TEXT, ship_to=TEXT_OR_NULL, lines=INT,
            quantity=DECIMAL, amount=DECIMAL, existing=TEXT_OR_NULL, changed=BOOL, catch_up=BOOL,
            documents_on=DATE_OR_NULL)),
        "customers": {"type": "object", "additionalProperties": record(
            customer=TEXT, last_order_date=DATE_OR_NULL, last_order_amount=DECIMAL, unshipped=DECIMAL,
            outstanding=DECIMAL, uninvoiced=DECIMAL, credit_limit=DECIMAL_OR_NULL, headroom=DECIMAL_OR_NULL, open_requests=INT,
            latest_request=TEXT_OR_NULL)},
    },
    "orders create": {
        "created": array(ORDER_MADE), "already_existing": array(ORDER_MADE), "ddts": array(TEXT), "services": array(TEXT),
        "invoices": array(TEXT), "documents_due": array(TEXT), "files": array(PATH),
    },
    "orders list": {
        "orders": array(record(
            number=TEXT, date=DATE, template=TEXT_OR_NULL, origin=TEXT, customer=TEXT, ship_to=TEXT_OR_NULL,
            document_type=TEXT, status=TEXT, lines=INT, quantity=DECIMAL, to_ship=DECIMAL, invoiced=DECIMAL,
            credited=DECIMAL, amount=DECIMAL, documents_on=DATE_OR_NULL,
            no_credit={"anyOf": [NO_CREDIT, {"type": "null"}]})),
    },
    "orders status": {"order": TEXT, "status": TEXT_OR_NULL},
    "orders confirm": {"quotation": TEXT, "order": TEXT_OR_NULL, "invoices": array(TEXT)},
    "ship": {
        "shipped": array(record(ddt=TEXT, date=DATE, accounting_date=DATE, customer=TEXT, ship_to=TEXT_OR_NULL,
                                carrier=TEXT_OR_NULL,
                                reason=TEXT, forced=BOOL, orders=array(TEXT), lines=INT, services=BOOL)),
        "held": array(record(order=TEXT, customer=TEXT, reason=TEXT, items=array(TEXT), since=DATE_OR_NULL)),
        "completed": array(TEXT), "workbook": PATH_OR_NULL, "invoices": array(INVOICE),
        "invoices_workbook": PATH_OR_NULL, "documents_due": array(TEXT),
    },
    "ledger check": {"ledger": TEXT, "sound": BOOL, "upgraded_from": INT_OR_NULL, "findings": array(FINDING),
                     "repaired": array(FINDING)},
    "ddt void": {"ddt": TEXT, "voided": BOOL, "reason": TEXT_OR_NULL, "voided_at": TEXT_OR_NULL,
                 "voided_by": TEXT_OR_NULL, "orders": array(TEXT), "reopened": array(TEXT),
                 "kept_closed": array(TEXT), "services": array(TEXT), "services_kept": array(TEXT)},
    "returns no-credit": {"order": TEXT, "status": TEXT, "reason": TEXT, "ddts": array(TEXT)},
    "invoice run": {
        "run_id": TEXT_OR_NULL, "preview": BOOL, "invoices": array(INVOICE), "files": array(PATH),
        "pending": array(record(customer=TEXT, reason=TEXT, lines=INT)),
        "left_out": array(record(customer=TEXT, name=TEXT_OR_NULL, lines=INT, ddts=array(record(number=TEXT, date=DATE)),
                                 services=array(record(number=TEXT, date=DATE)))),
        "held_orders": array(record(number=TEXT, customer=TEXT, documents_on=DATE,
                                    waiting={"enum": ["invoice", "credit_note", "ddt"]}, blocks_run=BOOL)),
    },
    "invoice finalize": {"run_id": TEXT, "finalized": INT, "files": array(PATH)},
    "invoice undo": {"run_id": TEXT, "undone": INT, "removed": array(PATH)},
    "invoice credit": {"credit_note": {"anyOf": [INVOICE, {"type": "null"}]}, "invoice": TEXT, "closed": array(TEXT),
                       "file": PATH_OR_NULL},
    "invoice debit": {"debit_note": {"anyOf": [INVOICE, {"type": "null"}]}, "invoice": TEXT, "file": PATH_OR_NULL},
    "invoice list": {
        "runs": array(record(run_id=TEXT, status={"enum": ["draft", "final"]}, first_date=DATE, last_date=DATE,
                             invoices=INT, numbers=array(record(first=TEXT, last=TEXT)), total=DECIMAL)),
    },
    "payments record": {"recorded": array(PAYMENT), "duplicates": array(PAYMENT), "repeated": array(PAYMENT)},
    "payments import": {"recorded": array(PAYMENT), "duplicates": array(PAYMENT), "repeated": array(PAYMENT)},
    "payments void": {"voided": array(PAYMENT)},
    "payments status": {
        "as_of": DATE, "file": PATH_OR_NULL,
        "invoices": array(record(
            number=TEXT, kind={"enum": ["invoice", "credit-note", "debit-note"]}, date=DATE, customer=TEXT,
            total=DECIMAL, collected=DECIMAL, credited=DECIMAL,
            outstanding=DECIMAL, paid=BOOL, refunded_beyond=BOOL, next_due=DATE_OR_NULL, next_due_amount=DECIMAL_OR_NULL,
            days_to_due={"type": ["integer", "null"]})),
    },
    "einvoice": {
        "run_id": TEXT_OR_NULL, "month": TEXT_OR_NULL, "folder": PATH,
        "files": array(record(invoice=TEXT, file=PATH)),
        "refused": array(record(invoice=TEXT, problems=array(PROBLEM))),
        "archives": array(PATH),
        "left_out": array(record(invoice=TEXT, zip=TEXT)),
    },
    "print": {"printed": array(TEXT), "workbook": PATH_OR_NULL, "pdf": PATH_OR_NULL, "pdfs": array(PATH)},
    "report": {
        "kind": {"enum": ["sales", "shipments", "invoices", "customer-products", "aging"]}, "from": DATE, "to": DATE,
        "by": array(TEXT), "compare_from": DATE_OR_NULL, "compare_to": DATE_OR_NULL, "total": DECIMAL,
        "compare_total": DECIMAL_OR_NULL, "buckets": {"type": "object", "additionalProperties": DECIMAL},
        "groups": INT, "workbook": PATH, "pdf": PATH_OR_NULL,
    },
    "requests add": {"request": {"anyOf": [REQUEST, {"type": "null"}]}},
    "requests act": {"request": {"anyOf": [REQUEST, {"type": "null"}]}},
    "requests close": {"request": {"anyOf": [REQUEST, {"type": "null"}]}},
    "requests list": {"requests": array(REQUEST), "file": PATH_OR_NULL},
    "prices": {
        "price_list": TEXT, "date": DATE, "version": TEXT_OR_NULL, "derived_from": TEXT_OR_NULL, "file": PATH_OR_NULL,
        "prices": array(record(item=TEXT, list_price=DECIMAL, standard_price=DECIMAL, limit_price=DECIMAL_OR_NULL,
                               discount=DECIMAL_OR_NULL, derived=BOOL)),
    },
    "discounts settle": {
        "period": TEXT, "preview": BOOL,
        "settlements": array(record(
            discount=TEXT, customer=TEXT, period=TEXT, base=DECIMAL, quantity=DECIMAL, credited=DECIMAL,
            bracket={"anyOf": [record(**{"from": DECIMAL, "percent": DECIMAL}), {"type": "null"}]},
            discount_amount=DECIMAL, credit_note=TEXT_OR_NULL, total=DECIMAL_OR_NULL, invoices=array(TEXT))),
        "already_settled": array(record(discount=TEXT, customer=TEXT, credit_note=TEXT)),
        "files": array(PATH),
    },
    "commissions": {
        "from": DATE, "to": DATE, "settled": BOOL,
        "statements": array(record(
            agent=TEXT, base=DECIMAL, total=DECIMAL, **{"from": DATE, "to": DATE},
            rules=array(record(rule=TEXT, base=DECIMAL, rate=DECIMAL)),
            rows=array(record(invoice=TEXT, kind={"enum": ["invoice", "credit-note", "debit-note"]}, date=DATE, customer=TEXT,
                              rule=TEXT, base=DECIMAL, share=DECIMAL, rate=DECIMAL, commission=DECIMAL,
                              uncited_part=BOOL)))),
        "left_out": array(record(agent=TEXT, settled_on=DATE, **{"from": DATE, "to": DATE})),
        "files": array(PATH),
    },
    "convert": {
        "to": {"enum": ["master", "orders", "csv", "pdf", "xlsx"]}, "folder": PATH, "workbook": PATH_OR_NULL,
        "report": PATH_OR_NULL, "counts": record(converted=INT, skipped=INT, failed=INT), "written": array(PATH),
        "files": array(record(file=PATH, status={"enum": ["converted", "skipped", "failed"]}, reason=TEXT_OR_NULL,
                              outputs=array(PATH), orders=array(TEXT), problems=array(PROBLEM))),
        "matched": array(record(file=TEXT, sheet=TEXT, target=TEXT,
                                columns={"type": "object", "additionalProperties": TEXT}, unmatched=array(TEXT))),
    },
}
"""Each verb's result fields, present when the verb got as far as its result."""


def schema(verb: str) -> Schema:
    """The whole JSON Schema of `toolkit VERB --json`: the envelope, and the result when `ok`."""
    fields = RESULTS[verb]
    document: Schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"toolkit {verb} --json",
        "type": "object",
        "properties": {"ok": BOOL, "exit_code": {"enum": list(EXIT_CODES)}, "problems": array(PROBLEM), **fields},
        "required": ["ok", "exit_code", "problems"],
        "additionalProperties": False,
    }
    if fields:
        document["if"] = {"properties": {"ok": {"const": True}}}
        document["then"] = {"required": list(fields)}
    return document


def reference() -> str:
    """The schemas as docs/cli.md shows them."""
    parts = []
    for verb in RESULTS:
        parts.append(f"### `toolkit {verb} --json`\n\n```json\n{json.dumps(schema(verb), indent=2)}\n```\n")
    return "\n".join(parts)


HEADING = "## Reference\n\n"


def write_reference(doc: Path) -> None:
    text = doc.read_text(encoding="utf-8")
    doc.write_text(text[:text.index(HEADING) + len(HEADING)] + reference(), encoding="utf-8")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        write_reference(Path(sys.argv[1]))
    else:
        print(reference(), end="")
