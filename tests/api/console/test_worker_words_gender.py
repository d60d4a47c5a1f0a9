"""A worker is a man or a woman and the console does not know which: the Russian words that
describe a worker's state are nouns or carry both endings ("записан(а)"), never a masculine
verb alone ("Орлова Анна · Пришёл" reads careless to every Russian reader)."""

import re

from tests.api.console.test_error_words import _import_everything

# Keys whose words stand beside a worker's name (states, marks, timelines, exports, refusals).
ABOUT_A_WORKER = (
    "order_sd_",
    "order_ev_",
    "order_of_",
    "foreman_is_",
    "foreman_do_",
    "foreman_pending_",
    "foreman_undo_",
    "foreman_left_at",
    "foreman_checked_in",
    "csv_",
    "workers_",
    "err_not_eligible_",
)
# Masculine past forms of the verbs these words use; with "(а)"/"(ла)" after them they are fine.
MASCULINE = re.compile(
    r"\b(пришёл|ушёл|вышел|опоздал|отказался|ответил|подтвердил|отметился|записан|отпущен|"
    r"снят|заблокирован|отстранён|прошёл|отписался|понадобился)\b(?!\()",
    re.IGNORECASE,
)


def test_words_about_a_worker_agree_with_either_gender():
    _import_everything()
    from api.console.i18n import TEXTS

    about = {k: v for k, v in TEXTS["ru"].items() if k.startswith(ABOUT_A_WORKER)}
    assert len(about) > 40  # the prefixes still name real keys
    careless = {k: v for k, v in about.items() if MASCULINE.search(v)}
    assert not careless, f"masculine-only Russian words about a worker: {careless}"
