"""Settings for the bench's gunicorn: the dev settings, with a fragment-counting cache.

`BENCH_CACHE=cold` makes every fragment read a miss (the state every fragment of a page is in
after a write that invalidates it); anything else is an ordinary per-process local-memory
cache. Either way each response carries `X-Frag-Hits` / `X-Frag-Misses`, so the load generator
reports a cache hit ratio per page. Works with any version of the app whose fragment keys start
with `frag:` (the bench compares code before and after a change on the same database).
"""

from config.settings.dev import *  # noqa: F403

# Sized like the app's own local-memory cache (config/settings/base.py), not Django's 300
# entries, which row fragments would overflow: evictions would read as misses no deployment has.
CACHES = {"default": {"BACKEND": "bench_cache.CountingCache", "LOCATION": "bench",
                      "OPTIONS": {"MAX_ENTRIES": FRAGMENT_CACHE_MAX_ENTRIES}}}  # noqa: F405
MIDDLEWARE = ["bench_cache.FragmentStatsMiddleware", *MIDDLEWARE]  # noqa: F405
