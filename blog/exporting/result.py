"""What an export did, file by file."""

from collections import Counter
from dataclasses import dataclass, field

AS_IMPORTED, REWRITTEN, NEW, LEFT_OUT = "as imported", "rewritten", "new", "left out"


@dataclass
class FileNote:
    path: str
    kind: str
    how: str
    detail: str = ""


@dataclass
class ExportResult:
    dialect: str
    files: list[FileNote] = field(default_factory=list)
    #: Objects that could not be written, each with why.
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        totals = Counter(note.how for note in self.files)
        return {how: totals[how] for how in (AS_IMPORTED, REWRITTEN, NEW, LEFT_OUT)}

    @property
    def failed(self) -> bool:
        return bool(self.problems)
