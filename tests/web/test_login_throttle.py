"""The sign-in limit: guessing is slowed, the account's owner is never locked out (issue 18)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from peacetalks.web.errors import TooManyAttemptsError
from peacetalks.web.security import LoginThrottle
from tests.web._server import serving_process


class Clock:
    """Seconds that the test moves by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        """Return the current time."""
        return self.now


def _fail(throttle: LoginThrottle, username: str, address: str, times: int = 1) -> None:
    for _ in range(times):
        keys = throttle.keys(username, address)
        throttle.check(keys)
        throttle.failed(keys)


def _refusal(throttle: LoginThrottle, username: str, address: str) -> str | None:
    try:
        throttle.check(throttle.keys(username, address))
    except TooManyAttemptsError as e:
        return str(e)
    return None


def test_a_guesser_locks_only_their_own_address() -> None:
    """Check failures from one address lock that address, not the owner elsewhere."""
    clock = Clock()
    throttle = LoginThrottle(3, 900, clock=clock)
    _fail(throttle, "admin", "10.0.0.66", 3)
    here = _refusal(throttle, "admin", "10.0.0.66")
    assert here is not None
    assert here.startswith("Too many failed sign-ins for this username from this address.")
    assert _refusal(throttle, "someone-else", "10.0.0.66") == (
        "Too many failed sign-ins for this address. Try again in 900 seconds."
    )
    # The owner at another address waits out the username's backoff (1 s), no more.
    assert _refusal(throttle, "admin", "192.0.2.1") == (
        "Too many failed sign-ins for this username. Try again in 1 seconds."
    )
    clock.now += 1.0
    assert _refusal(throttle, "admin", "192.0.2.1") is None
    # Still refused where the guessing came from, until the window passes.
    assert _refusal(throttle, "admin", "10.0.0.66") is not None
    clock.now += 900.0
    assert _refusal(throttle, "admin", "10.0.0.66") is None


def test_guessing_from_many_addresses_backs_off_but_never_locks() -> None:
    """Check the username's delay doubles per failure up to max_delay, then stays there."""
    clock = Clock()
    throttle = LoginThrottle(3, 900, max_delay=30, clock=clock)
    waits: list[float] = []
    for k in range(12):
        # One failure from a fresh address each time (after any wait it asks for)...
        while _refusal(throttle, "admin", f"198.51.100.{k}") is not None:
            clock.now += 0.5
        _fail(throttle, "admin", f"198.51.100.{k}")
        # ...then how long the owner, at another address, waits before trying.
        waited = 0.0
        while _refusal(throttle, "admin", f"203.0.113.{k}") is not None:
            clock.now += 0.5
            waited += 0.5
        waits.append(waited)
    assert waits == [0.0, 0.0, 1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0, 30.0, 30.0, 30.0]
    # A success clears the username's count: the owner is let in at once next time.
    throttle.succeeded("admin", "203.0.113.11")
    _fail(throttle, "admin", "203.0.113.11")
    assert _refusal(throttle, "admin", "203.0.113.11") is None


def test_memory_stays_bounded() -> None:
    """Check the keys remembered never exceed max_keys."""
    throttle = LoginThrottle(3, 900, max_keys=50)
    for k in range(400):
        throttle.failed(throttle.keys(f"user{k}", f"10.1.{k // 250}.{k % 250}"))
    assert len(throttle._failures) <= 50


@pytest.mark.parametrize(("trusted", "last"), [(False, 429), (True, 401)])
def test_forwarded_addresses_count_only_from_a_trusted_proxy(
    tmp_path: Path, trusted: bool, last: int
) -> None:
    """Check X-Forwarded-For is ignored unless serve was told to trust the proxy."""
    extra = ["--trust-proxy", "127.0.0.1"] if trusted else []
    log = tmp_path / "serve.log"
    codes = []
    with (
        serving_process(tmp_path / "data", log, extra=extra) as server,
        httpx.Client(base_url=server.url, timeout=60) as client,
    ):
        # The default limit is 10 failures per address; each try spoofs a new address
        # and a new username, so only the address count can refuse the eleventh.
        for k in range(11):
            response = client.post(
                "/api/auth/login",
                json={"username": f"nobody{k}", "password": "wrong password"},
                headers={"X-Forwarded-For": f"198.51.100.{k}"},
            )
            codes.append(response.status_code)
    assert codes[:10] == [401] * 10
    assert codes[10] == last
    if last == 429:
        assert response.json()["error"]["message"].startswith(
            "Too many failed sign-ins for this address."
        )
