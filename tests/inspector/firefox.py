"""A headless Firefox driven over WebDriver BiDi, the W3C protocol Firefox serves itself.

Playwright drives only its own build of Firefox and Selenium needs geckodriver, which no
package registry here ships; Firefox ESR from Debian speaks BiDi on a websocket with
nothing else installed. This is the little of the protocol the tests use: open a page,
evaluate script in it, and collect what it logs.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from websockets.sync.client import connect

from tests.live import stop

NAMES = ("firefox-esr", "firefox")
STARTUP = 60.0  # seconds for Firefox to start listening
# A quiet profile: no first-run pages, update checks or reports to send anywhere.
PREFERENCES = {
    "app.update.enabled": False,
    "browser.shell.checkDefaultBrowser": False,
    "browser.startup.homepage_override.mstone": "ignore",
    "datareporting.policy.dataSubmissionEnabled": False,
    "toolkit.telemetry.enabled": False,
    "network.captive-portal-service.enabled": False,
    "network.connectivity-service.enabled": False,
    "browser.safebrowsing.malware.enabled": False,
    "browser.safebrowsing.phishing.enabled": False,
    "extensions.update.enabled": False,
}


def executable() -> str | None:
    return next((found for name in NAMES if (found := shutil.which(name))), None)


class Firefox:
    """One headless Firefox with one tab; ``evaluate`` runs script there."""

    def __init__(self, binary: str) -> None:
        self._profile = Path(tempfile.mkdtemp(prefix="registrar-mock-firefox-"))
        (self._profile / "user.js").write_text(
            "".join(
                f"user_pref({json.dumps(k)}, {json.dumps(v)});\n" for k, v in PREFERENCES.items()
            )
        )
        self._stack = contextlib.ExitStack()
        self._stack.callback(shutil.rmtree, self._profile, ignore_errors=True)
        try:
            command = [binary, "--headless", "--no-remote", "--profile", str(self._profile)]
            self._process = subprocess.Popen(
                [*command, "--remote-debugging-port", "0"],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            self._stack.callback(stop, self._process, 20)
            url = f"ws://127.0.0.1:{self._port()}/session"
            self._socket = self._stack.enter_context(connect(url, max_size=2**26))
            self._next = 0
            self.logs: list[dict[str, Any]] = []
            self.call("session.new", {"capabilities": {}})
            self.call("session.subscribe", {"events": ["log.entryAdded"]})
            self.context = self.call("browsingContext.getTree", {})["contexts"][0]["context"]
        except BaseException:
            self._stack.close()
            raise

    def _port(self) -> int:
        # Firefox writes where it listens into the profile once it does.
        found = self._profile / "WebDriverBiDiServer.json"
        deadline = time.monotonic() + STARTUP
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"Firefox exited at start ({self._process.returncode})")
            try:
                port: int = json.loads(found.read_text())["ws_port"]
                return port
            except (OSError, ValueError, KeyError):
                time.sleep(0.1)
        raise RuntimeError("Firefox did not start listening for WebDriver BiDi")

    def call(self, method: str, params: dict[str, Any]) -> Any:
        self._next += 1
        asked = self._next
        self._socket.send(json.dumps({"id": asked, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv(timeout=STARTUP))
            if message.get("type") == "event":
                if message.get("method") == "log.entryAdded":
                    self.logs.append(message["params"])
                continue
            if message.get("id") == asked:
                if message.get("type") == "error":
                    raise RuntimeError(
                        f"{method}: {message.get('error')}: {message.get('message')}"
                    )
                return message["result"]

    def goto(self, url: str) -> None:
        self.call(
            "browsingContext.navigate", {"context": self.context, "url": url, "wait": "complete"}
        )

    def evaluate(self, expression: str) -> Any:
        """The value of a script expression in the page (a promise is awaited)."""
        answer = self.call(
            "script.evaluate",
            {"expression": expression, "target": {"context": self.context}, "awaitPromise": True},
        )
        if answer.get("type") == "exception":
            raise AssertionError(f"{expression!r} threw: {answer['exceptionDetails']['text']}")
        return answer["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 15.0) -> Any:
        """The first truthy value of ``expression``, looked at every 50 ms."""
        deadline = time.monotonic() + timeout
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"never true in Firefox: {expression}")
            time.sleep(0.05)

    def errors(self) -> list[str]:
        """What the page logged as an error, or threw."""
        return [
            str(entry.get("text"))
            for entry in self.logs
            if entry.get("level") == "error" or entry.get("type") == "javascript"
        ]

    def close(self) -> None:
        self._stack.close()

    def __enter__(self) -> Firefox:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()
