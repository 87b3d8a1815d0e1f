"""The home screen's detail pane: the highlighted guide, beside the list.

Everything it says comes from the guide's card (guides/index.py GuideInfo), so
moving through the list opens no guide. Its size is the layout's (app.tcss), not
its text's: a new guide is a repaint of this widget, never a layout of the screen.
"""

from __future__ import annotations

from pathlib import Path

from textual.content import Content
from textual.widget import Widget

from ...guides.index import GuideInfo
from ...i18n import _, ngettext
from ...i18n.languages import language_name
from ...texts import kind_title


def size_line(guide: GuideInfo) -> str:
    """How long the guide is: a tutorial's steps; a troubleshooter's questions and
    steps (a walk takes some of them) and its outcomes."""
    if guide.is_tutorial:
        return ngettext("{n} step", "{n} steps", guide.steps).format(n=guide.steps)
    steps = ngettext("{n} question or step", "{n} questions and steps", guide.steps)
    outcomes = ngettext("{n} possible outcome", "{n} possible outcomes", guide.outcomes)
    return f"{steps.format(n=guide.steps)}, {outcomes.format(n=guide.outcomes)}"


def origin_line(guide: GuideInfo) -> str:
    """Where the guide comes from: selfhelp itself, the user's folder, or the
    folder as the user named it (--guides, SELFHELP_GUIDES)."""
    if guide.origin == "bundled":
        return _("Comes with selfhelp")
    if guide.origin == "user":
        folder = str(Path(guide.file).parent) if guide.file else ""
        return _("From your guides folder: {folder}").format(folder=folder)
    return _("From the folder {folder}").format(folder=guide.origin)


def language_line(guide: GuideInfo) -> str:
    """Whether the guide is in the reader's language: written in it, translated
    (wholly or in part), or not translated."""
    if guide.wanted_lang is None:
        return _("Written in {language}").format(language=language_name(guide.title_lang))
    wanted = language_name(guide.wanted_lang)
    source = language_name(guide.source.title_lang if guide.source else guide.title_lang)
    if guide.title_lang != guide.wanted_lang and guide.untranslated:
        return _("Not translated into {language}: shown in {source}").format(
            language=wanted, source=source
        )
    if guide.untranslated:
        return ngettext(
            "Partly translated into {language}: {n} step shown in {source}",
            "Partly translated into {language}: {n} steps shown in {source}",
            guide.untranslated,
        ).format(language=wanted, n=guide.untranslated, source=source)
    return _("Translated into {language}").format(language=wanted)


def detail_content(guide: GuideInfo) -> Content:
    """The pane's text, all of it literal (guide text is never markup)."""
    parts = [
        Content.styled(guide.title, "bold"),
        Content.styled(f"{kind_title(guide.kind)} · {size_line(guide)}", "dim"),
    ]
    if guide.summary.strip():
        parts += [Content(""), Content(guide.summary)]
    if guide.symptoms:
        parts += [Content(""), Content.styled(_("Symptoms"), "bold")]
        parts += [Content("• ") + Content(symptom) for symptom in guide.symptoms]
    parts.append(Content(""))
    if guide.tags:
        tags = " ".join(f"#{tag}" for tag in guide.tags)
        parts.append(Content.styled(_("Tags:"), "bold") + Content(" " + tags))
    parts.append(Content(origin_line(guide)))
    parts.append(Content(language_line(guide)))
    return Content("\n").join(parts)


class GuideDetail(Widget):
    """The highlighted guide's card, in full."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.guide: GuideInfo | None = None
        self._content = Content("")

    def show(self, guide: GuideInfo | None) -> None:
        """Another guide is highlighted: repaint (the pane's size does not change)."""
        if guide is self.guide:
            return
        self.guide = guide
        self._content = detail_content(guide) if guide is not None else Content("")
        self.refresh()

    def render(self) -> Content:
        return self._content
