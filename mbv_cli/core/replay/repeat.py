"""`--repeat N --concurrency C`: send one request N times from C concurrent workers (httpx.AsyncClient)
and summarise latency (min/p50/p90/p99/max, nearest rank) and the status histogram.

The loop does what a bare AsyncClient loop does plus one clock read and a counter per request,
so its throughput stays within a few percent of httpx's own (benchmarks/bench_replay.py).
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from mbv_cli.core.replay.model import Attempt, Exchange, ReceivedResponse, ReplayRequest, Timings
from mbv_cli.core.replay.send import SendOptions, bare_headers, sent_of, wire_headers


@dataclass(slots=True)
class RepeatSummary:
    source: str
    url: str
    count: int
    concurrency: int
    duration_s: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def requests_per_s(self) -> float:
        return self.count / self.duration_s if self.duration_s > 0 else 0.0

    def percentile(self, p: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        rank = max(1, math.ceil(p / 100 * len(ordered)))
        return ordered[rank - 1]

    def latency(self) -> dict[str, float | None]:
        values = {"min": min(self.latencies_ms, default=None), "p50": self.percentile(50),
                  "p90": self.percentile(90), "p99": self.percentile(99), "max": max(self.latencies_ms, default=None)}
        return {k: None if v is None else round(v, 3) for k, v in values.items()}

    def failed(self, expect: set[int] | None) -> int:
        bad = sum(n for status, n in self.statuses.items() if (status not in expect if expect else status >= 400))
        return bad + sum(self.errors.values())

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "url": self.url, "count": self.count, "concurrency": self.concurrency,
                "duration_s": round(self.duration_s, 4), "requests_per_s": round(self.requests_per_s, 1),
                "latency_ms": self.latency(),
                "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
                "errors": dict(sorted(self.errors.items()))}


class RepeatInterrupted(KeyboardInterrupt):
    """Ctrl-C during --repeat: carries the statistics of the requests that completed."""

    def __init__(self, summary: RepeatSummary, planned: int) -> None:
        super().__init__(f"interrupted after {summary.count} of {planned} requests "
                         "(the statistics shown are for those)")
        self.summary = summary


def quiet_shutdown(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """The loop's exception handler: after Ctrl-C, a worker cancelled mid-request may end with the connection's
    error (`RemoteProtocolError`) rather than CancelledError; asyncio would print its traceback at shutdown."""
    if "shutdown" in str(context.get("message", "")):
        return
    loop.default_exception_handler(context)


def run_repeat(request: ReplayRequest, *, count: int, concurrency: int, options: SendOptions,
               progress: Callable[[int], None] | None = None) -> tuple[RepeatSummary, Exchange]:
    summary = RepeatSummary(source=request.source, url=request.url, count=count, concurrency=concurrency)
    try:
        with asyncio.Runner() as runner:
            runner.get_loop().set_exception_handler(quiet_shutdown)
            return runner.run(_repeat(summary, request, count, concurrency, options, progress))
    except KeyboardInterrupt:  # asyncio.run cancelled the workers; what completed is in `summary`
        summary.count = len(summary.latencies_ms)
        raise RepeatInterrupted(summary, count) from None


async def _repeat(summary: RepeatSummary, request: ReplayRequest, count: int, concurrency: int,
                  options: SendOptions, progress: Callable[[int], None] | None) -> tuple[RepeatSummary, Exchange]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    timeout = httpx.Timeout(options.read_timeout, connect=options.connect_timeout)
    first: list[Exchange] = []
    remaining = count
    done = 0
    async with httpx.AsyncClient(limits=limits, timeout=timeout, verify=not options.insecure,
                                 follow_redirects=False) as client:
        bare_headers(client.headers)
        template = client.build_request(request.method, request.url, headers=wire_headers(request), content=request.body)
        sent = sent_of(template, request.body)
        max_body = options.max_body
        latencies = summary.latencies_ms
        statuses = summary.statuses

        async def _exchange(built: httpx.Request, *, keep: bool) -> tuple[httpx.Response, list[bytes]]:
            """Send and read the body up to --max-body (an endless body stops there, kept or not)."""
            response = await client.send(built, stream=True)
            chunks: list[bytes] = []
            size = 0
            try:
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if keep:
                        chunks.append(chunk)
                    if size > max_body:
                        break
            finally:
                await response.aclose()
            return response, chunks

        async def worker() -> None:
            nonlocal remaining, done
            while remaining > 0:
                remaining -= 1
                built = client.build_request(request.method, request.url, headers=wire_headers(request),
                                             content=request.body)
                started = time.perf_counter()
                try:
                    exchange = _exchange(built, keep=not first)
                    response, chunks = await (asyncio.wait_for(exchange, options.max_time) if options.max_time
                                              else exchange)
                    elapsed = (time.perf_counter() - started) * 1000
                    statuses[response.status_code] += 1
                    if not first:
                        body = b"".join(chunks)
                        first.append(Exchange(
                            request=sent, source=request.source, name=request.name,
                            response=ReceivedResponse(
                                status=response.status_code, reason=response.reason_phrase,
                                http_version=response.http_version,
                                headers=[(k.decode("latin-1"), v.decode("latin-1")) for k, v in response.headers.raw],
                                body=body[:max_body], truncated=len(body) > max_body),
                            timings=Timings(total=elapsed),
                            attempts=[Attempt(number=1, status=response.status_code, error=None, elapsed_ms=elapsed)]))
                except httpx.HTTPError as exc:
                    elapsed = (time.perf_counter() - started) * 1000
                    summary.errors[type(exc).__name__] += 1
                except TimeoutError:
                    elapsed = (time.perf_counter() - started) * 1000
                    summary.errors[f"over --max-time {options.max_time:g} s"] += 1
                latencies.append(elapsed)
                done += 1
                if progress is not None:
                    progress(done)

        started_all = time.perf_counter()
        try:
            await asyncio.gather(*(worker() for _ in range(min(concurrency, count))))
        finally:  # also when Ctrl-C cancels the workers: the statistics so far are shown
            summary.duration_s = time.perf_counter() - started_all
    exchange = first[0] if first else Exchange(request=sent, source=request.source, name=request.name,
                                                error="every repeated request failed: "
                                                + ", ".join(f"{n}× {e}" for e, n in summary.errors.items()))
    exchange.notes = [*request.notes, f"first of {count} repeated requests"]
    return summary, exchange
