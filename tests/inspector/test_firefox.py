"""The inspector in a real headless Firefox (Debian's firefox-esr, over WebDriver BiDi):
the same page, the same live updates and buttons as in Chromium."""

from __future__ import annotations

import os
from collections.abc import Iterator

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.testing.live import LiveServer
from tests.helpers import ACCOUNT, TOKEN
from tests.inspector.firefox import Firefox, executable

NO_FIREFOX = (
    "the inspector's Firefox test needs Firefox and found none: install Debian's firefox-esr "
    "package (sudo apt-get install firefox-esr)"
)


@pytest.fixture(scope="module")
def firefox() -> Iterator[Firefox]:
    binary = executable()
    if binary is None:
        if os.environ.get("REGISTRAR_MOCK_REQUIRE_BROWSER") == "1":
            pytest.fail(NO_FIREFOX)
        pytest.skip(NO_FIREFOX)
    with Firefox(binary) as browser:
        yield browser


def text(selector: str) -> str:
    return f"document.querySelector({selector!r}).textContent"


def test_the_inspector_runs_in_firefox(firefox: Firefox) -> None:
    app = create_app("action-required")
    live = LiveServer(app).start()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    api = httpx.Client(
        base_url=f"{live.origin}/client/v4/accounts/{ACCOUNT}/registrar", headers=headers
    )
    try:
        firefox.goto(f"{live.origin}/")
        assert firefox.evaluate("location.pathname") == "/__mock__/ui"
        firefox.wait_for(f"{text('#connection')} === 'Live'")

        # A registration made through the API appears, and Confirm moves it on.
        api.post("/registrations", json={"domain_name": "in-firefox.com"})
        app.control.advance(10)
        buttons = "[...document.querySelectorAll('#registrations button')]"
        confirm = f"{buttons}.find(b => b.textContent === 'Confirm')"
        firefox.wait_for(f"Boolean({confirm})")
        firefox.evaluate(f"{confirm}.click()")
        firefox.wait_for(f"{text('#notice')} === 'Confirmed in-firefox.com'")
        status = api.get("/registrations/in-firefox.com/registration-status")
        assert status.json()["result"]["state"] == "in_progress"

        # Advance by 2d, from the form.
        firefox.evaluate(
            "document.getElementById('advance-by').value = '2d';"
            "document.getElementById('advance-form').requestSubmit()"
        )
        firefox.wait_for(f"{text('#clock-now')} === '2026-01-03 00:00:10 UTC'")
        assert app.control.clock_json()["now"] == "2026-01-03T00:00:10Z"

        # The journal shows each request as it comes.
        api.get("/registrations")
        firefox.wait_for("document.querySelectorAll('#journal-body tr.entry').length === 3")
        assert "registrar-domain-registration-list" in firefox.evaluate(text("#journal-body tr"))
        assert firefox.errors() == []
    finally:
        api.close()
        live.stop()
