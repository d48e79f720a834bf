"""``collabdx serve`` collects static files only when they changed (issue 15: the
manifest storage hashed and compressed every file at every start, 6 s of CPU on the
way to the first response after a crash)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from collabdx.cli.serve import STATIC_STAMP, _collected, collect_static


def test_collects_once_then_only_after_a_change(settings, tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    (source / "site.css").write_text("body { color: black }")
    settings.STATICFILES_DIRS = [source]
    settings.STATIC_ROOT = tmp_path / "static"
    assert collect_static() is True
    assert (tmp_path / "static" / STATIC_STAMP).exists()
    assert collect_static() is False  # nothing changed: nothing done
    (source / "site.css").write_text("body { color: darkblue }")
    later = time.time() + 10  # collectstatic itself copies only files newer than the copy
    os.utime(source / "site.css", (later, later))
    assert collect_static() is True
    assert (tmp_path / "static" / "site.css").read_text() == "body { color: darkblue }"
    (source / "new.js").write_text("// added")
    assert collect_static() is True and (tmp_path / "static" / "new.js").exists()
    assert collect_static() is False


def test_a_missing_stamp_means_collect_again(settings, tmp_path: Path) -> None:
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_DIRS = [tmp_path]
    (tmp_path / "a.css").write_text("a {}")
    assert collect_static() is True
    (tmp_path / "static" / STATIC_STAMP).unlink()  # e.g. a collection cut short
    assert collect_static() is True


def test_the_manifest_must_name_only_files_that_are_there(settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    assert not _collected(tmp_path)  # a manifest storage and no manifest
    (tmp_path / "site.abc123.css").write_text("x")
    manifest = {"paths": {"site.css": "site.abc123.css", "app.js": "app.def456.js"}}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    assert not _collected(tmp_path)  # app.def456.js is missing
    (tmp_path / "app.def456.js").write_text("y")
    assert _collected(tmp_path)
