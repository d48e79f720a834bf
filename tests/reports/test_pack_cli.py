"""`collabdx report`: the workshop pack as HTML, PDF and JSON, with the context options."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from collabdx.cli import app
from tests.reports.conftest import PILOT, SOUTHMOOR, WESTVALE

runner = CliRunner()


def test_report_writes_html_pdf_and_json_with_context(tmp_path):
    html, pdf, js = tmp_path / "pack.html", tmp_path / "pack.pdf", tmp_path / "pack.json"
    result = runner.invoke(app, [
        "report", str(PILOT), "-o", str(html), "--pdf", str(pdf), "--json", str(js),
        "--collaboration-name", "North & South <Alliance>", "--collaboration-type",
        "provider_collaborative", "--voluntary", "--cross-sector", "--stage", "connecting",
    ])  # fmt: skip
    assert result.exit_code == 0, result.output
    page = html.read_text()
    assert "North &amp; South &lt;Alliance&gt;" in page
    assert ">Voluntary<" in page and ">Connecting<" in page and "Provider collaborative" in page
    assert pdf.read_bytes().startswith(b"%PDF")
    data = json.loads(js.read_text())
    assert data["context"] == {
        "name": "North & South <Alliance>", "collaboration_type": "provider_collaborative",
        "mandated": False, "cross_sector": True, "stage": "connecting",
    }  # fmt: skip
    assert data["n_respondents"] == 21
    q14 = next(i for i in data["items"] if i["id"] == "Q14")
    assert q14["shares"] == [0.0, 38.1, 23.81, 38.1, 0.0]
    assert [f["rule"] for f in data["findings"]][:2] == ["lowest_scale", "highest_scale"]
    for text in (page, js.read_text()):
        assert SOUTHMOOR not in text and WESTVALE not in text


def test_context_defaults_to_not_recorded(tmp_path):
    html = tmp_path / "pack.html"
    result = runner.invoke(app, ["report", "demo", "-o", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text()
    for key in ("Type", "Mandated or voluntary", "Cross-sector", "Life-cycle stage"):
        assert f"{key}</dt><dd class=\"nhsuk-summary-list__value\">Not recorded<" in page, key
    assert not (tmp_path / "pack.pdf").exists()


def test_unknown_stage_is_refused_and_nothing_is_written(tmp_path):
    html, pdf = tmp_path / "pack.html", tmp_path / "pack.pdf"
    result = runner.invoke(
        app, ["report", str(PILOT), "-o", str(html), "--pdf", str(pdf), "--stage", "golden"]
    )
    assert result.exit_code == 2
    assert "--stage: unknown value 'golden'" in result.output and "planning" in result.output
    assert list(tmp_path.iterdir()) == []
