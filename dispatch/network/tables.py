"""The columns of `branches` the network's rules read. dispatch/models.py (Branch) imports the
registry's knobs, a stage above this one, so the network reads the table through these
columns instead of the mapped class; the table itself is Branch's (dispatch/models.py)."""

from geoalchemy2 import Geography
from sqlalchemy import Integer, String, column, table

branches = table(
    "branches",
    column("id", Integer),
    column("code", String),
    column("name", String),
    column("organisation_id", Integer),
    column("center", Geography(geometry_type="POINT", srid=4326)),
    column("area", Geography(geometry_type="POLYGON", srid=4326)),
)
