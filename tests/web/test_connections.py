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


def test_connections_past_the_cap_close_the_longest_waiting(tmp_path: Path) -> None:
    """Check that past --max-connections silent connections make room for requests."""
    extra = ["--header-seconds", "60", "--max-connections", "20"]
    with serving_process(tmp_path / "data", tmp_path / "serve.log", extra=extra) as server:
        address = ("127.0.0.1", server.port)
        silent = []
        for _ in range(60):
            silent.append(socket.create_connection(address))
            time.sleep(0.002)
        # The header limit (60 s) has not struck: only the cap closes connections.
        with httpx.Client(base_url=server.url) as client:
            answers = [client.get("/api/health").status_code for _ in range(3)]
        time.sleep(0.5)
        closed = [_closed(s) for s in silent]
        for sock in silent:
            sock.close()
    assert answers == [200, 200, 200]
    # At most 20 connections stay open, the health client's among them; the oldest went
    # first, so the last connections made are the ones still open.
    assert sum(not c for c in closed) <= 19
    assert sum(closed) >= 41
    assert all(closed[:30])
    assert not any(closed[-5:])
