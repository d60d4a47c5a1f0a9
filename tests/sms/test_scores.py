"""A client's rating read from a text: a score 1-5 first, the rest as typed the comment."""

import pytest

from sms.scores import Score, read_score


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("5", Score(5, None)),
        ("5!", Score(5, None)),
        ("  4.", Score(4, None)),
        ("5 отлично", Score(5, "отлично")),
        ("2 опоздали двое", Score(2, "опоздали двое")),
        ("3, один ушёл рано", Score(3, "один ушёл рано")),
        ("4/5 нормально", Score(4, "нормально")),
        ("4 из 5", Score(4, None)),
        ("5 out of 5, great", Score(5, "great")),
        ("пять", Score(5, None)),
        ("Пятёрка, молодцы", Score(5, "молодцы")),
        ("Two - late again", Score(2, "late again")),
        ("５", Score(5, None)),  # a full-width digit
        ("З", Score(3, None)),  # a Cyrillic Ze for a 3
        ("ДВА", Score(2, None)),
        ("oдин", Score(1, None)),  # a Latin o in a Cyrillic word
        ("1", Score(1, None)),
    ],
)
def test_a_score_and_its_comment(body, expected):
    assert read_score(body) == expected


@pytest.mark.parametrize(
    "body",
    [
        "",
        "отлично",
        "10",
        "0",
        "6 супер",
        "спасибо 5",
        "да",
        "+",
        "один не пришёл",
        "two were late",
    ],
)
def test_no_score_reads_as_nothing(body):
    assert read_score(body) is None


def test_a_long_comment_is_cut_to_what_is_kept():
    read = read_score("1 " + "я" * 5000)
    assert read is not None and len(read.comment or "") == 1000
