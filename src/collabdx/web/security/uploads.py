"""Refuse file uploads: no collabdx page accepts a file.

Django ignores file parts a view does not read, but it still spools them to a
temporary file with no size limit (FILE_UPLOAD_MAX_MEMORY_SIZE only decides memory
versus disk). This upload handler stops at the first file part instead, which
Django answers with 400 Bad Request before the view saves anything. Ordinary form
fields in a multipart body (Django's test client posts that way) are unaffected.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import SuspiciousMultipartForm
from django.core.files.uploadhandler import FileUploadHandler


class RefuseFilesHandler(FileUploadHandler):
    def new_file(self, *args: Any, **kwargs: Any) -> None:
        raise SuspiciousMultipartForm("This service does not accept file uploads.")

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        return None

    def file_complete(self, file_size: int) -> None:
        return None
