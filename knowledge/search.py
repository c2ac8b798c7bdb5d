"""The one search: a registration API for indexed kinds, index upkeep, and the ranked query.

Apps that want their rows found register a `tenancy.registry.SearchKind` once (in their
`AppConfig.ready`) and call `index_upsert` / `index_remove` from their services, or, when they may
not import knowledge (governance, its sibling), `registry.search_upsert` / `search_remove`, which
land here (`SearchIndexKeeper`); the search page then finds them with the rest. A kind that not
every member may see (escalations) says which ones a viewer may find (`SearchKind.visible_ids`):
`search_documents` shows a viewer only those, and such documents stay out of the lexicon, so a
"did you mean" can never spell out a word from a document the viewer may not open. Queries use PostgreSQL full-text search (websearch syntax, title weighted above body) on
a GIN index with the organization inside it. When nothing matches, the words are tried as
prefixes, then unknown words are corrected against the organization's lexicon (`SearchTerm`, the
distinct words of its documents, trigram-indexed) and the corrected query runs as full-text
search again: small typos still find things, in bodies too, for the price of a look-up in a
table of words rather than a similarity scan over every title.

The page query is one precompiled statement (`knowledge.search_sql`): matches, rank, total and
highlights in one round trip, so the app adds little over what PostgreSQL itself spends
(`make bench` replays the statements alone beside the page's latency).
"""

from __future__ import annotations

import datetime
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from knowledge import search_sql as sql
from knowledge.models import SearchDocument, SearchKind, SearchTerm
from tenancy.models import Organization
from tenancy.registry import SearchEntry, registry
from tenancy.registry import SearchKind as RegisteredKind

for _kind, _label in SearchKind.choices:
    registry.search_kinds.register(RegisteredKind(kind=_kind, label=_label))


def search_kinds() -> dict[str, str]:
    """kind → label of every kind registered (knowledge's own and other apps')."""
    return {k.kind: k.label for k in registry.search_kinds.all()}

MAX_QUERY_WORDS = 8
MAX_PAGE = 1000  # deeper pages are never read; a huge ?page= must not overflow OFFSET
_WORD_RE = re.compile(r"[^\W_]+")
_OPERATORS = frozenset({"or", "and"})


def index_upsert(*, organization: Organization, kind: str, object_id: int, title: str,
                 body: str = "", tags: list[str] | None = None, pod_id: int | None = None,
                 guild_id: int | None = None, date: datetime.date | None = None,
                 url: str = "") -> None:
    if kind not in registry.search_kinds:
        raise ValueError(f"Unknown search kind {kind!r}: register a SearchKind first.")
    tags = list(tags or [])
    SearchDocument.objects.update_or_create(
        organization=organization, kind=kind, object_id=object_id,
        defaults={"title": title[:300], "body": body, "tags": tags,
                  "tags_text": " ".join(t.replace("-", " ") for t in tags)[:600],
                  "pod_id_ref": pod_id, "guild_id_ref": guild_id, "date": date, "url": url[:300]},
    )
    if kind in _restricted_kinds():
        return  # its words must not surface in another member's "did you mean"
    with connection.cursor() as cursor:
        cursor.execute(sql.TERMS_FROM_DOCUMENTS.format(where=sql.ONE_DOCUMENT),
                       [organization.pk, kind, object_id])


def index_remove(*, organization: Organization, kind: str, object_id: int) -> None:
    SearchDocument.objects.for_org(organization).filter(kind=kind, object_id=object_id).delete()


class SearchIndexKeeper:
    """`registry.search_index`: how apps that may not import knowledge index their rows."""

    def upsert(self, entry: SearchEntry) -> None:
        index_upsert(organization=entry.organization, kind=entry.kind, object_id=entry.object_id,
                     title=entry.title, body=entry.body, tags=list(entry.tags), pod_id=entry.pod_id,
                     date=entry.date, url=entry.url)

    def remove(self, organization: Any, kind: str, object_id: int) -> None:
        index_remove(organization=organization, kind=kind, object_id=object_id)


def _restricted_kinds() -> list[str]:
    return [k.kind for k in registry.search_kinds.all() if k.visible_ids is not None]


def visible_restrictions(organization: Organization, viewer: Any) -> list[tuple[str, list[int]]]:
    """(kind, the ids `viewer` may find) for each kind not every member may see; a kind the viewer
    sees whole is left out. Without a viewer, nothing of those kinds (fail closed)."""
    out: list[tuple[str, list[int]]] = []
    for k in registry.search_kinds.all():
        if k.visible_ids is None:
            continue
        ids = k.visible_ids(organization, viewer) if viewer is not None else []
        if ids is not None:
            out.append((k.kind, sorted(ids)))
    return out


@transaction.atomic
def search_terms_rebuild(*, organization: Organization) -> int:
    """Rebuild the organization's lexicon from its documents, dropping words no document has
    any more (readers keep the old one until this commits). Returns the number of words."""
    SearchTerm.objects.for_org(organization).delete()
    with connection.cursor() as cursor:
        cursor.execute(sql.TERMS_FROM_DOCUMENTS.format(where=sql.NOT_KINDS),
                       [organization.pk, _restricted_kinds()])
        return cursor.rowcount


@dataclass
class SearchHit:
    kind: str
    kind_label: str
    title_html: str
    snippet_html: str
    url: str
    date: datetime.date | None
    tags: list[str]
    rank: float


@dataclass
class SearchResult:
    q: str
    hits: list[SearchHit] = field(default_factory=list)
    count: int = 0
    page: int = 1
    per_page: int = 20
    corrected: str = ""  # what was searched instead of `q`, which found nothing ("did you mean")

    @property
    def fuzzy(self) -> bool:
        return bool(self.corrected)

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def search_documents(*, organization: Organization, q: str, viewer: Any = None, page: int = 1,
                     per_page: int = 20, **filters: Any) -> SearchResult:
    """Ranked, highlighted results for `q` in the organization, in one query when `q` matches.
    When it does not: the words as prefixes (search as you type), then the query with its
    unknown words corrected against the lexicon ("did you mean"), one or two queries more each.
    `viewer` (the searching member's Membership) decides which documents of restricted kinds
    (escalations) are found; without one, none are. Filters: kind, guild_id, pod_id, tag, since,
    until."""
    q = (q or "").strip()[:200]
    result = SearchResult(q=q, page=min(max(1, page), MAX_PAGE), per_page=per_page)
    where, params = sql.filters_where(organization.pk, restrict=visible_restrictions(organization, viewer),
                                      **filters)
    offset = (result.page - 1) * per_page
    if not q:
        rows = _fetch(sql.RECENT.format(where=where), sql.page_params(params, limit=per_page,
                                                                      offset=offset))
        result.count = rows[0]["total"] if rows else (_count(where, params) if offset else 0)
        result.hits = [_hit(r) for r in rows]
        return result
    for tsquery, text, corrected in _attempts(organization, q):
        rows = _fetch(sql.RANKED_PAGE.format(where=where, tsquery=tsquery),
                      sql.page_params(params, q=text, limit=per_page, offset=offset))
        total = rows[0]["total"] if rows else (_count(where, params, tsquery, text) if offset else 0)
        if total:
            result.count, result.corrected = total, corrected
            result.hits = [_hit(r) for r in rows]
            return result
    return result


def _attempts(organization: Organization, q: str) -> Iterator[tuple[str, str, str]]:
    """(tsquery function, its text, the correction shown) to try in turn, until one matches:
    the query as typed, its words as prefixes, then the query corrected against the lexicon,
    which is asked only when the first two found nothing."""
    yield sql.WEBSEARCH, q, ""
    prefixes = _prefix_terms(q)
    if prefixes:
        yield sql.RAW, prefixes, ""
    corrected = corrected_query(organization=organization, q=q)
    if corrected:
        yield sql.WEBSEARCH, corrected, corrected


def corrected_query(*, organization: Organization, q: str) -> str:
    """`q` with each word the lexicon does not know replaced by its closest known word, keeping
    the search syntax around it; "" when nothing would change."""
    words = [w for w in dict.fromkeys(_WORD_RE.findall(q.lower()))
             if sql.MIN_TERM <= len(w) <= sql.MAX_TERM and w not in _OPERATORS][:MAX_QUERY_WORDS]
    if not words:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(sql.CLOSEST_TERMS, {"org": organization.pk, "words": words})
        changes = {w: c for w, c in cursor.fetchall() if c and c != w}
    if not changes:
        return ""
    return _WORD_RE.sub(lambda m: changes.get(m.group(0).lower(), m.group(0)), q)


def _prefix_terms(q: str) -> str:
    """Every word as a prefix ("calibrat" → "calibrat:*"), as raw tsquery text; "" when the
    query uses phrases or exclusions, whose meaning prefixes would change."""
    words = [w for w in _WORD_RE.findall(q.lower()) if w not in _OPERATORS][:MAX_QUERY_WORDS]
    if not words or '"' in q or any(w.startswith("-") for w in q.split()):
        return ""
    return " & ".join(f"{w}:*" for w in words)


def _fetch(statement: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        names = [c.name for c in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _count(where: str, params: dict[str, Any], tsquery: str = "", text: str = "") -> int:
    """How many documents match: past the last page the page query returns no row to carry
    the total."""
    match = sql.MATCH.format(tsquery=tsquery) if tsquery else ""
    with connection.cursor() as cursor:
        cursor.execute(sql.COUNT.format(where=where, match=match),
                       {**params, "config": sql.CONFIG, "q": text})
        return int(cursor.fetchone()[0])


def _mark(text: str | None) -> str:
    """Escape document text, then turn only the private highlight markers into <mark>, so
    nothing from a document can ever come out as markup."""
    return html.escape(text or "").replace(sql.START, "<mark>").replace(sql.STOP, "</mark>")


def _hit(row: dict[str, Any]) -> SearchHit:
    return SearchHit(kind=row["kind"], kind_label=search_kinds().get(row["kind"], row["kind"]),
                     title_html=_mark(row["title_hl"]), snippet_html=_mark(row["body_hl"]),
                     url=row["url"], date=row["date"], tags=row["tags"],
                     rank=float(row["rank"] or 0))
