"""The ``stories`` analysis (placeholder while it is written)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryParams:
    threshold: float = 0.6


def stories(frame, params, context):
    raise NotImplementedError
