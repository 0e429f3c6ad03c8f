"""The async client used directly, as an application would: ``async with`` and ``async for``."""

from __future__ import annotations

import httpx
import pytest

from registrar_mock import VirtualClock, create_app
from registrar_mock.client import (
    AsyncRegistrarClient,
    RegistrarClient,
    RegistrationStatus,
    SandboxUnsupportedError,
    WorkflowState,
)

from .conftest import ACCOUNT, BASE_URL, TOKEN, scripted_world
from .test_client_transfers import CODE_BYTES, SCENARIO


@pytest.mark.anyio
async def test_async_register_and_iterate() -> None:
    app = create_app(scripted_world())
    clock = app.clock
    assert isinstance(clock, VirtualClock)
    sleeps: list[float] = []

    def advance(seconds: float) -> None:  # a plain function is accepted as sleep too
        sleeps.append(seconds)
        clock.advance(seconds)

    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http,
        AsyncRegistrarClient(
            ACCOUNT,
            api_token=TOKEN,
            base_url=BASE_URL,
            http_client=http,
            sleep=advance,
            monotonic=lambda: app.clock.now().timestamp(),
        ) as registrar,
    ):
        started = await registrar.create_registration("async-one.com", prefer_async=True)
        assert started.state is WorkflowState.PENDING
        done = await registrar.wait_for_workflow(started, timeout=30)
        assert done.state is WorkflowState.SUCCEEDED
        assert sleeps  # it waited on the virtual clock
        await registrar.register("async-two.com")
        await registrar.register("async-three.com")

        names = [r.domain_name async for r in registrar.iter_registrations(per_page=1)]
        assert sorted(names) == ["async-one.com", "async-three.com", "async-two.com"]
        assert all(
            r.status is RegistrationStatus.ACTIVE
            for r in (await registrar.list_registrations(per_page=10)).items
        )


@pytest.mark.anyio
async def test_async_extensions_transfers_and_the_sandbox() -> None:
    app = create_app(SCENARIO)
    clock = app.clock
    assert isinstance(clock, VirtualClock)
    sleeps: list[float] = []

    async def advance(seconds: float) -> None:
        sleeps.append(seconds)
        clock.advance(seconds)

    options = {
        "api_token": TOKEN,
        "base_url": BASE_URL,
        "sleep": advance,
        "monotonic": lambda: clock.now().timestamp(),
    }
    async with (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http,
        AsyncRegistrarClient(ACCOUNT, http_client=http, **options) as registrar,
        AsyncRegistrarClient(ACCOUNT, http_client=http, sandbox=True, **options) as sandbox,
    ):
        names = [ext.name async for ext in registrar.iter_extensions(per_page=10)]
        assert "com" in names and names == sorted(names)
        com = await registrar.get_extension("com")
        assert await registrar.get_extension("com", cached=com) is com

        checked = await registrar.transfer_check([("after-two-days.com", CODE_BYTES)])
        assert checked["after-two-days.com"].transferable
        done = await registrar.transfer_in("after-two-days.com", auth_code=CODE_BYTES, wait=True)
        assert done.state is WorkflowState.SUCCEEDED
        assert max(sleeps) == 3600  # an hour at most between polls of a blocked transfer
        status = await registrar.get_transfer_in_status("after-two-days.com")
        assert status.completed

        assert [ext.name async for ext in sandbox.iter_extensions()] == ["com", "net"]
        with pytest.raises(SandboxUnsupportedError):
            await sandbox.transfer_in("after-two-days.com", auth_code=CODE_BYTES)


@pytest.mark.anyio
async def test_an_injected_http_client_is_left_open() -> None:
    app = create_app(scripted_world())
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app)) as http:
        async with AsyncRegistrarClient(
            ACCOUNT, api_token=TOKEN, base_url=BASE_URL, http_client=http
        ) as registrar:
            assert (await registrar.check(["open.com"]))[0].registrable
        assert not http.is_closed


def test_credentials_must_be_one_scheme() -> None:
    with pytest.raises(ValueError):
        RegistrarClient(ACCOUNT)
    with pytest.raises(ValueError):
        RegistrarClient(ACCOUNT, api_token="t", api_key="k", api_email="e@example.com")
    with pytest.raises(ValueError):
        RegistrarClient(ACCOUNT, api_email="e@example.com")
    with pytest.raises(ValueError):
        RegistrarClient("", api_token="t")


def test_a_client_closes_the_http_client_it_made() -> None:
    with RegistrarClient(ACCOUNT, api_token=TOKEN) as registrar:
        own = registrar._http
        assert registrar.base_url == "https://api.cloudflare.com/client/v4"
    assert own.is_closed
