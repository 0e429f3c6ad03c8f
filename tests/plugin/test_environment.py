"""An application that builds its own ``Cloudflare()`` from the environment, as in
production, reaches the mock under each fixture; the environment is restored after."""

from __future__ import annotations

import pytest

from .support import run

# The user's application: nothing in it knows about the mock.
APP = """
import os

from cloudflare import AsyncCloudflare, Cloudflare


def register(domain):
    client = Cloudflare()
    account = os.environ["CLOUDFLARE_ACCOUNT_ID"]
    return client.registrar.registrations.create(account_id=account, domain_name=domain)


async def register_async(domain):
    async with AsyncCloudflare() as client:
        account = os.environ["CLOUDFLARE_ACCOUNT_ID"]
        return await client.registrar.registrations.create(account_id=account, domain_name=domain)
"""

TESTS = """
import asyncio
import os

import app

CREATE = "registrar-domain-registration-create"


def test_in_process(registrar_mock):
    assert app.register("in-process.com").state == "succeeded"
    registrar_mock.journal.assert_called(CREATE, times=1, body={"domain_name": "in-process.com"})
    # A real credential of the developer's is out of the way meanwhile.
    assert "CLOUDFLARE_API_KEY" not in os.environ


def test_in_process_async(registrar_mock):
    assert asyncio.run(app.register_async("async.com")).state == "succeeded"
    registrar_mock.journal.assert_called(CREATE, body={"domain_name": "async.com"})


def test_served(registrar_mock_server):
    assert os.environ["CLOUDFLARE_BASE_URL"] == registrar_mock_server.base_url
    assert app.register("served.com").state == "succeeded"
    registrar_mock_server.journal.assert_called(CREATE, times=1, domain="served.com")


def test_restored_afterwards():
    assert os.environ["CLOUDFLARE_BASE_URL"] == "https://example.invalid/client/v4"
    assert os.environ["CLOUDFLARE_API_KEY"] == "a-real-key-of-the-developer"
    assert "CLOUDFLARE_API_TOKEN" not in os.environ
    assert "CLOUDFLARE_ACCOUNT_ID" not in os.environ
"""


def test_an_app_calling_cloudflare_with_no_arguments_reaches_each_fixture(
    inner: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLOUDFLARE_BASE_URL", "https://example.invalid/client/v4")
    monkeypatch.setenv("CLOUDFLARE_API_KEY", "a-real-key-of-the-developer")
    monkeypatch.delenv("CLOUDFLARE_API_TOKEN", raising=False)
    monkeypatch.delenv("CLOUDFLARE_ACCOUNT_ID", raising=False)
    inner.makepyfile(app=APP, test_app=TESTS)
    result = run(inner)  # in file order: the last test runs after the fixtures are gone
    result.assert_outcomes(passed=4)


def test_requests_elsewhere_are_not_intercepted(inner: pytest.Pytester) -> None:
    inner.makepyfile(
        test_elsewhere="""
        import httpx
        import pytest

        def test_other_hosts_still_go_out(registrar_mock):
            with pytest.raises(httpx.ConnectError):
                httpx.get("http://127.0.0.1:9/", timeout=2)
            assert httpx.get(registrar_mock.control_url + "/health").status_code == 200
        """
    )
    run(inner).assert_outcomes(passed=1)
