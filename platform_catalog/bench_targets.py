"""The pages and API lists of this app that `make bench` measures (scripts/bench.py).

`{slug}` and the other placeholders are filled by scripts/bench_objects.py; `order` places the
row in the report.
"""

from tenancy.registry import BenchTarget, registry

registry.bench_targets.register(BenchTarget("catalog home", "/o/{slug}/catalog/", order=330))
registry.bench_targets.register(BenchTarget("catalog models", "/o/{slug}/catalog/models/", order=340))
registry.bench_targets.register(BenchTarget("catalog components", "/o/{slug}/catalog/components/", order=350))
registry.bench_targets.register(BenchTarget("catalog data products", "/o/{slug}/catalog/data-products/", order=360))
registry.bench_targets.register(BenchTarget("catalog experiments", "/o/{slug}/catalog/experiments/", order=370))
registry.bench_targets.register(BenchTarget("catalog experiment runs", "/o/{slug}/catalog/experiments/{experiment}/",
                                            order=372))
registry.bench_targets.register(BenchTarget(
    "catalog run comparison", "/o/{slug}/catalog/experiments/{experiment}/compare/?{compare_runs}", order=374))
registry.bench_targets.register(BenchTarget("catalog model", "/o/{slug}/catalog/models/{catalog_model}/", order=376))
registry.bench_targets.register(BenchTarget("catalog data product", "/o/{slug}/catalog/data-products/{data_product}/",
                                            order=378))
registry.bench_targets.register(BenchTarget("catalog duplicates", "/o/{slug}/catalog/duplicates/", order=380))
registry.bench_targets.register(BenchTarget("API catalog models", "/api/v1/o/{slug}/catalog/models/", kind="api", order=390))
registry.bench_targets.register(BenchTarget("API catalog experiments", "/api/v1/o/{slug}/catalog/experiments/", kind="api", order=400))
