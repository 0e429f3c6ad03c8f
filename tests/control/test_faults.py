"""Faults firing as configured: by count, by probability, as latency, as a dropped connection."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from registrar_mock import MockApp, create_app
from tests.helpers import ACCOUNT, register

UNLUCKY = "bad1" + "0" * 28

Connect = Callable[..., httpx.Client]


def test_flaky_rate_limits_every_third_request(connect: Connect) -> None:
    api = connect(create_app("flaky"))
    statuses = [api.get("/registrations").status_code for _ in range(9)]
    assert statuses == [200, 200, 429, 200, 200, 429, 200, 200, 429]
    limited = api.get("/registrations"), api.get("/registrations"), api.get("/registrations")
    assert limited[2].headers["retry-after"] == "1"
    body = limited[2].json()
    assert body == {
        "success": False,
        "errors": [{"code": 10429, "message": "Rate limited. Please wait and try again."}],
        "messages": [],
        "result": None,
    }


def test_probability_faults_repeat_exactly_for_the_same_seed(connect: Connect) -> None:
    def run() -> list[int]:
        app = create_app("flaky")
        app.control.remove_fault("rate-limit")
        api = connect(app)
        return [register(api, f"try-{i}.com").status_code for i in range(40)]

    first, second = run(), run()
    assert first == second
    assert 503 in first and 201 in first
    assert 3 <= first.count(503) <= 16  # about one in five


def test_nth_fires_once(connect: Connect) -> None:
    app = create_app()
    app.control.add_fault({"nth": 2, "effect": {"status": 500}})
    api = connect(app)
    assert [api.get("/registrations").status_code for _ in range(4)] == [200, 500, 200, 200]


def test_faults_match_by_account(connect: Connect) -> None:
    app = create_app()
    app.control.add_fault({"account": UNLUCKY, "effect": {"status": 503}})
    assert connect(app, account=UNLUCKY).get("/registrations").status_code == 503
    assert connect(app).get("/registrations").status_code == 200


def test_dropped_after_processing_loses_only_the_answer(app: MockApp, connect: Connect) -> None:
    app.control.add_fault(
        {
            "operations": ["registrar-domain-registration-create"],
            "times": 1,
            "effect": {"drop": "after"},
        }
    )
    api = connect(app)
    with pytest.raises(httpx.RemoteProtocolError):
        register(api, "lost-answer.com")
    # The registration happened; asking again is idempotent and charges nothing more.
    assert register(api, "lost-answer.com").status_code == 201
    assert [c.domain_name for c in app.control.charges(ACCOUNT)] == ["lost-answer.com"]


def test_dropped_before_processing_changes_nothing(app: MockApp, connect: Connect) -> None:
    app.control.add_fault({"times": 1, "effect": {"drop": "before"}})
    api = connect(app)
    with pytest.raises(httpx.RemoteProtocolError):
        register(api, "never-sent.com")
    assert api.get("/registrations").json()["result"] == []


def test_latency_is_added_and_the_request_still_answers(app: MockApp, connect: Connect) -> None:
    rule = app.control.add_fault({"times": 1, "effect": {"latency": "10ms"}})
    assert rule.effect.latency == pytest.approx(0.01)
    assert connect(app).get("/registrations").status_code == 200
    assert rule.fired == 1
