"""HTML pages from Jinja2 templates, with their CSS and JavaScript inlined, and Markdown as HTML.

Every HTML page netintel writes (the map, the case report, the batch report, the contest
leaderboard) is a template in ``netintel/templates/`` (``*.html.j2``) filled by
:func:`render`, with autoescaping on: a value from the case data is always escaped. The
pages' own CSS and JavaScript are files in ``netintel/static/``, read by :func:`static_text`
and inlined into the page at render time by :func:`inline`, so
every page stays one offline file that fetches nothing.

Reports are written once, as Markdown; :func:`markdown_html` renders that Markdown as HTML
(CommonMark with tables, raw HTML, links and images off: the text holds case data, and a
name may hold ``<script>``).

>>> print(markdown_html("# T\\n\\n| a |\\n|--:|\\n| <b> |"))
<h1>T</h1>
<table>
<thead>
<tr>
<th style="text-align:right">a</th>
</tr>
</thead>
<tbody>
<tr>
<td style="text-align:right">&lt;b&gt;</td>
</tr>
</tbody>
</table>
<BLANKLINE>
"""

from __future__ import annotations

import re
from functools import cache
from importlib.resources import files
from typing import Any, Literal

import jinja2
from markdown_it import MarkdownIt
from markupsafe import Markup

__all__ = ["inline", "markdown_html", "markdown_page", "render", "static_text"]

_PACKAGE = "netintel"
#: What would end an inline element early, and how an error message says it.
_ENDS = {
    "style": re.compile(r"</style", re.IGNORECASE),
    "script": re.compile(r"</script|<!--", re.IGNORECASE),
}
_ENDS_SAID = {"style": "'</style'", "script": "'</script' or '<!--'"}


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader(_PACKAGE, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, **context: Any) -> str:
    """The page ``netintel/templates/<template>`` filled with ``context`` (autoescaped).

    Parameters
    ----------
    template : str
        The template's file name, e.g. ``"leaderboard.html.j2"``.
    **context
        The template's variables. Plain strings are escaped; CSS, JavaScript and
        rendered Markdown come in as :class:`markupsafe.Markup` from
        :func:`inline` and :func:`markdown_html`.

    Returns
    -------
    str
        The page's text.
    """
    return _environment().get_template(template).render(**context)


@cache
def static_text(name: str) -> str:
    """The text of ``netintel/static/<name>`` (a page's CSS or JavaScript).

    Parameters
    ----------
    name : str
        The file name, e.g. ``"map.css"``.

    Returns
    -------
    str

    Examples
    --------
    >>> "#ni-legend" in static_text("map.css")
    True
    """
    return files(_PACKAGE).joinpath("static", name).read_text(encoding="utf-8")


def inline(text: str, element: Literal["style", "script"]) -> Markup:
    """``text`` (a style sheet or a script) as markup for a ``<style>`` or ``<script>`` element.

    Parameters
    ----------
    text : str
        CSS, JavaScript, or JSON already escaped for a script element.
    element : {"style", "script"}
        The element it goes into.

    Returns
    -------
    Markup
        The same text, marked safe.

    Raises
    ------
    ValueError
        If the text would end the element early (``</style``; ``</script`` or ``<!--``).

    Examples
    --------
    >>> inline("b { color: red }", "style"), inline("var a = 1 < 2;", "script")
    (Markup('b { color: red }'), Markup('var a = 1 < 2;'))
    >>> inline("'</script>'", "script")
    Traceback (most recent call last):
    ...
    ValueError: this script cannot be inlined: it holds '</script' or '<!--'
    """
    if _ENDS[element].search(text):
        what = "CSS" if element == "style" else "script"
        raise ValueError(f"this {what} cannot be inlined: it holds {_ENDS_SAID[element]}")
    return Markup(text)  # checked above: it cannot leave the element


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    return md.disable(["link", "image", "autolink"])  # nothing on a page may point off it


def markdown_html(text: str) -> Markup:
    """Markdown ``text`` as HTML: CommonMark and pipe tables, raw HTML escaped, no links.

    Parameters
    ----------
    text : str
        Markdown (a report's ``report.md``).

    Returns
    -------
    Markup
        The HTML, for a template's body.

    Examples
    --------
    >>> print(markdown_html("Ann <script>x</script> [a](https://example.org) `map.html`"))
    <p>Ann &lt;script&gt;x&lt;/script&gt; [a](https://example.org) <code>map.html</code></p>
    <BLANKLINE>
    """
    return Markup(_markdown().render(text))  # html off: the input is escaped


def markdown_page(title: str, markdown: str, *, css: str) -> str:
    """A whole HTML page showing ``markdown`` (a report), its style sheet inlined.

    Parameters
    ----------
    title : str
        The page's title (escaped).
    markdown : str
        The page's content, as :func:`markdown_html` renders it.
    css : str
        The style sheet's name in ``netintel/static/``, e.g. ``"report.css"``.

    Returns
    -------
    str
        The page (``templates/markdown.html.j2``): no scripts, nothing fetched.

    Examples
    --------
    >>> page = markdown_page("R & D", "# R & D", css="report.css")
    >>> "<title>R &amp; D</title>" in page, "<h1>R &amp; D</h1>" in page
    (True, True)
    """
    return render(
        "markdown.html.j2",
        title=title,
        css=inline(static_text(css), "style"),
        body=markdown_html(markdown),
    )
