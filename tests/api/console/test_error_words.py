"""Every domain error has a stable code with Russian and English words, and the console
finds its words by that code, never by the error's English message."""

import importlib
import pkgutil
import re

import pytest
from sqlalchemy import select

import api
import core
import dispatch
import geo
import rating
import sms
import workers
from api.console.errors import word_key
from api.console.i18n import TEXTS
from core.errors import Conflict, DomainError, InvalidInput, NotFound
from dispatch.models import Order
from dispatch.orders.errors import OrderFinished
from tests.api.console.helpers import sign_in
from tests.api.console.test_dispatcher_pages import form_for, local, order_at
from tests.builders import make_branch_site, make_user


def _import_everything() -> None:
    """Every module of the domain and the console, so every error class and word is loaded."""
    for package in (core, geo, workers, rating, sms, dispatch, api):
        for module in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            importlib.import_module(module.name)


def _error_classes() -> list[type[DomainError]]:
    _import_everything()
    found, stack = [], [DomainError]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def _own_code(cls: type[DomainError]) -> str | None:
    return cls.__dict__.get("code")


def test_every_domain_error_code_and_reason_has_russian_and_english_words():
    classes = _error_classes()
    assert len(classes) > 40  # the walk found the domain's errors, not just the base
    missing = []
    for cls in classes:
        code = _own_code(cls)
        assert code is not None, f"{cls.__qualname__} has no code of its own"
        assert re.fullmatch(r"[a-z][a-z_]*[a-z]", code), code
        keys = [word_key(code)] + [word_key(code, reason) for reason in cls.reasons]
        for key in keys:
            for lang in ("ru", "en"):
                if not TEXTS[lang].get(key, "").strip():
                    missing.append((cls.__qualname__, key, lang))
    assert missing == []
    # The two languages really differ: Russian words are in Cyrillic.
    for cls in classes:
        assert re.search("[а-яё]", TEXTS["ru"][word_key(cls.code)], re.I), cls.code


def test_no_two_error_classes_share_a_code_and_reasons_do_not_clash_with_codes():
    classes = _error_classes()
    owners: dict[str, str] = {}
    for cls in classes:
        keys = [word_key(cls.code)] + [word_key(cls.code, reason) for reason in cls.reasons]
        assert len(set(cls.reasons)) == len(cls.reasons), cls.__qualname__
        for key in keys:
            assert key not in owners, f"{cls.__qualname__} and {owners.get(key)} share {key}"
            owners[key] = cls.__qualname__


def test_an_error_class_without_its_own_code_is_refused_at_definition():
    with pytest.raises(TypeError, match="own `code`"):

        class Careless(Conflict):  # inherits "conflict": two errors would read as one
            pass


def test_check_in_refusals_name_only_known_reasons():
    from dispatch.shift.errors import CheckInRefused

    assert CheckInRefused("too_early", "x").reason == "too_early"
    with pytest.raises(ValueError):
        CheckInRefused("whenever", "x")


# -- the console reads codes, not English ------------------------------------------------


@pytest.fixture
def reworded(monkeypatch):
    """Every domain message reworded, as an English copy edit would: the words must not move."""
    original_invalid = InvalidInput.__init__
    original_base = Exception.__init__

    def invalid(self, field, msg, location="body"):
        original_invalid(self, field, f"(reworded) {msg}", location)

    def base(self, *args):
        original_base(self, *(f"(reworded) {a}" for a in args))

    monkeypatch.setattr(InvalidInput, "__init__", invalid)
    monkeypatch.setattr(DomainError, "__init__", base, raising=False)
    return "(reworded)"


@pytest.fixture
def office(session):
    branch, site = make_branch_site(session)
    return branch, site, make_user(session, role="dispatcher", branch=branch)


def test_a_refused_field_shows_its_russian_words_whatever_the_english_says(
    client, session, office, reworded
):
    sign_in(client, office[2])
    answer = client.post(
        "/console/orders/new?lang=ru", data=form_for(client, office[1], headcount="0")
    )
    assert answer.status_code == 422
    error = re.search(r'<p class="error" id="err-headcount"[^>]*>(.*?)</p>', answer.text, re.S)
    assert error and "от 1 до 500 человек" in error.group(1), answer.text
    assert reworded not in answer.text
    check = client.post(
        "/console/orders/new/check?lang=en",
        data=form_for(client, office[1], skill="astronaut", field="skill"),
    )
    assert check.text.strip() == "unknown skill"


def test_a_refused_cancel_shows_its_words_whatever_the_english_says(
    client, session, office, reworded
):
    order = order_at(session, office[1], local(1, 8))
    form = sign_in(client, office[2])
    blank = client.post(f"/console/orders/{order.id}/cancel?lang=ru", data={**form, "reason": " "})
    assert blank.status_code == 422 and "укажите причину" in blank.text
    assert reworded not in blank.text
    done = client.post(
        f"/console/orders/{order.id}/cancel",
        data={**form, "reason": "не нужно"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    again = client.post(
        f"/console/orders/{order.id}/cancel?lang=ru", data={**form, "reason": "ещё"}
    )
    assert again.status_code == 409
    assert "Заказ уже завершён или отменён." in again.text and reworded not in again.text
    assert session.scalars(select(Order.status).where(Order.id == order.id)).one() == "cancelled"


def test_the_error_page_names_what_was_not_found_in_the_pages_language(client, session, office):
    sign_in(client, office[2])
    ru = client.get("/console/orders/2147483000?lang=ru")
    assert ru.status_code == 404
    assert "Заказ не найден." in ru.text and "not found" not in ru.text
    en = client.get("/console/orders/2147483000?lang=en")
    assert "No such order." in en.text


def test_the_explained_words_follow_the_code_up_to_a_parent():
    from api.console.errors import explain
    from api.console.i18n import translator

    t = translator("en")
    assert explain(OrderFinished("whatever it says"), t) == TEXTS["en"]["err_order_finished"]
    assert explain(NotFound("thing", 1), t) == TEXTS["en"]["err_not_found"]
