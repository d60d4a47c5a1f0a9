"""Domain exceptions; api/errors.py maps each to an HTTP answer.

Every class names itself by a stable `code` (the API's body carries it, the console turns it
into words); the English message is for logs and API readers, never matched by code. A class
whose instances differ in a finer way lists those finer codes in `reasons` and sets
`reason` (CheckInRefused's "too_early")."""

from typing import Any, ClassVar


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    code: ClassVar[str] = "domain_error"
    reasons: ClassVar[tuple[str, ...]] = ()
    reason: str | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # An inherited code would make two errors one to the API and the console.
        if "code" not in cls.__dict__:
            raise TypeError(f"{cls.__name__} must define its own `code`")


class NotFound(DomainError):
    code = "not_found"

    def __init__(self, entity: str, key: object):
        super().__init__(f"{entity} {key} not found")
        self.entity = entity
        self.key = key


class Conflict(DomainError):
    """The request is valid but clashes with what is stored (a duplicate, a wrong state)."""

    code = "conflict"


class Forbidden(DomainError):
    """The caller is known but may not do this."""

    code = "forbidden"


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule; names the field."""

    code = "invalid_input"

    def __init__(self, field: str | tuple[str, ...], msg: str, location: str = "body"):
        super().__init__(msg)
        path = (field,) if isinstance(field, str) else field
        self.loc = (location, *path)
        self.msg = msg


class FieldRequired(InvalidInput):
    """A field that must be filled in is missing or blank."""

    code = "field_required"


class ReasonRequired(InvalidInput):
    """A decision (a cancellation, a block, a reversal) that must say why."""

    code = "reason_required"


class TextTooLong(InvalidInput):
    """A text longer than its column (or its rule) takes: refused by name, never cut."""

    code = "text_too_long"


def check_length(field: str | tuple[str, ...], value: str, longest: int) -> str:
    """The value if it fits in `longest` characters; TextTooLong naming the field otherwise."""
    if len(value) > longest:
        raise TextTooLong(field, f"longer than {longest} characters")
    return value
