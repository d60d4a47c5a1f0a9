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
import string
import time
import traceback
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import jwt
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
from dispatch.models import User
from dispatch.penalties import record
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


# --- shapes the random cases above never send: non-finite numbers, non-integer subjects ----

NON_FINITE = ("NaN", "Infinity", "-Infinity", "1e999")


def _number_paths(schema: dict, components: dict, path=(), seen=()):
    """Every place in a body schema that takes a JSON number, as a path of property names."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name not in seen:
            yield from _number_paths(components[name], components, path, (*seen, name))
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _number_paths(sub, components, path, seen)
    if schema.get("type") in ("integer", "number"):
        yield path
    for name, sub in schema.get("properties", {}).items():
        yield from _number_paths(sub, components, (*path, name), seen)


def _body_with(path: tuple[str, ...], literal: str) -> str:
    """{"a": {"b": <literal>}}: the raw JSON text, since json.dumps cannot write 1e999."""
    text = literal
    for name in reversed(path):
        text = f'{{"{name}": {text}}}'
    return text


def _operations(spec: dict):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if (method.upper(), path) not in SKIPPED:
                yield method.upper(), path, operation


def _url(path: str, ids: dict[str, object]) -> str:
    """The path with real ids where the fixture has them, 1 elsewhere."""
    names = [field for _, field, _, _ in string.Formatter().parse(path) if field]
    return path.format(**{name: ids.get(name, 1) for name in names})


def test_a_non_finite_number_anywhere_is_a_4xx_naming_the_field(app, client, session):
    """NaN, Infinity and 1e999 in every number of every body and query: each was a 500 (the
    422 that echoes the value back could not be written as JSON)."""
    caller, ids = _real_ids(session, "admin")
    headers = {"Authorization": f"Bearer {issue_token(get_settings(), caller.id).access_token}"}
    spec = app.openapi()
    components = spec["components"]["schemas"]
    failures, tried = [], 0
    for method, path, operation in _operations(spec):
        url = _url(path, ids)
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" in content:
            schema = content["application/json"]["schema"]
            for i, field in enumerate(sorted(set(_number_paths(schema, components)))):
                literal = NON_FINITE[i % len(NON_FINITE)]
                answer = client.request(
                    method,
                    url,
                    content=_body_with(field, literal),
                    headers={**headers, "Content-Type": "application/json"},
                )
                tried += 1
                named = answer.status_code != 422 or ["body", *field] in [
                    e["loc"] for e in answer.json()["detail"]
                ]
                if not (400 <= answer.status_code < 500 and named):
                    failures.append(f"{method} {path} body {field}={literal}: {answer.status_code}")
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "query" or not list(_number_paths(parameter["schema"], {})):
                continue
            for literal in ("nan", "inf", "-inf", "1e999"):
                params = {parameter["name"]: literal}
                answer = client.request(method, url, params=params, headers=headers)
                tried += 1
                locs = [e["loc"] for e in answer.json().get("detail", [])]
                if answer.status_code != 422 or ["query", parameter["name"]] not in locs:
                    failures.append(f"{method} {path} ?{parameter['name']}={literal}: {locs}")
    assert tried > 40  # orders, sites, branches' policy, users, workers' search...
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("subject", ["abc", "1.5", "99999999999", "-7", ""])
def test_a_token_whose_subject_is_not_a_user_id_is_401_on_every_route(app, client, subject):
    at = datetime.now(UTC)
    claims = {"sub": subject, "ver": 0, "iat": at, "exp": at + timedelta(hours=1)}
    token = jwt.encode(claims, get_settings().secret_key, algorithm="HS256")
    spec = app.openapi()
    failures, tried = [], 0
    for method, path, operation in _operations(spec):
        if not operation.get("security"):
            continue
        tried += 1
        answer = client.request(
            method, _url(path, {}), headers={"Authorization": f"Bearer {token}"}
        )
        if answer.status_code != 401:
            failures.append(f"{method} {path}: {answer.status_code}")
    assert tried > 40
    assert not failures, "\n".join(failures)
