"""What a reader typed, parsed into terms every backend can compile safely.

The syntax is the small one people know from web search engines:

- ``bread oven``: posts with every word (stemmed: "baking" finds "baked");
- ``"static site"``: the words next to each other, in that order;
- ``-wordpress``: posts without that word (or ``-"quoted phrase"``);
- the last bare word also matches as a prefix, so results appear while typing.

Only runs of letters and digits survive as words; everything else (operators of the
database's own query languages, brackets, stars, quotes out of place) is a separator.
So no input can reach the database as syntax, whatever it contains.
"""

import re
from dataclasses import dataclass

#: Longer input is cut here: nobody types more, and it bounds the work per query.
MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
#: Shorter prefixes match much of the vocabulary (slow, and useless while typing);
#: they are searched as whole words.
MIN_PREFIX_LENGTH = 3

_CHUNK = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]  # more than one: a phrase
    exclude: bool = False
    prefix: bool = False  # the (single) word may be the start of a longer one


@dataclass(frozen=True)
class Query:
    text: str  # what the reader typed, trimmed and cut to MAX_QUERY_LENGTH
    terms: tuple[Term, ...]

    @property
    def include(self):
        return [term for term in self.terms if not term.exclude]

    @property
    def exclude(self):
        return [term for term in self.terms if term.exclude]

    @property
    def searchable(self):
        """True when there is something to look for (exclusions alone match nothing)."""
        return bool(self.include)


def parse(text: str) -> Query:
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    terms = []
    for match in _CHUNK.finditer(text):
        quoted_minus, quoted, bare_minus, bare = match.groups()
        words = tuple(word.lower() for word in _WORD.findall(quoted if bare is None else bare))
        if words:
            terms.append(Term(words=words, exclude=bool(quoted_minus or bare_minus)))
    terms = terms[:MAX_TERMS]
    last = terms[-1] if terms else None
    typing_a_word = text and not text.endswith('"')
    if (
        last
        and typing_a_word
        and not last.exclude
        and len(last.words) == 1
        and len(last.words[0]) >= MIN_PREFIX_LENGTH
    ):
        terms[-1] = Term(words=last.words, prefix=True)
    return Query(text=text, terms=tuple(terms))
