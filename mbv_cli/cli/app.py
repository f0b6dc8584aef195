"""The root `mbv` app: global options and the command groups, imported only when used.

Each group lives in its own module (`mbv_cli.cli.<group>`) holding a `typer.Typer()` named `app`;
the root group imports a module only when its command runs or its help is shown, so
`mbv --help` and `mbv bindings --help` stay fast.
"""

from __future__ import annotations

import importlib
from typing import Any

import typer
from typer.core import TyperGroup

from mbv_cli import __version__

# group name -> (module, one-line help shown by `mbv --help`)
GROUPS: dict[str, tuple[str, str]] = {
    "bindings": ("mbv_cli.cli.bindings", "Wrangler bindings per environment: list them, diff them against the code."),
    "jwt": ("mbv_cli.cli.jwt", "Decode, verify (rotation, JWKS, revocation) and mint JWTs."),
    "db": ("mbv_cli.cli.db", "Locate local D1 files; health and lock diagnosis."),
    "migrate": ("mbv_cli.cli.migrate", "Wrangler-compatible D1 migrations with dry-run, drift detection and a lock."),
    "replay": ("mbv_cli.cli.replay", "Re-send recorded requests to a local or deployed Worker."),
    "logs": ("mbv_cli.cli.logs", "Summarise wrangler tail output and Logpush trace events: where it hurts, grouped."),
    "doctor": ("mbv_cli.cli.doctor", "Run every check at once."),
    "graph": ("mbv_cli.cli.graph", "Show each Worker's module graph: what wrangler would bundle."),
    "rules": ("mbv_cli.cli.rules", "List doctor rules or show one rule's documentation."),
    "schema": ("mbv_cli.cli.schema", "Print the JSON Schema of an mbv JSON document."),
    "completions": ("mbv_cli.cli.completions", "Shell completion scripts: show or install them."),
}


class CtrlC(BaseException):
    """Ctrl-C, carried past typer (which turns KeyboardInterrupt into a bare exit code 130 and so
    loses what the interrupted step had to say) to `cli.main`, which prints it as one line."""

    def __init__(self, interrupt: KeyboardInterrupt) -> None:
        super().__init__(str(interrupt))
        self.interrupt = interrupt


class LazyGroup(TyperGroup):
    """A click group that imports a subcommand's module on first use."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as exc:
            raise CtrlC(exc) from None

    def list_commands(self, ctx: Any) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(GROUPS))

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is not None or cmd_name not in GROUPS:
            return command
        module_name, help_text = GROUPS[cmd_name]
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None  # that capability is not built yet
            raise
        sub: Any = module.app
        built = typer.main.get_command(sub) if isinstance(sub, typer.Typer) else sub
        built.name = cmd_name
        if not built.help:
            built.help = help_text
        from mbv_cli.cli.examples import attach

        attach(built, cmd_name)
        return built

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        from mbv_cli.cli.clickcompat import click

        try:
            return super().resolve_command(ctx, args)
        except click.exceptions.UsageError as exc:
            # typer suggests from the commands it has built; these groups are built lazily
            if args and "Did you mean" not in exc.message:
                import difflib

                close = difflib.get_close_matches(args[0], [n for n in GROUPS if _available(GROUPS[n][0])])
                if close:
                    exc.message = f"{exc.message.rstrip('.')}. Did you mean {', '.join(repr(c) for c in close)}?"
            raise

    def format_commands(self, ctx: Any, formatter: Any) -> None:
        # Short help from the table above: listing commands must not import every group.
        rows = [(name, GROUPS[name][1]) for name in sorted(GROUPS) if _available(GROUPS[name][0])]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _available(module_name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module_name) is not None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"mbv {__version__}")
        raise typer.Exit()


def build_app() -> typer.Typer:
    from mbv_cli.cli.examples import epilog

    app = typer.Typer(
        cls=LazyGroup,
        name="mbv",
        help="Diagnose and operate Cloudflare Workers projects (bindings, JWT, D1, migrations, replay, doctor).",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        pretty_exceptions_show_locals=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
        epilog=epilog(""),
    )

    @app.callback()
    def root(
        version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                     help="Print the version and exit."),
    ) -> None:
        """Diagnose and operate Cloudflare Workers projects."""

    return app


def build_command() -> Any:
    return typer.main.get_command(build_app())
