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

from django.conf import settings
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket

MAC_BYTES = 32


def _mac(data: bytes) -> bytes:
    key = hashlib.sha256(b"collabdx.template_cache:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, data, hashlib.sha256).digest()


class SealedBytecodeCache(BytecodeCache):
    def __init__(self, directory: Path) -> None:
        self.directory = directory

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


def template_cache() -> SealedBytecodeCache:
    return SealedBytecodeCache(Path(settings.DATA_DIR) / "cache" / "templates")
