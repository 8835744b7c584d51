"""BM25 keyword search beside the vectors, for what small embedders miss.

A caller who asks for "the 555-014-2398 number", "the $35 cleaning" or "Dr. Okafor" needs
the chunk with exactly that string; MiniLM ranks such chunks by topic, not by the digits.
The tokenizer stems words (`stemming.py`: "held" finds "hold", "bookings" finds "book") and
makes numbers useful: "$35" is "35", and a phone number is findable however it is written,
because every run of its digit groups is also indexed joined together.

The index is an inverted index flattened into numpy arrays, with each posting's BM25 weight
computed once at build time, so a query is a few vectorized additions.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from frontdesk.knowledge.stemming import ASKING, asked_terms, fold, terms
from frontdesk.knowledge.synonyms import concept, implied, plain

__all__ = ["KeywordIndex", "tokenize"]

K1 = 1.5
B = 0.75

# Digits and number punctuation, not starting inside a word ("room12" is a word).
_NUMERIC_SPAN = re.compile(r"(?<!\w)\d[\d \t().,/\-]*")
# A run of at least two digit groups joined by phone punctuation: "(555) 014-2398",
# "+1 555.014.2398". Dates and references match too; that is harmless.
_DIGIT_RUN = re.compile(r"\d+(?:(?:[ \t]?[-.()/][ \t]?|[ \t])\(?\d+\)?)+")
_MAX_GROUPS_JOINED = 5
_MIN_JOINED_DIGITS = 6
_PRICE_CENTS = re.compile(r"(?<![\d.,])(\d+)\.(\d{2})\b")
_THOUSANDS = re.compile(r"\b\d{1,3}(?:,\d{3})+\b")


def _number_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    # One pass finds the stretches of digits and number punctuation; the finer patterns then
    # run on those short stretches only, which keeps indexing fast on number-light prose.
    for span in _NUMERIC_SPAN.findall(text):
        if len(span) < 3:
            continue
        for match in _DIGIT_RUN.finditer(span):
            groups = re.findall(r"\d+", match.group())
            # Every run of consecutive groups, so that "014-2398" and "5550142398" both find
            # "(555) 014-2398"; bounded so a long table of numbers cannot explode the index.
            for start in range(len(groups)):
                for end in range(start + 2, min(len(groups), start + _MAX_GROUPS_JOINED) + 1):
                    joined = "".join(groups[start:end])
                    if len(joined) >= _MIN_JOINED_DIGITS:
                        tokens.append(joined)
        for match in _THOUSANDS.finditer(span):
            tokens.append(match.group().replace(",", ""))
        for match in _PRICE_CENTS.finditer(span):
            if match.group(2) != "00":
                tokens.append(f"{match.group(1)}.{match.group(2)}")
    return tokens


def tokenize(text: str) -> list[str]:
    """Index terms of `text`: stemmed words minus stopwords (a word of a synonym group as the
    group, see `synonyms`), numbers, clock times and the joined digit runs of phone numbers
    (see `stemming.terms`).

    "$35.00" gives "35" (and "00" is dropped as a zero cents part); "(555) 014-2398" gives
    "555", "014", "2398" and the joined runs "555014", "0142398", "5550142398".
    """
    tokens = [concept(t) for t in terms(plain(text))]
    tokens.extend(_number_tokens(fold(text)))
    tokens.extend(implied(text))
    return tokens


class KeywordIndex:
    """An in-memory BM25 index (k1=1.5, b=0.75) over (chunk id, text) pairs.

    Build it once per knowledge-base version; `search` is read-only and thread-safe.
    """

    def __init__(self, docs: Sequence[tuple[str, str]]) -> None:
        self._ids = [doc_id for doc_id, _ in docs]
        vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        doc_ids: list[int] = []
        counts: list[int] = []
        lengths = np.zeros(len(docs), dtype=np.float32)
        for index, (_, text) in enumerate(docs):
            tokens = tokenize(text)
            lengths[index] = len(tokens)
            for term, count in Counter(tokens).items():
                term_ids.append(vocabulary.setdefault(term, len(vocabulary)))
                doc_ids.append(index)
                counts.append(count)
        self._vocabulary = vocabulary

        terms = np.asarray(term_ids, dtype=np.int64)
        order = np.argsort(terms, kind="stable")
        # Postings of term t are _docs[_offsets[t]:_offsets[t + 1]] (CSR layout).
        self._docs = np.asarray(doc_ids, dtype=np.int32)[order]
        tf = np.asarray(counts, dtype=np.float32)[order]
        document_frequency = np.bincount(terms, minlength=len(vocabulary))
        self._offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(document_frequency, out=self._offsets[1:])

        n = len(docs)
        idf = np.log(1.0 + (n - document_frequency + 0.5) / (document_frequency + 0.5))
        average_length = float(lengths.mean()) if n and lengths.mean() > 0 else 1.0
        norm = K1 * (1.0 - B + B * lengths[self._docs] / average_length)
        posting_idf = np.repeat(idf, document_frequency).astype(np.float32)
        self._weights = (posting_idf * tf * (K1 + 1.0) / (tf + norm)).astype(np.float32)

    def __len__(self) -> int:
        return len(self._ids)

    def coverage(self, query: str, doc_ids: Sequence[str]) -> dict[str, float]:
        """For each of `doc_ids`, the share of the query's weight (the idf of its distinct
        terms) that the chunk holds: 1.0 when it has every word asked about, 0.0 for none.

        A word the index has never seen counts at the highest idf, so "Do you sell gift
        cards?" is poorly covered by any chunk of a site that never mentions gifts, however
        many say "card"; that makes this an absolute signal, unlike a BM25 score.
        """
        wanted = set(tokenize(query)) - ASKING  # the same words `asked_terms` leaves out
        if not wanted:
            return dict.fromkeys(doc_ids, 0.0)
        n = len(self._ids)
        unseen_idf = float(np.log(1.0 + (n + 0.5) / 0.5))
        weights: dict[str, float] = {}
        holders: dict[str, set[int]] = {}
        for term in wanted:
            term_id = self._vocabulary.get(term)
            if term_id is None:
                weights[term] = unseen_idf
                holders[term] = set()
                continue
            start, end = self._offsets[term_id], self._offsets[term_id + 1]
            weights[term] = float(np.log(1.0 + (n - (end - start) + 0.5) / (end - start + 0.5)))
            holders[term] = set(self._docs[start:end].tolist())
        total = sum(weights.values())
        position = {doc_id: i for i, doc_id in enumerate(self._ids)}
        result = {}
        for doc_id in doc_ids:
            index = position.get(doc_id)
            held = sum(w for t, w in weights.items() if index is not None and index in holders[t])
            result[doc_id] = held / total if total else 0.0
        return result

    def unseen(self, query: str) -> tuple[str, ...]:
        """The query's words that no chunk holds ("corkage" on a site that never says it):
        a yes or a no about such a thing cannot come from the knowledge."""
        return tuple(
            sorted(
                t
                for t in set(asked_terms(plain(query)))
                if concept(t) not in self._vocabulary and not t.isdigit()
            )
        )

    def search(self, query: str, k: int = 10) -> list[tuple[str, float]]:
        """The best `k` (chunk id, BM25 score) pairs for `query`, best first.

        Only chunks sharing at least one term with the query are returned; ties keep the
        order the chunks were given in.
        """
        if k <= 0 or not self._ids:
            return []
        term_ids = {self._vocabulary[t] for t in tokenize(query) if t in self._vocabulary}
        if not term_ids:
            return []
        scores = np.zeros(len(self._ids), dtype=np.float32)
        for term in term_ids:
            start, end = self._offsets[term], self._offsets[term + 1]
            # A term's postings name each document once, so plain fancy-index += is exact.
            scores[self._docs[start:end]] += self._weights[start:end]
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            # Keep everything tied with the k-th score, so ties are settled by order below.
            kth = -np.partition(-scores[hits], k - 1)[k - 1]
            hits = hits[scores[hits] >= kth]
        ranked = hits[np.lexsort((hits, -scores[hits]))][:k]
        return [(self._ids[i], float(scores[i])) for i in ranked]
