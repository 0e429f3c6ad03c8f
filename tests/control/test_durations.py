"""Every duration the mock takes, against the table the reference client is tested with too.

The parser, the clocks, the control plane, the fixtures' handles, the control API over
HTTP, the scenario keys (from a file, a dict or a fixture option), a fault's latency
and the command line all take seconds, a timedelta (where Python can pass one) or a
string such as ``"2d"``, and refuse anything else with a ValueError (over HTTP, a 400)
that names the accepted forms.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from registrar_mock import create_app, durations, scenarios
from registrar_mock import errors as e
from registrar_mock.cli import main
from registrar_mock.client import _durations as client_durations
from registrar_mock.clock import SystemClock, VirtualClock
from registrar_mock.scenarios import ScenarioError
from registrar_mock.testing import SyncASGITransport
from tests import duration_cases as cases
from tests.helpers import JSON

START = datetime(2026, 1, 1, tzinfo=UTC)


def refused(call: Callable[[], object]) -> str:
    with pytest.raises(ValueError) as raised:
        call()
    message = str(raised.value)
    assert cases.names_the_forms(message), message
    return message


# --- the parser and the clocks -----------------------------------------------------


@cases.good
def test_the_parser_reads_every_good_duration(value: object, expected: float) -> None:
    assert durations.seconds(value) == expected


@cases.bad
def test_the_parser_refuses_every_bad_duration(value: object) -> None:
    message = refused(lambda: durations.seconds(value))
    with pytest.raises(e.InvalidRequest):  # what the HTTP layer answers 400 with
        durations.seconds(value)
    assert "is not a duration" in message


@pytest.mark.parametrize("value", [*cases.BAD, *cases.ZERO], ids=cases.ids(cases.BAD + cases.ZERO))
def test_the_mock_and_the_client_agree_on_every_case(value: object) -> None:
    try:
        mock: float | None = durations.seconds(value)
    except ValueError as exc:
        mock, mock_message = None, str(exc)
    try:
        client: float | None = client_durations.seconds(value, "it")
    except ValueError as exc:
        client, client_message = None, str(exc)
    assert mock == client
    if mock is None:
        # The same words, the client's prefixed with what it was reading.
        assert mock_message.removeprefix("10000: ") == client_message.removeprefix("it: ")


@pytest.mark.parametrize("clock", [VirtualClock, SystemClock])
@cases.good
def test_a_clock_advances_by_every_good_duration(
    clock: Callable[..., VirtualClock], value: object, expected: float
) -> None:
    moving = clock(start=START) if clock is SystemClock else clock(START)
    before = moving.now()
    after = moving.advance(value)  # type: ignore[arg-type]
    assert (after - before).total_seconds() == pytest.approx(expected, abs=1.0)


@pytest.mark.parametrize("clock", [VirtualClock, SystemClock])
@cases.bad
def test_a_clock_refuses_every_bad_duration(
    clock: Callable[..., VirtualClock], value: object
) -> None:
    moving = clock(start=START) if clock is SystemClock else clock(START)
    before = moving.now()
    message = refused(lambda: moving.advance(value))  # type: ignore[arg-type]
    assert message == str(e.BAD_DURATION(value=_shown(value))).removeprefix("10000: ")
    assert moving.now() - before < timedelta(seconds=1)


def _shown(value: object) -> str:
    from registrar_mock.clock import shown_duration

    return shown_duration(value)


# --- the control plane, in process and through the fixtures -----------------------


@cases.good
def test_the_control_plane_advances_by_every_good_duration(value: object, expected: float) -> None:
    app = create_app()
    now = app.control.advance(value)  # type: ignore[arg-type]
    assert now == START + timedelta(seconds=expected)


@cases.bad
def test_the_control_plane_refuses_every_bad_duration(value: object) -> None:
    app = create_app()
    refused(lambda: app.control.advance(value))  # type: ignore[arg-type]
    assert app.control.now() == START


@cases.good
def test_the_in_process_fixture_advances_by_every_good_duration(
    registrar_mock: Any, value: object, expected: float
) -> None:
    before = registrar_mock.now()
    assert registrar_mock.advance(value) - before == timedelta(seconds=expected)


@cases.bad
def test_the_in_process_fixture_refuses_every_bad_duration(
    registrar_mock: Any, value: object
) -> None:
    before = registrar_mock.now()
    refused(lambda: registrar_mock.advance(value))
    assert registrar_mock.now() == before


@cases.good
def test_the_server_fixture_advances_by_every_good_duration(
    registrar_mock_server: Any, value: object, expected: float
) -> None:
    before = registrar_mock_server.now()
    assert registrar_mock_server.advance(value) - before == timedelta(seconds=expected)


@cases.bad
def test_the_server_fixture_refuses_every_bad_duration(
    registrar_mock_server: Any, value: object
) -> None:
    before = registrar_mock_server.now()
    refused(lambda: registrar_mock_server.advance(value))
    assert registrar_mock_server.now() == before


# --- the control API over HTTP -----------------------------------------------------


def _json(value: object) -> bool:
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError):
        return False
    return not isinstance(value, tuple)


JSON_GOOD = [(value, seconds) for value, seconds in cases.GOOD if _json(value)]
JSON_BAD = [value for value in cases.BAD if _json(value)]
# The words an HTTP refusal uses: JSON has no timedelta, so it may not offer one.
TEXT_FORMS = ('"500ms", "30s", "5m", "2h" or "3d"', "seconds (90 or 1.5)")


@pytest.fixture
def control() -> httpx.Client:
    return httpx.Client(
        transport=SyncASGITransport(create_app()), base_url="http://mock/__mock__", headers=JSON
    )


@pytest.mark.parametrize(("value", "expected"), JSON_GOOD, ids=cases.ids([v for v, _ in JSON_GOOD]))
def test_the_control_api_advances_by_every_good_duration(
    control: httpx.Client, value: object, expected: float
) -> None:
    answer = control.post("/clock/advance", json={"by": value})
    assert answer.status_code == 200, answer.text
    now = datetime.fromisoformat(answer.json()["result"]["now"])
    assert now == START + timedelta(seconds=expected)
    if isinstance(value, int | float):
        control.post("/reset")
        assert control.post("/clock/advance", json={"seconds": value}).status_code == 200


@pytest.mark.parametrize("field", ["by", "seconds"])
@pytest.mark.parametrize("value", JSON_BAD, ids=cases.ids(JSON_BAD))
def test_the_control_api_answers_400_naming_the_forms(
    control: httpx.Client, field: str, value: object
) -> None:
    answer = control.post("/clock/advance", json={field: value})
    assert answer.status_code == 400, answer.text
    [error] = answer.json()["errors"]
    assert all(words in error["message"] for words in TEXT_FORMS), error
    assert control.get("/clock").json()["result"]["now"] == "2026-01-01T00:00:00Z"


def test_the_control_api_names_the_forms_when_nothing_is_given(control: httpx.Client) -> None:
    answer = control.post("/clock/advance", json={})
    assert answer.status_code == 400
    assert all(words in answer.json()["errors"][0]["message"] for words in TEXT_FORMS)


# --- scenario keys, fault latency ---------------------------------------------------

# Where a scenario takes a duration: how to put one there, and where the world keeps it.
KEYS: dict[str, tuple[Callable[[object], dict[str, Any]], Callable[[Any], float]]] = {
    "sync_wait": (
        lambda v: {"sync_wait": v},
        lambda s: s.world.sync_wait_seconds,
    ),
    "lifecycle.renew_before": (
        lambda v: {"lifecycle": {"renew_before": v}},
        lambda s: s.world.lifecycle.renew_before,
    ),
    "workflows...for": (
        lambda v: {
            "workflows": {
                "registration": {
                    "default": [{"state": "in_progress", "for": v}, {"state": "succeeded"}]
                }
            }
        },
        lambda s: s.world.scripts.default_registration.steps[0].seconds,
    ),
}


@pytest.mark.parametrize("key", list(KEYS))
@cases.good
def test_a_scenario_key_takes_every_good_duration(key: str, value: object, expected: float) -> None:
    document, read = KEYS[key]
    assert read(scenarios.resolve(document(value))) == pytest.approx(expected)


@pytest.mark.parametrize("key", list(KEYS))
@cases.bad
def test_a_scenario_key_refuses_every_bad_duration_naming_the_forms(
    key: str, value: object
) -> None:
    document, _ = KEYS[key]
    with pytest.raises(ScenarioError) as raised:
        scenarios.resolve(document(value))
    message = str(raised.value)
    assert cases.names_the_forms(message), message
    assert repr(value) not in message or len(repr(value)) < 3  # a file's values are not quoted


@cases.good
def test_a_fixture_option_takes_every_good_duration(value: object, expected: float) -> None:
    assert scenarios.resolve("default", sync_wait=value).world.sync_wait_seconds == expected


@cases.bad
def test_a_fixture_option_refuses_every_bad_duration(value: object) -> None:
    with pytest.raises(ScenarioError) as raised:
        scenarios.resolve("default", sync_wait=value)
    assert cases.names_the_forms(str(raised.value)), raised.value
    assert str(raised.value).startswith("option sync_wait")


def test_answers_after_is_a_duration_of_at_most_five_days() -> None:
    def elsewhere(after: object) -> dict[str, Any]:
        return {
            "registry": {
                "elsewhere": [
                    {
                        "domain": "away.com",
                        "created_at": "-2y",
                        "expires_at": "+1y",
                        "losing_registrar": "approves_after",
                        "answers_after": after,
                    }
                ]
            }
        }

    for after, seconds in [("2d", 172800.0), (timedelta(hours=1), 3600.0), ("90", 90.0)]:
        foreign = scenarios.resolve(elsewhere(after)).world.registry.elsewhere["away.com"]
        assert foreign.answers_after == seconds
    for bad in ["2x", -1, None, True]:
        with pytest.raises(ScenarioError) as raised:
            scenarios.resolve(elsewhere(bad))
        assert cases.names_the_forms(str(raised.value)), raised.value


@cases.good
def test_a_fault_takes_every_good_latency(value: object, expected: float) -> None:
    app = create_app()
    rule = app.control.add_fault({"effect": {"latency": value}})
    assert rule.effect.latency == expected


@cases.bad
def test_a_fault_refuses_every_bad_latency_naming_the_forms(value: object) -> None:
    app = create_app()
    refused(lambda: app.control.add_fault({"effect": {"latency": value}}))
    assert app.control.faults.rules == []


# --- the command line ---------------------------------------------------------------

TEXT_GOOD = [(v, s) for v, s in cases.GOOD if isinstance(v, str) and s > 0]
TEXT_BAD = [v for v in [*cases.BAD, *cases.ZERO] if isinstance(v, str)]


@pytest.mark.parametrize("flag", ["--header-timeout", "--body-timeout"])
@pytest.mark.parametrize(("text", "expected"), TEXT_GOOD, ids=cases.ids([v for v, _ in TEXT_GOOD]))
def test_the_command_line_reads_every_good_duration(flag: str, text: str, expected: float) -> None:
    from registrar_mock.cli import build_parser

    args = build_parser().parse_args(["serve", flag, text])
    assert getattr(args, flag.removeprefix("--").replace("-", "_")) == expected


@pytest.mark.parametrize("flag", ["--header-timeout", "--body-timeout"])
@pytest.mark.parametrize("text", TEXT_BAD, ids=cases.ids(TEXT_BAD))
def test_the_command_line_refuses_every_bad_duration_in_one_line(
    flag: str, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", f"{flag}={text}"]) == 2  # "=": "-1s" would read as an option
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1, err
    assert all(words in err for words in TEXT_FORMS), err


def test_non_finite_numbers_never_reach_the_clock() -> None:
    for value in (math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError, match="is not a duration"):
            VirtualClock(START).advance(value)
