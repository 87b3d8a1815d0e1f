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
from collections.abc import Iterable

from ..record import field, record
from .index import GuideInfo
from .textsearch import (
    _WORD,
    CYRILLIC_LANGS,
    WEIGHTS,
    card_terms,
    fold,
    is_cyrillic,
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

#: How well a vocabulary entry matches a query word.
EXACT, STEM, PREFIX, TYPO = 1.0, 0.9, 0.8, 0.6


def match_spans(text: str, matched: set[str]) -> list[tuple[int, int]]:
    """Where the matched words are in a text (for highlighting)."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text) if fold(m.group(0)) in matched]


def _within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit` (banded, early exit)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        best = current[0]
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            best = min(best, current[j])
        if best > limit:
            return False
        previous = current
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


@record
class Hit:
    guide: GuideInfo
    score: float
    #: Words of the guide that matched, for highlighting.
    matched: set[str] = field(default_factory=set)


#: One vocabulary entry a query word matched: its guides (id -> field weight), how
#: well it matched, and the words of the guides to highlight for it.
Match = tuple[dict[str, int], float, frozenset[str]]


class SearchIndex:
    def __init__(self, guides: Iterable[GuideInfo]) -> None:
        self.guides: dict[str, GuideInfo] = {}
        #: word -> guide id -> best field weight
        self.postings: dict[str, dict[str, int]] = defaultdict(dict)
        #: lang -> stem -> guide id -> best field weight
        self.stems: dict[str, dict[str, dict[str, int]]] = {}
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
        #: Query word -> its matches: typing repeats the words already typed.
        self._cache: dict[str, list[Match]] = {}

    def _matches(self, raw: str) -> list[Match]:
        """Vocabulary entries matching one query word (lowercased, accents kept):
        the word itself, its stems in each language of its script, words it is a
        prefix of, and words within a typo or two."""
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
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[raw] = out
        return out

    def query_words(self, query: str) -> list[str]:
        """The words of a query that count: without the stop words of any language
        (unless there is nothing else), lowercased with their accents (for stems)."""
        raw = raw_words(query)
        return [w for w in raw if fold(w) not in self._stop] or raw

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        query_words = self.query_words(query)
        if not query_words:
            return []
        hits: dict[str, Hit] = {}
        for query_word in dict.fromkeys(query_words):
            best: dict[str, float] = {}
            matched: dict[str, set[str]] = defaultdict(set)
            for guides, quality, shown in self._matches(query_word):
                for guide_id, weight in guides.items():
                    score = weight * quality
                    if best.get(guide_id, 0.0) < score:
                        best[guide_id] = score
                    matched[guide_id] |= shown
            for guide_id, score in best.items():
                hit = hits.setdefault(guide_id, Hit(self.guides[guide_id], 0.0))
                hit.score += score
                hit.matched |= matched[guide_id]
        # Equal scores: a troubleshooter first (a reader types what went wrong, and
        # a tutorial on the same words teaches something else), then by title.
        ranked = sorted(
            hits.values(),
            key=lambda h: (-h.score, h.guide.kind != "troubleshooter", h.guide.title.casefold()),
        )
        return ranked[:limit] if limit else ranked


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
