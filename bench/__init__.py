"""Benchmarks at district scale: `python -m bench.run` (or `make bench`). See bench/README.md."""
