"""Tests of peacetalks."""
