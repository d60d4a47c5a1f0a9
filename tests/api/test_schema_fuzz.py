"""Schemathesis against the app's own OpenAPI schema, signed in as each role: no 5xx, and no
answer that breaks the schema it documents.

Every operation gets 15 cases per role, of two kinds: valid requests (schemathesis's positive
mode) whose path ids name real rows of the caller's branch, so bodies get past the lookups
into the domain rules; and invalid ones (negative mode) with any ids. Hypothesis is
derandomized, so CI runs the same cases every time.

Left out, with the reason:
- `POST /sms/inbound`, `POST /sms/status`: Twilio's form-encoded, signed webhooks; unsigned
  cases only ever meet the 403 (tests/api/test_bad_payloads.py and test_twilio_webhooks.py
  fuzz their fields by hand).
- `POST /api/v1/auth/logout`: it voids the caller's tokens, and so every case after it.
- An operation the role may not call at all (a 403 in tests/api/test_access_matrix.py, which
  proves it with real requests): every case would stop at the same role check.
"""

import os
import time
import traceback
from decimal import Decimal

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select

from api.auth import issue_token
from core.settings import get_settings
from dispatch import record
from dispatch.models import User
from tests.api.test_access_matrix import API, MATRIX
from tests.builders import (
    make_branch,
    make_client,
    make_offer,
    make_order,
    make_site,
    make_user,
    make_worker,
)

ROLES = ("admin", "manager", "dispatcher", "foreman")
SKIPPED = {("POST", "/sms/inbound"), ("POST", "/sms/status"), ("POST", "/api/v1/auth/logout")}
EXAMPLES = int(os.environ.get("BRIGADA_FUZZ_EXAMPLES", "15"))  # per operation and role
CHECKS = [not_a_server_error, response_schema_conformance]


def _forbidden(route: tuple[str, str], role: str) -> bool:
    method, path = route
    row = MATRIX.get((method, path.removeprefix(API)))
    return row is not None and row.split()[ROLES.index(role)] == "403"


def _real_ids(session, role: str) -> tuple[User, dict[str, object]]:
    branch = make_branch(session)
    client = make_client(session, branch=branch)
    caller = make_user(session, role=role, branch=None if role == "admin" else branch)
    site = make_site(session, client=client, foreman_id=caller.id if role == "foreman" else None)
    worker = make_worker(session, branch=branch)
    order = make_order(session, site=site)
    make_offer(session, order=order, worker=worker)
    penalty = record.penalise(
        session, order, worker.id, kind="no_show", points=3, fine=Decimal("300"), reason="fuzz"
    )
    colleague = make_user(session, role="dispatcher", branch=branch)
    session.flush()
    return caller, {
        "branch_id": branch.id,
        "client_id": client.id,
        "site_id": site.id,
        "worker_id": worker.id,
        "order_id": order.id,
        "penalty_id": penalty.id,
        "user_id": colleague.id,
        "kind": "help",
        "language": "ru",
    }


def _send(client, case, headers: dict[str, str]):
    """The case through the test client (the app on the test's own transaction)."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    request = {
        "method": kwargs["method"],
        "url": kwargs["url"],
        "params": kwargs.get("params"),
        "headers": kwargs.get("headers"),
    }
    if "json" in kwargs:
        request["json"] = kwargs["json"]
    data = kwargs.get("data")
    if isinstance(data, (bytes, str)):
        request["content"] = data
    elif data is not None:
        request["data"] = data
    if kwargs.get("files"):  # requests' multipart: (None, value) is a plain field for httpx
        fields, files = request.setdefault("data", {}), []
        for name, (filename, content, *_) in kwargs["files"]:
            if filename is None:
                fields.setdefault(name, []).append(str(content))
            else:
                files.append((name, (filename, content)))
        request["files"] = files
    built = client.build_request(**request)
    built.read()  # a multipart body too, so the checks can show what was sent
    return client.send(built)


@pytest.mark.parametrize("role", ROLES)
def test_no_5xx_and_no_answer_off_the_schema(app, client, session, role):
    started = time.monotonic()
    caller, ids = _real_ids(session, role)
    schema = schemathesis.openapi.from_dict(app.openapi())

    def headers() -> dict[str, str]:
        # A fresh token per case: a revoke-tokens case may have named the caller.
        version = session.scalar(select(User.token_version).where(User.id == caller.id))
        token = issue_token(get_settings(), caller.id, version).access_token
        return {"Authorization": f"Bearer {token}"}

    failures: list[str] = []
    codes: dict[int, int] = {}
    cases = 0
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        route = (operation.method.upper(), operation.path)
        if route in SKIPPED or _forbidden(route, role):
            continue
        operations += 1
        known = {p.name: ids[p.name] for p in operation.path_parameters if p.name in ids}
        strategy = st.one_of(
            operation.as_strategy(GenerationMode.POSITIVE, path_parameters=known),
            operation.as_strategy(GenerationMode.NEGATIVE),
        )

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate, Phase.shrink],
            suppress_health_check=list(HealthCheck),
        )
        def run(case):
            nonlocal cases
            cases += 1
            answer = _send(client, case, headers())
            codes[answer.status_code] = codes.get(answer.status_code, 0) + 1
            case.validate_response(answer, checks=CHECKS)

        try:
            run()
        except Exception as exc:  # one report per operation, then the next operation
            where = traceback.format_exc(limit=-2)
            failures.append(f"{operation.method.upper()} {operation.path}:\n{exc}\n{where}")
    print(
        f"\n{role}: {operations} operations, {cases} cases, {time.monotonic() - started:.1f} s,"
        f" answers {dict(sorted(codes.items()))}"
    )
    assert not failures, "\n\n".join(failures)


def _integers_without_a_maximum(schema: dict, components: dict, where: str, seen=()):
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _integers_without_a_maximum(
                components[name], components, f"{where}<{name}>", (*seen, name)
            )
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _integers_without_a_maximum(sub, components, where, seen)
    if schema.get("type") == "integer" and "maximum" not in schema:
        yield where
    for name, sub in schema.get("properties", {}).items():
        yield from _integers_without_a_maximum(sub, components, f"{where}.{name}", seen)
    if "items" in schema:
        yield from _integers_without_a_maximum(schema["items"], components, f"{where}[]", seen)


def test_every_integer_the_api_takes_has_a_maximum(app):
    """PostgreSQL's integers end at 2^31 or 2^63: past that a query fails with a 500, which
    15 random cases rarely reach (GET /workers?offset= and /audit?before_id= did)."""
    spec = app.openapi()
    components = spec["components"]["schemas"]
    unbounded = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                where = f"{method.upper()} {path} {parameter['in']}:{parameter['name']}"
                unbounded += _integers_without_a_maximum(parameter["schema"], components, where)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                where = f"{method.upper()} {path} body"
                unbounded += _integers_without_a_maximum(content["schema"], components, where)
    assert not unbounded, "\n".join(unbounded)
