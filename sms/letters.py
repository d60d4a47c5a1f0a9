"""How a typed word is compared with the words we know, answers and commands alike.

Phones type what their keyboard has: Latin letters among Cyrillic ones (HET, CTOП), Russian
letters for the Tajik, Kyrgyz and Uzbek ones a Russian keyboard lacks (ха for ҳа, ушбу for
ўшбу), apostrophes of any shape in Uzbek (o'zbek, oʻzbek, o’zbek). A word is folded to one
key: lower case, no apostrophes, those letters replaced by their Russian stand-ins, then
Cyrillic look-alikes replaced by the Latin letters they look like.
"""

import unicodedata

APOSTROPHES = "'`’ʻʼ‘"
_NO_APOSTROPHES = dict.fromkeys(map(ord, APOSTROPHES), None)
# Tajik ҳ ҷ қ ғ ӣ ӯ, Kyrgyz ң ө ү, Uzbek Cyrillic ў, and ё: what a Russian keyboard types.
_STAND_INS = str.maketrans("ҳҷқғӣӯңөүўё", "хчкгиуноууе")
# Cyrillic letters that look like Latin ones in either case, after casefold, and the
# Ukrainian and Kazakh і.
_LOOK_ALIKES = str.maketrans("авекмнорстухі", "abekmhopctyxi")


def plain(text: str) -> str:
    """Casefolded, composed, no apostrophes: before a text is cut into words."""
    return unicodedata.normalize("NFC", text.casefold()).translate(_NO_APOSTROPHES)


def fold(word: str) -> str:
    """The key a word is known by. A one-letter word is left as it is: a lone Cyrillic "у" is
    the preposition ("у меня не получится"), not the Latin "y" of yes."""
    word = plain(word).translate(_STAND_INS)
    return word if len(word) == 1 else word.translate(_LOOK_ALIKES)
