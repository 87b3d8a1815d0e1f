"""The walk engine and everything that drives it without a screen."""

from .walk import NEXT_WORD, Position, Walk, WalkError

__all__ = ["NEXT_WORD", "Position", "Walk", "WalkError"]
