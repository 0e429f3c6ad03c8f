"""From HTTP failures to the client's exception hierarchy, and the registration refusals."""

from __future__ import annotations

import json

import httpx
import pytest

from registrar_mock.client import (
    APIError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    Reason,
    RegistrarError,
    ServerError,
    Tier,
    ValidationError,
)
from registrar_mock.model.world import SeedRegistration
from tests.helpers import token

from .conftest import Connect, closed_world, scripted_world
from .support import envelope_error


def test_unknown_token_is_an_authentication_error(connect: Connect) -> None:
    h = connect(closed_world(), credentials={"api_token": token("somebody-elses")})
    with pytest.raises(AuthenticationError) as caught:
        h.client.list_registrations()
    error = caught.value
    assert error.status_code == 403
    assert error.codes == [9109]
    assert error.errors[0].message == "Invalid access token"
    assert json.loads(error.body)["success"] is False


def test_email_and_key_are_sent_as_legacy_headers(connect: Connect) -> None:
    key = "abc123" + "0" * 31  # well formed (37 lowercase hex), but nobody's
    h = connect(closed_world(), credentials={"api_email": "me@example.com", "api_key": key})
    with pytest.raises(AuthenticationError) as caught:
        h.client.search("coffee")
    assert caught.value.codes == [9103]  # unknown key: the headers did arrive as a key pair


def test_malformed_token_is_an_authentication_error_even_as_400(connect: Connect) -> None:
    h = connect(credentials={"api_token": "has a space"})
    with pytest.raises(AuthenticationError) as caught:
        h.client.check(["fine.com"])
    assert caught.value.status_code == 400
    assert caught.value.codes == [6003]


def test_401_is_an_authentication_error(connect: Connect) -> None:
    def unauthorized(request: httpx.Request) -> httpx.Response:
        return envelope_error(401, 10000, "Authentication error")

    h = connect(before=unauthorized)
    with pytest.raises(AuthenticationError) as caught:
        h.client.get_registration("any.com")
    assert caught.value.status_code == 401
    assert h.transport.count("GET", "/registrations/any.com") == 1  # 401 is not retried


def test_not_found(connect: Connect) -> None:
    h = connect()
    with pytest.raises(NotFoundError) as caught:
        h.client.get_registration("nobody-owns-this.com")
    assert caught.value.status_code == 404
    assert caught.value.codes == [10000]
    with pytest.raises(NotFoundError):
        h.client.get_registration_status("nobody-owns-this.com")
    with pytest.raises(NotFoundError):
        h.client.get_domain("nobody-owns-this.com")


def test_validation_errors_carry_every_pointer(connect: Connect) -> None:
    h = connect()
    with pytest.raises(ValidationError) as caught:
        h.client.list_registrations(per_page=500)
    assert caught.value.status_code == 400
    assert caught.value.pointers == ["/per_page"]
    with pytest.raises(ValidationError) as caught:
        h.client.create_registration("too-long.com", years=11)
    assert caught.value.errors[0].pointer == "/years"
    assert "years" in caught.value.errors[0].message
    with pytest.raises(ValidationError) as caught:
        h.client.create_registration("bad-phone.com", registrant={"email": "x@example.com"})
    assert caught.value.pointers == ["/contacts/registrant/phone"]
    assert "too-long.com" not in h.registered()


def test_hierarchy_lets_callers_catch_broadly(connect: Connect) -> None:
    h = connect()
    with pytest.raises(APIError):
        h.client.get_registration("missing.com")
    with pytest.raises(RegistrarError):
        h.client.get_registration("missing.com")


def test_a_busy_registration_is_a_conflict(connect: Connect) -> None:
    h = connect()
    h.client.create_registration("slow-busy.com", prefer_async=True)
    with pytest.raises(ConflictError) as caught:
        h.client.update_registration("slow-busy.com", auto_renew=True)
    assert caught.value.status_code == 409


def test_server_errors_are_retried_then_raised(connect: Connect) -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        return envelope_error(500, 10001, "Internal error")

    h = connect(before=broken)
    with pytest.raises(ServerError) as caught:
        h.client.search("coffee")
    assert caught.value.status_code == 500
    assert h.transport.count("GET", "/domain-search") == 4  # one try and three retries
    assert h.sleeps == [0.5, 1.0, 2.0]


def test_domain_limit_reached(connect: Connect) -> None:
    h = connect(scripted_world(domain_limit=2))
    h.client.register("first.com")
    h.client.register("second.com")
    with pytest.raises(ValidationError) as caught:
        h.client.register("third.com")
    assert "limit" in caught.value.errors[0].message.lower()
    assert caught.value.pointers == ["/domain_name"]
    assert h.registered() == {"first.com", "second.com"}


def test_the_documented_100_domain_limit(connect: Connect) -> None:
    seeds = tuple(SeedRegistration(f"owned-{i:03d}.com") for i in range(100))
    h = connect(closed_world(registrations=seeds))
    with pytest.raises(ValidationError) as caught:
        h.client.register("one-more.com")
    assert "100" in caught.value.errors[0].message
    assert len(h.registered()) == 100


def test_no_billing_profile(connect: Connect) -> None:
    h = connect(closed_world(has_billing=False))
    with pytest.raises(ValidationError) as caught:
        h.client.register("unbillable.com")
    assert "billing" in caught.value.errors[0].message.lower()
    assert h.registered() == set()


def test_premium_domain_is_typed_by_check_and_refused_by_create(connect: Connect) -> None:
    h = connect()
    [checked] = h.client.check(["coffee.xyz"])
    assert checked.registrable is False
    assert checked.tier is Tier.PREMIUM
    assert checked.reason is Reason.DOMAIN_PREMIUM
    assert checked.premium and checked.pricing is None
    with pytest.raises(ValidationError) as caught:
        h.client.register("coffee.xyz")
    assert caught.value.pointers == ["/domain_name"]
    assert "premium" in caught.value.errors[0].message.lower()
    assert h.registered() == set()


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        ("brand.io", Reason.EXTENSION_NOT_SUPPORTED_VIA_API),
        ("brand.horse", Reason.EXTENSION_NOT_SUPPORTED),
        ("brand.py", Reason.EXTENSION_DISALLOWS_REGISTRATION),
        ("example.com", Reason.DOMAIN_UNAVAILABLE),
    ],
)
def test_unregistrable_domains_are_typed_by_check_and_refused_by_create(
    connect: Connect, domain: str, reason: Reason
) -> None:
    h = connect()
    [checked] = h.client.check([domain])
    assert checked.name == domain
    assert checked.registrable is False
    assert checked.reason is reason
    assert checked.pricing is None
    with pytest.raises(ValidationError) as caught:
        h.client.create_registration(domain)
    assert caught.value.pointers == ["/domain_name"]
    assert h.registered() == set()
