"""The rules a new registration must pass, in the order the docs give them.

Express mode: a request with only ``domain_name`` works when the account has a
billing profile, room under its domain limit (pending registrations count), a
supported extension, a non-premium and available name, and a registrant (the
request's own, or the account's default address-book entry). ``years``
defaults to the extension's minimum and must lie within its term limits.

In the Registrar Sandbox (its ``Profile``) no billing profile is needed and there
is no express mode: the request must name its registrant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from registrar_mock import errors as e
from registrar_mock.model.catalogue import Channel, Extension
from registrar_mock.model.discovery import taken
from registrar_mock.model.profiles import Profile
from registrar_mock.model.records import Account, Contact, RegistrationRequest
from registrar_mock.model.world import World


@dataclass(frozen=True, slots=True)
class Accepted:
    """What a request that passed every rule will register."""

    extension: Extension
    registrant: Contact
    years: int


def check_contacts(profile: Profile, request: RegistrationRequest) -> None:
    """Without express mode (the sandbox) a registration must name its registrant."""
    if not profile.express_mode and request.registrant is None:
        raise e.NO_EXPRESS_MODE(at="/contacts/registrant")


def accept(
    world: World,
    profile: Profile,
    account: Account,
    owners: Mapping[str, str],
    request: RegistrationRequest,
) -> Accepted:
    """Check ``request`` against every rule; raise the first one it breaks."""
    name = request.domain_name
    label, _, extension = world.catalogue.split(name)
    if "." in label:
        raise e.INVALID_DOMAIN(at="/domain_name")  # a subdomain is not registrable
    if profile.billing and not account.has_billing:
        raise e.NO_BILLING()
    if len(account.registrations) >= world.domain_limit:
        raise e.LIMIT_REACHED(at="/domain_name", limit=world.domain_limit)
    if extension is None or extension.channel is not Channel.API:
        raise e.EXTENSION_NOT_SUPPORTED(at="/domain_name")
    if name in world.registry.premium:
        raise e.PREMIUM(at="/domain_name")
    if taken(world, owners, name):
        raise e.UNAVAILABLE(at="/domain_name")
    check_contacts(profile, request)
    registrant = request.registrant or account.default_contact
    if registrant is None:
        raise e.NO_CONTACT(at="/contacts/registrant")
    years = request.years if request.years is not None else extension.min_years
    if not extension.min_years <= years <= extension.max_years:
        raise e.YEARS_RANGE(
            at="/years", low=extension.min_years, high=extension.max_years, extension=extension.name
        )
    return Accepted(extension, registrant, years)
