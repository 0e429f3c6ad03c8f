"""The registrar-mock command line."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from mock_server.cli import main

from .live import serve


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
    world.write_text(
        "name: closed\nopen_accounts: false\naccounts:\n  - id: only\n    tokens: [t0k]\n"
    )
    with serve("--scenario", str(world)) as base:
        ok = httpx.get(f"{base}/accounts/only/registrar/registrations",
                       headers={"Authorization": "Bearer t0k"})  # fmt: skip
        refused = httpx.get(f"{base}/accounts/only/registrar/registrations",
                            headers={"Authorization": "Bearer other"})  # fmt: skip
        health = httpx.get(base.replace("/client/v4", "/__mock__/health")).json()
    assert ok.status_code == 200
    assert refused.status_code == 403
    assert health["result"]["scenario"] == "closed"
