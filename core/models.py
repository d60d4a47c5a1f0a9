"""The declarative base shared by every package's models."""

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKeyConstraint, MetaData, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names so Alembic migrations can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), nullable=False
    )
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now(), nullable=False
    )


def sql_list(values: Iterable[str]) -> str:
    """Values as an SQL list of string literals, for `IN`: ('open', 'filling')."""
    quoted = ("'" + str(value).replace("'", "''") + "'" for value in values)
    return f"({', '.join(quoted)})"


def in_check(column: str, values: Iterable[str]) -> CheckConstraint:
    """CHECK (column IN (...)) named after the column: the allowed values come from the enum
    or the named set, never a second hand-written list (a NULL passes, as with any CHECK)."""
    return CheckConstraint(f"{column} IN {sql_list(values)}", name=column)


def sql_equals(column: str, value: str) -> str:
    """column = 'value', for a partial index or a CHECK written in SQL."""
    return f"{column} = {sql_list([value])[1:-1]}"


def message_link(id_column: str, at_column: str) -> tuple[ForeignKeyConstraint, CheckConstraint]:
    """A row's pointer at a message: messages are partitioned by month (core/partitions.py),
    so the foreign key names their whole key (id, created_at); both columns set or neither
    (a half-set pair would pass the key unchecked). The keeping job clears the pair before
    its message's month is dropped."""
    return (
        ForeignKeyConstraint([id_column, at_column], ["messages.id", "messages.created_at"]),
        CheckConstraint(f"({id_column} IS NULL) = ({at_column} IS NULL)", name=at_column),
    )
