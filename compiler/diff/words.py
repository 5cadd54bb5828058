"""Words: how texts compare once typography is set aside, and which edits are only spelling fixes.

`normalise_words` and `normalise_text` give the words a reader sees; `is_editorial` says whether
two texts differ only in wording (the ``text-editorial`` rule); `common_ends` finds the common
head and tail of two texts without cutting a word.
"""

from __future__ import annotations

import re
import unicodedata

#: Words whose change is never a spelling fix, however close their spelling.
_MEANING_WORDS = frozenset(
    [
        "not",
        "no",
        "nor",
        "never",
        "none",
        "nothing",
        "always",
        "all",
        "any",
        "every",
        "must",
        "may",
        "might",
        "can",
        "cannot",
        "cant",
        "could",
        "shall",
        "should",
        "would",
        "will",
        "wont",
        "dont",
        "doesnt",
        "isnt",
        "arent",
        "wasnt",
        "before",
        "after",
        "above",
        "below",
        "more",
        "most",
        "less",
        "least",
        "higher",
        "lower",
        "first",
        "last",
        "only",
        "unless",
        "except",
    ]
)


#: Characters that change nothing a reader sees: soft hyphens, zero-width spaces and joiners.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_NOT_WORD = re.compile(r"[^\w]+")
#: Apostrophes (straight, curly, modifier letter, prime) inside a word: ``don’t`` = ``dont``.
_APOSTROPHE_IN_WORD = re.compile("(?<=\\w)['\u2018\u2019\u02bc\u201b\u2032](?=\\w)")


def normalise_words(text: str) -> list[str]:
    """The words of `text` with typography, punctuation and case normalised away.

    NFKC (non-breaking spaces, ellipses, ligatures, full-width forms become plain ones); soft
    hyphens and zero-width characters vanish; apostrophes inside words, straight or curly, are
    dropped (``don’t`` = ``don't`` = ``dont``); every other run of punctuation (quotes of any
    kind, dashes of any length) or whitespace separates words; letters are case-folded.
    """
    text = _INVISIBLE.sub("", unicodedata.normalize("NFKC", text))
    text = _APOSTROPHE_IN_WORD.sub("", text).casefold()
    return [word for word in _NOT_WORD.split(text) if word]


def normalise_text(text: str) -> str:
    """`normalise_words` joined by single spaces: equal results mean an editorial difference."""
    return " ".join(normalise_words(text))


def is_typo_fix(old: str, new: str) -> bool:
    """True when replacing the word `old` by `new` (both normalised) looks like a spelling fix.

    Allowed: two neighbouring letters swapped (words of 3+ letters: ``teh`` → ``the``); one letter
    inserted or deleted (4+ letters: ``stil`` → ``still``); one letter replaced (5+ letters:
    ``recieve`` → ``receive``... ``wrold`` → ``world``); up to two edits in words of 8+ letters;
    ``a`` ↔ ``an``. Never: digits, a changed ending that makes another form of the word
    (``rule`` → ``rules``, ``allow`` → ``allowed``), or a word whose change can flip meaning
    (``not``, ``must``, ``never``, ``may``...). Short words like ``lose`` → ``lost`` are never
    typos: too many of them are other real words.
    """
    if old == new:
        return True
    if {old, new} == {"a", "an"}:
        return True
    if not (old.isalpha() and new.isalpha()) or old in _MEANING_WORDS or new in _MEANING_WORDS:
        return False
    shorter, longer = sorted((old, new), key=len)
    if longer[: len(shorter)] == shorter and longer[len(shorter) :] in _INFLECTIONS:
        return False
    size = len(shorter)
    if len(old) == len(new):
        differ = [i for i in range(size) if old[i] != new[i]]
        if len(differ) == 2 and differ[1] == differ[0] + 1:
            i, j = differ
            if old[i] == new[j] and old[j] == new[i]:
                return size >= 3
        if len(differ) == 1:
            return size >= 5
        return size >= 8 and _edit_distance(old, new, 2) <= 2
    if size < 4:
        return False
    limit = 2 if size >= 8 else 1
    return _edit_distance(old, new, limit) <= limit


_INFLECTIONS = frozenset({"s", "es", "d", "ed", "ing", "n", "r", "er", "ly"})


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (transpositions count 1), giving up past `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def is_editorial(old: str, new: str) -> bool:
    """True when `old` and `new` differ only in wording: equal once normalised, or differing in
    one-for-one word replacements that are all spelling fixes."""
    old_middle, new_middle = _middles(old, new)
    a, b = normalise_words(old_middle), normalise_words(new_middle)
    if a == b:
        return True
    if len(a) != len(b):
        return False
    differing = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    # A handful of fixes is copy-editing; rewriting many words is not, however alike they look.
    limit = max(3, len(old.split()) // 20)
    return len(differing) <= limit and all(is_typo_fix(x, y) for x, y in differing)


def _middles(old: str, new: str) -> tuple[str, str]:
    """`old` and `new` without their common head and tail (cut between tokens)."""
    prefix, suffix = common_ends(old, new)
    return old[prefix : len(old) - suffix], new[prefix : len(new) - suffix]


def common_ends(old: str, new: str) -> tuple[int, int]:
    prefix = common_prefix(old, new)
    return prefix, common_prefix(old[prefix:][::-1], new[prefix:][::-1])


def common_prefix(a: str, b: str) -> int:
    """Length of the common prefix, backed off to a token boundary so no word is split."""
    # Bisect on slice equality: a few comparisons done in C instead of a loop per character,
    # each of the part not yet known to be common (the sizes halve: linear in all).
    n, high = 0, min(len(a), len(b))
    while n < high:
        middle = (n + high + 1) // 2
        if a.startswith(b[n:middle], n):
            n = middle
        else:
            high = middle - 1

    def splits_a_word(text: str) -> bool:
        return n < len(text) and _is_word(text[n - 1]) and _is_word(text[n])

    while n > 0 and (splits_a_word(a) or splits_a_word(b)):
        n -= 1
    return n


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"
