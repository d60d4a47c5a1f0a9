"""CSV import of workers: good rows stored, each bad row reported by row and field, never stored."""

import io

import pytest
from sqlalchemy import func, select, text

from core.audit import AuditEntry
from core.errors import InvalidInput
from dispatch.registry.staff import actor_of
from geo.points import Point
from tests.builders import KAZAN, MOSCOW, auth, make_branch, make_user, make_worker
from workers.importing import import_workers
from workers.models import Worker

HEADER = "full_name,phone,lat,lon,skills"
GOOD_ROW = "Петров Пётр,8 921 555-00-11,55.75,37.62,loader"
GOOD_PHONE = "+79215550011"
URL = "/api/v1/workers/import"


def csv_file(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def worker_count(session) -> int:
    return session.scalar(select(func.count()).select_from(Worker))


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditEntry))


def by_phone(session, phone: str) -> Worker | None:
    return session.scalars(select(Worker).where(Worker.phone == phone)).one_or_none()


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def manager(session, branch):
    return make_user(session, role="manager", branch=branch)


@pytest.fixture
def run(session, branch, manager):
    """Import into the manager's branch through the service, as the route would."""

    def run(data: bytes, dry_run: bool = False):
        return import_workers(
            session,
            actor=actor_of(manager),
            data=data,
            branch_id=branch.id,
            default_region="RU",
            dry_run=dry_run,
        )

    return run


def upload(client, user, data: bytes, branch_id: int, **form):
    files = {"file": ("workers.csv", io.BytesIO(data), "text/csv")}
    return client.post(
        URL, files=files, data={"branch_id": str(branch_id), **form}, headers=auth(user)
    )


# --- the service ------------------------------------------------------------------------

BAD_ROWS = [
    # (case, row, field, a fragment the message must hold)
    ("bad phone", "Сидоров,12345,55.75,37.62,loader", "phone", "not a valid number"),
    ("landline", "Сидоров,+7 495 123-45-67,55.75,37.62,loader", "phone", "not a mobile"),
    ("no phone", "Сидоров,,55.75,37.62,loader", "phone", "required"),
    ("unknown skill", "Сидоров,+79215550099,55.75,37.62,juggler", "skills", "'juggler'"),
    ("no skill", "Сидоров,+79215550099,55.75,37.62,", "skills", "at least one skill"),
    ("latitude out of range", "Сидоров,+79215550099,95,37.62,loader", "lat", "95"),
    ("longitude out of range", "Сидоров,+79215550099,55.75,-181,loader", "lon", "-181"),
    ("non-numeric lon", "Сидоров,+79215550099,55.75,east,loader", "lon", "'east' is not a number"),
    ("empty lat", "Сидоров,+79215550099,,37.62,loader", "lat", "not a number"),
    ("blank name", "   ,+79215550099,55.75,37.62,loader", "full_name", "required"),
]


@pytest.mark.parametrize(
    "row, field, fragment", [case[1:] for case in BAD_ROWS], ids=[case[0] for case in BAD_ROWS]
)
def test_a_bad_row_is_reported_and_not_stored_while_the_good_row_is(
    session, run, branch, row, field, fragment
):
    before = worker_count(session)
    report = run(csv_file(GOOD_ROW, row))
    assert (report.created, report.updated) == (1, 0)
    assert [(r["row"], r["field"]) for r in report.rejected] == [(3, field)]
    assert fragment in report.rejected[0]["msg"]
    assert worker_count(session) == before + 1
    assert by_phone(session, GOOD_PHONE).branch_id == branch.id
    assert by_phone(session, "+79215550099") is None


@pytest.mark.parametrize(
    "columns, field, fragment",
    [("de,yes", "language", "language must be one of"), ("ru,maybe", "vetted", "yes/no")],
)
def test_bad_optional_columns_are_reported_by_name(session, run, columns, field, fragment):
    data = csv_file(
        "Петров Пётр,8 921 555-00-11,55.75,37.62,loader,en,нет",
        f"Сидоров,+79215550099,55.75,37.62,loader,{columns}",
        header=HEADER + ",language,vetted",
    )
    report = run(data)
    assert report.created == 1
    assert [(r["row"], r["field"]) for r in report.rejected] == [(3, field)]
    assert fragment in report.rejected[0]["msg"]
    stored = by_phone(session, GOOD_PHONE)
    assert (stored.language, stored.vetted) == ("en", False)
    assert by_phone(session, "+79215550099") is None


def test_a_mixed_file_numbers_rows_as_a_spreadsheet_does(session, run, branch):
    data = csv_file(
        GOOD_ROW,  # row 2
        "Плохой Номер,12345,55.75,37.62,loader",
        "Городской,+7 495 123-45-67,55.75,37.62,loader",
        "Жонглёр,8 921 555-00-13,55.75,37.62,juggler",
        "Полярник,8 921 555-00-14,95,37.62,loader",
        "Восточный,8 921 555-00-15,55.75,east,loader",
        "Двойник,+7 921 555 00 11,55.70,37.50,mover",  # row 8: row 2's phone again
        'Сидоров Сидор,89215550016,55.80,37.50,"Mover, packer"',
    )
    report = run(data)
    assert (report.created, report.updated, report.dry_run) == (2, 0, False)
    assert [(r["row"], r["field"]) for r in report.rejected] == [
        (3, "phone"),
        (4, "phone"),
        (5, "skills"),
        (6, "lat"),
        (7, "lon"),
        (8, "phone"),
    ]
    assert "repeats row 2" in report.rejected[-1]["msg"]
    stored = session.scalars(select(Worker).where(Worker.branch_id == branch.id)).all()
    assert {w.phone: (w.full_name, w.skills) for w in stored} == {
        GOOD_PHONE: ("Петров Пётр", ["loader"]),  # the repeat did not overwrite it
        "+79215550016": ("Сидоров Сидор", ["mover", "packer"]),
    }
    creations = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.create").order_by(AuditEntry.id)
    )
    assert sorted(e.entity_ids[0] for e in creations) == sorted(w.id for w in stored)


def test_a_file_of_only_bad_rows_writes_nothing(session, run):
    before = (worker_count(session), audit_count(session))
    report = run(csv_file("Плохой,12345,55.75,37.62,loader", "Жонглёр,+79215550099,1,2,juggler"))
    assert (report.created, report.updated, len(report.rejected)) == (0, 0, 2)
    assert (worker_count(session), audit_count(session)) == before


def test_a_missing_column_refuses_the_whole_file_naming_file(session, run):
    before = worker_count(session)
    with pytest.raises(InvalidInput) as caught:
        run(
            csv_file(
                "Петров Пётр,8 921 555-00-11,55.75,loader", header="full_name,phone,lat,skills"
            )
        )
    assert caught.value.loc == ("body", "file")
    assert "lon" in caught.value.msg
    assert worker_count(session) == before


def test_semicolons_a_bom_and_decimal_commas_are_read(session, run, branch):
    data = (
        "\ufeff Full_Name ;Phone;LAT;lon;skills;language;vetted\r\n"
        "Иванов Иван;8 921 123-45-67;55,7512;37,6184;loader,Mover;EN;да\r\n"
    ).encode()
    report = run(data)
    assert (report.created, report.rejected) == (1, [])
    worker = by_phone(session, "+79211234567")
    assert Point.from_db(worker.home) == pytest.approx(Point(lat=55.7512, lon=37.6184))
    assert (worker.full_name, worker.skills) == ("Иванов Иван", ["loader", "mover"])
    assert (worker.language, worker.vetted, worker.branch_id) == ("en", True, branch.id)


def test_a_known_phone_of_the_same_branch_updates_that_worker(session, run, branch):
    existing = make_worker(
        session, branch=branch, phone="+79211234567", full_name="Старое Имя", skills=["loader"]
    )
    count = worker_count(session)
    report = run(csv_file(f"Новое Имя,8 921 123-45-67,{KAZAN.lat},{KAZAN.lon},mover|packer"))
    assert (report.created, report.updated, report.rejected) == (0, 1, [])
    assert worker_count(session) == count
    session.expire_all()
    worker = by_phone(session, "+79211234567")
    assert worker.id == existing.id
    assert (worker.full_name, worker.skills, worker.branch_id) == (
        "Новое Имя",
        ["mover", "packer"],
        branch.id,
    )
    assert Point.from_db(worker.home) == pytest.approx(KAZAN)
    update = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "worker.update").order_by(AuditEntry.id)
    ).one()
    assert update.entity_ids == [existing.id]
    assert {"full_name", "skills"} <= set(update.detail["fields"])


def test_a_phone_of_another_branch_is_rejected_and_not_moved(session, run, branch):
    other = make_branch(session, center=KAZAN)
    theirs = make_worker(session, branch=other, phone="+79211234567", full_name="Чужой Работник")
    report = run(csv_file(f"Свой Работник,8 921 123-45-67,{MOSCOW.lat},{MOSCOW.lon},mover"))
    assert (report.created, report.updated) == (0, 0)
    assert [(r["row"], r["field"]) for r in report.rejected] == [(2, "phone")]
    assert "already registered" in report.rejected[0]["msg"]
    session.expire_all()
    assert (theirs.branch_id, theirs.full_name, theirs.skills) == (
        other.id,
        "Чужой Работник",
        ["loader"],
    )


def test_a_dry_run_reports_the_same_but_writes_nothing(session, run, branch):
    existing = make_worker(session, branch=branch, phone="+79211234567", full_name="Старое Имя")
    data = csv_file(
        "Новое Имя,8 921 123-45-67,55.75,37.62,loader",
        GOOD_ROW,
        "Плохой,12345,55.75,37.62,loader",
    )
    before = (worker_count(session), audit_count(session))
    trial = run(data, dry_run=True)
    assert (trial.created, trial.updated, len(trial.rejected), trial.dry_run) == (1, 1, 1, True)
    assert (worker_count(session), audit_count(session)) == before
    session.expire_all()
    assert existing.full_name == "Старое Имя"
    assert by_phone(session, GOOD_PHONE) is None
    real = run(data)  # the trial predicted the real thing
    assert (real.created, real.updated, real.rejected) == (1, 1, trial.rejected)


def test_a_dry_run_draws_no_id_and_names_each_refusal_by_code(session, run, branch):
    """Not even a rolled-back INSERT: the sequences of workers and the audit log stay put."""
    make_worker(session, branch=branch, phone="+79211234567")
    data = csv_file(
        "Новое Имя,8 921 123-45-67,55.75,37.62,loader",
        GOOD_ROW,
        "Плохой,12345,55.75,37.62,loader",
        "Без работы,8 921 555-00-12,55.75,37.62,astronaut",
    )

    def drawn():
        return (
            session.scalar(text("SELECT last_value FROM workers_id_seq")),
            session.scalar(text("SELECT last_value FROM audit_log_id_seq")),
        )

    before = drawn()
    trial = run(data, dry_run=True)
    assert (trial.created, trial.updated) == (1, 1)
    assert drawn() == before
    assert [(r["field"], r["code"]) for r in trial.rejected] == [
        ("phone", "phone_invalid"),
        ("skills", "unknown_skill"),
    ]


def test_a_trailing_separator_in_skills_is_ignored(session, run):
    report = run(csv_file('Петров Пётр,8 921 555-00-11,55.75,37.62,"loader, mover, "'))
    assert report.rejected == []
    assert by_phone(session, GOOD_PHONE).skills == ["loader", "mover"]


def test_a_too_long_name_rejects_only_its_row(session, run):
    report = run(csv_file(GOOD_ROW, f"{'Я' * 201},+79215550099,55.75,37.62,loader"))
    assert report.created == 1
    assert [(r["row"], r["field"]) for r in report.rejected] == [(3, "full_name")]


def test_row_numbers_count_blank_lines_as_a_spreadsheet_does(run):
    report = run(csv_file(GOOD_ROW, "", "Плохой,12345,55.75,37.62,loader"))
    assert [r["row"] for r in report.rejected] == [4]


# --- the endpoint -----------------------------------------------------------------------


def test_the_endpoint_answers_the_report_and_keeps_the_good_rows(client, session, branch):
    dispatcher = make_user(session, role="dispatcher", branch=branch)
    answer = upload(client, dispatcher, csv_file(GOOD_ROW, "Плохой,12345,1,2,loader"), branch.id)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body == {
        "created": 1,
        "updated": 0,
        "rejected": [
            {"row": 3, "field": "phone", "msg": body["rejected"][0]["msg"], "code": "phone_invalid"}
        ],
        "dry_run": False,
    }
    assert "'12345'" in body["rejected"][0]["msg"]
    assert by_phone(session, GOOD_PHONE).branch_id == branch.id


def test_the_endpoint_reads_national_numbers_in_the_branchs_country(client, session):
    minsk = make_branch(session, country="BY", center=Point(lat=53.9, lon=27.56))
    moscow = make_branch(session)
    admin = make_user(session, role="admin")
    data = csv_file("Минчанин,8 029 123-45-67,53.9,27.56,loader")
    answer = upload(client, admin, data, moscow.id)
    assert answer.json()["rejected"][0]["field"] == "phone"
    answer = upload(client, admin, data, minsk.id)
    assert (answer.json()["created"], answer.json()["rejected"]) == (1, [])
    assert by_phone(session, "+375291234567").branch_id == minsk.id


def test_the_endpoint_dry_run_writes_nothing(client, session, branch, manager):
    before = (worker_count(session), audit_count(session))
    answer = upload(client, manager, csv_file(GOOD_ROW), branch.id, dry_run="true")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"created": 1, "updated": 0, "rejected": [], "dry_run": True}
    assert (worker_count(session), audit_count(session)) == before


@pytest.mark.parametrize(
    "data, fragment",
    [
        (csv_file("Петров,89215550011,55.7,37.6", header="full_name,phone,lat,lon"), "skills"),
        (csv_file(GOOD_ROW).decode().encode("cp1251"), "UTF-8"),
        (b"", "missing columns"),
    ],
    ids=["missing column", "not utf-8", "empty"],
)
def test_the_endpoint_refuses_an_unreadable_file_naming_file(
    client, session, branch, manager, data, fragment
):
    before = worker_count(session)
    answer = upload(client, manager, data, branch.id)
    assert answer.status_code == 422, answer.text
    [error] = answer.json()["detail"]
    assert error["loc"] == ["body", "file"]
    assert fragment in error["msg"]
    assert worker_count(session) == before


def test_the_endpoint_hides_another_branch_and_writes_nothing(client, session, manager):
    other = make_branch(session, center=KAZAN)
    before = worker_count(session)
    answer = upload(client, manager, csv_file(GOOD_ROW), other.id)
    assert answer.status_code == 404
    assert worker_count(session) == before
