"""Tidy long export for researchers: one row per respondent × coded item.

``write_long(responses, out_dir)`` writes three files, all or none (atomic):

* ``responses_long.csv``: respondent_id, instrument_id, instrument_version, item_id,
  item_text, block, scale, code, keyed_value, reverse_keyed, shown_as. Every choice
  item of the instrument appears for every respondent; an unanswered item has an
  empty code. Free-text items (e.g. Q3 organisation) have no code and are not
  included: use the wide export for them. ``shown_as`` is empty unless the file was
  made k-anonymous (``protection``): a descriptor answer is then shown as a band
  ("1-2") or "not shown", with an empty code.
* ``value_labels.csv``: item_id, code, label, for every coded item.
* ``datapackage.json``: a Frictionless Tabular Data Package (Data Package v1 and
  Table Schema v1 specifications) describing both files: field types,
  descriptions, enums and primary keys. Unanswered items keep their row (empty
  code), so (item_id, code) is not declared a foreign key: Frictionless treats an
  empty part of a composite key as a broken reference.

Text cells that a spreadsheet would run as a formula get a leading single quote
(:func:`collabdx.io.safe.safe_cell`), and the package says so.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import numpy as np

from collabdx.core.microdata import NOT_SHOWN, Anonymised
from collabdx.core.responses import ResponseSet
from collabdx.io.codebook import disclosure_section
from collabdx.io.exporters import _atomic, _durable
from collabdx.io.safe import safe_cell

LONG_FILE = "responses_long.csv"
LABELS_FILE = "value_labels.csv"
PACKAGE_FILE = "datapackage.json"
LONG_COLUMNS = (
    "respondent_id",
    "instrument_id",
    "instrument_version",
    "item_id",
    "item_text",
    "block",
    "scale",
    "code",
    "keyed_value",
    "reverse_keyed",
    "shown_as",
)
FORMULA_NOTE = (
    "Text cells that start with =, +, -, @, a tab or a carriage return have a leading "
    "single quote added so spreadsheets do not run them as formulas (OWASP CSV "
    "injection guidance); remove one leading quote to get the original text."
)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(safe_cell(str(value)))


def long_rows(responses: ResponseSet, protection: Anonymised | None = None) -> list[list[object]]:
    """The rows of ``responses_long.csv`` (None for an empty cell)."""
    instrument = responses.instrument
    items = instrument.choice_items
    codes = responses.codes[[i.id for i in items]].to_numpy(dtype=float)
    shown: dict[str, list[object]] = {}
    if protection is not None:
        if not protection.shown.index.equals(responses.codes.index):
            raise ValueError("protection was made from other rows than these responses")
        shown = {str(c): protection.shown[c].tolist() for c in protection.shown.columns}
    rows: list[list[object]] = []
    for r, rid in enumerate(responses.codes.index):
        for c, item in enumerate(items):
            value = codes[r, c]
            code = None if np.isnan(value) else int(value)
            shown_as = None
            if item.id in shown:
                as_shown = shown[item.id][r]
                code, shown_as = (as_shown, None) if isinstance(as_shown, int) else (None, as_shown)
            keyed = item.keyed(code) if code is not None and item.role == "scored" else None
            rows.append(
                [
                    str(rid),
                    instrument.id,
                    instrument.version,
                    item.id,
                    item.text,
                    item.block,
                    item.scale,
                    code,
                    keyed,
                    item.reverse if item.role == "scored" else None,
                    shown_as,
                ]
            )
    return rows


def datapackage(responses: ResponseSet, protection: Anonymised | None = None) -> dict[str, Any]:
    """The ``datapackage.json`` descriptor."""
    instrument = responses.instrument
    bands = sorted(
        {b.value for h in instrument.disclosure.hierarchies.values() for lv in h.levels
         for b in lv},
        key=lambda v: tuple(int(x) for x in v.split("-")),
    )  # fmt: skip
    items = instrument.choice_items
    all_codes = sorted({c for i in items for c in i.codes})
    scored = [i for i in items if i.role == "scored"]
    keyed_codes = sorted({c for i in scored for c in i.codes})
    fields = [
        _field("respondent_id", "string", "Respondent id, as given in the imported file."),
        _field(
            "instrument_id",
            "string",
            "Instrument the answers were collected with.",
            enum=[instrument.id],
        ),
        _field(
            "instrument_version", "string", "Version of that instrument.", enum=[instrument.version]
        ),
        _field("item_id", "string", "Item (question) id.", enum=[i.id for i in items]),
        _field("item_text", "string", "Item wording, verbatim from the instrument."),
        _field(
            "block",
            "string",
            "Block (section) of the instrument the item is in.",
            enum=[b.id for b in instrument.blocks],
        ),
        _field(
            "scale",
            "string",
            "Scale the item is scored in; empty for descriptor and context items.",
            enum=list(instrument.scales),
            required=False,
        ),
        _field(
            "code",
            "integer",
            "Answer code as printed on the questionnaire; empty when unanswered. The "
            "label of each code is in the value-labels resource: join on item_id and "
            "code.",
            enum=all_codes,
            required=False,
        ),
        _field(
            "keyed_value",
            "integer",
            f"Scored items only: the code keyed so that higher is more favourable "
            f"({instrument.scoring_rule})",
            enum=keyed_codes,
            required=False,
        ),
        _field(
            "reverse_keyed",
            "boolean",
            "Scored items only: whether keyed_value = max code + 1 − code.",
            required=False,
        ),
        _field(
            "shown_as",
            "string",
            "Empty when the answer is shown by its code. In a file made k-anonymous, a "
            "descriptor answer may instead be shown as a band of neighbouring codes "
            '("1-2": the answer was 1 or 2) or as "Not shown" (withheld to protect '
            "anonymity); its code is then empty. See the package's disclosure section.",
            enum=[*bands, NOT_SHOWN],
            required=False,
        ),
    ]
    for f in fields:
        if f["name"] in ("respondent_id", "item_id"):
            f["constraints"]["required"] = True
    label_fields = [
        _field("item_id", "string", "Item id.", enum=[i.id for i in items]),
        _field("code", "integer", "Answer code.", enum=all_codes),
        _field("label", "string", "Answer label as printed on the questionnaire."),
    ]
    title = f"{instrument.title}, version {instrument.version}: responses in long format"
    extra: dict[str, Any] = {}
    if protection is not None:
        extra["disclosure"] = disclosure_section(protection, instrument)
    return {
        "profile": "tabular-data-package",
        "name": f"collabdx-{instrument.id}-v{instrument.version}-long",
        "title": title,
        "description": (
            f"{title}. One row per respondent and coded item. {instrument.status} "
            f"Source: {instrument.source}. Free-text items are not included. " + FORMULA_NOTE
            + ("" if protection is None else " " + extra["disclosure"]["summary"])
        ),
        "resources": [
            {
                "name": "responses-long",
                "path": LONG_FILE,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\r\n"},
                "schema": {
                    "fields": fields,
                    "missingValues": [""],
                    "primaryKey": ["respondent_id", "item_id"],
                },
            },
            {
                "name": "value-labels",
                "path": LABELS_FILE,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": label_fields,
                    "missingValues": [""],
                    "primaryKey": ["item_id", "code"],
                },
            },
        ],
        **extra,
    }


def _field(
    name: str,
    type_: str,
    description: str,
    *,
    enum: list[Any] | None = None,
    required: bool = True,
) -> dict[str, Any]:
    constraints: dict[str, Any] = {"required": required}
    if enum is not None:
        constraints["enum"] = enum
    field: dict[str, Any] = {"name": name, "type": type_, "description": description}
    if type_ == "boolean":
        field["trueValues"] = ["true"]
        field["falseValues"] = ["false"]
    field["constraints"] = constraints
    return field


def write_long(
    responses: ResponseSet, out_dir: Path, protection: Anonymised | None = None
) -> list[Path]:
    """Write the long CSV, the value labels and ``datapackage.json`` into ``out_dir``.

    With ``protection`` (made from these responses) the descriptors are shown as it
    decided, exactly as in the wide export of the same rows."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / LONG_FILE, out_dir / LABELS_FILE, out_dir / PACKAGE_FILE]
    label_rows = [
        [item.id, option.code, option.label]
        for item in responses.instrument.choice_items
        for option in item.options
    ]
    with _atomic(targets) as (tmp_long, tmp_labels, tmp_pkg):
        _write_csv(tmp_long, list(LONG_COLUMNS), long_rows(responses, protection))
        _write_csv(tmp_labels, ["item_id", "code", "label"], label_rows)
        with tmp_pkg.open("w", encoding="utf-8") as f:
            json.dump(datapackage(responses, protection), f, ensure_ascii=False, indent=2)
            f.write("\n")
            _durable(f)
    return targets


def _write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([_text(v) for v in row])
        _durable(f)
