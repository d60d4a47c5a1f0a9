"""The console's CSV import: upload, a preview that writes nothing with the errors beside
their rows, the import started once as a job, its progress polled, its report downloaded;
only the roles that create workers, and another branch's run is not found."""

import csv
import io
import re

import pytest
from sqlalchemy import func, select

from api.console.i18n import TEXTS
from api.routes.registry.workers import MAX_IMPORT_BYTES
from core.csvsafe import BOM
from core.jobs import pending_jobs
from dispatch.registry.staff import actor_of
from tests.api.console.helpers import csrf_of, sign_in
from tests.builders import make_branch, make_user
from tests.workers.test_import_runs import csv_rows, run_all
from workers import import_runs
from workers.enums import ImportStatus
from workers.models import ImportRun, Worker

PAGE = "/console/workers/import"


@pytest.fixture
def branch(session):
    return make_branch(session)


@pytest.fixture
def dispatcher(session, branch):
    return make_user(session, role="dispatcher", branch=branch)


def upload(client, data: bytes, name: str = "работники.csv", **form):
    files = {"import_file": (name, io.BytesIO(data), "text/csv")}
    return client.post(PAGE, files=files, data={"csrf": csrf_of(client), **form})


def workers(session) -> int:
    return session.scalar(select(func.count()).select_from(Worker))


def run_of(response) -> int:
    found = re.search(r"/console/workers/import/(\d+)/start", response.text)
    assert found, response.text
    return int(found.group(1))


def test_the_form_is_labelled_and_linked_from_the_workers_page(client, dispatcher):
    sign_in(client, dispatcher)
    page = client.get(PAGE, params={"lang": "en"})
    assert page.status_code == 200
    assert '<label for="import-file">CSV file</label>' in page.text
    assert 'id="import-file" name="import_file" type="file"' in page.text
    assert 'href="/console/workers/import"' in client.get("/console/workers").text


def test_the_preview_shows_the_first_rows_and_every_error_and_writes_nothing(
    client, session, dispatcher
):
    sign_in(client, dispatcher)
    before = workers(session)
    bad = {3: "Без широты,+79215550000,,37.62,loader", 40: "Кривой,123,55.7,37.6,loader"}
    page = upload(client, csv_rows(50, bad))
    assert page.status_code == 200, page.text
    assert workers(session) == before
    text = page.text
    body = text[text.index('id="import-preview"') : text.index("</table>")]
    assert body.count('<th scope="row">') == 20  # the first 20 rows
    assert "Работник 0" in body and "Работник 20" not in body
    # Row 5 (index 3) shows its error in its own row; row 42 is listed with the others.
    row5 = body[body.index('<th scope="row">5</th>') :].split("</tr>")[0]
    assert 'class="error">lat:' in row5
    errors = text[text.index('id="import-errors"') :]
    assert '<th scope="row">5</th>' in errors and '<th scope="row">42</th>' in errors
    run = session.get(ImportRun, run_of(page))
    assert run.status == ImportStatus.PREVIEWED and run.total == 50
    assert run.filename == "работники.csv"


def test_a_missing_or_unreadable_file_is_said_beside_the_field(client, session, dispatcher):
    sign_in(client, dispatcher)
    empty = client.post(PAGE, data={"csrf": csrf_of(client)}, params={"lang": "en"})
    assert empty.status_code == 422
    assert 'aria-describedby="import-help import-file-error"' in empty.text
    assert 'id="import-file-error" role="alert">Choose a file.' in empty.text
    wrong = upload(client, b"name;tel\n1;2\n")
    assert wrong.status_code == 422
    assert "missing columns" in wrong.text and 'id="import-file-error"' in wrong.text
    big = upload(client, b"x" * (MAX_IMPORT_BYTES + 1))
    assert big.status_code == 422 and "larger than 5 MB" in big.text
    assert session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_a_form_without_its_token_is_refused(client, session, dispatcher):
    sign_in(client, dispatcher)
    files = {"import_file": ("a.csv", io.BytesIO(csv_rows(2)), "text/csv")}
    assert client.post(PAGE, files=files).status_code == 403
    assert session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_import_runs_as_a_job_with_progress_and_a_report(client, session, dispatcher):
    sign_in(client, dispatcher)
    run_id = run_of(upload(client, csv_rows(6, {2: "=cmd|' /C calc'!A0,+7921,55.7,37.6,loader"})))
    started = client.post(
        f"{PAGE}/{run_id}/start", data={"csrf": csrf_of(client)}, follow_redirects=False
    )
    assert started.status_code == 303 and started.headers["location"] == f"{PAGE}/{run_id}"
    again = client.post(f"{PAGE}/{run_id}/start", data={"csrf": csrf_of(client)})
    assert again.status_code == 409  # once only
    page = client.get(f"{PAGE}/{run_id}", params={"lang": "en"})
    assert 'hx-trigger="every 1s"' in page.text and 'value="0"' in page.text
    assert "0 of 6 processed (0%)" in page.text
    run_all(session, run_id, size=4)  # what the job does (tests/browser runs the real one)
    done = client.get(f"{PAGE}/{run_id}/progress", params={"lang": "en"})
    assert "6 of 6 processed (100%)" in done.text and "hx-trigger" not in done.text
    assert "Created: 5, updated: 0, skipped with errors: 1." in done.text
    assert f'href="{PAGE}/{run_id}/report.csv"' in done.text
    report = client.get(f"{PAGE}/{run_id}/report.csv", params={"lang": "ru"})
    assert report.status_code == 200
    assert (
        report.headers["content-disposition"]
        == f'attachment; filename="import-{run_id}-report.csv"'
    )
    assert report.content.startswith(BOM.encode())
    rows = list(csv.reader(io.StringIO(report.content.decode()[1:]), delimiter=";"))
    assert rows[0] == ["Строка", "Поле", "Ошибка"]
    assert rows[1][:2] == ["4", "phone"]
    ru = TEXTS["ru"]
    assert ["", ru["csv_import_created"], "5"] in rows
    assert ["", ru["csv_import_rejected"], "1"] in rows


def test_the_job_is_sent_only_when_the_start_commits(session, dispatcher, branch):
    desk = actor_of(dispatcher)
    run = import_runs.preview(
        session,
        actor=desk,
        data=csv_rows(1),
        filename="a.csv",
        branch_id=branch.id,
        default_region="RU",
    ).run
    with pytest.raises(RuntimeError), session.begin_nested():
        import_runs.start(session, run.id, actor=desk)
        raise RuntimeError("the request failed")
    assert pending_jobs(session) == []


@pytest.mark.parametrize("suffix", ["", "/progress", "/report.csv"])
def test_another_branchs_run_is_a_404(client, session, dispatcher, suffix):
    sign_in(client, dispatcher)
    run_id = run_of(upload(client, csv_rows(2)))
    other = make_user(session, role="manager", branch=make_branch(session))
    sign_in(client, other)
    assert client.get(f"{PAGE}/{run_id}{suffix}").status_code == 404


def test_another_branch_may_not_start_the_run(client, session, dispatcher):
    sign_in(client, dispatcher)
    run_id = run_of(upload(client, csv_rows(2)))
    sign_in(client, make_user(session, role="dispatcher", branch=make_branch(session)))
    assert client.post(f"{PAGE}/{run_id}/start", data={"csrf": csrf_of(client)}).status_code == 404
    assert session.get(ImportRun, run_id).status == ImportStatus.PREVIEWED


def test_a_foreman_may_not_import(client, session, branch):
    foreman = make_user(session, role="foreman", branch=branch)
    sign_in(client, foreman)
    assert client.get(PAGE).status_code == 403
    assert upload(client, csv_rows(2)).status_code == 403
    assert session.scalar(select(func.count()).select_from(ImportRun)) == 0


def test_an_admin_chooses_the_branch(client, session, branch):
    admin = make_user(session, role="admin")
    sign_in(client, admin)
    form = client.get(PAGE, params={"lang": "en"})
    assert '<label for="import-branch">Branch</label>' in form.text
    page = upload(client, csv_rows(2), import_branch=str(branch.id))
    assert page.status_code == 200
    assert session.get(ImportRun, run_of(page)).branch_id == branch.id
    none = upload(client, csv_rows(2))
    assert none.status_code == 422 and 'id="import-branch-error"' in none.text


def test_a_long_file_says_it_was_checked_in_part(client, dispatcher, monkeypatch):
    monkeypatch.setattr(import_runs, "CHECK_ROWS", 5)
    sign_in(client, dispatcher)
    page = upload(client, csv_rows(30), name="long.csv")
    assert page.status_code == 200
    assert TEXTS["ru"]["import_partly_checked"].format(checked=5) in page.text
