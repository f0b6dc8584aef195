"""`core.cloudflare`: Retry-After in both of its forms (RFC 9110 10.2.3) and MBV_API_TIMEOUT."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime

import pytest

from mbv_cli.core.cloudflare import DEFAULT_TIMEOUT, retry_after_seconds, timeout_from_env
from mbv_cli.core.errors import UsageError


def test_retry_after_delta_seconds_and_http_date() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds(None) == 1.0 and retry_after_seconds("soon") == 1.0
    later = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=30)
    assert 25 <= retry_after_seconds(format_datetime(later, usegmt=True)) <= 30
    earlier = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=30)
    assert retry_after_seconds(format_datetime(earlier, usegmt=True)) == 0.0


def test_api_timeout_from_the_environment() -> None:
    assert timeout_from_env({}) == DEFAULT_TIMEOUT
    assert timeout_from_env({"MBV_API_TIMEOUT": "2.5"}) == 2.5
    for bad in ("0", "-1", "abc", "1e9"):
        with pytest.raises(UsageError):
            timeout_from_env({"MBV_API_TIMEOUT": bad})
