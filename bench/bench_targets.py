"""The pages and API lists of this app that `make bench` measures (scripts/bench.py).

`{slug}` and the other placeholders are filled by scripts/bench_objects.py; `order` places the
row in the report.
"""

from tenancy.registry import BenchTarget, registry

registry.bench_targets.register(BenchTarget("bench: who is free", "/o/{slug}/bench/", order=280))
registry.bench_targets.register(BenchTarget("bench: staffing requests", "/o/{slug}/bench/requests/", order=290))
registry.bench_targets.register(BenchTarget("bench: suggestions", "/o/{slug}/bench/suggestions/", order=300))
registry.bench_targets.register(BenchTarget("API staffing requests", "/api/v1/o/{slug}/bench/requests/", kind="api", order=310))
registry.bench_targets.register(BenchTarget("API suggestions", "/api/v1/o/{slug}/bench/suggestions/", kind="api", order=320))
