# django-axes ships no type information; only what Podium calls is described (tenancy.auth_backends,
# tenancy.views.accounts). Other axes modules are Any (ignore_missing_imports in pyproject.toml).
