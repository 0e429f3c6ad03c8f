"""Waiting for a workflow: poll ``links.self`` until it settles, the user is needed, or time is up.

The rules come from the registration-status docs: back off between polls;
stop at once on ``succeeded`` and ``failed``; break on ``action_required``,
which never resolves on its own; keep polling a ``blocked`` workflow, but more
slowly, and say so; never poll without a deadline.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from registrar_mock.client import _durations
from registrar_mock.client import errors as e
from registrar_mock.client._durations import Duration
from registrar_mock.client._flow import Flow, sleep
from registrar_mock.client._retry import RetryPolicy, send_safely
from registrar_mock.client.models import WorkflowState, WorkflowStatus

logger = logging.getLogger("registrar_mock.client")

OnBlocked = Callable[[WorkflowStatus], object]


@dataclass(frozen=True, slots=True, init=False)
class PollPolicy:
    """Intervals between status polls, and the default deadline.

    The interval starts at ``interval`` and grows by ``multiplier`` after each
    poll up to ``max_interval``. While the workflow is ``blocked`` the same
    happens from ``blocked_interval`` up to ``max_blocked_interval``. The
    defaults suit registrations; transfers in are waited on by ``TRANSFER_POLL``.

    Each duration is seconds (``90``, ``1.5``), a string such as ``"90"``, ``"30s"``,
    ``"5m"``, ``"2h"`` or ``"3d"``, or a :class:`~datetime.timedelta`, more than 0 and
    at most 100 years; it is kept in seconds. Anything else raises ``ValueError``.
    """

    interval: float
    multiplier: float
    max_interval: float
    blocked_interval: float
    max_blocked_interval: float
    timeout: float

    def __init__(
        self,
        interval: Duration = 1.0,
        multiplier: float = 1.5,
        max_interval: Duration = 30.0,
        blocked_interval: Duration = 60.0,
        max_blocked_interval: Duration = 900.0,
        timeout: Duration = 900.0,
    ) -> None:
        durations = {
            "interval": interval,
            "max_interval": max_interval,
            "blocked_interval": blocked_interval,
            "max_blocked_interval": max_blocked_interval,
            "timeout": timeout,
        }
        for name, value in durations.items():
            object.__setattr__(self, name, _durations.seconds(value, name, positive=True))
        if (
            isinstance(multiplier, bool)
            or not isinstance(multiplier, int | float)
            or not 1 <= multiplier < float("inf")
        ):
            raise ValueError(
                f"multiplier: {multiplier!r} is not a factor of 1 or more: it cannot shrink "
                "the interval"
            )
        object.__setattr__(self, "multiplier", float(multiplier))


def check_timeout(timeout: object) -> float:
    """A workflow wait's deadline in seconds; ``ValueError`` naming the forms if it is none."""
    return _durations.seconds(timeout, "timeout", positive=True)


DAY = 86400.0

# Transfers in: the same rules, but a losing registrar has up to five days to answer, and
# Cloudflare's guidance is to poll a blocked transfer every 30 to 60 minutes. Transfers
# typically take 1 to 10 days, which bounds the default wait.
TRANSFER_POLL = PollPolicy(
    blocked_interval=30 * 60.0, max_blocked_interval=60 * 60.0, timeout=10 * DAY
)


def with_blocked_interval(policy: PollPolicy, blocked_interval: Duration | None) -> PollPolicy:
    """``policy`` polling a blocked workflow first after ``blocked_interval`` (a duration)."""
    if blocked_interval is None:
        return policy
    blocked_interval = _durations.seconds(blocked_interval, "blocked_interval", positive=True)
    return dataclasses.replace(
        policy,
        blocked_interval=blocked_interval,
        max_blocked_interval=max(blocked_interval, policy.max_blocked_interval),
    )


def is_transfer(status: WorkflowStatus) -> bool:
    """Whether the status is a transfer in's (it is polled at ``.../transfer-in-status``)."""
    return status.links.self_link.split("?", 1)[0].rstrip("/").endswith("/transfer-in-status")


def settled(status: WorkflowStatus) -> WorkflowStatus | None:
    """The status if it is a success; raises if it failed or needs the user; None to go on."""
    if status.state is WorkflowState.SUCCEEDED:
        return status
    if status.state is WorkflowState.FAILED or status.completed:
        raise e.WorkflowFailedError(status)
    if status.state is WorkflowState.ACTION_REQUIRED:
        raise e.ActionRequiredError(status)
    return None


def wait_for(
    status: WorkflowStatus,
    poll_request: Callable[[WorkflowStatus], httpx.Request],
    *,
    policy: PollPolicy,
    retry: RetryPolicy,
    timeout: Duration,
    monotonic: Callable[[], float],
    on_blocked: OnBlocked | None = None,
) -> Flow[WorkflowStatus]:
    timeout = check_timeout(timeout)
    deadline = monotonic() + timeout
    interval: float | None = None
    blocked_interval: float | None = None
    while True:
        done = settled(status)
        if done is not None:
            return done
        if status.state is WorkflowState.BLOCKED:
            if blocked_interval is None:
                logger.warning(
                    "%s is blocked on a third party (%s); polling every %g s or more",
                    status.domain_name or status.links.self_link,
                    status.context.get("blocked_by", "no detail"),
                    policy.blocked_interval,
                )
                blocked_interval = policy.blocked_interval
            else:
                blocked_interval = min(
                    blocked_interval * policy.multiplier, policy.max_blocked_interval
                )
            if on_blocked is not None:
                on_blocked(status)
            pause = blocked_interval
        else:
            blocked_interval = None
            interval = (
                policy.interval
                if interval is None
                else min(interval * policy.multiplier, policy.max_interval)
            )
            pause = interval
        remaining = deadline - monotonic()
        if remaining <= 0:
            raise e.WorkflowTimeoutError(timeout, status)
        yield from sleep(min(pause, remaining))
        envelope = yield from send_safely(poll_request(status), retry)
        status = WorkflowStatus.from_json(envelope.result)
        logger.debug("%s: %s", status.links.self_link, status.state)
