from .base import *  # noqa: F403

# DEBUG stays off unless asked for: only `make demo` turns it on (DJANGO_DEBUG=true), so tests,
# the bench, a plain `manage.py runserver` and anything that renders error pages see what
# production shows.
DEBUG = env.bool("DJANGO_DEBUG", default=False)  # noqa: F405
# A developer receives webhook deliveries on their own machine (`make demo` → localhost).
PODIUM_WEBHOOKS_ALLOW_PRIVATE = env.bool("PODIUM_WEBHOOKS_ALLOW_PRIVATE", default=True)  # noqa: F405
