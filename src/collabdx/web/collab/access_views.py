"""Owner-only pages: who has access to a collaboration, and its security log.

Every view fetches the collaboration with ``Action.OWN``: a co-facilitator or viewer
gets 403 (and the attempt is logged), anyone else 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from collabdx.web.collab import services
from collabdx.web.collab.access import Action, collaboration_for
from collabdx.web.collab.forms import ROLE_HINTS, MemberForm, RoleForm
from collabdx.web.collab.lifecycle import retention_days
from collabdx.web.collab.models import Collaboration, Membership
from collabdx.web.forms import error_list
from collabdx.web.security import presenters


def _member(collab: Collaboration, member_pk: int) -> Membership:
    try:
        return collab.memberships.select_related("user").get(pk=member_pk)
    except Membership.DoesNotExist as exc:
        raise Http404("No such member") from exc


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    """The list of people with access, a role form for each, and "give access"."""
    collab = collaboration_for(request, pk, Action.OWN)
    form = MemberForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user, role = form.cleaned_data["username"], form.cleaned_data["role"]
        try:
            services.add_member(collab, user, role, request=request)
        except services.ServiceError as exc:
            form.add_error("username", str(exc))
        else:
            label = dict(Membership.ROLES)[role].lower()
            messages.success(request, f"{user.get_username()} now has access as a {label}.")
            return redirect("collab:members", collab.pk)
    rows = [
        {"member": m, "form": RoleForm(initial={"role": m.role}, prefix=f"m{m.pk}")}
        for m in collab.memberships.select_related("user")
    ]
    return render(
        request,
        "collab/members.jinja",
        {
            "collab": collab, "rows": rows, "form": form, "form_errors": error_list(form),
            "role_hints": ROLE_HINTS,
        },
    )  # fmt: skip


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk, Action.OWN)
    member = _member(collab, member_pk)
    form = RoleForm(request.POST, prefix=f"m{member.pk}")
    if not form.is_valid():
        messages.error(request, f"Select a role for {member.user.get_username()}.")
    elif services.change_role(member, form.cleaned_data["role"], request=request):
        label = dict(Membership.ROLES)[member.role].lower()
        messages.success(request, f"{member.user.get_username()} is now a {label}.")
    else:
        messages.info(request, f"{member.user.get_username()}'s role is unchanged.")
    return redirect("collab:members", collab.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    collab = collaboration_for(request, pk, Action.OWN)
    member = _member(collab, member_pk)
    name = member.user.get_username()
    services.remove_member(member, request=request)
    messages.success(request, f"{name} no longer has access to {collab.name}.")
    return redirect("collab:members", collab.pk)


@never_cache
@login_required
@require_safe
def security_log(request: HttpRequest, pk: int) -> HttpResponse:
    """The collaboration's security events, newest first, for its owner."""
    collab = collaboration_for(request, pk, Action.OWN)
    page = presenters.page_of(collab.security_events.all(), request.GET.get("page"))
    return render(
        request,
        "collab/security_log.jinja",
        {
            "collab": collab,
            "rows": presenters.event_rows(list(page.object_list)),
            "page": page,
            "pagination": presenters.pagination(
                page, reverse("collab:security_log", args=[collab.pk])
            ),
            "retention_days": retention_days(),
        },
    )
