"""The codebook: what every exported column means, and where it comes from.

A file made k-anonymous (``core.microdata``) also gets a "disclosure" section saying,
in plain words, what was generalised or hidden in which column, how many cells, and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from collabdx.core.instruments import Instrument
from collabdx.core.microdata import NOT_SHOWN, Anonymised, ItemProtection

SCALE_PREFIX = "scale_"
ID_LABEL = "Respondent id, as given in the imported file"
ID_LABEL_PROTECTED = "Respondent id, made up for this file; rows are in no meaningful order"


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
    codes: Sequence[tuple[int | str, str]] = (),
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


def build_codebook(
    instrument: Instrument, score_columns: Sequence[str], protection: Anonymised | None = None
) -> list[dict[str, Any]]:
    """One entry per exported column, in export order. With ``protection``, each
    protected column's codes also list the bands and "not shown" it may hold."""
    shown_codes = {} if protection is None else _shown_codes(protection)
    where = f"collabdx export of {instrument.id} v{instrument.version}"
    entries = [
        _entry(
            "respondent_id",
            ID_LABEL if protection is None else ID_LABEL_PROTECTED,
            "identifier",
            where,
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
                codes=[(o.code, o.label) for o in item.options] + shown_codes.get(item.id, []),
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


HIDDEN_LABEL = "Withheld to protect anonymity (see the disclosure section)"


def _shown_codes(protection: Anonymised) -> dict[str, list[tuple[int | str, str]]]:
    out: dict[str, list[tuple[int | str, str]]] = {}
    for p in protection.items:
        extra: list[tuple[int | str, str]] = [
            (b.value, f"{b.label} (answers {b.codes[0]} to {b.codes[-1]}, merged to protect "
                      "anonymity)")
            for b in p.bands
        ]  # fmt: skip
        if p.hidden_cells or p.suppressed_cells:
            extra.append((NOT_SHOWN, HIDDEN_LABEL))
        out[p.item_id] = extra
    return out


def disclosure_section(protection: Anonymised, instrument: Instrument) -> dict[str, Any]:
    """What was done to make the file k-anonymous, column by column, in plain words."""
    k = protection.k
    qis = list(protection.quasi_identifiers)
    names = ", ".join(qis[:-1]) + (f" and {qis[-1]}" if len(qis) > 1 else "".join(qis))
    summary = (
        f"To protect anonymity, every combination of {names} in this file is shared by at "
        f"least {k} rows (k-anonymity, k = {k}). Where a value would have singled people "
        "out it is shown as a band of neighbouring answers or as "
        f'"{NOT_SHOWN}". "{NOT_SHOWN}" is a value of its own, never a blank: a blank means '
        "the person left the question unanswered. Answers to every other question and the "
        "scale scores are exactly as given, and no row was left out."
    )
    columns = []
    org = protection.organisation
    if org.item_id is not None:
        if org.withheld:
            done = (
                "The group report shows no breakdown by organisation, so no row shows its "
                f'organisation: every row reads "{NOT_SHOWN}".'
            )
        elif org.hidden_rows:
            kind = "partner" if org.fixed_list else "organisation"
            done = (
                f"{_count(org.hidden_groups, kind)} whose count the group report hides "
                f'{"is" if org.hidden_groups == 1 else "are"} shown as "{NOT_SHOWN}", all '
                f"together ({_count(org.hidden_rows, 'row')}). An organisation is never "
                "hidden in a single row: its figures in the report would give that row away."
            )
        else:
            done = "Every organisation is shown: the group report shows them all."
        columns.append(_column(org.item_id, 0, org.hidden_rows, done))
    n = len(protection.shown)
    for p in protection.items:
        columns.append(_column(p.item_id, p.generalised_cells, p.hidden_cells
                               + p.suppressed_cells, _item_words(p, k, n, instrument)))  # fmt: skip
    return {
        "k_anonymous": True,
        "minimum_group_size": k,
        "quasi_identifiers": qis,
        "source": instrument.disclosure.source,
        "summary": summary,
        "columns": columns,
    }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _column(name: str, generalised: int, hidden: int, done: str) -> dict[str, Any]:
    return {"name": name, "cells_generalised": generalised, "cells_not_shown": hidden,
            "what_was_done": done}  # fmt: skip


def _and(words: Sequence[str]) -> str:
    return " and ".join(words) if len(words) < 3 else ", ".join(words[:-1]) + " and " + words[-1]


def _item_words(p: ItemProtection, k: int, n: int, instrument: Instrument) -> str:
    parts = []
    if p.report_hidden and p.hidden_cells == n:
        return (
            "The group report shows no breakdown by this question, so no row shows the "
            f'answer: every row reads "{NOT_SHOWN}".'
        )
    if p.report_hidden:
        groups = _and([f'"{g}"' for g in p.report_hidden])
        parts.append(
            f'{groups} {"is" if len(p.report_hidden) == 1 else "are"} shown as "{NOT_SHOWN}" '
            f"in every row ({_count(p.hidden_cells, 'row')}), as the group report hides "
            f"{'this group' if len(p.report_hidden) == 1 else 'these groups'}."
        )
    for band in p.bands:
        labels = [instrument.items[p.item_id].label_for(c) for c in band.codes]
        parts.append(
            f'Answers {band.codes[0]} to {band.codes[-1]} ({_and(labels)}) are shown as one '
            f'band, "{band.value}" ({band.label}), in every row.'
        )
    if p.generalised_cells:
        parts.append(f"{_count(p.generalised_cells, 'row')} show a band.")
    if p.suppressed_cells:
        parts.append(
            f'{_count(p.suppressed_cells, "more answer")} '
            f'{"is" if p.suppressed_cells == 1 else "are"} shown as "{NOT_SHOWN}" so that every '
            f"combination of these columns is shared by at least {k} rows, and so that no "
            "group in the report, less its rows shown here, leaves a group smaller than that."
        )
    return " ".join(parts) or "Shown as answered."


def disclosure_table(section: dict[str, Any]) -> tuple[str, list[str], list[list[object]]]:
    """The disclosure section as a spreadsheet sheet: (title, header, rows)."""
    rows: list[list[object]] = [[None, None, None, section["summary"]]]
    for c in section["columns"]:
        rows.append([c["name"], c["cells_generalised"], c["cells_not_shown"], c["what_was_done"]])
    return "disclosure", ["name", "cells_generalised", "cells_not_shown", "what_was_done"], rows
