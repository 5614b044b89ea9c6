"""A capture's text cut into segments, so quoted passages can be marked and anchored
even where two passages overlap."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from ..model import Capture, Passage


@dataclass
class Segment:
    text: str
    passages: list[Passage]  # the passages covering this segment (empty: plain text)
    anchors: list[str]  # anchors of passages starting here

    @property
    def kinds(self) -> str:
        return " ".join(sorted({f"hl-{p.kind}" for p in self.passages}))


def segments(capture: Capture) -> list[Segment]:
    text, passages = capture.text, capture.passages
    cuts = sorted({0, len(text), *(p.start for p in passages), *(p.end for p in passages)})
    out = []
    for start, end in itertools.pairwise(cuts):
        covering = [p for p in passages if p.start <= start and end <= p.end]
        anchors = [p.anchor for p in passages if p.start == start]
        out.append(Segment(text[start:end], covering, anchors))
    return out
