"""The control API under /__mock__, over HTTP."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import httpx
import pytest

from registrar_mock import MockApp, create_app
from registrar_mock.testing import SyncASGITransport
from tests.helpers import ACCOUNT, JSON, TOKEN, register

Connect = Callable[..., httpx.Client]


@pytest.fixture
def control(app: MockApp) -> Iterator[httpx.Client]:
    with httpx.Client(
        transport=SyncASGITransport(app), base_url="http://mock/__mock__", headers=JSON
    ) as client:
        yield client


def result(response: httpx.Response) -> object:
    assert response.status_code < 300, response.text
    body = response.json()
    assert body["success"] is True
    return body["result"]


def test_health(control: httpx.Client) -> None:
    assert result(control.get("/health")) == {
        "status": "ok",
        "scenario": "default",
        "now": "2026-01-01T00:00:00Z",
    }


def test_clock_read_advance_and_set(control: httpx.Client) -> None:
    assert result(control.get("/clock")) == {
        "now": "2026-01-01T00:00:00Z",
        "virtual": True,
        "time_scale": None,
    }
    assert result(control.post("/clock/advance", json={"seconds": 90}))["now"] == (  # type: ignore[index]
        "2026-01-01T00:01:30Z"
    )
    assert result(control.post("/clock/advance", json={"by": "2d"}))["now"] == (  # type: ignore[index]
        "2026-01-03T00:01:30Z"
    )
    assert result(control.put("/clock", json={"now": "2026-02-01T00:00:00Z"}))["now"] == (  # type: ignore[index]
        "2026-02-01T00:00:00Z"
    )
    backwards = control.put("/clock", json={"now": "2025-01-01T00:00:00Z"})
    assert backwards.status_code == 400
    assert control.post("/clock/advance", json={"by": "soon"}).status_code == 400


def test_reset_to_loaded_named_and_posted_scenarios(
    app: MockApp, control: httpx.Client, api: httpx.Client
) -> None:
    register(api, "kept.com")
    result(control.post("/reset"))
    assert api.get("/registrations").json()["result"] == []
    assert (
        result(control.post("/reset", json={"scenario": "near-limit"}))["scenario"] == "near-limit"
    )  # type: ignore[index]
    assert len(api.get("/registrations", params={"per_page": "50"}).json()["result"]) == 50
    posted = {"name": "tiny", "domain_limit": 1}
    assert result(control.post("/reset", json={"document": posted}))["scenario"] == "tiny"  # type: ignore[index]
    assert register(api, "one.com").status_code == 201
    assert register(api, "two.com").status_code == 400
    bad = control.post("/reset", json={"document": {"domain_limit": "many"}})
    assert bad.status_code == 400
    assert "domain_limit" in bad.json()["errors"][0]["message"]
    assert app.control.scenario.name == "tiny"  # the refused reset changed nothing


def test_resolve_action_over_http(connect: Connect) -> None:
    app = create_app("action-required")
    api = connect(app)
    control = httpx.Client(
        transport=SyncASGITransport(app), base_url="http://mock/__mock__", headers=JSON
    )
    api.post("/registrations", json={"domain_name": "me.com"}, headers={"Prefer": "respond-async"})
    control.post("/clock/advance", json={"seconds": 5})
    workflow = result(
        control.post(
            f"/accounts/{ACCOUNT}/registrations/me.com/resolve", json={"action": "confirm"}
        )
    )
    assert workflow["state"] == "in_progress"  # type: ignore[index]
    again = control.post(f"/accounts/{ACCOUNT}/registrations/me.com/resolve")
    assert again.status_code == 409  # nothing is waiting any more
    control.close()


def test_faults_added_listed_and_removed_at_runtime(
    control: httpx.Client, api: httpx.Client
) -> None:
    rule = result(
        control.post(
            "/faults",
            json={
                "operations": ["registrar-domain-registration-list"],
                "times": 2,
                "effect": {"status": 429, "headers": {"Retry-After": "3"}},
            },
        )
    )
    assert rule["id"] == "fault-1"  # type: ignore[index]
    limited = api.get("/registrations")
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "3"
    assert limited.json()["errors"][0]["code"] >= 1000
    assert api.get("/domain-search", params={"q": "x"}).status_code == 200  # other operations pass
    assert api.get("/registrations").status_code == 429
    assert api.get("/registrations").status_code == 200  # times: 2 is spent
    [listed] = result(control.get("/faults"))  # type: ignore[misc]
    assert (listed["seen"], listed["fired"]) == (3, 2)
    assert control.post("/faults", json={"effect": {"status": 200}}).status_code == 400
    assert result(control.delete("/faults/fault-1")) == {"id": "fault-1"}
    assert control.delete("/faults/fault-1").status_code == 404


def test_journal_records_and_filters(control: httpx.Client, api: httpx.Client) -> None:
    register(api, "logged.com")
    api.get("/registrations/logged.com")
    api.get("/registrations/missing.com")
    entries = result(control.get("/journal"))
    assert [(e["method"], e["status"]) for e in entries] == [  # type: ignore[union-attr]
        ("POST", 201), ("GET", 200), ("GET", 404)
    ]  # fmt: skip
    first = entries[0]  # type: ignore[index]
    assert first["account"] == ACCOUNT
    assert first["operation"] == "registrar-domain-registration-create"
    assert first["at"] == "2026-01-01T00:00:00Z"
    # The credential is masked: its scheme shows, the token never does.
    assert TOKEN not in str(entries)
    assert first["request_headers"]["authorization"] == "Bearer ***"
    assert first["request_body"] == {"domain_name": "logged.com"}
    assert first["response_body"]["result"]["state"] == "succeeded"
    assert first["domain"] == "logged.com"
    assert len(result(control.get("/journal", params={"status": "404"}))) == 1  # type: ignore[arg-type]
    assert len(result(control.get("/journal", params={"method": "post"}))) == 1  # type: ignore[arg-type]
    assert len(result(control.get("/journal", params={"path": "/logged.com"}))) == 1  # type: ignore[arg-type]
    result(control.delete("/journal"))
    assert result(control.get("/journal")) == []


def test_journal_is_bounded(app: MockApp, api: httpx.Client) -> None:
    capacity = app.control.journal.capacity
    for _ in range(capacity + 5):
        api.get("/registrations")
    entries = app.control.journal.entries()
    assert len(entries) == capacity
    assert entries[-1].seq == capacity + 5


def test_export_and_import_restore_a_snapshot(
    app: MockApp, control: httpx.Client, api: httpx.Client
) -> None:
    register(api, "snap.com")
    api.post(
        "/registrations", json={"domain_name": "running.com"}, headers={"Prefer": "respond-async"}
    )
    snapshot = result(control.get("/state"))
    register(api, "after.com")
    control.post("/clock/advance", json={"by": "1d"})
    result(control.put("/state", json=snapshot))
    names = [r["domain_name"] for r in api.get("/registrations").json()["result"]]
    assert sorted(names) == ["running.com", "snap.com"]
    assert result(control.get("/clock"))["now"] == "2026-01-01T00:00:01Z"  # type: ignore[index]
    # The restored workflow keeps running from where it was.
    control.post("/clock/advance", json={"seconds": 1})
    status = api.get("/registrations/running.com/registration-status").json()["result"]
    assert status["state"] == "succeeded"
    assert [c["domain_name"] for c in result(control.get(f"/accounts/{ACCOUNT}/charges"))] == [  # type: ignore[union-attr]
        "snap.com", "running.com"
    ]  # fmt: skip


def test_a_malformed_import_changes_nothing(control: httpx.Client, api: httpx.Client) -> None:
    register(api, "stays.com")
    for bad in ({}, {"format": "registrar-mock-state"}, {"format": "registrar-mock-state",
                "clock": "2026-01-01T00:00:00+00:00", "faults": [],
                "registrar": {"version": 99, "accounts": []}}):  # fmt: skip
        assert control.put("/state", json=bad).status_code == 400
    assert [r["domain_name"] for r in api.get("/registrations").json()["result"]] == ["stays.com"]


def test_control_api_is_not_under_the_registrar_api(api: httpx.Client) -> None:
    from registrar_mock import spec

    assert not any(path.startswith("/__mock__") for path in spec.load()["paths"])
    assert all(path.startswith("/") for path in spec.load_control()["paths"])
    assert spec.load_control()["servers"] == [{"url": "/__mock__"}]


@pytest.mark.parametrize(
    "body", [{"seconds": 1e20}, {"seconds": 99999999999999}, {"by": "99999999999d"}]
)
def test_absurd_clock_moves_are_refused(control: httpx.Client, body: dict[str, object]) -> None:
    response = control.post("/clock/advance", json=body)
    assert response.status_code == 400
    assert control.put("/clock", json={"now": "9999-12-31T00:00:00Z"}).status_code == 400
    assert result(control.get("/clock"))["now"] == "2026-01-01T00:00:00Z"  # type: ignore[index]
