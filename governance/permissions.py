"""Who may do what in governance; rules registered into tenancy.permissions.perms."""
