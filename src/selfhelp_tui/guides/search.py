"""Finding the right guide from a few words of what the reader sees.

Forgiving: word order does not matter, prefixes count ("prin" finds "printer"),
and typos within one or two edits match ("printr not prnting"). Ranking favours
symptoms and titles over tags and summaries. The index is built once per library:
a vocabulary of every word with the guides and fields it appears in, so a query
compares its few words with the vocabulary, not with every guide.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable

from ..record import field, record
from .index import GuideInfo

#: How much a match in each field counts.
WEIGHTS = {"symptoms": 4.0, "title": 3.0, "tags": 2.0, "summary": 1.0, "id": 2.0}
_WORD = re.compile(r"\w+", re.UNICODE)
#: Words too common to tell guides apart.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "is",
        "are",
        "was",
        "be",
        "to",
        "of",
        "in",
        "on",
        "at",
        "for",
        "and",
        "or",
        "not",
        "no",
        "my",
        "it",
        "its",
        "i",
        "me",
        "do",
        "does",
        "did",
        "can",
        "cannot",
        "can't",
        "with",
        "from",
        "by",
        "this",
        "that",
        "what",
        "how",
        "why",
        "when",
    ]
)


def fold(text: str) -> str:
    """Lowercase, without accents: 'Café' and 'cafe' are the same word here."""
    if text.isascii():  # most text, folded at once
        return text.lower()
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


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


def _typo_limit(word: str) -> int:
    return 0 if len(word) < 4 else 1 if len(word) < 7 else 2


@record
class Hit:
    guide: GuideInfo
    score: float
    #: Words of the guide that matched, for highlighting.
    matched: set[str] = field(default_factory=set)


class SearchIndex:
    def __init__(self, guides: Iterable[GuideInfo]) -> None:
        self.guides: dict[str, GuideInfo] = {}
        #: word -> guide id -> best field weight
        self.postings: dict[str, dict[str, float]] = defaultdict(dict)
        for guide in guides:
            self.guides[guide.id] = guide
            for variant in guide.variants():
                self._add(guide.id, variant)
        self.vocabulary = sorted(self.postings)
        #: Words by length, with their letters: typo candidates are only words of a
        #: near length sharing nearly all letters (each edit fixes at most one).
        self.by_length: dict[int, list[tuple[str, frozenset[str]]]] = defaultdict(list)
        for word in self.vocabulary:
            self.by_length[len(word)].append((word, frozenset(word)))
        #: Query word -> its matches: typing repeats the words already typed.
        self._cache: dict[str, list[tuple[str, float]]] = {}

    def _add(self, guide_id: str, guide: GuideInfo) -> None:
        fields = {
            "title": [guide.title],
            "symptoms": list(guide.symptoms),
            "tags": list(guide.tags),
            "summary": [guide.summary],
            "id": [guide.id.replace("-", " ")],
        }
        for name, texts in fields.items():
            for text in texts:
                for word in words(text):
                    postings = self.postings[word]
                    postings[guide_id] = max(postings.get(guide_id, 0.0), WEIGHTS[name])

    def _matches(self, query_word: str) -> list[tuple[str, float]]:
        """Vocabulary words matching one query word, with how well (1 exact,
        0.8 prefix, 0.6 typo)."""
        cached = self._cache.get(query_word)
        if cached is not None:
            return cached
        found: dict[str, float] = {}
        if query_word in self.postings:
            found[query_word] = 1.0
        if len(query_word) >= 2:  # prefixes: a range of the sorted vocabulary
            i = bisect.bisect_left(self.vocabulary, query_word)
            while i < len(self.vocabulary) and self.vocabulary[i].startswith(query_word):
                found.setdefault(self.vocabulary[i], 0.8)
                i += 1
        limit = _typo_limit(query_word)
        if limit:
            letters = frozenset(query_word)
            for length in range(len(query_word) - limit, len(query_word) + limit + 1):
                for word, word_letters in self.by_length.get(length, ()):
                    if (
                        word not in found
                        and len(letters - word_letters) <= limit
                        and _within(query_word, word, limit)
                    ):
                        found[word] = 0.6
        out = list(found.items())
        if len(self._cache) > 512:
            self._cache.clear()
        self._cache[query_word] = out
        return out

    def search(self, query: str, limit: int | None = None) -> list[Hit]:
        query_words = [w for w in words(query) if w not in STOPWORDS] or words(query)
        if not query_words:
            return []
        hits: dict[str, Hit] = {}
        for query_word in dict.fromkeys(query_words):
            best: dict[str, float] = {}
            matched: dict[str, set[str]] = defaultdict(set)
            for word, quality in self._matches(query_word):
                for guide_id, weight in self.postings[word].items():
                    best[guide_id] = max(best.get(guide_id, 0.0), weight * quality)
                    matched[guide_id].add(word)
            for guide_id, score in best.items():
                hit = hits.setdefault(guide_id, Hit(self.guides[guide_id], 0.0))
                hit.score += score
                hit.matched |= matched[guide_id]
        ranked = sorted(hits.values(), key=lambda h: (-h.score, h.guide.title.casefold()))
        return ranked[:limit] if limit else ranked
