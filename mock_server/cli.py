"""The ``registrar-mock`` command: serve the mock, and work with scenario files.

Every error is one line on stderr that says what is wrong and how to fix it, and
the exit status is not 0: 1 when ``scenarios validate`` finds a bad file, 2 for
a bad command line or a setting that can't be used, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import errno
import inspect
import ipaddress
import os
import socket
import sys
from collections.abc import Callable, Coroutine, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import uvicorn

from . import scenarios
from .persistence import StateFileError
from .scenarios import ScenarioError

if TYPE_CHECKING:
    from .app import MockApp

PROG = "registrar-mock"
CONTROL_TOKEN_ENV = "REGISTRAR_MOCK_CONTROL_TOKEN"
# The account the bundled scenarios use; any id works in an open world.
EXAMPLE_ACCOUNT = "023e105f4ecef8ad9ca31a8372d0c353"
RELOAD_INTERVAL = 0.5
SHOWN_ACCOUNTS = 5

Job = Callable[[], Coroutine[Any, Any, None]]

EXAMPLES = """\
examples:
  registrar-mock serve
  registrar-mock serve --port 9000 --scenario slow-registry --time-scale 3600
  registrar-mock serve --scenario ./my-world.yaml --reload-scenario
  registrar-mock scenarios list
  registrar-mock scenarios show near-limit > my-world.yaml
  registrar-mock scenarios validate my-world.yaml

Every command has --help.
"""
SERVE_EXAMPLES = """\
examples:
  registrar-mock serve                                   # http://127.0.0.1:8787/client/v4
  registrar-mock serve --scenario flaky --port 9000
  registrar-mock serve --scenario ./my-world.yaml --reload-scenario
  registrar-mock serve --scenario expiring --time-scale 86400   # a day each second
  registrar-mock serve --state-file mock.db              # keeps its state across restarts
  registrar-mock serve --host 0.0.0.0 --control-token "$(openssl rand -hex 16)"
  registrar-mock serve --log-level warning --no-access-log

The banner gives the base URL for your SDK, the accounts and tokens the scenario
accepts, the control API's URL and a curl command to try. Logs go to stderr, one
line per request: method, path, account, status and milliseconds.
"""
SCENARIOS_EXAMPLES = """\
examples:
  registrar-mock scenarios list
  registrar-mock scenarios show slow-registry
  registrar-mock scenarios show default > my-world.yaml    # a starting point
  registrar-mock scenarios validate my-world.yaml scenarios/*.yaml
"""


class CliError(Exception):
    """A problem the user can fix; printed as one line."""


class Parser(argparse.ArgumentParser):
    """argparse, with its errors on one line instead of a usage block."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = Parser(
        prog=PROG,
        description="A stateful mock of Cloudflare's Registrar API.",
        epilog=EXAMPLES,
        formatter_class=raw,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="run the mock over HTTP",
        description="Serve the Registrar API at http://HOST:PORT/client/v4 and the control API "
        "at /__mock__.",
        epilog=SERVE_EXAMPLES,
        formatter_class=raw,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument(
        "--port", type=_port, default=8787, help="port to bind (default 8787; 0 picks a free one)"
    )
    serve.add_argument(
        "--scenario",
        help="a bundled scenario name or a path to a YAML file (default: default, or the one "
        "saved in --state-file)",
    )
    serve.add_argument(
        "--reload-scenario",
        action="store_true",
        help="watch the --scenario file and reset the mock to it whenever it changes",
    )
    serve.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="virtual seconds per real second (default 1; 3600 makes an hour pass each second)",
    )
    serve.add_argument(
        "--state-file",
        metavar="PATH",
        help="keep all state in this SQLite file, so a restart carries on where it stopped",
    )
    serve.add_argument(
        "--control-token",
        metavar="TOKEN",
        default=os.environ.get(CONTROL_TOKEN_ENV) or None,
        help=f"require Authorization: Bearer TOKEN on the control API (or set {CONTROL_TOKEN_ENV})",
    )
    serve.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default="info",
        help="how much to log on stderr (default info)",
    )
    serve.add_argument(
        "--access-log",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="one line per API request (default: on at --log-level debug or info)",
    )

    scenario_commands = commands.add_parser(
        "scenarios",
        help="list, show and validate scenario files",
        description="Work with scenario files: the bundled ones and your own.",
        epilog=SCENARIOS_EXAMPLES,
        formatter_class=raw,
    )
    actions = scenario_commands.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser(
        "list",
        help="list the bundled scenarios",
        description="List the bundled scenarios, one line each.",
        epilog="example:\n  registrar-mock scenarios list\n",
        formatter_class=raw,
    )
    show = actions.add_parser(
        "show",
        help="print a scenario file",
        description="Print a scenario file: a bundled one, or your own.",
        epilog="examples:\n  registrar-mock scenarios show near-limit\n"
        "  registrar-mock scenarios show default > my-world.yaml\n",
        formatter_class=raw,
    )
    show.add_argument("name", help="a bundled name or a path")
    validate = actions.add_parser(
        "validate",
        help="check scenario files; exit 1 if any is bad",
        description="Check scenario files against the format; each problem names the file "
        "and the place in it.",
        epilog="examples:\n  registrar-mock scenarios validate my-world.yaml\n"
        "  registrar-mock scenarios validate scenarios/*.yaml\n",
        formatter_class=raw,
    )
    validate.add_argument("paths", nargs="+", help="files to check")

    # The contract kit ships in the same distribution; its command lives with it.
    from contract_tests import cli as contract_cli

    contract_cli.add_parser(commands)
    return parser


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"give a number from 0 to 65535, not {text!r}")
    return port


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        if args.command == "serve":
            return serve(args)
        if args.command == "contract":
            from contract_tests import cli as contract_cli

            return contract_cli.run(args)
        return scenario_command(args)
    except SystemExit as exc:  # argparse: --help, or a bad command line
        return exc.code if isinstance(exc.code, int) else 1
    except (CliError, ScenarioError, StateFileError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def scenario_command(args: argparse.Namespace) -> int:
    if args.action == "list":
        for name, path in scenarios.bundled().items():
            description = scenarios.load_file(path).world.description
            summary = description.split(". ")[0].split(": ")[0].rstrip(".")
            if len(summary) > 72:
                summary = summary[:71].rsplit(" ", 1)[0] + " ..."
            print(f"{name:<26} {summary}")
        return 0
    if args.action == "show":
        print(scenarios.resolve(args.name).read_text(encoding="utf-8"), end="")
        return 0
    failed = 0
    for path in args.paths:
        try:
            scenario = scenarios.load(path)
        except ScenarioError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            failed += 1
        else:
            print(f"ok: {path} ({scenario.name})")
    return 1 if failed else 0


# --- serve --------------------------------------------------------------------


def serve(args: argparse.Namespace) -> int:
    from . import logs
    from .app import create_app
    from .clock import SystemClock
    from .reload import ScenarioWatcher

    if args.time_scale <= 0:
        raise CliError("--time-scale must be positive, e.g. 1 or 60")
    options = _app_options(create_app, state_file=args.state_file, control_token=args.control_token)
    watched = _watched_file(args.scenario) if args.reload_scenario else None
    scenario = scenarios.load(args.scenario) if args.scenario is not None else None
    log = logs.configure(args.log_level, args.access_log)
    sock = bind(args.host, args.port)
    app: MockApp | None = None
    try:
        app = create_app(scenario, clock=SystemClock(time_scale=args.time_scale), **options)
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
        config = uvicorn.Config(
            app, log_config=None, log_level=None, access_log=False, ws="none", lifespan="auto"
        )
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


def _watched_file(scenario: str | None) -> Path:
    if scenario is None or scenario in scenarios.bundled():
        name = scenario or "default"
        raise CliError(
            f"--reload-scenario watches a scenario file, and {name!r} is bundled; copy it with "
            f"`{PROG} scenarios show {name} > my-world.yaml` and serve --scenario my-world.yaml"
        )
    return scenarios.resolve(scenario)


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


class Server(uvicorn.Server):
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


# --- the banner -----------------------------------------------------------------


def banner(
    app: MockApp,
    *,
    host: str,
    port: int,
    reloading: bool = False,
    state_file: str | None = None,
    time_scale: float = 1.0,
) -> str:
    """What a person needs to start: where to point an SDK, who may call, what to try."""
    origin = f"http://{_display_host(host)}:{port}"
    base = f"{origin}/client/v4"
    scenario = app.control.scenario
    world = app.world
    lines = [
        f"{PROG} {_version()}: Cloudflare's Registrar API, mocked",
        "",
        f"  Base URL     {base}   (give this to your SDK as base_url)",
        f"  Scenario     {scenario.name} ({scenario.source})"
        + (", reloaded when the file changes" if reloading else ""),
    ]
    if world.open_accounts:
        lines.append("  Accounts     any account id, with any well-formed token or key")
        account, auth = EXAMPLE_ACCOUNT, "-H 'Authorization: Bearer any-token'"
    elif not world.accounts:
        lines.append("  Accounts     none: every request will be refused")
        account, auth = EXAMPLE_ACCOUNT, "-H 'Authorization: Bearer any-token'"
    else:
        lines.append("  Accounts     only these (secrets shortened):")
        for spec in world.accounts[:SHOWN_ACCOUNTS]:
            secrets = [f"token {mask(token)}" for token in spec.tokens]
            secrets += [f"key {key.email} {mask(key.key)}" for key in spec.api_keys]
            lines.append(f"                 {spec.id}  {', '.join(secrets) or 'no credentials'}")
        if len(world.accounts) > SHOWN_ACCOUNTS:
            lines.append(f"                 ... and {len(world.accounts) - SHOWN_ACCOUNTS} more")
        first = world.accounts[0]
        account = first.id
        if first.tokens or not first.api_keys:
            auth = '-H "Authorization: Bearer $TOKEN"'
        else:
            auth = f"-H 'X-Auth-Email: {first.api_keys[0].email}' -H \"X-Auth-Key: $KEY\""
    protected = bool(getattr(app.control, "control_token", None))
    guard = "Authorization: Bearer <your --control-token>" if protected else "no token needed"
    lines.append(f"  Control API  {origin}/__mock__   ({guard})")
    speed = f", {time_scale:g} times faster" if time_scale != 1 else ""
    lines.append(f"  Clock        real time{speed}; the control API can move it forward")
    if state_file is not None:
        lines.append(f"  State file   {state_file}")
    if not protected and not _is_loopback(host):
        lines.append(
            f"  WARNING      {host} is reachable from other machines and the control API has no "
            "token: anyone can reset or read this mock; set --control-token"
        )
    url = f"{base}/accounts/{account}/registrar/registrations"
    lines += ["", "  Try it:", f"    curl -s {auth} {url}"]
    if "$TOKEN" in auth or "$KEY" in auth:
        what = "TOKEN: a token" if "$TOKEN" in auth else "KEY: the key"
        lines.append(f"    (${what} of {account}, shortened above; secrets are never printed)")
    return "\n".join(lines) + "\n"


def mask(secret: str) -> str:
    """Enough of a secret to recognise it, never enough to use it: ``0123…1234``."""
    keep = min(4, len(secret) // 4)
    if keep == 0:
        return "…"
    return f"{secret[:keep]}…{secret[-keep:]}"


def _display_host(host: str) -> str:
    if host in ("", "0.0.0.0"):
        return "127.0.0.1"
    if host == "::":
        return "[::1]"
    return f"[{host}]" if ":" in host else host


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _version() -> str:
    try:
        return metadata.version("registrar-mock")
    except metadata.PackageNotFoundError:
        return "(source)"


if __name__ == "__main__":
    sys.exit(main())
