"""A minimal separate Django project: the lean ceiling of the benchmark (docs/benchmarks.md)."""
