"""The anonymous outcome log: what is recorded, where it is kept, and how it travels.

Nothing here imports Textual. See docs/feedback.md for the record schema, the
caps, the off switches and the wire protocol.
"""
