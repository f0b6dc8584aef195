"""Entry point: `mbv --version` without importing anything heavy; errors become one line and exit 2.

Exit codes: 0 success, 1 problems found (or a lock/drift/invalid verdict), 2 usage or input
error, 3 an mbv bug (an unexpected exception; the traceback is shown with MBV_DEBUG=1), 130
interrupted (Ctrl-C: one line, which may say what was done, never a traceback). MBV_DEBUG=1 adds
tracebacks on stderr and never changes an exit code.
"""

from __future__ import annotations

import errno
import os
import sys
from contextlib import suppress


def main(argv: list[str] | None = None) -> None:
    try:
        args = sys.argv[1:] if argv is None else argv
        if args in (["--version"], ["-V"]):
            from mbv_cli import __version__

            try:
                sys.stdout.write(f"mbv {__version__}\n")
                sys.stdout.flush()
            except OSError as exc:
                raise SystemExit(_environment_failure(f"cannot write the output: {exc.strerror}",
                                                      output_broken=True)) from None
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
        # click's parser raises some errors (an option without its value) without a context:
        # point at the help of the command the arguments reached, not at the root's
        where = ctx.command_path if ctx is not None else _command_path(command, args, prog_name)
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
        known = environment_error(exc)
        if known is not None:
            return _environment_failure(known, output_broken=isinstance(exc, OSError))
        console.error(
            f"internal error ({type(exc).__name__}); this is a bug in mbv: "
            "run again with MBV_DEBUG=1 for the traceback and report it"
        )
        return 3
    try:
        sys.stdout.flush()  # a full disk shows here, not in the interpreter's last flush (exit 120)
    except OSError as exc:
        if debug:
            _debug_traceback()
        return _environment_failure(environment_error(exc) or f"cannot write the output: {exc.strerror or exc}",
                                    output_broken=True)
    if result == 130:  # typer's own exit code for a Ctrl-C outside a command (argument parsing)
        return interrupted()
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


def environment_error(exc: BaseException) -> str | None:
    """One line for a failure the user's input or machine caused (not an mbv bug), else None.

    Caught last, at the top, because they can arise anywhere: memory running out on a huge input,
    Python's recursion limit on deeply nested JSON, Path.resolve() meeting a symlink loop (Python
    3.11 raises RuntimeError there), and the output stream failing (stdout on a full disk).
    """
    if isinstance(exc, MemoryError):
        return "out of memory; is an input file far larger than expected?"
    if isinstance(exc, RecursionError):
        return "an input is nested too deeply to process (thousands of levels of [ or {)"
    if isinstance(exc, RuntimeError) and str(exc).startswith("Symlink loop from "):
        return f"{str(exc).removeprefix('Symlink loop from ').strip(chr(39))}: a symlink loop; fix or remove the link"
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO):
        return f"cannot write the output: {exc.strerror}"
    return None


def _environment_failure(message: str, *, output_broken: bool = False) -> int:
    from mbv_cli.render import console

    if output_broken:
        with suppress(OSError, ValueError):  # later writes and the interpreter's final flush go nowhere
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            os.close(devnull)
    console.error(message)
    return 2
