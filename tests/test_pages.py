"""`netintel.pages`: templates, inlined CSS/JS and Markdown rendered once, safe for case data."""

from __future__ import annotations

import pandas as pd
import pytest

from netintel.pages import inline, markdown_page, render, static_text
from netintel.report import Section, render_html, render_markdown
from netintel.viz import remote_references

HOSTILE = "<script>alert(1)</script> [click](https://evil.example) <https://evil.example/x>"


def test_case_data_in_a_report_is_shown_as_text_never_as_markup_or_a_link() -> None:
    table = pd.DataFrame({"person": ["P1", "P2"], "name": [HOSTILE, "Ann & Bo"]})
    md = render_markdown("Case", [Section("People", ["Names as recorded:", table])])
    page = render_html("Case", md)
    assert "<script" not in page and remote_references(page) == []
    assert "href" not in page
    body = page.split("<body>", 1)[1]
    assert body.count("<table>") == 1 and body.count("<tr>") == 3  # header and two people
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "Ann &amp; Bo" in body
    assert "<h1>Case</h1>" in body and "<h2>People</h2>" in body


def test_a_page_title_is_escaped_and_its_style_sheet_inlined() -> None:
    page = markdown_page("</title><script>x</script>", "text", css="batch-report.css")
    assert "<title>&lt;/title&gt;&lt;script&gt;x&lt;/script&gt;</title>" in page
    assert f"<style>\n{static_text('batch-report.css')}</style>" in page


def test_nothing_that_would_close_its_element_is_inlined() -> None:
    with pytest.raises(ValueError, match="</style"):
        inline("a{} </STYLE><script>", "style")
    with pytest.raises(ValueError, match="<!--"):
        inline("var s = '<!--';", "script")
    assert str(inline("a > b { }", "style")) == "a > b { }"  # kept as it is, not escaped


def test_templates_escape_what_they_are_given() -> None:
    page = render(
        "leaderboard.html.j2",
        title="Board",
        css=inline("", "style"),
        challenge_id="<C>",
        when="now",
        columns=[{"name": "Team", "cls": "team"}],
        rows=[{"baseline": False, "cells": [{"text": "<b>x</b>", "cls": "team"}]}],
        weights="w",
        problems=[],
    )
    assert "Challenge &lt;C&gt;" in page and '<td class="team">&lt;b&gt;x&lt;/b&gt;</td>' in page
