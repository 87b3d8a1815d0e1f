"""The home screen: a search box over the ranked guides, and what failed to load.

Typing filters as you type (guides/search.py: typos and word order forgiven,
matched words highlighted); Up/Down and Enter work from the search box, so a
reader never leaves the keyboard's home row. With nothing typed, the guides used
last come first; `#tag` (or the tag list, ctrl+t) browses by tag.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content, Span
from textual.css.styles import RulesMap
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ...guides.index import GuideInfo
from ...guides.library import Library
from ...guides.search import SearchIndex, TagGroup, find_tags, match_spans, tag_groups
from ...i18n import N_, _, ngettext
from ...sanitize import one_line
from ...texts import kind_title, title_language_note
from ..widgets.guide_detail import GuideDetail
from ..widgets.steady_list import SteadyOptionList
from ..widgets.walk_footer import WalkFooter
from .steady import LaidOutOnce


class ListLines(Content):
    """Literal lines for a long list. The list does not wrap them (`text-wrap:
    nowrap` in app.tcss: a long line ends with an ellipsis), so the height of each
    is its number of lines, known without laying it out: a list of thousands of
    guides is measured at once instead of wrapping every entry first."""

    def get_height(self, rules: RulesMap, width: int) -> int:
        if rules.get("text_wrap", "wrap") == "nowrap":
            return self.plain.count("\n") + 1
        return super().get_height(rules, width)


def guide_prompt(guide: GuideInfo, matched: set[str] | None = None) -> Content:
    """Two lines per guide: title and kind, then the summary, all literal text;
    the words that matched the search are underlined."""
    note = title_language_note(guide)
    kind = kind_title(guide.kind) + (f" · {note}" if note else "")
    head = f"{guide.title}  ({kind})"
    text = f"{head}\n{guide.summary}" if guide.summary else head
    spans = [Span(0, len(guide.title), "bold"), Span(len(guide.title), len(head), "dim")]
    if matched:
        starts = ((0, guide.title), (len(head) + 1, guide.summary))
        for offset, part in starts:
            for start, end in match_spans(part, matched):
                spans.append(Span(offset + start, offset + end, "underline reverse"))
    return ListLines(text, spans)


#: Seconds after the list is shown before the search index is made (in a thread).
INDEX_DELAY = 0.3

#: Entries the list holds at a time: more than any screen shows. The next page is
#: made as the reader moves or scrolls near the end of what is there, never all at
#: once: making and measuring 2,000 entries took ~30 ms before the first screen,
#: and a search that matched every guide rebuilt them all on each key (p95 128 ms
#: from key to repaint on 2,000 guides, bench/in_app.py).
PAGE = 100
FIRST_PAINT = PAGE
#: How near the end of the entries shown moving (or scrolling) adds the next page.
FILL_MARGIN = 40

#: Option ids of the "Recently used" group (the same guide is listed again below).
RECENT_PREFIX = "recent/"
TAG_PREFIX = "#"


def _heading(text: str) -> Option:
    return Option(Text(text, style="bold"), disabled=True)


def _entry(option: Option) -> tuple[object, ...]:
    """What the reader sees of an entry, and what opening it opens."""
    prompt = option.prompt
    shown = (prompt.plain, tuple(prompt.spans)) if isinstance(prompt, Content) else prompt
    return option.id, option.disabled, shown


def _same_entries(options: OptionList, page: Sequence[Option]) -> bool:
    """The list holds these entries already (as the next letter of a word often
    finds the same guides, the same words underlined)."""
    return options.option_count == len(page) and all(
        _entry(options.get_option_at_index(i)) == _entry(option) for i, option in enumerate(page)
    )


class HomeScreen(LaidOutOnce):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "app.quit", N_("Quit")),
        Binding("down", "move(1)", N_("Next"), show=False),
        Binding("up", "move(-1)", N_("Previous"), show=False),
        Binding("enter", "open", N_("Open"), show=False),
        Binding("ctrl+t", "tags", N_("Tags")),
        Binding("escape", "clear", N_("Clear search")),
    ]
    #: The footer's keys where not all fit, most needed first (widgets/walk_footer.py).
    FOOTER_PRIORITY: ClassVar[tuple[str, ...]] = ("tags", "clear")
    #: The detail pane is shown beside the list from this width (`-wide` in app.tcss).
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-wide")]

    def __init__(self, library: Library, recent: Sequence[str] = ()) -> None:
        super().__init__()
        self.library = library
        self.guides = library.sorted_guides()
        self._recent_ids = list(recent)
        self.recent = self._recent_cards()
        self._index: SearchIndex | None = None
        self._index_lock = threading.Lock()
        self._tag_groups: list[TagGroup] | None = None
        #: The entries of the list not made yet (see `PAGE`), made as they are needed.
        self._pending: Iterator[Option] | None = None

    @property
    def index(self) -> SearchIndex:
        """The search index: made in the background once the list has been on
        screen a moment (`INDEX_DELAY`), or now if the reader types first."""
        with self._index_lock:
            if self._index is None:
                index = SearchIndex(self.library.search_cards())
                # It lives as long as the app, as the library does (cli/context.py):
                # keep the collector from walking its many small objects while the
                # reader types (a full pass over them took ~60 ms on 2,000 guides).
                gc.freeze()
                self._index = index
            return self._index

    def _recent_cards(self) -> list[GuideInfo]:
        cards = (self.library.card(guide_id) for guide_id in self._recent_ids)
        return [card for card in cards if card is not None]

    def replace_library(self, library: Library) -> None:
        """The library as it is now, checked after the first screen (SelfhelpApp.
        _check_library): the list shows it, for what the reader has typed."""
        had_guides = bool(self.guides)
        with self._index_lock:  # an index being made from the old library is dropped
            self.library = library
            self.guides = library.sorted_guides()
            self.recent = self._recent_cards()
            self._index = None
            self._tag_groups = None
        if bool(self.guides) != had_guides:
            self.refresh(recompose=True)  # the search box comes or goes
            return
        shown = self.query("#failures")
        if not library.failures:
            shown.remove()
        elif shown:  # updated in place: a new one would clash with it until removed
            shown.first(Static).update(self._failures_text())
        else:
            failures = Static(self._failures_text(), id="failures")
            self.mount(failures, before=self.query_one(WalkFooter))
        self._list_for(self.query_one("#search", Input).value.strip())
        self.set_timer(INDEX_DELAY, self._prepare_index)

    @property
    def tag_groups(self) -> list[TagGroup]:
        """The library's tags, a translated tag one with its source (guides/search.py)."""
        if self._tag_groups is None:
            self._tag_groups = tag_groups(self.library.search_cards())
        return self._tag_groups

    def tags(self) -> list[tuple[str, int]]:
        """Every tag with the number of guides that carry it, most used first."""
        return [(group.name, len(group.guides)) for group in self.tag_groups]

    def _list_options(self) -> Iterator[Option]:
        """The list with nothing typed: recently used first, then every guide."""
        if self.recent:
            yield _heading(_("Recently used"))
            for guide in self.recent:
                yield Option(guide_prompt(guide), id=RECENT_PREFIX + guide.id)
            yield _heading(_("All guides"))
        for guide in self.guides:
            yield Option(guide_prompt(guide), id=guide.id)

    def _show(self, options: OptionList, entries: Iterable[Option]) -> None:
        """A new list: its first page now, the rest as the reader gets near it.
        The page replaces the old entries in one step: clearing first would empty
        the list for a moment, hide its scroll bar and show it again, and each of
        those is one more layout and repaint after the key (bench/in_app.py)."""
        self._pending = iter(entries)
        page = self._next_page()
        if not _same_entries(options, page):  # else nothing to measure or paint again
            options.set_options(page)

    def _more(self, options: OptionList) -> None:
        """The next page of the list, if there is one."""
        page = self._next_page()
        if page:
            options.add_options(page)

    def _next_page(self) -> list[Option]:
        """Up to a page of the entries not made yet; none are left after a short one."""
        if self._pending is None:
            return []
        page = list(islice(self._pending, PAGE))
        if len(page) < PAGE:
            self._pending = None
        return page

    def _near_the_end(self, options: OptionList) -> None:
        if self._pending is not None and options.scroll_y >= options.max_scroll_y - FILL_MARGIN:
            self._more(options)

    def tag_options(self, tag: str) -> Iterator[Option]:
        """The guides of the tags `#tag` names: by any spelling, or its beginning."""
        groups = find_tags(self.tag_groups, tag)
        if not groups:
            message = _("No guide is tagged '{tag}'. Escape shows all guides.").format(tag=tag)
            yield Option(Text(message), disabled=True)
            return
        found = list({g.id: g for group in groups for g in group.guides}.values())
        names = ", ".join(group.name for group in groups)
        yield _heading(_("Tagged '{tag}'").format(tag=names))
        for g in found:
            yield Option(guide_prompt(g), id=g.id)

    def compose(self) -> ComposeResult:
        yield Static(Text(_("selfhelp: pick a guide")), id="title-bar")
        if self.guides:
            yield Input(
                placeholder=_("Type what you see, e.g. no space left"),
                id="search",
                select_on_focus=False,
            )
            self._pending = self._list_options()
            first = self._next_page()
            with Horizontal(id="home-body"):
                yield SteadyOptionList(*first, id="guide-list")
                yield GuideDetail(id="guide-detail")
        else:
            yield Static(
                Text(
                    _(
                        "No guides found.\n\nAdd a folder of guides with "
                        "`selfhelp --guides DIR`, or set SELFHELP_GUIDES."
                    )
                ),
                id="empty-library",
            )
        if self.library.failures:
            yield Static(self._failures_text(), id="failures")
        yield WalkFooter()

    def _failures_text(self) -> Text:
        failures = self.library.failures
        text = Text(
            ngettext(
                "{n} guide could not be loaded:",
                "{n} guides could not be loaded:",
                len(failures),
            ).format(n=len(failures)),
            style="bold",
        )
        for result in failures:
            first = result.errors[0] if result.errors else None
            text.append("\n  " + (first.format() if first else one_line(result.file)))
            if len(result.errors) > 1:
                more = len(result.errors) - 1
                text.append(
                    " " + ngettext("(+{n} more)", "(+{n} more)", more).format(n=more),
                    style="dim",
                )
        return text

    def on_mount(self) -> None:
        if self.guides:
            self.query_one("#search", Input).focus()
            self._highlight_first()
            # After the first paint, while the reader reads it: a thread then would
            # compete with the first paint for the interpreter.
            self.set_timer(INDEX_DELAY, self._prepare_index)
            options = self.query_one("#guide-list", OptionList)
            self.watch(options, "scroll_y", lambda: self._near_the_end(options), init=False)

    def show_notice(self, notice: str) -> None:
        """The first-run notice, as lines of the layout under the list: it covers
        nothing, scrolls where it would take the list's room (app.tcss), and goes
        once a guide is opened."""
        box = VerticalScroll(Static(Content(notice)), id="first-run")
        self.mount(box, before=self.query_one(WalkFooter))

    def _prepare_index(self) -> None:
        if self._index is None:
            self.run_worker(lambda: self.index, thread=True, exit_on_error=False)

    def _highlight_first(self) -> None:
        options = self.query_one("#guide-list", OptionList)
        options.highlighted = next(
            (i for i in range(options.option_count) if not options.get_option_at_index(i).disabled),
            None,
        )
        # Now, not when the list's message about it comes: that arrives after the
        # screen is painted and would paint it once more.
        self._describe(options.highlighted_option)

    def on_key(self, event: events.Key) -> None:
        """Typing anywhere on the home screen types into the search box, even when
        the list has focus (or the app has none, as in a background browser tab)."""
        if not self.guides or not event.is_printable or not event.character:
            return
        search = self.query_one("#search", Input)
        if not search.has_focus:
            event.stop()
            event.prevent_default()
            search.focus()
            search.insert_text_at_cursor(event.character)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._list_for(event.value.strip())

    def _list_for(self, query: str) -> None:
        """The list for what is typed in the search box."""
        options = self.query_one("#guide-list", SteadyOptionList)
        if not query:
            self._show(options, self._list_options())
        elif query.startswith(TAG_PREFIX) and len(query) > 1:
            self._show(options, self.tag_options(query[1:].strip()))
        else:
            hits = self.index.ranked(query)
            first = next(hits, None)
            if first is None:
                message = _("No guide matches '{query}'. Try other words, or Escape for all.")
                self._show(options, [Option(Text(message.format(query=query)), disabled=True)])
            else:
                self._show(options, (Option(guide_prompt(h.guide, h.matched), id=h.guide.id)
                                     for h in chain([first], hits)))  # fmt: skip
        self._highlight_first()
        options.paint_with_screen()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        options = self.query_one("#guide-list", OptionList)
        if options.highlighted is not None:
            option = options.get_option_at_index(options.highlighted)
            if option.id and not option.disabled:
                self._open(option.id)

    def _open(self, option_id: str) -> None:
        for notice in self.query("#first-run"):
            notice.remove()
        self.app.open_guide(option_id.removeprefix(RECENT_PREFIX))  # type: ignore[attr-defined]

    def action_tags(self) -> None:
        """Browse by tag: pick one, and the list shows the guides that carry it."""
        if not self.guides:
            return
        from .tags import TagScreen

        def picked(tag: str | None) -> None:
            if tag:
                search = self.query_one("#search", Input)
                search.value = TAG_PREFIX + tag
                search.cursor_position = len(search.value)
                search.focus()

        self.app.push_screen(TagScreen(self.tags()), picked)

    def action_move(self, delta: int) -> None:
        if not self.guides:
            return
        options = self.query_one("#guide-list", OptionList)
        if delta > 0:
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def action_clear(self) -> None:
        if self.guides:
            search = self.query_one("#search", Input)
            search.value = ""
            search.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        options = event.option_list
        if self._pending is not None and event.option_index >= options.option_count - FILL_MARGIN:
            self._more(options)
        self._describe(event.option)

    def _describe(self, option: Option | None) -> None:
        """The detail pane shows the highlighted guide (nothing if none is)."""
        option_id = option.id if option is not None else None
        guide = self.library.card(option_id.removeprefix(RECENT_PREFIX)) if option_id else None
        self.query_one("#guide-detail", GuideDetail).show(guide)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._open(event.option.id)
