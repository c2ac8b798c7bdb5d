"""The header: the organization's navigation marks the active section, stays on the profile and
organizations pages, and carries the global search box (the "/" shortcut lives in podium.js)."""

from tenancy.models import Organization
from tests.factories import member

NAV = '<nav aria-label="Organization">'


def test_top_navigation_marks_the_active_section(client, org):
    client.force_login(member(org, "admin").user)
    people = client.get(f"/o/{org.slug}/people/").content.decode()
    assert 'aria-current="true">People</a>' in people
    assert 'aria-current="true">Pods</a>' not in people
    pods = client.get(f"/o/{org.slug}/").content.decode()
    assert 'aria-current="true">Pods</a>' in pods
    audit = client.get(f"/o/{org.slug}/audit/").content.decode()
    assert 'aria-current="true">Audit</a>' in audit
    assert '<summary class="current">Admin</summary>' in audit  # the group shows where you are
    # Skills and pod roles are People's sub-pages: the top bar marks People, the sub-nav the page.
    skills = client.get(f"/o/{org.slug}/skills/").content.decode()
    assert 'aria-current="true">People</a>' in skills and 'aria-current="page">Skills</a>' in skills


def test_the_top_bar_groups_admin_pages_and_the_users_own_links(client, org):
    """Sixteen links in one row wrapped the header onto two lines at desktop widths: the admin
    pages sit in an Admin group that only admins get, and profile, API tokens and sign-out in
    the user's menu."""
    client.force_login(member(org).user)
    body = client.get(f"/o/{org.slug}/").content.decode()
    assert ">Admin</summary>" not in body and f'href="/o/{org.slug}/audit/"' not in body
    user_menu = body[body.index('class="nav-group user-menu"'):]
    assert f'href="/o/{org.slug}/tokens/"' in user_menu.split("</details>")[0]
    assert "Sign out" in user_menu.split("</details>")[0]
    client.force_login(member(org, "admin").user)
    body = client.get(f"/o/{org.slug}/").content.decode()
    admin_group = body[body.index(">Admin</summary>"):].split("</details>")[0]
    for page in ("members", "audit", "settings"):
        assert f'href="/o/{org.slug}/{page}/"' in admin_group, page


def test_profile_and_organizations_pages_keep_the_org_navigation(client, org):
    user = member(org).user
    second = Organization.objects.create(name="Second Co", slug="second-co")
    member(second, user=user)
    client.force_login(user)
    body = client.get(f"/o/{org.slug}/").content.decode()
    assert f'href="/accounts/profile/?org={org.slug}"' in body
    assert f'href="/orgs/?org={org.slug}"' in body
    for url in ("/accounts/profile/", "/orgs/", "/accounts/password/change/"):
        page = client.get(f"{url}?org={org.slug}").content.decode()
        assert NAV in page and f'href="/o/{org.slug}/people/"' in page, url
    # Two organizations and no hint: no guess.
    assert NAV not in client.get("/accounts/profile/").content.decode()
    # Someone else's organization in the hint: nothing of it shows.
    other = Organization.objects.create(name="Not Mine", slug="not-mine")
    assert NAV not in client.get("/accounts/profile/?org=not-mine").content.decode()
    assert other.name not in client.get("/accounts/profile/?org=not-mine").content.decode()


def test_single_org_user_keeps_navigation_on_profile(client, org):
    client.force_login(member(org).user)
    assert NAV in client.get("/accounts/profile/").content.decode()


def test_header_has_one_global_search_box(client, org):
    client.force_login(member(org).user)
    body = client.get(f"/o/{org.slug}/").content.decode()
    assert body.count('id="global-q"') == 1
    assert f'action="/o/{org.slug}/knowledge/search/"' in body
    assert 'aria-keyshortcuts="/"' in body
    assert "js/podium.js" in body and "<script>" not in body
