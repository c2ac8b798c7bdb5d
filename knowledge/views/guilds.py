"""Knowledge home, search, guilds, lessons (with live preview, drafts, votes, comments, history)
and the pod page's knowledge panel."""

from __future__ import annotations

import difflib
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from knowledge import selectors, services
from knowledge.forms import CommentForm, GuildForm, LessonEditForm, LessonFilterForm, LessonForm, SearchForm
from knowledge.markdown import render_markdown
from knowledge.models import Guild, Lesson, LessonComment, LessonStatus
from knowledge.search import search_documents
from knowledge.views.common import get_or_404, kurl
from tenancy.cache import CSRF_PLACEHOLDER, LESSON_SCOPES, cached_fragment, fill_csrf
from tenancy.http import OrgRequest
from tenancy.permissions import can
from tenancy.views.base import OrgPageMixin, render_htmx
from tenancy.views.forms import form_submit

LESSONS_PER_PAGE = 20
SEARCH_PER_PAGE = 20


class KnowledgeHomeView(OrgPageMixin, View):
    """The knowledge overview: the search box, guilds, recent lessons and upcoming talks."""

    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        org = self.organization

        def render_body() -> str:
            return render_to_string("knowledge/_home_body.html", {
                "organization": org,
                "guilds": list(selectors.guild_list(organization=org)),
                "recent": list(selectors.lesson_list(organization=org)[:8]),
                "talks": list(selectors.talk_list(organization=org, upcoming=True)[:5]),
            })

        body = cached_fragment(org, "knowledge_home", (), render_body, scopes=LESSON_SCOPES)
        return render(request, "knowledge/home.html", {
            "body_html": body,
            "can_create_guild": can(self.membership, "knowledge.create_guild"),
        })


class SearchView(OrgPageMixin, View):
    """One search box across lessons, post-mortems, talks and presentations; htmx swaps the
    results as the user types."""

    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = SearchForm(request.GET or None, organization=self.organization)
        q = form.cleaned_data.get("q", "") if form.is_valid() else ""
        try:
            page = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page = 1
        result = search_documents(organization=self.organization, q=q, viewer=self.membership, page=page,
                                  per_page=SEARCH_PER_PAGE, **form.filters())
        ctx = {"form": form, "result": result, "searched": bool(q or form.filters())}
        return render_htmx(request, "knowledge/search.html", ctx,
                           partial="knowledge/_search_results.html")


# --- Guilds --------------------------------------------------------------------------------------


class GuildObjectMixin(OrgPageMixin):
    guild: Guild

    def load_guild(self, pk: Any) -> Guild:
        self.guild = get_or_404(selectors.guild_get, organization=self.organization, pk=pk)
        return self.guild


class GuildCreateView(OrgPageMixin, View):
    permission_required = "knowledge.create_guild"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        return self._render(GuildForm())

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = GuildForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: services.guild_create(organization=self.organization, actor=request.user, **data),
            success=lambda guild: f"Guild “{guild.name}” created; you are its steward.",
            redirect_to=lambda guild: kurl(self.organization, "guild_detail", guild.pk))
        return done or self._render(form, status=400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "knowledge/form.html", {
            "form": form, "title": "New guild", "submit": "Create guild",
            "cancel": kurl(self.organization, "home")}, status=status)


class GuildDetailView(GuildObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        guild = self.load_guild(pk)
        org = self.organization
        may_edit = can(self.membership, "knowledge.change_guild", guild)
        may_post = can(self.membership, "knowledge.post_lesson", guild)
        # Stewards see per-member actions that leave themselves out, so their copy is their own.
        viewer_id = request.user.pk if may_edit else None

        def render_body() -> str:
            return render_to_string("knowledge/_guild_body.html", {
                "guild": guild, "organization": org, "may_edit": may_edit, "may_post": may_post,
                "viewer_id": viewer_id, "csrf_placeholder": CSRF_PLACEHOLDER,
                "members": selectors.guild_members(organization=org, guild=guild),
                "lessons": list(selectors.lesson_list(organization=org, guild_id=guild.pk)[:10]),
                "talks": list(selectors.talk_list(organization=org, guild_id=guild.pk, upcoming=True)[:5]),
            })

        body = cached_fragment(org, "guild_body", (guild.pk, may_edit, may_post, viewer_id,
                                                   timezone.localdate()), render_body,
                               scopes=LESSON_SCOPES)
        return render(request, "knowledge/guild_detail.html", {
            "guild": guild, "body_html": fill_csrf(body, request),
            "is_member": guild.pk in self._roles(),
            "is_steward": self._roles().get(guild.pk, False),
        })

    def _roles(self) -> dict[int, bool]:
        from knowledge.permissions import guild_roles

        return guild_roles(self.membership)


class GuildEditView(GuildObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        guild = self.load_guild(pk)
        self.require("knowledge.change_guild", guild)
        form = GuildForm(initial={"name": guild.name, "topic": guild.topic,
                                  "description": guild.description})
        return self._render(form)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        guild = self.load_guild(pk)
        self.require("knowledge.change_guild", guild)
        form = GuildForm(request.POST)
        done = form_submit(
            request, form,
            lambda data: services.guild_update(organization=self.organization, actor=request.user,
                                               guild=guild, **data),
            success="Guild saved.", redirect_to=kurl(self.organization, "guild_detail", guild.pk))
        return done or self._render(form, status=400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "knowledge/form.html", {
            "form": form, "title": f"Edit {self.guild.name}", "submit": "Save",
            "cancel": kurl(self.organization, "guild_detail", self.guild.pk)}, status=status)


class GuildMembershipView(GuildObjectMixin, View):
    """POST action=join|leave (anyone), or action=steward|unsteward with user=<id> (stewards)."""

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        guild = self.load_guild(pk)
        org, action = self.organization, request.POST.get("action", "")
        try:
            if action == "join":
                self.require("knowledge.join_guild", guild)
                services.guild_join(organization=org, actor=request.user, guild=guild)
                messages.success(request, f"You joined {guild.name}.")
            elif action == "leave":
                services.guild_leave(organization=org, actor=request.user, guild=guild)
                messages.success(request, f"You left {guild.name}.")
            elif action in ("steward", "unsteward"):
                self.require("knowledge.change_guild", guild)
                member = next((m for m in selectors.guild_members(organization=org, guild=guild)
                               if str(m.user_id) == request.POST.get("user")), None)
                if member is None:
                    raise ValidationError("That person is not a member of this guild.")
                services.guild_set_steward(organization=org, actor=request.user, guild=guild,
                                           user=member.user, is_steward=action == "steward")
            else:
                raise ValidationError("Unknown action.")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("knowledge:guild_detail", org_slug=org.slug, pk=guild.pk)


# --- Lessons -------------------------------------------------------------------------------------


class LessonListView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = LessonFilterForm(request.GET or None, organization=self.organization)
        filters = form.filters()
        page_no = request.GET.get("page", "1")

        def render_list() -> str:
            lessons = selectors.lesson_list(organization=self.organization, **filters)
            page = Paginator(lessons, LESSONS_PER_PAGE).get_page(page_no)
            return render_to_string("knowledge/_lesson_list.html", {
                "page": page, "filtered": bool(filters), "organization": self.organization,
                "request": request})

        # Published lessons look the same to every member: one fragment per org data version.
        html = cached_fragment(self.organization, "lesson_list",
                               (sorted(filters.items()), page_no), render_list, scopes=LESSON_SCOPES)
        return render_htmx(request, "knowledge/lesson_list.html",
                           {"form": form, "lesson_list_html": mark_safe(html)},  # noqa: S308
                           partial="knowledge/_lesson_list_wrap.html")


class DraftListView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        drafts = selectors.lesson_list(organization=self.organization, author=request.user,
                                       status=LessonStatus.DRAFT)
        page = Paginator(drafts, LESSONS_PER_PAGE).get_page(request.GET.get("page"))
        return render(request, "knowledge/drafts.html", {"page": page})


def _my_guilds(view: OrgPageMixin) -> Any:
    """Guilds the viewer may post into (admins: every guild)."""
    return selectors.guild_list_postable(organization=view.organization, viewer=view.membership)


class LessonCreateView(OrgPageMixin, View):
    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        initial = {"guild": request.GET.get("guild") or None, "kind": request.GET.get("kind") or "howto"}
        return self._render(LessonForm(organization=self.organization, guilds=_my_guilds(self),
                                       initial=initial))

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        form = LessonForm(request.POST, organization=self.organization, guilds=_my_guilds(self))
        publish = request.POST.get("action", "publish") != "draft"

        def create(data: dict[str, Any]) -> Any:
            self.require("knowledge.post_lesson", data["guild"])
            return services.lesson_create(organization=self.organization, actor=request.user,
                                          publish=publish, **data)

        done = form_submit(
            request, form, create, success="Lesson published." if publish else "Draft saved.",
            redirect_to=lambda lesson: kurl(self.organization, "lesson_detail", lesson.pk))
        return done or self._render(form, status=400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "knowledge/lesson_form.html",
                      {"form": form, "lesson": None,
                       "no_guilds": not form.fields["guild"].queryset.exists()}, status=status)


class LessonPreviewView(OrgPageMixin, View):
    """htmx live preview: the sanitised HTML of the posted Markdown."""

    permission_required = "knowledge.view"

    def post(self, request: OrgRequest, **kw: Any) -> HttpResponse:
        body = request.POST.get("body", "")[:40000]
        return render(request, "knowledge/_preview.html", {"html": mark_safe(render_markdown(body))})  # noqa: S308 (sanitised by nh3)


class LessonObjectMixin(OrgPageMixin):
    lesson: Lesson

    def load_lesson(self, pk: Any) -> Lesson:
        self.lesson = get_or_404(selectors.lesson_get, organization=self.organization, pk=pk,
                                 viewer=self.request.user)
        # A draft is visible to its author (and to whoever may moderate it) only.
        if self.lesson.status == LessonStatus.DRAFT and not can(
                self.membership, "knowledge.change_lesson", self.lesson):
            from django.http import Http404

            raise Http404
        return self.lesson


class LessonPageMixin(LessonObjectMixin):
    """What the lesson page shows; POST views re-render it with a form's errors."""

    def context(self, comment_form: CommentForm) -> dict[str, Any]:
        org = self.organization
        return {
            "lesson": self.lesson,
            "body_html": mark_safe(self.lesson.body_html),  # noqa: S308 (sanitised on save)
            "comments": selectors.lesson_comments(organization=org, lesson=self.lesson),
            "comment_form": comment_form,
        }


class LessonDetailView(LessonPageMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        self.load_lesson(pk)
        return render(request, "knowledge/lesson_detail.html", self.context(CommentForm()))


class LessonEditView(LessonObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        lesson = self.load_lesson(pk)
        self.require("knowledge.change_lesson", lesson)
        form = LessonEditForm(organization=self.organization, guilds=_my_guilds(self), initial={
            "title": lesson.title, "kind": lesson.kind, "body": lesson.body,
            "tags": ", ".join(lesson.tags), "pod": lesson.pod_id, "incident": lesson.incident_id,
            "presentation": lesson.presentation_id})
        return self._render(form)

    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        lesson = self.load_lesson(pk)
        self.require("knowledge.change_lesson", lesson)
        if request.POST.get("action") == "delete":
            if lesson.status == LessonStatus.PUBLISHED:  # authors discard drafts; stewards moderate
                self.require("knowledge.moderate_lesson", lesson)
            services.lesson_delete(organization=self.organization, actor=request.user, lesson=lesson)
            messages.success(request, "Lesson deleted.")
            return redirect("knowledge:lesson_list", org_slug=self.organization.slug)
        form = LessonEditForm(request.POST, organization=self.organization, guilds=_my_guilds(self))
        done = form_submit(
            request, form,
            lambda data: services.lesson_update(
                organization=self.organization, actor=request.user, lesson=lesson,
                publish=request.POST.get("action") == "publish", **data),
            success="Lesson saved.", redirect_to=kurl(self.organization, "lesson_detail", lesson.pk))
        return done or self._render(form, status=400)

    def _render(self, form: Any, status: int = 200) -> HttpResponse:
        return render(self.request, "knowledge/lesson_form.html",
                      {"form": form, "lesson": self.lesson}, status=status)


class LessonHistoryView(LessonObjectMixin, View):
    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        lesson = self.load_lesson(pk)
        revisions = selectors.lesson_revisions(organization=self.organization, lesson=lesson)
        versions = [(lesson.version, lesson.title, lesson.body, lesson.updated_at, None)] + [
            (r.version, r.title, r.body, r.created_at, r.editor) for r in revisions]
        entries = []
        for newer, older in zip(versions, versions[1:], strict=False):
            diff = difflib.unified_diff(older[2].splitlines(), newer[2].splitlines(),
                                        f"v{older[0]}", f"v{newer[0]}", lineterm="", n=1)
            entries.append({"version": newer[0], "title": newer[1], "when": newer[3],
                            "editor": older[4], "diff": list(diff)[2:],
                            "title_changed": newer[1] != older[1], "old_title": older[1]})
        return render(request, "knowledge/lesson_history.html",
                      {"lesson": lesson, "entries": entries, "first": versions[-1]})


class LessonVoteView(LessonObjectMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        lesson = self.load_lesson(pk)
        self.require("knowledge.vote_lesson", lesson)
        try:
            services.lesson_vote_toggle(organization=self.organization, actor=request.user,
                                        lesson=lesson)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        if request.htmx:
            return render(request, "knowledge/_vote.html", {"lesson": self.load_lesson(pk)})
        return redirect("knowledge:lesson_detail", org_slug=self.organization.slug, pk=lesson.pk)


class LessonCommentView(LessonPageMixin, View):
    def post(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        lesson = self.load_lesson(pk)
        self.require("knowledge.comment_lesson", lesson)
        form = CommentForm(request.POST)

        def comment(data: dict[str, Any]) -> Any:
            parent = None
            if data.get("parent"):
                try:
                    parent = selectors.lesson_comment_get(organization=self.organization,
                                                          lesson=lesson, pk=data["parent"])
                except LessonComment.DoesNotExist:
                    parent = None
            return services.lesson_comment_create(organization=self.organization, actor=request.user,
                                                  lesson=lesson, body=data["body"], parent=parent)

        done = form_submit(request, form, comment, success=None,
                           respond=lambda _: self._comments(request, pk, CommentForm(), 200))
        return done or self._comments(request, pk, form, 400)

    def _comments(self, request: OrgRequest, pk: int, form: CommentForm, status: int) -> HttpResponse:
        if status == 200 and not request.htmx:
            return redirect("knowledge:lesson_detail", org_slug=self.organization.slug, pk=pk)
        self.lesson = self.load_lesson(pk)
        return render_htmx(request, "knowledge/lesson_detail.html", self.context(form),
                           partial="knowledge/_comments.html", status=status)


class LessonCommentRemoveView(LessonPageMixin, View):
    """Authors, the guild's stewards and admins remove a comment (the thread stays)."""

    def post(self, request: OrgRequest, pk: int, comment_pk: int, **kw: Any) -> HttpResponse:
        lesson = self.load_lesson(pk)
        comment = get_or_404(selectors.lesson_comment_get, organization=self.organization,
                             lesson=lesson, pk=comment_pk)
        self.require("knowledge.remove_comment", comment)
        services.lesson_comment_remove(organization=self.organization, actor=request.user,
                                       comment=comment)
        if not request.htmx:
            return redirect("knowledge:lesson_detail", org_slug=self.organization.slug, pk=lesson.pk)
        self.lesson = self.load_lesson(pk)
        return render_htmx(request, "knowledge/lesson_detail.html", self.context(CommentForm()),
                           partial="knowledge/_comments.html")


class PodPanelView(OrgPageMixin, View):
    """The pod page's knowledge panel (htmx): lessons and incidents linked to the pod."""

    permission_required = "knowledge.view"

    def get(self, request: OrgRequest, pk: int, **kw: Any) -> HttpResponse:
        from pods.selectors import pod_list

        pod = get_or_404(lambda **k: pod_list(organization=self.organization).only("id", "name")
                         .get(pk=k["pk"]), pk=pk)
        data = selectors.pod_knowledge(organization=self.organization, pod_id=pod.pk)
        return render(request, "knowledge/_pod_panel.html", {"pod": pod, **data})
