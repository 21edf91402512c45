"""Skill training rewards have no scheduled job: overdue reviews show on the dashboard
(`selectors.rewards.due_reviews_summary`) and payments are recorded by the finance office."""

__all__: list[str] = []
