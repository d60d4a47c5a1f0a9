"""The CSV import under random input (hypothesis): random bytes and random rows never raise
anything but a whole-file error naming `file`, every rejected row names its field, and nothing
is half-written: exactly the rows reported as created or updated are stored."""

import csv
import io

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from core.audit import AuditEntry
from core.errors import InvalidInput
from dispatch.registry.staff import actor_of
from tests.builders import make_branch, make_user
from workers.importing import OPTIONAL_COLUMNS, REQUIRED_COLUMNS, import_workers, read_rows
from workers.models import Worker

COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Cells a spreadsheet may hold, and a few nobody should send.
ODD = st.sampled_from(
    ["", " ", "\x00", "nan", "inf", "-inf", "1e400", "NaN", '"', ";", ",", "\n", "\r\n", "\ufeff"]
)
TEXT = st.text(max_size=40)


def mostly(good: st.SearchStrategy, *bad: st.SearchStrategy) -> st.SearchStrategy:
    """Good cells nine times in ten, so that many rows get as far as being stored."""
    return st.sampled_from(range(10)).flatmap(lambda i: good if i else st.one_of(*bad))


PHONES = mostly(
    st.one_of(
        st.integers(0, 9_999_999).map(lambda n: f"+7921{n:07d}"),
        st.integers(0, 9_999_999).map(lambda n: f"8 921 {n:07d}"),
        st.sampled_from(["+79211234567", "+37491234567"]),  # the same phone twice: repeats
    ),
    st.sampled_from(["+7 495 123-45-67", "12345", "+1"]),
    TEXT,
    ODD,
)
LATITUDES = mostly(
    st.floats(-90, 90).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(places=4, allow_nan=False, allow_infinity=False).map(
        lambda d: str(d).replace(".", ",")
    ),
    TEXT,
    ODD,
)
LONGITUDES = mostly(st.floats(-180, 180).map(str), st.floats().map(str), TEXT, ODD)
SKILLS = mostly(
    st.lists(st.sampled_from(["loader", "mover", "Cashier"]), min_size=1, max_size=3).map(";".join),
    st.lists(st.sampled_from(["juggler", "", "loader"]), max_size=3).map("|".join),
    TEXT,
    ODD,
)
ROW = st.fixed_dictionaries(
    {
        "full_name": mostly(
            st.sampled_from(["Петров Пётр", "  Пётр  Петров ", "Пётр\x00Петров"]),
            TEXT,
            ODD,
            st.text(min_size=190, max_size=260),
        ),
        "phone": PHONES,
        "lat": LATITUDES,
        "lon": LONGITUDES,
        "skills": SKILLS,
        "language": mostly(st.sampled_from(["", "ru", "en", "RU"]), st.just("de"), ODD),
        "vetted": mostly(st.sampled_from(["", "yes", "нет", "1"]), st.just("maybe"), ODD),
    }
)


def _csv(rows: list[dict[str, str]], delimiter: str) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def actor(session, branch):
    return actor_of(make_user(session, role="manager", branch=branch))


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def _run(session, actor, branch, data: bytes, dry_run: bool = False):
    return import_workers(
        session, actor=actor, data=data, branch_id=branch.id, default_region="RU", dry_run=dry_run
    )


def _within_a_savepoint(session, check) -> None:
    """Each example on its own: whatever it stored is rolled back before the next one."""
    savepoint = session.begin_nested()
    try:
        check()
    finally:
        savepoint.rollback()


HEADER = b"full_name,phone,lat,lon,skills\n"


@FUZZ
@given(data=st.one_of(st.binary(max_size=2_000), st.text(max_size=500).map(str.encode)))
# Files that broke the csv reader itself (a 500 before): a cell over its size limit, a bare
# carriage return, a quote left open.
@example(data=HEADER + b"a" * 200_000 + b",+79211234567,55,37,loader\n")
@example(data=HEADER + b"Petr\rPetrov,+79211234567,55,37,loader\n")
@example(data=HEADER + b'"Petr,+79211234567,55,37,loader\n')
def test_random_bytes_never_raise_anything_but_a_file_error(session, actor, branch, data):
    def check():
        workers, audits = _count(session, Worker), _count(session, AuditEntry)
        try:
            report = _run(session, actor, branch, data)
        except InvalidInput as exc:
            assert exc.loc == ("body", "file")
            assert (_count(session, Worker), _count(session, AuditEntry)) == (workers, audits)
            return
        assert _count(session, Worker) == workers + report.created

    _within_a_savepoint(session, check)


@FUZZ
@given(
    rows=st.lists(ROW, min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";"]),
    dry_run=st.booleans(),
)
def test_random_rows_are_stored_whole_or_rejected_by_field(
    session, actor, branch, rows, delimiter, dry_run
):
    data = _csv(rows, delimiter)

    def check():
        workers, audits = _count(session, Worker), _count(session, AuditEntry)
        try:
            report = _run(session, actor, branch, data, dry_run=dry_run)
        except InvalidInput as exc:  # a cell that breaks the header or the UTF-8 of the file
            assert exc.loc == ("body", "file")
            assert _count(session, Worker) == workers
            return
        for rejected in report.rejected:
            assert rejected["field"] in COLUMNS, rejected
            assert rejected["msg"]
        stored = 0 if dry_run else report.created
        written = 0 if dry_run else report.created + report.updated
        assert _count(session, Worker) == workers + stored
        assert _count(session, AuditEntry) == audits + written  # one entry per stored row
        _, read = read_rows(data)  # every row the reader saw is accounted for, once
        assert report.created + report.updated + len(report.rejected) == len(read)

    _within_a_savepoint(session, check)


@FUZZ
@given(name=st.text(min_size=1, max_size=30), phone_tail=st.integers(0, 9_999_999))
def test_a_stored_row_reads_back_as_it_was_written(session, actor, branch, name, phone_tail):
    row = {"full_name": name, "phone": f"8 921 {phone_tail:07d}", "lat": "55,75", "lon": "37.62"}
    row |= {"skills": "loader;mover", "language": "en", "vetted": "да"}

    def check():
        report = _run(session, actor, branch, _csv([row], ","))
        if report.rejected:
            assert [r["field"] for r in report.rejected] == ["full_name"], report.rejected
            return
        worker = session.scalars(
            select(Worker).where(Worker.phone == f"+7921{phone_tail:07d}")
        ).one()
        assert worker.full_name == " ".join(name.split())
        assert (worker.skills, worker.language, worker.vetted) == (["loader", "mover"], "en", True)

    _within_a_savepoint(session, check)
