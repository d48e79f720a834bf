"""The trend chart geometry now lives in :mod:`collabdx.reports.trend_chart`, so the
PDF workshop pack can draw it without Django; this module keeps the old names."""

from collabdx.reports.trend_chart import (
    DASHES,
    PALETTE,
    SHAPE_NAMES,
    SHAPES,
    Chart,
    EventMark,
    Point,
    PointOut,
    SeriesIn,
    SeriesOut,
    Tick,
    WaveMark,
    line_chart,
    marker_path,
)

__all__ = [
    "DASHES",
    "PALETTE",
    "SHAPES",
    "SHAPE_NAMES",
    "Chart",
    "EventMark",
    "Point",
    "PointOut",
    "SeriesIn",
    "SeriesOut",
    "Tick",
    "WaveMark",
    "line_chart",
    "marker_path",
]
