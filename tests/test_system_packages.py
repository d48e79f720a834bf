"""``make test`` installs the Debian packages the tests need where they are missing
(issue 17, bug 9): scripts/system-packages.sh, shared by the Makefile and .ci/run.

The script runs here with a PATH holding only fake programs: ``id`` (root or not),
``apt-get`` (records its arguments; "installing" a package puts a fake program for it
on the PATH) and, where a case needs them, ``chromium``, ``pdftoppm``, ``sudo``. Only
bash builtins and these fakes are reachable, so nothing real is installed.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "system-packages.sh"
BASH = "/bin/bash"

# What each package provides (the program the script looks for).
PROVIDES = {
    "chromium": ["chromium"],
    "poppler-utils": ["pdftoppm"],
    "postgresql": ["pg_ctlcluster"],
    "nodejs": ["node"],
    "npm": ["npm"],
}


def _program(path: Path, body: str) -> None:
    path.write_text(f"#!{BASH}\n{body}\n")
    path.chmod(0o755)


class FakeHost:
    def __init__(self, tmp: Path, *, uid: int, have: tuple[str, ...], sudo: bool = False,
                 apt_fails: bool = False) -> None:  # fmt: skip
        self.bin = tmp / "bin"
        self.bin.mkdir()
        self.log = tmp / "apt.log"
        _program(self.bin / "id", f'[ "$1" = -u ] && echo {uid}')
        installs = "\n".join(
            f'  [ "$p" = {pkg} ] && for c in {" ".join(cmds)}; do '
            f'printf "#!{BASH}\\n" > "{self.bin}/$c"; /bin/chmod +x "{self.bin}/$c"; done'
            for pkg, cmds in PROVIDES.items()
        )
        _program(
            self.bin / "apt-get",
            f'echo "$DEBIAN_FRONTEND apt-get $*" >> "{self.log}"\n'
            + ("exit 100\n" if apt_fails else "")
            + f'[ "$1" = install ] || exit 0\nfor p in "$@"; do\n{installs}\ndone\nexit 0',
        )
        if sudo:
            _program(self.bin / "sudo", '[ "$1" = -n ] && shift; [ "$1" = true ] && exit 0; "$@"')
            _program(
                self.bin / "env", 'while [ "${1#*=}" != "$1" ]; do export "$1"; shift; done; "$@"'
            )
        for cmd in have:
            _program(self.bin / cmd, "exit 0")

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {"PATH": str(self.bin), "HOME": str(self.bin.parent)}
        return subprocess.run(
            [BASH, str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=30,
            check=False,
        )  # fmt: skip

    def apt_calls(self) -> list[str]:
        return self.log.read_text().splitlines() if self.log.exists() else []


def test_nothing_to_do_when_everything_is_there(tmp_path: Path) -> None:
    host = FakeHost(tmp_path, uid=0, have=("chromium", "pdftoppm"))
    done = host.run()
    assert done.returncode == 0, done.stderr
    assert host.apt_calls() == []


def test_as_root_a_missing_chromium_is_installed(tmp_path: Path) -> None:
    host = FakeHost(tmp_path, uid=0, have=("pdftoppm",))
    done = host.run()
    assert done.returncode == 0, done.stderr
    assert host.apt_calls() == [
        "noninteractive apt-get update -qq",
        "noninteractive apt-get install -y -qq chromium",
    ]
    assert (host.bin / "chromium").exists()
    assert "apt-get install chromium" in done.stdout


def test_not_root_and_no_sudo_says_what_to_install_and_stops(tmp_path: Path) -> None:
    host = FakeHost(tmp_path, uid=1000, have=())
    done = host.run()
    assert done.returncode == 1
    assert "not installed: chromium poppler-utils" in done.stderr
    assert "apt-get update && apt-get install -y chromium poppler-utils" in done.stderr
    assert host.apt_calls() == []


def test_not_root_with_passwordless_sudo_installs_through_it(tmp_path: Path) -> None:
    host = FakeHost(tmp_path, uid=1000, have=("chromium",), sudo=True)
    done = host.run()
    assert done.returncode == 0, done.stderr
    assert host.apt_calls()[-1] == "noninteractive apt-get install -y -qq poppler-utils"


def test_ci_also_installs_postgresql_and_node(tmp_path: Path) -> None:
    host = FakeHost(tmp_path, uid=0, have=())
    done = host.run("--ci")
    assert done.returncode == 0, done.stderr
    assert host.apt_calls()[-1] == (
        "noninteractive apt-get install -y -qq chromium poppler-utils postgresql nodejs npm"
    )


def test_a_failed_install_fails_the_command(tmp_path: Path) -> None:
    host = FakeHost(tmp_path, uid=0, have=("pdftoppm",), apt_fails=True)
    done = host.run()
    assert done.returncode != 0
    assert not (host.bin / "chromium").exists()


def test_another_chromium_named_by_the_environment_is_used(tmp_path: Path) -> None:
    host = FakeHost(tmp_path, uid=1000, have=("pdftoppm",))
    other = tmp_path / "my-chromium"
    _program(other, "exit 0")
    env = {"PATH": str(host.bin), "COLLABDX_CHROMIUM": str(other)}
    done = subprocess.run([BASH, str(SCRIPT)], env=env, capture_output=True, text=True,
                          timeout=30, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("caller", ["Makefile", ".ci/run"])
def test_the_makefile_and_ci_use_the_script_and_do_not_repeat_it(caller: str) -> None:
    text = (ROOT / caller).read_text()
    assert "scripts/system-packages.sh" in text
    assert "apt-get install" not in text


def test_make_test_runs_the_script_first() -> None:
    # `make -n` prints what `make test` would run, without running it.
    done = subprocess.run(
        ["make", "-n", "test"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "MAKEFLAGS": ""}, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    script = next(i for i, line in enumerate(lines) if "scripts/system-packages.sh" in line)
    pytest_line = next(i for i, line in enumerate(lines) if "-m pytest" in line)
    assert script < pytest_line
