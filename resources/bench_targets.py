"""The pages and API lists of this app that `make bench` measures (scripts/bench.py).

`{slug}` and the other placeholders are filled by scripts/bench_objects.py; `order` places the
row in the report.
"""

from tenancy.registry import BenchTarget, registry

# --- expert time ---
registry.bench_targets.register(BenchTarget("experts", "/o/{slug}/experts/", order=410))
registry.bench_targets.register(BenchTarget("expert: slots and booking form", "/o/{slug}/experts/{expert}/", order=420))
registry.bench_targets.register(BenchTarget("expert bookings (everyone's)", "/o/{slug}/experts/bookings/?all=1",
                                            order=430))
registry.bench_targets.register(BenchTarget("expert utilisation per week", "/o/{slug}/experts/utilisation/", order=440))
registry.bench_targets.register(BenchTarget("guild office-hours panel", "/o/{slug}/experts/guilds/{guild}/panel/",
                                            order=450))
registry.bench_targets.register(BenchTarget("API bookings", "/api/v1/o/{slug}/bookings/", kind="api", order=460))
registry.bench_targets.register(BenchTarget("API office hours", "/api/v1/o/{slug}/office-hours/", kind="api", order=470))
