"""The mock outside pytest: MockServer and mock_registrar from a plain script and from
unittest, with the environment restored afterwards."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from registrar_mock import MockServer, mock_registrar
from registrar_mock.testing import current_server
from tests.helpers import ACCOUNT


def run_python(
    folder: Path, name: str, source: str, *args: str
) -> subprocess.CompletedProcess[str]:
    """Run a file as a user would, in a clean environment but for a developer's variables."""
    path = folder / name
    path.write_text(textwrap.dedent(source), encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("CLOUDFLARE_")}
    env["CLOUDFLARE_API_TOKEN"] = "the-developers-real-token-000000000000000"
    return subprocess.run(
        [sys.executable, *args, str(path)] if args else [sys.executable, str(path)],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_mock_server_with_start_and_stop() -> None:
    server = MockServer("action-required")
    assert "not started" in repr(server)
    server.start()
    try:
        assert server.running
        url = f"{server.base_url}/accounts/{server.account_id}/registrar/registrations"
        answer = httpx.post(url, json={"domain_name": "confirm-me.com"}, headers=server.headers())
        assert answer.status_code == 202
        server.advance("5s")
        assert (
            server.registrar.registration_status.get(
                "confirm-me.com", account_id=server.account_id
            ).state
            == "action_required"
        )
        server.resolve(server.account_id, "confirm-me.com")
        health = httpx.get(f"{server.control_url}/health")
        assert health.status_code == 200
        assert [entry.status for entry in server.journal][:1] == [202]
    finally:
        server.stop()
    assert not server.running
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.control_url}/health", timeout=2)
    server.stop()  # twice is fine


def test_mock_registrar_as_a_context_manager_sets_and_restores_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CLOUDFLARE_EMAIL", "dev@example.com")
    monkeypatch.delenv("CLOUDFLARE_BASE_URL", raising=False)
    with mock_registrar("default", seed=3) as server:
        assert current_server() is server
        assert os.environ["CLOUDFLARE_BASE_URL"] == server.base_url
        assert os.environ["CLOUDFLARE_ACCOUNT_ID"] == ACCOUNT
        assert "CLOUDFLARE_EMAIL" not in os.environ
        from cloudflare import Cloudflare

        created = Cloudflare().registrar.registrations.create(
            account_id=ACCOUNT, domain_name="from-env.com"
        )
        assert created.state == "succeeded"
    assert "CLOUDFLARE_BASE_URL" not in os.environ
    assert os.environ["CLOUDFLARE_EMAIL"] == "dev@example.com"
    with pytest.raises(LookupError):
        current_server()


def test_mock_registrar_as_a_decorator_gives_each_call_its_own_server() -> None:
    seen: list[str] = []

    @mock_registrar("near-limit")
    def count() -> int:
        seen.append(os.environ["CLOUDFLARE_BASE_URL"])
        listed = current_server().registrar.registrations.list(account_id=ACCOUNT)
        return len(list(listed))

    assert count() == 99
    assert count() == 99
    assert len(set(seen)) == 2
    assert "CLOUDFLARE_BASE_URL" not in os.environ


def test_mock_registrar_decorates_async_functions() -> None:
    import asyncio

    @mock_registrar()
    async def register() -> str:
        from cloudflare import AsyncCloudflare

        async with AsyncCloudflare() as client:
            done = await client.registrar.registrations.create(
                account_id=os.environ["CLOUDFLARE_ACCOUNT_ID"], domain_name="async-env.com"
            )
            return done.state

    assert asyncio.run(register()) == "succeeded"
    assert "CLOUDFLARE_BASE_URL" not in os.environ


SCRIPT = """
import os

from cloudflare import Cloudflare
from registrar_mock import mock_registrar

before = os.environ.get("CLOUDFLARE_API_TOKEN")
with mock_registrar("default") as mock:
    account = os.environ["CLOUDFLARE_ACCOUNT_ID"]
    done = Cloudflare().registrar.registrations.create(account_id=account, domain_name="script.com")
    print("state", done.state)
    print("token", os.environ["CLOUDFLARE_API_TOKEN"] != before)
    create = "registrar-domain-registration-create"
    mock.journal.assert_called(create, body={"domain_name": "script.com"})
back = os.environ.get("CLOUDFLARE_API_TOKEN") == before
print("restored", back, "CLOUDFLARE_BASE_URL" in os.environ)
"""


def test_a_plain_script(tmp_path: Path) -> None:
    done = run_python(tmp_path, "script.py", SCRIPT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:3] == ["state succeeded", "token True", "restored True False"]


UNITTEST = """
import os
import unittest

from cloudflare import Cloudflare
from registrar_mock import MockServer, mock_registrar
from registrar_mock.testing import current_server


@mock_registrar("action-required")
class RegistersWithConfirmation(unittest.TestCase):
    def setUp(self):
        self.client = Cloudflare()
        self.account = os.environ["CLOUDFLARE_ACCOUNT_ID"]

    def test_waits_for_the_registrant(self):
        created = self.client.registrar.registrations.create(
            account_id=self.account,
            domain_name="confirm-me.com",
            extra_headers={"Prefer": "respond-async"},
        )
        self.assertFalse(created.completed)
        current_server().advance(5)
        status = self.client.registrar.registration_status.get(
            "confirm-me.com", account_id=self.account
        )
        self.assertEqual(status.state, "action_required")

    def test_starts_fresh(self):
        listed = self.client.registrar.registrations.list(account_id=self.account)
        self.assertEqual([r.domain_name for r in listed], [])


class WithAServer(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.server = MockServer().start()

    @classmethod
    def tearDownClass(cls):
        cls.server.stop()

    def test_served(self):
        self.assertIn("127.0.0.1", self.server.base_url)
        self.server.advance("1d")


class Restored(unittest.TestCase):
    def test_zz_environment_is_back(self):
        self.assertNotIn("CLOUDFLARE_BASE_URL", os.environ)
        token = os.environ["CLOUDFLARE_API_TOKEN"]
        self.assertEqual(token, "the-developers-real-token-000000000000000")


if __name__ == "__main__":
    unittest.main()
"""


def test_from_unittest(tmp_path: Path) -> None:
    done = run_python(tmp_path, "test_with_unittest.py", UNITTEST, "-m", "unittest", "-v")
    assert done.returncode == 0, done.stderr
    assert "Ran 4 tests" in done.stderr
    assert "OK" in done.stderr.splitlines()[-1]
