"""What an import produced, and what it left out."""

from __future__ import annotations

from dataclasses import dataclass

from collabdx.core.responses import ResponseSet


@dataclass(frozen=True)
class ImportSummary:
    """Counts for the user to check against what they expected.

    Holds no response values and, for dropped personal-data columns, only the
    headings.
    """

    file_name: str
    format: str  # "csv", "xlsx", "qualtrics-csv" or "qualtrics-xlsx"
    value_style: str  # "codes", "choice text", "mixed" or "none"
    rows_read: int  # non-blank data rows
    rows_kept: int
    excluded_previews: int
    excluded_tests: int
    incomplete_kept: int
    personal_columns_dropped: tuple[str, ...]
    items_missing: tuple[str, ...]  # items with no column: treated as unanswered

    def lines(self) -> list[str]:
        """Plain-English lines for the CLI and web app."""
        out = [
            f"Read {self.rows_read} responses from {self.file_name} ({self.format}, "
            f"answers as {self.value_style}); kept {self.rows_kept}."
        ]
        if self.excluded_previews:
            out.append(f"Left out {self.excluded_previews} survey preview(s).")
        if self.excluded_tests:
            out.append(f"Left out {self.excluded_tests} test response(s).")
        if self.incomplete_kept:
            out.append(f"Kept {self.incomplete_kept} unfinished response(s).")
        if self.personal_columns_dropped:
            out.append(
                "Dropped personal-data columns without reading them: "
                + ", ".join(self.personal_columns_dropped)
                + "."
            )
        if self.items_missing:
            out.append(
                "No column for " + ", ".join(self.items_missing) + ": treated as unanswered."
            )
        return out


@dataclass(frozen=True)
class ImportResult:
    responses: ResponseSet
    summary: ImportSummary
