"""The one way to write SVG markup in Python: :func:`el` builds an element from its
name, attributes and children, and escapes by construction.

Text children and attribute values are escaped here, so no caller escapes by hand
and none can forget to; a child that is already :class:`~markupsafe.Markup` (an
element built by :func:`el`) is kept as it is. Joining with :func:`join` escapes
any plain string it meets, so a string can never slip into a drawing unescaped.

Attribute names are keyword arguments with dashes written as underscores
(``font_size`` -> ``font-size``; ``class_`` -> ``class``), in the order given; a
value of ``None`` leaves the attribute out. Templates that draw SVG (the trend
chart, ``templates/pack/_trend_chart.jinja``) rely on Jinja's autoescaping instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from markupsafe import Markup


def text(value: object) -> str:
    """``value`` as SVG character data or an attribute value: & < > and " escaped.

    What ``xml.sax.saxutils.escape(s, {'"': "&quot;"})`` does, & first, written out:
    importing xml.sax.saxutils loads urllib.request, http.client, ssl and email, a
    few hundredths of a second of every `collabdx report` (issue 15).
    """
    return (
        str(value)
        .replace("&", "&amp;")
        .replace(">", "&gt;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
    )


def _child(child: str | Markup) -> str:
    return str(child) if isinstance(child, Markup) else text(child)


def el(tag: str, *children: str | Markup, **attrs: object) -> Markup:
    """``<tag a="..."...>children</tag>``, or ``<tag .../>`` with no children."""
    names = "".join(
        f' {name.rstrip("_").replace("_", "-")}="{text(value)}"'
        for name, value in attrs.items()
        if value is not None
    )
    if not children:
        return Markup(f"<{tag}{names}/>")  # noqa: S704 - names and values escaped above
    inner = "".join(_child(c) for c in children)
    return Markup(f"<{tag}{names}>{inner}</{tag}>")  # noqa: S704 - escaped above


def join(parts: Iterable[str | Markup]) -> Markup:
    """Elements one after another; a plain string among them is escaped."""
    return Markup("").join(parts)
