"""CPU seconds of the workshop pack's PDF, stage by stage (WeasyPrint).

    .venv/bin/python -m benchmarks.profile_pdf            # the pilot's 37-page pack
    .venv/bin/python -m benchmarks.profile_pdf --core     # only the core pages
    .venv/bin/python -m benchmarks.profile_pdf --uncompressed

Renders the pack of tests/fixtures/reports/pilot21.csv as ``collabdx report --pdf``
does (``html_to_pdf``'s stylesheet, tags and fetcher) and prints the CPU time
(``time.process_time``) of each stage: parsing the HTML, the CSS cascade, layout (of
which the causal web key's balanced columns), drawing (of which SVG text), and
writing (of which pydyf's serialising and zlib). The stages are timed by wrapping
WeasyPrint's own functions, so a WeasyPrint upgrade may need the names here updated.
``--core`` cuts the HTML before the annexes (their contents page and every annex):
what a core-only PDF would cost, for information; its cross-references to annexes
have no page to point to. Run it a few times, alternating variants, and note the
load average (printed): one run on a shared machine says little.
docs/benchmarks.md keeps the notes.
"""

from __future__ import annotations

import argparse
import gc
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

FIXTURE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "reports" / "pilot21.csv"
ANNEXES = '<section class="cdx-pack-section cdx-pack-annex-start"'


def pack_html(core_only: bool) -> str:
    """The HTML `collabdx report FIXTURE --pdf` renders (no context options given)."""
    from collabdx.cli.pack_options import context_from_options
    from collabdx.core.instruments import load_instrument
    from collabdx.io.importers import read_responses
    from collabdx.reports.html import render_html
    from collabdx.reports.model import build_report

    responses = read_responses(FIXTURE, load_instrument("readiness", "1")).responses
    context = context_from_options(None, None, None, None, None)
    html = render_html(build_report(responses, context=context, with_research=True))
    if core_only:
        start, end = html.index(ANNEXES), html.rindex("</section>") + len("</section>")
        html = html[:start] + html[end:]
    return html


class Stages:
    """CPU seconds spent inside wrapped functions (outermost call only)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._active: set[str] = set()

    def wrap(self, owner: Any, name: str, stage: str) -> Callable[..., Any]:
        original = getattr(owner, name)

        def timed(*args: Any, **kwargs: Any) -> Any:
            if stage in self._active:
                return original(*args, **kwargs)
            self._active.add(stage)
            start = time.process_time()
            try:
                return original(*args, **kwargs)
            finally:
                self._active.discard(stage)
                self.seconds[stage] = self.seconds.get(stage, 0.0) + time.process_time() - start

        setattr(owner, name, timed)
        return timed


def instrument(stages: Stages) -> None:
    import pydyf
    import weasyprint.document
    import weasyprint.layout.block
    import weasyprint.pdf
    import weasyprint.svg

    stages.wrap(weasyprint.document, "get_all_computed_styles", "cascade")
    stages.wrap(weasyprint.layout.block, "columns_layout", "of which key columns")
    stages.wrap(weasyprint.document.Page, "paint", "draw")
    # svg compares its tag table's entries with its own ``text``: wrap both alike.
    original_text = weasyprint.svg.text
    timed_text = stages.wrap(weasyprint.svg, "text", "of which SVG text")
    for tag, draw in list(weasyprint.svg.TAGS.items()):
        if draw is original_text:
            weasyprint.svg.TAGS[tag] = timed_text
    stages.wrap(weasyprint.pdf, "add_tags", "tags")
    stages.wrap(pydyf.PDF, "write", "serialise + zlib")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--core", action="store_true", help="only the pages before the annexes")
    parser.add_argument("--uncompressed", action="store_true", help="uncompressed_pdf=True")
    args = parser.parse_args(argv)
    html = pack_html(args.core)
    from collabdx.reports.html import print_css
    from collabdx.reports.pdf import local_only_fetcher

    start = time.process_time()
    import weasyprint

    imported = time.process_time() - start
    gc.freeze()  # as `collabdx report` does (cli/pack_options.quiet_gc)
    gc.set_threshold(10_000, 20, 20)
    stages = Stages()
    instrument(stages)
    fetcher = local_only_fetcher()
    options = {"pdf_tags": True, "uncompressed_pdf": args.uncompressed}
    start = time.process_time()
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    stylesheet = weasyprint.CSS(string=print_css(), url_fetcher=fetcher)
    parsed = time.process_time() - start
    start = time.process_time()
    rendered = document.render(stylesheets=[stylesheet], **options)
    laid_out = time.process_time() - start - stages.seconds.get("cascade", 0.0)
    start = time.process_time()
    pdf = rendered.write_pdf(**options)
    written = time.process_time() - start
    s = stages.seconds
    rows = [
        ("import weasyprint", imported),
        ("parse HTML and CSS", parsed),
        ("cascade", s.get("cascade", 0.0)),
        ("layout", laid_out),
        ("  of which key columns", s.get("of which key columns", 0.0)),
        ("write_pdf", written),
        ("  draw", s.get("draw", 0.0)),
        ("    of which SVG text", s.get("of which SVG text", 0.0)),
        ("  tags", s.get("tags", 0.0)),
        ("  serialise + zlib", s.get("serialise + zlib", 0.0)),
        ("total", imported + parsed + s.get("cascade", 0.0) + laid_out + written),
    ]
    for label, seconds in rows:
        print(f"{label:<24} {seconds:6.2f} s")
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"{len(rendered.pages)} pages, {len(pdf):,} bytes; load average {load}")


if __name__ == "__main__":
    main()
