"""The ``registrar-mock`` command: serve the mock, work with scenario files, run the
contract suite.

Every error is one line on stderr that says what is wrong and how to fix it, and
the exit status is not 0: 1 when ``scenarios validate`` finds a bad file, 2 for
a bad command line, a setting that can't be used or a missing extra, 130 on Ctrl-C.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from registrar_mock import durations, scenarios
from registrar_mock.cli.banner import PROG, version
from registrar_mock.cli.serve import CliError, serve, size
from registrar_mock.extras import MissingExtra
from registrar_mock.http.serving import Limits
from registrar_mock.scenarios import ScenarioError
from registrar_mock.store import StateFileError

CONTROL_TOKEN_ENV = "REGISTRAR_MOCK_CONTROL_TOKEN"

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
    parser.add_argument("--version", action="version", version=f"{PROG} {version()}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve_parser = commands.add_parser(
        "serve",
        help="run the mock over HTTP",
        description="Serve the Registrar API at http://HOST:PORT/client/v4 and the control API "
        "at /__mock__.",
        epilog=SERVE_EXAMPLES,
        formatter_class=raw,
    )
    serve_parser.add_argument(
        "--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)"
    )
    serve_parser.add_argument(
        "--port", type=_port, default=8787, help="port to bind (default 8787; 0 picks a free one)"
    )
    serve_parser.add_argument(
        "--allow-host",
        action="append",
        default=[],
        metavar="NAME",
        help="another host name clients may use on loopback (repeatable); other names are "
        "refused, against DNS rebinding",
    )
    serve_parser.add_argument(
        "--scenario",
        help="a bundled scenario name or a path to a YAML file (default: default, or the one "
        "saved in --state-file)",
    )
    serve_parser.add_argument(
        "--scenario-dir",
        action="append",
        default=[],
        metavar="DIR",
        help="a directory the control API may load scenario files from (repeatable; the "
        "directory of --scenario always may)",
    )
    serve_parser.add_argument(
        "--reload-scenario",
        action="store_true",
        help="watch the --scenario file and reset the mock to it whenever it changes",
    )
    serve_parser.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="virtual seconds per real second (default 1; 3600 makes an hour pass each second)",
    )
    serve_parser.add_argument(
        "--state-file",
        metavar="PATH",
        help="keep all state in this SQLite file, so a restart carries on where it stopped",
    )
    serve_parser.add_argument(
        "--state-file-limit",
        type=size,
        metavar="SIZE",
        help="the most the state file may grow to, such as 64k or 100m; past it, changes are "
        "refused with 503 and undone (default: no limit)",
    )
    serve_parser.add_argument(
        "--control-token",
        metavar="TOKEN",
        default=os.environ.get(CONTROL_TOKEN_ENV) or None,
        help=f"require Authorization: Bearer TOKEN on the control API (or set {CONTROL_TOKEN_ENV})",
    )
    limits = Limits()
    serve_parser.add_argument(
        "--max-connections",
        type=int,
        default=limits.connections,
        metavar="N",
        help=f"open connections at most; past it, 503 (default {limits.connections})",
    )
    serve_parser.add_argument(
        "--header-timeout",
        type=_duration,
        default=limits.header_seconds,
        metavar="DURATION",
        help="how long a client may take to send its headers, such as 10, 10s or 1m "
        f"(default {limits.header_seconds:g} seconds)",
    )
    serve_parser.add_argument(
        "--body-timeout",
        type=_duration,
        default=limits.body_seconds,
        metavar="DURATION",
        help="how long a client may take to send its body, such as 30, 30s or 2m "
        f"(default {limits.body_seconds:g} seconds)",
    )
    serve_parser.add_argument(
        "--log-level",
        choices=("debug", "info", "warning", "error"),
        default="info",
        help="how much to log on stderr (default info)",
    )
    serve_parser.add_argument(
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

    # The contract kit ships in the same distribution; its command lives with it. Its
    # parser needs no extra: only running the suite does.
    from registrar_mock.contract_tests import cli as contract_cli

    contract_cli.add_parser(commands)
    return parser


def _duration(text: str) -> float:
    """A duration of more than 0 (argparse type): ``10``, ``1.5``, ``500ms``, ``30s``, ``2m``."""
    try:
        seconds = durations.seconds(text)
    except ValueError:
        seconds = 0.0
    if seconds <= 0:
        raise argparse.ArgumentTypeError(
            f"give a duration of more than 0: {durations.TEXT_FORMS}; not {text!r}"
        )
    return seconds


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
            from registrar_mock.contract_tests import cli as contract_cli

            return contract_cli.run(args)
        return scenario_command(args)
    except SystemExit as exc:  # argparse: --help, --version, or a bad command line
        return exc.code if isinstance(exc.code, int) else 1
    except (CliError, ScenarioError, StateFileError, MissingExtra) as exc:
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
        print(scenarios.find(args.name).read_text(encoding="utf-8"), end="")
        return 0
    failed = 0
    for path in args.paths:
        try:
            scenario = scenarios.resolve(path)
        except ScenarioError as exc:
            print(f"invalid: {exc}", file=sys.stderr)
            failed += 1
        else:
            print(f"ok: {path} ({scenario.name})")
    return 1 if failed else 0
