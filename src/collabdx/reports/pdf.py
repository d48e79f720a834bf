"""The workshop pack as a PDF, through WeasyPrint, from the standalone HTML.

Rendering fetches nothing: the HTML carries its CSS inline and every chart as SVG,
and the URL fetcher refuses every URL that is not a ``data:`` URL, so neither a
stray link nor user text that slipped into an attribute can make the server (or
the analyst's machine) reach out to the network or read a local file. The PDF is
tagged for assistive technology.

WeasyPrint is an optional dependency (the ``reports`` extra); importing this
module is cheap, and :class:`PdfUnavailable` says what to install.
"""

from __future__ import annotations

import logging
from typing import Any

from collabdx.reports.html import print_css, render_html
from collabdx.reports.model import ReportModel

log = logging.getLogger(__name__)


class PdfUnavailable(RuntimeError):
    """WeasyPrint (the ``reports`` extra) is not installed."""


def _fetcher_class() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves ``data:`` URLs only; refuses (and logs) anything else."""

        refused: list[str]

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("data",), fail_on_errors=False)
            self.refused = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith("data:"):
                self.refused.append(url)
                log.warning("PDF rendering refused to fetch %s", url[:200])
                raise ValueError(f"collabdx does not fetch {url[:200]!r} while rendering a PDF")
            return super().fetch(url, headers)

    return LocalOnlyFetcher


def local_only_fetcher() -> Any:
    return _fetcher_class()()


def import_weasyprint() -> Any:
    """The weasyprint module, or :class:`PdfUnavailable` saying what to install."""
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise PdfUnavailable(
            "PDF output needs WeasyPrint: install collabdx with the 'reports' extra"
        ) from exc
    return weasyprint


def html_to_pdf(html: str) -> bytes:
    weasyprint = import_weasyprint()
    fetcher = local_only_fetcher()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    paged = weasyprint.CSS(string=print_css(), url_fetcher=fetcher)
    # Tagged, so screen readers get headings, lists, tables with header cells, and
    # each chart as a figure with its text alternative, in reading order. Not
    # declared PDF/UA: nothing here checks conformance (no veraPDF on our machines).
    pdf: bytes = document.write_pdf(stylesheets=[paged], pdf_tags=True)
    return pdf


def render_pdf(model: ReportModel) -> bytes:
    return html_to_pdf(render_html(model))
