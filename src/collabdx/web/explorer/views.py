"""Public pages of the programme theory explorer: no sign-in, GET only, no writes.

Views look entries up and render; the shaping is in ``presenters``. An unknown id
answers 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe
from markupsafe import Markup

from collabdx.core.theory import Theory, load_theory
from collabdx.reports import causal_web
from collabdx.web.explorer import presenters as p


def _theory() -> Theory:
    return load_theory()


def _web_svg(theory: Theory) -> str:
    return causal_web.svg(theory, node_href=p.node_url)


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    theory = _theory()
    query = p.normalise_query(request.GET.get("q", ""))
    results = p.search(theory, query) if query else []
    return render(
        request,
        "explorer/index.jinja",
        {
            "theory": theory,
            "query": query,
            "results": results,
            "result_count": sum(len(g.items) for g in results),
        },
    )


@require_safe
def mechanisms(request: HttpRequest) -> HttpResponse:
    theory = _theory()
    return render(request, "explorer/mechanisms.jinja", {"rows": p.mechanism_rows(theory)})


@require_safe
def cmocs(request: HttpRequest) -> HttpResponse:
    theory = _theory()
    return render(
        request,
        "explorer/cmocs.jinja",
        {
            "boxes": p.cmoc_groups(theory),
            "count": len(theory.cmocs),
        },
    )


@require_safe
def actions(request: HttpRequest) -> HttpResponse:
    theory = _theory()
    return render(
        request,
        "explorer/actions.jinja",
        {
            "groups": p.action_groups(theory),
            "count": len(theory.action_statements),
        },
    )


@require_safe
def collaboration_types(request: HttpRequest) -> HttpResponse:
    types = list(_theory().collaboration_types.values())
    return render(request, "explorer/types.jinja", {"types": types})


@require_safe
def drivers(request: HttpRequest) -> HttpResponse:
    return render(request, "explorer/drivers.jinja", {"drivers": list(_theory().drivers.values())})


@require_safe
def stages(request: HttpRequest) -> HttpResponse:
    stages = list(_theory().life_cycle_stages.values())
    return render(request, "explorer/stages.jinja", {"stages": stages})


@require_safe
def maturity(request: HttpRequest) -> HttpResponse:
    theory = _theory()
    rows = [
        {
            "el": el,
            "mech_url": p.mechanism_url(theory, el.mechanism) if el.mechanism else "",
            "mech": theory.mechanisms.get(el.mechanism) if el.mechanism else None,
        }
        for el in theory.maturity_elements.values()
    ]
    return render(request, "explorer/maturity.jinja", {"theory": theory, "rows": rows})


@require_safe
def performance(request: HttpRequest) -> HttpResponse:
    theory = _theory()
    return render(
        request,
        "explorer/performance.jinja",
        {
            "groups": p.performance_groups(theory),
            "count": len(theory.performance_mechanisms),
        },
    )


@require_safe
def node(request: HttpRequest, node_id: str) -> HttpResponse:
    theory = _theory()
    if node_id not in theory.nodes:
        # A Table 7 mechanism id whose node is named differently ("vision").
        target = p.mechanism_node(theory, node_id) if node_id in theory.mechanisms else None
        if target is None:
            raise Http404("No such factor or mechanism")
        return redirect("explorer:node", target)
    return render(request, "explorer/node.jinja", p.node_detail(theory, node_id))


@require_safe
def cmoc(request: HttpRequest, cmoc_id: str) -> HttpResponse:
    theory = _theory()
    if cmoc_id not in theory.cmocs:
        raise Http404("No such CMOC")
    return render(request, "explorer/cmoc.jinja", p.cmoc_detail(theory, cmoc_id))


@require_safe
def action(request: HttpRequest, action_id: str) -> HttpResponse:
    theory = _theory()
    st = theory.action_statements.get(action_id)
    if st is None:
        raise Http404("No such action statement")
    return render(request, "explorer/action.jinja", p.action_detail(theory, st))


@require_safe
def web(request: HttpRequest) -> HttpResponse:
    theory = _theory()
    return render(
        request,
        "explorer/web.jinja",
        {
            "svg": Markup(_web_svg(theory)),  # noqa: S704 - built by us, every text escaped
            "rows": causal_web.edge_rows(theory),
            "node_count": len({n for e in theory.edges for n in (e.source, e.target)}),
        },
    )


@require_safe
def web_svg(request: HttpRequest) -> HttpResponse:
    """The drawing on its own, to zoom or print; same-origin links still work."""
    response = HttpResponse(_web_svg(_theory()), content_type="image/svg+xml; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="collabdx-causal-web.svg"'
    return response
