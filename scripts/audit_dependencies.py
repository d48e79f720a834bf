"""Audit the locked dependencies (uv.lock) for known vulnerabilities with pip-audit.

    .venv/bin/python scripts/audit_dependencies.py        # from `make audit`

pip-audit reads https://pypi.org/pypi/<name>/<version>/json, which answers 404 on some
networks, so it skips every package. For the skipped ones this script falls back on the
project-level https://pypi.org/pypi/<name>/json, whose `vulnerabilities` are the
advisories affecting the LATEST release only:

* pinned version == latest release: checked, as pip-audit would have done;
* pinned version older: still UNCHECKED (advisories fixed before the latest release are
  not listed there), but an advisory on the latest release that is fixed only in versions
  newer than the pin is reported as POSSIBLY VULNERABLE, and a yanked pin is reported.

Exits 0 only when every locked package was checked and none has a known vulnerability.
Exits 1 when a vulnerability (or a possible one) is found or pip-audit cannot run, and 2
when some packages could not be checked: pip-audit on its own reports "No known
vulnerabilities found" in that case, which would be a silent pass.
PIP_AUDIT_OFFLINE_OK=1 turns exit 2 into a loud warning and exit 0; found
vulnerabilities always fail.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:  # pip-audit depends on packaging, so it is normally in .venv
    from packaging.version import InvalidVersion, Version

    HAVE_PACKAGING = True
except ImportError:  # pragma: no cover - exercised by monkeypatching HAVE_PACKAGING
    HAVE_PACKAGING = False

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"
PYPI = "https://pypi.org/pypi/"  # the only host the fallback ever asks
TIMEOUT_S = 10
WORKERS = 8  # a few requests at a time: polite to PyPI, still quick for ~150 packages

Project = dict[str, Any]  # PyPI's project-level JSON
Fetch = Callable[[str], Project]  # normalised name -> project JSON; raises on failure


def normalise(name: str) -> str:
    """PEP 503 name, as PyPI's URLs want it (avoids a redirect)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def fetch_project(name: str) -> Project:
    """PyPI's project-level JSON for a normalised name (stdlib only, https://pypi.org only)."""
    url = PYPI + urllib.parse.quote(name, safe="") + "/json"
    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:  # noqa: S310 - fixed https host
        if not resp.geturl().startswith(PYPI):  # a redirect elsewhere is not PyPI's answer
            raise OSError(f"redirected to {resp.geturl()}")
        data = json.load(resp)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def same_version(a: str, b: str) -> bool:
    if HAVE_PACKAGING:
        try:
            return Version(a) == Version(b)
        except InvalidVersion:
            pass
    return a == b


def newer(candidate: str, pinned: str) -> bool:
    """Whether `candidate` is a later version than `pinned`. When that cannot be told
    (no packaging, unparseable version) answer True: the caller uses it to suspect the
    pin is affected, and a false alarm is cheaper than a missed advisory."""
    if HAVE_PACKAGING:
        try:
            return Version(candidate) > Version(pinned)
        except InvalidVersion:
            pass
    return candidate != pinned


@dataclass
class Verdict:
    """What the latest-release fallback says about one pinned package."""

    name: str
    pinned: str
    checked: bool = False  # pinned == latest: checked against PyPI's advisories
    latest: str | None = None
    vulnerable: list[dict[str, Any]] = field(default_factory=list)  # checked and affected
    possibly: list[dict[str, Any]] = field(default_factory=list)  # unchecked, fix is newer
    yanked: str | None = None  # the yank reason ("" if none given) when the pin is yanked
    why_unchecked: str = ""


def assess(name: str, pinned: str | None, project: Project | None, error: str = "") -> Verdict:
    """Decide from the project-level JSON (None when it could not be fetched)."""
    verdict = Verdict(name, pinned or "?")
    if pinned is None:
        verdict.why_unchecked = "pinned version unknown"
        return verdict
    if project is None:
        verdict.why_unchecked = f"PyPI project JSON unavailable ({error or 'no data'})"
        return verdict
    info = project.get("info") or {}
    verdict.latest = latest = info.get("version")
    advisories = [v for v in project.get("vulnerabilities") or [] if not v.get("withdrawn")]
    files = (project.get("releases") or {}).get(pinned)
    if files and all(f.get("yanked") for f in files):
        verdict.yanked = files[0].get("yanked_reason") or ""
    if isinstance(latest, str) and same_version(pinned, latest):
        verdict.checked = True
        verdict.vulnerable = advisories
        return verdict
    verdict.why_unchecked = f"pinned {pinned}, latest is {latest}"
    # The advisories listed affect the latest release. If every version that fixes one is
    # newer than the pin (or there is no fix yet), the pin very likely predates the fix and
    # is affected too. We fail on it, like a confirmed vulnerability: the pin is unchecked
    # anyway, and the cost of a false alarm (look, then upgrade or note it) is small next
    # to shipping a known hole. A fix at or below the pin (a backport) clears the hint.
    verdict.possibly = [
        v for v in advisories if all(newer(str(f), pinned) for f in v.get("fixed_in") or [])
    ]
    return verdict


def fallback(pins: Iterable[tuple[str, str | None]], fetch: Fetch = fetch_project) -> list[Verdict]:
    """Assess each (name, pinned version), fetching the project JSON a few at a time."""

    def one(pin: tuple[str, str | None]) -> Verdict:
        name, pinned = pin
        if pinned is None:
            return assess(name, None, None)
        try:
            return assess(name, pinned, fetch(normalise(name)))
        except Exception as exc:  # any failure (network, HTTP, JSON) leaves it unchecked
            return assess(name, pinned, None, error=f"{type(exc).__name__}: {exc}")

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return sorted(pool.map(one, list(pins)), key=lambda v: v.name)


def read_pins(requirements: str) -> dict[str, str]:
    """Normalised name -> version from `uv export`'s requirements.txt (pip-audit's JSON
    gives no version for the packages it skipped)."""
    pins = {}
    for line in requirements.splitlines():
        if m := re.match(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)", line):
            pins[normalise(m[1])] = m[2]
    return pins


def _advisory(v: dict[str, Any]) -> str:
    aliases = ", ".join(v.get("aliases") or [])
    fix = ", ".join(v.get("fixed_in") or []) or "no fix yet"
    return f"{v.get('id')}{f' ({aliases})' if aliases else ''} (fixed in {fix})"


def summarise(result: dict[str, Any], pins: dict[str, str], fetch: Fetch, offline_ok: bool) -> int:
    """Print the findings for pip-audit's JSON `result`, falling back on PyPI's
    latest-release advisories for what it skipped, and return the exit status."""
    deps = result.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    for d in vulnerable:
        for v in d["vulns"]:
            fix = ", ".join(v.get("fix_versions", [])) or "no fix yet"
            print(f"VULNERABLE {d['name']} {d.get('version')}: {v['id']} (fixed in {fix})")
    verdicts = fallback([(d["name"], pins.get(normalise(d["name"]))) for d in skipped], fetch)
    for vd in verdicts:
        for v in vd.vulnerable:
            print(f"VULNERABLE {vd.name} {vd.pinned} (latest release): {_advisory(v)}")
        for v in vd.possibly:
            print(f"POSSIBLY VULNERABLE {vd.name} {vd.pinned} (advisory on latest "
                  f"{vd.latest}, fix newer than the pin): {_advisory(v)}")  # fmt: skip
        if vd.yanked is not None:
            print(f"YANKED {vd.name} {vd.pinned} on PyPI: {vd.yanked or 'no reason given'}")
    checked = [vd for vd in verdicts if vd.checked]
    unchecked = [vd for vd in verdicts if not vd.checked]
    found = len(vulnerable) + sum(1 for vd in verdicts if vd.vulnerable or vd.possibly)
    print(f"{len(deps)} locked packages: {len(deps) - len(skipped)} checked by pip-audit, "
          f"{len(checked)} by PyPI's latest-release advisories (pinned == latest), "
          f"{len(unchecked)} unchecked; {found} flagged vulnerable or possibly "
          "vulnerable.")  # fmt: skip
    if unchecked:
        banner = "=" * 78
        print(banner, file=sys.stderr)
        print(f"DEPENDENCY AUDIT INCOMPLETE: {len(unchecked)} of {len(deps)} packages could "
              "not be checked; nothing is known about their vulnerabilities:",
              file=sys.stderr)  # fmt: skip
        for vd in unchecked:
            print(f"  {vd.name} {vd.pinned}: {vd.why_unchecked}", file=sys.stderr)
        print(f"pip-audit skipped {len(skipped)}, e.g. {skipped[0]['skip_reason']}",
              file=sys.stderr)  # fmt: skip
        print("pip-audit needs https://pypi.org/pypi/<name>/<version>/json (PyPI's "
              "advisory data).", file=sys.stderr)  # fmt: skip
        print(banner, file=sys.stderr)
    if found:
        return 1
    if unchecked:
        if offline_ok:
            print("PIP_AUDIT_OFFLINE_OK=1: continuing WITHOUT a complete dependency audit.",
                  file=sys.stderr)  # fmt: skip
            return 0
        return 2
    return 0


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="collabdx-audit-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        report = Path(tmp) / "audit.json"
        # Exactly what uv.lock pins, with hashes, every extra and group, not the project.
        uv = shutil.which("uv")  # as `make setup` finds it
        if uv is None:
            print("uv is not on PATH: dependencies NOT audited", file=sys.stderr)
            return 1
        subprocess.run(  # noqa: S603 - fixed argv
            [uv, "export", "--frozen", "--format", "requirements-txt", "--all-extras",
             "--all-groups", "--no-emit-project", "--quiet", "-o", str(requirements)],
            cwd=ROOT, check=True,
        )  # fmt: skip
        done = subprocess.run(  # noqa: S603 - fixed argv
            [str(BIN / "pip-audit"), "-r", str(requirements), "--disable-pip",
             "--progress-spinner", "off", "-f", "json", "-o", str(report)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if not report.exists():
            print(done.stdout + done.stderr, file=sys.stderr)
            print("pip-audit did not run: dependencies NOT audited", file=sys.stderr)
            return 1
        result = json.loads(report.read_text())
        pins = read_pins(requirements.read_text())
    offline_ok = os.environ.get("PIP_AUDIT_OFFLINE_OK") == "1"
    return summarise(result, pins, fetch_project, offline_ok)


if __name__ == "__main__":
    sys.exit(main())
