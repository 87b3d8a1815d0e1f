"""Benchmarks: figures measured against floors taken in the same run (see README)."""
