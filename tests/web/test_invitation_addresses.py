"""Reading pasted and uploaded address lists: every bad row named, nothing half-read."""

from __future__ import annotations

from collabdx.web.invitations.addresses import MAX_ERRORS, parse


def test_pasted_lists_split_on_lines_commas_and_semicolons_and_lower_case():
    got = parse("Ann@Example.org, ben@example.org\n<cat@example.org>; \n\n", is_csv=False)
    assert got.errors == []
    assert got.addresses == ["ann@example.org", "ben@example.org", "cat@example.org"]


def test_a_csv_needs_an_email_column_or_a_single_column_of_addresses():
    assert parse("name\nAnn\n", is_csv=True).errors == ["The file needs a column headed “email”."]
    assert parse("ann@example.org\nben@example.org\n", is_csv=True).addresses == [
        "ann@example.org",
        "ben@example.org",
    ]
    got = parse("Name,E-mail\nAnn,ann@example.org\nBen,\n", is_csv=True)
    assert got.addresses == ["ann@example.org"] and got.errors == []


def test_any_error_means_no_addresses_and_rows_are_named():
    got = parse("email\nann@example.org\nnope\n" + "x" * 250 + "@b.org\n", is_csv=True)
    assert got.addresses == []
    assert got.errors[0] == "Row 3: “nope” is not an e-mail address"
    assert got.errors[1].startswith("Row 4: ")


def test_errors_stop_at_twenty_and_say_how_many_more():
    got = parse("\n".join(f"bad{i}" for i in range(25)), is_csv=False)
    assert len(got.errors) == MAX_ERRORS + 1
    assert got.errors[-1] == "and 5 more rows with errors"
