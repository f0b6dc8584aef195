"""Parse a curl command line into a request, quoting as a POSIX shell would (shlex).

Understood (curl's man page): the URL (or `--url`), `-X/--request`, `-H/--header`, `-d/--data`,
`--data-ascii`, `--data-raw`, `--data-binary`, `--data-urlencode`, `@file` for the data options
that take it, `--json`, `-u/--user`, `-b/--cookie`, `-G/--get`, `-I/--head`, `-A/--user-agent`,
`-e/--referer`, `--compressed`. Options that only change curl's own output or transport
(`-s -S -v -i -k -L -o ...`) are accepted and ignored with a note when they matter. Several `-d`
are joined with `&`; `-d` drops CR/LF from `@file` contents, `--data-binary` keeps the bytes.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from mbv_cli.core.errors import InputError
from mbv_cli.core.httpcheck import header_name_problem, header_value_problem, url_problem
from mbv_cli.core.replay.model import ReplayRequest

# options taking a value that mbv does not use (value skipped)
_IGNORED_WITH_VALUE = {
    "-o", "--output", "--max-time", "-m", "--connect-timeout", "--retry", "--retry-delay", "--retry-max-time",
    "-w", "--write-out", "--resolve", "--connect-to", "--cacert", "--cert", "-E", "--key", "--proxy", "-x",
    "--limit-rate", "--max-redirs", "-D", "--dump-header", "--interface", "--trace", "--trace-ascii",
    "-c", "--cookie-jar", "--user-agent-file", "--capath", "--ciphers",
}
_IGNORED_FLAGS = {
    "-s", "--silent", "-S", "--show-error", "-v", "--verbose", "-i", "--include", "-f", "--fail",
    "--fail-with-body", "-#", "--progress-bar", "--http1.1", "--http1.0", "--http2", "--http2-prior-knowledge",
    "--http3", "-N", "--no-buffer", "--globoff", "-g", "--raw", "--tr-encoding", "-q", "--disable",
    "--no-progress-meter", "--location-trusted", "--path-as-is", "-4", "-6", "--ipv4", "--ipv6",
}
_NOTED_FLAGS = {
    "-k": "curl -k/--insecure is not carried over; pass --insecure to mbv replay if you mean it",
    "--insecure": "curl -k/--insecure is not carried over; pass --insecure to mbv replay if you mean it",
    "-L": "curl -L/--location is not carried over; pass --follow to mbv replay to follow redirects",
    "--location": "curl -L/--location is not carried over; pass --follow to mbv replay to follow redirects",
}
_SHORT_WITH_VALUE = set("XHdubAeoxmwDcFTE")
# options that change where or how curl connects, which mbv replay cannot honour: one note each,
# naming the option, so that a replay that behaves differently says why
_WHERE = "mbv replay connects to the address the URL's host resolves to (use --target to send elsewhere)"
_NOT_HONOURED = {
    "--resolve": _WHERE,
    "--connect-to": _WHERE,
    "--cert": "mbv replay sends no client certificate",
    "-E": "mbv replay sends no client certificate",
    "--key": "mbv replay sends no client certificate or key",
    "--cacert": "mbv replay verifies TLS with the system's certificate authorities (or not at all with --insecure)",
    "--capath": "mbv replay verifies TLS with the system's certificate authorities (or not at all with --insecure)",
    "--proxy": "mbv replay does not send through that proxy",
    "-x": "mbv replay does not send through that proxy",
    "--http2": "mbv replay speaks HTTP/1.1",
    "--http2-prior-knowledge": "mbv replay speaks HTTP/1.1",
    "--http3": "mbv replay speaks HTTP/1.1",
    "--http1.0": "mbv replay speaks HTTP/1.1",
    "--max-time": "use mbv replay --read-timeout",
    "-m": "use mbv replay --read-timeout",
    "--connect-timeout": "use mbv replay --connect-timeout",
    "--retry": "use mbv replay --retries",
    "--interface": "mbv replay uses the system's default route",
    "-4": "mbv replay uses whichever address family the name resolves to",
    "-6": "mbv replay uses whichever address family the name resolves to",
    "--ipv4": "mbv replay uses whichever address family the name resolves to",
    "--ipv6": "mbv replay uses whichever address family the name resolves to",
}


def parse_curl_command(text: str, *, file: str = "<curl>", base_dir: Path | None = None) -> ReplayRequest:
    """Parse one curl command. `file` names where it came from for error locations."""
    joined = _expand_ansi_c_quotes(_join_continuations(text))
    try:
        tokens = split_words(joined)
    except ValueError as exc:
        line, column = _unclosed_quote(joined)
        raise InputError(f"cannot split the curl command: {exc}", file=file, line=line, column=column,
                         hint="close the quote; quote the command as a shell would") from None
    locate = _Locator(joined)
    if not tokens or (tokens[0] not in ("curl", "curl.exe") and not tokens[0].endswith("/curl")):
        line, column = locate.find(tokens[0] if tokens else "")
        raise InputError("a curl command must start with `curl`", file=file, line=line, column=column)
    return _CurlBuilder(tokens[1:], locate, file, base_dir or Path.cwd()).build()


_BARE = re.compile(r"[^ \t\r\n'\"\\]+")
_DOUBLE_QUOTED_STOP = re.compile(r'["\\]')


def split_words(text: str) -> list[str]:
    """`shlex.split(text, comments=False, posix=True)`, in linear time.

    shlex grows each token one character at a time (`self.token = self.token + c`, quadratic in
    the token's length: a 1 MB `-d` took 14 s); this copies runs of characters in one step with
    the same rules: '...' is literal, "..." lets a backslash escape only `"` and `\\`, a bare
    backslash escapes the next character, and space, tab, CR and LF separate words."""
    tokens: list[str] = []
    current: list[str] | None = None
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in " \t\r\n":
            if current is not None:
                tokens.append("".join(current))
                current = None
            i += 1
            continue
        if current is None:
            current = []
        if char == "'":
            end = text.find("'", i + 1)
            if end < 0:
                raise ValueError("No closing quotation")
            current.append(text[i + 1:end])
            i = end + 1
        elif char == '"':
            i += 1
            while True:
                stop = _DOUBLE_QUOTED_STOP.search(text, i)
                if stop is None:
                    raise ValueError("No closing quotation")
                at = stop.start()
                current.append(text[i:at])
                if text[at] == '"':
                    i = at + 1
                    break
                if at + 1 >= n:
                    raise ValueError("No escaped character")
                follower = text[at + 1]
                current.append(follower if follower in '"\\' else "\\" + follower)
                i = at + 2
        elif char == "\\":
            if i + 1 >= n:
                raise ValueError("No escaped character")
            current.append(text[i + 1])
            i += 2
        else:
            bare = _BARE.match(text, i)
            assert bare is not None
            current.append(bare.group())
            i = bare.end()
    if current is not None:
        tokens.append("".join(current))
    return tokens


def _join_continuations(text: str) -> str:
    # a backslash at the end of a line continues the command, as in a shell; keep the line count
    # so columns still point at the right line
    if "\r" in text:
        text = text.replace("\\\r\n", " \n").replace("\r\n", "\n")
    return text.replace("\\\n", " \n") if "\\\n" in text else text


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "e": "\x1b", "E": "\x1b", "f": "\f", "n": "\n", "r": "\r",
                   "t": "\t", "v": "\v", "\\": "\\", "'": "'", '"': '"', "?": "?"}


def _expand_ansi_c_quotes(text: str) -> str:
    r"""bash's `$'...'` (what browsers' "Copy as cURL (bash)" writes) -> an ordinary quoted word.

    shlex knows only POSIX quoting, so each `$'...'` outside other quotes is decoded here (\n, \t,
    \', \\, \xHH, \uHHHH, \UHHHHHHHH, \NNN octal, \cX) and quoted again with shlex.quote.
    An unterminated `$'` is left alone: shlex then reports the open quote.
    """
    import re
    import shlex

    out: list[str] = []
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if char == "\\":
            out.append(text[index:index + 2])
            index += 2
        elif char == "'":
            end = text.find("'", index + 1)
            end = length - 1 if end < 0 else end
            out.append(text[index:end + 1])
            index = end + 1
        elif char == '"':
            end = index + 1
            while end < length and text[end] != '"':
                end += 2 if text[end] == "\\" else 1
            out.append(text[index:end + 1])
            index = end + 1
        elif text.startswith("$'", index):
            decoded: list[str] = []
            cursor = index + 2
            while cursor < length and text[cursor] != "'":
                if text[cursor] == "\\" and cursor + 1 < length:
                    escape = text[cursor + 1]
                    match = (re.match(r"x([0-9a-fA-F]{1,2})|u([0-9a-fA-F]{1,4})|U([0-9a-fA-F]{1,8})|([0-7]{1,3})",
                                      text[cursor + 1:]) if escape in "xuU01234567" else None)
                    if match:
                        code = int(next(g for g in match.groups() if g is not None),
                                   8 if match.group(4) is not None else 16)
                        valid = code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
                        decoded.append(chr(code) if valid else "\ufffd")
                        cursor += 1 + match.end()
                    elif escape == "c" and cursor + 2 < length:
                        decoded.append(chr(ord(text[cursor + 2]) & 0x1F))
                        cursor += 3
                    else:
                        decoded.append(_SIMPLE_ESCAPES.get(escape, "\\" + escape))
                        cursor += 2
                else:
                    decoded.append(text[cursor])
                    cursor += 1
            if cursor >= length:  # unterminated: leave it to shlex's error
                out.append(text[index:])
                break
            out.append(shlex.quote("".join(decoded)))
            index = cursor + 1
        else:
            out.append(char)
            index += 1
    return "".join(out)


def _unclosed_quote(text: str) -> tuple[int, int]:
    quote_char: str | None = None
    start = 0
    index = 0
    while index < len(text):
        char = text[index]
        if quote_char is None:
            if char == "\\":
                index += 2
                continue
            if char in ("'", '"'):
                quote_char, start = char, index
        elif char == quote_char:
            quote_char = None
        elif char == "\\" and quote_char == '"':
            index += 2
            continue
        index += 1
    return _line_col(text, start)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


class _Locator:
    """Finds where a token sits in the original text (for error columns), scanning forward."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def find(self, token: str) -> tuple[int, int]:
        found = self.text.find(token, self.pos) if token else -1
        if found < 0:
            return _line_col(self.text, self.pos)
        self.pos = found + len(token)
        return _line_col(self.text, found)


class _CurlBuilder:
    def __init__(self, args: list[str], locate: _Locator, file: str, base_dir: Path) -> None:
        self.args = args
        self.locate = locate
        self.file = file
        self.base_dir = base_dir
        self.method: str | None = None
        self.url: str | None = None
        self.headers: list[tuple[str, str]] = []
        self.data: list[bytes] = []
        self.json = False
        self.get = False
        self.head = False
        self.user: str | None = None
        self.custom_authorization = False
        self.cookie: str | None = None
        self.notes: list[str] = []
        self.first_line = 1

    def error(self, message: str, token: str, hint: str | None = None) -> InputError:
        line, column = self.locate.find(token)
        return InputError(message, file=self.file, line=line, column=column, hint=hint)

    def build(self) -> ReplayRequest:
        args = self.args
        index = 0
        while index < len(args):
            arg = args[index]
            index += 1
            option, value, consumed = self._split(arg, args, index)
            index += consumed
            if option is None:
                if self.url is not None:
                    raise self.error(f"a second URL {arg!r}: mbv replays one request per curl command", arg)
                self.locate.find(arg)
                self.url = arg
                continue
            self._apply(option, value, arg)
        return self._request()

    def _split(self, arg: str, args: list[str], index: int) -> tuple[str | None, str | None, int]:
        """Return (option, value, extra tokens consumed); option None for a positional argument."""
        if arg == "--" or not arg.startswith("-") or arg == "-":
            return None, None, 0
        if arg.startswith("--"):
            name, eq, inline = arg.partition("=")
            if name in _LONG_WITH_VALUE or name in _IGNORED_WITH_VALUE:
                if eq:
                    return name, inline, 0
                if index >= len(args):
                    raise self.error(f"curl option {name} needs a value", arg)
                return name, args[index], 1
            return arg, None, 0
        # short options, possibly bundled (-sSL) or with an attached value (-XPOST, -H'K: V')
        flags = arg[1:]
        for position, char in enumerate(flags):
            if char in _SHORT_WITH_VALUE:
                for earlier in flags[:position]:
                    self._apply("-" + earlier, None, arg)
                rest = flags[position + 1:]
                if rest:
                    return "-" + char, rest, 0
                if index >= len(args):
                    raise self.error(f"curl option -{char} needs a value", arg)
                return "-" + char, args[index], 1
        for char in flags[:-1]:
            self._apply("-" + char, None, arg)
        return "-" + flags[-1], None, 0

    def _apply(self, option: str, value: str | None, token: str) -> None:
        if option in ("-X", "--request"):
            assert value is not None
            self.method = value.upper()
        elif option in ("-H", "--header"):
            assert value is not None
            self._header(value, token)
        elif option in ("-d", "--data", "--data-ascii"):
            assert value is not None
            self.data.append(self._data_value(value, token, strip_newlines=True))
        elif option == "--data-binary":
            assert value is not None
            self.data.append(self._data_value(value, token, strip_newlines=False))
        elif option == "--data-raw":
            assert value is not None
            self.data.append(value.encode("utf-8"))
        elif option == "--data-urlencode":
            assert value is not None
            self.data.append(self._urlencode(value, token))
        elif option == "--json":
            assert value is not None
            self.data.append(self._data_value(value, token, strip_newlines=False))
            self.json = True
        elif option in ("-u", "--user"):
            self.user = value
        elif option in ("-b", "--cookie"):
            assert value is not None
            if "=" not in value:
                raise self.error(f"-b {value!r} names a cookie file; mbv replay needs `name=value` pairs", token,
                                 hint="pass the cookies inline: -b 'session=...'")
            self.cookie = value if self.cookie is None else f"{self.cookie}; {value}"
        elif option in ("-G", "--get"):
            self.get = True
        elif option in ("-I", "--head"):
            self.head = True
        elif option in ("-A", "--user-agent"):
            assert value is not None
            self.headers.append(("User-Agent", value))
        elif option in ("-e", "--referer"):
            assert value is not None
            self.headers.append(("Referer", value))
        elif option == "--url":
            assert value is not None
            self.url = value
        elif option == "--compressed":
            if not any(k.lower() == "accept-encoding" for k, _ in self.headers):
                self.headers.append(("Accept-Encoding", "gzip, deflate"))
        elif option in ("-F", "--form", "-T", "--upload-file"):
            raise self.error(f"curl {option} (multipart/upload) is not supported by mbv replay", token,
                             hint="use --data-binary @file with a Content-Type header")
        elif option in _NOT_HONOURED:
            note = f"curl {option} is ignored: {_NOT_HONOURED[option]}"
            if note not in self.notes:
                self.notes.append(note)
        elif option in _NOTED_FLAGS:
            if _NOTED_FLAGS[option] not in self.notes:
                self.notes.append(_NOTED_FLAGS[option])
        elif option in _IGNORED_FLAGS or option in _IGNORED_WITH_VALUE:
            pass
        else:
            raise self.error(f"unknown curl option {option}", token,
                             hint="mbv replay understands -X -H -d --data-* --json -u -b -G -I and the URL")

    def _header(self, value: str, token: str) -> None:
        if value.startswith("@"):
            raise self.error("curl -H @file is not supported", token, hint="pass each header with -H 'Name: value'")
        name, colon, rest = value.partition(":")
        if not colon:
            if value.endswith(";"):  # curl: `-H 'X-Empty;'` sends an empty header
                if value[:-1].strip(" \t").lower() == "authorization":
                    self.custom_authorization = True
                self.headers.append((value[:-1].strip(" \t"), ""))
                return
            from mbv_cli.core.httpcheck import colonless_header

            # never echo it: `-H 'Authorization SEKRET'` holds a credential
            raise self.error(f"header {colonless_header(value)} has no colon (value not shown)", token,
                             hint="write -H 'Name: value'")
        # curl trims blanks (space, tab) only; a Unicode space such as NBSP or NEL is part of the value
        name = name.strip(" \t")
        rest = rest.strip(" \t")
        if name.lower() == "authorization":
            self.custom_authorization = True
        if not rest:  # curl: `-H 'Accept:'` removes the header curl would add
            self.headers = [(k, v) for k, v in self.headers if k.lower() != name.lower()]
            return
        problem = header_name_problem(name)
        value_problem = header_value_problem(name, rest)
        if problem or value_problem:
            raise self.error(problem or (value_problem[0] if value_problem else ""), token,
                             hint="header names are tokens and values Latin-1 text (percent-encode other characters)")
        self.headers.append((name, rest))

    def _read(self, name: str, token: str) -> bytes:
        from mbv_cli.core.errors import InputError
        from mbv_cli.core.input_files import read_file_bytes, read_stdin_bytes
        from mbv_cli.core.replay.model import MAX_REQUEST_BODY

        if name == "-":
            return read_stdin_bytes(what="the data", limit=MAX_REQUEST_BODY)
        path = Path(name)
        if not path.is_absolute():
            path = self.base_dir / path
        try:
            return read_file_bytes(path, what=f"data file {name}", limit=MAX_REQUEST_BODY)
        except InputError as exc:
            raise self.error(exc.message, token, hint=exc.hint) from None

    def _data_value(self, value: str, token: str, *, strip_newlines: bool) -> bytes:
        if value.startswith("@"):
            content = self._read(value[1:], token)
            return content.replace(b"\r", b"").replace(b"\n", b"") if strip_newlines else content
        return value.encode("utf-8")

    def _urlencode(self, value: str, token: str) -> bytes:
        # curl: "content", "=content", "name=content", "@file", "name@file"
        eq = value.find("=")
        at = value.find("@")
        if at >= 0 and (eq < 0 or at < eq):
            name, content = value[:at], self._read(value[at + 1:], token).decode("utf-8", "replace")
        elif eq >= 0:
            name, content = value[:eq], value[eq + 1:]
        else:
            name, content = "", value
        encoded = quote(content, safe="")
        return (f"{name}={encoded}" if name else encoded).encode("ascii")

    def _request(self) -> ReplayRequest:
        if self.url is None:
            raise self.error("the curl command has no URL", "", hint="add the URL, e.g. curl https://host/path")
        url = self.url if "://" in self.url else f"http://{self.url}"
        problem = url_problem(url) if url.lower().startswith(("http://", "https://")) else None
        if problem:
            raise self.error(f"the URL is malformed: {problem}", self.url, hint="check the host, brackets and port")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise self.error(f"URL {self.url!r} is not an http(s) URL", self.url)
        body: bytes | None = None
        if self.data:
            joined = b"&".join(self.data)
            if self.get:
                query = f"{parts.query}&{joined.decode('utf-8', 'replace')}" if parts.query else joined.decode(
                    "utf-8", "replace")
                url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))
            else:
                body = joined
        headers = list(self.headers)
        lowered = {k.lower() for k, _ in headers}
        if self.json:
            if "content-type" not in lowered:
                headers.append(("Content-Type", "application/json"))
            if "accept" not in lowered:
                headers.append(("Accept", "application/json"))
        elif body is not None and "content-type" not in lowered:
            headers.append(("Content-Type", "application/x-www-form-urlencoded"))
        # curl (lib/http.c output_auth_headers) sends -u's Basic only when no custom Authorization
        # header was given (`-H 'Authorization:'` counts too): one Authorization header, the -H one
        if self.user is not None and not self.custom_authorization:
            user = self.user if ":" in self.user else f"{self.user}:"
            token = base64.b64encode(user.encode("utf-8")).decode("ascii")
            headers.append(("Authorization", f"Basic {token}"))
        if self.cookie is not None:
            headers.append(("Cookie", self.cookie))
        if self.method:
            method = self.method
        elif self.head:
            method = "HEAD"
        elif body is not None:
            method = "POST"
        else:
            method = "GET"
        return ReplayRequest(method=method, url=url, headers=headers, body=body,
                             source=f"{self.file}:{self.first_line}", notes=list(self.notes))


_LONG_WITH_VALUE = {
    "--request", "--header", "--data", "--data-ascii", "--data-raw", "--data-binary", "--data-urlencode",
    "--json", "--user", "--cookie", "--user-agent", "--referer", "--url", "--form", "--upload-file",
}
