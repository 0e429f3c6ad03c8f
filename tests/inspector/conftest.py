"""A real headless Chromium for the inspector's browser tests: the system's own (Debian's
``chromium`` package), driven by Playwright. Nothing here downloads a browser.

Without a Chromium the browser tests are skipped, saying how to get one; with
``REGISTRAR_MOCK_REQUIRE_BROWSER=1`` (CI) they fail instead, so they always run there.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
NO_BROWSER = (
    "the inspector's browser tests need Chromium and found none: install Debian's chromium "
    "package (sudo apt-get install chromium), or set REGISTRAR_MOCK_CHROMIUM to a Chromium"
)


def chromium() -> str | None:
    given = os.environ.get("REGISTRAR_MOCK_CHROMIUM")
    if given:
        return given if Path(given).is_file() else None
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def pytest_report_header(config: pytest.Config) -> list[str]:
    from tests.inspector.firefox import executable

    chrome = chromium() or "none, its tests skip (apt-get install chromium)"
    fox = executable() or "none, its test skips (apt-get install firefox-esr)"
    return [f"inspector in Chromium: {chrome}", f"inspector in Firefox: {fox}"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium()
    if executable is None:
        if os.environ.get("REGISTRAR_MOCK_REQUIRE_BROWSER") == "1":
            pytest.fail(NO_BROWSER)
        pytest.skip(NO_BROWSER)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-background-networking"],
        )
        try:
            yield launched
        finally:
            launched.close()
