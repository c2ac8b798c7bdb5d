"""The pages and API lists of this app that `make bench` measures (scripts/bench.py).

`{slug}` and the other placeholders are filled by scripts/bench_objects.py; `order` places the
row in the report.
"""

from tenancy.registry import BenchTarget, registry

registry.bench_targets.register(BenchTarget("org home", "/o/{slug}/", min_share_of_trivial=25.0, order=10))
registry.bench_targets.register(BenchTarget("pod detail", "/o/{slug}/pods/{pod}/", order=20))
registry.bench_targets.register(BenchTarget("people directory", "/o/{slug}/people/", order=30))
registry.bench_targets.register(BenchTarget("person", "/o/{slug}/people/{person}/", order=40))
registry.bench_targets.register(BenchTarget("charter history", "/o/{slug}/pods/{pod}/charter/history/", order=50))
registry.bench_targets.register(BenchTarget("API pods", "/api/v1/o/{slug}/pods/", kind="api", order=70))
registry.bench_targets.register(BenchTarget("API people", "/api/v1/o/{slug}/people/", kind="api", order=80))
