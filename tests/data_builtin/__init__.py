"""Tests of the built-in scenarios."""
