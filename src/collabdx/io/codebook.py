"""The codebook: what every exported column means, and where it comes from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from collabdx.core.instruments import Instrument

SCALE_PREFIX = "scale_"


def instrument_meta(instrument: Instrument) -> dict[str, Any]:
    return {
        "id": instrument.id,
        "version": instrument.version,
        "title": instrument.title,
        "source": instrument.source,
        "derived": instrument.derived,
        "status": instrument.status,
        "scoring_rule": instrument.scoring_rule,
    }


def _entry(
    name: str,
    label: str,
    type_: str,
    source: str,
    *,
    role: str | None = None,
    codes: Sequence[tuple[int, str]] = (),
    reverse_keyed: bool = False,
    scale: str | None = None,
    items: Sequence[str] = (),
) -> dict[str, Any]:
    # Every entry has the same keys, so the codebook is also a tidy table.
    return {
        "name": name,
        "label": label,
        "type": type_,
        "role": role,
        "codes": [{"code": c, "label": lab} for c, lab in codes],
        "reverse_keyed": reverse_keyed,
        "scale": scale,
        "items": list(items),
        "source": source,
    }


def build_codebook(instrument: Instrument, score_columns: Sequence[str]) -> list[dict[str, Any]]:
    """One entry per exported column, in export order."""
    where = f"collabdx export of {instrument.id} v{instrument.version}"
    entries = [
        _entry(
            "respondent_id", "Respondent id, as given in the imported file", "identifier", where
        ),
        _entry("instrument_id", "Instrument the responses were collected with", "metadata", where),
        _entry("instrument_version", "Version of that instrument", "metadata", where),
    ]
    for item in instrument.items.values():
        entries.append(
            _entry(
                item.id,
                item.text,
                item.type,
                item.source,
                role=item.role,
                codes=[(o.code, o.label) for o in item.options],
                reverse_keyed=item.reverse,
                scale=item.scale,
            )
        )
    for column in score_columns:
        sid = column.removeprefix(SCALE_PREFIX)
        scale = instrument.scales.get(sid)
        if scale is None:
            entries.append(_entry(column, sid, "score", "supplied with the export", role="score"))
            continue
        entries.append(
            _entry(
                column,
                f"{scale.name} score: {instrument.scoring_rule}",
                "score",
                scale.source,
                role="score",
                scale=sid,
                items=scale.items,
            )
        )
    return entries


def codebook_table(entries: list[dict[str, Any]]) -> tuple[list[str], list[list[object]]]:
    """The codebook flattened for a spreadsheet sheet."""
    header = ["name", "label", "type", "role", "codes", "reverse_keyed", "scale", "items", "source"]
    rows: list[list[object]] = []
    for e in entries:
        codes = "; ".join(f"{c['code']} = {c['label']}" for c in e["codes"])
        rows.append(
            [
                e["name"],
                e["label"],
                e["type"],
                e["role"],
                codes or None,
                e["reverse_keyed"],
                e["scale"],
                ", ".join(e["items"]) or None,
                e["source"],
            ]
        )
    return header, rows
