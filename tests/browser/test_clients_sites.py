"""Issue 17, item 1 in a real browser: a dispatcher opens Clients from the navigation, creates
a client with legal details (a mistyped INN first: refused beside the field, everything typed
kept; then corrected), adds a site by clicking the map and dragging the pin (the latitude and
longitude follow, the geofence is a circle that grows with the zone typed), names the
foreman, then adds a favourite and blocks another worker. Screenshots of each step go to
test-results/console/."""

from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from core.db import session_scope
from dispatch.models import Client, ClientBlock, ClientFavourite, Site
from geo.points import Point
from tests.builders import MOSCOW, PASSWORD, make_branch, make_user, make_worker, offset
from tests.scenarios import committed
from tests.stack import running_stack

BRANCH_CODE = "BROWSERCLIENTS"
TIMEOUT_MS = 20_000
CLIENT = "ООО «Северный склад»"


@dataclass(frozen=True)
class Desk:
    dispatcher: str
    foreman_id: int
    liked_id: int
    liked_phone: str
    disliked_id: int


@pytest.fixture
def desk(engine):
    with committed(BRANCH_CODE, "SMclients"):
        with session_scope() as session:
            branch = make_branch(session, code=BRANCH_CODE)
            dispatcher = make_user(
                session, role="dispatcher", branch=branch, username="clients-dispatcher"
            )
            foreman = make_user(
                session, role="foreman", branch=branch, full_name="Бригадиров Борис"
            )
            liked, disliked = (
                make_worker(
                    session,
                    branch=branch,
                    near=offset(MOSCOW, north_m=300 * (i + 1)),
                    full_name=name,
                    phone=f"+7996{i:07d}",
                )
                for i, name in enumerate(["Любимов Лев", "Опоздалов Олег"])
            )
            built = Desk(dispatcher.username, foreman.id, liked.id, liked.phone, disliked.id)
        yield built


@pytest.fixture
def stack(desk, tmp_path):
    with running_stack(tmp_path) as running:
        yield running


def test_a_dispatcher_sets_up_a_client_a_site_a_favourite_and_a_block(desk, stack, browser, shots):
    base = stack.base
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(f"{base}/console/login?lang=ru")
    page.locator("#username").fill(desk.dispatcher)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(f"{base}/console/")

    # 1. Clients from the navigation; none yet in this branch.
    page.get_by_role("navigation", name="Разделы").get_by_role("link", name="Клиенты").click()
    expect(page.get_by_role("heading", name="Клиенты", exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Клиентов не найдено.")
    shots(page, "clients-list-empty")

    # 2. A new client with a mistyped INN: refused beside it, everything typed kept.
    page.get_by_role("link", name="Новый клиент").click()
    page.get_by_label("Название", exact=True).fill(CLIENT)
    page.get_by_label("Контактное лицо").fill("Пётр Сидоров")
    page.get_by_label("Телефон контактного лица").fill("8 921 123-45-67")
    page.get_by_label("ИНН").fill("7707083894")
    page.get_by_label("КПП").fill("773601001")
    page.get_by_label("ОГРН или ОГРНИП").fill("1027700132195")
    page.get_by_label("Юридический адрес").fill("Москва, ул. Вавилова, 19")
    page.get_by_role("button", name="Создать клиента").click()
    expect(page.locator("#err-inn")).to_contain_text("Контрольные цифры ИНН не сходятся")
    expect(page.get_by_label("ИНН")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("ИНН")).to_have_value("7707083894")
    expect(page.get_by_label("Контактное лицо")).to_have_value("Пётр Сидоров")
    expect(page.locator("#err-kpp")).to_have_text("")
    shots(page, "clients-new-bad-inn")

    # 3. Corrected: the client's page.
    page.get_by_label("ИНН").fill("7707083893")
    page.get_by_role("button", name="Создать клиента").click()
    expect(page.get_by_role("heading", name=CLIENT)).to_be_visible()
    expect(page.get_by_label("Телефон контактного лица")).to_have_value("+79211234567")
    shots(page, "clients-created")

    # 4. A site: a click on the map places the pin and fills the coordinates; the geofence
    # circle is drawn around it.
    page.get_by_role("link", name="Добавить объект").click()
    page.get_by_label("Название объекта").fill("Ворота 3")
    page.get_by_label("Адрес (для СМС работникам)").fill("ул. Ленина, 5")
    site_map = page.locator("#site-map")
    expect(site_map).to_have_attribute("data-drawn", "1")
    site_map.click(position={"x": 300, "y": 200})
    latitude, longitude = page.get_by_label("Широта"), page.get_by_label("Долгота")
    expect(latitude).not_to_have_value("")
    clicked = (float(latitude.input_value()), float(longitude.input_value()))
    circle = site_map.locator(".leaflet-overlay-pane path")
    expect(circle).to_be_visible()
    shots(page, "site-placed-by-click")

    # 5. Dragging the pin moves the coordinates with it; a wider zone widens the circle.
    pin = site_map.locator(".leaflet-marker-icon")
    box = pin.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] - 4
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + 90, y + 60, steps=12)
    page.mouse.up()
    expect(latitude).not_to_have_value(f"{clicked[0]:.6f}")
    dragged = (float(latitude.input_value()), float(longitude.input_value()))
    assert dragged[0] < clicked[0] and dragged[1] > clicked[1], (clicked, dragged)
    small = circle.bounding_box()
    page.get_by_label("Зона отметки прихода, метров").fill("900")
    expect(site_map).to_have_attribute("data-circle-radius", "900")
    wide = circle.bounding_box()
    assert small and wide and wide["width"] > small["width"]
    shots(page, "site-pin-dragged-geofence-900")

    # 6. The foreman, then saved.
    page.get_by_label("Бригадир объекта").select_option(str(desk.foreman_id))
    page.get_by_role("button", name="Создать объект").click()
    expect(page.get_by_role("status")).to_have_text("Сохранено.")
    expect(page.get_by_label("Широта")).to_have_value(f"{dragged[0]:.6f}")
    expect(page.locator("#site-map .leaflet-overlay-pane path")).to_be_visible()
    shots(page, "site-saved")

    # 7. A favourite by phone, a block by number with its reason.
    page.get_by_role("link", name=f"К клиенту: {CLIENT}").click()
    favourites = page.locator("#favourites")
    favourites.get_by_label("Номер работника или его телефон").fill(desk.liked_phone)
    favourites.get_by_role("button", name="Добавить в избранные").click()
    expect(page.locator("#favourites")).to_contain_text("Любимов Лев")
    shots(page, "client-favourite-added")
    blocks = page.locator("#blocks")
    blocks.get_by_label("Номер работника или его телефон").fill(str(desk.disliked_id))
    blocks.get_by_label("Причина").fill("опоздал дважды")
    blocks.get_by_role("button", name="Заблокировать").click()
    expect(page.locator("#blocks")).to_contain_text("Опоздалов Олег")
    expect(page.locator("#blocks")).to_contain_text("опоздал дважды")
    shots(page, "client-worker-blocked")

    # 8. The blocked worker cannot be made a favourite: said beside the field, typed kept.
    favourites = page.locator("#favourites")
    favourites.get_by_label("Номер работника или его телефон").fill(str(desk.disliked_id))
    favourites.get_by_role("button", name="Добавить в избранные").click()
    expect(page.locator("#favourites-error")).to_contain_text("сначала снимите блокировку")
    expect(page.locator("#favourites-worker")).to_have_value(str(desk.disliked_id))
    shots(page, "client-favourite-refused-blocked")

    with session_scope() as session:
        client = session.scalars(select(Client).where(Client.name == CLIENT)).one()
        site = session.scalars(select(Site).where(Site.client_id == client.id)).one()
        assert (client.inn, client.kpp) == ("7707083893", "773601001")
        assert site.geofence_m == 900 and site.foreman_id == desk.foreman_id
        placed = Point.from_db(site.location)
        assert abs(placed.lat - dragged[0]) < 1e-6 and abs(placed.lon - dragged[1]) < 1e-6
        assert session.get(ClientFavourite, (client.id, desk.liked_id)) is not None
        assert session.get(ClientBlock, (client.id, desk.disliked_id)) is not None
    context.close()
