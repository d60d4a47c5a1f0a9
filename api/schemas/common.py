"""What every topic's bodies share: the base of request bodies, ids, points, money, a
reason, and response models derived from the domain's dataclasses."""

import dataclasses
import typing
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, TypeAlias, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, field_validator

from core.ids import MAX_ID
from geo.points import Point

# A PostgreSQL integer id: anything else is a 422 naming the field, never a 500.
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]

Money = Annotated[Decimal, Field(ge=0, max_digits=10, decimal_places=2)]
Reason = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL text cannot hold NUL: refuse it here, naming the field, not with a 500.
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("must not contain NUL characters")
        return value


# Patch bodies declare `field: Patch[T] = None`: leaving a field out keeps it, an explicit
# null is rejected naming the field (the default is not validated, a sent value is). Pydantic
# validates T; to mypy the field is T | None, as it holds None when left out.
_T = TypeVar("_T")
if TYPE_CHECKING:
    Patch: TypeAlias = _T | None
else:

    class Patch:
        def __class_getitem__(cls, item: object) -> object:
            return item


class PointIO(Body):
    lat: float = Field(ge=-90, le=90, examples=[59.93])
    lon: float = Field(ge=-180, le=180, examples=[30.31])

    def to_point(self) -> Point:
        return Point(lat=self.lat, lon=self.lon)

    @classmethod
    def of(cls, value) -> "PointIO":
        point = Point.from_db(value)
        return cls(lat=point.lat, lon=point.lon)


def fields_of(
    source: type,
    *,
    leave_out: tuple[str, ...] = (),
    optional: typing.Collection[str] = (),
    retype: dict[str, Any] | None = None,
    config: ConfigDict | None = None,
) -> type[BaseModel]:
    """A pydantic base with the fields of a domain dataclass, in its order and with its types
    and defaults, so an answer's fields are written once, in the domain. leave_out: fields the
    answer does not show; optional: fields that may stay unset (and so out of an answer sent
    with response_model_exclude_unset); retype: fields shown through a model of their own."""
    hints = typing.get_type_hints(source)
    retype = retype or {}
    defined: dict[str, Any] = {}
    for field in dataclasses.fields(source):
        if field.name in leave_out:
            continue
        if field.name in optional:
            default: Any = None
        elif field.default is not dataclasses.MISSING:
            default = field.default
        else:
            default = ...
        defined[field.name] = (retype.get(field.name, hints[field.name]), default)
    return create_model(f"{source.__name__}Fields", __config__=config, **defined)
