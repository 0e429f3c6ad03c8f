"""What an account is charged, and when: a registration once it succeeds, each renewal,
and a transfer in once it completes.

A registration costs the extension's first-year price plus its renewal price for
every further year; a premium name renews at its own price; a transfer costs the
extension's transfer price for the year it adds (nothing, in the UK family, so no
charge is made). Nothing is charged for a refused, failed or repeated request, nor
anything in the Registrar Sandbox.
"""

from __future__ import annotations

from datetime import datetime

from registrar_mock.model.records import Account, Charge, Registration
from registrar_mock.model.world import World

MAX_CHARGES = 1000  # the most recent charges kept per account


def charge(
    world: World,
    account: Account,
    registration: Registration,
    at: datetime,
    *,
    kind: str = "registration",
    years: int | None = None,
) -> Charge | None:
    """Record a charge for ``registration`` (None if its extension has left the catalogue)."""
    _, _, extension = world.catalogue.split(registration.domain_name)
    if extension is None:
        return None
    years = registration.years if years is None else years
    if kind == "registration":
        amount = extension.cost(years)
    elif kind == "transfer":
        amount = extension.transfer_price * years
        if amount == 0:
            return None
    else:
        premium = world.registry.premium.get(registration.domain_name)
        amount = (premium.renewal_cost if premium else extension.renewal_cost) * years
    made = Charge(registration.domain_name, kind, amount, extension.currency, years, at)
    account.charges.append(made)
    # Per-account history is bounded: a long soak of renewals must not grow without limit.
    if len(account.charges) > MAX_CHARGES:
        del account.charges[: len(account.charges) - MAX_CHARGES]
    return made
