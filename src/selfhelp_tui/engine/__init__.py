"""The walk engine and everything that drives it without a screen."""

from .session import Session, SessionObserver
from .walk import NEXT_WORD, Position, Walk, WalkError

__all__ = ["NEXT_WORD", "Position", "Session", "SessionObserver", "Walk", "WalkError"]
