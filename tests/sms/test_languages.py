"""The five languages: reply and command words read alike in all of them (look-alike and
stand-in letters included), texts in each with Russian where a translation is missing, and a
worker choosing their language by SMS."""

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from core.audit import AuditEntry
from sms import commands, replies, templates
from sms.segments import measure
from tests.builders import auth, make_branch_site, make_user, make_worker
from tests.sms.test_inbox import last_text, offer_to, reply
from workers.models import Worker

ANSWERS = [
    (word, kind)
    for table in (replies.WORDS, replies.EXACT)
    for kinds in table.values()
    for kind, words in kinds.items()
    for word in words
]
COMMANDS = [
    (word, kind, language)
    for language, kinds in commands.WORDS.items()
    for kind, words in kinds.items()
    for word in words
]
# What a Russian keyboard types for the letters it lacks, and the other way round.
STAND_INS = dict(zip("ҳҷқғӣӯңөүў", "хчкгиуноуу", strict=True))  # ү is typed у
LATIN_FOR = dict(zip("аеокрсху", "aeokpcxy", strict=True))


def _variants(word: str, data: st.DataObject) -> str:
    """The word as some phone would type it: each special letter maybe replaced by its
    Russian stand-in, each Cyrillic look-alike maybe by its Latin twin, any case."""
    out = []
    for ch in word:
        if ch in STAND_INS and data.draw(st.booleans()):
            ch = STAND_INS[ch]
        if len(word) > 1 and ch in LATIN_FOR and data.draw(st.booleans()):
            ch = LATIN_FOR[ch]
        out.append(ch.upper() if data.draw(st.booleans()) else ch)
    return "".join(out)


@given(st.sampled_from(ANSWERS), st.sampled_from(["", " 482"]), st.data())
def test_an_answer_word_of_any_language_means_the_same_however_typed(answer, code, data):
    word, kind = answer
    typed = word if (word, kind) in [("ha", "yes")] else _variants(word, data)
    expected = "stop" if word == "cancel" and not code else kind  # a bare CANCEL: see replies
    assert replies.parse(typed + code).kind == expected
    assert commands.read(typed + code) is None  # never a command


@given(st.sampled_from(COMMANDS), st.data())
def test_a_command_word_of_any_language_means_the_same_however_typed(command, data):
    word, kind, language = command
    typed = _variants(word, data)
    read = commands.read(f"{typed} 15.12")
    assert read is not None and read.kind == kind
    assert read.args == ("15.12",)
    if kind == "language":
        assert read.language == language
    assert replies.parse(typed).kind == "unknown"  # never an answer to an offer


@pytest.mark.parametrize(
    ("body", "kind"),
    [
        ("ha 482", "yes"),  # Uzbek
        ("HA", "yes"),
        ("на 482", "unknown"),  # Russian "on": the Cyrillic twin of "ha" is no yes
        ("yo'q 482", "no"),
        ("YOʻQ", "no"),
        ("йўқ", "no"),
        ("ҲА 482", "yes"),  # Tajik
        ("ха", "yes"),  # the Russian keyboard's х for ҳ
        ("xa", "yes"),  # and the Latin x
        ("бале", "yes"),
        ("ооба 482", "yes"),  # Kyrgyz
        ("ooba", "yes"),
        ("жок", "no"),
        ("ЖОККО 482", "cancel"),
        ("бекор 482", "cancel"),  # Uzbek and Tajik alike
        ("не 482", "no"),  # Russian and Tajik alike
    ],
)
def test_the_reply_words_of_each_language(body, kind):
    assert replies.parse(body).kind == kind


@pytest.mark.parametrize(
    ("body", "language"),
    [
        ("O'ZBEK", "uz"),
        ("oʻzbek", "uz"),
        ("ТОҶИКӢ", "tg"),
        ("точики", "tg"),  # stand-ins for ҷ and ӣ
        ("КЫРГЫЗ", "ky"),
        ("русский", "ru"),
        ("ENGLISH", "en"),
    ],
)
def test_a_language_is_chosen_by_its_own_name(body, language):
    command = commands.read(body)
    assert command is not None and (command.kind, command.language) == ("language", language)


def test_a_kind_without_a_translation_is_sent_in_russian():
    missing = [k for k in templates.KINDS if k not in templates.TEMPLATES["uz"]]
    assert missing  # the clients' texts, at least
    body = templates.render(missing[0], "uz", **templates.LONGEST_VALUES)
    assert body == templates.render(missing[0], "ru", **templates.LONGEST_VALUES)


# Fields whose values are words in the worker's language: a text carrying one must be
# translated, or a Russian text would carry, say, an Uzbek skill name.
WORDED = {"skill", "what", "why", "fines", "history", "method"}


@pytest.mark.parametrize("language", templates.LANGUAGES)
def test_every_worker_text_with_worded_values_is_translated(language):
    untranslated = {
        kind
        for kind in templates.KINDS
        if kind not in templates.CLIENT_KINDS
        and templates.fields_of(kind, "ru") & WORDED
        and kind not in templates.TEMPLATES[language]
    }
    assert untranslated == set()


def test_transliteration_where_a_scheme_exists_and_only_there():
    values = {**templates.longest_values("uz"), "address": "ул. Складская, 12"}
    uzbek = templates.render("offer", "uz", None, True, **values)
    assert measure(uzbek).encoding == "GSM-7" and "Skladskaya" in uzbek
    tajik = templates.render("offer", "tg", None, True, **values)
    assert measure(tajik).encoding == "UCS-2" and "ҲА" in tajik  # no Tajik scheme: as written


def test_a_worker_chooses_their_language_by_sms_and_is_offered_work_in_it(session):
    branch, site = make_branch_site(session)
    worker = make_worker(session, branch=branch)
    assert reply(session, worker, "O'ZBEK") == "language ru -> uz"
    assert worker.language == "uz"
    assert last_text(session, worker).body.startswith("Endi xabarlar o'zbek tilida")
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.language").order_by(AuditEntry.id)
    ).all()[-1]
    assert entry.detail["after"] == "uz" and entry.entity_ids == [worker.id]
    order = offer_to(session, site, [worker])
    offer = last_text(session, worker)
    assert offer.kind == "offer" and offer.body.startswith("Ish: ") and order.code in offer.body
    assert reply(session, worker, f"ha {order.code}").endswith("-> booked")
    assert reply(session, worker, "ТОҶИКӢ") == "language uz -> tg"
    assert last_text(session, worker).body.startswith("Акнун паёмҳо")


def test_the_office_registers_a_worker_in_any_of_the_five_languages_and_no_other(client, session):
    branch, _ = make_branch_site(session)
    headers = auth(make_user(session, role="dispatcher", branch=branch))
    body = {
        "full_name": "Рахимов Алишер",
        "home": {"lat": 55.75, "lon": 37.61},
        "skills": ["loader"],
        "branch_id": branch.id,
    }
    made = client.post(
        "/api/v1/workers", json={**body, "phone": "+79215550101", "language": "uz"}, headers=headers
    )
    assert made.status_code == 201 and made.json()["language"] == "uz", made.text
    bad = client.post(
        "/api/v1/workers", json={**body, "phone": "+79215550102", "language": "fr"}, headers=headers
    )
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "language"]
    assert session.scalar(select(Worker.id).where(Worker.phone == "+79215550102")) is None
    changed = client.patch(
        f"/api/v1/workers/{made.json()['id']}", json={"language": "ky"}, headers=headers
    )
    assert changed.status_code == 200 and changed.json()["language"] == "ky", changed.text
