"""Finding the right guide from a few words of what the reader sees, in any language.

Forgiving: word order does not matter, prefixes count ("prin" finds "printer"),
typos within one or two edits match ("printr not prnting"), and words meet their
other forms in each language a guide has ("imprime" finds "imprimir" in Spanish),
whatever the interface language: every card carries the terms of each of its
translations (guides/textsearch.py), stems made when the card was. Ranking
favours symptoms and titles over tags and summaries. The index is built once per
library: a vocabulary of every word (and, per language, every stem) with the
guides and fields it appears in, so a query compares its few words with the
vocabulary, not with every guide.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import lru_cache

from ..record import field, record
from .index import GuideInfo
from .textsearch import (
    _WORD,
    CYRILLIC_LANGS,
    WEIGHTS,
    card_terms,
    fold,
    is_cyrillic,
    pairs_of,
    query_pairs,
    raw_words,
    split_line,
    split_token,
    stemmer,
    stems_of,
    stop_words,
    tag_spellings,
    words,
)

__all__ = ["WEIGHTS", "Hit", "SearchIndex", "TagGroup", "fold", "match_spans", "words"]

#: Added for each pair of query words side by side that a guide has side by side
#: in one symptom or its title: more than a field's weight can tell apart, less
#: than a word more matched.
PAIR_BONUS = 1.5
#: How well a vocabulary entry matches a query word.
EXACT, STEM, PREFIX, TYPO, PART = 1.0, 0.9, 0.8, 0.6, 0.5
#: A query word this long may be a compound (Norwegian and Hungarian write them as
#: one word: "internetkapcsolat", "veiledningsformat"): a known word of at least
#: `PART_MIN` letters at its start or its end matches, as a part.
COMPOUND_MIN, PART_MIN = 9, 5


def match_spans(text: str, matched: set[str]) -> list[tuple[int, int]]:
    """Where the matched words are in a text (for highlighting)."""
    return [(start, end) for start, end, word in _words_at(text) if word in matched]


@lru_cache(maxsize=8192)
def _words_at(text: str) -> tuple[tuple[int, int, str], ...]:
    """Each word of a text, where it is, folded. The home screen underlines the
    matched words of a page of entries at every key, mostly the same titles and
    summaries again."""
    return tuple((m.start(), m.end(), fold(m.group(0))) for m in _WORD.finditer(text))


def _within(a: str, b: str, limit: int) -> bool:
    """The edit distance of a and b is at most `limit`, where two letters typed the
    wrong way round ("diksen" for "disken") count as one edit, as they are one slip
    of the fingers (optimal string alignment; early exit once every cell of a row is
    over the limit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    before: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j, cb in enumerate(b, 1):
            cost = previous[j - 1] + (ca != cb)
            cell = min(previous[j] + 1, current[j - 1] + 1, cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cell = min(cell, before[j - 2] + 1)
            current[j] = cell
            best = min(best, cell)
        if best > limit:
            return False
        before, previous = previous, current
    return previous[-1] <= limit


def _letters(word: str) -> int:
    """The letters of a word as bits of an int (two letters may share a bit: this
    only picks the candidates that `_within` then checks)."""
    bits = 0
    for char in word:
        bits |= 1 << (ord(char) % 63)
    return bits


def _typo_limit(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


#: One vocabulary entry a query word matched: its guides (id -> field weight), how
#: well it matched, and the words of the guides to highlight for it.
Match = tuple[dict[str, int], float, frozenset[str]]


class Hit:
    """A guide a query found, and how well. The words that matched (to highlight)
    are gathered when they are first asked for: a query that matches thousands of
    guides is shown a screenful at a time, and gathering them for every guide took
    most of a key press on the home screen (bench/in_app.py)."""

    __slots__ = ("_found_by", "_matched", "guide", "score")

    def __init__(
        self,
        guide: GuideInfo,
        score: float,
        matched: set[str] | None = None,
        found_by: tuple[list[Match], ...] = (),
    ) -> None:
        self.guide = guide
        self.score = score
        self._matched = matched
        #: Each query word's matches, some of which have this guide.
        self._found_by = found_by

    @property
    def matched(self) -> set[str]:
        """Words of the guide that matched, for highlighting."""
        if self._matched is None:
            guide_id = self.guide.id
            self._matched = {
                word
                for matches in self._found_by
                for guides, _quality, shown in matches
                if guide_id in guides
                for word in shown
            }
        return self._matched

    def __repr__(self) -> str:
        return f"Hit({self.guide.id!r}, {self.score!r})"


class SearchIndex:
    def __init__(self, guides: Iterable[GuideInfo]) -> None:
        self.guides: dict[str, GuideInfo] = {}
        #: word -> guide id -> best field weight
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        #: lang -> stem -> guide id -> best field weight
        self.stems: dict[str, dict[str, dict[str, int]]] = {}
        #: "word+word" side by side in a symptom or title -> the guides that have it
        self.pairs: dict[str, set[str]] = defaultdict(set)
        #: lang -> stem -> the words it was made from, where they differ from it
        self.stem_words: dict[str, dict[str, set[str]]] = {}
        postings = self.postings
        #: lang -> token -> (word, stems): the same tokens recur in every guide of a
        #: library, so each is split (and its stem's words noted) once, not per guide.
        known: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {}
        for guide in guides:
            guide_id = guide.id
            self.guides[guide_id] = guide
            for line in card_terms(guide):
                split = split_line(line)
                if split is None:
                    for pair in pairs_of(line):
                        self.pairs[pair].add(guide_id)
                    continue
                weight, lang, tokens = split
                tokens_of = known.get(lang)
                if tokens_of is None:
                    tokens_of = known[lang] = {}
                    self.stems[lang] = defaultdict(dict)
                    self.stem_words[lang] = defaultdict(set)
                table = self.stems[lang]
                for token in tokens:
                    parsed = tokens_of.get(token)
                    if parsed is None:
                        parsed = tokens_of[token] = split_token(token)
                        for stem in parsed[1]:
                            if stem != parsed[0]:
                                self.stem_words[lang][stem].add(parsed[0])
                    word, stems = parsed
                    found = postings[word]
                    if found.get(guide_id, 0) < weight:
                        found[guide_id] = weight
                    for stem in stems:
                        found = table[stem]
                        if found.get(guide_id, 0) < weight:
                            found[guide_id] = weight
        self.vocabulary = sorted(postings)
        #: Words by length, with their letters as bits: typo candidates are only
        #: words of a near length sharing nearly all letters (each edit fixes at most
        #: one). Bits, not sets: a vocabulary in six languages is scanned at every key.
        self.by_length: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for word in self.vocabulary:
            self.by_length[len(word)].append((word, _letters(word)))
        #: The languages a query is stemmed in: those of the library with a stemmer
        #: (made now, in the index's thread: the first key press then waits for none).
        self.stem_langs = [lang for lang in self.stems if stemmer(lang) is not None]
        self._stop = stop_words()
        #: Query word -> its matches and best scores: typing repeats the words
        #: already typed.
        self._cache: dict[str, tuple[list[Match], dict[str, float]]] = {}
        #: Equal scores: a troubleshooter first (a reader types what went wrong, and
        #: a tutorial on the same words teaches something else), then by title. A
        #: rank made once: a search that matches every guide sorts them all.
        ties = sorted(
            self.guides.values(),
            key=lambda guide: (guide.kind != "troubleshooter", guide.title.casefold()),
        )
        self._order = {guide.id: i for i, guide in enumerate(ties)}

    def _matches(self, raw: str) -> tuple[list[Match], dict[str, float]]:
        """Vocabulary entries matching one query word (lowercased, accents kept):
        the word itself, its stems in each language of its script, words it is a
        prefix of, and words within a typo or two. With them, each guide they find
        and its best match's score (a guide counts a word once)."""
        cached = self._cache.get(raw)
        if cached is not None:
            return cached
        query_word = fold(raw)
        found: dict[str, float] = {}
        if query_word in self.postings:
            found[query_word] = EXACT
        if len(query_word) >= 2:  # prefixes: a range of the sorted vocabulary
            i = bisect.bisect_left(self.vocabulary, query_word)
            while i < len(self.vocabulary) and self.vocabulary[i].startswith(query_word):
                found.setdefault(self.vocabulary[i], PREFIX)
                i += 1
        limit = _typo_limit(query_word)
        if limit:
            letters = _letters(query_word)
            for length in range(len(query_word) - limit, len(query_word) + limit + 1):
                near = [
                    word
                    for word, word_letters in self.by_length.get(length, ())
                    if (letters & ~word_letters).bit_count() <= limit
                ]
                for word in near:
                    if word not in found and _within(query_word, word, limit):
                        found[word] = TYPO
        if len(query_word) >= COMPOUND_MIN:
            for cut in range(PART_MIN, len(query_word) - PART_MIN + 1):
                for part in (query_word[:cut], query_word[cut:]):
                    if part in self.postings and part not in self._stop:
                        found.setdefault(part, PART)
        out: list[Match] = [
            (self.postings[word], quality, frozenset((word,))) for word, quality in found.items()
        ]
        cyrillic = is_cyrillic(query_word)
        for lang in self.stem_langs:
            if (lang in CYRILLIC_LANGS) != cyrillic:
                continue
            for stem in stems_of(raw, lang):
                guides = self.stems[lang].get(stem)
                if guides:
                    shown = self.stem_words[lang].get(stem, set())
                    out.append((guides, STEM, frozenset({*shown, stem})))
        best: dict[str, float] = {}
        for guides, quality, _shown in out:
            for guide_id, weight in guides.items():
                score = weight * quality
                if best.get(guide_id, 0.0) < score:
                    best[guide_id] = score
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[raw] = out, best
        return out, best

    def query_words(self, query: str) -> list[str]:
        """The words of a query that count: without the stop words of any language
        (unless there is nothing else), lowercased with their accents (for stems)."""
        raw = raw_words(query)
        return [w for w in raw if fold(w) not in self._stop] or raw

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        """The guides a query finds, best first (at most `limit`)."""
        return list(self.ranked(query, limit))

    def ranked(self, query: str, limit: int | None = None) -> Iterator[Hit]:
        """`search`, one hit at a time: a list that shows a page of them makes the
        hits of that page, not one per guide of the library."""
        query_words = self.query_words(query)
        if not query_words:
            return
        looked_up = [self._matches(word) for word in dict.fromkeys(query_words)]
        found_by = tuple(matches for matches, _best in looked_up)
        scores = dict(looked_up[0][1])
        for _matches, best in looked_up[1:]:
            for guide_id, score in best.items():
                scores[guide_id] = scores.get(guide_id, 0.0) + score
        for pair in query_pairs([fold(w) for w in query_words]):
            for guide_id in self.pairs.get(pair, ()):
                if guide_id in scores:
                    scores[guide_id] += PAIR_BONUS
        order = self._order
        ranked = sorted(scores, key=lambda guide_id: (-scores[guide_id], order[guide_id]))
        guides = self.guides
        for guide_id in ranked[:limit] if limit else ranked:
            yield Hit(guides[guide_id], scores[guide_id], found_by=found_by)


# --- tags ---------------------------------------------------------------------


@record
class TagGroup:
    """One tag of the library: every guide that carries it, whatever the language
    its spelling is in (`network`, `сеть`, `nettverk` are one tag)."""

    #: As the reader sees it: the translation most guides show, else the source.
    name: str
    #: Every spelling, folded: `#tag` finds the tag by any of them.
    spellings: set[str] = field(default_factory=set)
    guides: list[GuideInfo] = field(default_factory=list)


def tag_groups(cards: Iterable[GuideInfo]) -> list[TagGroup]:
    """Every tag with its guides, one entry per source tag, most used first. A tag
    is named as the reader's language has it where any guide translates it."""
    shown: dict[str, dict[str, int]] = {}
    groups: dict[str, TagGroup] = {}
    for card in cards:
        for i, spellings in enumerate(tag_spellings(card)):
            key = fold(spellings[0])
            group = groups.get(key)
            if group is None:
                group = groups[key] = TagGroup(spellings[0])
                shown[key] = {}
            name = card.tags[i] if i < len(card.tags) else spellings[0]
            if fold(name) != key:  # translated: preferred over the source spelling
                shown[key][name] = shown[key].get(name, 0) + 1
            group.spellings.update(fold(s) for s in spellings)
            if not group.guides or group.guides[-1] is not card:
                group.guides.append(card)
    merged: dict[str, TagGroup] = {}
    for key, group in groups.items():
        names = shown[key]
        if names:
            group.name = max(names, key=lambda n: (names[n], n))
        same = merged.get(fold(group.name))
        if same is None:
            merged[fold(group.name)] = group
            continue
        same.spellings |= group.spellings
        known = {g.id for g in same.guides}
        same.guides.extend(g for g in group.guides if g.id not in known)
    return sorted(merged.values(), key=lambda g: (-len(g.guides), g.name.casefold()))


def find_tags(groups: Iterable[TagGroup], query: str) -> list[TagGroup]:
    """The tags a `#tag` query names: those with that very spelling in any language,
    else those with a spelling that starts with it (`#net` finds `network`)."""
    want = fold(query.strip())
    if not want:
        return []
    groups = list(groups)
    exact = [g for g in groups if want in g.spellings]
    return exact or [g for g in groups if any(s.startswith(want) for s in g.spellings)]
