"""How a registration ages: auto-renewal before expiry, then expired, redemption, pending
delete, and finally free again. Pure functions of the world's :class:`Lifecycle`.

Every transition happens at its exact boundary, however late it is noticed, so
what a test sees after a jump of the clock doesn't depend on when somebody looked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from enum import StrEnum

from registrar_mock.model.records import Registration, RegistrationStatus
from registrar_mock.model.timeutil import add_years
from registrar_mock.model.world import Lifecycle


class Event(StrEnum):
    RENEWED = "renewed"  # charged a year, expires a year later
    EXPIRED = "expired"
    REDEMPTION = "redemption_period"
    PENDING_DELETE = "pending_delete"
    DELETED = "deleted"  # the registry let the name go: it is free again


def next_event(lifecycle: Lifecycle, registration: Registration, renews: bool) -> datetime | None:
    """When ``registration`` next changes by itself, or None if it never will."""
    expires = registration.expires_at
    if expires is None:
        return None
    status = registration.status
    if status is RegistrationStatus.ACTIVE:
        return expires - timedelta(seconds=lifecycle.renew_before) if renews else expires
    offset = {
        RegistrationStatus.EXPIRED: lifecycle.expired_for,
        RegistrationStatus.REDEMPTION_PERIOD: lifecycle.expired_for + lifecycle.redemption_for,
        RegistrationStatus.PENDING_DELETE: lifecycle.expired_for
        + lifecycle.redemption_for
        + lifecycle.pending_delete_for,
    }.get(status)
    return None if offset is None else expires + timedelta(seconds=offset)


def age(
    lifecycle: Lifecycle, registration: Registration, renews: bool, now: datetime
) -> Iterator[tuple[Event, datetime]]:
    """Apply every transition due by ``now`` to ``registration``, yielding each as it happens.

    The caller charges renewals and forgets deleted names; after ``DELETED`` nothing follows.
    """
    while (due := next_event(lifecycle, registration, renews)) is not None and now >= due:
        registration.updated_at = due
        status = registration.status
        if status is RegistrationStatus.ACTIVE and renews and registration.expires_at:
            registration.expires_at = add_years(registration.expires_at, 1)
            yield Event.RENEWED, due
        elif status is RegistrationStatus.ACTIVE:
            registration.status = RegistrationStatus.EXPIRED
            yield Event.EXPIRED, due
        elif status is RegistrationStatus.EXPIRED:
            registration.status = RegistrationStatus.REDEMPTION_PERIOD
            yield Event.REDEMPTION, due
        elif status is RegistrationStatus.REDEMPTION_PERIOD:
            registration.status = RegistrationStatus.PENDING_DELETE
            yield Event.PENDING_DELETE, due
        else:
            yield Event.DELETED, due
            return
