"""Render the report model as the standalone workshop pack: one self-contained HTML
document (no external requests) that is also the source of the PDF.

The section partials in ``templates/pack/`` are shared with the web app, whose Jinja
environment loads this package's templates too (``web/jinja2env.py``). Both
environments get the same filters and globals from :func:`register`, and the
partials use nothing else, so a partial renders the same in both.
"""

from __future__ import annotations

from importlib import resources
from typing import Any

from jinja2 import Environment, FileSystemBytecodeCache, PackageLoader, select_autoescape
from markupsafe import Markup

from collabdx.core.disclosure import NOT_SHOWN, rule_text
from collabdx.reports.fmt import num, pct, spell_out_first
from collabdx.reports.model import ReportModel
from collabdx.reports.pack import Pack, pack_view
from collabdx.reports.pack_sections import CORE


def _fmt(x: float | None, places: int = 2) -> str:
    return num(x, places)


def register(env: Environment) -> Environment:
    """The filters and globals every pack template may use, in any environment."""
    env.filters["fmt"] = _fmt
    env.filters["pct"] = pct
    # The rendered block is already escaped markup; the filter only adds constant words.
    env.filters["spell_out_first"] = lambda html: Markup(spell_out_first(str(html)))  # noqa: S704
    env.globals["not_shown"] = NOT_SHOWN
    env.globals["disclosure_rule"] = rule_text
    return env


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("collabdx.reports", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
        # Compiled templates are kept between runs (in a private folder under the
        # temporary directory, keyed by each template's source checksum): compiling the
        # pack's templates was about a fifth of `collabdx report`'s own work (issue 15).
        bytecode_cache=FileSystemBytecodeCache(),
    )
    return register(env)


def _css(name: str) -> str:
    # Read as text, not as a template: CSS braces must not meet Jinja's syntax.
    return (
        resources.files("collabdx.reports")
        .joinpath("templates", "pack", name)
        .read_text(encoding="utf-8")
    )


def pack_css() -> Markup:
    """The standalone document's stylesheet (screen and print), for its <style>."""
    return Markup(_css("pack.css"))  # noqa: S704 - a packaged file, not input


def print_css() -> str:
    """Paged-media rules for WeasyPrint only (page size and numbers, named pages)."""
    return _css("pack-print.css")


def render_pack(pack: Pack, **extra: Any) -> str:
    """The standalone document for an already built pack view."""
    if not pack.withheld and pack.sections[:1] != list(CORE[:1]):
        # The file and the PDF open with the core pages, then lettered annexes.
        pack.sections = list(CORE) + pack.sections
        pack.number_annexes()
    template = environment().get_template("pack/document.jinja")
    return spell_out_first(template.render(pack=pack, css=pack_css(), web=False, **extra))


def render_html(model: ReportModel) -> str:
    return render_pack(pack_view(model))
