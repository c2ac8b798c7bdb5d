"""Governance writes, split by concept; import from the submodules."""
