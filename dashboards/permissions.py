"""Who sees the overview and scorecards (every member: each tile and attention source carries its
own permission, so a member sees pod health but not approval cycle times, and only the
escalations they may open), and who edits scorecard checks and recomputes snapshots (admins)."""

from tenancy.permissions import is_member, is_org_admin, perms

perms.add_rule("dashboards.view_overview", is_member)
perms.add_rule("dashboards.view_scorecards", is_member)
perms.add_rule("dashboards.edit_checks", is_org_admin)
perms.add_rule("dashboards.recompute", is_org_admin)
