"""The core stays framework-free: no module under collabdx/core imports Django."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).resolve().parents[1] / "src" / "collabdx" / "core"


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_source_never_imports_django():
    files = list(CORE.rglob("*.py"))
    assert len(files) > 5
    offenders = [str(f) for f in files if "django" in _imports(f)]
    assert offenders == []


def test_importing_the_core_does_not_load_django():
    code = (
        "import importlib, pkgutil, sys, collabdx.core as c\n"
        "for m in pkgutil.iter_modules(c.__path__):\n"
        "    importlib.import_module('collabdx.core.' + m.name)\n"
        "print(any(k == 'django' or k.startswith('django.') for k in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_collabdx_score_does_not_import_the_heavy_libraries():
    """`collabdx score` needs numpy and pandas only: scipy, WeasyPrint, openpyxl and
    Django take seconds to import and belong to other commands (issue 15)."""
    code = (
        "import sys\n"
        "from collabdx import cli\n"
        "from collabdx.core.scoring import scale_scores\n"
        "from collabdx.io.exporters import scores_csv\n"
        "from collabdx.io.importers import read_responses\n"
        "heavy = ('scipy', 'weasyprint', 'openpyxl', 'django', 'pingouin')\n"
        "print(sorted({k.split('.')[0] for k in sys.modules if k.split('.')[0] in heavy}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_every_web_app_has_a_place_in_the_layers_contract():
    """The Django apps depend one way (pyproject.toml's layers contract, checked by
    lint-imports, which sees imports inside functions too). A new app must take a
    layer, or it could import any app and be imported by any. ``security`` is the
    project's infrastructure (sign-in, sessions, the security log), used by every app,
    and stays outside the layers."""
    import tomllib

    root = Path(__file__).resolve().parents[1]
    config = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    layers = [
        c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers"
    ]
    assert len(layers) == 1
    layered = {
        name.strip().removeprefix("collabdx.web.")
        for layer in layers[0]["layers"]
        for name in layer.split("|")
    }
    apps = {p.parent.name for p in (root / "src" / "collabdx" / "web").glob("*/apps.py")}
    assert apps - {"security"} == layered
    assert layers[0]["layers"][-1] == "collabdx.web.collab"  # the base app, at the bottom


def test_collabdx_report_on_a_small_group_loads_no_scipy_stats_or_optimize(tmp_path):
    """The workshop pack of the 21-respondent pilot needs t, F and normal quantiles
    (``scipy.special``) and fits nothing with ``scipy.optimize``: importing scipy.stats
    or scipy.optimize would cost more than `collabdx score` takes in all (issue 15).
    Without ``--pdf`` nothing loads WeasyPrint. The causal web's routes are read from
    the file kept beside the theory (core/theory_routes.py), so networkx is not loaded
    either; the web app's earlier waves, trends and workshop ratings are not loaded for
    a file, and SVG text is escaped without xml.sax.saxutils (which loads urllib). The
    psychometric fits a group this small does not reach (CFA, EFA, invariance, omega's
    bootstrap) are imported where they run."""
    fixture = Path(__file__).parent / "fixtures" / "reports" / "pilot21.csv"
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['collabdx', 'report', {str(fixture)!r}, '-o', {str(tmp_path / 'p.html')!r}]\n"
        "try:\n"
        "    runpy.run_module('collabdx.cli', run_name='__main__')\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        "heavy = ('scipy.stats', 'scipy.optimize', 'weasyprint', 'pingouin', 'django',\n"
        "         'networkx', 'xml.sax.saxutils', 'urllib.request',\n"
        "         'collabdx.reports.moved', 'collabdx.reports.trends',\n"
        "         'collabdx.reports.trend_chart', 'collabdx.reports.workshop_ratings')\n"
        "heavy += tuple('collabdx.core.psychometrics.' + m for m in\n"
        "               ('efa', 'models', 'refine', 'robust', 'validity', 'multigroup',\n"
        "                'onefactor'))\n"
        "print(sorted({k for k in sys.modules if k in heavy}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "p.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
