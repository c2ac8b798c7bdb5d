"""The pages and API lists of this app that `make bench` measures (scripts/bench.py).

`{slug}` and the other placeholders are filled by scripts/bench_objects.py; `order` places the
row in the report.
"""

from tenancy.registry import BenchTarget, registry

registry.bench_targets.register(BenchTarget("decision-rights matrix", "/o/{slug}/governance/matrix/", order=90))
registry.bench_targets.register(BenchTarget("escalation inbox", "/o/{slug}/governance/inbox/", order=100))
registry.bench_targets.register(BenchTarget("escalations", "/o/{slug}/governance/escalations/", order=110))
registry.bench_targets.register(BenchTarget("cycle-time dashboard", "/o/{slug}/governance/cycle-time/", order=120))
registry.bench_targets.register(BenchTarget("pod escalations panel", "/o/{slug}/governance/pods/{pod}/panel/", order=130))
registry.bench_targets.register(BenchTarget("API escalations", "/api/v1/o/{slug}/escalations/", kind="api", order=140))
