"""The one search: a registration API for indexed kinds, index upkeep, and the ranked query.

Apps that want their rows found (the platform catalog, later) call `register_kind` once and
`index_upsert` / `index_remove` from their services; the search page then finds them with the
rest. Queries use PostgreSQL full-text search (websearch syntax, title weighted above body) on
a GIN index with the organization inside it, and fall back to trigram similarity on titles when
nothing matches, so small typos still find things.
"""

from __future__ import annotations

import datetime
import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    TrigramWordSimilarity,
)
from django.db.models import Count, F, QuerySet, Window

from knowledge.models import SEARCH_CONFIG, SearchDocument, SearchKind
from tenancy.models import Organization

KINDS: dict[str, str] = dict(SearchKind.choices)

# Private markers for ts_headline: the document text is escaped first, then only these become
# <mark>, so nothing from a document can ever come out as markup.
_START, _STOP = "\x02", "\x03"
MIN_TRIGRAM_QUERY = 3
MAX_FUZZY = 100
_WORD_RE = re.compile(r"[a-z0-9]+")


def register_kind(kind: str, label: str) -> None:
    """Let another app index its rows under `kind` (shown as `label` in filters and results)."""
    KINDS[kind] = label


def index_upsert(*, organization: Organization, kind: str, object_id: int, title: str,
                 body: str = "", tags: list[str] | None = None, pod_id: int | None = None,
                 guild_id: int | None = None, date: datetime.date | None = None,
                 url: str = "") -> None:
    if kind not in KINDS:
        raise ValueError(f"Unknown search kind {kind!r}: call register_kind first.")
    tags = list(tags or [])
    SearchDocument.unscoped.update_or_create(
        organization=organization, kind=kind, object_id=object_id,
        defaults={"title": title[:300], "body": body, "tags": tags,
                  "tags_text": " ".join(t.replace("-", " ") for t in tags)[:600],
                  "pod_id_ref": pod_id, "guild_id_ref": guild_id, "date": date, "url": url[:300]},
    )


def index_remove(*, organization: Organization, kind: str, object_id: int) -> None:
    SearchDocument.objects.for_org(organization).filter(kind=kind, object_id=object_id).delete()


def _mark(text: str | None) -> str:
    return html.escape(text or "").replace(_START, "<mark>").replace(_STOP, "</mark>")


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
    fuzzy: bool = False  # typo fallback: trigram similarity on titles

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.count // self.per_page))

    @property
    def has_next(self) -> bool:
        return self.page < self.num_pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def _filtered(organization: Organization, *, kind: str = "", guild_id: int | None = None,
              pod_id: int | None = None, tag: str = "", since: datetime.date | None = None,
              until: datetime.date | None = None) -> QuerySet[SearchDocument]:
    qs = SearchDocument.objects.for_org(organization)
    if kind:
        qs = qs.filter(kind=kind)
    if guild_id:
        qs = qs.filter(guild_id_ref=guild_id)
    if pod_id:
        qs = qs.filter(pod_id_ref=pod_id)
    if tag:
        qs = qs.filter(tags__contains=[tag])
    if since:
        qs = qs.filter(date__gte=since)
    if until:
        qs = qs.filter(date__lte=until)
    return qs


def search_sql(*, organization: Organization, q: str, per_page: int = 20) -> tuple[str, Any]:
    """The SQL and params of the ranked page query the app runs first (for `make bench`'s raw
    comparison)."""
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    columns = ("id", "kind", "title", "url", "date", "tags", "rank")
    qs = (_filtered(organization).filter(vector=query)
          .annotate(rank=SearchRank(F("vector"), query), total=Window(expression=Count("id")))
          .order_by("-rank", "-date", "-id").values(*columns, "total")[:per_page])
    return qs.query.sql_with_params()


def search_documents(*, organization: Organization, q: str, page: int = 1, per_page: int = 20,
                     **filters: Any) -> SearchResult:
    """Ranked, highlighted results for `q` in the organization: two queries (the page with its
    total, then highlights); when nothing matches, the words as prefixes (search as you type), then trigram
    similarity on titles (typos), one or two queries more each."""
    q = (q or "").strip()[:200]
    result = SearchResult(q=q, page=max(1, page), per_page=per_page)
    base = _filtered(organization, **filters)
    offset = (result.page - 1) * per_page
    columns = ("id", "kind", "title", "url", "date", "tags", "rank")
    if not q:
        rows = list(base.annotate(rank=F("id") * 0.0).order_by("-date", "-id")
                    .values(*columns)[offset:offset + per_page])
        result.count = base.count()
        result.hits = [_hit(r, html.escape(r["title"]), "") for r in rows]
        return result
    query = SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)
    rows = _ranked_page(base, query, offset, per_page, columns)
    prefix = _prefix_query(q)
    if not rows and prefix is not None:
        # Search as you type: "calibrat" finds "calibrate" (every word as a prefix).
        query = prefix
        rows = _ranked_page(base, query, offset, per_page, columns)
    if rows:
        result.count = rows[0]["total"]
        marks = _headlines(organization, [r["id"] for r in rows], query)
        result.hits = [_hit(r, *marks.get(r["id"], (html.escape(r["title"]), ""))) for r in rows]
        return result
    if offset:  # past the last page: say how many there are
        result.count = base.filter(vector=query).count()
        return result
    if len(q) < MIN_TRIGRAM_QUERY:
        return result
    if any(v for v in filters.values()) and _filtered(organization).filter(
            vector=SearchQuery(q, search_type="websearch", config=SEARCH_CONFIG)).exists():
        return result  # the words are known, the filters exclude them: not a typo
    # One query: the closest titles, at most MAX_FUZZY of them (a typo needs no deep paging).
    close = list(base.filter(title__trigram_word_similar=q)
                 .annotate(rank=TrigramWordSimilarity(q, "title"))
                 .order_by("-rank", "-date", "-id").values(*columns)[:MAX_FUZZY])
    result.count = len(close)
    rows = close[offset:offset + per_page]
    result.fuzzy = bool(rows)
    # Highlight what was typed as unstemmed prefixes ("calibrat" marks "Calibrate").
    simple = _prefix_query(q, config="simple")
    marks = _headlines(organization, [r["id"] for r in rows], simple, config="simple") if simple else {}
    result.hits = [_hit(r, *marks.get(r["id"], (html.escape(r["title"]), ""))) for r in rows]
    return result


def _ranked_page(base: QuerySet[SearchDocument], query: SearchQuery, offset: int, per_page: int,
                 columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """One page of matches, best first, each row carrying the total (one index scan, no
    separate count query)."""
    return list(base.filter(vector=query)
                .annotate(rank=SearchRank(F("vector"), query),
                          total=Window(expression=Count("id")))
                .order_by("-rank", "-date", "-id").values(*columns, "total")[offset:offset + per_page])


def _prefix_query(q: str, config: str = SEARCH_CONFIG) -> SearchQuery | None:
    words = [w for w in _WORD_RE.findall(q.lower()) if w not in ("or", "and")][:8]
    if not words or q.count('"') or any(w.startswith("-") for w in q.split()):
        return None
    raw = " & ".join(f"{w}:*" for w in words)
    return SearchQuery(raw, search_type="raw", config=config)


def _headlines(organization: Organization, ids: list[int], query: SearchQuery,
               config: str = SEARCH_CONFIG) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    rows = (SearchDocument.objects.for_org(organization).filter(pk__in=ids)
            .annotate(
                title_hl=SearchHeadline("title", query, config=config, start_sel=_START,
                                        stop_sel=_STOP, highlight_all=True),
                body_hl=SearchHeadline("body", query, config=config, start_sel=_START,
                                       stop_sel=_STOP, max_words=35, min_words=15,
                                       max_fragments=2, fragment_delimiter=" … "))
            .values_list("id", "title_hl", "body_hl"))
    return {pk: (_mark(t), _mark(b)) for pk, t, b in rows}


def _hit(row: dict[str, Any], title_html: str, snippet_html: str) -> SearchHit:
    return SearchHit(kind=row["kind"], kind_label=KINDS.get(row["kind"], row["kind"]),
                     title_html=title_html, snippet_html=snippet_html, url=row["url"],
                     date=row["date"], tags=row["tags"], rank=float(row["rank"] or 0))
