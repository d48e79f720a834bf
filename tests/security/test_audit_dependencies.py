"""scripts/audit_dependencies.py: the latest-release fallback for packages pip-audit
skipped. Hand-made PyPI project JSON, an injected fetch: no network."""

from __future__ import annotations

from typing import Any

import pytest
from scripts import audit_dependencies as audit

ADVISORY = {
    "id": "PYSEC-2099-1",
    "aliases": ["CVE-2099-0001"],
    "fixed_in": ["2.1.1"],
    "withdrawn": None,
}


def project(latest: str, vulns: list[dict[str, Any]] | None = None, **releases: Any) -> dict:
    """PyPI's project-level JSON, reduced to what the script reads. `releases` maps a
    version to its files' yanked flag (version dots written as underscores)."""
    files = {latest: [{"yanked": False, "yanked_reason": None}]}
    for version, yanked in releases.items():
        reason = "broken build" if yanked else None
        files[version.replace("_", ".")] = [{"yanked": yanked, "yanked_reason": reason}] * 2
    return {"info": {"version": latest}, "releases": files, "vulnerabilities": vulns or []}


def test_pinned_latest_without_advisories_is_checked_and_clean() -> None:
    v = audit.assess("pkg", "2.0.0", project("2.0.0"))
    assert v.checked
    assert not v.vulnerable and not v.possibly and v.yanked is None


def test_version_equality_is_by_pep_440_not_string() -> None:
    assert audit.assess("pkg", "2.0", project("2.0.0")).checked


def test_pinned_latest_with_an_advisory_is_vulnerable() -> None:
    v = audit.assess("pkg", "2.1.0", project("2.1.0", [ADVISORY]))
    assert v.checked
    assert v.vulnerable == [ADVISORY]


def test_withdrawn_advisory_is_ignored() -> None:
    withdrawn = {**ADVISORY, "withdrawn": "2099-01-02T00:00:00Z"}
    assert audit.assess("pkg", "2.1.0", project("2.1.0", [withdrawn])).vulnerable == []


def test_older_pin_stays_unchecked_even_without_advisories() -> None:
    v = audit.assess("pkg", "1.0.0", project("2.0.0", **{"1_0_0": False}))
    assert not v.checked
    assert not v.possibly
    assert "latest is 2.0.0" in v.why_unchecked


def test_older_pin_with_advisory_fixed_only_in_newer_versions_is_possibly_vulnerable() -> None:
    v = audit.assess("pkg", "1.9.0", project("2.1.0", [ADVISORY]))
    assert not v.checked
    assert v.possibly == [ADVISORY]
    assert v.vulnerable == []


def test_advisory_without_a_fix_makes_an_older_pin_possibly_vulnerable() -> None:
    no_fix = {**ADVISORY, "fixed_in": []}
    assert audit.assess("pkg", "1.9.0", project("2.1.0", [no_fix])).possibly == [no_fix]


def test_a_fix_at_or_below_the_pin_clears_the_hint() -> None:
    # e.g. a backport to the pin's series: 1.9.0 is fixed, only the 2.x line is affected.
    backported = {**ADVISORY, "fixed_in": ["1.8.5", "2.1.1"]}
    assert audit.assess("pkg", "1.9.0", project("2.1.0", [backported])).possibly == []


def test_without_packaging_ordering_is_conservative(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit, "HAVE_PACKAGING", False)
    assert not audit.assess("pkg", "2.0", project("2.0.0")).checked  # string equality
    assert audit.assess("pkg", "1.9.0", project("2.1.0", [ADVISORY])).possibly == [ADVISORY]


def test_yanked_pin_is_reported() -> None:
    v = audit.assess("pkg", "1.0.0", project("2.0.0", **{"1_0_0": True}))
    assert v.yanked == "broken build"
    assert not v.checked


def test_fetch_failure_leaves_the_package_unchecked() -> None:
    def fetch(name: str) -> dict:
        raise TimeoutError("timed out")

    [v] = audit.fallback([("pkg", "1.0.0")], fetch)
    assert not v.checked
    assert "TimeoutError" in v.why_unchecked


def test_fallback_asks_for_pep_503_names() -> None:
    asked: list[str] = []

    def fetch(name: str) -> dict:
        asked.append(name)
        return project("1.0")

    verdicts = audit.fallback([("Zope.Interface", "1.0"), ("typing_extensions", "1.0")], fetch)
    assert sorted(asked) == ["typing-extensions", "zope-interface"]
    assert all(v.checked for v in verdicts)


def test_read_pins_from_uv_export() -> None:
    text = (
        "# comment\n"
        "Django==5.2.1 \\\n"
        "    --hash=sha256:abc\n"
        "brotli==1.2.1 ; platform_python_implementation == 'CPython' \\\n"
        "    # via httpx\n"
    )
    assert audit.read_pins(text) == {"django": "5.2.1", "brotli": "1.2.1"}


# summarise(): exit statuses for a pip-audit report where everything was skipped.

PROJECTS = {
    "fresh": project("1.0"),
    "bad": project("3.0", [ADVISORY]),
    "old": project("2.1.0", [ADVISORY]),
    "stale": project("5.0"),
}


def run(pins: dict[str, str], offline_ok: bool = False) -> int:
    result = {
        "dependencies": [
            {"name": name, "skip_reason": f"Dependency not found on PyPI: {name}"} for name in pins
        ]
    }
    return audit.summarise(result, pins, PROJECTS.__getitem__, offline_ok)


def test_all_checked_by_fallback_and_clean_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run({"fresh": "1.0"}) == 0
    out, err = capsys.readouterr()
    assert "1 by PyPI's latest-release advisories" in out
    assert "0 unchecked" in out
    assert "INCOMPLETE" not in err


def test_vulnerable_latest_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert run({"fresh": "1.0", "bad": "3.0"}, offline_ok=True) == 1
    assert "VULNERABLE bad 3.0 (latest release): PYSEC-2099-1 (CVE-2099-0001)" in (
        capsys.readouterr().out
    )


def test_possibly_vulnerable_exits_1_even_offline_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run({"old": "1.9.0"}, offline_ok=True) == 1
    out, err = capsys.readouterr()
    assert "POSSIBLY VULNERABLE old 1.9.0" in out
    assert "INCOMPLETE" in err  # still unchecked: no claim either way beyond the hint
    assert "continuing WITHOUT" not in err


def test_unchecked_exits_2_or_0_when_offline_ok(capsys: pytest.CaptureFixture[str]) -> None:
    assert run({"fresh": "1.0", "stale": "4.0", "gone": "1.0"}) == 2
    out, err = capsys.readouterr()
    assert "1 by PyPI's latest-release advisories" in out and "2 unchecked" in out
    assert "INCOMPLETE: 2 of 3" in err
    assert "stale 4.0: pinned 4.0, latest is 5.0" in err
    assert "gone 1.0: PyPI project JSON unavailable (KeyError" in err
    assert run({"stale": "4.0"}, offline_ok=True) == 0
    assert "continuing WITHOUT" in capsys.readouterr().err


def test_pip_audit_findings_still_fail(capsys: pytest.CaptureFixture[str]) -> None:
    result = {
        "dependencies": [
            {"name": "x", "version": "1.0", "vulns": [{"id": "GHSA-1", "fix_versions": ["1.1"]}]}
        ]
    }
    assert audit.summarise(result, {}, PROJECTS.__getitem__, offline_ok=True) == 1
    out = capsys.readouterr().out
    assert "VULNERABLE x 1.0: GHSA-1 (fixed in 1.1)" in out
    assert "1 checked by pip-audit" in out
