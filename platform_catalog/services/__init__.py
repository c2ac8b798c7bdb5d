"""Writes of the platform catalog, one module per concept (library, components, data products…)."""
