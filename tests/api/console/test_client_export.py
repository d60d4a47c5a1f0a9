"""The clients list as a CSV download (/console/clients.csv): the page's search, a UTF-8 BOM
with Cyrillic intact, formulas neutralised, the branch's clients only, the office's roles
only, and the download audited."""

import pytest
from sqlalchemy import select

from core.audit import AuditEntry
from core.csvsafe import BOM
from tests.api.console.helpers import sign_in
from tests.api.console.test_console_exports import EVIL, rows_of
from tests.builders import KAZAN, make_branch, make_client, make_user

NAME = "ООО «Щукин и Ёлкин»"
THEIRS = "Казанский Склад"


@pytest.fixture
def world(session):
    home, other = make_branch(session), make_branch(session, center=KAZAN)
    ours = make_client(session, branch=home, name=NAME)
    ours.inn, ours.contact_person, ours.contact_phone = "7707083893", "Пётр Сидоров", "+79211234567"
    ours.notes = "Въезд с Ленинского"
    evil = make_client(session, branch=home, name=EVIL)
    evil.contact_person = "@SUM(1+1)*cmd|' /C calc'!A0"
    make_client(session, branch=other, name=THEIRS)
    session.flush()
    return {
        "home": home,
        "ours": ours,
        "evil": evil,
        "dispatcher": make_user(session, role="dispatcher", branch=home),
        "manager": make_user(session, role="manager", branch=home),
    }


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_list_downloads_with_a_bom_cyrillic_intact_and_formulas_neutralised(
    client, world, language
):
    sign_in(client, world["dispatcher"])
    answer = client.get("/console/clients.csv", params={"lang": language})
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.headers["content-disposition"].startswith("attachment; filename=")
    assert answer.content.startswith(BOM.encode("utf-8"))
    by_id = {int(row["clients_id"]): row for row in rows_of(answer, language)}
    assert set(by_id) == {world["ours"].id, world["evil"].id}
    ours = by_id[world["ours"].id]
    assert ours["clients_name"] == NAME and ours["clients_contact_person"] == "Пётр Сидоров"
    assert ours["clients_inn"] == "7707083893" and ours["clients_notes"] == "Въезд с Ленинского"
    assert ours["clients_contact_phone"] == "'+79211234567"  # a spreadsheet must not add
    assert ours["export_branch"] == world["home"].code
    evil = by_id[world["evil"].id]
    assert evil["clients_name"] == "'" + EVIL
    assert evil["clients_contact_person"].startswith("'@")


def test_the_download_is_the_pages_search(client, world):
    sign_in(client, world["dispatcher"])
    by_inn = rows_of(client.get("/console/clients.csv", params={"q": " 7707 "}))
    assert [row["clients_name"] for row in by_inn] == [NAME]
    by_name = rows_of(client.get("/console/clients.csv", params={"q": "щукин"}))
    assert [row["clients_name"] for row in by_name] == [NAME]
    assert rows_of(client.get("/console/clients.csv", params={"q": "Казанский"})) == []


def test_another_branchs_clients_are_never_in_it(client, world):
    sign_in(client, world["manager"])
    body = client.get("/console/clients.csv").content.decode()
    assert NAME in body and THEIRS not in body


@pytest.mark.parametrize("role", ["recruiter", "foreman"])
def test_a_recruiter_or_a_foreman_is_refused(client, session, world, role):
    sign_in(client, make_user(session, role=role, branch=world["home"]))
    answer = client.get("/console/clients.csv")
    assert answer.status_code == 403
    assert NAME not in answer.text
    assert (
        session.scalars(
            select(AuditEntry).where(AuditEntry.action == "client.export").order_by(AuditEntry.id)
        ).all()
        == []
    )


def test_the_download_is_audited_and_the_page_links_it(client, session, world):
    sign_in(client, world["dispatcher"])
    client.get("/console/clients.csv", params={"q": "щукин"})
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "client.export").order_by(AuditEntry.id)
    ).one()
    assert entry.entity_ids == [world["ours"].id] and entry.branch_id == world["home"].id
    assert entry.detail["via"] == "/console/clients.csv" and entry.detail["rows"] == 1
    assert entry.actor_user_id == world["dispatcher"].id
    assert 'href="/console/clients.csv" download' in client.get("/console/clients").text
    searched = client.get("/console/clients", params={"q": "Щукин и"}).text
    assert 'href="/console/clients.csv?q=%D0%A9%D1%83%D0%BA%D0%B8%D0%BD%20%D0%B8"' in searched
