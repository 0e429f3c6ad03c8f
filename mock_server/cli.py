"""The ``registrar-mock`` command: serve the mock, and work with scenario files."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from . import scenarios
from .scenarios import ScenarioError

EXAMPLES = """\
examples:
  registrar-mock serve
  registrar-mock serve --port 9000 --scenario slow-registry --time-scale 3600
  registrar-mock scenarios list
  registrar-mock scenarios show near-limit
  registrar-mock scenarios validate my-world.yaml
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="registrar-mock",
        description="A stateful mock of Cloudflare's Registrar API.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser(
        "serve",
        help="run the mock over HTTP",
        description="Serve the Registrar API at http://HOST:PORT/client/v4 and the control API "
        "at /__mock__.",
        epilog="examples:\n  registrar-mock serve --scenario flaky\n"
        "  registrar-mock serve --scenario ./my-world.yaml --time-scale 60",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8787, help="port to bind (default 8787)")
    serve.add_argument(
        "--scenario", default="default", help="a bundled scenario name or a path to a YAML file"
    )
    serve.add_argument(
        "--time-scale",
        type=float,
        default=1.0,
        help="virtual seconds per real second (default 1; 3600 makes an hour pass each second)",
    )

    scenario_commands = commands.add_parser(
        "scenarios",
        help="list, show and validate scenario files",
        description="Work with scenario files.",
        epilog="examples:\n  registrar-mock scenarios list\n"
        "  registrar-mock scenarios validate scenarios/*.yaml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = scenario_commands.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="list the bundled scenarios")
    show = actions.add_parser("show", help="print a scenario file")
    show.add_argument("name", help="a bundled name or a path")
    validate = actions.add_parser("validate", help="check scenario files; exit 1 if any is bad")
    validate.add_argument("paths", nargs="+", help="files to check")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return serve(args)
        return scenario_command(args)
    except ScenarioError as exc:
        print(f"registrar-mock: {exc}", file=sys.stderr)
        return 2


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


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from .app import create_app
    from .clock import SystemClock

    if args.time_scale <= 0:
        print("registrar-mock: --time-scale must be positive, e.g. 1 or 60", file=sys.stderr)
        return 2
    scenario = scenarios.load(args.scenario)
    clock = SystemClock(time_scale=args.time_scale, start=None)
    app = create_app(scenario, clock=clock)
    base = f"http://{args.host}:{args.port}/client/v4"
    print(f"registrar-mock serving the Registrar API at {base}", file=sys.stderr)
    print(f"  scenario: {scenario.name} ({scenario.source})", file=sys.stderr)
    print(f"  control API: http://{args.host}:{args.port}/__mock__", file=sys.stderr)
    print(
        f"  try: curl -H 'Authorization: Bearer any-token' "
        f"'{base}/accounts/023e105f4ecef8ad9ca31a8372d0c353/registrar/domain-search?q=acme'",
        file=sys.stderr,
    )
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
