"""Entry point: `mbv --version` without importing anything heavy; errors become one line and exit 2.

Exit codes: 0 success, 1 problems found (or a lock/drift/invalid verdict), 2 usage or input
error, 3 an mbv bug (an unexpected exception; the traceback is shown with MBV_DEBUG=1), 130
interrupted (Ctrl-C: one line, which may say what was done, never a traceback). MBV_DEBUG=1 adds
tracebacks on stderr and never changes an exit code.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    try:
        args = sys.argv[1:] if argv is None else argv
        if args in (["--version"], ["-V"]):
            from mbv_cli import __version__

            sys.stdout.write(f"mbv {__version__}\n")
            raise SystemExit(0)
        code = run(args)
    except KeyboardInterrupt as exc:  # Ctrl-C while Python was still importing: no traceback either
        code = interrupted(exc)
    raise SystemExit(code)


def interrupted(exc: BaseException | None = None) -> int:
    """One line for Ctrl-C (the interrupted step's own words when it has some), exit 130."""
    message = str(exc) if isinstance(exc, KeyboardInterrupt) and str(exc) else "interrupted"
    try:
        # after the terminal's `^C` echo, start a fresh line; a pipe or file gets just the one line
        sys.stderr.write(("\n" if sys.stderr.isatty() else "") + f"mbv: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    return 130


def _debug_traceback() -> None:
    import traceback

    traceback.print_exc()


def run(args: list[str], prog_name: str = "mbv") -> int:
    """Run the CLI and return the exit code instead of raising (used by main and tests)."""
    try:
        return _run(args, prog_name)
    except KeyboardInterrupt as exc:  # during start-up, or in a handler below
        return interrupted(exc)


def _run(args: list[str], prog_name: str) -> int:
    import typer

    from mbv_cli.cli.app import CtrlC, build_command
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
            _debug_traceback()
        console.error(exc.one_line())
        return exc.exit_code
    except CtrlC as exc:
        return interrupted(exc.interrupt)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        console.error("aborted")
        return 130
    except click.exceptions.ClickException as exc:
        if debug:
            _debug_traceback()
        if type(exc).__name__ == "NoArgsIsHelpError":
            sys.stderr.write(exc.format_message() + "\n")
            return 2
        ctx = getattr(exc, "ctx", None)
        where = ctx.command_path if ctx is not None else prog_name
        message = " ".join(exc.format_message().split()).rstrip(".")
        prefix = f"{where}: " if where != prog_name else ""
        console.error(f"{prefix}{message}; see '{where} --help'")
        return 2
    except KeyboardInterrupt as exc:
        return interrupted(exc)
    except BrokenPipeError:
        return 0
    except Exception as exc:
        if debug:
            _debug_traceback()
        console.error(
            f"internal error ({type(exc).__name__}); this is a bug in mbv: "
            "run again with MBV_DEBUG=1 for the traceback and report it"
        )
        return 3
    if result == 130:  # typer's own exit code for a Ctrl-C outside a command (argument parsing)
        return interrupted()
    return int(result or 0)
