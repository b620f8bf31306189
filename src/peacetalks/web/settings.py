"""The web application's settings: where the store is, and the bounds on requests and jobs."""

from __future__ import annotations

import math
from dataclasses import dataclass

from peacetalks.errors import ParameterError

__all__ = ["WebSettings"]


@dataclass(frozen=True)
class WebSettings:
    """Settings of :func:`peacetalks.web.app.create_app`.

    Parameters
    ----------
    db : str or None
        The store: a database URL, a SQLite file or a data directory; ``None`` for the
        default data directory (``$PEACETALKS_DATA`` or ``~/.local/share/peacetalks``).
    secure_cookies : bool
        Mark the session cookie ``Secure`` (sent over HTTPS only). Set it when the
        server is reached through HTTPS.
    max_body_bytes : int
        Largest request body accepted; a larger one is refused with 413.
    job_seconds : float
        Longest an analysis may run; a job that takes longer is stopped and fails.
    job_workers : int
        Analyses that run at the same time; further ones wait in a queue.
    job_quota : int
        Analyses one user may have queued or running at once; one more is refused
        with 429 until one of them ends.
    job_memory_mb : int
        Address space of one analysis' process (and of a page's computation), in MB;
        an analysis that needs more fails with ``MemoryLimitExceeded``.
    page_seconds : float
        Longest a page may compute a figure (in a process of its own); past it the
        page says so and points to the command line or an analysis.
    session_hours : float
        How long a browser session lasts after signing in.
    login_attempts : int
        Failed sign-ins allowed per username and per client address within
        ``login_window_seconds`` before further attempts are refused with 429.
    login_window_seconds : float
        The window of the failed sign-in count.
    """

    db: str | None = None
    secure_cookies: bool = False
    max_body_bytes: int = 2_000_000
    job_seconds: float = 120.0
    job_workers: int = 2
    job_quota: int = 4
    job_memory_mb: int = 2048
    page_seconds: float = 20.0
    session_hours: float = 12.0
    login_attempts: int = 10
    login_window_seconds: float = 900.0

    def __post_init__(self) -> None:
        checks: tuple[tuple[str, float, float, float], ...] = (
            ("max_body_bytes", self.max_body_bytes, 1_024, 1_000_000_000),
            ("job_seconds", self.job_seconds, 0.01, 86_400),
            ("job_workers", self.job_workers, 1, 64),
            ("job_quota", self.job_quota, 1, 10_000),
            ("job_memory_mb", self.job_memory_mb, 256, 1_048_576),
            ("page_seconds", self.page_seconds, 0.5, 3_600),
            ("session_hours", self.session_hours, 0.01, 24 * 365),
            ("login_attempts", self.login_attempts, 1, 1_000_000),
            ("login_window_seconds", self.login_window_seconds, 1, 86_400 * 30),
        )
        integers = (
            "max_body_bytes",
            "job_workers",
            "job_quota",
            "job_memory_mb",
            "login_attempts",
        )
        for name, value, low, high in checks:
            kind = "an int" if name in integers else "a number"
            ok = isinstance(value, int) if name in integers else isinstance(value, int | float)
            if (
                not ok
                or isinstance(value, bool)
                or not math.isfinite(value)
                or not low <= value <= high
            ):
                msg = (
                    f"The {name!r} setting of WebSettings must be {kind} in "
                    f"[{low:g}, {high:g}]. Got {value!r} instead."
                )
                raise ParameterError(msg, parameter=name, value=value)
