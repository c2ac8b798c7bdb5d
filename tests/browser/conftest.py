# The browser fixtures live in tests/browser/plugin.py, loaded for the whole suite from
# tests/conftest.py, so every app's browser tests share one Chromium session. Helpers that
# other tests import by this module's name:
from tests.browser.plugin import CHROMIUM, CHROMIUM_ARGS, _unavailable, shot, sign_in  # noqa: F401
