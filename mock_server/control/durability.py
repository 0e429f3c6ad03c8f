"""Keeping the state file in step with memory, so no acknowledged change is ever lost.

A change is acknowledged only once it is committed. When a commit fails (a full
disk, a read-only file, a state file deleted, replaced or written by another
program), memory goes back to what was last committed, so memory and file never
disagree, and the request is answered 503; the same request once space returns
is saved. If the file can't be trusted or read back, the server stops
accepting changes: each one is refused with 503, before it is applied, with
one log line saying why.

The clock is saved whenever it moves and, while it runs by itself, every
``CHECKPOINT_SECONDS``. Each save of a running clock records a little ahead of
now (a lease covering the next checkpoint), and the clock never shows more than
the last lease saved: so however the server stops, a restart never finds the
clock earlier than a client saw it.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from registrar_mock import errors as e
from registrar_mock.clock import Clock, SystemClock
from registrar_mock.control.faults import FaultBook, saved_rules
from registrar_mock.model import Registrar
from registrar_mock.scenarios import ScenarioError
from registrar_mock.store import CommitFailed, StateFile, StateFileError, StoredState

CHECKPOINT_SECONDS = 1.0
# How far ahead of now a running clock is recorded: two checkpoints, for a late one.
LEASE_SECONDS = 2 * CHECKPOINT_SECONDS
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

log = logging.getLogger("registrar_mock.store")


class Durability:
    def __init__(
        self,
        store: StateFile | None,
        registrar: Registrar,
        clock: Clock,
        faults: FaultBook,
        *,
        document: Callable[[], dict[str, Any] | None],
        restore: Callable[[StoredState], None],
    ) -> None:
        self.store = store
        self.registrar = registrar
        self.clock = clock
        self.faults = faults
        self._document = document
        self._restore = restore
        # Why the state file can no longer be written, once that is so.
        self.broken: str | None = None
        self._saved_mark: datetime | None = None
        self._clock_stuck = False  # the last checkpoint failed (and said so)

    @property
    def keeps_time(self) -> bool:
        """Whether the clock runs by itself and must be saved as it goes."""
        return self.store is not None and isinstance(self.clock, SystemClock)

    def mark(self, *, exact: bool = False) -> datetime:
        """The clock as it is saved: ahead by the lease while it runs by itself."""
        if not isinstance(self.clock, SystemClock):
            return self.clock.now()
        running = self.clock.unbounded()
        lease = timedelta(seconds=0 if exact else LEASE_SECONDS * self.clock.time_scale)
        return running + lease

    def admit(self, method: str = "POST") -> None:
        """Refuse, before it is applied, a change the state file can no longer keep."""
        if self.broken is not None and method not in SAFE_METHODS:
            raise e.STATE_FILE_UNUSABLE(reason=self.broken)

    def commit(self, *, everything: bool = False, reading: bool = False) -> None:
        """Make the changes so far durable (a no-op without a state file).

        ``reading``: the request's own changes are none (it only read) or are saved
        already, so what is left is what time did, which the clock does again. It is not
        refused when the state file can't keep it: memory goes back to what was
        committed, with a log line, and the answer stands.
        """
        store = self.store
        with self.registrar.lock:
            dirty = self.registrar.take_dirty()
            if store is None:
                return
            if self.broken is not None:
                if (dirty or everything) and not reading:
                    raise e.STATE_FILE_UNUSABLE(reason=self.broken)
                return
            faults = None
            if everything or self.faults.changed:
                faults = [rule.to_json() for rule in self.faults.rules]
            if not (dirty or faults is not None or everything):
                return
            mark = self.mark()
            # A whole rewrite records the clock as it is (a reset may have moved it back).
            clock = mark.isoformat() if everything else self._clock_text(mark)
            accounts = self.registrar.accounts
            try:
                if everything:
                    store.save(
                        accounts=list(accounts.values()),
                        scenario=self._document(),
                        clock=clock,
                        faults=faults,
                        replace_all=True,
                    )
                else:
                    store.save(
                        accounts=[accounts[i] for i in dirty if i in accounts],
                        clock=clock,
                        faults=faults,
                    )
            except CommitFailed as failure:
                self._roll_back(None if everything else dirty, failure, quiet=reading)
                return
            self.faults.changed = False
            if clock is not None:
                self._saved(mark)

    async def keep_clock(self) -> None:
        """Save the running clock every CHECKPOINT_SECONDS, until cancelled."""
        while True:
            await asyncio.sleep(CHECKPOINT_SECONDS)
            self.checkpoint()

    def checkpoint(self, *, exact: bool = False) -> None:
        """Save the clock alone: the periodic job, the start and the shutdown.

        A failure is only logged: the clock then stops at the last lease saved.
        """
        if self.store is None or self.broken is not None:
            return
        with self.registrar.lock:
            mark = self.mark(exact=exact)
            if not exact and self._clock_text(mark) is None:
                return
            try:
                self.store.save(clock=mark.isoformat())
            except CommitFailed as failure:
                # Once per spell of failures, not once a second while the disk stays full.
                if not self._clock_stuck:
                    log.warning("the clock could not be saved (it waits for the file): %s", failure)
                    self._clock_stuck = True
                return
            if self._clock_stuck:
                log.warning("the clock is saved again")
                self._clock_stuck = False
            self._saved(mark)

    def _saved(self, mark: datetime) -> None:
        self._saved_mark = mark
        if isinstance(self.clock, SystemClock) and self.store is not None:
            self.clock.limit = mark

    def _clock_text(self, mark: datetime) -> str | None:
        """The clock to write with a commit, unless the file already holds a later mark."""
        if self._saved_mark is not None and mark <= self._saved_mark:
            return None
        return mark.isoformat()

    def _roll_back(self, ids: set[str] | None, failure: CommitFailed, *, quiet: bool) -> None:
        """Put memory back to what the file holds; answer 503 either way, unless ``quiet``
        (what was undone is only what time did, which it does again)."""
        store = self.store
        if store is None:  # pragma: no cover - a commit without a store never fails
            raise e.STATE_NOT_SAVED(reason=str(failure))
        untrusted = any(word in str(failure) for word in ("deleted", "replaced", "another"))
        try:
            stored = store.committed_state()
            if ids is None:
                if stored is not None:
                    self._restore(stored)
            else:
                self.registrar.restore_accounts(ids, store.committed(ids))
                faults = stored.faults if stored is not None else []
                self.faults.reset(saved_rules(faults), self.registrar.world.seed)
            self.registrar.take_dirty()
        except (StateFileError, ScenarioError, e.ApiError, ValueError) as exc:
            self._break(f"{failure}; and undoing it failed: {exc}", quiet=quiet)
            return
        if untrusted:
            self._break(str(failure), quiet=quiet)
            return
        if quiet:
            log.warning("what time changed could not be saved, and waits: %s", failure)
            return
        log.warning("a change was not saved and was undone: %s", failure)
        raise e.STATE_NOT_SAVED(reason=str(failure))

    def _break(self, reason: str, *, quiet: bool = False) -> None:
        self.broken = reason
        # Nothing a restart could pick up is left to protect: the clock runs free again.
        if isinstance(self.clock, SystemClock):
            self.clock.limit = None
        log.error("the state file is unusable; no more changes are accepted: %s", reason)
        if not quiet:
            raise e.STATE_FILE_UNUSABLE(reason=reason)
