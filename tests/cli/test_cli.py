"""The registrar-mock command line: commands, help, errors and the banner."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest

from registrar_mock import create_app
from registrar_mock.cli import main
from registrar_mock.cli.banner import EXAMPLE_TOKEN, banner, mask
from registrar_mock.cli.serve import CliError, _app_options, bind
from tests.helpers import token
from tests.live import serve


def test_scenarios_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "list"]) == 0
    names = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    assert {"default", "near-limit", "flaky", "expiring"} <= set(names)


def test_scenarios_show(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "show", "near-limit"]) == 0
    assert "count: 99" in capsys.readouterr().out


def test_scenarios_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("name: good\ndomain_limit: 5\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: bad\naccounts:\n  - id: a\n    billing: maybe\n")
    assert main(["scenarios", "validate", str(good)]) == 0
    assert main(["scenarios", "validate", str(good), str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: accounts[0].billing:" in err
    assert "Traceback" not in err


def test_unknown_scenario_is_one_line_and_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenarios", "show", "atlantis"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert err.startswith("registrar-mock: atlantis")


def test_serve_takes_a_scenario_path(tmp_path: Path) -> None:
    world = tmp_path / "closed.yaml"
    only, secret = "0" * 31 + "1", token("only")
    world.write_text(
        f"name: closed\nopen_accounts: false\naccounts:\n  - id: '{only}'\n    tokens: [{secret}]\n"
    )
    with serve("--scenario", str(world)) as base:
        ok = httpx.get(f"{base}/accounts/{only}/registrar/registrations",
                       headers={"Authorization": f"Bearer {secret}"})  # fmt: skip
        refused = httpx.get(f"{base}/accounts/{only}/registrar/registrations",
                            headers={"Authorization": f"Bearer {token('other')}"})  # fmt: skip
        health = httpx.get(base.replace("/client/v4", "/__mock__/health")).json()
    assert ok.status_code == 200
    assert refused.status_code == 403
    assert health["result"]["scenario"] == "closed"


# --- help and errors ----------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        [],
        ["serve"],
        ["scenarios"],
        ["scenarios", "list"],
        ["scenarios", "show"],
        ["scenarios", "validate"],
    ],
)
def test_every_command_has_help_with_examples(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--help"]) == 0
    out = capsys.readouterr().out
    assert "example" in out
    assert "registrar-mock " in out.split("example", 1)[1]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        ([], "the following arguments are required: COMMAND"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["serve", "--port", "http"], "argument --port: give a number from 0 to 65535, not 'http'"),
        (
            ["serve", "--port", "70000"],
            "argument --port: give a number from 0 to 65535, not '70000'",
        ),
        (["serve", "--log-level", "loud"], "invalid choice: 'loud'"),
        (["serve", "--time-scale", "0"], "--time-scale must be positive"),
        (["serve", "--time-scale", "2e11"], "--time-scale must be positive and at most 1e+08"),
        (["serve", "--scenario", "atlantis"], "atlantis: no such scenario file"),
        (["serve", "--reload-scenario"], "scenarios show default > my-world.yaml"),
        (["serve", "--reload-scenario", "--scenario", "flaky"], "'flaky' is bundled"),
        (["scenarios", "validate"], "the following arguments are required: paths"),
        (["serve", "--control-token", ""], "--control-token must not be empty"),
        (["serve", "--state-file-limit", "64k"], "--state-file-limit needs --state-file"),
        (["serve", "--state-file-limit", "lots"], "give a size such as 65536, 64k or 10m"),
        (["serve", "--header-timeout", "0"], "--header-timeout: give a duration of more than 0"),
        (["serve", "--body-timeout", "2x"], '"500ms", "30s", "5m", "2h" or "3d"; not \'2x\''),
        (["serve", "--max-connections", "0"], "--max-connections must be at least 1"),
        (["serve", "--scenario-dir", "/no/such/dir"], "--scenario-dir /no/such/dir: not a dir"),
    ],
)
def test_errors_are_one_line_and_not_zero(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("registrar-mock: ")
    assert says in lines[0]
    assert captured.out == ""


@pytest.mark.parametrize(
    "text",
    [
        "seed: " + "9" * 5000 + "\n",  # more digits than Python turns into an int
        "start: 2026-02-30T00:00:00Z\n",  # no such day
        "sync_wait: " + "9" * 400 + "\n",
        "accounts: " + "[" * 5000 + "]" * 5000 + "\n",
    ],
)
def test_a_scenario_file_with_unreadable_values_is_one_line(
    tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]
) -> None:
    world = tmp_path / "odd.yaml"
    world.write_text(text)
    assert main(["serve", "--scenario", str(world)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"registrar-mock: {world}: "), lines


def test_a_port_in_use_is_one_clear_line() -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(CliError, match=f"port {port} on 127.0.0.1 is already in use"):
            bind("127.0.0.1", port)


def test_flags_the_app_cannot_take_are_refused() -> None:
    def old_create_app(scenario: object = None, *, clock: object = None) -> None: ...

    assert _app_options(old_create_app, state_file=None, control_token=None) == {}
    with pytest.raises(CliError, match="--control-token is not supported by this version"):
        _app_options(old_create_app, state_file=None, control_token="s3cret")


# --- the banner -----------------------------------------------------------------


def test_banner_for_an_open_world() -> None:
    text = banner(create_app(), host="127.0.0.1", port=8787)
    base = "http://127.0.0.1:8787/client/v4"
    assert f"Base URL     {base}" in text
    assert "Scenario     default (default.yaml)" in text
    assert "any 32-hex id, with any well-formed token or key" in text
    assert "Control API  http://127.0.0.1:8787/__mock__" in text
    assert "Clock        2026-01-01T00:00:00Z" in text
    curl = next(line.strip() for line in text.splitlines() if line.strip().startswith("curl"))
    assert curl == (
        f"curl -s -H 'Authorization: Bearer {EXAMPLE_TOKEN}' {base}/accounts/"
        "023e105f4ecef8ad9ca31a8372d0c353/registrar/registrations"
    )
    assert "$" not in curl  # works when pasted as printed
    assert "WARNING" not in text


def test_banner_never_prints_a_secret_in_full() -> None:
    text = banner(create_app("two-accounts"), host="127.0.0.1", port=8787)
    assert "ac3e0000000000000000000000000001  token acme…, key ops@acme.example 0123…" in text
    assert "610be000000000000000000000000002  token glob…" in text
    for secret in (
        "acme_demo_token_000000000000000000000000",
        "globex_demo_token_0000000000000000000000",
        "0123456789abcdef0123456789abcdef01234",
    ):
        assert secret not in text
    # The try needs no secret, so it works when pasted as printed.
    assert "    curl -s http://127.0.0.1:8787/__mock__/health" in text
    assert "$" not in text


def test_mask() -> None:
    assert mask("0123456789abcdef0123456789abcdef") == "0123…"
    assert mask("acme-token") == "ac…"
    assert mask("abc") == "…"
    for secret in (
        "0123456789abcdef0123456789abcdef",
        "acme_demo_token_000000000000000000000000",
        "a" * 100,
    ):
        assert len(mask(secret).rstrip("…")) <= 4


def test_banner_warns_when_the_control_api_is_exposed() -> None:
    exposed = banner(create_app(), host="0.0.0.0", port=80)
    assert "Base URL     http://127.0.0.1:80/client/v4" in exposed
    assert "WARNING      0.0.0.0 is reachable from other machines" in exposed
    assert "set --control-token" in exposed
    guarded = banner(create_app(control_token="s3cret"), host="0.0.0.0", port=80)
    assert "WARNING" not in guarded
    assert "(Authorization: Bearer <your --control-token>)" in guarded
    assert "s3cret" not in guarded
