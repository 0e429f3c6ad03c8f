"""The inspector in a real headless Chromium, used as a person would: it shows what the
API does as it happens, and its buttons and forms move the mock along."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Page, expect

from registrar_mock import MockApp, create_app
from registrar_mock.testing.live import LiveServer
from tests.helpers import ACCOUNT, ROOT, TOKEN

CONTROL_TOKEN = "inspector-browser-token"
# The README's picture, written by test_the_readme_screenshot when this is set.
SCREENSHOT = "REGISTRAR_MOCK_SCREENSHOT"

expect.set_options(timeout=10_000)


class Served:
    """A mock behind a real server on 127.0.0.1, and a client of its Registrar API."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.live = LiveServer(app).start()
        self.origin = self.live.origin
        self.api = httpx.Client(
            base_url=f"{self.origin}/client/v4/accounts/{ACCOUNT}/registrar",
            headers={"Authorization": f"Bearer {TOKEN}"},
        )

    def control(self, method: str, path: str, body: Any = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.app.control.control_token:
            headers["Authorization"] = f"Bearer {self.app.control.control_token}"
        answer = httpx.request(
            method,
            f"{self.origin}/__mock__{path}",
            headers=headers,
            content=None if body is None else json.dumps(body),
        )
        assert answer.is_success, answer.text
        return answer.json()["result"]

    def register(self, domain: str) -> None:
        answer = self.api.post("/registrations", json={"domain_name": domain})
        assert answer.status_code in (201, 202), answer.text

    def close(self) -> None:
        self.api.close()
        self.live.stop()


@pytest.fixture
def served() -> Iterator[Served]:
    mock = Served(create_app("action-required"))
    yield mock
    mock.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Page]:
    """A fresh tab (its own session storage) that fails the test on any script error."""
    context = browser.new_context(viewport={"width": 1360, "height": 900}, accept_downloads=True)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    # A refused call is reported by the browser itself ("Failed to load resource"); the
    # tests that provoke one check what the page says. Anything else is a fault of ours.
    tab.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    yield tab
    context.close()
    assert errors == [], errors


def open_inspector(page: Page, served: Served) -> None:
    page.goto(f"{served.origin}/")  # the root sends a browser to the inspector
    assert page.url == f"{served.origin}/__mock__/ui"
    expect(page.locator("#connection")).to_have_text("Live")


def card(page: Page, section: str, domain: str) -> Any:
    return page.locator(f"#{section} article", has=page.get_by_role("heading", name=domain))


def test_a_registration_made_through_the_api_appears_without_a_reload(
    page: Page, served: Served
) -> None:
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    open_inspector(page, served)
    expect(page.locator("#registrations")).to_contain_text("No registrations yet.")
    served.register("appears-live.com")
    registration = card(page, "registrations", "appears-live.com")
    expect(registration).to_be_visible()
    expect(registration).to_contain_text("registration_pending")
    expect(page.locator("#accounts")).to_contain_text("1 of 100")
    assert loads == [f"{served.origin}/__mock__/ui"]  # one load: no reload happened


def test_confirm_moves_an_action_required_workflow_on(page: Page, served: Served) -> None:
    open_inspector(page, served)
    served.register("confirm-me.com")
    served.control("POST", "/clock/advance", {"by": "10s"})
    registration = card(page, "registrations", "confirm-me.com")
    current = registration.locator(".timeline [aria-current=step]")
    expect(current).to_contain_text("action_required")
    expect(registration).to_contain_text("Waits for the user: Confirm or Reject")
    registration.get_by_role("button", name="Confirm").click()
    expect(page.locator("#notice")).to_have_text("Confirmed confirm-me.com")
    expect(current).to_contain_text("in_progress")
    expect(registration.get_by_role("button", name="Confirm")).to_have_count(0)
    status = served.api.get("/registrations/confirm-me.com/registration-status")
    assert status.json()["result"]["state"] == "in_progress"
    served.control("POST", "/clock/advance", {"by": "5s"})
    expect(registration.locator("h3")).to_contain_text("active")
    expect(page.locator("#charges")).to_contain_text("confirm-me.com")


def test_reject_fails_it(page: Page, served: Served) -> None:
    open_inspector(page, served)
    served.register("reject-me.com")
    served.control("POST", "/clock/advance", {"by": "10s"})
    card(page, "registrations", "reject-me.com").get_by_role("button", name="Reject").click()
    expect(page.locator("#notice")).to_have_text("Rejected reject-me.com")
    expect(card(page, "registrations", "reject-me.com")).to_have_count(0)
    status = served.api.get("/registrations/reject-me.com/registration-status")
    assert status.json()["result"]["state"] == "failed"


@pytest.mark.parametrize(
    ("by", "shown", "instant", "a_day_on"),
    [
        ("2d", "2026-01-03 00:00:00 UTC", "2026-01-03T00:00:00Z", "2026-01-04 00:00:00 UTC"),
        ("90", "2026-01-01 00:01:30 UTC", "2026-01-01T00:01:30Z", "2026-01-02 00:01:30 UTC"),
        ("1h", "2026-01-01 01:00:00 UTC", "2026-01-01T01:00:00Z", "2026-01-02 01:00:00 UTC"),
    ],
)
def test_advance_by_moves_the_clock_and_the_display(
    page: Page, served: Served, by: str, shown: str, instant: str, a_day_on: str
) -> None:
    open_inspector(page, served)
    clock = page.locator("#clock-now")
    expect(clock).to_have_text("2026-01-01 00:00:00 UTC")
    field = page.get_by_label("Advance by", exact=True)
    field.fill(by)
    field.press("Enter")  # the form submits from the keyboard
    expect(clock).to_have_text(shown)
    assert served.control("GET", "/clock")["now"] == instant
    page.get_by_role("button", name="+1d").click()  # a quick button
    expect(clock).to_have_text(a_day_on)


def test_a_bad_duration_is_refused_in_words(page: Page, served: Served) -> None:
    open_inspector(page, served)
    page.get_by_label("Advance by", exact=True).fill("soon")
    page.get_by_role("button", name="Advance", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("is not a duration")
    assert served.control("GET", "/clock")["now"] == "2026-01-01T00:00:00Z"


def test_a_fault_added_in_the_ui_fires_on_the_next_api_request_and_the_journal_shows_it(
    page: Page, served: Served
) -> None:
    open_inspector(page, served)
    form = page.locator("#fault-form")
    form.get_by_label("Operation").select_option("registrar-domain-registration-list")
    form.get_by_label("Status").fill("503")
    form.get_by_label("Error code").fill("10503")
    form.get_by_label("Message").fill("Registry maintenance")
    form.get_by_label("Times").fill("1")
    form.get_by_role("button", name="Add fault").click()
    expect(page.locator("#notice")).to_have_text("Added fault fault-1")
    rule = page.locator("#faults-body tr", has_text="fault-1")
    expect(rule).to_contain_text("registrar-domain-registration-list")

    answer = served.api.get("/registrations")
    assert answer.status_code == 503
    assert answer.json()["errors"] == [{"code": 10503, "message": "Registry maintenance"}]
    expect(rule.locator("td").nth(4)).to_have_text("1")  # fired once
    assert served.api.get("/registrations").status_code == 200  # and only once

    row = page.locator("#journal-body tr.entry", has_text="503")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("GET")
    expect(row).to_contain_text("registrar-domain-registration-list")
    expect(row).to_contain_text(f"/client/v4/accounts/{ACCOUNT}/registrar/registrations")
    row.get_by_role("button").click()
    details = page.locator("#journal-body tr.details")
    expect(details).to_contain_text("Registry maintenance")
    expect(details).to_contain_text("Bearer ***")  # the credential, masked
    page.get_by_label("Filter journal").fill("503")
    expect(page.locator("#journal-body tr.entry:visible")).to_have_count(1)
    page.get_by_label("Filter journal").fill("")
    expect(page.locator("#journal-body tr.entry:visible")).to_have_count(2)


def test_a_fault_rule_is_removed_from_its_row(page: Page, served: Served) -> None:
    served.control("POST", "/faults", {"id": "slow-list", "effect": {"latency": 0.01}})
    open_inspector(page, served)
    page.get_by_role("button", name="Remove fault slow-list").click()
    expect(page.locator("#faults-body")).to_contain_text("No fault rules.")
    assert served.control("GET", "/faults") == []


def test_transfers_are_answered_from_their_card(page: Page) -> None:
    served = Served(create_app("transfer-rejected"))
    try:
        open_inspector(page, served)
        expect(page.locator("#transfers")).to_be_hidden()  # none yet
        code = base64.b64encode(b"Ask-Again-6").decode()
        answer = served.api.post(
            "/registrations/held-back.net/transfer-in", json={"auth_code": code}
        )
        assert answer.status_code == 202
        served.control("POST", "/clock/advance", {"by": "61s"})
        transfer = card(page, "transfers", "held-back.net")
        expect(transfer).to_contain_text("the losing registrar: Confirm (approve) or Reject")
        transfer.get_by_role("button", name="Reject").click()
        expect(transfer).to_contain_text("transfer_rejected")
        status = served.api.get("/registrations/held-back.net/transfer-in-status")
        assert status.json()["result"]["state"] == "failed"
    finally:
        served.close()


def test_the_token_is_asked_for_once_and_kept_for_the_tab_only(browser: Any) -> None:
    served = Served(create_app("action-required", control_token=CONTROL_TOKEN))
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{served.origin}/__mock__/ui")
        dialog = page.get_by_role("dialog")
        expect(dialog).to_be_visible()
        dialog.get_by_label("Control token").fill("not-the-token")
        dialog.get_by_role("button", name="Unlock").click()
        expect(dialog).to_contain_text("That token was refused")
        dialog.get_by_label("Control token").fill(CONTROL_TOKEN)
        dialog.get_by_label("Control token").press("Enter")
        expect(dialog).to_be_hidden()
        expect(page.locator("#scenario-name")).to_have_text("action-required")
        expect(page.locator("#connection")).to_have_text("Live")

        # Kept for the tab: a reload asks no more. Never in a cookie, never in the URL.
        page.reload()
        expect(page.locator("#connection")).to_have_text("Live")
        expect(dialog).to_be_hidden()
        stored = page.evaluate("sessionStorage.getItem('registrar-mock:control-token')")
        assert stored == CONTROL_TOKEN
        assert context.cookies() == [] and page.evaluate("document.cookie") == ""
        assert CONTROL_TOKEN not in page.url
        page.get_by_label("Advance by", exact=True).fill("1h")
        page.get_by_role("button", name="Advance", exact=True).click()
        expect(page.locator("#clock-now")).to_have_text("2026-01-01 01:00:00 UTC")

        # Another tab has its own storage, and asks again.
        other = context.new_page()
        other.goto(f"{served.origin}/__mock__/ui")
        expect(other.get_by_role("dialog")).to_be_visible()
    finally:
        context.close()
        served.close()


def test_it_can_be_driven_from_the_keyboard(page: Page, served: Served) -> None:
    open_inspector(page, served)
    served.register("keys.com")
    served.control("POST", "/clock/advance", {"by": "10s"})
    confirm = card(page, "registrations", "keys.com").get_by_role("button", name="Confirm")
    expect(confirm).to_be_visible()
    page.get_by_label("Advance by", exact=True).focus()
    for _ in range(60):  # Tab through the page until the Confirm button has the focus
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Confirm":
            break
    else:
        pytest.fail("Tab never reached the Confirm button")
    page.keyboard.press("Enter")
    expect(page.locator("#notice")).to_have_text("Confirmed keys.com")
    # The button is gone with the step it answered; the keyboard goes on from the message.
    expect(page.locator("#notice")).to_be_focused()


def test_scenarios_switch_upload_and_state_round_trip(
    page: Page, served: Served, tmp_path: Path
) -> None:
    open_inspector(page, served)
    page.get_by_label("Scenario", exact=True).select_option("near-limit")
    page.get_by_role("button", name="Switch").click()
    expect(page.locator("#scenario-name")).to_have_text("near-limit")
    expect(page.locator("#accounts")).to_contain_text("99 of 100")

    with page.expect_download() as waiting:
        page.get_by_role("button", name="Download state").click()
    saved = tmp_path / "state.json"
    waiting.value.save_as(saved)
    export = json.loads(saved.read_text())
    assert export["format"] == "registrar-mock-state"

    served.register("one-more.com")  # the 100th
    expect(page.locator("#accounts")).to_contain_text("100 of 100")
    page.get_by_role("button", name="Reset").click()
    expect(page.locator("#notice")).to_have_text("Reset to the scenario's start")
    expect(page.locator("#accounts")).to_contain_text("99 of 100")
    world = tmp_path / "my-world.yaml"
    world.write_text("name: my-world\ndescription: from a file\n")
    page.get_by_label("Upload scenario").set_input_files(world)
    expect(page.locator("#scenario-name")).to_have_text("my-world")
    expect(page.locator("#scenario-description")).to_have_text("from a file")

    broken = tmp_path / "broken.yaml"
    broken.write_text("name: broken\naccounts: [{id: 7}]\n")
    page.get_by_label("Upload scenario").set_input_files(broken)
    expect(page.get_by_role("alert")).to_contain_text("broken.yaml: accounts[0].id")
    expect(page.locator("#scenario-name")).to_have_text("my-world")

    page.get_by_label("Upload state").set_input_files(saved)
    expect(page.locator("#scenario-name")).to_have_text("near-limit")
    expect(page.locator("#accounts")).to_contain_text("99 of 100")


def test_the_readme_screenshot(page: Page, tmp_path: Path) -> None:
    """A representative page: a workflow waiting, a transfer blocked, a fault, the journal.
    With REGISTRAR_MOCK_SCREENSHOT=docs/inspector.png (`make screenshot`) it is the README's
    picture."""
    served = Served(create_app("transfer-rejected"))
    try:
        flaky = {
            "id": "flaky-check",
            "operations": ["registrar-domain-discovery-check"],
            "probability": 0.3,
            "effect": {"status": 429, "code": 10000},
        }
        served.control("POST", "/faults", flaky)
        code = base64.b64encode(b"Ask-Again-6").decode()
        served.api.post("/registrations/held-back.net/transfer-in", json={"auth_code": code})
        served.api.post("/domain-check", json={"domains": ["fresh-idea.com", "example.com"]})
        served.register("fresh-idea.com")
        served.control("POST", "/clock/advance", {"by": "61s"})
        served.api.get("/registrations")
        open_inspector(page, served)
        expect(card(page, "transfers", "held-back.net")).to_be_visible()
        expect(page.locator("#journal-body tr.entry")).to_have_count(4)
        target = Path(os.environ.get(SCREENSHOT) or tmp_path / "inspector.png")
        if not target.is_absolute():
            target = ROOT / target
        page.screenshot(path=str(target), full_page=True)
        assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        served.close()
