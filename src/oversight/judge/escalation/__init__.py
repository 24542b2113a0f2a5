"""Intervention and escalation cases (oversight.md §4): triggers, states, exit criteria.

Pure logic lives in `states` (the legal transitions), `criteria` (exit-criteria evaluation over
a metric series) and `triggers` (which organisations a case is proposed for); `cases` is the
edge that stores cases in the operational database and audits every change.
"""
