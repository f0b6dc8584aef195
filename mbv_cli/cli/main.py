"""Entry point: `mbv --version` without importing anything heavy; errors become one line and exit 2.

Exit codes: 0 success, 1 problems found (or a lock/drift/invalid verdict), 2 usage or input
error, 3 an mbv bug (an unexpected exception; the traceback is shown with MBV_DEBUG=1).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if args in (["--version"], ["-V"]):
        from mbv_cli import __version__

        sys.stdout.write(f"mbv {__version__}\n")
        raise SystemExit(0)
    raise SystemExit(run(args))


def run(args: list[str], prog_name: str = "mbv") -> int:
    """Run the CLI and return the exit code instead of raising (used by main and tests)."""
    import typer

    from mbv_cli.cli.app import build_command
    from mbv_cli.cli.clickcompat import click
    from mbv_cli.core.errors import MbvError
    from mbv_cli.render import console

    debug = os.environ.get("MBV_DEBUG") == "1"
    for stream in (sys.stdout, sys.stderr):
        # text from files and servers may hold lone surrogates ("\ud800" in JSON): show them, never crash
        reconfigure = getattr(stream, "reconfigure", None)
        if callable(reconfigure):
            reconfigure(errors="backslashreplace")
    if "_MBV_COMPLETE" in os.environ:  # a shell asking for completions (see `mbv completions`)
        from typer.completion import completion_init  # type: ignore[attr-defined]

        completion_init()
    command = build_command()
    try:
        result = command.main(args=args, prog_name=prog_name, standalone_mode=False)
    except MbvError as exc:
        if debug:
            raise
        console.error(exc.one_line())
        return exc.exit_code
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        console.error("aborted")
        return 130
    except click.exceptions.ClickException as exc:
        if debug:
            raise
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stderr.write(exc.format_message() + "\n")
            return 2
        ctx = getattr(exc, "ctx", None)
        # click's parser raises some errors (an option without its value) without a context:
        # point at the help of the command the arguments reached, not at the root's
        where = ctx.command_path if ctx is not None else _command_path(command, args, prog_name)
        message = " ".join(exc.format_message().split()).rstrip(".")
        prefix = f"{where}: " if where != prog_name else ""
        console.error(f"{prefix}{message}; see '{where} --help'")
        return 2
    except KeyboardInterrupt:
        console.error("interrupted")
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            raise
        console.error(
            f"internal error ({type(exc).__name__}); this is a bug in mbv: "
            "run again with MBV_DEBUG=1 for the traceback and report it"
        )
        return 3
    return int(result or 0)


def _command_path(command: object, args: list[str], prog_name: str) -> str:
    """`mbv jwt verify` for args that name that command before the first option."""
    from mbv_cli.cli.clickcompat import click

    path = [prog_name]
    for arg in args:
        get = getattr(command, "get_command", None)
        if arg.startswith("-") or get is None:
            break
        found = get(click.Context(command), arg)  # type: ignore[arg-type]
        if found is None:
            break
        path.append(arg)
        command = found
    return " ".join(path)
