"""Headless Chromium for checking maps as a person would see them (tests, benchmarks).

Uses Debian's ``chromium`` and ``chromium-driver`` through Selenium (the ``dev``
extra); nothing is downloaded. The browser runs offline: background
networking is off, every host name resolves to nothing, and a proxy that does
not exist catches whatever else would leave.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

__all__ = [
    "CHROMEDRIVER",
    "CHROMIUM",
    "OFFLINE_FLAGS",
    "browser_missing",
    "chromium",
    "page_requests",
    "severe_logs",
]

_BROWSER_PAGES = ("chrome:", "chrome-untrusted:", "devtools:")

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")

#: Flags for a headless, offline, throw-away browser.
OFFLINE_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
)


def browser_missing() -> str | None:
    """Why Chromium cannot run here (None when it can)."""
    chromium_bin = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    driver_bin = CHROMEDRIVER if CHROMEDRIVER.exists() else shutil.which("chromedriver")
    if not chromium_bin:
        return "Debian's chromium is not installed (make browser installs it)"
    if not driver_bin:
        return "Debian's chromium-driver is not installed (make browser installs it)"
    return None


@contextmanager
def chromium(
    width: int = 1400, height: int = 900, *, downloads: Path | None = None
) -> Iterator[Any]:
    """A headless Chromium WebDriver with a fresh profile, closed on exit.

    Browser console and network events are logged (``severe_logs``, ``page_requests``).

    Parameters
    ----------
    width, height : int, default 1400 and 900
        The window's size in pixels.
    downloads : pathlib.Path, optional
        A folder where the files a page downloads are saved, without asking (Chromium's
        ``download.default_directory`` preference). None (the default) keeps Chromium's.

    Yields
    ------
    selenium.webdriver.Chrome
        The driver, on ``about:blank``.

    Raises
    ------
    RuntimeError
        When Chromium or its driver is not installed.
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    missing = browser_missing()
    if missing:
        raise RuntimeError(missing)
    profile = tempfile.mkdtemp(prefix="netintel-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM if CHROMIUM.exists() else shutil.which("chromium"))
    for flag in (*OFFLINE_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    if downloads is not None:
        options.add_experimental_option(
            "prefs",
            {
                "download.default_directory": str(Path(downloads).resolve()),
                "download.prompt_for_download": False,
                "download.directory_upgrade": True,
            },
        )
    driver_path = CHROMEDRIVER if CHROMEDRIVER.exists() else shutil.which("chromedriver")
    driver = webdriver.Chrome(service=Service(str(driver_path)), options=options)
    try:
        driver.get("about:blank")  # leave the new-tab page, which loads chrome:// resources
        driver.get_log("performance")
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def severe_logs(driver: Any) -> list[str]:
    """Console messages at level SEVERE (JavaScript errors, failed loads) since the last call.

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        A driver from :func:`chromium`.

    Returns
    -------
    list of str
        The messages.
    """
    return [e["message"] for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def page_requests(driver: Any) -> list[str]:
    """URLs of every request web pages sent since the last call (from the performance log).

    Requests of the browser's own pages (``chrome://``) are left out.

    Parameters
    ----------
    driver : selenium.webdriver.Chrome
        A driver from :func:`chromium`.

    Returns
    -------
    list of str
        The requested URLs.
    """
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") != "Network.requestWillBeSent":
            continue
        params = message["params"]
        if str(params.get("documentURL", "")).startswith(_BROWSER_PAGES):
            continue
        urls.append(params["request"]["url"])
    return urls
