"""Ctrl-C during `replay --repeat`: a worker cancelled mid-request may end with its connection's error; asyncio must
not print that traceback at shutdown (seen once in a loaded full run of test_interrupt)."""

from __future__ import annotations

import asyncio
import logging

import pytest

from mbv_cli.core.replay.repeat import quiet_shutdown


async def _leaves_a_failing_task() -> None:
    async def worker() -> None:
        try:
            await asyncio.sleep(10)
        except asyncio.CancelledError:
            raise ConnectionError("Connection closed.") from None

    asyncio.get_running_loop().create_task(worker())
    await asyncio.sleep(0)


@pytest.mark.parametrize("quiet", [True, False])
def test_a_worker_ending_with_its_error_at_shutdown_is_not_logged(caplog: pytest.LogCaptureFixture,
                                                                  quiet: bool) -> None:
    with caplog.at_level(logging.ERROR, logger="asyncio"), asyncio.Runner() as runner:
        if quiet:
            runner.get_loop().set_exception_handler(quiet_shutdown)
        runner.run(_leaves_a_failing_task())
    logged = [r for r in caplog.records if "shutdown" in r.getMessage()]
    assert (logged == []) is quiet  # asyncio's own handler logs it (with the traceback): the test can fail


def test_other_loop_errors_still_reach_the_default_handler(caplog: pytest.LogCaptureFixture) -> None:
    loop = asyncio.new_event_loop()
    try:
        with caplog.at_level(logging.ERROR, logger="asyncio"):
            quiet_shutdown(loop, {"message": "Task exception was never retrieved"})
    finally:
        loop.close()
    assert any("never retrieved" in r.getMessage() for r in caplog.records)
