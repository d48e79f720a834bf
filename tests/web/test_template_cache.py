"""Compiled templates kept on disk (issue 15: a restart compiles nothing), read back
only when their MAC from SECRET_KEY checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from jinja2 import DictLoader, Environment

from collabdx.web.template_cache import SealedBytecodeCache, compile_settings


def _env(cache_dir: Path, source: str = "Hello {{ x }}", autoescape: bool = False) -> Environment:
    env = Environment(loader=DictLoader({"t.jinja": source}), autoescape=autoescape)
    env.bytecode_cache = SealedBytecodeCache(cache_dir, salt=compile_settings(env))
    return env


def _no_compiling(env: Environment, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("compiled again")

    monkeypatch.setattr(env, "compile", refuse)


def test_a_second_server_reads_the_kept_code(tmp_path: Path, monkeypatch) -> None:
    assert _env(tmp_path).get_template("t.jinja").render(x=1) == "Hello 1"
    assert len(list(tmp_path.glob("*.jinja-cache"))) == 1
    second = _env(tmp_path)
    _no_compiling(second, monkeypatch)
    assert second.get_template("t.jinja").render(x=2) == "Hello 2"


def test_a_changed_template_is_compiled_afresh(tmp_path: Path) -> None:
    _env(tmp_path).get_template("t.jinja")
    assert _env(tmp_path, "Bye {{ x }}").get_template("t.jinja").render(x=3) == "Bye 3"


def test_a_file_without_this_servers_mac_is_never_loaded(tmp_path: Path, settings) -> None:
    settings.SECRET_KEY = "another installation's key, long enough to be a real key 123"
    foreign = tmp_path / "foreign"
    _env(foreign, "Evil {{ x }}").get_template("t.jinja")  # sealed with the other key
    settings.SECRET_KEY = "this installation's key, long enough to be a real key 4567"
    (kept,) = foreign.glob("*.jinja-cache")
    ours = tmp_path / "ours"
    ours.mkdir()
    (ours / kept.name).write_bytes(kept.read_bytes())  # dropped in under the right name
    assert _env(ours).get_template("t.jinja").render(x=4) == "Hello 4"


def test_an_unwritable_folder_only_costs_time(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert _env(blocker / "cache").get_template("t.jinja").render(x=5) == "Hello 5"


def test_code_compiled_under_other_settings_is_not_reused(tmp_path: Path) -> None:
    # Escaping is decided when a template is compiled: code compiled without it must
    # never serve an environment that escapes.
    assert _env(tmp_path).get_template("t.jinja").render(x="<b>") == "Hello <b>"
    escaping = _env(tmp_path, autoescape=True)
    assert escaping.get_template("t.jinja").render(x="<b>") == "Hello &lt;b&gt;"


def test_the_app_environment_keeps_its_templates_in_the_data_folder(settings, tmp_path) -> None:
    from collabdx.web.jinja2env import environment

    settings.DATA_DIR = tmp_path
    environment().get_template("survey/thanks.jinja")
    assert list((tmp_path / "cache" / "templates").glob("*.jinja-cache"))
