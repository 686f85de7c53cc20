"""Keep it on the staff pages: whether a return is one the customer keeps (nothing was
shipped back), for templates/staff/_kept_note.html."""

from __future__ import annotations

from portal import lifecycle
from portal.staff.blueprint import bp


@bp.app_template_global("is_kept_return")
def _is_kept_return(rr) -> bool:
    return lifecycle.kept(rr)
