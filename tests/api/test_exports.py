"""CSV exports open in the reader's spreadsheet with a double click: a UTF-8 BOM, `;` and a
decimal comma in Russian (`,` and a point in English), headers and marks in the reader's
words, times in the branch's timezone to the second, dates 01.12.2026 in Russian; the
payouts' dates may be typed either way."""

from dataclasses import fields
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from api.console.i18n import TEXTS
from core.csvsafe import BOM
from dispatch.shift.timesheets import CODED_VALUES, Line, Payout
from tests.api.test_onsite import _mark_the_crew, _path, shift  # noqa: F401 - a fixture
from tests.csv_reading import number, read_csv

ASIA = "Asia/Yekaterinburg"  # UTC+5: neither the server's zone nor Moscow's


@pytest.fixture
def far_shift(session, shift):  # noqa: F811 - the fixture above
    shift["branch"].timezone = ASIA
    session.flush()
    return shift


def _timesheet(client, shift, **headers):  # noqa: F811
    answer = client.get(
        _path(shift["order"], "/timesheet?format=csv"), headers={**shift["office"], **headers}
    )
    assert answer.status_code == 200, answer.text
    return answer


@pytest.mark.parametrize(
    "asked, language",
    [
        ({}, "en"),  # an API client that asks for nothing: commas, as before
        ({"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"}, "ru"),
        ({"Accept-Language": "de-DE,en;q=0.5,ru;q=0.4"}, "en"),
        ({"Accept-Language": "de, ru;q=0.3"}, "ru"),
        ({"Cookie": "brigada_lang=ru"}, "ru"),  # the console's chosen language
        ({"Cookie": "brigada_lang=en", "Accept-Language": "ru"}, "en"),
    ],
)
def test_the_language_comes_from_the_reader(client, far_shift, asked, language):
    _mark_the_crew(client, far_shift)
    answer = _timesheet(client, far_shift, **asked)
    assert answer.headers["content-language"] == language
    assert answer.content.startswith(BOM.encode("utf-8"))
    header = answer.content.decode("utf-8").removeprefix(BOM).splitlines()[0]
    separator, other = (";", ",") if language == "ru" else (",", ";")
    assert separator in header and other not in header
    rows = read_csv(answer.content, language)  # parses with the language's separator
    assert len(rows) == len(far_shift["workers"]) + 1


def test_russian_export_is_what_excel_in_russia_reads(client, far_shift):
    _mark_the_crew(client, far_shift)
    order, zone = far_shift["order"], ZoneInfo(ASIA)
    body = _timesheet(client, far_shift, **{"Accept-Language": "ru"}).content
    text = body.decode("utf-8")
    assert text.startswith(BOM)
    header = text.removeprefix(BOM).splitlines()[0].split(";")
    assert header[:6] == ["Заказ", "Номер работника", "Работник", "Отметка", "Приход", "Уход"]
    assert "Маржа" in header and "Примечание" in header
    *lines, total = read_csv(body, "ru")
    assert total["worker_id"] == "Итого"
    marks = {line["attendance"] for line in lines}
    assert marks == {"явка", "неявка", "отпущен(а) с объекта, выход оплачен", "ранний уход"}
    arrived = next(line for line in lines if line["attendance"] == "явка")
    start = order.starts_at.astimezone(zone)
    assert start.microsecond  # made from now(): there are microseconds to leave out
    assert arrived["arrived_at"] == start.strftime("%d.%m.%Y %H:%M:%S")  # branch time, no µs
    # Decimal comma: Excel in Russia sums "1,00", and reads "1.07" as the 1st of July.
    assert "," in total["worker_pay"] and "." not in total["worker_pay"]
    for name in ("hours", "worker_pay", "fines"):
        lines_sum = sum(Decimal(number(line[name])) for line in lines)
        assert lines_sum == Decimal(number(total[name])), name
    debt = next(line for line in lines if line["attendance"] == "неявка")
    assert debt["worker_pay"].startswith("-") and "," in debt["worker_pay"]  # no quote: a number
    assert debt["note"] == "штраф больше оплаты за часы: долг"


def test_english_export_keeps_commas_points_and_iso_dates(client, far_shift):
    _mark_the_crew(client, far_shift)
    order = far_shift["order"]
    body = _timesheet(client, far_shift).content
    header = body.decode("utf-8").removeprefix(BOM).splitlines()[0].split(",")
    assert header[:3] == ["Order", "Worker ID", "Worker"]
    *lines, total = read_csv(body, "en")
    assert total["worker_id"] == "Total"
    arrived = next(line for line in lines if line["attendance"] == "arrived")
    local = order.starts_at.astimezone(ZoneInfo(ASIA))
    assert arrived["arrived_at"] == local.strftime("%Y-%m-%d %H:%M:%S")
    assert "." in total["worker_pay"]


@pytest.mark.parametrize("language", ["ru", "en"])
def test_payouts_take_either_date_form_and_speak_the_language(client, far_shift, language):
    order, branch = far_shift["order"], far_shift["branch"]
    _mark_the_crew(client, far_shift)
    assert client.post(_path(order, "/close"), headers=far_shift["office"]).status_code == 200
    day = order.starts_at.astimezone(ZoneInfo(branch.timezone)).date()
    base = f"/api/v1/branches/{branch.id}/payouts"
    iso = client.get(f"{base}?from={day}&to={day}&lang={language}", headers=far_shift["office"])
    dotted = client.get(
        f"{base}?from={day:%d.%m.%Y}&to={day:%d.%m.%Y}&lang={language}",
        headers=far_shift["office"],
    )
    assert iso.status_code == dotted.status_code == 200, dotted.text
    assert iso.content == dotted.content
    rows = read_csv(dotted.content, language)
    assert {row["currency"] for row in rows} == {"RUB"}
    assert len(rows) == 4  # the four booked workers: the no-show owes a fine
    header = dotted.content.decode("utf-8").removeprefix(BOM).splitlines()[0]
    assert header.startswith(
        "Номер работника;Работник;Телефон" if language == "ru" else "Worker ID,Worker,Phone"
    )
    assert f"payouts-{branch.id}-{day}-{day}.csv" in dotted.headers["content-disposition"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("from=31.11.2026&to=01.12.2026", "from"),
        ("from=01.12.2026&to=2026/12/02", "to"),
        ("from=12-01-2026&to=2026-12-02", "from"),
        ("from=02.12.2026&to=01.12.2026", "to"),  # before from
    ],
)
def test_a_bad_date_is_refused_naming_the_field(client, far_shift, query, field):
    branch = far_shift["branch"]
    answer = client.get(
        f"/api/v1/branches/{branch.id}/payouts?{query}", headers=far_shift["office"]
    )
    assert answer.status_code == 422, answer.text
    assert answer.json()["detail"][0]["loc"] == ["query", field]


def test_the_empty_payouts_are_a_header_with_a_bom(client, far_shift):
    branch = far_shift["branch"]
    before = (far_shift["order"].starts_at - timedelta(days=5)).date()
    answer = client.get(
        f"/api/v1/branches/{branch.id}/payouts?from={before:%d.%m.%Y}&to={before:%d.%m.%Y}",
        headers={**far_shift["office"], "Accept-Language": "ru"},
    )
    assert answer.status_code == 200
    assert answer.content.decode("utf-8").startswith(BOM + "Номер работника;")
    assert read_csv(answer.content, "ru") == []


def test_every_export_column_and_code_has_words_in_both_languages():
    codes = {"order", "total", "currency", *CODED_VALUES}
    codes |= {f.name for f in fields(Line)} | {f.name for f in fields(Payout)}
    for language in ("ru", "en"):
        missing = [c for c in sorted(codes) if not TEXTS[language].get(f"csv_{c}", "").strip()]
        assert missing == [], (language, missing)
