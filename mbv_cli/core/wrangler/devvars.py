"""Secret sources for local development, with wrangler 4.86's precedence.

wrangler `dev/dev-vars.ts` 56-130 and `config/dot-env.ts` 17-85: in the config's directory,
`.dev.vars.<env>` if an env is selected and the file exists, otherwise `.dev.vars` (never merged);
only when no `.dev.vars*` file exists, `.env`, `.env.local`, `.env.<env>`, `.env.<env>.local` merged
in that order (unless CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV=false). Values are read only by callers
that need them (jwt); listing and typing use the names.

Encoding as wrangler reads it (`maybeGetFile`: `readFileSync(path, "utf8")`, then `dotenv.parse`):
UTF-8, a UTF-8 byte order mark skipped (JavaScript regexes count U+FEFF as whitespace). A UTF-16 file (with the
BOM PowerShell writes) decodes to text in which dotenv finds no variable, so wrangler dev runs
without them: mbv reads none either and says so in `SecretSource.problems`. A file that exists
but cannot be read stops wrangler dev ("Failed to load local dev variables file"); mbv says that too.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

_LINE = re.compile(r"^\s*(?:export\s+)?([\w.-]+)\s*=\s*(.*)?$")


def parse_dotenv(text: str) -> dict[str, str]:
    """Parse dotenv text as the `dotenv` package does: KEY=VALUE, quotes, `#` comments."""
    values: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    i = 0
    while i < len(lines):
        match = _LINE.match(lines[i])
        i += 1
        if not match:
            continue
        key, value = match.group(1), (match.group(2) or "").strip()
        if value[:1] in ("'", '"', "`"):
            quote = value[0]
            body = value[1:]
            while quote not in body and i < len(lines):  # multi-line quoted value
                body += "\n" + lines[i]
                i += 1
            end = body.find(quote)
            value = body[:end] if end != -1 else body
            if quote == '"':
                value = value.replace("\\n", "\n").replace("\\r", "\r")
        else:
            value = value.split(" #", 1)[0].strip()
            if value.startswith("#"):
                value = ""
        values[key] = value
    return values


@dataclass(frozen=True, slots=True)
class SecretSource:
    """Where dev secrets come from for one Worker and env: the files read and the merged values."""

    files: tuple[Path, ...]
    values: Mapping[str, str]
    problems: tuple[tuple[Path, str], ...] = ()  # (file, what is wrong), for a warning line each

    @property
    def label(self) -> str:
        return ", ".join(p.name for p in self.files)

    def origin(self, key: str) -> str:
        """The file a key's final value came from (the last file that sets it)."""
        for file in reversed(self.files):
            if key in _read(file)[0]:
                return file.name
        return self.label


_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _read(path: Path) -> tuple[dict[str, str], str | None]:
    """The variables of one file as wrangler loads them, and what went wrong (or None)."""
    from mbv_cli.core.errors import InputError
    from mbv_cli.core.input_files import MB, read_file_bytes

    try:  # a FIFO or device named .dev.vars must not block: the bounded reader refuses it
        data = read_file_bytes(path, what=path.name, limit=MB)
    except InputError as exc:
        return {}, (f"unreadable ({exc.message}): wrangler dev stops on it "
                    "(\"Failed to load local dev variables file\"); fix it")
    if data.startswith(_UTF16_BOMS):
        return {}, ("UTF-16 text (a byte order mark, as PowerShell writes files): wrangler reads it as UTF-8 "
                    "and finds no variables in it; save it as UTF-8")
    text = data.decode("utf-8", errors="replace")
    return parse_dotenv(text[1:] if text.startswith("\ufeff") else text), None


def _source(files: tuple[Path, ...]) -> SecretSource:
    merged: dict[str, str] = {}
    problems: list[tuple[Path, str]] = []
    for file in files:
        values, problem = _read(file)
        merged.update(values)
        if problem:
            problems.append((file, problem))
    return SecretSource(files, merged, tuple(problems))


def dev_secret_source(config_dir: Path, env: str | None, environ: Mapping[str, str] | None = None) -> SecretSource:
    """The dev secrets wrangler would load for this config directory and env."""
    environ = os.environ if environ is None else environ
    if env:
        specific = config_dir / f".dev.vars.{env}"
        if specific.is_file():
            return _source((specific,))
    plain = config_dir / ".dev.vars"
    if plain.is_file():
        return _source((plain,))
    if environ.get("CLOUDFLARE_LOAD_DEV_VARS_FROM_DOT_ENV", "").lower() == "false":
        return SecretSource((), {})
    names = [".env", ".env.local"]
    if env:
        names += [f".env.{env}", f".env.{env}.local"]
    return _source(tuple(config_dir / n for n in names if (config_dir / n).is_file()))
