"""Pieces of `scripts/benchmark.py` (issue #8): process-tree memory, the scan floor,
the pandas baseline, the Spark side and the report."""
