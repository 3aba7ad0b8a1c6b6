"""The map page: vis-network and netintel's own CSS/JS inlined into one HTML file.

vis-network comes from the copy bundled with pyvis (``pyvis/templates/lib``);
pyvis's own page template is not used, because it links Bootstrap from a CDN.
The page carries a Content-Security-Policy that forbids every fetch, so a map
cannot reach the network even if a later change tried to.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

from markupsafe import Markup

from netintel.pages import inline, render, static_text

__all__ = ["CSP", "page_html", "remote_references", "vis_assets"]

#: No request of any kind may leave the page: scripts and styles are inline, images data: URIs.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data: blob:; base-uri 'none'; form-action 'none'"
)

_VIS_DIR = "templates/lib/vis-9.1.2"
_ATTR = re.compile(r"\b(?:src|href)\s*=\s*[\"']((?:https?:|//|\.\./)[^\"']*)[\"']", re.I)
_CSS_URL = re.compile(r"url\(\s*[\"']?((?:https?:|//)[^\"')]*)", re.I)


def remote_references(text: str) -> list[str]:
    """Every ``src``/``href``/CSS ``url()`` in ``text`` that points off the page.

    Parameters
    ----------
    text : str
        An HTML page (or CSS).

    Returns
    -------
    list of str
        The ``src``/``href`` values starting with ``http:``, ``https:``, ``//`` or
        ``../``, then the CSS ``url()`` ones starting with ``http:``, ``https:`` or ``//``.

    Examples
    --------
    >>> remote_references('<link href="https://cdn.example/x.css"><img src="data:x">')
    ['https://cdn.example/x.css']
    """
    return _ATTR.findall(text) + _CSS_URL.findall(text)


@cache
def vis_assets() -> tuple[str, str]:
    """The vis-network JavaScript and CSS shipped with pyvis."""
    lib = files("pyvis").joinpath(_VIS_DIR)
    js = lib.joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = lib.joinpath("vis-network.css").read_text(encoding="utf-8")
    # the bundle ends with a source-map comment naming a file that is not shipped
    js = re.sub(r"//# sourceMappingURL=\S+\s*$", "", js)
    if re.search(r"</script|<!--", js, re.IGNORECASE):  # would end the inline <script> early
        raise RuntimeError("the vis-network bundle cannot be inlined as it is")
    return js, css.replace("</", "<\\/")


def _script_json(data: Any) -> str:
    """JSON safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(title: str, data: dict[str, Any]) -> str:
    """The whole map page for ``data`` (the payload the inline JavaScript reads).

    Parameters
    ----------
    title : str
        The page's title and heading (escaped).
    data : dict
        The map: nodes, edges, styles, legend (see :func:`netintel.viz.maps.map_html`).

    Returns
    -------
    str
        One HTML page, vis-network and the map's CSS and JavaScript inlined
        (``templates/map.html.j2``, ``static/map.css``, ``static/map.js``).

    Examples
    --------
    >>> page = page_html("a <b>", {"nodes": {}})
    >>> "<title>a &lt;b&gt;</title>" in page, f'content="{CSP}"' in page
    (True, True)
    """
    vis_js, vis_css = vis_assets()
    return render(
        "map.html.j2",
        title=title,
        csp=Markup(CSP),  # a constant
        vis_css=inline(vis_css, "style"),
        css=inline(static_text("map.css"), "style"),
        vis_js=inline(vis_js, "script"),
        data=inline(_script_json(data), "script"),
        js=inline(static_text("map.js"), "script"),
    )
