"""Getting responses in (CSV, XLSX, Qualtrics) and out (CSV, XLSX, JSON), safely."""

from collabdx.io.errors import MAX_PROBLEMS, Problem, ResponseImportError
from collabdx.io.exporters import ExportFormat, codebook_path, export_responses
from collabdx.io.import_summary import ImportResult, ImportSummary
from collabdx.io.importers import read_responses
from collabdx.io.safe import safe_cell, unsafe_cell

__all__ = [
    "MAX_PROBLEMS",
    "ExportFormat",
    "ImportResult",
    "ImportSummary",
    "Problem",
    "ResponseImportError",
    "codebook_path",
    "export_responses",
    "read_responses",
    "safe_cell",
    "unsafe_cell",
]
