"""The in-memory set of responses that every part of collabdx scores and reports on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from collabdx.core.instruments import Instrument, load_instrument


@dataclass(frozen=True)
class ResponseSet:
    """Responses to one instrument version.

    ``codes`` has one row per respondent (index: respondent id, as text) and one
    float column per choice item, NaN where unanswered: floats keep scoring
    vectorised. ``text`` holds the free-text items (e.g. Q3 organisation) as
    strings, empty where unanswered. Both share the same index.
    """

    instrument_id: str
    instrument_version: str
    codes: pd.DataFrame
    text: pd.DataFrame

    @property
    def instrument(self) -> Instrument:
        return load_instrument(self.instrument_id, self.instrument_version)

    @property
    def n(self) -> int:
        return len(self.codes)

    @property
    def respondent_ids(self) -> pd.Index:
        return self.codes.index

    def subset(self, mask: np.ndarray | pd.Series) -> ResponseSet:
        mask = np.asarray(mask, dtype=bool)
        return ResponseSet(
            self.instrument_id,
            self.instrument_version,
            self.codes.loc[mask],
            self.text.loc[mask],
        )


def empty_response_set(instrument: Instrument) -> ResponseSet:
    index = pd.Index([], dtype=object, name="respondent_id")
    codes = pd.DataFrame({i.id: pd.Series(dtype=float) for i in instrument.choice_items})
    codes.index = index
    text_ids = [i.id for i in instrument.items.values() if i.type == "text"]
    text = pd.DataFrame({t: pd.Series(dtype=object) for t in text_ids}, index=index)
    return ResponseSet(instrument.id, instrument.version, codes, text)


def from_records(
    instrument: Instrument, records: list[dict[str, object]], ids: list[str] | None = None
) -> ResponseSet:
    """Build a ResponseSet from already-validated dicts of item id -> code or text.

    Callers that take outside input (files, web forms) validate first; this only
    arranges the data.
    """
    ids = ids if ids is not None else [str(i + 1) for i in range(len(records))]
    index = pd.Index([str(i) for i in ids], dtype=object, name="respondent_id")
    choice = [i.id for i in instrument.choice_items]
    text_ids = [i.id for i in instrument.items.values() if i.type == "text"]
    arr = np.full((len(records), len(choice)), np.nan)
    for r, rec in enumerate(records):
        for c, item_id in enumerate(choice):
            value = rec.get(item_id)
            if value is not None and value != "":
                arr[r, c] = float(value)  # type: ignore[arg-type]
    codes = pd.DataFrame(arr, index=index, columns=choice)
    text = pd.DataFrame(
        {t: [str(rec.get(t) or "") for rec in records] for t in text_ids}, index=index, dtype=object
    )
    return ResponseSet(instrument.id, instrument.version, codes, text)
