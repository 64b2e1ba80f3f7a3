"""Benchmarks: a seeded scenario generator (``bench.generate``) and a harness (``bench.run``)."""
