# The catalog's tests use governance's fixtures: an org with the default matrix, a pod lead, roles.
from tests.governance.conftest import admin, gorg, lead, leader, owner  # noqa: F401
