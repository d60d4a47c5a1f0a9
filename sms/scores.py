"""Read a client's rating of a crew: a score 1-5 first, then, maybe, a comment.

"5", "5!", "5 отлично", "4/5", "4 из 5", "пять", "five", a full-width "５", a Cyrillic "З"
for 3: the first word decides; the rest of the text, as typed, is the comment. A number
word scores alone or set off by a mark ("пятёрка, молодцы"), not as a sentence's first word
("один не пришёл"). A first word
that is no score ("отлично", "10", "0") reads as nothing: the caller asks again once.
"""

import re
import unicodedata
from dataclasses import dataclass

from sms.letters import fold

COMMENT_MAX = 1000  # characters kept of a comment

# Number words, read through the one fold of typed words (sms/letters.py): "ПЯTЬ" with a
# Latin T is "пять".
WORDS = {
    1: ("один", "одна", "единица", "кол", "one"),
    2: ("два", "две", "двойка", "two"),
    3: ("три", "тройка", "three"),
    4: ("четыре", "четверка", "четвёрка", "four"),
    5: ("пять", "пятерка", "пятёрка", "five"),
}
_DIGIT_LOOK_ALIKES = {"з": 3}  # a Cyrillic Ze for a 3
_BY_WORD = {fold(word): score for score, words in WORDS.items() for word in words}
# The first word: digits, or letters; what follows it is the comment.
_FIRST = re.compile(r"^[\s\W_]*?(?P<word>\d+|[^\W\d_]+)(?P<rest>.*)$", re.S)
# "/5", "из 5", "of 5", "out of 5" after the score: the scale, not a comment.
_SCALE = re.compile(r"^\s*(?:/|из|of|out\s+of)\s*5\b", re.I)
_SET_OFF = re.compile(r"^\s*[!.,:;)\-–—/]")
_LEADING = re.compile(r"^[\s!.,:;)\-–—+*]+")


@dataclass(frozen=True)
class Score:
    score: int
    comment: str | None


def read_score(body: str) -> Score | None:
    # Full-width and other compatibility forms of digits become ASCII digits.
    text = "".join(
        ch for ch in unicodedata.normalize("NFKC", body) if unicodedata.category(ch) != "Cf"
    )
    found = _FIRST.match(text)
    if found is None:
        return None
    word, rest = found["word"], found["rest"]
    score = _score_of(word)
    # A number word starts many a sentence ("один не пришёл"): alone, or set off, it scores.
    if score is None or not (word.isdigit() or not rest.strip() or _SET_OFF.match(rest)):
        return None
    rest = _SCALE.sub("", rest, count=1)
    comment = _LEADING.sub("", rest).strip()[:COMMENT_MAX]
    return Score(score, comment or None)


def _score_of(word: str) -> int | None:
    if word.isdigit():
        value = int(word) if len(word) == 1 else 0
        return value if 1 <= value <= 5 else None
    key = fold(word)
    return _DIGIT_LOOK_ALIKES.get(key) or _BY_WORD.get(key)
