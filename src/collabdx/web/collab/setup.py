"""Setting up a collaboration, and changing its details, one question per page.

The set-up was one form 4,600 pixels tall on a phone (issue 17): thirteen types of
collaboration and five life-cycle stages, each with its definition, then the
partners at the very bottom. It now follows the NHS "question pages" pattern: the
name, the partners, the type, mandated and cross-sector (two short questions kept
together), the stage, then a "check your answers" page that creates it. The answers
so far wait in the facilitator's session (``SESSION_KEY``), so Back, reload and a
page with errors lose nothing, and nothing is written until the last page.

The same question pages change an existing collaboration's details, one at a time,
from the summary on ``edit`` (partners are added on the collaboration's page).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from collabdx.core.theory import load_theory
from collabdx.web.collab import presenters, services
from collabdx.web.collab.access import collaboration_for
from collabdx.web.collab.forms import AboutForm, NameForm, PartnersForm, StageForm, TypeForm
from collabdx.web.collab.models import Collaboration
from collabdx.web.forms import error_list

SESSION_KEY = "collab_setup"


@dataclass(frozen=True)
class Step:
    slug: str
    question: str  # the page's heading and title
    form: type[forms.Form]
    fields: tuple[str, ...]


STEPS = {
    s.slug: s
    for s in (
        Step("name", "What is the collaboration called?", NameForm, ("name",)),
        Step("partners", "Which organisations are its partners?", PartnersForm, ("partners",)),
        Step("type", "What type of collaboration is it?", TypeForm, ("collaboration_type",)),
        Step("about", "Mandate and sectors", AboutForm, ("mandated", "cross_sector")),
        Step("stage", "What stage is the collaboration at?", StageForm, ("life_cycle_stage",)),
    )
}
NEW_STEPS = ("name", "partners", "type", "about", "stage")
EDIT_STEPS = ("name", "type", "about", "stage")


def _hints() -> dict[str, dict[str, str]]:
    theory = load_theory()
    return {
        "type_hints": {t.id: t.definition for t in theory.collaboration_types.values()},
        "stage_hints": {s.id: s.description for s in theory.life_cycle_stages.values()},
    }


def _draft(request: HttpRequest) -> dict[str, Any]:
    draft = request.session.get(SESSION_KEY)
    return dict(draft) if isinstance(draft, dict) else {}


def _first_missing(draft: dict[str, Any]) -> str | None:
    for slug in NEW_STEPS:
        if any(f not in draft for f in STEPS[slug].fields):
            return slug
    return None


def _new_url(slug: str, change: bool = False) -> str:
    url = reverse("collab:new") if slug == "name" else reverse("collab:new_step", args=[slug])
    return url + ("?change=1" if change else "")


def _form(step: Step, request: HttpRequest, initial: dict[str, Any]) -> forms.Form:
    # A POST with nothing in it is still a POST: bound, so its errors show.
    data = request.POST if request.method == "POST" else None
    return step.form(data, initial=initial)


def _page(
    request: HttpRequest, step: Step, form: forms.Form, *, caption: str, back: str, button: str
) -> HttpResponse:
    return render(
        request,
        "collab/setup_step.jinja",
        {
            "step": step.slug,
            "question": step.question,
            "form": form,
            "form_errors": error_list(form),
            "caption": caption,
            "back": back,
            "button_text": button,
            **_hints(),
        },
    )


# ------------------------------------------------------------------ setting up


@login_required
@require_http_methods(["GET", "POST"])
def new(request: HttpRequest, step: str = "name") -> HttpResponse:
    if step not in NEW_STEPS:
        raise Http404("No such question")
    draft = _draft(request)
    missing = _first_missing(draft)
    if missing is not None and NEW_STEPS.index(step) > NEW_STEPS.index(missing):
        return redirect(_new_url(missing))  # the questions are answered in order
    changing = request.GET.get("change") == "1"
    current = STEPS[step]
    initial = {f: "\n".join(draft[f]) if f == "partners" else draft[f]
               for f in current.fields if f in draft}  # fmt: skip
    form = _form(current, request, initial)
    if request.method == "POST" and form.is_valid():
        draft.update({f: form.cleaned_data[f] for f in current.fields})
        request.session[SESSION_KEY] = draft
        following = _first_missing(draft)
        return redirect("collab:new_check" if changing or following is None else
                        _new_url(following))  # fmt: skip
    position = NEW_STEPS.index(step)
    if changing:
        back = reverse("collab:new_check")
    elif position:
        back = _new_url(NEW_STEPS[position - 1])
    else:
        back = reverse("home")
    return _page(
        request, current, form, back=back, button="Continue",
        caption=f"Set up a collaboration: question {position + 1} of {len(NEW_STEPS)}",
    )  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def new_check(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    missing = _first_missing(draft)
    if missing is not None:
        return redirect(_new_url(missing))
    if request.method == "POST":
        collab = services.create_collaboration(
            owner=request.user,
            name=draft["name"],
            collaboration_type=draft["collaboration_type"],
            mandated=draft["mandated"] == "mandated",
            cross_sector=draft["cross_sector"] == "yes",
            life_cycle_stage=draft["life_cycle_stage"],
            partner_names=draft["partners"],
        )
        request.session.pop(SESSION_KEY, None)
        messages.success(request, f"Created {collab.name}. Next, open a survey wave.")
        return redirect("collab:detail", collab.pk)
    return render(
        request,
        "collab/setup_check.jinja",
        {"rows": presenters.details_rows(draft, lambda slug: _new_url(slug, change=True))},
    )


# ------------------------------------------------------------------ changing details


def _values_of(collab: Collaboration) -> dict[str, Any]:
    return {
        "name": collab.name,
        "collaboration_type": collab.collaboration_type,
        "mandated": "mandated" if collab.mandated else "voluntary",
        "cross_sector": "yes" if collab.cross_sector else "no",
        "life_cycle_stage": collab.life_cycle_stage,
    }


@login_required
@require_safe
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk)
    return render(
        request,
        "collab/edit.jinja",
        {
            "collab": collab,
            "rows": presenters.details_rows(
                _values_of(collab), lambda slug: reverse("collab:edit_step", args=[pk, slug])
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def edit_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    collab = collaboration_for(request, pk)
    if step not in EDIT_STEPS:
        raise Http404("No such question")
    current = STEPS[step]
    values = _values_of(collab)
    form = _form(current, request, {f: values[f] for f in current.fields})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changes: dict[str, object] = {}
        for f in current.fields:
            if f == "mandated":
                changes[f] = d[f] == "mandated"
            elif f == "cross_sector":
                changes[f] = d[f] == "yes"
            else:
                changes[f] = d[f].strip() if f == "name" else d[f]
        services.update_collaboration(collab, **changes)
        messages.success(request, "Saved the collaboration's details.")
        return redirect("collab:edit", collab.pk)
    return _page(
        request, current, form, caption=collab.name, button="Save",
        back=reverse("collab:edit", args=[collab.pk]),
    )  # fmt: skip
