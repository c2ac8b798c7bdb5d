"""Bench writes, split by concept: entries, requests, suggestions (recompute, accept, dismiss)."""
