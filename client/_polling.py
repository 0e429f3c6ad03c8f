"""Waiting for a workflow: poll ``links.self`` until it settles, the user is needed, or time is up.

The rules come from the registration-status docs: back off between polls;
stop at once on ``succeeded`` and ``failed``; break on ``action_required``,
which never resolves on its own; keep polling a ``blocked`` workflow, but more
slowly, and say so; never poll without a deadline.
"""

from __future__ import annotations

import dataclasses
import logging
import math
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from registrar_mock.client import errors as e
from registrar_mock.client._flow import Flow, sleep
from registrar_mock.client._retry import RetryPolicy, send_safely
from registrar_mock.client.models import WorkflowState, WorkflowStatus

logger = logging.getLogger("registrar_mock.client")

OnBlocked = Callable[[WorkflowStatus], object]


@dataclass(frozen=True, slots=True)
class PollPolicy:
    """Intervals between status polls, in seconds, and the default deadline.

    The interval starts at ``interval`` and grows by ``multiplier`` after each
    poll up to ``max_interval``. While the workflow is ``blocked`` the same
    happens from ``blocked_interval`` up to ``max_blocked_interval``. The
    defaults suit registrations; transfers in are waited on by ``TRANSFER_POLL``.
    """

    interval: float = 1.0
    multiplier: float = 1.5
    max_interval: float = 30.0
    blocked_interval: float = 60.0
    max_blocked_interval: float = 900.0
    timeout: float = 900.0

    def __post_init__(self) -> None:
        if min(self.interval, self.max_interval, self.blocked_interval) <= 0:
            raise ValueError("poll intervals must be positive")
        if self.multiplier < 1:
            raise ValueError("the poll multiplier cannot shrink the interval")
        check_timeout(self.timeout)


def check_timeout(timeout: float) -> float:
    if not (timeout > 0 and math.isfinite(timeout)):
        raise ValueError("a workflow wait needs a finite, positive timeout")
    return timeout


DAY = 86400.0

# Transfers in: the same rules, but a losing registrar has up to five days to answer, and
# Cloudflare's guidance is to poll a blocked transfer every 30 to 60 minutes. Transfers
# typically take 1 to 10 days, which bounds the default wait.
TRANSFER_POLL = PollPolicy(
    blocked_interval=30 * 60.0, max_blocked_interval=60 * 60.0, timeout=10 * DAY
)


def with_blocked_interval(policy: PollPolicy, blocked_interval: float | None) -> PollPolicy:
    """``policy`` polling a blocked workflow first after ``blocked_interval`` seconds."""
    if blocked_interval is None:
        return policy
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
    timeout: float,
    monotonic: Callable[[], float],
    on_blocked: OnBlocked | None = None,
) -> Flow[WorkflowStatus]:
    check_timeout(timeout)
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
