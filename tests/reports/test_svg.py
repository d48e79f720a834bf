"""reports.svg: the one SVG builder escapes text and attribute values by construction."""

from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup

from collabdx.reports.svg import el, join, text


def test_text_and_attributes_are_escaped():
    hostile = '</text><script>alert("x")</script> & co'
    out = el("text", hostile, x="1.0", data_label='a" onload="b')
    assert "<script>" not in out and 'onload="b"' not in out
    assert out == Markup(
        '<text x="1.0" data-label="a&quot; onload=&quot;b">'
        "&lt;/text&gt;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</text>"
    )


def test_elements_nest_unescaped_and_empty_ones_close_themselves():
    inner = el("rect", width=12, stroke_width=0.5, class_="c", missing=None)
    assert inner == '<rect width="12" stroke-width="0.5" class="c"/>'
    assert el("g", inner, "a<b") == '<g><rect width="12" stroke-width="0.5" class="c"/>a&lt;b</g>'


def test_join_escapes_a_plain_string_among_elements():
    assert join([el("g"), "<b>"]) == "<g/>&lt;b&gt;"


@given(st.text(alphabet=st.sampled_from(list("&<>\"'a ;#x1")) | st.characters(), max_size=40))
def test_text_escapes_as_xml_sax_saxutils_does(value):
    """svg.text writes out saxutils.escape with the quote entity (issue 15: importing
    xml.sax.saxutils loaded urllib and ssl into every pack)."""
    from xml.sax.saxutils import escape

    assert text(value) == escape(value, {'"': "&quot;"})
    assert text(12.5) == "12.5"
