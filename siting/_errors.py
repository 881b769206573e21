"""One error type for every problem a user can fix, carrying where it is and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problem:
    """A single problem found in a file or an argument."""

    message: str
    file: str | None = None
    key: str | None = None
    line: int | None = None
    fix: str | None = None
    severity: str = "error"  # error: blocks scoring; warning: reported by `siting validate`

    def format(self) -> str:
        """Render as ``file:line: key: message (fix: ...)``."""
        where = "warning: " if self.severity == "warning" else ""
        if self.file:
            where += self.file + (f":{self.line}" if self.line else "") + ": "
        key = f"{self.key}: " if self.key else ""
        text = f"{where}{key}{self.message}"
        if self.fix:
            text += f"\n  fix: {self.fix}"
        return text


@dataclass
class SitingError(Exception):
    """Raised for bad input; the CLI prints it as one message and exits with code 2."""

    message: str
    file: str | None = None
    key: str | None = None
    line: int | None = None
    fix: str | None = None
    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @classmethod
    def from_problems(cls, problems: list[Problem], summary: str | None = None) -> SitingError:
        """Wrap several problems; the first one gives the headline."""
        first = problems[0]
        err = cls(
            summary or first.message,
            file=first.file,
            key=first.key,
            line=first.line,
            fix=first.fix,
        )
        err.problems = list(problems)
        return err

    def as_problems(self) -> list[Problem]:
        if self.problems:
            return list(self.problems)
        return [Problem(self.message, self.file, self.key, self.line, self.fix)]

    def format(self) -> str:
        probs = self.as_problems()
        if len(probs) == 1:
            return probs[0].format()
        lines = [f"{len(probs)} problems:"] + [
            "- " + p.format().replace("\n", "\n  ") for p in probs
        ]
        return "\n".join(lines)
