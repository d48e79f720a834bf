"""The attacker's tools: read pages as a person would, and enumerate by brute force
every history of partner counts that fits what was read.

The attacker is the facilitator of issue 12: they read every page at any time and
know how the app works in general (counts never go down; a wave starts empty), but
nothing of the code's disclosure decisions. So nothing here imports them: the
readings are parsed from the visible text, and the enumeration walks every count
vector on a grid. Kept separate from any one test so that the whole-app disclosure
harness can reuse it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

import numpy as np

# ----------------------------------------------------------------- reading pages


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "div", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "br", "dd"):
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in ("td", "th"):
            self.parts.append("\t")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The page's text as a reader sees it: one line per block, spaces collapsed."""
    p = _Text()
    p.feed(html)
    lines = ("".join(p.parts)).split("\n")
    return "\n".join(" ".join(line.split()) for line in lines if line.strip())


@dataclass
class Table:
    caption: str = ""
    rows: list[list[str]] = field(default_factory=list)  # header row included


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: list[Table] = []
        self._stack: list[Table] = []
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None
        # A responsive table repeats its column heading inside each cell for phones
        # (aria-hidden); the reader already has it from the header row.
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._hidden or (self._cell is not None and ("aria-hidden", "true") in attrs):
            self._hidden += 1
        elif tag == "table":
            self._stack.append(Table())
        elif tag == "caption" and self._stack:
            self._caption = []
        elif tag == "tr" and self._stack:
            self._stack[-1].rows.append([])
        elif tag in ("td", "th") and self._stack:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if self._hidden:
            self._hidden -= 1
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())
        elif tag == "caption" and self._caption is not None and self._stack:
            self._stack[-1].caption = " ".join("".join(self._caption).split())
            self._caption = None
        elif tag in ("td", "th") and self._cell is not None and self._stack:
            if self._stack[-1].rows:
                self._stack[-1].rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._hidden:
            return
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None:
            self._caption.append(data)


def tables(html: str) -> list[Table]:
    p = _Tables()
    p.feed(html)
    return p.tables


# ----------------------------------------------------------------- the enumeration

INF = 10**9  # "no upper bound" in a reading; the grid's own size caps it


@dataclass(frozen=True)
class Reading:
    """What one look at the pages told about the partners' counts at that moment.

    ``partners``: inclusive bounds per partner; ``total``: bounds on the sum;
    ``enough``: how many partners have at least k, when a page says so.
    """

    partners: dict[str, tuple[int, int]]
    total: tuple[int, int] | None = None
    enough: int | None = None

    def merged(self, other: Reading) -> Reading:
        """Two pages read at the same moment: both are true, so intersect them."""
        parts = dict(self.partners)
        for name, (lo, hi) in other.partners.items():
            a, b = parts.get(name, (0, INF))
            parts[name] = (max(a, lo), min(b, hi))
        total = self.total
        if other.total is not None:
            total = other.total if total is None else (
                max(total[0], other.total[0]), min(total[1], other.total[1])
            )
        enough = self.enough if other.enough is None else other.enough
        assert self.enough is None or other.enough is None or self.enough == other.enough
        return Reading(parts, total, enough)


def consistent_counts(
    readings: Sequence[Reading], names: Sequence[str], k: int, n_max: int
) -> list[dict[str, set[int]]]:
    """For every reading, every count each partner could have had then, over all
    histories that fit every reading: counts never decrease between readings.

    Brute force on the grid of count vectors 0..n_max per partner: a forward pass
    keeps the vectors reachable by a fitting history so far, a backward pass those
    from which a fitting history can go on to the last reading; a vector is
    possible at a reading exactly when both hold.
    """
    p = len(names)
    axes = np.indices((n_max + 1,) * p, dtype=np.int16) if p else np.zeros((0,))
    total = axes.sum(axis=0)
    enough = (axes >= k).sum(axis=0)

    def allowed(r: Reading) -> np.ndarray:
        mask = np.ones((n_max + 1,) * p, dtype=bool)
        for i, name in enumerate(names):
            lo, hi = r.partners.get(name, (0, INF))
            mask &= (axes[i] >= lo) & (axes[i] <= hi)
        if r.total is not None:
            mask &= (total >= r.total[0]) & (total <= r.total[1])
        if r.enough is not None:
            mask &= enough == r.enough
        return mask

    def up(mask: np.ndarray) -> np.ndarray:  # some earlier vector is <= this one
        for axis in range(p):
            mask = np.logical_or.accumulate(mask, axis=axis)
        return mask

    def down(mask: np.ndarray) -> np.ndarray:  # some later vector is >= this one
        for axis in range(p):
            mask = np.flip(np.logical_or.accumulate(np.flip(mask, axis), axis=axis), axis)
        return mask

    masks = [allowed(r) for r in readings]
    forward = [masks[0]]
    for m in masks[1:]:
        forward.append(up(forward[-1]) & m)
    backward = [masks[-1]]
    for m in reversed(masks[:-1]):
        backward.insert(0, down(backward[0]) & m)
    out = []
    for f, b in zip(forward, backward, strict=True):
        both = f & b
        per_partner = {}
        for i, name in enumerate(names):
            others = tuple(j for j in range(p) if j != i)
            per_partner[name] = {int(v) for v in np.flatnonzero(both.any(axis=others))}
        out.append(per_partner)
    return out


def pinned_small_counts(
    readings: Sequence[Reading], truth: Sequence[dict[str, int]], k: int, n_max: int
) -> list[tuple[int, str, int]]:
    """(reading, partner, count) for every partner with 1..k-1 responses whose count
    the readings fix exactly. Also checks the readings are true of ``truth`` (a
    reader that misreads a page would otherwise prove nothing)."""
    names = list(truth[0])
    possible = consistent_counts(readings, names, k, n_max)
    pinned = []
    for t, (options, actual) in enumerate(zip(possible, truth, strict=True)):
        for name in names:
            assert actual[name] in options[name], (t, name, actual, options[name], readings[t])
            if 0 < actual[name] < k and len(options[name]) == 1:
                pinned.append((t, name, actual[name]))
    return pinned


NUMBER = re.compile(r"^\d+$")


# ----------------------------------------------------------------- reading counts


def count_bounds(text: str, k: int) -> tuple[int, int]:
    """What the wording of one partner's count tells: the attacker's reading of it.

    Fails on wording it does not know, so a new wording cannot slip past unread.
    """
    t = " ".join(text.lower().split()).rstrip(".")
    if NUMBER.match(t):
        return int(t), int(t)
    if "fewer than" in t:
        return 0, k - 1
    if "to protect" in t:  # the old "hidden to protect a smaller group": at least k
        return k, INF
    if "not yet" in t:
        return 0, k - 1
    if "enough" in t:
        return k, INF
    if t.startswith("not shown"):
        return 0, INF
    raise AssertionError(f"the attacker cannot read the count {text!r}")


def total_reading(text: str, k: int, n_partners: int, *, closed: bool) -> Reading:
    """What a wave's overall response line tells (no partner in it)."""
    t = " ".join(text.lower().split()).rstrip(".")
    if NUMBER.match(t):
        return Reading({}, (int(t), int(t)))
    if m := re.match(r"^(\d+) of (\d+) partners", t):
        assert int(m.group(2)) == n_partners, text
        return Reading({}, None, int(m.group(1)))
    if "fewer than" in t:
        return Reading({}, (0, k - 1))
    if t.startswith("not shown"):
        # Once a wave has closed its total is shown whenever it reaches k.
        return Reading({}, (0, k - 1) if closed else None)
    raise AssertionError(f"the attacker cannot read the total {text!r}")


# ----------------------------------------------------------------- reading any surface
# (the whole-app disclosure harness, tests/security/test_disclosure_harness.py)


@dataclass
class Document:
    """What one surface (page, file, archive member) shows, as the attacker reads it:
    tables (header row first), text lines, and row-level records (one per person)."""

    name: str
    tables: list[Table] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)
    records: list[dict[str, str]] = field(default_factory=list)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value != value:  # NaN: a blank in a statistics file
            return ""
        if value.is_integer():
            return str(int(value))
    return " ".join(str(value).split())


def _records_document(name: str, header: list[str], rows: list[list[object]]) -> Document:
    header = [_cell(h) for h in header]
    texts = [[_cell(v) for v in r] for r in rows]
    doc = Document(name, [Table(name, [header, *texts])])
    if "respondent_id" in header:
        recs = [dict(zip(header, r, strict=False)) for r in texts]
        if "item_id" in header:  # the long format: one row per person and question
            wide: dict[str, dict[str, str]] = {}
            for r in recs:
                shown = r.get("code") or r.get("shown_as") or ""
                wide.setdefault(r["respondent_id"], {"respondent_id": r["respondent_id"]})[
                    r["item_id"]
                ] = shown
            recs = list(wide.values())
        doc.records = recs
        doc.tables = []  # read as rows of people, not as an aggregate table
    return doc


def _json_documents(name: str, value: object, out: list[Document]) -> None:
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        keys = list(dict.fromkeys(k for v in value for k in v))
        flat = [[v.get(k) if not isinstance(v.get(k), dict | list) else None for k in keys]
                for v in value]  # fmt: skip
        out.append(_records_document(name, keys, flat))
    if isinstance(value, dict):
        for k, v in value.items():
            _json_documents(f"{name}/{k}", v, out)
        scalars = [f"{k} {_cell(v)}" for k, v in value.items() if not isinstance(v, dict | list)]
        if scalars:
            out.append(Document(name, lines=scalars))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _json_documents(f"{name}[{i}]", v, out)


def read_documents(name: str, content_type: str, body: bytes) -> list[Document]:
    """Every document in one response body, by its type (archives recursively)."""
    import csv
    import io
    import json
    import subprocess
    import tempfile
    import zipfile
    from pathlib import Path

    ct = content_type.split(";")[0].strip().lower()
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    if ct == "text/html" or suffix == "html":
        html = body.decode("utf-8", errors="replace")
        return [Document(name, tables(html), visible_text(html).split("\n"))]
    if ct == "application/pdf" or suffix == "pdf":
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(body)
            f.flush()
            text = subprocess.run(["pdftotext", "-layout", f.name, "-"], check=True,
                                  capture_output=True, text=True).stdout  # fmt: skip
        return [Document(name, lines=[" ".join(line.split()) for line in text.splitlines()])]
    if ct == "application/zip" or suffix == "zip":
        out: list[Document] = []
        with zipfile.ZipFile(io.BytesIO(body)) as zf:
            for member in zf.namelist():
                if not member.endswith("/"):
                    out += read_documents(f"{name}!{member}", "", zf.read(member))
        return out
    if "spreadsheet" in ct or suffix == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(body), read_only=True)
        out = []
        for ws in wb.worksheets:
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            if rows:
                out.append(_records_document(f"{name}!{ws.title}", list(rows[0]), rows[1:]))
        return out
    if suffix in ("sav", "dta") or "spss" in ct or "stata" in ct:
        import pyreadstat

        kind = "sav" if (suffix == "sav" or "spss" in ct) else "dta"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f"file.{kind}"
            path.write_bytes(body)
            reader = pyreadstat.read_sav if kind == "sav" else pyreadstat.read_dta
            frame, _ = reader(str(path), apply_value_formats=True)
        return [_records_document(name, list(frame.columns), frame.values.tolist())]
    text = body.decode("utf-8-sig", errors="replace")
    if ct == "text/csv" or suffix == "csv":
        rows = list(csv.reader(io.StringIO(text, newline="")))
        if not rows:
            return []
        return [_records_document(name, list(rows[0]), list(rows[1:]))]
    if ct == "application/json" or suffix == "json":
        out = []
        _json_documents(name, json.loads(text), out)
        return out
    return [Document(name, lines=[" ".join(line.split()) for line in text.splitlines()])]


# ----------------------------------------------------------------- what the documents tell

NOT_SHOWN_TEXT = ("not shown",)
NUMBER_TOKEN = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?![\w])")


def feasible_values(
    ranges: Sequence[tuple[int, int]], total: tuple[int, int]
) -> list[set[int]]:
    """Brute force: every value each group can take when group i lies in ranges[i] and
    the groups add up to a total within ``total``. Exact, by the sums reachable by the
    groups before and after each one."""
    n = len(ranges)
    before: list[set[int]] = [{0}]
    for lo, hi in ranges:
        before.append({s + v for s in before[-1] for v in range(lo, hi + 1) if s + v <= total[1]})
    after: list[set[int]] = [{0}]
    for lo, hi in reversed(ranges):
        after.insert(0, {s + v for s in after[0] for v in range(lo, hi + 1) if s + v <= total[1]})
    out = []
    for i, (lo, hi) in enumerate(ranges):
        others = {a + b for a in before[i] for b in after[i + 1]}
        out.append({v for v in range(lo, hi + 1)
                    if any(total[0] <= v + o <= total[1] for o in others)})  # fmt: skip
    assert len(out) == n
    return out
