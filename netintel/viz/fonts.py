"""Fonts for static pictures (matplotlib): Chinese, Japanese and Korean names drawn, not boxes.

matplotlib's default font (DejaVu Sans) has no CJK glyphs: each Chinese label is drawn as
boxes and warns once per missing glyph. :func:`font_family` returns a family list that falls
back from DejaVu Sans to an installed CJK font (matplotlib >= 3.6 falls back glyph by glyph),
finding fonts installed after matplotlib built its font cache (``make setup`` installs
Debian's ``fonts-noto-cjk``). :func:`cjk_rc` is the matching ``rc_context`` settings.

>>> family = font_family()
>>> family[0]
'DejaVu Sans'
"""

from __future__ import annotations

import re
import warnings
from functools import cache
from typing import Any

__all__ = ["CJK_FONTS", "cjk_font", "cjk_rc", "font_family", "has_cjk"]

#: CJK font families, most preferred first (Simplified Chinese first: the case files' language).
CJK_FONTS: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "Noto Serif CJK SC",
)

_CJK_FILE = re.compile(r"cjk|wqy|wenquanyi|droidsansfallback|sourcehan|uming|ukai", re.I)
_CJK_TEXT = re.compile("[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean character.

    Parameters
    ----------
    text : str
        Any text.

    Returns
    -------
    bool
        True when a character of ``text`` is CJK.

    Examples
    --------
    >>> has_cjk("贾涛"), has_cjk("Málaga")
    (True, False)
    """
    return bool(_CJK_TEXT.search(text))


@cache
def cjk_font() -> str | None:
    """The family name of the best installed CJK font, or ``None`` when there is none."""
    from matplotlib import font_manager

    def known() -> set[str]:
        return {f.name for f in font_manager.fontManager.ttflist}

    names = known()
    if not any(name in names for name in CJK_FONTS):
        # fonts installed after matplotlib cached its font list: add them now
        for path in font_manager.findSystemFonts():
            if _CJK_FILE.search(path):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # unreadable font file
                    continue
        names = known()
    return next((name for name in CJK_FONTS if name in names), None)


def font_family() -> list[str]:
    """matplotlib's ``font.family``: DejaVu Sans, then the CJK font when one is installed."""
    cjk = cjk_font()
    return ["DejaVu Sans", cjk] if cjk else ["DejaVu Sans"]


def cjk_rc(texts: Any = ()) -> dict[str, Any]:
    """``rc_context`` settings that draw CJK labels; warns once if ``texts`` need a missing font.

    Without a CJK font the labels still draw (as boxes) and matplotlib's per-glyph warnings
    are replaced by this one warning naming the package to install.

    Parameters
    ----------
    texts : iterable, default ()
        The labels to be drawn (each taken as ``str``); they decide whether to warn.

    Returns
    -------
    dict of str to object
        Matplotlib settings (``font.family``) for :func:`matplotlib.rc_context`.
    """
    if cjk_font() is None and any(has_cjk(str(t)) for t in texts):
        warnings.warn(
            "no CJK font is installed, so Chinese, Japanese and Korean labels are drawn as "
            "boxes: install one (Debian/Ubuntu: apt-get install fonts-noto-cjk)",
            stacklevel=2,
        )
    return {"font.family": font_family()}
