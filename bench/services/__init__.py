"""Bench writes, split by concept: `entries`, `requests`, `recompute` (the worker, from
`add_proposals` and `upkeep_proposals`), `decisions` (accept, dismiss) and `budget` (the holds)."""
