"""Idle and half-sent connections: closed after --header-seconds; the server keeps answering."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import httpx

from tests.web._server import serving_process


def _closed(sock: socket.socket) -> bool:
    """Return whether the server closed the connection (EOF or reset)."""
    sock.settimeout(0.05)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except OSError:
        return True


def test_half_sent_and_silent_connections_are_closed(tmp_path: Path) -> None:
    """Check 1,000 stalled connections neither stop /api/health nor stay open."""
    extra = ["--header-seconds", "2"]
    with serving_process(tmp_path / "data", tmp_path / "serve.log", extra=extra) as server:
        address = ("127.0.0.1", server.port)
        stalled = []
        for k in range(1000):
            sock = socket.create_connection(address)
            if k % 2:  # half of them start a request and never finish its headers
                sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")
            stalled.append(sock)
        # A slow sender: one header byte a second keeps it busy but not past the limit.
        slow = socket.create_connection(address)
        slow.sendall(b"GET /api/health HTTP/1.1\r\n")
        health = httpx.get(f"{server.url}/api/health", timeout=10)
        # A request that completes its headers in time is answered as usual.
        with httpx.Client(base_url=server.url) as client:
            kept = client.get("/api/health")
            for _ in range(3):
                slow.sendall(b"X")
                time.sleep(1)
            again = client.get("/api/health")
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and not all(_closed(s) for s in stalled):
            time.sleep(0.5)
        still_open = sum(not _closed(s) for s in stalled)
        slow_closed = _closed(slow)
        for sock in [*stalled, slow]:
            sock.close()
    assert health.status_code == 200
    assert (kept.status_code, again.status_code) == (200, 200)
    assert still_open == 0
    assert slow_closed
