"""Tenants apart, no secrets kept, and nothing that grows without bound.

The cross-account test walks the spec, like `test_auth.py`'s test for missing
credentials, so an operation added later is covered without anyone remembering.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from registrar_mock import MockApp, create_app, spec
from registrar_mock.cli.logs import LineFormatter
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, TOKEN, comparable, only_error
from tests.live import free_port

# The bundled two-accounts scenario: a closed world, each credential scoped to one account.
ACME = "ac3e0000000000000000000000000001"
GLOBEX = "610be000000000000000000000000002"
ACME_TOKEN = "acme_demo_token_000000000000000000000000"
GLOBEX_TOKEN = "globex_demo_token_0000000000000000000000"
ACME_EMAIL = "ops@acme.example"
ACME_KEY = "0123456789abcdef0123456789abcdef01234"
HELD = {ACME: "acme-corp.com", GLOBEX: "globex.net"}

# Credentials that callers sent but the world doesn't know: not to be kept either.
WRONG_TOKEN = "wr0ng-t0ken-Zx81qP-well-formed-000000000"
WRONG_KEY = "feedfacefeedface0099feedfacefeedface0"
CONTROL_TOKEN = "ctl-S3cr3t-9d1b7e"
WRONG_CONTROL_TOKEN = "ctl-Gu3ss-4a0c2f"
SECRETS = (ACME_TOKEN, GLOBEX_TOKEN, ACME_KEY, WRONG_TOKEN, WRONG_KEY, CONTROL_TOKEN,
           WRONG_CONTROL_TOKEN)  # fmt: skip

# A request each operation would accept from its own account (a new one gets {} and x.com).
GOOD_REQUESTS: dict[str, tuple[dict[str, str], Any]] = {
    "registrar-domain-discovery-search": ({"q": "acme"}, None),
    "registrar-domain-discovery-check": ({}, {"domains": ["steal-me.com"]}),
    "registrar-domains-update-domain": ({}, {"locked": False, "auto_renew": True}),
    "registrar-domain-registration-create": ({}, {"domain_name": "steal-me.com"}),
    "registrar-domain-registration-update": ({}, {"auto_renew": False}),
}


def operations() -> Iterator[tuple[str, str, str]]:
    """(operationId, method, path template) of every operation that needs credentials."""
    for path, item in spec.load()["paths"].items():
        for method, operation in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            if operation.get("security") == []:
                continue  # declared public, like the spec document itself
            yield operation["operationId"], method.upper(), path


def call(
    client: httpx.Client, operation: str, method: str, template: str, account: str
) -> httpx.Response:
    url = template.replace("{account_id}", account).replace("{domain_name}", HELD[account])
    params, body = GOOD_REQUESTS.get(operation, ({}, {} if method != "GET" else None))
    return client.request(method, url, params=params, json=body)


def api_client(app: MockApp, headers: dict[str, str]) -> httpx.Client:
    return httpx.Client(
        transport=SyncASGITransport(app), base_url="http://mock/client/v4", headers=headers
    )


# --- tenants apart ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("victim", "headers"),
    [
        (GLOBEX, {"Authorization": f"Bearer {ACME_TOKEN}"}),
        (GLOBEX, {"X-Auth-Email": ACME_EMAIL, "X-Auth-Key": ACME_KEY}),
        (ACME, {"Authorization": f"Bearer {GLOBEX_TOKEN}"}),
    ],
    ids=[
        "acme_demo_token_000000000000000000000000-on-globex",
        "acme-key-on-globex",
        "globex_demo_token_0000000000000000000000-on-acme",
    ],
)
def test_every_operation_refuses_another_accounts_credentials(
    victim: str, headers: dict[str, str]
) -> None:
    app = create_app("two-accounts")
    before = comparable(app.control.export_state())
    covered = set()
    with api_client(app, headers) as intruder:
        for operation, method, template in operations():
            response = call(intruder, operation, method, template, victim)
            assert response.status_code == 403, f"{operation}: {response.text}"
            assert only_error(response) == {"code": 10000, "message": "Authentication error"}
            covered.add(operation)
    assert len(covered) >= 11
    assert (
        comparable(app.control.export_state()) == before
    )  # not even a failed attempt left a trace

    # The same requests from the owner are not refused: the 403s were about the account.
    owner = {"Authorization": f"Bearer {ACME_TOKEN if victim == ACME else GLOBEX_TOKEN}"}
    with api_client(app, owner) as client:
        for operation, method, template in operations():
            response = call(client, operation, method, template, victim)
            assert response.status_code not in (401, 403), f"{operation}: {response.text}"


def test_every_operation_refuses_an_unknown_token_in_a_closed_world() -> None:
    app = create_app("two-accounts")
    before = comparable(app.control.export_state())
    with api_client(app, {"Authorization": f"Bearer {WRONG_TOKEN}"}) as stranger:
        for operation, method, template in operations():
            for account in (ACME, GLOBEX):
                response = call(stranger, operation, method, template, account)
                assert response.status_code == 403, f"{operation}: {response.text}"
                assert only_error(response) == {"code": 9109, "message": "Invalid access token"}
    assert comparable(app.control.export_state()) == before


# --- no secrets kept --------------------------------------------------------------------------


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self) -> str:
        lines = []
        for record in self.records:
            lines += [record.getMessage(), repr(record.args), LineFormatter().format(record)]
            lines.append(json.dumps(getattr(record, "request", None)))
        return "\n".join(lines)


@pytest.fixture
def access_log() -> Iterator[Collect]:
    """Every record of the app's loggers, whatever another test did to their propagation."""
    handler = Collect()
    logger = logging.getLogger("registrar_mock")
    access = logging.getLogger("registrar_mock.access")
    saved = logger.level, access.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    access.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        access.setLevel(saved[1])


# Requests that carry a credential of every kind, good and bad, to every kind of answer.
CREDENTIALED: list[tuple[str, dict[str, str]]] = [
    (ACME, {"Authorization": f"Bearer {ACME_TOKEN}"}),
    (ACME, {"X-Auth-Email": ACME_EMAIL, "X-Auth-Key": ACME_KEY}),
    (GLOBEX, {"Authorization": f"Bearer {GLOBEX_TOKEN}"}),
    (GLOBEX, {"Authorization": f"Bearer {ACME_TOKEN}"}),  # another account's: 403
    (GLOBEX, {"X-Auth-Email": ACME_EMAIL, "X-Auth-Key": ACME_KEY}),  # likewise
    (ACME, {"Authorization": f"Bearer {WRONG_TOKEN}"}),  # unknown: 403
    (ACME, {"X-Auth-Email": ACME_EMAIL, "X-Auth-Key": WRONG_KEY}),  # unknown pair: 403
    (ACME, {"Authorization": f"Token {WRONG_TOKEN}"}),  # malformed: 400
    (ACME, {"Authorization": f"Bearer {WRONG_TOKEN} {WRONG_KEY}"}),  # malformed: 400
    (ACME, {"X-Auth-Email": "not-an-email", "X-Auth-Key": f"{WRONG_KEY}!"}),  # malformed
]


def exercise(app: MockApp) -> str:
    """Send CREDENTIALED to several operations; return everything the caller saw."""
    seen = []
    for account, headers in CREDENTIALED:
        with api_client(app, headers) as client:
            root = f"/accounts/{account}/registrar"
            for response in (
                client.get(f"{root}/registrations"),
                client.post(f"{root}/registrations", json={"domain_name": "secret-test.com"}),
                client.get(f"{root}/registrations/{HELD[account]}"),
                client.patch(f"{root}/registrations/nope.com", json={"auto_renew": True}),
                client.post(f"{root}/domain-check", content=b"{not json"),
            ):
                seen.append(response.text)
                seen.append(repr(response.headers.multi_items()))
    return "\n".join(seen)


def assert_no_secret(where: str, text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} appears in {where}"


def test_no_credential_reaches_the_access_log_the_journal_or_an_answer(
    access_log: Collect,
) -> None:
    app = create_app("two-accounts")
    answers = exercise(app)
    assert "Authentication error" in answers and "Invalid request headers" in answers
    assert_no_secret("the answers", answers)
    assert len(access_log.records) == len(CREDENTIALED) * 5  # one line per request
    assert_no_secret("the access log", access_log.text())
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as control:
        journal = control.get("/__mock__/journal")
    assert len(journal.json()["result"]) == len(CREDENTIALED) * 5
    assert_no_secret("the journal", journal.text)


def test_the_exported_state_holds_no_credential() -> None:
    app = create_app("two-accounts")
    exercise(app)
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as control:
        exported = control.get("/__mock__/state")
    assert exported.status_code == 200
    assert_no_secret("the exported state", exported.text)


def test_the_control_token_is_never_echoed_kept_or_exported(access_log: Collect) -> None:
    app = create_app("two-accounts", control_token=CONTROL_TOKEN)
    exercise(app)
    seen = []
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://mock") as client:
        for headers in (
            {},
            {"Authorization": f"Bearer {WRONG_CONTROL_TOKEN}"},
            {"Authorization": CONTROL_TOKEN},
            {"Authorization": f"Basic {CONTROL_TOKEN}"},
        ):
            refused = client.get("/__mock__/state", headers=headers)
            assert refused.status_code == 401
            seen += [refused.text, repr(refused.headers.multi_items())]
        good = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
        for path in ("/__mock__/state", "/__mock__/journal", "/__mock__/health", "/__mock__/clock"):
            answer = client.get(path, headers=good)
            assert answer.status_code == 200
            seen += [answer.text, repr(answer.headers.multi_items())]
    text = "\n".join(seen)
    for secret in (CONTROL_TOKEN, WRONG_CONTROL_TOKEN):
        assert secret not in text
        assert secret not in access_log.text()


def test_a_served_mock_logs_no_credential(tmp_path: Path) -> None:
    """`registrar-mock serve` at debug level, with its whole output read back."""
    port = free_port()
    log = tmp_path / "server.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "registrar_mock", "serve", "--port", str(port), "--scenario",
             "two-accounts", "--control-token", CONTROL_TOKEN, "--log-level", "debug"],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
    origin = f"http://127.0.0.1:{port}"
    control = {"Authorization": f"Bearer {CONTROL_TOKEN}"}
    try:
        deadline = time.monotonic() + 20
        while True:
            assert server.poll() is None, log.read_text(errors="replace")
            try:
                if httpx.get(f"{origin}/__mock__/health", headers=control).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.05)
        with httpx.Client(base_url=f"{origin}/client/v4") as client:
            for account, headers in CREDENTIALED:
                root = f"/accounts/{account}/registrar"
                client.get(f"{root}/registrations", headers=headers)
                client.post(f"{root}/domain-check", headers=headers, json={"domains": ["a.com"]})
            wrong = {"Authorization": f"Bearer {WRONG_CONTROL_TOKEN}"}
            assert client.get(f"{origin}/__mock__/journal", headers=wrong).status_code == 401
            assert client.get(f"{origin}/__mock__/state", headers=control).status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
    output = log.read_text(errors="replace")
    assert "status=403" in output and "status=400" in output  # the access log was on
    assert_no_secret("the server's output", output)


# --- bounded ----------------------------------------------------------------------------------


def test_the_journal_keeps_only_the_latest_thousand_requests() -> None:
    app = create_app()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with api_client(app, headers) as client:
        for n in range(1_150):
            client.get(f"/accounts/a{n % 7}/registrar/registrations")
        journal = client.get("http://mock/__mock__/journal").json()["result"]
    assert len(journal) == 1_000
    assert [entry["seq"] for entry in journal] == list(range(151, 1_151))


INSTANT = {
    "registration": {"default": [{"state": "in_progress", "for": "0s"}, {"state": "succeeded"}]},
    "update": {"default": [{"state": "in_progress", "for": "0s"}, {"state": "succeeded"}]},
}


def workflows_of(app: MockApp, account: str) -> dict[str, list[str]]:
    state = app.control.export_state()
    [data] = [a for a in state["registrar"]["accounts"] if a["id"] == account]
    return {
        kind: sorted(w["domain_name"] for w in data[kind])
        for kind in ("registration_workflows", "update_workflows", "charges")
    }


def test_workflow_history_is_one_per_domain_per_kind() -> None:
    app = create_app({"name": "history", "workflows": INSTANT})
    headers = {"Authorization": f"Bearer {TOKEN}", "Prefer": "respond-async"}
    with api_client(app, headers) as client:
        root = f"/accounts/{ACCOUNT}/registrar/registrations"
        for n in range(60):
            assert client.post(root, json={"domain_name": "kept.com"}).status_code == 202
            update = client.patch(f"{root}/kept.com", json={"auto_renew": n % 2 == 0})
            assert update.status_code == 202
            for status in ("registration-status", "update-status"):
                assert client.get(f"{root}/kept.com/{status}").status_code == 200
            app.control.advance(1)
    assert workflows_of(app, ACCOUNT) == {
        "registration_workflows": ["kept.com"],
        "update_workflows": ["kept.com"],
        "charges": ["kept.com"],
    }
    assert app.registrar.accounts[ACCOUNT].running == {}


def test_a_failed_domain_tried_again_keeps_one_workflow() -> None:
    app = create_app("registry-rejects")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with api_client(app, headers) as client:
        root = f"/accounts/{ACCOUNT}/registrar/registrations"
        for _ in range(30):
            failed = client.post(root, json={"domain_name": "refused.com"})
            assert failed.json()["result"]["state"] == "failed"
    assert workflows_of(app, ACCOUNT) == {
        "registration_workflows": ["refused.com"],
        "update_workflows": [],
        "charges": [],
    }
