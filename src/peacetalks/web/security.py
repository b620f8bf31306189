"""Who is asking, and may they: sessions, API tokens, roles, CSRF, headers, sign-in limits.

A request is signed in by a session cookie (pages, set by signing in) or by an API token
(``Authorization: Bearer pt_...``, for scripts). Unsafe methods (POST, PUT, PATCH,
DELETE) with a session cookie need the session's CSRF token, as the form field
``csrf_token`` or the header ``X-CSRF-Token``; requests with a token need none, as a
browser never adds a token by itself. Every response carries the security headers of
:class:`SecurityHeadersMiddleware`.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from peacetalks.storage import Store
from peacetalks.storage.accounts import ROLES, TOKEN_PREFIX, Role, User
from peacetalks.web.errors import (
    AuthenticationError,
    CsrfError,
    PermissionDeniedError,
    TooManyAttemptsError,
)
from peacetalks.web.settings import WebSettings

__all__ = [
    "CSRF_FIELD",
    "CSRF_HEADER",
    "LOGIN_PATH",
    "SAFE_METHODS",
    "SECURITY_HEADERS",
    "SESSION_COOKIE",
    "LoginThrottle",
    "SecurityHeadersMiddleware",
    "authenticate",
    "check_csrf",
    "csrf_protect",
    "current_user",
    "has_role",
    "login",
    "logout",
    "require_role",
    "require_user",
    "session_csrf",
    "session_secret",
]

SESSION_COOKIE = "pt_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
LOGIN_PATH = "/api/auth/login"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'",
    ),
    ("X-Frame-Options", "DENY"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
)
_RANK = {role: rank for rank, role in enumerate(ROLES)}
_UNSET = object()


def has_role(user: User | None, role: Role) -> bool:
    """Return whether a user is signed in with ``role`` or a higher one (admin > analyst)."""
    return user is not None and _RANK[user.role] >= _RANK[role]


def _store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        msg = (
            "The Authorization header must be 'Bearer pt_...' (an API token). "
            f"Got the scheme {scheme!r} instead. Create a token with POST /api/tokens."
        )
        raise AuthenticationError(msg)
    return value.strip()


def _lookup(request: Request) -> tuple[User | None, str | None]:
    """Return the user and, for a session, its CSRF token (sync: runs in a thread)."""
    store = _store(request)
    token = _bearer(request)
    if token is not None:
        user = store.accounts.user_for_token(token) if token.startswith(TOKEN_PREFIX) else None
        if user is None:
            msg = (
                "The API token is unknown or was revoked. Create a new one with "
                "POST /api/tokens (signed in) or on the account page."
            )
            raise AuthenticationError(msg)
        return user, None
    secret = request.cookies.get(SESSION_COOKIE)
    if not secret:
        return None, None
    found = store.accounts.session(secret)
    return (None, None) if found is None else found


def _resolve(request: Request) -> tuple[User | None, str | None]:
    cached = getattr(request.state, "pt_auth", _UNSET)
    if cached is _UNSET:
        cached = _lookup(request)
        request.state.pt_auth = cached
    return cached  # type: ignore[return-value]  # set just above to a (User, csrf) pair


async def current_user(request: Request) -> User | None:
    """Return the signed-in user (session cookie or API token), or None if anonymous.

    Raises
    ------
    AuthenticationError
        If an ``Authorization`` header is sent with an unknown token or another scheme.
    """
    if getattr(request.state, "pt_auth", _UNSET) is _UNSET:
        request.state.pt_auth = await run_in_threadpool(_lookup, request)
    return _resolve(request)[0]


async def require_user(user: Annotated[User | None, Depends(current_user)]) -> User:
    """Return the signed-in user, or answer 401."""
    if user is None:
        msg = (
            "This needs a signed-in user. Sign in with POST /api/auth/login, or send an API "
            "token as 'Authorization: Bearer pt_...'."
        )
        raise AuthenticationError(msg)
    return user


def require_role(role: Role) -> Callable[..., Awaitable[User]]:
    """Return a dependency giving the signed-in user if their role is ``role`` or higher.

    Answers 401 when nobody is signed in and 403 when the role is too low.
    """

    async def dependency(user: Annotated[User, Depends(require_user)]) -> User:
        if not has_role(user, role):
            msg = (
                f"This needs the {role} role; {user.username!r} has the {user.role} role. "
                "Ask an administrator to change it."
            )
            raise PermissionDeniedError(msg)
        return user

    return dependency


def session_secret(request: Request) -> str | None:
    """Return the secret of the session the request is signed in with (None: token or none).

    A request that sends an ``Authorization`` header is signed in with that token, not
    with any session cookie it also carries.
    """
    if request.headers.get("authorization") is not None:
        return None
    return request.cookies.get(SESSION_COOKIE) or None


def session_csrf(request: Request) -> str | None:
    """Return the CSRF token of the request's session, or None without a live session."""
    if _bearer(request) is not None:
        return None
    return _resolve(request)[1] if request.cookies.get(SESSION_COOKIE) else None


def check_csrf(request: Request, value: str | None = None) -> None:
    """Refuse an unsafe request that has a session cookie but not the session's CSRF token.

    Parameters
    ----------
    request : Request
    value : str or None
        The token sent as the form field ``csrf_token``; without it, the header
        ``X-CSRF-Token`` is checked.

    Raises
    ------
    CsrfError
        If the method is unsafe, the request carries a live session cookie and neither
        the value nor the header matches the session's token.
    """
    if request.method in SAFE_METHODS or request.headers.get("authorization") is not None:
        return
    if not request.cookies.get(SESSION_COOKIE):
        return
    expected = _resolve(request)[1]
    if expected is None:  # an expired or unknown session: the request is anonymous
        return
    given = value or request.headers.get(CSRF_HEADER) or ""
    if not secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        msg = (
            f"This {request.method} request has a session cookie but not its CSRF token. "
            f"Send the token from POST /api/auth/login (or GET /api/auth/me) in the "
            f"{CSRF_HEADER} header, or the {CSRF_FIELD} form field; scripts can use an API "
            "token instead."
        )
        raise CsrfError(msg)


async def csrf_protect(request: Request) -> None:
    """Dependency of the API: :func:`check_csrf` with the header.

    Signing in is exempt: it takes JSON only, which a cross-site form cannot send, and a
    script with an old session cookie must be able to sign in again.
    """
    if request.method in SAFE_METHODS or request.url.path == LOGIN_PATH:
        return
    await current_user(request)
    check_csrf(request)


def login(response: Response, store: Store, user: User, settings: WebSettings) -> str:
    """Start a session for ``user``, set its cookie on ``response``; return its CSRF token.

    The cookie is HttpOnly, SameSite=Lax, and Secure when ``settings.secure_cookies``.
    """
    lifetime = dt.timedelta(hours=settings.session_hours)
    secret, csrf = store.accounts.create_session(user.username, lifetime=lifetime)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(lifetime.total_seconds()),
        path="/",
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
    )
    return csrf


def logout(request: Request, response: Response) -> None:
    """End the request's session (if any) and clear its cookie on ``response``."""
    secret = request.cookies.get(SESSION_COOKIE)
    if secret:
        _store(request).accounts.end_session(secret)
    settings: WebSettings = request.app.state.settings
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )


class LoginThrottle:
    """Limits failed sign-ins, in memory, so that guessing is slow but nobody is locked out.

    Three counts of failures within ``window`` seconds:

    - per client address: after ``attempts`` failures the address is refused until the
      oldest failure leaves the window (a guesser's own address);
    - per username from one address: the same hard limit, so a guesser elsewhere cannot
      lock the account's owner out of their own address;
    - per username from every address: a backoff, never a lock. After ``attempts``
      failures each further try must wait ``2 ** (failures - attempts)`` seconds after
      the last failure, at most ``max_delay``: guessing from many addresses slows to one
      try per ``max_delay`` seconds, and the owner waits at most that long.

    A successful sign-in clears the username's counts.

    Parameters
    ----------
    attempts : int
    window : float
        Seconds.
    max_keys : int
        Most keys remembered (the oldest are forgotten first), so memory stays bounded.
    max_delay : float
        Longest backoff of a username, in seconds.
    clock : callable
        Monotonic seconds (``time.monotonic``).
    """

    def __init__(
        self,
        attempts: int,
        window: float,
        *,
        max_keys: int = 10_000,
        max_delay: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.attempts = attempts
        self.window = window
        self.max_keys = max_keys
        self.max_delay = max_delay
        self.clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()
        # Enough failures kept per username for the backoff to reach max_delay.
        self._user_memory = attempts + max(1, math.ceil(math.log2(max(max_delay, 1.0)))) + 1

    @staticmethod
    def keys(username: str, address: str | None) -> tuple[str, ...]:
        """Return the keys counted for a sign-in: username, username at address, address."""
        name = f"user:{username.lower()}"
        if address is None:
            return (name,)
        return (name, f"pair:{username.lower()}@{address}", f"ip:{address}")

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def check(self, keys: tuple[str, ...]) -> None:
        """Raise :class:`TooManyAttemptsError` if a sign-in with these keys must wait."""
        now = self.clock()
        longest, reason = 0.0, ""
        with self._lock:
            for key in keys:
                times = self._recent(key, now)
                if len(times) < self.attempts:
                    continue
                if key.startswith("user:"):
                    delay = min(self.max_delay, 2.0 ** (len(times) - self.attempts))
                    wait, what = times[-1] + delay - now, "this username"
                elif key.startswith("pair:"):
                    wait, what = times[0] + self.window - now, "this username from this address"
                else:
                    wait, what = times[0] + self.window - now, "this address"
                if wait > longest:
                    longest, reason = wait, what
        if longest > 0:
            # The longest wait is when a try can succeed again.
            seconds = max(1, math.ceil(longest))
            msg = f"Too many failed sign-ins for {reason}. Try again in {seconds} seconds."
            raise TooManyAttemptsError(msg, headers={"Retry-After": str(seconds)})

    def failed(self, keys: tuple[str, ...]) -> None:
        """Count one failed sign-in for every key."""
        now = self.clock()
        with self._lock:
            for key in keys:
                size = self._user_memory if key.startswith("user:") else self.attempts
                times = self._failures.setdefault(key, deque(maxlen=size))
                times.append(now)
                self._failures.move_to_end(key)
            while len(self._failures) > self.max_keys:
                self._failures.popitem(last=False)

    def succeeded(self, username: str, address: str | None = None) -> None:
        """Forget the failures of a username (and at this address) after it signed in."""
        with self._lock:
            for key in self.keys(username, address)[:2]:
                self._failures.pop(key, None)


def authenticate(request: Request, username: str, password: str) -> User | None:
    """Check a username and password, counting failures against the sign-in limit.

    Sync (scrypt takes tens of milliseconds): call it from a sync endpoint or a thread.

    Raises
    ------
    TooManyAttemptsError
        If the username or the client's address must wait (see :class:`LoginThrottle`).
    """
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client is not None else None
    keys = throttle.keys(username if isinstance(username, str) else "", address)
    throttle.check(keys)
    user = _store(request).accounts.authenticate(username, password)
    if user is None:
        throttle.failed(keys)
        return None
    throttle.succeeded(user.username, address)
    return user


class SecurityHeadersMiddleware:
    """Add the security headers (CSP, frame, sniffing, referrer) to every HTTP response.

    Parameters
    ----------
    app : ASGI application
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = str(scope.get("path", "")).startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS:
                    if name.lower().encode("latin-1") not in present:
                        headers.append((name.encode("latin-1"), value.encode("latin-1")))
                if is_api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
