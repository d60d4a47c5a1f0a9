"""Issue 17 item 3 in a real browser: a dispatcher imports workers from a CSV file.

They open the import from the workers page, upload a 200-row file with 3 bad rows, see the
first rows and the 3 errors before anything is written, start the import (a job in the real
jobs process), watch the progress reach 100%, download the report (the 3 rows and the
counts) and then the branch's workers as CSV. Screenshots of each step go to
test-results/console/.
"""

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from core.csvsafe import BOM
from core.db import session_scope
from tests.browser.test_day_office import _sign_in
from tests.builders import make_branch, make_user
from tests.scenarios import committed
from tests.stack import running_stack
from workers.models import Worker

BRANCH_CODE = "BROWSERIMPORT"
TIMEOUT_MS = 20_000
ROWS = 200
# Data rows by their index (0-based): a line number is the index + 2 (the header is line 1).
BAD = {
    4: ("Без широты Иван", "", "37.62", "loader", "lat"),
    57: ("Неведомый Навык", "55.75", "37.62", "astronaut", "skills"),
    160: ("Короткий Номер", "55.75", "37.62", "loader", "phone"),
}


@dataclass(frozen=True)
class Desk:
    branch_id: int
    dispatcher: str


def phone(i: int) -> str:
    return f"+7993{i:07d}"


def import_file(path: Path) -> Path:
    lines = ["full_name;phone;lat;lon;skills"]
    for i in range(ROWS):
        if i in BAD:
            name, lat, lon, skill, field = BAD[i]
            number = "12345" if field == "phone" else phone(i)
            lines.append(f"{name};{number};{lat};{lon};{skill}")
        else:
            lines.append(f"Работница Ёлкина {i};{phone(i)};55,75;37,62;loader")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def desk(engine):
    with committed(BRANCH_CODE, "SMimport"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="import-dispatcher"
            )
            built = Desk(branch.id, dispatcher.username)
        yield built


@pytest.fixture
def stack(desk, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def _csv(path: str, delimiter: str = ";") -> list[list[str]]:
    text = Path(path).read_text(encoding="utf-8")
    assert text.startswith(BOM), "Excel needs the BOM to read Cyrillic"
    return list(csv.reader(io.StringIO(text[1:]), delimiter=delimiter))


def test_a_dispatcher_imports_200_workers(desk, stack, browser, shots, tmp_path):
    base = stack.base
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    _sign_in(page, base, desk.dispatcher, "ru")
    expect(page).to_have_url(f"{base}/console/")

    # 1. From the workers page to the import form, by its link.
    page.goto(f"{base}/console/workers")
    page.locator("#workers-import").click()
    expect(page).to_have_url(f"{base}/console/workers/import")
    expect(page.get_by_label("Файл таблицы")).to_be_visible()
    shots(page, "import-form")

    # 2. The file checked: the first 20 rows, and the 3 bad rows with their fields.
    page.get_by_label("Файл таблицы").set_input_files(import_file(tmp_path / "бригада.csv"))
    page.get_by_role("button", name="Проверить файл").click()
    expect(page.locator("#import-counts")).to_contain_text("Строк: 200")
    expect(page.locator("#import-preview tbody tr")).to_have_count(20)
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(3)
    for i, (*_, field) in BAD.items():
        row = errors.filter(has=page.locator(f"th:text-is('{i + 2}')"))
        expect(row.locator("td").first).to_have_text(field)
    bad_in_preview = page.locator("#import-preview tr.rejected")
    expect(bad_in_preview).to_have_count(1)  # row 6: the only bad one of the first 20
    expect(bad_in_preview.locator(".error")).to_contain_text("lat")
    with session_scope() as session:  # the check wrote no worker
        count = select(func.count()).select_from(Worker).where(Worker.branch_id == desk.branch_id)
        assert session.scalar(count) == 0
    shots(page, "import-preview-3-errors")

    # 3. The import runs as a job; the bar reaches 100%.
    page.get_by_role("button", name="Загрузить 200 строк").click()
    expect(page).to_have_url(re.compile(r"/console/workers/import/\d+$"))
    bar = page.locator("#import-bar")
    expect(bar).to_be_visible()
    shots(page, "import-progress")
    expect(page.locator("#import-status")).to_have_text("готово", timeout=60_000)
    expect(bar).to_have_attribute("value", "200")
    expect(page.locator("#import-progress-text")).to_contain_text("(100%)")
    expect(page.locator("#import-result")).to_have_text(
        "Добавлено: 197, обновлено: 0, пропущено с ошибками: 3."
    )
    shots(page, "import-done")

    # 4. The report: the 3 rows, then the counts.
    with page.expect_download() as report:
        page.locator("#import-report").click()
    lines = _csv(report.value.path())
    assert lines[0] == ["Строка", "Поле", "Ошибка"]
    assert [(line[0], line[1]) for line in lines[1:4]] == [
        (str(i + 2), field) for i, (*_, field) in sorted(BAD.items())
    ]
    counts = {line[1]: line[2] for line in lines[4:]}
    assert counts == {
        "строк в файле": "200",
        "обработано": "200",
        "добавлено": "197",
        "обновлено": "0",
        "пропущено с ошибками": "3",
    }
    shots(page, "import-report-downloaded")

    # 5. The branch's workers as CSV: the 197, names in Cyrillic, phones whole (home branch).
    with page.expect_download() as export:
        page.locator("#import-export-workers").click()
    header, *workers = _csv(export.value.path())
    assert header[:3] == ["Номер работника", "Работник", "Телефон"]
    assert len(workers) == 197
    names = {row[1] for row in workers}
    assert "Работница Ёлкина 0" in names and "Без широты Иван" not in names
    assert {row[2] for row in workers} >= {"'" + phone(0), "'" + phone(199)}
    page.goto(f"{base}/console/workers?q=Ёлкина 199")
    expect(page.locator("main table")).to_contain_text("Работница Ёлкина 199")
    shots(page, "import-workers-found")
    context.close()
