"""Issue 12: one disclosure test harness for the whole web app.

For generated waves (2-5 partners, partner sizes from 0 through under k to over k,
random descriptor answers with blanks) the facilitator, the attacker of issue 12,
reads **every surface they can reach**: the list is built from the URL resolver, as
the access matrix is, so a new URL fails ``test_every_url_has_a_harness_decision``
until someone decides whether the harness reads it. Pages are read as text and
tables, the pack as ``pdftotext`` text, every download (CSV, XLSX, JSON, the ZIPs,
SPSS, Stata) as rows; while the wave is open every surface is read again after every
single submission; after it closes, a workshop rating round is run and read while
open and once closed.

An independent attacker (``tests.security.attacker``: it imports nothing of the
code's disclosure decisions) then fails the test if any group under k (a partner, a
descriptor group, or a partner x descriptor class of a row-level file) has a count or
a figure it can recover:

* a number on a line or in a table row labelled with that group;
* a count forced by everything read together (brute force over every count vector
  within the bounds read: exact counts from tables and the pack, bounds from the
  row-level files, the wave's total);
* figures for the groups shown beside the total, leaving the hidden groups together
  under k (their pooled mean is the total's minus the shown ones');
* an equivalence class under k over the organisation and descriptors in any
  row-level file;
* any surface other than the counts pages changing with one submission to an open
  wave, or one rating in an open round; and the counts read after every submission
  pinning a small partner (``pinned_small_counts``).
"""

from __future__ import annotations

import datetime as dt
import random
import re
from collections import Counter
from dataclasses import dataclass

import pytest
from django.test import Client
from django.urls import reverse

from collabdx.core.instruments import load_instrument
from collabdx.core.theory import load_theory
from collabdx.web.collab.models import PartnerLink
from collabdx.web.collab.services import close_wave
from collabdx.web.workshop.models import RatingRound
from tests.security.attacker import (
    NUMBER_TOKEN,
    Document,
    Table,
    feasible_values,
    pinned_small_counts,
    read_documents,
)
from tests.security.conftest import signed_in, varied_answers
from tests.security.test_access_matrix import url_patterns
from tests.security.test_attack_counts_over_time import reading as counts_reading
from tests.security.test_attack_workshop_differencing import press, rate
from tests.web.factories import (
    CollaborationFactory,
    PartnerFactory,
    ResponseFactory,
    UserFactory,
    WaveFactory,
)

K = 5
READINESS = load_instrument("readiness", "1")
ELEMENTS = list(load_theory().maturity_elements)
LEVELS = ("pathological", "bureaucratic", "generative")
DESCRIPTORS = ("Q1", "Q2", "Q4", "Q5")  # the choice quasi-identifiers of readiness v1
ORGANISATION = "Q3"
BLANK = "Not answered"

# ----------------------------------------------------------------- what is read

# Every URL is read by the harness unless listed here with the reason.
NOT_READ = {
    **{f"explorer:{n}": "the theory explorer shows the seed's theory, no respondent data"
       for n in ("index", "mechanisms", "cmocs", "actions", "types", "drivers", "stages",
                 "maturity", "performance", "web", "web_svg", "node", "cmoc", "action")},
    **{n: "POST-only action (GET is 405): it shows nothing; its effect is read on the pages"
       for n in ("logout", "two_factor_start", "two_factor_confirm", "recovery_codes",
                 "two_factor_disable", "session_end", "sessions_end_others",
                 "collab:partner_add", "collab:member_role", "collab:member_remove",
                 "results:adopt", "survey:restart", "survey:new_response", "survey:submit",
                 "survey:forget", "workshop:round_open", "workshop:round_close",
                 "invitations:remind", "collab:wave_upload_cancel")},
    "login": "the sign-in form, before any data",
    "signup": "the account form, before any data",
}  # fmt: skip

# Pages whose counts may move with each submission to an open wave: what they show is
# read as partner counts (tests.security.test_attack_counts_over_time.reading) and
# enumerated over the whole sequence. Every other surface must stay the same.
COUNTS_PAGES = {
    "collab:wave",
    "collab:detail",
    "collab:export_everything",
    "collab:wave_close",
}  # the close page repeats the wave's total
# Pages that may change once, with the wave's first response: whether anyone has
# answered at all (the upload form becomes "already has responses"), which the wave
# page's partner statuses show anyway; never a count. docs/security.md, section 6.
FIRST_RESPONSE_PAGES = {"collab:wave_upload"}
# The facilitator's own security log moves with the harness's own downloads.
OWN_ACTIONS = {"security_log", "collab:security_log"}
# While a rating round is open only how many ratings came in may move, on these.
RATINGS_PAGES = {"workshop:facilitate", "results:report", "results:report_pdf",
                 "collab:export_everything"}  # fmt: skip


def test_every_url_has_a_harness_decision():
    names = set(url_patterns())
    stale = sorted(set(NOT_READ) - names)
    assert not stale, f"NOT_READ names URLs that no longer exist: {stale}"
    # Everything else is read: a new URL is read unless someone decides otherwise here.
    assert names - set(NOT_READ), "the harness reads nothing"


def surface_urls(collab, wave, item) -> dict[str, str]:
    """Every URL the harness reads, one per surface (the export in each format)."""
    theory_free = {"pk": collab.pk, "wave_pk": wave.pk, "item_pk": item.pk, "step": "type",
                   "token": None, "member_pk": None, "session_pk": None, "number": 1,
                   "element_id": "confidence", "action_id": "t10.12",
                   "partner_pk": collab.partners.order_by("pk").first().pk}  # fmt: skip
    out = {}
    for name, pattern in url_patterns().items():
        if name in NOT_READ:
            continue
        params = list(pattern.pattern.converters)
        values = dict(theory_free)
        if name.startswith("survey:"):
            values["token"] = PartnerLink.objects.filter(wave=wave).first().token
        elif name.startswith("workshop:"):
            values["token"] = wave.maturity_token
        unknown = [p for p in params if p not in values or values[p] is None]
        unknown = [p for p in unknown if p != "fmt"]
        assert not unknown, f"{name}: the harness needs a value for {unknown}"
        if "fmt" in params:
            for fmt in ("csv", "xlsx", "json"):
                out[f"{name}.{fmt}"] = reverse(
                    name, kwargs={**{p: values[p] for p in params if p != "fmt"}, "fmt": fmt}
                )
        else:
            out[name] = reverse(name, kwargs={p: values[p] for p in params})
    return out


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


VOLATILE = re.compile(rb'nonce="[^"]*"|value="[A-Za-z0-9_\-]{20,}"|csrfmiddlewaretoken[^>]*'
                      rb"|/m/[A-Za-z0-9_\-]{20,}/|/s/[A-Za-z0-9_\-]{20,}/")  # fmt: skip


def read_everything(client: Client, urls: dict[str, str]) -> dict[str, tuple[int, list[Document]]]:
    out = {}
    for name, url in urls.items():
        r = client.get(url)
        body = body_of(r)
        if r.status_code != 200:
            out[name] = (r.status_code, [])
            continue
        ct = r.get("Content-Type", "")
        fname = re.search(r'filename="?([^";]+)', r.get("Content-Disposition", ""))
        out[name] = (200, read_documents(fname.group(1) if fname else name, ct, body))
    return out


def fingerprint(docs: list[Document]) -> tuple:
    """What a surface shows, without what changes with every request: tokens, and the
    random order and ids of row-level files (read as a multiset of rows and of
    documents)."""

    def clean(s: str) -> str:
        return VOLATILE.sub(b"", s.encode()).decode()

    return tuple(sorted(
        (
            tuple(clean(line) for line in d.lines if not line.startswith("respondent_id ")),
            tuple(tuple(tuple(r) for r in t.rows) for t in d.tables),
            tuple(sorted(tuple(sorted((k, v) for k, v in r.items() if k != "respondent_id"))
                         for r in d.records)),
        )
        for d in docs
        if "/security_log" not in d.name  # the facilitator's own downloads, logged
    ))  # fmt: skip


# ----------------------------------------------------------------- the generated waves


@dataclass
class Wave:
    sizes: list[int]
    answers: list[tuple[int, dict[str, object]]]  # (partner index, answers), arrival order
    ratings: int


def generate(seed: int) -> Wave:
    rng = random.Random(seed)
    p = rng.randint(2, 5)
    sizes = [rng.choice([0, rng.randint(1, K - 1), rng.randint(1, K - 1), rng.randint(K, 9)])
             for _ in range(p)]  # fmt: skip
    return _answers(rng, sizes, ratings=rng.choice([0, rng.randint(1, K - 1), rng.randint(K, 9)]))


def _answers(rng: random.Random, sizes: list[int], ratings: int) -> Wave:
    weights = {
        q: [rng.random() ** 2 + 0.05 for _ in READINESS.items[q].options] for q in DESCRIPTORS
    }
    out = []
    for i, n in enumerate(sizes):
        for _ in range(n):
            a = varied_answers(rng)
            for q, w in weights.items():
                if rng.random() < 0.12:
                    a.pop(q, None)  # left blank
                else:
                    a[q] = rng.choices([o.code for o in READINESS.items[q].options], w)[0]
            out.append((i, a))
    rng.shuffle(out)
    return Wave(sizes, out, ratings)


# Sizes chosen by hand: an empty wave, a wave under k, one small partner beside big
# ones, and every partner just under k (the closed total then says a lot).
CHOSEN = [[0, 0], [2, 1], [9, 1, 7], [4, 4, 4]]


def wave_for(case: str) -> Wave:
    kind, number = case.split()
    if kind == "seed":
        return generate(int(number))
    rng = random.Random(100 + int(number))
    return _answers(rng, CHOSEN[int(number)], ratings=[0, 3, 6, 5][int(number)])


CASES = [*(f"seed {i}" for i in range(2)), *(f"chosen {i}" for i in range(len(CHOSEN)))]


# ----------------------------------------------------------------- the truth


def label_of(q: str, code: object) -> str:
    if code is None:
        return BLANK
    return {o.code: o.label for o in READINESS.items[q].options}[int(code)]


def truth(names: list[str], arrived: list[tuple[int, dict[str, object]]]) -> dict[str, Counter]:
    """Every group's true count: partners (every partner listed, even at 0), each
    descriptor's answers (blank included)."""
    dims: dict[str, Counter] = {"partner": Counter(dict.fromkeys(names, 0))}
    for q in DESCRIPTORS:
        dims[q] = Counter(dict.fromkeys([o.label for o in READINESS.items[q].options] + [BLANK], 0))
    for i, a in arrived:
        dims["partner"][names[i]] += 1
        for q in DESCRIPTORS:
            dims[q][label_of(q, a.get(q))] += 1
    return dims


# ----------------------------------------------------------------- the attacker


def _row_label(text: str) -> str:
    return text.rsplit(": ", 1)[-1].strip()


def dims_of(label: str, dims: dict[str, Counter]) -> list[str]:
    return [d for d, c in dims.items() if label in c]


def small(label: str, dims: dict[str, Counter], among: list[str] | None = None) -> bool:
    """Under k (and not empty) in every dimension the label could belong to."""
    ds = among or dims_of(label, dims)
    return bool(ds) and all(0 < dims[d][label] < K for d in ds)


def table_dimension(rows: list[list[str]], dims: dict[str, Counter]) -> list[str]:
    """The dimensions a table's row labels could all belong to."""
    cands: set[str] | None = None
    for row in rows[1:]:
        if not row:
            continue
        ds = set(dims_of(_row_label(row[0]), dims))
        if ds:
            cands = ds if cands is None else cands & ds
    return sorted(cands or [])


COUNT_HEADERS = {"responses", "respondents", "n", "responses so far", "people", "number"}


def numbers_in(cells: list[str]) -> list[str]:
    return [m for c in cells for m in NUMBER_TOKEN.findall(c)]


def attack(read: dict[str, tuple[int, list[Document]]], dims: dict[str, Counter],
           n_total: int) -> list[str]:  # fmt: skip
    """Everything the attacker recovers about groups under k from one moment's reads."""
    found: list[str] = []
    exact: dict[str, dict[str, set[int]]] = {d: {} for d in dims}
    bounds: dict[str, dict[str, tuple[int, int]]] = {d: {} for d in dims}
    for surface, (_, docs) in read.items():
        for doc in docs:
            where = f"{surface} ({doc.name})"
            # 1. A number in a table row labelled with a small group.
            for t in doc.tables:
                header = [h.strip().lower() for h in (t.rows[0] if t.rows else [])]
                tdims = table_dimension(t.rows, dims)
                count_col = next((i for i, h in enumerate(header) if h in COUNT_HEADERS), None)
                figures = False
                shown_n: dict[str, int] = {}
                hidden_rows = 0
                for row in t.rows[1:]:
                    if not row:
                        continue
                    label = _row_label(row[0])
                    if not dims_of(label, dims) and "not shown" not in row[0].lower():
                        continue
                    rest = row[1:]
                    if any(c.strip().lower() == "not shown" for c in rest) or not rest:
                        hidden_rows += 1
                        continue
                    if dims_of(label, dims) and small(label, dims, tdims) and numbers_in(rest):
                        found.append(f"{where}: row {row!r} shows a number for a group under k")
                    if len(numbers_in(rest)) >= 2:
                        figures = True
                    if count_col is not None and count_col < len(row) and len(tdims) == 1:
                        cell = row[count_col].split()[0] if row[count_col].split() else ""
                        if cell.isdigit() and label in dims[tdims[0]]:
                            exact[tdims[0]].setdefault(label, set()).add(int(cell))
                            shown_n[label] = int(cell)
                # 3. Figures beside the total for the shown groups, the hidden ones
                # together under k: their pooled figures are the total's minus these.
                if figures and hidden_rows and len(tdims) == 1 and shown_n:
                    pooled = n_total - sum(dims[tdims[0]][g] for g in shown_n)
                    if 0 < pooled < K:
                        found.append(
                            f"{where}: groups not shown in {t.caption!r} hold {pooled} "
                            "together, and figures are shown beside them"
                        )
            # 1b. A number right after a small group's name on a line of text.
            for line in doc.lines:
                for label in _labels(dims):
                    if line.startswith(label + " ") and small(label, dims):
                        rest = line[len(label) :].strip()
                        first = rest.split()[0]
                        if NUMBER_TOKEN.fullmatch(first) or re.fullmatch(r"\d+%?", first):
                            found.append(f"{where}: line {line!r} gives a small group a number")
                    if line.startswith(label + " ") and len(dims_of(label, dims)) == 1:
                        rest = line[len(label) :].strip()
                        if rest.isdigit():
                            exact[dims_of(label, dims)[0]].setdefault(label, set()).add(int(rest))
            # 4. Row-level files: every class over organisation and descriptors >= k,
            # and what the rows bound of each group's count.
            if doc.records:
                qis = [q for q in (ORGANISATION, *DESCRIPTORS) if q in doc.records[0]]
                classes = Counter(tuple(r.get(q, "").strip().lower() for q in qis)
                                  for r in doc.records)  # fmt: skip
                for key, n in classes.items():
                    if n < K:
                        found.append(
                            f"{where}: {n} rows alike in {dict(zip(qis, key, strict=True))}"
                        )
                if len(doc.records) == n_total:
                    _row_bounds(doc.records, qis, dims, bounds)
    # 2. Brute force over every count vector within what was read.
    total = (n_total, n_total) if n_total >= K else (0, K - 1)
    for d, counts in dims.items():
        labels = list(counts)
        ranges = []
        for g in labels:
            lo, hi = 0, total[1]
            for v in exact[d].get(g, ()):
                lo, hi = max(lo, v), min(hi, v)
            if g in bounds[d]:
                lo, hi = max(lo, bounds[d][g][0]), min(hi, bounds[d][g][1])
            ranges.append((lo, hi))
        possible = feasible_values(ranges, total)
        for g, options in zip(labels, possible, strict=True):
            assert counts[g] in options, (d, g, counts[g], options, "the attacker misread")
            if 0 < counts[g] < K and len(options) == 1:
                found.append(f"{d} {g!r}: its count {counts[g]} follows from what is shown")
    return found


def _labels(dims: dict[str, Counter]) -> list[str]:
    return sorted({g for c in dims.values() for g in c if g != BLANK}, key=len, reverse=True)


def _row_bounds(records, qis, dims, bounds) -> None:
    """Each group's count lies between the rows showing it and those that could be it."""
    col_dim = {ORGANISATION: "partner", **{q: q for q in DESCRIPTORS}}
    for q in qis:
        d = col_dim[q]
        shown = Counter(r.get(q, "").strip() for r in records)
        covers: Counter = Counter()
        exact_n: Counter = Counter()
        for value, n in shown.items():
            for g in _covered(q, value, dims[d]):
                covers[g] += n
            if (g := _exactly(q, value, dims[d])) is not None:
                exact_n[g] += n
        for g in dims[d]:
            lo, hi = bounds[d].get(g, (0, 10**9))
            bounds[d][g] = (max(lo, exact_n[g]), min(hi, covers[g]))


def _exactly(q: str, value: str, groups: Counter) -> str | None:
    if q == ORGANISATION:
        return value if value in groups else None
    if value == "":
        return BLANK
    if value.isdigit():
        return label_of(q, int(value))
    return value if value in groups else None


def _covered(q: str, value: str, groups: Counter) -> list[str]:
    if (g := _exactly(q, value, groups)) is not None:
        return [g]
    if m := re.match(r"(\d+)-(\d+)\b", value):
        return [label_of(q, c) for c in range(int(m.group(1)), int(m.group(2)) + 1)]
    return list(groups)  # "not shown" (or anything unknown) could be anyone


# ----------------------------------------------------------------- the test


@pytest.mark.django_db
@pytest.mark.parametrize("case", CASES)
def test_no_surface_lets_the_facilitator_recover_a_group_under_k(case):
    spec = wave_for(case)
    names = [f"Partner {chr(65 + i)}" for i in range(len(spec.sizes))]
    owner = UserFactory(username="owner")
    collab = CollaborationFactory(owner=owner, name="North Alliance")
    partners = [PartnerFactory(collaboration=collab, name=n) for n in names]
    wave = WaveFactory(collaboration=collab, name="Wave 1")
    for p in partners:
        PartnerLink.objects.create(wave=wave, partner=p)
    from collabdx.web.collab.models import ActionPlanItem

    item = ActionPlanItem.objects.create(collaboration=collab, action_id="t10.01", adopted_in=wave)
    client = signed_in(owner)
    urls = surface_urls(collab, wave, item)
    found: list[str] = []

    # While open: every surface after every submission.
    before = read_everything(client, urls)
    counts = dict.fromkeys(names, 0)
    history = [dict(counts)]
    readings = [counts_reading(client, collab, wave, len(names), closed=False)]
    arrived: list[tuple[int, dict[str, object]]] = []
    checkpoints = {0, len(spec.answers) // 2, len(spec.answers) - 1}
    for step, (i, answers) in enumerate(spec.answers):
        ResponseFactory(wave=wave, partner=partners[i], answers=answers)
        arrived.append((i, answers))
        counts[names[i]] += 1
        history.append(dict(counts))
        readings.append(counts_reading(client, collab, wave, len(names), closed=False))
        if step not in checkpoints:
            continue
        # Every surface at a few moments (the first, middle and last submissions): a
        # surface that moves between any two readings moves between these too.
        now = read_everything(client, urls)
        for name, (status, docs) in now.items():
            if any(d.records for d in docs):
                found.append(f"{name}: row-level data while the wave is open")
            may_move = COUNTS_PAGES | OWN_ACTIONS | (FIRST_RESPONSE_PAGES if step == 0 else set())
            if name not in may_move and fingerprint(docs) != fingerprint(before[name][1]):
                found.append(f"{name} changed with one submission to an open wave")
            if status != before[name][0]:
                found.append(f"{name} answered {status} after {before[name][0]}")
        before = now
    close_wave(wave)
    readings[-1] = readings[-1].merged(
        counts_reading(client, collab, wave, len(names), closed=True)
    )
    pinned = pinned_small_counts(readings, history, K, max(sum(counts.values()), K))
    found += [f"reading {t}: partner {p} pinned at {n}" for t, p, n in pinned]

    # Closed: every surface, then again after a workshop rating round.
    dims = truth(names, arrived)
    n_total = sum(spec.sizes)
    found += attack(read_everything(client, urls), dims, n_total)
    found += workshop_round(client, urls, wave, spec.ratings, dims, n_total)
    assert not found, f"sizes {spec.sizes}: " + "\n".join(found[:20])


def workshop_round(client, urls, wave, n_ratings, dims, n_total) -> list[str]:
    """A rating round: nothing about levels moves while it is open; once closed, no
    level of any element shows a count under k, or one recoverable by subtraction."""
    found: list[str] = []
    page = reverse("workshop:facilitate", args=[wave.collaboration_id, wave.pk])
    press(client, page, "Open a rating round")
    rng = random.Random(n_ratings)
    levels = [{e: rng.choice(LEVELS) for e in ELEMENTS} for _ in range(n_ratings)]
    # The pack is read once the round has closed (rendering it is slow); while open,
    # the report page shows what the pack shows.
    ratings_urls = {n: urls[n] for n in RATINGS_PAGES if n != "results:report_pdf"}
    before = read_everything(client, ratings_urls)
    for j, chosen in enumerate(levels):
        assert rate(wave, chosen)
        if j not in (0, len(levels) - 1):
            continue
        now = read_everything(client, ratings_urls)
        for name, (_, docs) in now.items():
            a, b = _without_rating_counts(before[name][1]), _without_rating_counts(docs)
            if a != b:
                i = next(j for j in range(min(len(a), len(b))) if a[j] != b[j])
                found.append(f"{name} changed with one rating in an open round: "
                             f"{a[i - 80:i + 80]!r} -> {b[i - 80:i + 80]!r}")  # fmt: skip
        before = now
    press(client, page, "Close the rating round")
    RatingRound.objects.filter(wave=wave).update(closed_on=dt.date.today())
    level_dims = {f"{e}": Counter({lv.capitalize(): 0 for lv in LEVELS}) for e in ELEMENTS}
    for chosen in levels:
        for e, lv in chosen.items():
            level_dims[e][lv.capitalize()] += 1
    read = read_everything(client, {n: urls[n] for n in RATINGS_PAGES})
    for surface, (_, docs) in read.items():
        for doc in docs:
            for line in doc.lines:
                for e, c in level_dims.items():
                    for lv, n in c.items():
                        if 0 < n < K and re.search(rf"\b{lv}\b\W*{n}\b", line) and e in line:
                            found.append(f"{surface}: {line!r}: {e} {lv} has {n} ratings")
    found += attack(read, dims, n_total)
    return found


def _without_rating_counts(docs: list[Document]) -> str:
    """How many ratings have come in may show (it says nothing about levels)."""
    blanked = []
    for d in docs:
        tabs = []
        for t in d.tables:
            head = t.rows[0] if t.rows else []
            cols = {i for i, h in enumerate(head) if h == "ratings_received"}
            rows = [[("#" if i in cols else c) for i, c in enumerate(r)] for r in t.rows]
            tabs.append(Table(t.caption, rows))
        blanked.append(Document(d.name, tabs, d.lines, d.records))
    out = str(fingerprint(blanked))
    out = re.sub(r"(ratings_received )\d+", r"\1#", out)
    out = re.sub(r"(?i)(ratings received:? )\d+", r"\1#", out)
    return re.sub(r"(?i)(ratings (?:received )?so far[^:]*: )\d+", r"\1#", out)


# ----------------------------------------------------------------- an attacker who knows the rule


def _rule_aware_options(shown: dict[str, int], hidden: list[str], total: int) -> dict[str, set]:
    """Every count each hidden group could have, for an attacker who knows the
    published rule (docs/security.md: groups under k hidden, then the smallest others,
    ties by name) and applies it to every candidate: ``protect`` is that published rule
    (Kerckhoffs: the method is public), run on candidates only, never on the data."""
    from itertools import product

    from collabdx.core.disclosure import protect

    rest = total - sum(shown.values())
    options: dict[str, set] = {g: set() for g in hidden}
    for values in product(range(1, rest + 1), repeat=len(hidden)):
        if sum(values) != rest:
            continue
        candidate = {**shown, **dict(zip(hidden, values, strict=True))}
        p = protect(candidate, K, lower_bound=1)
        if not p.withheld and p.suppressed == frozenset(hidden):
            for g, v in zip(hidden, values, strict=True):
                options[g].add(v)
    return options


@pytest.mark.django_db
def test_a_rule_aware_attacker_cannot_pin_a_staff_group_in_the_report():
    """Staff groups Clinical 5, Managerial 5, and 3 who left it blank (13 people). Plain
    ``protect`` hid "Not answered" and, on the tie, Clinical (first by name), and showed
    Managerial 5: knowing the rule, the blanks had to be 3 (had Clinical been the small
    one, the tie would have hidden Managerial, which sorts before "Not answered").
    Now the breakdown is withheld whole (audited), so no table shows a split."""
    owner = UserFactory(username="owner")
    collab = CollaborationFactory(owner=owner, name="North Alliance")
    wave = WaveFactory(collaboration=collab, name="Wave 1")
    partner = PartnerFactory(collaboration=collab, name="Partner A")
    PartnerLink.objects.create(wave=wave, partner=partner)
    rng = random.Random(5)
    for code, n in ((1, 5), (2, 5), (None, 3)):
        for _ in range(n):
            answers = varied_answers(rng, Q2=code)
            if code is None:
                answers.pop("Q2")
            ResponseFactory(wave=wave, partner=partner, answers=answers)
    close_wave(wave)
    client = signed_in(owner)
    truth_n = {"Clinical": 5, "Managerial": 5, BLANK: 3}
    for what in ("results:report", "results:research"):
        html = client.get(reverse(what, args=[collab.pk, wave.pk])).content
        (doc,) = read_documents(what, "text/html", html)
        for t in doc.tables:
            labels = {r[0] for r in t.rows[1:] if r}
            if not labels or not labels <= set(truth_n):
                continue
            shown = {r[0]: int(r[1]) for r in t.rows[1:] if len(r) > 1 and r[1].isdigit()}
            hidden = [r[0] for r in t.rows[1:] if r and r[0] not in shown]
            if not shown or not hidden:
                continue
            for g, seen in _rule_aware_options(shown, hidden, 13).items():
                assert truth_n[g] in seen, "the attacker misread"
                assert not (len(seen) == 1 and truth_n[g] < K), (what, t.caption, g, seen)


def test_the_rule_aware_attacker_pins_the_old_split():
    """Guards the test above: on the split plain ``protect`` showed (Managerial 5 with
    Clinical and the blanks hidden, 13 in all), the attacker finds the blanks' 3."""
    options = _rule_aware_options({"Managerial": 5}, ["Clinical", BLANK], 13)
    assert options[BLANK] == {3} and options["Clinical"] == {5}
