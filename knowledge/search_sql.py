"""The SQL behind `knowledge.search`, written out once so every request runs it without ORM
compilation (which cost more than PostgreSQL spends answering).

Statements are templates with `{where}` (fixed filter fragments from `filters_where`) and
`{tsquery}` (one of two function names) filled from constants only; everything the user typed
travels as a named parameter.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from knowledge.models import SEARCH_CONFIG

CONFIG = SEARCH_CONFIG
WEBSEARCH = "websearch_to_tsquery"  # what people type: quotes, or, -exclusion
RAW = "to_tsquery"  # built by the app (prefix matching)

# Private markers for ts_headline: the document text is escaped first, then only these become
# <mark> (knowledge.search._mark).
START, STOP = "\x02", "\x03"
TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"
BODY_HEADLINE = (f'StartSel={START}, StopSel={STOP}, MaxWords=35, MinWords=15, MaxFragments=2, '
                 f'FragmentDelimiter=" … "')

_QUERY = "{tsquery}(%(config)s::regconfig, %(q)s)"
MATCH = f" AND d.vector @@ {_QUERY}"

# One page of matches, best first, each row with the total (one index scan, no count query).
# The window and the sort see only (id, date, rank): carrying the wide rows (their tsvectors)
# through them made PostgreSQL spill to disk on common words ("OFFSET 0" keeps the planner
# from flattening the ranking subquery back into the window's input). The page's 20 rows then get
# their text and highlights by primary key.
RANKED_PAGE = f"""
SELECT d.id, d.kind, d.title, d.url, d.date, d.tags, page.rank, page.total,
       ts_headline(%(config)s::regconfig, d.title, {_QUERY}, %(title_opts)s) AS title_hl,
       ts_headline(%(config)s::regconfig, d.body, {_QUERY}, %(body_opts)s) AS body_hl
  FROM (SELECT m.id, m.rank, count(*) OVER () AS total
          FROM (SELECT d.id, d.date, ts_rank(d.vector, {_QUERY}) AS rank
                  FROM knowledge_searchdocument d
                 WHERE {{where}}{MATCH}
                OFFSET 0) m
         ORDER BY m.rank DESC, m.date DESC, m.id DESC
         LIMIT %(limit)s OFFSET %(offset)s) page
  JOIN knowledge_searchdocument d ON d.id = page.id
 ORDER BY page.rank DESC, d.date DESC, d.id DESC
"""

# No query: the newest documents (the search page before anything is typed, or filters only),
# read in index order; the total is counted apart (a window over every row spilled to disk).
RECENT = """
SELECT d.id, d.kind, d.title AS title_hl, '' AS body_hl, d.url, d.date, d.tags, 0.0 AS rank,
       (SELECT count(*) FROM knowledge_searchdocument d WHERE {where}) AS total
  FROM knowledge_searchdocument d
 WHERE {where}
 ORDER BY d.date DESC, d.id DESC
 LIMIT %(limit)s OFFSET %(offset)s
"""

COUNT = "SELECT count(*) FROM knowledge_searchdocument d WHERE {where}{match}"

MIN_TERM = 3  # shorter words are never corrected: their trigrams say too little
MAX_TERM = 40  # longer "words" (hashes, run-together identifiers) stay out of the lexicon

# The lexicon's words: lower-cased runs of letters and digits, 3 to 40 long, not only digits.
# Inserted in word order, so two transactions adding overlapping words cannot deadlock.
TERMS_FROM_DOCUMENTS = f"""
INSERT INTO knowledge_searchterm (organization_id, word)
SELECT DISTINCT d.organization_id, w.word
  FROM knowledge_searchdocument d,
       regexp_split_to_table(lower(d.title || ' ' || d.tags_text || ' ' || d.body),
                             '[^[:alnum:]]+') AS w(word)
 WHERE d.organization_id = %s {{where}}
   AND length(w.word) BETWEEN {MIN_TERM} AND {MAX_TERM} AND w.word !~ '^[0-9]+$'
 ORDER BY 2
    ON CONFLICT (organization_id, word) DO NOTHING
"""
ONE_DOCUMENT = "AND d.kind = %s AND d.object_id = %s"
NOT_KINDS = "AND d.kind <> ALL(%s)"  # kinds whose words stay out of the lexicon (restricted ones)

# For each query word: itself when the lexicon knows it (the unique btree index), else the
# closest word by trigram similarity above pg_trgm's threshold (the GIN index on organization
# and word; `::bigint` keeps the organization inside that index's condition, so the cost follows
# this organization's vocabulary, not every tenant's). COALESCE runs the second only when needed.
CLOSEST_TERMS = """
SELECT q.word,
       COALESCE((SELECT s.word FROM knowledge_searchterm s
                  WHERE s.organization_id = %(org)s::bigint AND s.word = q.word),
                (SELECT s.word FROM knowledge_searchterm s
                  WHERE s.organization_id = %(org)s::bigint AND s.word %% q.word
                  ORDER BY similarity(s.word, q.word) DESC, s.word
                  LIMIT 1))
  FROM unnest(%(words)s::text[]) AS q(word)
"""


def filters_where(organization_id: int, *, kind: str = "", guild_id: int | None = None,
                  pod_id: int | None = None, tag: str = "", since: datetime.date | None = None,
                  until: datetime.date | None = None,
                  restrict: Sequence[tuple[str, Sequence[int]]] = ()) -> tuple[str, dict[str, Any]]:
    """The WHERE clause (fixed fragments) and its named parameters for the organization and the
    filters. The organization comes first, as in every index of the table, typed as bigint so
    that it is part of the GIN index's condition (btree_gin compares no other integer type):
    a search reads this organization's postings, not every tenant's."""
    parts = ["d.organization_id = %(org)s::bigint"]
    params: dict[str, Any] = {"org": organization_id}
    for value, name, fragment in (
        (kind, "kind", "d.kind = %(kind)s"),
        (guild_id, "guild", "d.guild_id_ref = %(guild)s"),
        (pod_id, "pod", "d.pod_id_ref = %(pod)s"),
        (tag, "tag", "d.tags @> ARRAY[%(tag)s]::varchar(40)[]"),
        (since, "since", "d.date >= %(since)s"),
        (until, "until", "d.date <= %(until)s"),
    ):
        if value:
            parts.append(fragment)
            params[name] = value
    # Kinds not every member may see: of those, only the ids the viewer may find.
    for i, (restricted_kind, ids) in enumerate(restrict):
        parts.append(f"(d.kind <> %(rk{i})s OR d.object_id = ANY(%(rk{i}_ids)s::bigint[]))")
        params[f"rk{i}"], params[f"rk{i}_ids"] = restricted_kind, list(ids)
    return " AND ".join(parts), params


def page_params(where_params: dict[str, Any], *, q: str = "", limit: int,
                offset: int) -> dict[str, Any]:
    return {**where_params, "config": CONFIG, "q": q, "title_opts": TITLE_HEADLINE,
            "body_opts": BODY_HEADLINE, "limit": limit, "offset": offset}
