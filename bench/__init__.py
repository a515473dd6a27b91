"""Benchmarks: scripts that seed a clinic network and print figures; they are not tests.

``python -m bench.run`` (or ``make bench``) prints every figure in one run; see bench/README.md.
"""
