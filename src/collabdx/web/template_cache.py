"""Compiled Jinja2 templates kept on disk, sealed with a MAC from SECRET_KEY.

Why: ``collabdx.web.wsgi`` compiles every template in gunicorn's master before it
forks the workers, and compiling them (about 190) was the largest part of a server's
start: 3 s of CPU, on the path of the first response after a crash (issue 15,
docs/reliability.md, "Recovery"). Jinja2 then reads each template's code back
instead of compiling it again; it checks the template source's checksum and its own
version, so a changed template or library is compiled afresh.

The files hold marshalled Python code, so, like the kept report models
(``results/model_cache.py``), one is read only after its MAC checks: a file dropped
into the folder by anything but this server is never loaded. Any failure to read or
write falls back to compiling: the cache only saves time.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from pathlib import Path

import jinja2
from django.conf import settings
from jinja2 import BytecodeCache, Environment
from jinja2.bccache import Bucket

MAC_BYTES = 32


def _mac(data: bytes) -> bytes:
    key = hashlib.sha256(b"collabdx.template_cache:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, data, hashlib.sha256).digest()


class SealedBytecodeCache(BytecodeCache):
    def __init__(self, directory: Path, salt: str = "") -> None:
        self.directory = directory
        self.salt = salt

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        # Jinja2 keys on the template's name only; the salt adds the environment's
        # compile-time settings, so code compiled under other settings is never reused.
        return super().get_cache_key(f"{self.salt}\0{name}", filename)

    def _path(self, bucket: Bucket) -> Path:
        return self.directory / f"{bucket.key}.jinja-cache"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            sealed = self._path(bucket).read_bytes()
        except OSError:
            return
        mac, data = sealed[:MAC_BYTES], sealed[MAC_BYTES:]
        if len(mac) == MAC_BYTES and hmac.compare_digest(mac, _mac(data)):
            bucket.bytecode_from_string(data)  # resets itself on another version or source

    def dump_bytecode(self, bucket: Bucket) -> None:
        data = bucket.bytecode_to_string()
        tmp = ""
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.directory, suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(_mac(data) + data)
            os.replace(tmp, self._path(bucket))  # whole or not at all, across processes
        except OSError:
            if tmp:
                Path(tmp).unlink(missing_ok=True)

    def clear(self) -> None:
        for path in self.directory.glob("*.jinja-cache"):
            path.unlink(missing_ok=True)


def compile_settings(env: Environment) -> str:
    """What Jinja2 bakes into compiled code besides the source (syntax, escaping,
    extensions, finalize, whitespace handling) and its own version."""
    parts = [
        jinja2.__version__, sorted(env.extensions), env.autoescape, env.finalize,
        env.block_start_string, env.block_end_string, env.variable_start_string,
        env.variable_end_string, env.comment_start_string, env.comment_end_string,
        env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
        env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
    ]  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def template_cache(env: Environment) -> SealedBytecodeCache:
    directory = Path(settings.DATA_DIR) / "cache" / "templates"
    return SealedBytecodeCache(directory, salt=compile_settings(env))
