"""Deterministic fictional demo data: the demo district's org tree, enterprises and members.

`generator.seed(scale=..., seed=...)` builds everything; `accounts` holds the demo logins.
Used by the `seed_demo` and `demo_accounts` commands and by `bench/`.
"""
