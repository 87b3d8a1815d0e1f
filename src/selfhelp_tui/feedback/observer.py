"""Follows sessions and keeps their records: one record per walk, written in one
transaction when the walk ends and rewritten (same record_id) when the reader
rates it, flags a node or steps back into the guide and ends it again."""

from __future__ import annotations

from ..engine.session import Session
from .endpoints import source_tag
from .record import make_record
from .store import Store


class FeedbackRecorder:
    def __init__(self, store: Store) -> None:
        self.store = store

    def on_step(self, session: Session) -> None:
        pass

    def on_end(self, session: Session) -> None:
        self._put(session)

    def on_update(self, session: Session) -> None:
        if session.ended is not None:  # before the end there is nothing to record yet
            self._put(session)

    def _put(self, session: Session) -> None:
        # The guide's folder, kept beside the record (never in it) so that only
        # that folder's own endpoint may receive it (feedback/endpoints.py).
        tag = source_tag(getattr(session.guide, "origin", "") or "")
        self.store.put(make_record(session, session.record_id), source=tag)

    def drain_notices(self) -> list[str]:
        """What the user should be told once (a damaged log salvaged, a dropped record);
        frontends show these after a walk ends."""
        notices, self.store.notices[:] = list(self.store.notices), []
        return notices
