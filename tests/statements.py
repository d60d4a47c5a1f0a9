"""The SQL a piece of code sends, caught on the test's connection: for tests that count a
page's statements or read the plan PostgreSQL makes of one."""

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session


def sent_by(
    session: Session, run: Callable[[], object], keep: Callable[[str], bool] = lambda _: True
) -> list[tuple[str, Any]]:
    """Each (statement, parameters) that run() sends on the session's connection and keep()
    accepts, in order."""
    sent: list[tuple[str, Any]] = []

    def catch(conn, cursor, statement, parameters, context, executemany):  # noqa: ARG001
        if keep(statement):
            sent.append((statement, parameters))

    connection = session.connection()
    event.listen(connection, "before_cursor_execute", catch)
    try:
        run()
    finally:
        event.remove(connection, "before_cursor_execute", catch)
    return sent
