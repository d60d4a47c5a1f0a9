"""Errors of organisations, branch areas and the routing rule; each has a stable `code`
(core/errors.py) that the API sends and the console turns into words."""

from core.errors import Conflict, InvalidInput, NotFound


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"

    def __init__(self, key: object):
        super().__init__("organisation", key)


class OrganisationNameTaken(Conflict):
    code = "organisation_name_taken"

    def __init__(self, name: str):
        super().__init__(f"an organisation named {name!r} exists")
        self.field = "name"


class OrganisationUnknown(InvalidInput):
    """A branch's organisation_id that names no organisation."""

    code = "organisation_unknown"


class RoyaltyRateInvalid(InvalidInput):
    """A royalty is a share of turnover: 0 <= r < 1."""

    code = "royalty_rate_invalid"


class AreaInvalid(InvalidInput):
    """Not a GeoJSON Polygon, not closed, too few points, or self-intersecting."""

    code = "area_invalid"


class FormatInvalid(InvalidInput):
    code = "format_invalid"


class VatRateInvalid(InvalidInput):
    code = "vat_rate_invalid"


class NoBranchToRoute(NotFound):
    """The network has no branch at all to send a point to."""

    code = "no_branch_to_route"

    def __init__(self, key: object):
        super().__init__("branch for point", key)
