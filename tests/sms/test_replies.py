"""The SMS reply parser: a table of real-looking replies, then properties over generated ones."""

import unicodedata

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sms.replies import EXACT, LEADS, SHORTCUTS, WORDS, Reply, parse, words_of

KINDS = {"yes", "no", "stop", "start", "help", "cancel", "unknown"}

CASES = [
    # yes, bare
    ("да", "yes", None),
    ("ДА", "yes", None),
    ("Да", "yes", None),
    ("Da", "yes", None),
    ("yes", "yes", None),
    ("YES", "yes", None),
    ("y", "yes", None),
    ("Y", "yes", None),
    ("1", "yes", None),
    ("+", "yes", None),
    ("+++", "yes", None),
    ("ок", "yes", None),
    ("OK", "yes", None),
    ("Okay", "yes", None),
    ("окей", "yes", None),
    ("ага", "yes", None),
    ("конечно", "yes", None),
    ("да!", "yes", None),
    ("Да.", "yes", None),
    ("  да  ", "yes", None),
    ("да-да", "yes", None),
    ("д\u00adа", "yes", None),  # a soft hyphen inside the word
    ("ст\u200bоп", "stop", None),  # a zero-width space inside the word
    ("yes please", "yes", None),
    ("Да, конечно", "yes", None),
    ("Да. Буду в 8 утра", "yes", None),  # the 8 is past the words that are read
    # yes, with a code
    ("да 482", "yes", "482"),
    ("YES #482", "yes", "482"),
    ("482 да", "yes", "482"),
    ("да,482", "yes", "482"),
    ("ДА №482", "yes", "482"),
    ("да482", "yes", "482"),
    ("482да", "yes", "482"),
    ("да-482", "yes", "482"),
    ("#482 - да", "yes", "482"),
    ("1 482", "yes", "482"),
    ("482 1", "yes", "482"),
    ("+482", "yes", "482"),
    ("+ 482", "yes", "482"),
    ("да 4821", "yes", "4821"),
    ("да 123456", "yes", "123456"),
    ("да 482 482", "yes", "482"),
    ("да, буду 482", "yes", "482"),
    ("да буду завтра 482", "yes", None),  # the code is past the words that are read
    # no
    ("нет", "no", None),
    ("НЕТ", "no", None),
    ("Нет.", "no", None),
    ("нету", "no", None),
    ("неа", "no", None),
    ("no", "no", None),
    ("NO", "no", None),
    ("n", "no", None),
    ("nope", "no", None),
    ("no thanks", "no", None),
    ("net", "no", None),
    ("NET", "no", None),
    ("0", "no", None),
    ("-", "no", None),
    ("--", "no", None),
    ("—", "no", None),  # a phone's autocorrected dash
    ("не", "no", None),
    ("не смогу", "no", None),
    ("Не смогу, извините", "no", None),
    ("нет 482", "no", "482"),
    ("NO #482", "no", "482"),
    ("482 нет", "no", "482"),
    ("0 482", "no", "482"),
    ("- 482", "no", "482"),
    ("-482", "no", "482"),
    ("не могу 482", "no", "482"),
    ("482 не приду", "no", "482"),
    ("не 482", "no", "482"),
    # no, after words that set it up (issue 15, item 11)
    ("завтра не могу, может послезавтра", "no", None),
    ("Завтра не смогу", "no", None),
    ("сегодня нет", "no", None),
    ("к сожалению, не смогу", "no", None),
    ("Извините, я не приду 482", "no", "482"),
    ("у меня не получится", "no", None),
    ("увы, никак", "no", None),
    ("никак", "no", None),
    ("нет, занят", "no", None),
    ("no, can't", "no", None),
    ("No, I can't", "no", None),
    ("can't", "no", None),
    ("Sorry, can't make it", "no", None),
    ("I can't tomorrow", "no", None),
    ("i won't 482", "no", "482"),
    ("i won't come tomorrow 482", "no", None),  # the code is past the words that are read
    ("i won't come 482", "no", "482"),  # "won't" is one word: the code is within reach
    ("unfortunately I cannot", "no", None),
    ("unable", "no", None),
    # stop: Twilio's opt-out keywords and the Russian ones
    ("STOP", "stop", None),
    ("stop", "stop", None),
    ("Stop!", "stop", None),
    ("СТОП", "stop", None),
    ("стоп", "stop", None),
    ("STOPALL", "stop", None),
    ("UNSUBSCRIBE", "stop", None),
    ("END", "stop", None),
    ("QUIT", "stop", None),
    ("REVOKE", "stop", None),
    ("OPTOUT", "stop", None),
    ("ОТПИСАТЬСЯ", "stop", None),
    ("CANCEL", "stop", None),  # Twilio has already opted the number out
    ("cancel.", "stop", None),
    ("стоп 482", "stop", "482"),
    # cancel a booking
    ("CANCEL 482", "cancel", "482"),
    ("cancel #482", "cancel", "482"),
    ("482 cancel", "cancel", "482"),
    ("cancel please", "cancel", None),
    ("ОТМЕНА 482", "cancel", "482"),
    ("отмена №482", "cancel", "482"),
    ("ОТМЕНА", "cancel", None),
    ("отменить 482", "cancel", "482"),
    # start and help
    ("START", "start", None),
    ("СТАРТ", "start", None),
    ("старт", "start", None),
    ("UNSTOP", "start", None),
    ("HELP", "help", None),
    ("help?", "help", None),
    ("ПОМОЩЬ", "help", None),
    ("INFO", "help", None),
    ("СПРАВКА", "help", None),
    ("help 482", "help", "482"),
    # not understood
    ("", "unknown", None),
    ("   ", "unknown", None),
    ("?!", "unknown", None),
    ("482", "unknown", None),
    ("#482", "unknown", None),
    ("1234567", "unknown", None),
    ("10", "unknown", None),
    ("01", "unknown", None),
    ("давай", "unknown", None),  # not a prefix match on "да"
    ("дай", "unknown", None),
    ("данет", "unknown", None),
    ("нетт", "unknown", None),
    ("yess", "unknown", None),
    ("ну да", "unknown", None),  # the first word decides
    ("please stop", "unknown", None),
    ("да нет", "unknown", None),  # Russian for "not really"
    ("нет, да", "unknown", None),
    ("yes no", "unknown", None),
    ("1 0", "unknown", None),
    ("да, не смогу", "unknown", None),
    ("не знаю", "unknown", None),
    ("не вопрос", "unknown", None),  # colloquial "sure", but not a word we read as yes
    ("у", "unknown", None),  # a lone Cyrillic у is a preposition, not Latin y
    ("у меня всё ок", "unknown", None),
    ("да 482 483", "unknown", None),
    ("да 48", "unknown", None),  # a code is 3-6 digits: maybe a typo
    ("да 1234567", "unknown", None),
    ("да 1", "unknown", None),
    ("+7 916 123-45-67", "unknown", None),
    ("+79161234567", "unknown", None),
    ("482 +", "unknown", None),  # a sign answers only at the start
    ("+-", "unknown", None),
    ("👍", "unknown", None),
    ("😀😀😀", "unknown", None),
    ("👍 482", "unknown", None),
    ("позвоните мне", "unknown", None),
    # a yes in words that start like a no: asked again, never a refusal nor a booking
    ("нет проблем", "unknown", None),
    ("Нет вопросов", "unknown", None),
    ("no problem", "unknown", None),
    ("No problem 482", "unknown", None),
    ("no worries", "unknown", None),
    ("да, нет проблем", "unknown", None),
    # a refusal anywhere makes a YES unclear; a lead word never makes a YES
    ("Да, но не смогу", "unknown", None),
    ("yes but I can't", "unknown", None),
    ("ok, not tomorrow", "unknown", None),
    ("завтра да", "unknown", None),
    ("sorry yes", "unknown", None),
    # only the listed lead words: a condition or a question is not a refusal
    ("если не смогу, напишу", "unknown", None),
    ("can you call me", "unknown", None),
    ("завтра позвоню", "unknown", None),
    ("завтра", "unknown", None),
    ("да \u0664\u0668\u0662", "unknown", None),  # 482 in Arabic-Indic digits: not read as a code
]

# Latin letters in Cyrillic words and the other way round; the comment names the odd ones.
LOOK_ALIKE_CASES = [
    ("дa", "yes", None),  # Latin a
    ("Дa", "yes", None),  # Latin a
    ("ДA", "yes", None),  # Latin A
    ("ДA 482", "yes", "482"),  # Latin A
    ("Dа", "yes", None),  # Cyrillic а
    ("yеs", "yes", None),  # Cyrillic е
    ("уes", "yes", None),  # Cyrillic у
    ("YЕS #482", "yes", "482"),  # Cyrillic Е
    ("оk", "yes", None),  # Cyrillic о
    ("OК", "yes", None),  # Cyrillic К
    ("HET", "no", None),  # all Latin
    ("HЕT", "no", None),  # Latin H, T
    ("нeт", "no", None),  # Latin e
    ("HET 482", "no", "482"),  # all Latin
    ("nеt", "no", None),  # Cyrillic е
    ("nо", "no", None),  # Cyrillic о
    ("Hе смогу", "no", None),  # Latin H
    ("CTOП", "stop", None),  # Latin C, T, O
    ("STОP", "stop", None),  # Cyrillic О
    ("OTMEHA 482", "cancel", "482"),  # all Latin
    ("CTAPT", "start", None),  # all Latin
    ("HELР", "help", None),  # Cyrillic Р
    ("\u0456nfo", "help", None),  # Cyrillic і, on Ukrainian and Kazakh keyboards
]

# Look-alike pairs written out independently of the module's table, so the property below checks
# the module rather than its own copy. Upper case has more pairs than lower (В/B, Н/H, Т/T...).
CYRILLIC = "АВЕКМНОРСТУХаеорсух"
LATIN = "ABEKMHOPCTYXaeopcyx"
SWAP = dict(zip(CYRILLIC + LATIN, LATIN + CYRILLIC, strict=True))

ALL_WORDS = [w for kinds in WORDS.values() for ws in kinds.values() for w in ws] + list(SHORTCUTS)
LONG_WORDS = [w for w in ALL_WORDS if len(w) >= 2]
CODES = st.none() | st.from_regex(r"[0-9]{3,6}", fullmatch=True)
# Around a reply: anything but letters, digits and the signs "+"/"-", which are answers.
AROUND = st.text(alphabet=" \t\n.,!?;:()\"'«»…#№*/🙂", max_size=4)
BETWEEN = st.sampled_from([" ", "  ", ",", ", ", " #", " №", ": ", "\n"])
CASINGS = st.sampled_from([str.lower, str.upper, str.title, str.swapcase])


@pytest.mark.parametrize(("body", "kind", "code"), CASES + LOOK_ALIKE_CASES)
def test_reply(body, kind, code):
    assert parse(body) == Reply(kind, code)


def test_the_table_is_big_enough_to_mean_something():
    assert len(CASES) + len(LOOK_ALIKE_CASES) >= 60


def _scripts(text: str) -> set[str]:
    return {unicodedata.name(ch).split()[0] for ch in text if ch.isalpha()}


@pytest.mark.parametrize(("body", "kind", "code"), LOOK_ALIKE_CASES)
def test_look_alike_cases_really_are_look_alikes(body, kind, code):
    # Guards the table above: an editor that "fixes" the letters would make it test nothing.
    latin_words = {w for w in ALL_WORDS if w.isascii()}
    mixed = _scripts(body) == {"LATIN", "CYRILLIC"}
    assert mixed or (body.isascii() and body.split()[0].lower() not in latin_words)


@pytest.mark.parametrize(
    ("word", "kind"),
    [
        (w, k)
        for table in (WORDS, EXACT)
        for kinds in table.values()
        for k, ws in kinds.items()
        for w in ws
    ],
)
def test_every_word_is_understood_bare_and_with_a_code(word, kind):
    assert parse(word).kind == ("stop" if word == "cancel" else kind)
    assert parse(f"{word} 482") == Reply(kind, "482")
    assert parse(f"482 {word}") == Reply(kind, "482")


@pytest.mark.parametrize(("shortcut", "kind"), SHORTCUTS.items())
def test_every_shortcut_is_understood_bare_and_before_a_code(shortcut, kind):
    assert parse(shortcut) == Reply(kind, None)
    assert parse(f"{shortcut} 482") == Reply(kind, "482")


def _check(body: str) -> None:
    reply = parse(body)
    assert reply.kind in KINDS
    if reply.code is not None:
        assert reply.kind != "unknown"
        assert reply.code.isascii() and reply.code.isdigit() and 3 <= len(reply.code) <= 6
        assert reply.code in body


@given(st.text())
def test_any_text_parses(body):
    _check(body)


@given(
    st.lists(
        st.sampled_from(ALL_WORDS)
        | st.from_regex(r"[0-9]{1,8}", fullmatch=True)
        | st.text(max_size=3),
        max_size=6,
    ),
    st.sampled_from(["", " ", ",", "#", "-", "№", "\n"]),
)
def test_codes_are_digits_taken_from_the_text(pieces, glue):
    _check(glue.join(pieces))


@given(
    st.sampled_from(ALL_WORDS + ["не смогу", "yes please"]),
    CODES,
    BETWEEN,
    AROUND,
    AROUND,
    CASINGS,
)
def test_case_and_punctuation_do_not_matter(word, code, between, before, after, casing):
    plain = f"{word} {code}" if code else word
    dressed = before + casing(f"{word}{between}{code}" if code else word) + after
    assert parse(plain).kind != "unknown"
    assert parse(dressed) == parse(plain)


@pytest.mark.parametrize("casing", [str.lower, str.upper, str.title])
@pytest.mark.parametrize("word", LONG_WORDS)
def test_every_word_survives_swapping_all_its_look_alikes(word, casing):
    cased = casing(word)
    swapped = "".join(SWAP.get(ch, ch) for ch in cased)
    assert parse(swapped) == parse(cased) != Reply("unknown", None)


@given(st.sampled_from(LONG_WORDS), CODES, CASINGS, st.data())
def test_look_alike_letters_do_not_matter(word, code, casing, data):
    cased = casing(word)
    swaps = data.draw(st.lists(st.booleans(), min_size=len(cased), max_size=len(cased)))
    pairs = zip(cased, swaps, strict=True)
    swapped = "".join(SWAP.get(ch, ch) if swap else ch for ch, swap in pairs)
    assume(swapped != cased)
    suffix = f" {code}" if code else ""
    assert parse(word + suffix).kind != "unknown"
    assert parse(swapped + suffix) == parse(word + suffix)


REFUSALS = ["не могу", "не смогу", "нет", "никак", "no", "can't", "cannot", "won't"]
YES_WORDS = [*words_of("yes"), "1", "+"]


@given(
    st.lists(st.sampled_from(sorted(LEADS)), max_size=3),
    st.sampled_from(REFUSALS),
    st.sampled_from(["", ", может послезавтра", " 482", ", sorry"]),
)
def test_a_refusal_after_lead_words_is_a_no(leads, refusal, tail):
    assert parse(" ".join([*leads, refusal]) + tail).kind == "no"


@given(
    st.sampled_from(YES_WORDS),
    st.sampled_from(REFUSALS),
    st.sampled_from([" ", ", ", ". ", ", но ", " but I "]),
)
def test_a_yes_with_a_refusal_anywhere_is_never_a_yes(yes, refusal, between):
    assert parse(f"{yes}{between}{refusal}").kind != "yes"


@given(st.sampled_from(sorted(LEADS)), st.sampled_from(YES_WORDS))
def test_lead_words_never_make_a_yes(lead, yes):
    assert parse(f"{lead} {yes}").kind == "unknown"
