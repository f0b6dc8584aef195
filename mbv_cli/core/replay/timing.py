"""Per-phase timings of one HTTP attempt, from httpx's `trace` request extension.

httpcore reports `connection.connect_tcp`, `connection.start_tls`, `http11.send_request_headers`,
`http11.send_request_body`, `http11.receive_response_headers` (and `http2.*`) as `.started` /
`.complete` events. It resolves names inside connect_tcp, so `ResolvingBackend` does the
getaddrinfo itself (timed, and with a clear message when the name does not resolve) and hands
httpcore's own backend an address; connect is then connect_tcp minus the lookup.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterable
from typing import Any

import httpcore

from mbv_cli.core.replay.model import Timings


class DNSError(httpcore.ConnectError):
    """The host name did not resolve (raised inside httpcore, so httpx maps it to ConnectError)."""


class DeadlineExceeded(httpcore.ReadTimeout):
    """The whole attempt ran past --max-time (a server trickling bytes never trips the read timeout)."""


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every read and write waits at most until the backend's deadline."""

    def __init__(self, inner: httpcore.NetworkStream, backend: ResolvingBackend) -> None:
        self._inner = inner
        self._backend = backend

    def _timeout(self, timeout: float | None) -> float | None:
        deadline = self._backend.deadline
        if deadline is None:
            return timeout
        left = deadline - time.monotonic()
        if left <= 0:
            raise DeadlineExceeded(f"the exchange took longer than --max-time {self._backend.max_time:g} s")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        limit = self._timeout(timeout)
        try:
            return self._inner.read(max_bytes, limit)
        except httpcore.ReadTimeout:
            self._timeout(None)  # raises DeadlineExceeded when the deadline, not the read timeout, ran out
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._timeout(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._timeout(timeout)),
                              self._backend)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class ResolvingBackend(httpcore.NetworkBackend):
    def __init__(self) -> None:
        self._base = httpcore.SyncBackend()
        self.last_dns_ms: float | None = None
        self.deadline: float | None = None  # time.monotonic() at which the current attempt must end
        self.max_time = 0.0

    def start_attempt(self, max_time: float | None) -> None:
        self.max_time = max_time or 0.0
        self.deadline = time.monotonic() + max_time if max_time else None

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        started = time.perf_counter()
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            self.last_dns_ms = (time.perf_counter() - started) * 1000
            raise DNSError(f"DNS lookup for {host} failed: {exc.strerror}") from exc
        self.last_dns_ms = (time.perf_counter() - started) * 1000
        error: Exception | None = None
        for info in infos:
            address = str(info[4][0])
            try:
                return DeadlineStream(self._base.connect_tcp(address, port, timeout, local_address, socket_options),
                                      self)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        return self._base.connect_unix_socket(path, timeout, socket_options)

    def sleep(self, seconds: float) -> None:
        self._base.sleep(seconds)


class PhaseClock:
    """Collects trace marks for one attempt; `timings()` turns them into phase durations."""

    def __init__(self, backend: ResolvingBackend | None) -> None:
        self.backend = backend
        self.marks: dict[str, float] = {}
        self.started = time.perf_counter()
        self.finished: float | None = None
        if backend is not None:
            backend.last_dns_ms = None

    def trace(self, event: str, info: dict[str, Any]) -> None:
        # "http11.send_request_headers.started" -> "send_request_headers.started"
        _, _, key = event.partition(".")
        self.marks.setdefault(key, time.perf_counter())

    def finish(self) -> None:
        self.finished = time.perf_counter()

    def _span(self, start: str, end: str) -> float | None:
        if start in self.marks and end in self.marks:
            return (self.marks[end] - self.marks[start]) * 1000
        return None

    def timings(self) -> Timings:
        dns = self.backend.last_dns_ms if self.backend is not None and "connect_tcp.started" in self.marks else None
        connect = self._span("connect_tcp.started", "connect_tcp.complete")
        if connect is not None and dns is not None:
            connect = max(0.0, connect - dns)
        body_done = "send_request_body.complete" if "send_request_body.complete" in self.marks \
            else "send_request_headers.complete"
        download = None
        if self.finished is not None and "receive_response_headers.complete" in self.marks:
            download = (self.finished - self.marks["receive_response_headers.complete"]) * 1000
        end = self.finished if self.finished is not None else time.perf_counter()
        return Timings(dns=dns, connect=connect, tls=self._span("start_tls.started", "start_tls.complete"),
                       send=self._span("send_request_headers.started", body_done),
                       ttfb=self._span(body_done, "receive_response_headers.complete"),
                       download=download, total=(end - self.started) * 1000)
