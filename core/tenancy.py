"""Who is asking: the acting staff member (or client user) and the branch they may see."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, true


@dataclass(frozen=True)
class Actor:
    """A user acting; branch_id None means the whole network (admins, the call centre) unless
    branch_ids names the branches seen (an owner: their organisation's). A client user, or a
    client's API key, carries client_id: they see that client's things only
    (dispatch/registry/client_side/tenancy.py); staff have none."""

    user_id: int | None
    name: str
    role: str
    branch_id: int | None
    client_id: int | None = None
    client_admin: bool = False
    api_key_id: int | None = None  # acting through a client's API key (user_id is None)
    # An owner's branches (with branch_id None): they see these and no other.
    branch_ids: frozenset[int] | None = None
    organisation_id: int | None = None  # an owner's organisation

    def __post_init__(self) -> None:
        if self.role == "owner" and self.branch_ids is None:  # never the network by omission
            object.__setattr__(self, "branch_ids", frozenset())

    def sees_branch(self, branch_id: int | None) -> bool:
        if self.branch_ids is not None:
            return branch_id in self.branch_ids
        return self.branch_id is None or self.branch_id == branch_id

    @property
    def whole_network(self) -> bool:
        """Sees every branch (an admin, the call centre): no branch filter at all."""
        return self.branch_id is None and self.branch_ids is None

    def branch_filter(self, column: Any) -> ColumnElement[bool]:
        """The SQL condition for rows of the branches this actor sees (column: a branch id)."""
        if self.branch_ids is not None:
            return column.in_(sorted(self.branch_ids)) if self.branch_ids else false()
        return true() if self.branch_id is None else column == self.branch_id

    @property
    def is_client(self) -> bool:
        return self.client_id is not None

    @property
    def rate_key(self) -> str:
        """Who counts against a per-caller rate: the user, or the key."""
        return str(self.user_id) if self.api_key_id is None else f"key:{self.api_key_id}"


SYSTEM = Actor(user_id=None, name="system", role="admin", branch_id=None)
