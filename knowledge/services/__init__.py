"""Writes for knowledge, split by concept; import from here."""

from knowledge.services.guilds import *  # noqa: F401,F403
from knowledge.services.incidents import *  # noqa: F401,F403
from knowledge.services.showcases import *  # noqa: F401,F403
