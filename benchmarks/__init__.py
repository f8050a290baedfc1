"""Benchmarks: one module per topic, benchmarks/bench_<topic>.py, each with a main().

Run them with `make bench` or `.venv/bin/python -m benchmarks [TOPIC ...]`; record results
with the machine and date in docs/benchmarks.md.
"""
