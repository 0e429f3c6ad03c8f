"""Reloading a scenario file when it changes on disk (``serve --reload-scenario``).

The watcher polls the file's contents (a hash; scenario files are small), so it
works on every filesystem, whatever its timestamp resolution, and with editors
that save by renaming a temporary file. A change is acted on once the file has
held still for one poll, so a save caught half-written is not mistaken for a
broken scenario. A valid file resets the mock
to the new world; an invalid one is reported in one log line and the running
world is kept.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path

from registrar_mock import scenarios
from registrar_mock.control.plane import Control
from registrar_mock.scenarios import Scenario, ScenarioError

log = logging.getLogger("registrar_mock.reload")

Signature = bytes | None


def signature(path: Path) -> Signature:
    """A digest of the file's contents, or None while it can't be read."""
    try:
        return hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
    except OSError:
        return None


class ScenarioWatcher:
    """Watches one scenario file and resets ``control`` to each valid new version."""

    def __init__(self, path: Path, control: Control) -> None:
        self.path = path
        self.control = control
        self._seen = signature(path)
        self._waiting = False
        self._candidate: Signature = None

    def changed(self) -> bool:
        """True once the file differs from the last version acted on and held still since."""
        current = signature(self.path)
        if current == self._seen:
            self._waiting = False
            return False
        if not self._waiting or current != self._candidate:
            self._waiting, self._candidate = True, current
            return False
        self._seen, self._waiting = current, False
        return True

    def reload(self) -> Scenario | None:
        """Load the file and apply it; on a bad file, log why and keep the running world."""
        try:
            scenario = scenarios.load_file(self.path)
        except ScenarioError as exc:
            log.warning(
                "scenario not reloaded, still serving %r: %s (fix the file and save it again)",
                self.control.scenario.name,
                exc,
            )
            return None
        self.control.reset(scenario)
        log.info("scenario reloaded from %s: %s (state reset)", self.path, scenario.name)
        return scenario

    def poll(self) -> Scenario | None:
        return self.reload() if self.changed() else None

    async def run(self, interval: float = 0.5) -> None:
        """Poll forever (until cancelled); meant to run on the server's event loop."""
        while True:
            await asyncio.sleep(interval)
            try:
                self.poll()
            except Exception:  # a reset that fails must not stop the watching
                log.exception("scenario reload from %s failed", self.path)
