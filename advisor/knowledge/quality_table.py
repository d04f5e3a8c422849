"""Published quality tables (``advisor.quality/1``) and their figures, as loaded.

    >>> QualityScore("Qwen/Qwen3-8B", 1.99).value
    1.99
"""

from __future__ import annotations


from advisor.frozen import frozen
from advisor.knowledge.source import Source


QUALITY_KINDS = ("independent", "vendor_reported")


@frozen
class QualityScore:
    """One model's figure in a published table (``as_listed``: the name the table gives it;
    ``url``/``section``: where this one figure is published, for a vendor's own cards)."""

    model: str
    value: float
    as_listed: str | None = None
    url: str | None = None
    section: str | None = None


@frozen
class QualityTable:
    """A published table of quality figures (``advisor.quality/1``): a leaderboard read on
    ``checked``, or the scores vendors report on one common benchmark (``vendor_reported``).

    ``QualityTable("lmarena-text", "LMArena Text", "LMArena", "https://lmarena.ai", ...)``
    """

    id: str
    title: str
    publisher: str
    url: str
    published: str
    checked: str
    kind: str                        # independent | vendor_reported
    metric: str
    higher_is_better: bool
    scores: tuple[QualityScore, ...]
    copy: str | None = None          # where the table was actually read, when not at `url`
    confirmed: bool = True           # false: read second-hand (name it in `copy`)
    notes: str | None = None
    file: str | None = None
    use_cases: tuple[str, ...] = ()  # the uses it speaks to (a coding leaderboard); () all
    modalities: tuple[str, ...] = () # the inputs or outputs it measures (vision); () any

    def source(self) -> Source:
        """The table as a citable source."""
        return Source(title=f"{self.title} ({self.publisher}, {self.published})",
                      section=self.metric, url=self.url, checked=self.checked,
                      copy=self.copy)
