"""The pages and API lists of this app that `make bench` measures (scripts/bench.py).

`{slug}` and the other placeholders are filled by scripts/bench_objects.py; `order` places the
row in the report.
"""

from tenancy.registry import BenchTarget, registry

registry.bench_targets.register(BenchTarget("knowledge home", "/o/{slug}/knowledge/", order=190))
registry.bench_targets.register(BenchTarget("guild page", "/o/{slug}/knowledge/guilds/{guild}/", order=200))
registry.bench_targets.register(BenchTarget("lesson list", "/o/{slug}/knowledge/lessons/", order=210))
registry.bench_targets.register(BenchTarget("search: nothing typed yet (newest)", "/o/{slug}/knowledge/search/", order=220))
registry.bench_targets.register(BenchTarget("search: evaluation", "/o/{slug}/knowledge/search/?q=evaluation", order=230))
registry.bench_targets.register(BenchTarget("search: shadow deployment", "/o/{slug}/knowledge/search/?q=shadow+deployment", order=240))
registry.bench_targets.register(BenchTarget("search: alert -cost (post-mortems)", "/o/{slug}/knowledge/search/?q=alert+-cost&kind=postmortem", order=250))
registry.bench_targets.register(BenchTarget("search: typo (tokenzier)", "/o/{slug}/knowledge/search/?q=tokenzier", order=260))
registry.bench_targets.register(BenchTarget("API search: rollback", "/api/v1/o/{slug}/search/?q=rollback", kind="api", order=270))
