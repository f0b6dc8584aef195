"""Reading an HTTP response body with a cap on its decoded size (JWKS URLs, Cloudflare's API).

httpx's `response.read()` keeps everything a server sends, and a gzip body inflates on the way in:
an endless body or a small gzip bomb would fill memory. `read_capped` streams the decoded bytes
(after Content-Encoding) and stops one chunk past the cap; one decoded chunk is at most what zlib
makes of one network read, so the overshoot is bounded too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mbv_cli.core.errors import RemoteError

if TYPE_CHECKING:
    import httpx


def read_capped(response: httpx.Response, limit: int, *, what: str) -> bytes:
    """The decoded body of a streamed `response`, or a RemoteError when it passes `limit` bytes.

    The body is also stored on the response, so `response.content` and `response.json()` work after.
    """
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            encoding = response.headers.get("content-encoding")
            packed = f" (after {encoding} decoding)" if encoding and encoding != "identity" else ""
            raise RemoteError(f"{what}: the response body passed {_size(limit)}{packed}; mbv stopped reading",
                              hint="is this the right URL?")
        chunks.append(chunk)
    body = b"".join(chunks)
    response._content = body  # what Response.read() sets; later .content/.json() use it
    return body


def _size(limit: int) -> str:
    mb = 1024 * 1024
    return f"{limit // mb} MB" if limit % mb == 0 else f"{limit} bytes"
