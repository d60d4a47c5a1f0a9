"""Issue 19: a number that is no worker's registers by SMS, through the inbox as a real text
is (intake.receive, then inbox.handle_inbound): consent first, name, work, home, language."""

import itertools
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.settings import get_settings
from dispatch.applicants import dialogue, places, texting
from dispatch.replies import inbox, intake
from sms import templates
from sms.models import Message
from tests.builders import KAZAN, MOSCOW, NOW, make_branch, make_district, offset
from workers.applicants import Applicant, ApplicantStep

_sid = itertools.count()
_phone = itertools.count(1)


def new_phone() -> str:
    return f"+7903{next(_phone):07d}"


def text(session, phone, body, now=NOW):
    """A stranger texts us: taken in as the webhook does, acted on as the job does."""
    message_id = intake.receive(
        session, provider_sid=f"SMapp{next(_sid):029d}", from_phone=phone, body=body
    )
    return inbox.handle_inbound(session, message_id, now)


def applicant_of(session, phone):
    session.expire_all()
    return session.scalars(select(Applicant).where(Applicant.phone == phone)).one_or_none()


def sent(session, phone):
    return list(
        session.scalars(
            select(Message)
            .where(Message.phone == phone, Message.direction == "out")
            .order_by(Message.id)
        )
    )


def kinds(session, phone):
    return [m.kind for m in sent(session, phone)]


@pytest.fixture
def city(session):
    """Two branches, Moscow and Kazan, each with districts."""
    moscow = make_branch(session, name="Москва Центр")
    kazan = make_branch(session, name="Казань", center=KAZAN)
    make_district(session, branch=moscow, name="Тверской", at=offset(MOSCOW, north_m=900))
    make_district(session, branch=kazan, name="Ново-Савиновский", at=offset(KAZAN, north_m=3000))
    make_district(session, branch=kazan, name="Новотатарская слобода", at=offset(KAZAN, east_m=500))
    make_district(session, branch=kazan, name="Вахитовский", at=offset(KAZAN, east_m=100))
    return moscow, kazan


def test_a_stranger_registers_in_russian_step_by_step(session, city):
    moscow, kazan = city
    phone = new_phone()
    assert text(session, phone, "Здравствуйте, есть работа?") == "applicant started"
    first = applicant_of(session, phone)
    assert (first.status, first.step, first.language) == ("talking", "consent", "ru")
    assert first.consent_at is None and first.full_name is None  # the phone only, so far
    assert "152-ФЗ" in sent(session, phone)[-1].body

    assert text(session, phone, "Да") == "consent given"
    consent = session.scalars(
        select(Message).where(Message.phone == phone, Message.direction == "in")
    ).all()[-1]
    assert text(session, phone, "Иван Петров") == "name taken"
    assert text(session, phone, "1 3, 13") == "skills taken"
    assert text(session, phone, "вахитовский") == f"district {_district(session, 'Вахитовский')}"
    assert text(session, phone, "2") == f"queued at branch {kazan.id}"

    applicant = applicant_of(session, phone)
    assert (applicant.status, applicant.step, applicant.language) == ("queued", "done", "en")
    assert applicant.consent_version == dialogue.CONSENT_VERSION
    assert applicant.consent_at == NOW and applicant.consent_message_id == consent.id
    assert applicant.full_name == "Иван Петров"
    assert applicant.skills == ["loader", "handyman", "promoter"]
    assert applicant.branch_id == kazan.id
    assert kinds(session, phone) == [
        "applicant_consent",
        "applicant_name",
        "applicant_skills",
        "applicant_list",  # the catalogue does not fit in one text
        "applicant_home",
        "applicant_language",
        "applicant_queued",
    ]
    texts = sent(session, phone)
    assert all(t.segments <= 2 for t in texts)
    # every skill of the catalogue is listed, numbered, across the two texts
    listed = texts[2].body + " " + texts[3].body
    assert "1 грузчик" in listed and "14 кухня" in listed
    assert "/a/" in texts[4].body  # the location link
    assert texts[-1].body.startswith("Thank you, Иван Петров!") and "Казань" in texts[-1].body
    steps = session.scalars(
        select(ApplicantStep.step, ApplicantStep.outcome)
        .where(ApplicantStep.applicant_id == applicant.id)
        .order_by(ApplicantStep.id)
    ).all()
    assert steps == ["consent", "consent", "name", "skills", "home", "language"]
    actions = session.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_ids.contains([applicant.id]))
    ).all()
    assert {"applicant.start", "applicant.consent", "applicant.queued"} <= set(actions)
    # waiting: a text gets a short answer, never a second dialogue
    assert text(session, phone, "ну что?") == "applicant waiting"


def _district(session, name):
    from workers.applicants import District

    return session.scalars(select(District.id).where(District.name == name)).one()


def test_ish_starts_the_dialogue_in_uzbek(session, city):
    phone = new_phone()
    assert text(session, phone, "ИШ") == "applicant started"
    applicant = applicant_of(session, phone)
    assert applicant.language == "uz"
    consent = sent(session, phone)[-1]
    assert consent.body == templates.render("applicant_consent", "uz")
    assert "roziligingiz" in consent.body  # in Uzbek
    assert text(session, phone, "ha") == "consent given"  # the Uzbek yes
    assert applicant_of(session, phone).language == "uz"  # kept for every later text
    name = sent(session, phone)[-1]
    assert name.body == templates.render("applicant_name", "uz") and "Ismingiz" in name.body


def test_a_job_word_in_english_starts_in_russian_and_the_language_is_chosen_by_word(session, city):
    phone = new_phone()
    assert text(session, phone, "WORK") == "applicant started"
    assert applicant_of(session, phone).language == "ru"
    for body in ("да", "Anna Smirnova", "2", "тверской"):
        text(session, phone, body)
    assert text(session, phone, "O'zbek") == f"queued at branch {city[0].id}"
    assert applicant_of(session, phone).language == "uz"


def test_no_consent_keeps_nothing_and_says_how_to_come_back(session, city):
    phone = new_phone()
    text(session, phone, "работа")
    applicant_id = applicant_of(session, phone).id
    assert text(session, phone, "нет") == "consent refused, nothing kept"
    assert applicant_of(session, phone) is None
    assert (
        session.scalar(
            select(func.count())
            .select_from(ApplicantStep)
            .where(ApplicantStep.applicant_id == applicant_id)
        )
        == 0
    )
    assert kinds(session, phone)[-1] == "applicant_declined"
    assert "РАБОТА" in sent(session, phone)[-1].body
    assert text(session, phone, "РАБОТА") == "applicant started"  # and back again


def test_stop_forgets_a_dialogue_without_a_reply(session, city):
    phone = new_phone()
    text(session, phone, "работа")
    assert text(session, phone, "СТОП") == "applicant stopped"
    assert applicant_of(session, phone) is None
    assert kinds(session, phone) == ["applicant_consent"]
    assert text(session, phone, "STOP") == "unknown sender stopped"  # nothing to forget


def test_stop_withdraws_a_queued_application(session, city):
    phone = new_phone()
    for body in ("работа", "да", "Анна Ли", "2", "тверской", "1"):
        text(session, phone, body)
    assert applicant_of(session, phone).status == "queued"
    assert text(session, phone, "stop") == "applicant stopped"
    assert applicant_of(session, phone) is None


def test_the_sweep_is_scheduled():
    from brigada.scheduler import PERIODIC

    assert [
        every for actor, every in PERIODIC if actor.actor_name == "dispatch.applicants_silent"
    ] == [600]


def test_an_interrupted_dialogue_resumes_where_it_stopped(session, city):
    phone = new_phone()
    text(session, phone, "работа")
    text(session, phone, "да")
    text(session, phone, "Пётр Сидоров")
    later = NOW + timedelta(hours=30)  # within the 48 hours
    assert dialogue.silent(session, later) == []
    assert text(session, phone, "5", now=later) == "skills taken"
    applicant = applicant_of(session, phone)
    assert applicant.step == "home" and applicant.skills == ["cleaner"]
    assert applicant.last_message_at == later


def test_three_nonsense_answers_end_the_dialogue_politely(session, city):
    phone = new_phone()
    text(session, phone, "работа")
    text(session, phone, "да")
    text(session, phone, "Ольга")
    assert text(session, phone, "что?") == "asked again for skills"
    assert text(session, phone, "99") == "asked again for skills"  # no such number
    assert kinds(session, phone)[-1] == "applicant_skills_again"
    assert text(session, phone, "грузчик!") == "applicant ended at skills"
    applicant = applicant_of(session, phone)
    assert applicant.status == "ended" and applicant.full_name is None  # forgotten
    assert applicant.consent_version == dialogue.CONSENT_VERSION  # the consent record stays
    assert kinds(session, phone)[-1] == "applicant_ended"
    assert text(session, phone, "ну") == "applicant ended, not answered"
    assert text(session, phone, "Работа") == "applicant restarted"
    again = applicant_of(session, phone)
    assert (again.status, again.step, again.tries, again.consent_at) == (
        "talking",
        "consent",
        0,
        None,
    )


def test_a_nonsense_name_or_consent_is_asked_again(session, city):
    phone = new_phone()
    text(session, phone, "работа")
    assert text(session, phone, "а сколько платят?") == "asked again for consent"
    assert kinds(session, phone)[-1] == "applicant_consent_again"
    text(session, phone, "да")
    assert text(session, phone, "12345") == "asked again for name"
    assert text(session, phone, "Да") == "asked again for name"
    assert text(session, phone, "Анна-Мария О'Нил") == "name taken"  # tries start anew per step


def test_the_sweep_ends_dialogues_silent_for_48_hours(session, city):
    phone, other = new_phone(), new_phone()
    text(session, phone, "работа")
    text(session, phone, "да")
    text(session, phone, "Ольга Ким")
    text(session, other, "работа", now=NOW + timedelta(hours=10))
    applicant = applicant_of(session, phone)
    assert dialogue.silent(session, NOW + timedelta(hours=47)) == []
    at = NOW + timedelta(hours=49)
    assert dialogue.silent(session, at) == [applicant.id]
    assert dialogue.end_silent(session, applicant.id, at) is True
    assert dialogue.end_silent(session, applicant.id, at) is False  # once
    ended = applicant_of(session, phone)
    assert ended.status == "ended" and ended.full_name is None and ended.ended_at == at
    assert kinds(session, phone)[-1] == "applicant_timeout"
    assert applicant_of(session, other).status == "talking"


def test_the_sweep_leaves_a_dialogue_a_text_just_woke(session, city):
    phone = new_phone()
    text(session, phone, "работа")
    applicant_id = applicant_of(session, phone).id
    at = NOW + timedelta(hours=49)
    assert dialogue.silent(session, at) == [applicant_id]
    text(session, phone, "да", now=at)  # a text between the list and the lock
    assert dialogue.end_silent(session, applicant_id, at) is False
    assert applicant_of(session, phone).status == "talking"


def to_home_step(session, phone):
    for body in ("работа", "да", "Рустам Алиев", "1"):
        text(session, phone, body)
    assert applicant_of(session, phone).step == "home"


@pytest.mark.parametrize(
    "typed, found",
    [
        ("Ново-Савиновский", "Ново-Савиновский"),
        ("НОВОСАВИНОВСКИЙ", "Ново-Савиновский"),
        ("ново савиновскии", "Ново-Савиновский"),  # й typed as и
        ("Baхитовский", "Вахитовский"),  # a Latin B
        ("вахит", "Вахитовский"),  # a prefix
        ("твepской р-н", None),  # words after the name: not a district
    ],
)
def test_a_district_is_matched_whatever_the_case_letters_or_dashes(session, city, typed, found):
    match = places.match_district(session, typed)
    assert (match.district.name if match.district else None) == found


def test_an_ambiguous_district_is_asked_with_suggestions(session, city):
    phone = new_phone()
    to_home_step(session, phone)
    assert text(session, phone, "Ново") == "asked again for home"
    last = sent(session, phone)[-1]
    assert last.kind == "applicant_district"
    assert "Ново-Савиновский" in last.body and "Новотатарская слобода" in last.body
    assert text(session, phone, "Вахитоский") == "asked again for home"  # a typo: suggested
    assert "Вахитовский" in sent(session, phone)[-1].body
    assert text(session, phone, "Вахитовский").startswith("district ")


def test_an_unknown_district_is_asked_again_with_the_link(session, city):
    phone = new_phone()
    to_home_step(session, phone)
    assert text(session, phone, "Марс") == "asked again for home"
    last = sent(session, phone)[-1]
    assert last.kind == "applicant_home_again" and "/a/" in last.body


def test_the_location_link_sets_home_and_the_nearest_branch(session, city, client):
    moscow, kazan = city
    phone = new_phone()
    to_home_step(session, phone)
    applicant = applicant_of(session, phone)
    link = sent(session, phone)[-1].body.split()[-1]
    token = places.token_for(applicant.id, get_settings().secret_key)
    assert link.endswith(f"/a/{token}")
    page = client.get(f"/a/{token}")
    assert page.status_code == 200 and 'id="checkin-here"' in page.text
    assert client.get(f"/a/{applicant.id}-AAAAAAAAAAAA").status_code == 404
    near_kazan = offset(KAZAN, north_m=2900)
    done = client.post(f"/a/{token}", data={"lat": near_kazan.lat, "lon": near_kazan.lon})
    assert done.status_code == 200 and 'id="aplace-done"' in done.text
    located = applicant_of(session, phone)
    assert located.step == "language" and located.branch_id == kazan.id
    assert located.district_id == _district(session, "Ново-Савиновский")
    assert kinds(session, phone)[-1] == "applicant_language"
    again = client.post(f"/a/{token}", data={"lat": MOSCOW.lat, "lon": MOSCOW.lon})
    assert again.status_code == 409  # the step is past: the link changes nothing
    assert applicant_of(session, phone).branch_id == kazan.id


def test_an_applicants_texts_are_capped_per_phone(session, city, monkeypatch):
    monkeypatch.setattr(texting, "TEXTS_PER_HOUR", 3)
    phone = new_phone()
    text(session, phone, "работа")
    for _ in range(4):
        text(session, phone, "?")  # consent asked again twice, then the end
    statuses = [m.status for m in sent(session, phone)]
    assert statuses == ["queued", "queued", "queued", "withheld"]


def test_an_approved_applicant_whose_worker_is_gone_may_sign_up_again(session, city):
    from tests.builders import make_applicant

    applicant = make_applicant(session, branch=city[0], status="approved")
    assert text(session, applicant.phone, "ну?") == "applicant approved, not answered"
    assert text(session, applicant.phone, "работа") == "applicant restarted"
    again = applicant_of(session, applicant.phone)
    assert (again.status, again.branch_id, again.full_name) == ("talking", None, None)


@pytest.mark.parametrize("name", ["Ха Сергей", "Озод Рахимов", "Алек Петров", "Ок Сун Ли"])
def test_a_name_that_starts_like_a_reply_word_is_a_name(session, city, name):
    phone = new_phone()
    text(session, phone, "РАБОТА")
    text(session, phone, "да")
    assert text(session, phone, name) == "name taken"
    assert applicant_of(session, phone).full_name == name


@pytest.mark.parametrize("word", ["да", "СТОП", "Свободен"])
def test_a_lone_reply_or_command_word_is_no_name(session, city, word):
    phone = new_phone()
    text(session, phone, "РАБОТА")
    text(session, phone, "да")
    assert text(session, phone, word) != "name taken"
    assert applicant_of(session, phone) is None or applicant_of(session, phone).full_name is None


def test_a_yes_sent_before_the_consent_question_is_no_consent(session, city):
    """Two first texts at once, "РАБОТА" and "да, грузчиком": the second was written before
    the 152-FZ question reached the phone, so it cannot be the answer to it."""
    phone = new_phone()
    ids = [
        intake.receive(session, provider_sid=f"SMrace{n:028d}", from_phone=phone, body=body)
        for n, body in enumerate(["РАБОТА", "да, грузчиком"], start=next(_race))
    ]
    assert inbox.handle_inbound(session, ids[0], NOW) == "applicant started"
    assert inbox.handle_inbound(session, ids[1], NOW) == "consent not yet asked"
    assert applicant_of(session, phone).consent_at is None
    assert text(session, phone, "да") == "consent given"  # the answer to the question


_race = itertools.count(0, 10)


def test_a_district_two_cities_share_is_asked_with_each_city_and_chosen_by_it(session, city):
    """Every city has its Ленинский: the name alone is asked again with each branch's label,
    and the name with the city picks it."""
    moscow, kazan = city
    make_district(session, branch=moscow, name="Ленинский", at=offset(MOSCOW, north_m=-900))
    make_district(session, branch=kazan, name="Ленинский", at=offset(KAZAN, north_m=-900))
    both = places.match_district(session, "ленинский")
    assert both.district is None
    assert sorted(both.suggestions) == ["Ленинский (Казань)", "Ленинский (Москва Центр)"]
    chosen = places.match_district(session, "Ленинский (Казань)")
    assert chosen.district is not None and chosen.district.branch_id == kazan.id
    typed = places.match_district(session, "ленинский казань")
    assert typed.district is not None and typed.district.branch_id == kazan.id
    assert places.match_district(session, "Тверской").district is not None  # unique: as before
