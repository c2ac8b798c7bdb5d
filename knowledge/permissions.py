"""Who may do what in knowledge; rules registered into tenancy.permissions.perms."""
