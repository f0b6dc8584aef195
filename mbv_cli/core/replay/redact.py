"""Redaction of everything replay prints or saves: on by default, off only with --show-secrets.

What is hidden (issue #7; names as the workerd Tail API redacts them, wrangler.md §6):
- header values of Authorization, Proxy-Authorization, Cookie, Set-Cookie and any header whose
  name contains auth, token, secret, key or session (a scheme such as `Bearer` and cookie names
  stay readable);
- query parameters and form fields (urlencoded or multipart) whose name matches the same words or
  password, and the names signing and login links use for their secret part (`sig`, `signature`,
  `X-Amz-Signature`, `X-Amz-Credential`, `X-Goog-Signature`, `code`, `pwd`, `hmac`, `otp`);
- JWTs anywhere (headers, URL, bodies): header and payload stay readable, the signature becomes
  `REDACTED` (pivnet-cli#49);
- JSON body fields named by --redact-field (dotted path, `*` for any key or index) and fields whose
  name says password/secret/token/api key, also when the JSON went out under another Content-Type
  (curl `--data-raw '{...}'` labels it form-urlencoded);
- and, wherever they appear again (an echoed body, an error message), the literal values that
  any of the rules above removed and the values of --bearer-env/--secret-env (hurl#3543: dynamic
  secrets must go too).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

MASK = "REDACTED"
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
_SENSITIVE_WORDS = re.compile(r"auth|token|secret|key|session|passw|jwt", re.IGNORECASE)
_SENSITIVE_FIELD = re.compile(
    r"^(?:pass(?:word|wd)?|.*secret.*|.*token.*|api[-_]?key|apikey|private[-_]?key|access[-_]?key|credentials?"
    r"|authorization|cookie|session[-_]?id)$", re.IGNORECASE)
JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.([A-Za-z0-9_-]{8,})")
# query/form parameter names: the words above, plus what signed URLs and login links call their secret
_SENSITIVE_PARAM = re.compile(
    r"auth|token|secret|key|session|passw|jwt|signature|credential|hmac|^(?:sig|code|pwd|otp)$", re.IGNORECASE)
_MULTIPART_NAME = re.compile(rb'(?im)^content-disposition:[^\r\n]*?;\s*name="([^"]*)"')
_JWT_BYTES = re.compile(rb"\beyJ[A-Za-z0-9_-]{2,}\.eyJ[A-Za-z0-9_-]{2,}\.([A-Za-z0-9_-]{8,})")
_URL_HEADERS = frozenset({"location", "content-location", "referer"})
_MIN_SECRET = 6  # shorter literals would blot out ordinary text


def is_sensitive_param(name: str) -> bool:
    """A query parameter or form field whose value is a credential."""
    return bool(_SENSITIVE_PARAM.search(name))


def is_sensitive_header(name: str) -> bool:
    lower = name.lower()
    return lower in SENSITIVE_HEADERS or bool(_SENSITIVE_WORDS.search(lower))


class Redactor:
    """Collects secret literals as it goes and scrubs every string handed to it."""

    def __init__(self, *, enabled: bool = True, fields: Iterable[str] = (), secrets: Iterable[str] = ()) -> None:
        self.enabled = enabled
        self.fields = [tuple(path.split(".")) for path in fields if path]
        self._secrets: set[str] = set()
        for value in secrets:
            self.add_secret(value)

    # -- collecting -----------------------------------------------------------------------------
    def add_secret(self, value: str | None) -> None:
        if value and len(value) >= _MIN_SECRET and value != MASK:
            self._secrets.add(value)
            # JWT signatures are the secret part; header.payload may stay readable
            match = JWT.search(value)
            if match:
                self._secrets.add(match.group(1))
                self._secrets.discard(value)

    def learn_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        for name, value in headers:
            if name.lower() in _URL_HEADERS:
                self.learn_url(value)
            if not is_sensitive_header(name):
                continue
            lower = name.lower()
            if lower in ("cookie", "set-cookie"):
                for _, cookie_value in _cookie_pairs(value, lower == "set-cookie"):
                    self.add_secret(cookie_value)
            else:
                scheme, _, credentials = value.partition(" ")
                self.add_secret(credentials if credentials and scheme.isalpha() else value)

    def learn_url(self, url: str) -> None:
        for name, value in parse_qsl(urlsplit(url).query, keep_blank_values=True):
            if is_sensitive_param(name):
                self.add_secret(value)

    def learn_body(self, body: bytes | None, content_type: str | None) -> None:
        """Remember the values of redacted JSON/form fields so an echo of them elsewhere is hidden too."""
        if body and _is_multipart_type(content_type):
            for field_name, field_value in _multipart_fields(body, content_type or ""):
                if self._form_field_secret(field_name):
                    self.add_secret(field_value.decode("utf-8", "replace"))
            return
        if body and _is_form_type(content_type) and not _looks_json(body):
            for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
                if self._form_field_secret(name):
                    self.add_secret(value)
            return
        if not body or not (_is_json_type(content_type) or _looks_json(body)):
            return
        try:
            parsed = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return
        self._learn_walk(parsed, ())

    def _learn_walk(self, value: Any, path: tuple[str, ...]) -> None:
        items: Iterable[tuple[str, Any]]
        if isinstance(value, dict):
            items = ((str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            items = ((str(i), v) for i, v in enumerate(value))
        else:
            return
        for key, item in items:
            child = (*path, key)
            if self._field_selected(child) or (isinstance(value, dict) and _SENSITIVE_FIELD.match(key)):
                if isinstance(item, (str, int, float)) and not isinstance(item, bool):
                    self.add_secret(str(item))
                elif isinstance(item, (dict, list)):
                    self.add_secret(json.dumps(item))
            else:
                self._learn_walk(item, child)

    # -- scrubbing ------------------------------------------------------------------------------
    def text(self, value: str) -> str:
        if not self.enabled or not value:
            return value
        value = JWT.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + MASK, value)
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in value:
                value = value.replace(secret, MASK)
            encoded = quote(secret, safe="")
            if encoded != secret and encoded in value:
                value = value.replace(encoded, MASK)
        return value

    def raw(self, value: bytes) -> bytes:
        if not self.enabled or not value:
            return value
        value = _JWT_BYTES.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + MASK.encode(), value)
        for secret in sorted(self._secrets, key=len, reverse=True):
            value = value.replace(secret.encode("utf-8"), MASK.encode())
        return value

    def header(self, name: str, value: str) -> str:
        if not self.enabled:
            return value
        lower = name.lower()
        if lower in ("cookie", "set-cookie"):
            return _mask_cookies(value, lower == "set-cookie")
        if is_sensitive_header(name):
            scheme, space, credentials = value.partition(" ")
            if space and scheme.isalpha() and credentials:
                return f"{scheme} {self._mask_credential(credentials)}"
            return self._mask_credential(value)
        if lower in _URL_HEADERS:  # a presigned redirect carries X-Amz-Signature in its Location
            return self.url(value)
        return self.text(value)

    def _mask_credential(self, value: str) -> str:
        match = JWT.fullmatch(value.strip())
        if match:
            return value.strip()[: match.start(1)] + MASK
        return MASK

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self.header(name, value)) for name, value in headers]

    def url(self, url: str) -> str:
        if not self.enabled:
            return url
        parts = urlsplit(url)
        if parts.query:
            pieces = []
            for piece in parts.query.split("&"):
                name, eq, value = piece.partition("=")
                if eq and is_sensitive_param(name) and value:
                    masked = JWT.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + MASK, value)
                    pieces.append(f"{name}={masked if masked != value else MASK}")
                else:
                    pieces.append(piece)
            url = urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(pieces), parts.fragment))
        if parts.password:
            url = url.replace(f":{parts.password}@", f":{MASK}@", 1)
        return self.text(url)

    def json_value(self, value: Any) -> Any:
        """A parsed JSON body with --redact-field paths and secret-named fields masked."""
        if not self.enabled:
            return value
        return self._walk(value, ())

    def _walk(self, value: Any, path: tuple[str, ...]) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                child = (*path, str(key))
                if self._field_selected(child) or (_SENSITIVE_FIELD.match(str(key)) and isinstance(item, str)
                                                    and bool(item)):
                    out[key] = MASK
                else:
                    out[key] = self._walk(item, child)
            return out
        if isinstance(value, list):
            return [MASK if self._field_selected((*path, str(i))) else self._walk(item, (*path, str(i)))
                    for i, item in enumerate(value)]
        if isinstance(value, str):
            return self.text(value)
        return value

    def _field_selected(self, path: tuple[str, ...]) -> bool:
        for wanted in self.fields:
            if len(wanted) == len(path) and all(w in ("*", p) for w, p in zip(wanted, path, strict=False)):
                return True
        return False

    def body(self, body: bytes, content_type: str | None) -> bytes:
        """Body bytes with the rules applied; JSON bodies are re-serialised only if a field changed."""
        if not self.enabled or not body:
            return body
        if _is_multipart_type(content_type):
            return self._multipart(body, content_type or "")
        parsed = _json_of(body) if _is_json_type(content_type) or body.lstrip()[:1] in (b"{", b"[") else _NOT_JSON
        if parsed is not _NOT_JSON:  # JSON whatever the label: curl --data-raw '{..}' says form-urlencoded
            masked = self.json_value(parsed)
            if masked != parsed:
                return json.dumps(masked, ensure_ascii=False).encode("utf-8")
        if _is_form_type(content_type) and parsed is _NOT_JSON:
            return self._form(body)
        return self.raw(body)

    def _form_field_secret(self, name: str) -> bool:
        return self._field_selected((name,)) or bool(_SENSITIVE_FIELD.match(name)) or is_sensitive_param(name)

    def _multipart(self, body: bytes, content_type: str) -> bytes:
        """Each part named like a secret gets its value replaced; files and other parts are kept."""
        boundary = _boundary(content_type)
        if boundary is None:
            return self.raw(body)
        delimiter = b"--" + boundary
        pieces = body.split(delimiter)
        for index, piece in enumerate(pieces[1:], start=1):
            head, sep, value = _split_part(piece)
            match = _MULTIPART_NAME.search(head)
            if not sep or match is None or not self._form_field_secret(match.group(1).decode("utf-8", "replace")):
                continue
            ending = b"\r\n" if value.endswith(b"\r\n") else b"\n" if value.endswith(b"\n") else b""
            pieces[index] = head + sep + MASK.encode() + ending
        return self.raw(delimiter.join(pieces))

    def _form(self, body: bytes) -> bytes:
        pieces = []
        for piece in body.split(b"&"):
            name, eq, value = piece.partition(b"=")
            key = name.decode("latin-1")
            if eq and value and self._form_field_secret(key):
                pieces.append(name + b"=" + MASK.encode())
            else:
                pieces.append(piece)
        return self.raw(b"&".join(pieces))


def _is_form_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"


def _is_multipart_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    return content_type.split(";")[0].strip().lower() == "multipart/form-data"


def _boundary(content_type: str) -> bytes | None:
    match = re.search(r'boundary=(?:"([^"]+)"|([^;\s]+))', content_type, re.IGNORECASE)
    if match is None:
        return None
    return (match.group(1) or match.group(2)).encode("latin-1", "replace")


def _split_part(piece: bytes) -> tuple[bytes, bytes, bytes]:
    """A multipart part as (headers, blank line, value)."""
    crlf = piece.find(b"\r\n\r\n")
    lf = piece.find(b"\n\n")
    if crlf >= 0 and (lf < 0 or crlf <= lf):
        return piece[:crlf], b"\r\n\r\n", piece[crlf + 4:]
    if lf >= 0:
        return piece[:lf], b"\n\n", piece[lf + 2:]
    return piece, b"", b""


def _multipart_fields(body: bytes, content_type: str) -> list[tuple[str, bytes]]:
    boundary = _boundary(content_type)
    if boundary is None:
        return []
    fields = []
    for piece in body.split(b"--" + boundary)[1:]:
        head, sep, value = _split_part(piece)
        match = _MULTIPART_NAME.search(head)
        if sep and match is not None:
            fields.append((match.group(1).decode("utf-8", "replace"), value.rstrip(b"\r\n")))
    return fields


_NOT_JSON = object()


def _json_of(body: bytes) -> Any:
    """The parsed body, or _NOT_JSON when it does not parse. JSON nested too deeply to parse raises
    RecursionError: it cannot be checked for secrets, so the caller shows a note instead of the body."""
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return _NOT_JSON


def _looks_json(body: bytes) -> bool:
    """A body that is JSON whatever its Content-Type says (an object or array that parses)."""
    return body.lstrip()[:1] in (b"{", b"[") and _json_of(body) is not _NOT_JSON


def _is_json_type(content_type: str | None) -> bool:
    if not content_type:
        return False
    media = content_type.split(";")[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def _cookie_pairs(value: str, set_cookie: bool) -> list[tuple[str, str]]:
    pieces = value.split(";")
    if set_cookie:
        pieces = pieces[:1]
    pairs = []
    for piece in pieces:
        name, eq, cookie_value = piece.strip().partition("=")
        if eq:
            pairs.append((name, cookie_value))
    return pairs


def _mask_cookies(value: str, set_cookie: bool) -> str:
    if set_cookie:
        first, sep, attributes = value.partition(";")
        name, eq, _ = first.strip().partition("=")
        return f"{name}={MASK}{sep}{attributes}" if eq else MASK
    masked = []
    for piece in value.split(";"):
        name, eq, _ = piece.strip().partition("=")
        masked.append(f"{name}={MASK}" if eq else MASK)
    return "; ".join(masked)
