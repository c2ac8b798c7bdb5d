"""The one searchable table, and the lexicon of its words that corrects typos."""

from __future__ import annotations

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.db import models

from tenancy.scoping import OrgOwned


class SearchKind(models.TextChoices):
    LESSON = "lesson", "Lesson"
    POSTMORTEM = "postmortem", "Post-mortem"
    TALK = "talk", "Talk"
    PRESENTATION = "presentation", "Presentation"


SEARCH_CONFIG = "english"


class SearchDocument(OrgOwned):
    """One searchable row per lesson, post-mortem, talk or presentation (and, later, catalog entry).

    `vector` is a stored generated column (title weighted A, tags C, body B), so it can never
    drift from the text; services upsert the row whenever they write what it indexes. `kind` is
    a free string so other apps can register kinds of their own (see `knowledge.search`).
    """

    kind = models.CharField(max_length=24)
    object_id = models.BigIntegerField()
    title = models.CharField(max_length=300)
    body = models.TextField(blank=True)
    tags_text = models.CharField(max_length=600, blank=True)
    tags = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    pod_id_ref = models.BigIntegerField(null=True, blank=True)  # plain ids: no FK fan-out
    guild_id_ref = models.BigIntegerField(null=True, blank=True)
    date = models.DateField(null=True, blank=True)
    url = models.CharField(max_length=300)
    vector = models.GeneratedField(
        expression=SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("tags_text", weight="C", config=SEARCH_CONFIG)
        + SearchVector("body", weight="B", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "object_id"],
                                    name="searchdoc_unique_object")
        ]
        indexes = [
            # btree_gin puts organization_id inside the GIN index, so one index answers both.
            GinIndex(fields=["organization", "vector"], name="searchdoc_org_vector"),
            GinIndex(fields=["organization", "title"], name="searchdoc_org_title_trgm",
                     opclasses=["int8_ops", "gin_trgm_ops"]),
            models.Index(fields=["organization", "kind", "-date"], name="searchdoc_org_kind"),
            # The search page before anything is typed: the newest documents, by index order.
            models.Index(fields=["organization", "-date", "-id"], name="searchdoc_org_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"


class SearchTerm(OrgOwned):
    """One distinct word of the organization's search documents: the lexicon that corrects typos.

    A query that matches nothing has each unknown word replaced by the closest known word (pg_trgm
    similarity on this small table, not on the documents), then runs again as full-text search:
    "Did you mean". Words are added as documents are indexed; words of deleted or edited
    documents linger harmlessly until the nightly rebuild (`knowledge.search.search_terms_rebuild`).
    """

    word = models.CharField(max_length=40)

    class Meta(OrgOwned.Meta):
        constraints = [
            models.UniqueConstraint(fields=["organization", "word"], name="searchterm_unique_word"),
        ]
        indexes = [
            GinIndex(fields=["organization", "word"], name="searchterm_org_word_trgm",
                     opclasses=["int8_ops", "gin_trgm_ops"]),
        ]

    def __str__(self) -> str:
        return self.word
