"""Access-control matrix: every URL × every role, GET and (where the view takes it) POST.

The URL list comes from the resolver, so a new URL with no row here fails
``test_every_url_has_a_matrix_row``: whoever adds a URL must decide who may use it.

Roles, against the owner's collaboration / wave / partner link:

* ``anon``: no session at all;
* ``resp``: a respondent of *another* wave: a session holding a draft for the other
  collaboration's partner link and a maturity rating there;
* ``other``: a facilitator of another collaboration (no role here: 404, never 403);
* ``viewer``: a viewer of this collaboration (reads; 403 on anything else);
* ``cofac``: a co-facilitator of this collaboration (runs it; 403 on owner-only URLs);
* ``owner``: its owner.

The roles' rights are written down in ``collabdx.web.collab.access`` and in
docs/security.md ("Roles"); this matrix is their executable form.

POSTs carry a valid CSRF token (``enforce_csrf_checks``) and an empty body, so
they test who may *reach* the action, not what valid data does (the app tests do
that). Token URLs (``/s/<token>/``, ``/m/<token>/``) are bearer capabilities:
whoever holds the token may answer, so every role gets the same status; a
made-up token is 404 for everyone (``test_made_up_tokens_are_404``).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from collabdx.core.theory import load_theory
from collabdx.web.collab.models import Membership
from tests.security.conftest import READINESS, World, build_world, csrf_token, full_answers

ROLES = ("anon", "resp", "other", "viewer", "cofac", "owner")

# Expected status per role, in ROLES order.
ALL_200 = (200, 200, 200, 200, 200, 200)
ALL_302 = (302, 302, 302, 302, 302, 302)
ALL_405 = (405, 405, 405, 405, 405, 405)
READ = (302, 302, 404, 200, 200, 200)  # every role in the collaboration may read it
RUN = (302, 302, 404, 403, 200, 200)  # a page for those who run it (not viewers)
RUN_REDIRECT = (302, 302, 404, 403, 302, 302)  # an action that redirects when done
RUN_400 = (302, 302, 404, 403, 400, 400)
RUN_409 = (302, 302, 404, 403, 409, 409)  # refused: nothing to do in this state
DOWNLOAD = (302, 302, 404, 403, 200, 200)  # respondent-level data: not for viewers
OWNER = (302, 302, 404, 403, 403, 200)  # owner only
OWNER_REDIRECT = (302, 302, 404, 403, 403, 302)
SIGNED_IN = (302, 302, 200, 200, 200, 200)  # any facilitator, about their own account
SIGNED_IN_302 = (302, 302, 302, 302, 302, 302)
POST_ONLY = (302, 302, 405, 405, 405, 405)  # GET on a signed-in POST-only view

MATRIX: dict[str, dict[str, tuple[int, ...]]] = {
    "home": {"GET": ALL_200},
    "about": {"GET": ALL_200},
    "privacy": {"GET": ALL_200},
    "accessibility": {"GET": ALL_200},
    "login": {"GET": ALL_200, "POST": ALL_200},
    "logout": {"GET": ALL_405, "POST": ALL_302},
    "signup": {"GET": ALL_200, "POST": ALL_200},
    "account": {"GET": SIGNED_IN},
    "password_change": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "two_factor": {"GET": SIGNED_IN},
    "two_factor_start": {"GET": POST_ONLY, "POST": SIGNED_IN_302},
    "two_factor_confirm": {"GET": POST_ONLY, "POST": SIGNED_IN},
    "recovery_codes": {"GET": POST_ONLY, "POST": SIGNED_IN_302},
    "two_factor_disable": {"GET": POST_ONLY, "POST": SIGNED_IN_302},
    "verify": {"GET": SIGNED_IN_302, "POST": SIGNED_IN_302},
    "confirm_password": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "security_log": {"GET": SIGNED_IN},
    "session_end": {"GET": POST_ONLY, "POST": SIGNED_IN_302},
    "sessions_end_others": {"GET": POST_ONLY, "POST": SIGNED_IN_302},
    "collab:new": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    # Later question pages and the check page send a fresh set-up back to the first.
    "collab:new_step": {"GET": SIGNED_IN_302, "POST": SIGNED_IN_302},
    "collab:new_check": {"GET": SIGNED_IN_302, "POST": SIGNED_IN_302},
    "collab:detail": {"GET": READ},
    "collab:edit": {"GET": RUN},
    "collab:edit_step": {"GET": RUN, "POST": RUN},
    "collab:delete": {"GET": OWNER, "POST": OWNER_REDIRECT},
    "collab:export_everything": {"GET": OWNER},
    "collab:partner_add": {"GET": POST_ONLY, "POST": RUN_REDIRECT},
    "collab:members": {"GET": OWNER, "POST": OWNER},
    "collab:member_role": {"GET": POST_ONLY, "POST": OWNER_REDIRECT},
    "collab:member_remove": {"GET": POST_ONLY, "POST": OWNER_REDIRECT},
    "collab:security_log": {"GET": OWNER},
    "collab:event_new": {"GET": RUN, "POST": RUN},
    "collab:wave_new": {"GET": RUN, "POST": RUN},
    "collab:wave": {"GET": READ},
    "collab:wave_close": {"GET": RUN, "POST": RUN_REDIRECT},
    # Answers collected elsewhere: owner only (a whole wave's answers at once). The
    # world's wave has online responses, so the owner gets the page that refuses.
    "collab:wave_upload": {"GET": OWNER, "POST": OWNER},
    # With nothing uploaded, confirm sends the owner back to the upload page.
    "collab:wave_upload_confirm": {"GET": OWNER_REDIRECT, "POST": OWNER_REDIRECT},
    "collab:wave_upload_cancel": {"GET": POST_ONLY, "POST": OWNER_REDIRECT},
    # Invitations: addresses and codes are keys to answer with, like the partner links.
    "invitations:manage": {"GET": RUN},
    "invitations:invite": {"GET": RUN, "POST": RUN},  # an empty POST: the form's errors
    "invitations:remind": {"GET": POST_ONLY, "POST": RUN_REDIRECT},
    "invitations:codes": {"GET": RUN, "POST": RUN},
    "invitations:sheet": {"GET": RUN},
    "results:report": {"GET": READ},
    "results:adopt": {"GET": POST_ONLY, "POST": RUN_REDIRECT},
    "results:report_pdf": {"GET": READ},
    "results:report_pdf_status": {"GET": READ},
    "results:export": {"GET": DOWNLOAD},
    "results:export_status": {"GET": DOWNLOAD},
    "results:research": {"GET": READ},
    "results:research_json": {"GET": READ},
    "results:research_long": {"GET": DOWNLOAD},
    "results:research_sav": {"GET": DOWNLOAD},
    "results:research_dta": {"GET": DOWNLOAD},
    "results:research_lavaan": {"GET": READ},
    "results:research_mplus": {"GET": READ},
    "results:trends": {"GET": READ},
    "results:plan": {"GET": READ},
    "results:plan_item": {"GET": RUN, "POST": RUN},
    "survey:start": {"GET": ALL_200},
    "survey:restart": {"GET": ALL_405, "POST": ALL_302},
    "survey:new_response": {"GET": ALL_405, "POST": ALL_302},
    # An empty POST is a page with errors: Post/Redirect/Get back to the page.
    "survey:page": {"GET": ALL_200, "POST": ALL_302},
    "survey:check": {"GET": ALL_302},
    "survey:submit": {"GET": ALL_405, "POST": ALL_302},
    "survey:thanks": {"GET": ALL_200},
    "survey:forget": {"GET": ALL_405, "POST": ALL_302},
    "workshop:rate": {"GET": ALL_200, "POST": ALL_200},
    "workshop:thanks": {"GET": ALL_302},
    "workshop:facilitate": {"GET": RUN, "POST": RUN_400},
    "workshop:round_open": {"GET": POST_ONLY, "POST": RUN_REDIRECT},
    "workshop:round_close": {"GET": POST_ONLY, "POST": RUN_REDIRECT},
    "workshop:actions": {"GET": RUN},
    # The world agrees no level, so the statement is not offered: the page says so,
    # and a POST is refused with 409 (tests/web/test_workshop_actions.py adopts).
    "workshop:adopt": {"GET": RUN, "POST": RUN_409},
    **{
        f"explorer:{name}": {"GET": ALL_200}
        for name in (
            "index", "mechanisms", "cmocs", "actions", "types", "drivers", "stages",
            "maturity", "performance", "web", "web_svg", "node", "cmoc", "action",
        )
    },
}


# Public URLs whose 302 for an anonymous visitor is not "please sign in".
PUBLIC_REDIRECTS = {
    "logout", "survey:restart", "survey:new_response", "survey:page", "survey:check",
    "survey:submit", "survey:forget", "workshop:thanks",
}  # fmt: skip


def url_patterns() -> dict[str, URLPattern]:
    """Every named URL in the project, as "namespace:name" -> pattern."""
    found: dict[str, URLPattern] = {}

    def walk(resolver: URLResolver, namespace: str) -> None:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                walk(p, f"{p.namespace}:" if p.namespace else namespace)
            elif p.name:
                found[namespace + p.name] = p

    walk(get_resolver(), "")
    return found


def test_every_row_states_a_status_for_every_role():
    for name, rows in MATRIX.items():
        for method, expected in rows.items():
            assert len(expected) == len(ROLES), (name, method)


def test_every_url_has_a_matrix_row():
    names = set(url_patterns())
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    assert not missing, f"URLs with no access-matrix row (add one to MATRIX): {missing}"
    assert not stale, f"matrix rows for URLs that no longer exist: {stale}"


# GET-only rows whose views do not restrict the method: POST just shows the page.
READ_ONLY_ACCEPTS_POST: set[str] = set()


def test_views_without_a_post_row_refuse_post(world):
    """A view with no POST row must answer POST with 405 (or, if listed as read-only,
    change nothing), so no POST handler can hide without a matrix row."""
    from tests.security.test_lifecycle import db_state

    owner = Client(enforce_csrf_checks=True)
    owner.force_login(world.owner)
    token = csrf_token(owner)
    for name, rows in MATRIX.items():
        if "POST" in rows:
            continue
        before = db_state()
        r = owner.post(url_for(name, world), {"csrfmiddlewaretoken": token})
        if name in READ_ONLY_ACCEPTS_POST:
            assert db_state() == before, name
        else:
            assert r.status_code == 405, (name, r.status_code)


def url_for(name: str, w: World, token: str | None = None) -> str:
    theory = load_theory()
    values = {
        "pk": w.collab.pk,
        "wave_pk": w.wave.pk,
        "item_pk": w.item.pk,
        "partner_pk": w.link.partner_id,
        "fmt": "csv",
        "number": 1,
        "node_id": next(iter(theory.nodes)),
        "cmoc_id": next(iter(theory.cmocs)),
        "action_id": next(iter(theory.action_statements)),
        "element_id": next(iter(theory.maturity_elements)),
        "step": "type",
        "member_pk": Membership.objects.get(collaboration=w.collab, user=w.viewer).pk,
        # A session of the owner's on another computer (only the owner may end it).
        "session_pk": w.owner_elsewhere.pk,
    }
    if name.startswith("survey:"):
        values["token"] = token or w.link.token
    elif name.startswith("workshop:"):
        values["token"] = token or w.wave.maturity_token
    pattern = url_patterns()[name]
    params = list(pattern.pattern.converters)
    unknown = [p for p in params if p not in values]
    assert not unknown, f"{name}: give the matrix a value for {unknown}"
    return reverse(name, kwargs={p: values[p] for p in params})


def client_for(role: str, w: World) -> Client:
    c = Client(enforce_csrf_checks=True)
    if role in ("other", "viewer", "cofac", "owner"):
        users = {"other": w.other, "viewer": w.viewer, "cofac": w.cofac, "owner": w.owner}
        c.force_login(users[role])
    elif role == "resp":
        token = csrf_token(c)
        first = READINESS.blocks[0]
        data = {i: full_answers()[i] for i in first.items}
        r = c.post(f"/s/{w.other_link.token}/page/1/", {**data, "csrfmiddlewaretoken": token})
        assert r.status_code == 302, "the respondent of another wave has a draft"
    return c


CASES = [
    (name, method, role, expected[i])
    for name, rows in MATRIX.items()
    for method, expected in rows.items()
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("name", "method", "role", "expected"), CASES)
def test_access(db, name, method, role, expected):
    # Results pages are checked on a closed wave, so "200" means figures were shown.
    w = build_world(released=name.startswith("results:"))
    c = client_for(role, w)
    url = url_for(name, w)
    r = c.get(url) if method == "GET" else c.post(url, {"csrfmiddlewaretoken": csrf_token(c)})
    assert r.status_code == expected, f"{method} {url} as {role}: {r.status_code}"
    if expected == 302 and role in ("anon", "resp") and name not in PUBLIC_REDIRECTS:
        # Everything else that sends an anonymous visitor away sends them to sign in.
        assert r["Location"].startswith("/sign-in/?next="), r["Location"]


TOKEN_URLS = [
    n for n in MATRIX
    if n.startswith(("survey:", "workshop:"))
    and n not in ("workshop:facilitate", "workshop:round_open", "workshop:round_close",
                  "workshop:actions", "workshop:adopt")
]  # fmt: skip


@pytest.mark.parametrize("name", TOKEN_URLS)
def test_made_up_tokens_are_404(db, name):
    w = build_world(n_responses=0)
    fake = "x" * 43
    for role in ("anon", "owner"):
        c = client_for(role, w)
        url = url_for(name, w, token=fake)
        method = next(iter(MATRIX[name]))  # GET, or POST for POST-only
        method = "POST" if MATRIX[name]["GET"] == ALL_405 else method
        r = c.post(url, {"csrfmiddlewaretoken": csrf_token(c)}) if method == "POST" else c.get(url)
        assert r.status_code == 404, (name, role, r.status_code)


def test_post_without_csrf_token_is_refused_everywhere(db):
    """Every POST row, as the owner, without the token: 403 and nothing changes."""
    w = build_world()
    owner = client_for("owner", w)
    for name, rows in MATRIX.items():
        if "POST" not in rows:
            continue
        r = owner.post(url_for(name, w), {})
        assert r.status_code == 403, (name, r.status_code)


def test_matrix_size():
    # Reported in docs/security.md; keep the two in step.
    assert len(CASES) >= len(ROLES) * len(MATRIX)
