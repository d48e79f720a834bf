"""Audit the locked dependencies (uv.lock) for known vulnerabilities with pip-audit.

    .venv/bin/python scripts/audit_dependencies.py        # from `make audit`

Exits 0 only when every locked package was checked against PyPI's advisory data
and none has a known vulnerability. Exits 1 when a vulnerability is found or
pip-audit cannot run, and 2 when some packages could not be checked (the
advisory data is out of reach): pip-audit on its own reports "No known
vulnerabilities found" in that case, which would be a silent pass.
PIP_AUDIT_OFFLINE_OK=1 turns exit 2 into a loud warning and exit 0; found
vulnerabilities always fail.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = ROOT / ".venv" / "bin"


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
    deps = result.get("dependencies", [])
    vulnerable = [d for d in deps if d.get("vulns")]
    skipped = [d for d in deps if d.get("skip_reason")]
    audited = len(deps) - len(skipped)
    for d in vulnerable:
        for v in d["vulns"]:
            fix = ", ".join(v.get("fix_versions", [])) or "no fix yet"
            print(f"VULNERABLE {d['name']} {d.get('version')}: {v['id']} (fixed in {fix})")
    print(f"pip-audit: {audited} of {len(deps)} locked packages checked, "
          f"{len(vulnerable)} with known vulnerabilities.")  # fmt: skip
    if vulnerable:
        return 1
    if skipped:
        banner = "=" * 78
        print(banner, file=sys.stderr)
        print(f"DEPENDENCY AUDIT INCOMPLETE: {len(skipped)} of {len(deps)} packages could "
              "not be checked.", file=sys.stderr)  # fmt: skip
        print(f"First reason: {skipped[0]['skip_reason']}", file=sys.stderr)
        print("pip-audit needs https://pypi.org/pypi/<name>/<version>/json (PyPI's "
              "advisory data).", file=sys.stderr)  # fmt: skip
        print(banner, file=sys.stderr)
        if os.environ.get("PIP_AUDIT_OFFLINE_OK") == "1":
            print("PIP_AUDIT_OFFLINE_OK=1: continuing WITHOUT a dependency audit.",
                  file=sys.stderr)  # fmt: skip
            return 0
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
