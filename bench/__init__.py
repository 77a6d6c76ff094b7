"""The benchmark of the service under gunicorn: ``make bench`` (see docs/benchmarks.md)."""
