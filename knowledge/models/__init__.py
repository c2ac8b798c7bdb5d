"""Knowledge: guilds and lessons, the incident database, showcases, talks, rotations, one search.

Every table is tenant-owned (`OrgOwned`), child rows too, with the organization first in its
indexes and unique constraints. Lessons keep their Markdown source and a sanitised HTML copy
rendered on save (`knowledge.markdown`); `SearchDocument` is the one searchable table, kept
current by the services that write the things it indexes. One module per concept; everything
is importable from `knowledge.models`.
"""

from knowledge.models.guilds import (
    Guild,
    GuildDigest,
    GuildMember,
    Lesson,
    LessonComment,
    LessonKind,
    LessonRevision,
    LessonStatus,
    LessonVote,
)
from knowledge.models.incidents import (
    INCIDENT_TAXONOMY,
    ActionItem,
    ActionStatus,
    Incident,
    IncidentStatus,
    PostMortem,
    Severity,
)
from knowledge.models.search import SEARCH_CONFIG, SearchDocument, SearchKind, SearchTerm
from knowledge.models.showcases import Citation, Presentation, Rotation, Showcase, Talk

__all__ = [
    "INCIDENT_TAXONOMY", "SEARCH_CONFIG", "ActionItem", "ActionStatus", "Citation", "Guild",
    "GuildDigest", "GuildMember", "Incident", "IncidentStatus", "Lesson", "LessonComment",
    "LessonKind", "LessonRevision", "LessonStatus", "LessonVote", "PostMortem", "Presentation",
    "Rotation", "SearchDocument", "SearchKind", "SearchTerm", "Severity", "Showcase", "Talk",
]
