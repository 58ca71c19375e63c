"""Who may change the matter catalogue (事项清单). Everyone may read it (`GET /api/catalog`): it is the
public list of what the county handles and how fast."""

from __future__ import annotations

from gridgov.people.access import is_county_admin
from gridgov.people.selectors import Viewer


def may_edit_catalogue(user: Viewer | None) -> bool:
    """The catalogue drives routing and deadlines county-wide: its administrator changes it."""
    return is_county_admin(user)  # type: ignore[arg-type]
