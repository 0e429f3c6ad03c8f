"""What makes the client pleasant at a prompt: pages that iterate and have a length, one
name where a list is expected, and reprs that say what a thing is (never a credential)."""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx
import pytest

from registrar_mock.client import (
    AsyncRegistrarClient,
    Contact,
    DomainAvailability,
    Extension,
    Page,
    RegistrarClient,
    Registration,
    WorkflowState,
)
from registrar_mock.client.legacy import LegacyDomain
from registrar_mock.testing import ASGITransport, SyncASGITransport

from .conftest import ACCOUNT, TOKEN, Connect, Harness
from .test_client_paging import NAMES, world_with_registrations
from .test_client_transfers import CODE_BYTES, SCENARIO

# --- pages ----------------------------------------------------------------------


def test_a_page_of_registrations_iterates_and_has_a_length(connect: Connect) -> None:
    h = connect(world_with_registrations())
    page = h.client.list_registrations(per_page=10, sort_by="name")
    assert len(page) == 10
    assert [r.domain_name for r in page] == sorted(NAMES)[:10]
    assert list(page) == page.items
    assert page[0] == page.items[0] and page[-1].domain_name == sorted(NAMES)[9]
    assert page[1:3] == page.items[1:3]
    assert page.items[4] in page
    assert page  # a page with items is true, like a list
    last = h.client.list_registrations(per_page=10, sort_by="name", cursor="")
    while last.has_next:
        last = h.client.list_registrations(per_page=10, sort_by="name", cursor=last.cursor)
    assert len(last) == len(NAMES) % 10


def test_an_empty_page_is_empty_and_false(connect: Connect) -> None:
    h = connect()
    page = h.client.list_registrations()
    assert len(page) == 0 and list(page) == [] and not page


def test_a_page_of_extensions_iterates_and_has_a_length(connect: Connect) -> None:
    h = connect()
    page = h.client.list_extensions(per_page=2)
    assert len(page) == 2
    assert all(isinstance(extension, Extension) for extension in page)
    assert [e.name for e in page] == [e.name for e in page.items]
    # A 304 hands back the same page, which iterates the same.
    again = h.client.list_extensions(per_page=2, cached=page)
    assert again is page and len(again) == 2


def test_iter_registrations_still_walks_every_page(connect: Connect) -> None:
    h = connect(world_with_registrations())
    assert len(list(h.client.iter_registrations(per_page=4))) == len(NAMES)
    assert len(h.client.list_registrations(per_page=4)) == 4  # one page, not all of them


def test_the_async_clients_pages_iterate_in_its_own_loop() -> None:
    from registrar_mock import create_app

    from .test_client_paging import world_with_registrations as world

    app = create_app(world())

    async def main() -> tuple[int, list[str], int]:
        http = httpx.AsyncClient(transport=ASGITransport(app))
        async with AsyncRegistrarClient(
            ACCOUNT, api_token=TOKEN, base_url="http://mock/client/v4", http_client=http
        ) as client:
            page = await client.list_registrations(per_page=5, sort_by="name")
            extensions = await client.list_extensions(per_page=3)
            names = [registration.domain_name for registration in page]
        await http.aclose()
        return len(page), names, len(extensions)

    size, names, extensions = anyio.run(main)
    assert size == 5 and names == sorted(NAMES)[:5] and extensions == 3


def test_a_page_built_by_hand_behaves_like_its_items() -> None:
    page: Page[int] = Page(items=[1, 2, 3], cursor="next", count=3)
    assert len(page) == 3 and list(page) == [1, 2, 3] and sum(page) == 6
    assert 2 in page and 9 not in page
    assert list(reversed(page.items)) == [3, 2, 1]


# --- one name where a list goes ---------------------------------------------------


def recorded_bodies(connect: Connect, *args: Any, **options: Any) -> tuple[Harness, list[Any]]:
    bodies: list[Any] = []

    def before(request: httpx.Request) -> None:
        if request.method == "POST":
            bodies.append(json.loads(request.content))

    return connect(*args, before=before, **options), bodies


def test_check_takes_one_name(connect: Connect) -> None:
    h, bodies = recorded_bodies(connect)
    [one] = h.client.check("one-name.com")
    assert isinstance(one, DomainAvailability) and one.name == "one-name.com"
    assert h.client.check(["one-name.com"]) == [one]
    assert h.client.check(("one-name.com", "two-names.com"))[1].name == "two-names.com"
    assert bodies == [
        {"domains": ["one-name.com"]},
        {"domains": ["one-name.com"]},
        {"domains": ["one-name.com", "two-names.com"]},
    ]


def test_transfer_check_takes_one_name_or_one_pair(connect: Connect) -> None:
    h, bodies = recorded_bodies(connect, SCENARIO)
    code = "S3g3LU1vdmUtTWUtSW4="  # CODE_BYTES, base64-encoded
    alone = h.client.transfer_check("after-two-days.com")
    assert list(alone) == ["after-two-days.com"]
    paired = h.client.transfer_check(("after-two-days.com", CODE_BYTES))
    assert list(paired) == ["after-two-days.com"] and paired["after-two-days.com"].transferable
    assert list(h.client.transfer_check(("after-two-days.com", code))) == ["after-two-days.com"]
    assert list(h.client.transfer_check(("after-two-days.com", None))) == ["after-two-days.com"]
    # A tuple of names is many names: no auth code has a dot in it.
    both = h.client.transfer_check(("after-two-days.com", "silent.net"))
    assert list(both) == ["after-two-days.com", "silent.net"]
    many = h.client.transfer_check([("after-two-days.com", CODE_BYTES), "silent.net"])
    assert list(many) == ["after-two-days.com", "silent.net"]
    assert [body["domains"] for body in bodies] == [
        [{"domain_name": "after-two-days.com"}],
        [{"domain_name": "after-two-days.com", "auth_code": code}],
        [{"domain_name": "after-two-days.com", "auth_code": code}],
        [{"domain_name": "after-two-days.com"}],
        [{"domain_name": "after-two-days.com"}, {"domain_name": "silent.net"}],
        [{"domain_name": "after-two-days.com", "auth_code": code}, {"domain_name": "silent.net"}],
    ]


# --- reprs ------------------------------------------------------------------------

SECRET_TOKEN = "registrar-mock-very-secret-token-000000"
SECRET_KEY = "0123456789abcdef0123456789abcdef01234"
SECRET_EMAIL = "owner@example.com"


def clients() -> list[RegistrarClient | AsyncRegistrarClient]:
    return [
        RegistrarClient(ACCOUNT, api_token=SECRET_TOKEN, base_url="http://mock/client/v4/"),
        RegistrarClient(ACCOUNT, api_email=SECRET_EMAIL, api_key=SECRET_KEY, sandbox=True),
        AsyncRegistrarClient(ACCOUNT, api_token=SECRET_TOKEN, base_url="http://mock/client/v4"),
        AsyncRegistrarClient(ACCOUNT, api_email=SECRET_EMAIL, api_key=SECRET_KEY, sandbox=True),
    ]


def test_a_client_repr_says_which_account_where_and_which_environment() -> None:
    sync_token, sync_key, async_token, async_key = (repr(client) for client in clients())
    assert sync_token == (
        f"<RegistrarClient account_id='{ACCOUNT}' base_url='http://mock/client/v4' "
        "sandbox=False auth=api_token>"
    )
    assert sync_key == (
        f"<RegistrarClient account_id='{ACCOUNT}' "
        "base_url='https://api.cloudflare.com/client/v4' sandbox=True auth=api_key>"
    )
    assert async_token.startswith(f"<AsyncRegistrarClient account_id='{ACCOUNT}' ")
    assert "sandbox=False" in async_token and "sandbox=True" in async_key


def test_no_repr_shows_a_credential() -> None:
    for client in clients():
        shown = [repr(client), str(client), repr(client.poll), repr(client.retry)]
        for text in shown:
            for secret in (SECRET_TOKEN, SECRET_KEY, SECRET_EMAIL, "Bearer"):
                assert secret not in text, text


def every_model(client: RegistrarClient, app: Any) -> list[object]:
    """One of each model the client hands back, from a session with the mock."""
    status = client.register("repr-demo.com")
    assert status.state is WorkflowState.SUCCEEDED and status.registration is not None
    page = client.list_registrations()
    extension = client.get_extension("com")
    [offer] = client.check("repr-demo-two.com")
    legacy: list[LegacyDomain] = client.list_domains()
    return [
        status,
        status.links,
        status.registration,
        page,
        *page,
        extension,
        client.list_extensions(per_page=2),
        offer,
        offer.pricing,
        *legacy,
        Contact("a@example.com", "+1.5555555555", "A", "1 Main St", "Austin", "TX", "1", "US"),
    ]


def test_models_have_short_reprs_without_credentials() -> None:
    from registrar_mock import create_app

    app = create_app()
    http = httpx.Client(transport=SyncASGITransport(app))
    with RegistrarClient(
        "023e105f4ecef8ad9ca31a8372d0c353",
        api_token="registrar-mock-demo-token-00000000000000",
        base_url="http://mock/client/v4",
        http_client=http,
        sleep=app.clock.advance,  # type: ignore[attr-defined]
        monotonic=lambda: app.clock.now().timestamp(),
    ) as client:
        models = every_model(client, app)
    http.close()
    for model in models:
        text = repr(model)
        assert "registrar-mock-demo-token" not in text
        assert "Bearer" not in text
        assert "<" not in text.split("(", 1)[0], text  # a name and its fields, not an address
    status, links, registration = models[:3]
    assert repr(registration).startswith("Registration(domain_name='repr-demo.com', ")
    assert "status='active'" in repr(registration)  # an enum shows as its value
    assert "extra=" not in repr(registration)  # nothing unknown, so nothing said
    assert repr(status).startswith("WorkflowStatus(state='succeeded', completed=True, links=")
    assert repr(links).startswith("WorkflowLinks(self_link='/accounts/")
    extension = next(model for model in models if isinstance(model, Extension))
    assert "registration_schema" not in repr(extension)  # a whole JSON Schema is left out
    assert repr(extension).startswith("Extension(name='com', tld='com', etag=")
    assert len(repr(extension)) < 400


def test_a_page_repr_shows_its_first_items_and_the_cursor() -> None:
    items = [Registration(domain_name=f"r{i}.com", status="active") for i in range(5)]  # type: ignore[arg-type]
    page = Page(items=items, cursor="abc", count=5, per_page=5)
    text = repr(page)
    assert text.startswith("Page([Registration(domain_name='r0.com', status='active'), ")
    assert text.endswith(", ... 2 more], cursor='abc', per_page=5)")
    assert repr(Page(items=[], cursor="", count=0)) == "Page([])"


@pytest.mark.parametrize("client_type", [RegistrarClient, AsyncRegistrarClient])
def test_a_repr_is_the_same_after_use(client_type: type[RegistrarClient]) -> None:
    client = client_type(ACCOUNT, api_token=SECRET_TOKEN)
    before = repr(client)
    client.build_request("GET", "/x")
    assert repr(client) == before


def test_enum_members_in_a_repr_show_as_their_values() -> None:
    from registrar_mock.client import TransferCheckResult, TransferReason

    result = TransferCheckResult(
        "a.com", False, reasons=(TransferReason.DOMAIN_LOCKED, TransferReason("brand_new"))
    )
    assert repr(result) == (
        "TransferCheckResult(name='a.com', transferable=False, "
        "reasons=('domain_locked', 'brand_new'))"
    )
