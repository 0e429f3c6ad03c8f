"""``registrar-mock serve``: the mock behind uvicorn, on a socket of the user's choosing."""

from __future__ import annotations

import argparse
import asyncio
import errno
import gc
import inspect
import logging
import os
import socket
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import uvicorn

from registrar_mock import scenarios
from registrar_mock.cli.banner import PROG, banner
from registrar_mock.clock import MAX_TIME_SCALE
from registrar_mock.http import serving

if TYPE_CHECKING:
    from registrar_mock.app import MockApp

RELOAD_INTERVAL = 0.5

Job = Callable[[], Coroutine[Any, Any, None]]


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


def serve(args: argparse.Namespace) -> int:
    from registrar_mock.app import create_app
    from registrar_mock.cli import logs
    from registrar_mock.control.reload import ScenarioWatcher

    if not 0 < args.time_scale <= MAX_TIME_SCALE:
        raise CliError(
            f"--time-scale must be positive and at most {MAX_TIME_SCALE:g}, e.g. 1 or 60"
        )
    if args.control_token is not None and not args.control_token.strip():
        raise CliError("--control-token must not be empty; give a secret, or leave it out")
    for flag, value in (
        ("--header-timeout", args.header_timeout),
        ("--body-timeout", args.body_timeout),
    ):
        if value <= 0:
            raise CliError(f"{flag} must be a positive number of seconds")
    if args.max_connections < 1:
        raise CliError("--max-connections must be at least 1")
    if args.state_file_limit is not None and args.state_file is None:
        raise CliError("--state-file-limit needs --state-file")
    options = _app_options(
        create_app,
        state_file=args.state_file,
        state_file_max_bytes=args.state_file_limit,
        control_token=args.control_token,
    )
    watched = _watched_file(args.scenario) if args.reload_scenario else None
    for folder in args.scenario_dir:
        if not Path(folder).is_dir():
            raise CliError(f"--scenario-dir {folder}: not a directory")
    # The scenario given as a path is found here, so its folder joins the loadable ones.
    scenario = args.scenario
    log = logs.configure(args.log_level, args.access_log)
    sock = bind(args.host, args.port)
    app: MockApp | None = None
    try:
        app = create_app(
            scenario,
            time_scale=args.time_scale,
            scenario_dirs=args.scenario_dir,
            **options,
        )
        app.listen_on(args.host, args.allow_host)
        if logging.getLogger("registrar_mock.access").isEnabledFor(logging.INFO):
            app.access_sink = log.access  # the access log's lines, made off the event loop
        port = sock.getsockname()[1]
        background: list[Job] = []
        if watched is not None:
            watcher = ScenarioWatcher(watched, app.control)
            background.append(lambda: watcher.run(RELOAD_INTERVAL))
        print(
            banner(
                app,
                host=args.host,
                port=port,
                reloading=watched is not None,
                state_file=args.state_file,
                time_scale=args.time_scale,
            ),
            flush=True,
        )
        limits = serving.Limits(
            header_seconds=args.header_timeout,
            body_seconds=args.body_timeout,
            connections=args.max_connections,
        )
        config = serving.config(app, limits)
        # What start-up built (the app, the scenario, the routes, every import) lives as
        # long as the server: moved out of the collector's way, collections stay short.
        gc.collect()
        gc.freeze()
        Server(config, background, finally_=log.flush).run(sockets=[sock])
    finally:
        sock.close()
        close = getattr(app, "close", None)
        if callable(close):
            close()
    return 0


def _app_options(create_app: Callable[..., Any], **given: Any) -> dict[str, Any]:
    """The keyword arguments to pass on, refusing any this create_app can't take."""
    accepted = inspect.signature(create_app).parameters
    options = {name: value for name, value in given.items() if value is not None}
    for name in options:
        if name not in accepted:
            flag = "--" + name.replace("_", "-")
            raise CliError(
                f"{flag} is not supported by this version of the mock; upgrade registrar-mock "
                f"or leave {flag} out"
            )
    return options


SIZE_UNITS = {"": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


def size(text: str) -> int:
    """A size such as ``65536``, ``64k``, ``10m`` or ``1g`` (argparse type)."""
    value = text.strip().lower().removesuffix("b")
    unit = value[-1:] if value[-1:] in SIZE_UNITS else ""
    number = value[: len(value) - len(unit)]
    if not number.isdigit() or int(number) == 0:
        raise argparse.ArgumentTypeError(f"give a size such as 65536, 64k or 10m, not {text!r}")
    return int(number) * SIZE_UNITS[unit]


def _watched_file(scenario: str | None) -> Path:
    if scenario is None or scenario in scenarios.bundled():
        name = scenario or "default"
        raise CliError(
            f"--reload-scenario watches a scenario file, and {name!r} is bundled; copy it with "
            f"`{PROG} scenarios show {name} > my-world.yaml` and serve --scenario my-world.yaml"
        )
    return scenarios.find(scenario)


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, or one line saying why there can't be one."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as exc:
        raise CliError(
            f"cannot listen on {host!r}: {exc.strerror}; give --host an address such as 127.0.0.1"
        ) from None
    sock = socket.socket(family, kind, proto)
    try:
        if os.name != "nt":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            raise CliError(
                f"port {port} on {host} is already in use; stop whatever holds it or pick "
                "another --port (0 picks a free one)"
            ) from None
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    return sock


class Server(serving.Server):
    """uvicorn's server, with coroutines (the scenario watcher) that live as long as it does.

    ``finally_`` runs once it has shut down: on SIGTERM uvicorn then re-raises the
    signal, and the process ends without unwinding, so this is the last chance to
    flush the logs.
    """

    def __init__(
        self,
        config: uvicorn.Config,
        background: Sequence[Job] = (),
        finally_: Callable[[], object] = lambda: None,
    ) -> None:
        super().__init__(config)
        self._jobs = background
        self._tasks: list[asyncio.Task[None]] = []
        self._finally = finally_

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self._tasks = [asyncio.create_task(job()) for job in self._jobs]

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        try:
            await super().shutdown(sockets=sockets)
        finally:
            self._finally()
