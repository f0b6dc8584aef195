"""Reading one wrangler config file the way wrangler 4.86 does.

Format by extension (workers-utils `config/index.ts` 40-53, `parse.ts`): `.toml` is TOML, `.json`
and `.jsonc` are both JSON with comments and trailing commas. Unknown keys are warnings, not
errors (validation.ts 526 and 2096). Every problem that stops reading is a `ConfigError` carrying
file:line:col.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import itertools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mbv_cli.core.errors import ConfigError, InputError
from mbv_cli.core.wrangler import jsonc
from mbv_cli.core.wrangler.schema import ENVIRONMENT_KEYS, TOP_LEVEL_KEYS

CONFIG_SUFFIXES = {".toml": "toml", ".json": "json", ".jsonc": "jsonc"}
MAX_CONFIG_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ConfigWarning:
    message: str
    file: str
    line: int | None = None


class TextIndex:
    """Every quoted string of a config's text by content, and where each line starts.

    A needle without quote characters matches `["']needle["']` exactly where the text between two
    neighbouring quote characters equals it, so one pass over the quotes answers every lookup.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self._quoted: dict[str, list[int]] | None = None
        self._line_starts: list[int] | None = None
        self._memo: dict[tuple[str, ...], int] = {}

    def quoted(self, needle: str, start: int = 0) -> int | None:
        """Offset of the first quote opening `needle` at or after `start`, as the regex would find it."""
        if "'" in needle or '"' in needle:
            found = re.compile(r"[\"']" + re.escape(needle) + r"[\"']").search(self.text, start)
            return found.start() if found is not None else None
        if self._quoted is None:
            self._quoted = {}
            quotes = [m.start() for m in re.finditer(r"[\"']", self.text)]
            for left, right in itertools.pairwise(quotes):
                self._quoted.setdefault(self.text[left + 1:right], []).append(left)
        offsets = self._quoted.get(needle, [])
        at = bisect.bisect_left(offsets, start)
        return offsets[at] if at < len(offsets) else None

    def line_column(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            self._line_starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def memo(self, key: tuple[str, ...], compute: Callable[[], int]) -> int:
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]


@dataclass(slots=True)
class WranglerConfig:
    """A parsed config file: its raw dictionary, its text (for locating things) and warnings."""

    path: Path
    format: str
    raw: dict[str, Any]
    text: str
    warnings: list[ConfigWarning] = field(default_factory=list)
    _index: TextIndex | None = field(default=None, repr=False, compare=False)
    _headers: list[tuple[int, str]] | None = field(default=None, repr=False, compare=False)

    @property
    def index(self) -> TextIndex:
        """Quoted strings and line starts of `text`, built once (a search per binding was quadratic)."""
        if self._index is None:
            self._index = TextIndex(self.text)
        return self._index

    @property
    def directory(self) -> Path:
        return self.path.parent

    @property
    def env_names(self) -> list[str]:
        envs = self.raw.get("env")
        return list(envs) if isinstance(envs, dict) else []

    def env_section(self, env: str) -> dict[str, Any]:
        envs = self.raw.get("env")
        section = envs.get(env) if isinstance(envs, dict) else None
        return section if isinstance(section, dict) else {}

    def locate(self, needle: str, env: str | None = None) -> tuple[int, int] | None:
        """Line and column of the first quoted `needle` in the config (inside `env`'s section when given)."""
        start = 0
        if env is not None:
            start = self._env_offset(env)
            if start < 0:
                return None
        offset = self.index.quoted(needle, start)
        while env is None and offset is not None and self._in_env(offset):
            offset = self.index.quoted(needle, offset + 1)  # top level only: not inside an env section
        if offset is None and self.format == "toml":  # a bare key: `KV_CACHE = false` under [vars]
            pattern = re.compile(r"^[ \t]*" + re.escape(needle) + r"[ \t]*=", re.M)
            key = pattern.search(self.text, start)
            while env is None and key is not None and self._in_env(key.start()):
                key = pattern.search(self.text, key.end())
            offset = key.start() + len(key.group(0)) - len(key.group(0).lstrip()) if key is not None else None
        if offset is None:
            return None
        return self.index.line_column(offset)

    def locate_binding(self, name: str, env: str | None = None) -> tuple[int, int] | None:
        """Line and column of the entry that binds `name` (`binding = "X"`, `"name": "X"`), before any other quoted
        `X` (a var's value may name it first: review AA of badf8a8, cf-eventhub); else as `locate`."""
        start = 0
        if env is not None:
            start = self._env_offset(env)
            if start < 0:
                return None
        pattern = re.compile(r"""["']?\b(?:binding|name)["']?\s*[:=]\s*["']""" + re.escape(name) + r"""["']""")
        found = pattern.search(self.text, start)
        while env is None and found is not None and self._in_env(found.start()):
            found = pattern.search(self.text, found.end())
        if found is None:
            return self.locate(name, env)
        return self.index.line_column(found.end() - len(name) - 2)

    def _in_env(self, offset: int) -> bool:
        """Whether `offset` is inside an `[env.X]` section (TOML: the last table header before it names env; JSON:
        inside the `"env"` object). A top-level table or key may come after the env sections."""
        first_env = self._first_env_offset()
        if first_env < 0 or offset < first_env:
            return False
        if self.format == "toml":
            headers = self._toml_headers()
            at = bisect.bisect_right([h for h, _ in headers], offset) - 1
            return at >= 0 and (headers[at][1] == "env" or headers[at][1].startswith("env."))
        return offset <= self.index.memo(("env-end",), self._json_env_end)

    def _toml_headers(self) -> list[tuple[int, str]]:
        if self._headers is None:
            self._headers = [(m.start(), m.group(1).strip().strip("\"'"))
                             for m in re.finditer(r"^[ \t]*\[\[?\s*([^\]\n]+?)\s*\]", self.text, re.M)]
        return self._headers

    def _json_env_end(self) -> int:
        """Offset of the brace that closes the top-level `"env"` object (strings and comments skipped)."""
        text, i = self.text, self._first_env_offset()
        i = text.find("{", i)
        depth = 0
        while 0 <= i < len(text):
            char = text[i]
            if char == '"':
                i += 1
                while i < len(text) and text[i] != '"':
                    i += 2 if text[i] == "\\" else 1
            elif text.startswith("//", i):
                i = text.find("\n", i)
                if i < 0:
                    break
            elif text.startswith("/*", i):
                i = text.find("*/", i) + 1
                if i <= 0:
                    break
            elif char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        return len(text)

    def locate_near(self, needle: str, anchor: str, env: str | None = None) -> tuple[int, int] | None:
        """Like `locate`, but of several quoted `needle`s in the section the one nearest the quoted `anchor` (a
        placeholder id shared by two bindings is reported at the binding's own)."""
        first = self.locate(needle, env)
        near = self.locate(anchor, env)
        if first is None or near is None:
            return first
        start = 0 if env is None else max(self._env_offset(env), 0)
        end = len(self.text)
        if env is None and (first_env := self._first_env_offset()) >= 0:
            end = first_env
        anchor_at = self.index.quoted(anchor, start)
        best: int | None = None
        offset = self.index.quoted(needle, start)
        while offset is not None and offset < end and anchor_at is not None:
            if best is None or abs(offset - anchor_at) < abs(best - anchor_at):
                best = offset
            offset = self.index.quoted(needle, offset + 1)
        return self.index.line_column(best) if best is not None else first

    def locate_key(self, key: str) -> int | None:
        """Line of a top-level key (`key =`, `[key]`, `[[key]]` in TOML; `"key":` in JSON)."""
        if self.format == "toml":
            pattern = re.compile(r"^\s*(?:\[\[?\s*" + re.escape(key) + r"\s*[.\]]|" + re.escape(key) + r"\s*=)", re.M)
        else:
            pattern = re.compile(r"\"" + re.escape(key) + r"\"\s*:")
        match = pattern.search(self.text)
        return self.text.count("\n", 0, match.start()) + 1 if match else None

    def env_line(self, env: str) -> int | None:
        """Line of `[env.<env>]` (TOML) or `"<env>": {` under `"env"` (JSON), or None."""
        offset = self._env_offset(env)
        if offset < 0:
            return None
        while offset < len(self.text) and self.text[offset] in " \t\r\n":  # the match may start at a newline
            offset += 1
        return self.text.count("\n", 0, offset) + 1

    def _env_offset(self, env: str) -> int:
        return self.index.memo(("env", env), lambda: self._find_env_offset(env))

    def _find_env_offset(self, env: str) -> int:
        if self.format == "toml":
            found = re.search(
                r"^\s*\[\[?\s*env\.[\"']?" + re.escape(env) + r"[\"']?\s*[.\]]", self.text, re.M
            )
        else:
            found = re.search(r"\"" + re.escape(env) + r"\"\s*:\s*\{", self.text[max(0, self._first_env_offset()):])
            if found is not None:
                return max(0, self._first_env_offset()) + found.start()
        return found.start() if found is not None else -1

    def _first_env_offset(self) -> int:
        return self.index.memo(("first-env",), self._find_first_env_offset)

    def _find_first_env_offset(self) -> int:
        if self.format == "toml":
            found = re.search(r"^\s*\[\[?\s*env\.", self.text, re.M)
        else:
            found = re.search(r"\"env\"\s*:\s*\{", self.text)
        return found.start() if found is not None else -1


def _read_text(path: Path) -> str:
    if path.is_dir():
        raise ConfigError(
            "the config path is a directory, not a file",
            file=path,
            hint="pass the wrangler.toml/json/jsonc inside it, or the directory as PATH without --config",
        )
    from mbv_cli.core.input_files import check_regular_file, read_file_bytes

    try:
        size = check_regular_file(path, what="config file").st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"config file is {size} bytes; that is not a wrangler config", file=path)
        data = read_file_bytes(path, what="config file", limit=MAX_CONFIG_BYTES)
    except ConfigError:
        raise
    except InputError as exc:
        if not os.path.lexists(path):
            raise ConfigError("config file not found", file=path, hint="check the path given to --config") from None
        if "permission denied" in exc.message:
            raise ConfigError("config file is not readable (permission denied)", file=path,
                              hint="check the file's permissions") from None
        raise ConfigError(exc.message, file=path, hint=exc.hint) from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"config file is not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            file=path, line=line, column=column, hint="save the file as UTF-8",
        ) from None
    if "\x00" in text:
        raise ConfigError("config file contains NUL bytes; it is not a text file", file=path)
    return text


_TOML_POS = re.compile(r"\(at line (\d+), column (\d+)\)")


def _parse_toml(text: str, path: Path) -> Any:
    import tomllib
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc).splitlines()[0]
        match = _TOML_POS.search(message)
        line = column = None
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            message = _TOML_POS.sub("", message).strip()
        elif "end of document" in message:
            line = text.count("\n") + 1
        raise ConfigError(f"invalid TOML: {message}", file=path, line=line, column=column,
                          hint="fix the syntax; wrangler cannot read this file either") from None
    except RecursionError:
        raise ConfigError("invalid TOML: document nested too deeply", file=path) from None


def _jsonable(value: Any, path: Path, trail: str) -> Any:
    """TOML dates are not JSON values; wrangler rejects them in vars and mbv keeps them as ISO text."""
    if isinstance(value, dict):
        return {k: _jsonable(v, path, f"{trail}.{k}" if trail else k) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v, path, trail) for v in value]
    if isinstance(value, _dt.date | _dt.time):
        if ".vars." in f".{trail}" or trail.startswith("vars."):
            raise ConfigError(f"{trail} is a TOML date; wrangler does not accept dates in vars",
                              file=path, hint="quote the value to make it a string")
        return value.isoformat()
    return value


def parse_config_text(text: str, path: Path) -> dict[str, Any]:
    """Parse config text by the file's extension; raise `ConfigError` with a position on failure."""
    fmt = CONFIG_SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ConfigError(
            f"unsupported config extension {path.suffix or '(none)'!r}",
            file=path, hint="wrangler reads wrangler.toml, wrangler.json or wrangler.jsonc",
        )
    if not text.strip():
        raise ConfigError("config file is empty", file=path,
                          hint="add at least name, main and compatibility_date")
    if fmt == "toml":
        data = _parse_toml(text, path)
    else:
        try:
            data = jsonc.loads(text)
        except jsonc.JsoncSyntaxError as exc:
            raise ConfigError(f"invalid JSON: {exc.reason}", file=path, line=exc.line, column=exc.column,
                              hint="fix the syntax; wrangler cannot read this file either") from None
    if not isinstance(data, dict):
        raise ConfigError(f"the config must be an object, not {type(data).__name__}", file=path, line=1, column=1)
    result = _jsonable(data, path, "")
    assert isinstance(result, dict)
    return result


def _check_shapes(raw: dict[str, Any], path: Path) -> None:
    envs = raw.get("env")
    if envs is not None and not isinstance(envs, dict):
        raise ConfigError("`env` must be a table/object of environments", file=path)
    if isinstance(envs, dict):
        for name, section in envs.items():
            if not isinstance(section, dict):
                raise ConfigError(f"env.{name} must be a table/object", file=path)


def _unknown_key_warnings(cfg: WranglerConfig) -> list[ConfigWarning]:
    warnings = []
    for key in cfg.raw:
        if key not in TOP_LEVEL_KEYS:
            warnings.append(ConfigWarning(f'Unexpected fields found in top-level field: "{key}"',
                                          str(cfg.path), cfg.locate_key(key)))
    for env in cfg.env_names:
        for key in cfg.env_section(env):
            if key not in ENVIRONMENT_KEYS:
                warnings.append(ConfigWarning(f'Unexpected fields found in env.{env} field: "{key}"',
                                              str(cfg.path)))
    return warnings


def load_config(path: str | Path) -> WranglerConfig:
    """Read and parse one wrangler config file."""
    file = Path(path)
    text = _read_text(file)
    raw = parse_config_text(text, file)
    _check_shapes(raw, file)
    cfg = WranglerConfig(path=file, format=CONFIG_SUFFIXES[file.suffix.lower()], raw=raw, text=text)
    cfg.warnings.extend(_unknown_key_warnings(cfg))
    return cfg
