"""User-facing errors: each carries the lines a person should read (never a traceback)."""

from __future__ import annotations


class ReviewerError(Exception):
    def __init__(self, problems: str | list[str]):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


class NotFound(ReviewerError):
    pass
