"""Domain exceptions; api/errors.py maps each to an HTTP answer."""


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class NotFound(DomainError):
    def __init__(self, entity: str, key: object):
        super().__init__(f"{entity} {key} not found")
        self.entity = entity
        self.key = key


class Conflict(DomainError):
    """The request is valid but clashes with what is stored (a duplicate, a wrong state)."""


class Forbidden(DomainError):
    """The caller is known but may not do this."""


class InvalidInput(DomainError):
    """Input that passed the schema but breaks a rule; names the field."""

    def __init__(self, field: str | tuple[str, ...], msg: str, location: str = "body"):
        super().__init__(msg)
        path = (field,) if isinstance(field, str) else field
        self.loc = (location, *path)
        self.msg = msg
