"""The pages and API lists of this app that `make bench` measures (scripts/bench.py).

`{slug}` and the other placeholders are filled by scripts/bench_objects.py; `order` places the
row in the report.
"""

from tenancy.registry import BenchTarget, registry

registry.bench_targets.register(BenchTarget("overview", "/o/{slug}/overview/", min_share_of_trivial=25.0, order=150))
registry.bench_targets.register(BenchTarget("overview: attention queue", "/o/{slug}/overview/attention/", order=160))
registry.bench_targets.register(BenchTarget("overview: pod scorecards", "/o/{slug}/overview/scorecards/", order=170))
registry.bench_targets.register(BenchTarget("API overview", "/api/v1/o/{slug}/overview/", kind="api", order=180))
