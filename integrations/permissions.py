"""Who may manage outgoing webhooks: the org's admins (DESIGN.md, roles)."""

from tenancy.permissions import is_org_admin, perms

perms.add_rule("integrations.manage_webhooks", is_org_admin)
