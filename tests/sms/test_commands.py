"""Command words: read in every language, never confused with an answer to an offer."""

import pytest

from sms import replies
from sms.commands import WORDS, read
from sms.letters import fold


@pytest.mark.parametrize(
    ("body", "kind", "language", "args"),
    [
        ("СМЕНЫ", "shifts", "ru", ()),
        ("деньги", "pay", "ru", ()),
        ("Свободен завтра", "free", "ru", ("завтра",)),
        ("ЗАНЯТ до 15.12", "busy", "ru", ("до", "15.12")),
        ("пауза 3 дня", "pause", "ru", ("3", "дня")),
        ("СПОР 482 я пришёл вовремя", "dispute", "ru", ("482", "я", "пришёл", "вовремя")),
        ("DISPUTE 482", "dispute", "en", ("482",)),
        ("O'ZBEK", "language", "uz", ()),
        ("o‘zbek", "language", "uz", ()),
        ("ТОҶИКӢ", "language", "tg", ()),
        ("кыргыз", "language", "ky", ()),
        ("ИШ", "work", "uz", ()),
        ("КОР", "work", "tg", ()),
        ("ЖУМУШ", "work", "ky", ()),
        ("CMEHЫ", "shifts", "ru", ()),  # Latin C, M, E, H typed among the Cyrillic
    ],
)
def test_a_command_word_is_read_with_what_follows(body, kind, language, args):
    command = read(body)
    assert command is not None
    assert (command.kind, command.language, command.args) == (kind, language, args)


@pytest.mark.parametrize("body", ["", "да", "нет 482", "привет", "482", "ок"])
def test_anything_else_is_no_command(body):
    assert read(body) is None


def test_no_command_word_is_an_answer_word_in_any_language():
    answers = {fold(w) for kind in replies.KINDS_READ for w in replies.words_of(kind)}
    assert {fold("да"), fold("ооба"), fold("yoq")} <= answers
    commands = {fold(w) for kinds in WORDS.values() for words in kinds.values() for w in words}
    assert answers & commands == set()
