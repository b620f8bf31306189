"""The ``peacetalks`` command line (Typer)."""

from peacetalks.cli.app import app, main

__all__ = ["app", "main"]
