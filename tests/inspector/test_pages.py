"""The inspector's page over HTTP: served whole from the package, safe to link to, and
behind the control API's token and cross-site rules wherever it touches state."""

from __future__ import annotations

import re
from collections.abc import Iterator

import httpx
import pytest

from registrar_mock import MockApp, create_app, spec
from registrar_mock.control.api import TABLE
from registrar_mock.inspector.routes import ASSETS
from registrar_mock.testing import SyncASGITransport
from tests.helpers import JSON, TOKEN, register

ORIGIN = "http://127.0.0.1:8787"
SECRET = "inspector-control-token"


def client_of(app: MockApp, **headers: str) -> httpx.Client:
    return httpx.Client(transport=SyncASGITransport(app), base_url=ORIGIN, headers=headers)


@pytest.fixture
def app() -> MockApp:
    served = create_app()
    served.listen_on("127.0.0.1")  # as `serve` does: loopback names only
    return served


@pytest.fixture
def browser(app: MockApp) -> Iterator[httpx.Client]:
    with client_of(app, accept="text/html") as client:
        yield client


def test_a_browser_at_the_root_is_sent_to_the_inspector(browser: httpx.Client) -> None:
    answer = browser.get("/")
    assert answer.status_code == 307
    assert answer.headers["location"] == "/__mock__/ui"
    page = browser.get("/", follow_redirects=True)
    assert page.status_code == 200 and "<title>registrar-mock inspector</title>" in page.text


def test_a_program_at_the_root_gets_cloudflares_no_route(app: MockApp) -> None:
    with client_of(app, authorization=f"Bearer {TOKEN}") as program:
        answer = program.get("/")
    assert answer.status_code == 400
    assert answer.json()["errors"][0]["code"] == 7000


def test_the_page_loads_only_its_own_files_and_each_is_served(browser: httpx.Client) -> None:
    page = browser.get("/__mock__/ui")
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    referenced = re.findall(r'(?:src|href)="([^"#]+)"', page.text)
    assert sorted(referenced) == sorted(f"/__mock__/ui{suffix}" for suffix in ASSETS if suffix)
    for path in referenced:
        asset = browser.get(path)
        assert asset.status_code == 200, path
        assert asset.content  # a file of the package, not an empty stub
    assert "text/javascript" in browser.get("/__mock__/ui/inspector.js").headers["content-type"]
    assert browser.get("/__mock__/ui/icon.svg").headers["content-type"] == "image/svg+xml"


def test_the_page_runs_only_its_own_script_and_cannot_be_framed(browser: httpx.Client) -> None:
    headers = browser.get("/__mock__/ui").headers
    policy = headers["content-security-policy"]
    assert "script-src 'self'" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy and "connect-src 'self'" in policy
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in browser.get("/__mock__/ui").text  # no inline script to allow


def test_any_site_may_link_to_the_page_but_not_read_or_change_state(
    browser: httpx.Client,
) -> None:
    linked = {"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"}
    assert browser.get("/__mock__/ui", headers=linked).status_code == 200
    for path in ("/__mock__/ui/view", "/__mock__/ui/events", "/__mock__/journal/1"):
        refused = browser.get(path, headers={"sec-fetch-site": "cross-site"})
        assert refused.status_code == 403, path
        refused = browser.get(path, headers={"origin": "https://evil.example"})
        assert refused.status_code == 403, path
    posted = browser.post(
        "/__mock__/reset", content="{}", headers={**JSON, "origin": "https://evil.example"}
    )
    assert posted.status_code == 403
    # Only reading the page is open to other sites; anything else sent there is refused.
    for method in ("POST", "PUT", "DELETE"):
        sent = browser.request(method, "/__mock__/ui", headers={"sec-fetch-site": "cross-site"})
        assert sent.status_code == 403, method


def test_a_rebound_host_name_gets_not_even_the_page(browser: httpx.Client) -> None:
    refused = browser.get("/__mock__/ui", headers={"host": "attacker.example:8787"})
    assert refused.status_code == 403


def test_with_a_control_token_state_needs_it_and_the_page_does_not() -> None:
    app = create_app(control_token=SECRET)
    with client_of(app) as anonymous:
        assert anonymous.get("/__mock__/ui").status_code == 200
        for path in ("/__mock__/ui/view", "/__mock__/ui/events", "/__mock__/journal/1"):
            answer = anonymous.get(path)
            assert answer.status_code == 401, path
            assert answer.headers["www-authenticate"].startswith("Bearer")
    with client_of(app, authorization=f"Bearer {SECRET}") as holder:
        assert holder.get("/__mock__/ui/view").json()["result"]["scenario"]["name"] == "default"


def test_a_journal_entry_is_read_by_its_number_with_its_bodies(app: MockApp) -> None:
    with client_of(app, authorization=f"Bearer {TOKEN}") as program:
        program.base_url = httpx.URL(f"{ORIGIN}/client/v4/accounts/{'a' * 32}/registrar")
        register(program, "journal-me.com")
    with client_of(app) as control:
        entry = control.get("/__mock__/journal/1").json()["result"]
        assert (entry["seq"], entry["method"], entry["status"]) == (1, "POST", 201)
        assert entry["request_body"] == {"domain_name": "journal-me.com"}
        assert entry["request_headers"]["authorization"] == "Bearer ***"
        assert (
            entry["response_body"]["result"]["context"]["registration"]["domain_name"]
            == "journal-me.com"
        )
        for missing in ("2", "0", "x", "99999999999999999999999"):
            answer = control.get(f"/__mock__/journal/{missing}")
            assert answer.status_code == 404, missing
            assert "no journal entry" in answer.json()["errors"][0]["message"]


BOMB = "name: bomb\nlaughs:\n" + "".join(
    f"  - &a{i} [{', '.join([f'*a{i - 1}' if i else 'lol'] * 10)}]\n" for i in range(12)
)

UPLOADED = """\
name: uploaded-world
description: made in a browser
accounts:
  - id: 023e105f4ecef8ad9ca31a8372d0c353
    tokens: [registrar-mock-uploaded-token-0000000000]
"""


def test_an_uploaded_scenario_file_is_loaded_from_its_text(app: MockApp) -> None:
    with client_of(app, **JSON) as control:
        answer = control.post("/__mock__/reset", json={"text": UPLOADED, "name": "mine.yaml"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["result"]["scenario"] == "uploaded-world"
        document = control.get("/__mock__/ui/view").json()["result"]
        assert document["scenario"]["description"] == "made in a browser"
        assert document["scenario"]["open_accounts"] is False


@pytest.mark.parametrize(
    ("body", "status", "message", "pointer"),
    [
        (
            {"text": "name: x\naccounts: [{id: 5}]\n", "name": "C:\\Users\\me\\bad.yaml"},
            400,
            "bad.yaml: accounts[0].id:",
            None,
        ),
        ({"text": "a: [unclosed\n", "name": "broken.yaml"}, 400, "broken.yaml: line 2:", None),
        ({"text": "name: x\n", "scenario": "default"}, 400, "give one of", "/text"),
        ({"name": "lonely.yaml"}, 400, '"name" names an uploaded "text"', "/name"),
        ({"text": 5}, 400, "text must be", "/text"),
        ({"text": "name: x\n", "name": ""}, 400, "name must be", "/name"),
        # A few hundred bytes of nested aliases that would expand to 10^12 values.
        ({"text": BOMB, "name": "laughs.yaml"}, 400, "laughs.yaml: too large: more than", None),
    ],
)
def test_a_bad_upload_is_refused_naming_the_file_and_the_place(
    app: MockApp, body: dict[str, object], status: int, message: str, pointer: str | None
) -> None:
    with client_of(app, **JSON) as control:
        before = control.get("/__mock__/ui/view").json()["result"]["scenario"]["name"]
        answer = control.post("/__mock__/reset", json=body)
        assert answer.status_code == status, answer.text
        (error,) = answer.json()["errors"]
        assert message in error["message"]
        assert "Users" not in error["message"]  # only the file's own name is shown
        if pointer is not None:
            assert error["source"] == {"pointer": pointer}
        assert control.get("/__mock__/ui/view").json()["result"]["scenario"]["name"] == before


def test_an_imported_account_id_must_be_one_a_path_can_hold(app: MockApp) -> None:
    with client_of(app, **JSON) as control:
        export = control.get("/__mock__/state").json()["result"]
        export["registrar"]["accounts"] = [
            {"id": "x/../../reset#", "has_billing": True, "registrations": []}
        ]
        answer = control.put("/__mock__/state", json=export)
        assert answer.status_code == 400
        message = answer.json()["errors"][0]["message"]
        assert "registrar.accounts[0].id" in message and "is not an account id" in message


def test_every_control_route_is_in_the_control_spec_and_back() -> None:
    documented = {
        (path, method.upper())
        for path, item in spec.load_control()["paths"].items()
        for method in item
    }
    served = {(path, method) for path, method, _, _ in TABLE}
    served |= {("/ui", "GET"), ("/ui/view", "GET"), ("/ui/events", "GET")}
    assert served == documented
