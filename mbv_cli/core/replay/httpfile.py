"""Parse `.http` / `.rest` files as VS Code REST Client and JetBrains HTTP Client write them.

Format (from the REST Client README and JetBrains' "HTTP request syntax" page):

- requests are separated by lines starting with `###` (the rest of the line may name the request);
- `@name = value` defines a file variable, used as `{{name}}` (values may refer to other variables);
- `{{$processEnv VAR}}` (VS Code) and `{{$env.VAR}}` read the environment; `{{$dotenv VAR}}` too;
  `{{$guid}}` / `{{$uuid}}`, `{{$timestamp}}`, `{{$randomInt a b}}` are generated;
- `#` and `//` start comment lines; `# @name foo` / `// @name foo` names the next request;
- a request is `METHOD URL [HTTP/x]` (or a bare URL: GET), optional `?a=1` / `&b=2` continuation
  lines, headers `Name: value` up to a blank line, then the body up to the next `###`;
  a body line `< ./file` includes that file (relative to the .http file), JetBrains response
  handlers (`> {% ... %}`, `>> file`) are ignored.

Every error names file:line:column.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from mbv_cli.core.errors import InputError
from mbv_cli.core.httpcheck import header_value_problem, url_problem
from mbv_cli.core.replay.model import ReplayRequest, read_text_file

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT"})
_VARIABLE_LINE = re.compile(r"^@([A-Za-z_][\w.-]*)\s*=\s?(.*)$")
_NAME_COMMENT = re.compile(r"^(?:#|//)\s*@name\s*=?\s*(\S+)")
_REFERENCE = re.compile(r"\{\{(.*?)\}\}")
_REQUEST_LINE = re.compile(r"^([A-Za-z]+)\s+(\S.*?)(?:\s+HTTP/[\d.]+)?\s*$")
_HEADER = re.compile(r"^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s?(.*)$")


@dataclass(slots=True)
class _Line:
    number: int   # 1-based
    text: str


def parse_http_file(path: Path, *, overrides: dict[str, str] | None = None,
                    environ: dict[str, str] | None = None) -> list[ReplayRequest]:
    return parse_http_text(read_text_file(path), file=str(path), base_dir=path.parent, overrides=overrides, environ=environ)


def parse_http_text(text: str, *, file: str = "<http>", base_dir: Path | None = None,
                    overrides: dict[str, str] | None = None,
                    environ: dict[str, str] | None = None) -> list[ReplayRequest]:
    env = dict(os.environ) if environ is None else environ
    lines = [_Line(i + 1, raw.rstrip("\r")) for i, raw in enumerate(text.split("\n"))]
    variables: dict[str, tuple[str, _Line]] = {}
    blocks: list[list[_Line]] = [[]]
    names: list[str | None] = [None]
    seen_request = in_body = False  # state of the current block: variables in a body are body text
    for line in lines:
        if line.text.startswith("###"):
            blocks.append([])
            label = line.text[3:].strip()
            names.append(label or None)
            seen_request = in_body = False
            continue
        stripped = line.text.strip()
        match = _VARIABLE_LINE.match(line.text)
        if match and not in_body:
            variables[match.group(1)] = (match.group(2).strip(), line)
            continue
        if not seen_request:
            seen_request = bool(stripped) and not _is_comment(stripped)
        elif not stripped:
            in_body = True
        blocks[-1].append(line)
    resolver = _Resolver(variables, overrides or {}, env, file)
    requests: list[ReplayRequest] = []
    for block, block_name in zip(blocks, names, strict=True):
        request = _parse_block(block, block_name, resolver, file, base_dir)
        if request is not None:
            requests.append(request)
    if not requests:
        raise InputError("no request found", file=file, line=1, column=1,
                         hint="write a request line such as `GET https://host/path`")
    return requests


def _is_comment(stripped: str) -> bool:
    return stripped.startswith("#") or stripped.startswith("//")


class _Resolver:
    def __init__(self, variables: dict[str, tuple[str, _Line]], overrides: dict[str, str],
                 environ: dict[str, str], file: str) -> None:
        self.variables = variables
        self.overrides = overrides
        self.environ = environ
        self.file = file

    def resolve(self, text: str, line: _Line, column_offset: int = 0, depth: int = 0) -> str:
        if "{{" not in text:
            return text
        out: list[str] = []
        pos = 0
        while True:
            start = text.find("{{", pos)
            if start < 0:
                out.append(text[pos:])
                break
            end = text.find("}}", start + 2)
            column = column_offset + start + 1
            if end < 0:
                raise InputError("unterminated `{{`", file=self.file, line=line.number, column=column,
                                 hint="close the variable reference with `}}`")
            out.append(text[pos:start])
            out.append(self._value(text[start + 2:end].strip(), line, column, depth))
            pos = end + 2
        return "".join(out)

    def _value(self, expr: str, line: _Line, column: int, depth: int) -> str:
        if depth > 20:
            raise InputError(f"variable {{{{{expr}}}}} refers to itself", file=self.file,
                             line=line.number, column=column)
        if expr.startswith("$"):
            return self._system(expr, line, column)
        if expr in self.overrides:
            return self.overrides[expr]
        if expr in self.variables:
            value, where = self.variables[expr]
            return self.resolve(value, where, where.text.find(value), depth + 1)
        known = ", ".join(sorted(self.variables)) or "none"
        raise InputError(f"unknown variable {{{{{expr}}}}}", file=self.file, line=line.number, column=column,
                         hint=f"define it with `@{expr} = value` or pass --var {expr}=VALUE (defined: {known})")

    def _system(self, expr: str, line: _Line, column: int) -> str:
        parts = expr.split()
        head = parts[0]
        if head in ("$processEnv", "$dotenv") and len(parts) == 2:
            name = parts[1].lstrip("%")
            return self._env(name, line, column)
        if head.startswith("$env.") and len(parts) == 1:
            return self._env(head[5:], line, column)
        if head in ("$guid", "$uuid", "$random.uuid"):
            return str(uuid.uuid4())
        if head in ("$timestamp",):
            return str(int(time.time()))
        if head in ("$randomInt", "$random.integer") and len(parts) == 3:
            import secrets

            low, high = int(parts[1]), int(parts[2])
            return str(low + secrets.randbelow(max(1, high - low)))
        raise InputError(f"unsupported system variable {{{{{expr}}}}}", file=self.file, line=line.number,
                         column=column, hint="use {{$processEnv VAR}}, {{$guid}}, {{$timestamp}} or {{$randomInt a b}}")

    def _env(self, name: str, line: _Line, column: int) -> str:
        if name not in self.environ:
            raise InputError(f"environment variable {name} is not set", file=self.file, line=line.number,
                             column=column, hint=f"export {name}=... before running mbv replay")
        return self.environ[name]


def _parse_block(block: list[_Line], label: str | None, resolver: _Resolver, file: str,
                 base_dir: Path | None) -> ReplayRequest | None:
    name: str | None = label
    index = 0
    while index < len(block):
        stripped = block[index].text.strip()
        if not stripped:
            index += 1
            continue
        if _is_comment(stripped):
            match = _NAME_COMMENT.match(stripped)
            if match:
                name = match.group(1)
            index += 1
            continue
        break
    if index >= len(block):
        return None
    first = block[index]
    method, url = _request_line(first, resolver, file)
    index += 1
    # query continuation lines: `?a=1`, `&b=2`
    while index < len(block) and block[index].text.strip()[:1] in ("?", "&"):
        piece = block[index].text.strip()
        url += resolver.resolve(piece, block[index], block[index].text.find(piece))
        index += 1
    headers: list[tuple[str, str]] = []
    while index < len(block) and block[index].text.strip():
        line = block[index]
        stripped = line.text.strip()
        index += 1
        if _is_comment(stripped):
            continue
        match = _HEADER.match(stripped)
        if not match:
            column = line.text.find(stripped) + 1
            from mbv_cli.core.httpcheck import colonless_header

            # not echoed: `Authorization SEKRET` without its colon holds a credential
            raise InputError(f"expected a header `Name: value`, found a line {colonless_header(stripped)} "
                             "without a colon", file=file,
                             line=line.number, column=column,
                             hint="put a blank line between the headers and the body")
        value_col = line.text.find(match.group(2), line.text.find(":")) if match.group(2) else 0
        value = resolver.resolve(match.group(2).strip(), line, value_col)
        problem = header_value_problem(match.group(1), value)
        if problem:
            raw = match.group(2).strip()
            # the offending character's column when the value was written literally, else the value's
            offset = problem[1] if value == raw else 0
            raise InputError(problem[0], file=file, line=line.number,
                             column=line.text.find(raw, line.text.find(":")) + 1 + offset,
                             hint="header names are tokens and values Latin-1 text (percent-encode other characters)")
        headers.append((match.group(1), value))
    body_lines = block[index + 1:] if index < len(block) else []
    body = _body(body_lines, resolver, file, base_dir)
    return ReplayRequest(method=method, url=url, headers=headers, body=body,
                         source=f"{file}:{first.number}", name=name)


def _request_line(line: _Line, resolver: _Resolver, file: str) -> tuple[str, str]:
    stripped = line.text.strip()
    column = line.text.find(stripped) + 1
    match = _REQUEST_LINE.match(stripped)
    if match and match.group(1).upper() in METHODS:
        method = match.group(1).upper()
        raw_url = match.group(2)
        url_col = line.text.find(raw_url, column - 1 + len(match.group(1)))
    elif match and match.group(1).upper() not in METHODS and " " in stripped:
        raise InputError(f"unknown HTTP method {match.group(1)!r}", file=file, line=line.number, column=column,
                         hint=f"use one of {', '.join(sorted(METHODS))}")
    else:
        method, raw_url, url_col = "GET", stripped.split()[0], column - 1
    url = resolver.resolve(raw_url, line, url_col)
    if not re.match(r"^https?://[^/\s]+", url):
        raise InputError(f"request URL {url[:60]!r} is not an absolute http(s) URL", file=file,
                         line=line.number, column=url_col + 1,
                         hint="write the full URL (https://host/path) or use a {{host}} variable")
    problem = url_problem(url)
    if problem:
        raise InputError(f"request URL is malformed: {problem}", file=file, line=line.number, column=url_col + 1,
                         hint="check the host, brackets and port")
    return method, url


def _body(lines: list[_Line], resolver: _Resolver, file: str, base_dir: Path | None) -> bytes | None:
    kept: list[_Line] = []
    for line in lines:
        stripped = line.text.strip()
        if stripped.startswith(("> {%", ">> ", ">>! ", "<> ")) or stripped == "> {%":
            break  # a response handler / output redirect ends the body
        kept.append(line)
    while kept and not kept[-1].text.strip():
        kept.pop()
    while kept and not kept[0].text.strip():
        kept.pop(0)
    if not kept:
        return None
    if len(kept) == 1 and kept[0].text.startswith("<") and not kept[0].text.startswith("<?"):
        target = kept[0].text[1:].strip().lstrip("@").strip()
        resolved = Path(resolver.resolve(target, kept[0], kept[0].text.find(target)))
        if not resolved.is_absolute() and base_dir is not None:
            resolved = base_dir / resolved
        from mbv_cli.core.input_files import read_file_bytes
        from mbv_cli.core.replay.model import MAX_REQUEST_BODY

        try:
            return read_file_bytes(resolved, what=f"body file {resolved}", limit=MAX_REQUEST_BODY)
        except InputError as exc:
            raise InputError(exc.message, file=file, line=kept[0].number, column=2, hint=exc.hint) from None
    parts = [resolver.resolve(line.text, line) for line in kept]
    return "\n".join(parts).encode("utf-8")
