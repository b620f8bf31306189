"""The ``peacetalks serve`` command: run the web application (API and pages) with uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from peacetalks.cli._helpers import console, handles_errors
from peacetalks.errors import ParameterError

# The server and the database are imported when ``serve`` runs (see peacetalks.cli.commands).
if TYPE_CHECKING:
    import socket

    from peacetalks.storage import Store

__all__ = ["FIRST_ADMIN", "create_first_admin", "serve"]

FIRST_ADMIN = "admin"


def create_first_admin(store: Store) -> str | None:
    """Create the account ``admin`` with a random password if the store has no account.

    Returns
    -------
    str or None
        The password (to show once), or None when accounts existed already.
    """
    if store.accounts.count_users() > 0:
        return None
    import secrets

    password = secrets.token_urlsafe(18)
    store.accounts.create_user(FIRST_ADMIN, password, "admin")
    return password


def _bind(host: str, port: int) -> socket.socket:
    import errno
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            other = port + 1 if port < 65535 else 8000
            msg = (
                f"Port {port} on {host} is taken (is another server running?). Stop it, or "
                f"choose another port with --port, e.g. --port {other}."
            )
        else:
            msg = f"Cannot listen on {host}:{port}: {e.strerror}. Check --host and --port."
        raise ParameterError(msg, parameter="--port", value=port) from None
    return sock


def _address(host: str, port: int) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "") else host  # where to point a browser
    shown = f"[{shown}]" if ":" in shown else shown
    return f"http://{shown}:{port}"


@handles_errors
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = 8000,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="Database URL, SQLite file or data directory (default: $PEACETALKS_DATA or "
            "~/.local/share/peacetalks).",
        ),
    ] = None,
    secure_cookies: Annotated[
        bool,
        typer.Option("--secure-cookies", help="Send the session cookie over HTTPS only."),
    ] = False,
    max_body_bytes: Annotated[
        int, typer.Option("--max-body-bytes", min=1024, help="Largest request body accepted.")
    ] = 2_000_000,
    job_seconds: Annotated[
        float, typer.Option("--job-seconds", min=0.01, help="Time limit of one analysis.")
    ] = 120.0,
    job_workers: Annotated[
        int, typer.Option("--job-workers", min=1, max=64, help="Analyses run at the same time.")
    ] = 2,
    trust_proxy: Annotated[
        str | None,
        typer.Option(
            "--trust-proxy",
            help=(
                "Comma-separated addresses of reverse proxies whose X-Forwarded-For and "
                "X-Forwarded-Proto headers are trusted (default: none, the client's own "
                "address counts)."
            ),
        ),
    ] = None,
    header_seconds: Annotated[
        float,
        typer.Option(
            "--header-seconds",
            min=0.1,
            max=600,
            help="Time a client has to send a request's headers; then it is disconnected.",
        ),
    ] = 10.0,
    max_connections: Annotated[
        int,
        typer.Option(
            "--max-connections",
            min=8,
            max=100_000,
            help=(
                "Open connections kept at most; past it the connection that has waited "
                "longest without sending a request is closed."
            ),
        ),
    ] = 1000,
    job_memory_mb: Annotated[
        int,
        typer.Option(
            "--job-memory-mb",
            min=256,
            max=1_048_576,
            help="Memory (address space, MB) of one analysis or page computation.",
        ),
    ] = 2048,
    page_seconds: Annotated[
        float,
        typer.Option(
            "--page-seconds",
            min=0.5,
            max=3600,
            help="Longest a page may compute a figure; past it the page says what to do.",
        ),
    ] = 20.0,
    job_quota: Annotated[
        int,
        typer.Option(
            "--job-quota",
            min=1,
            max=10_000,
            help="Analyses one user may have queued or running at once.",
        ),
    ] = 4,
) -> None:
    """Run the web server: the JSON API under /api and the pages, until Ctrl+C.

    On the first start (no account yet) it creates the account 'admin' with a random
    password and prints it, once.
    """
    import uvicorn

    from peacetalks.web import WebSettings, create_app
    from peacetalks.web.protocol import header_timeout_protocol

    settings = WebSettings(
        db=db,
        secure_cookies=secure_cookies,
        max_body_bytes=max_body_bytes,
        job_seconds=job_seconds,
        job_workers=job_workers,
        job_quota=job_quota,
        job_memory_mb=job_memory_mb,
        page_seconds=page_seconds,
    )
    sock = _bind(host, port)
    try:
        app = create_app(settings)
        url = _address(host, port)
        password = create_first_admin(app.state.store)
        if password is not None:
            console.print(
                f"Created the first account. Sign in at {url}/login\n"
                f"  username: {FIRST_ADMIN}\n"
                f"  password: {password}\n"
                "The password is shown this once: keep it, or change it after signing in "
                f"(PATCH /api/users/{FIRST_ADMIN}). Create other accounts as admin "
                "(POST /api/users).",
                markup=False,
            )
        console.print(
            f"peacetalks is serving on {url} (API under {url}/api, schema at "
            f"{url}/openapi.json). Stop it with Ctrl+C.",
            markup=False,
        )
        # Forwarded headers only from the proxies named: otherwise anyone able to reach
        # the server from a trusted address could choose the address the sign-in limit
        # counts. Idle keep-alive connections close after 5 seconds, a connection that
        # does not send a request's headers within --header-seconds is closed, and past
        # --max-connections the longest-waiting such connection makes room.
        config = uvicorn.Config(
            app,
            log_level="info",
            lifespan="on",
            ws="none",
            proxy_headers=trust_proxy is not None,
            forwarded_allow_ips=trust_proxy or "",
            timeout_keep_alive=5,
            http=header_timeout_protocol(header_seconds, max_connections),
        )
        server = uvicorn.Server(config)
        server.run(sockets=[sock])
    finally:
        sock.close()
