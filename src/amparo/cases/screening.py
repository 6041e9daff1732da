"""The screening rule: from indicator answers to a proposed trafficking status.

Follows the ILO-EC (2009) operational logic: a presumed victim shows means (deception, coercion, abuse
of vulnerability) AND exploitation, each by a strong indicator or by two of any strength. For children,
the means are not required (Article 202 Ter: for a minor the crime exists even without any means), so
exploitation alone makes a presumed victim. The proposal is only a proposal: a person confirms it.
"""

from __future__ import annotations

from collections.abc import Mapping

from .vocab import INDICATORS, Answer, TraffickingStatus


def _dimension(answers: Mapping[str, str], dimension: str) -> tuple[bool, int]:
    yes = [i for i in INDICATORS if i.dimension == dimension and answers.get(i.code) == Answer.YES]
    return any(i.strength == "strong" for i in yes), len(yes)


def propose_status(answers: Mapping[str, str], *, minor: bool) -> str:
    strong_means, n_means = _dimension(answers, "means")
    strong_exploitation, n_exploitation = _dimension(answers, "exploitation")
    exploitation = strong_exploitation or n_exploitation >= 2
    means = strong_means or n_means >= 2
    if exploitation and (means or minor):
        return TraffickingStatus.PRESUMED
    if n_means or n_exploitation:
        return TraffickingStatus.POSSIBLE
    if all(answers.get(i.code) == Answer.NO for i in INDICATORS):
        return TraffickingStatus.NOT_A_VICTIM
    return TraffickingStatus.POSSIBLE  # unanswered indicators: keep looking


def age_group(low: int | None, high: int | None) -> str:
    """CTDC ageBroad of the lower bound of the age (presumption of minority), or -99 if unknown."""
    if low is None:
        return "-99"
    for bound, label in (
        (8, "0-8"),
        (17, "9-17"),
        (20, "18-20"),
        (23, "21-23"),
        (26, "24-26"),
        (29, "27-29"),
        (38, "30-38"),
        (47, "39-47"),
    ):
        if low <= bound:
            return label
    return "48+"
