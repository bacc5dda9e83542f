"""Helpers that check contentcal's feeds with independent parsers (see tests/test_interop.py)."""
