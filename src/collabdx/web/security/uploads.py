"""Refuse file uploads everywhere but one page (answers collected elsewhere).

Django ignores file parts a view does not read, but it still spools them to a
temporary file with no size limit (FILE_UPLOAD_MAX_MEMORY_SIZE only decides memory
versus disk). This upload handler stops at the first file part instead, which
Django answers with 400 Bad Request before the view saves anything. Ordinary form
fields in a multipart body (Django's test client posts that way) are unaffected.
"""

from __future__ import annotations

import io
from typing import Any

from django.core.exceptions import SuspiciousMultipartForm
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class RefuseFilesHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SuspiciousMultipartForm("This service does not accept file uploads.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None


class LimitedMemoryUpload(FileUploadHandler):
    """Take one file into memory, up to ``limit`` bytes, for the one view that reads a
    file (answers collected elsewhere: survey/upload_views.py).

    The file is never written to disk: the view parses the bytes and lets them go.
    Past ``limit`` the rest of the file is read and thrown away (the request body
    middleware has already bounded the whole body), and ``too_large`` is set, so the
    view can say so on its own page instead of a bare 400.
    """

    def __init__(self, limit: int, request: Any = None) -> None:
        super().__init__(request)
        self.limit = limit
        self.too_large = False
        self.files = 0
        self._buffer = bytearray()

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.files += 1
        if self.files > 1:
            raise SuspiciousMultipartForm("Upload one file at a time.")
        self._buffer = bytearray()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.too_large or len(self._buffer) + len(raw_data) > self.limit:
            self.too_large = True
            self._buffer = bytearray()
            return None
        self._buffer += raw_data
        return None

    def file_complete(self, file_size: int) -> Any:
        data = b"" if self.too_large else bytes(self._buffer)
        self._buffer = bytearray()
        return InMemoryUploadedFile(
            io.BytesIO(data), self.field_name, self.file_name, self.content_type,
            len(data), self.charset, self.content_type_extra,
        )  # fmt: skip
