"""The lifecycle of a return, in one package.

Four small state machines, each declared in one block (as Solidus declares its return
authorization, item reception, item acceptance and reimbursement machines):

- ``RETURN``: the RMA (``ReturnRequest.status``);
- ``RECEPTION``: whether an item's units reached the warehouse (``ReturnItem.reception_status``);
- ``ACCEPTANCE``: what inspection decided for an item and whether it was settled
  (``ReturnItem.acceptance_status``);
- ``REFUND``: money we owe back (``Refund.status``).

Each event names the states it may start from, the state it leads to (``None``: it stays
where it is, the step is only allowed there) and who may trigger it. `apply` is the only
code that assigns a status: it checks the event against the table and raises
`IllegalTransition` (nothing changed) when the step is not allowed. Routes and templates
ask `can` and `allowed_events`; queries ask `states_where` and the named `GROUPS`.
Writing the audit event is the caller's (`services.audit.transition`), in the same
transaction.

This module imports no model: the models take their CHECK constraints from it.
``docs/lifecycle.md`` is generated from these tables (`flask --app wsgi lifecycle doc`).
"""

from portal.lifecycle.claims import *  # noqa: F403
from portal.lifecycle.claims import CLAIM
from portal.lifecycle.core import *  # noqa: F403
from portal.lifecycle.core import Event, Machine, apply, can, check_constraint, machine_of  # noqa: F401
from portal.lifecycle.followup import *  # noqa: F403
from portal.lifecycle.followup import FEEDBACK
from portal.lifecycle.repairs import *  # noqa: F403
from portal.lifecycle.repairs import REPAIR
from portal.lifecycle.returns import *  # noqa: F403
from portal.lifecycle.returns import ACCEPTANCE, RECEPTION, REFUND, RETURN
from portal.lifecycle.shops import PLATFORM_CALL, PLATFORM_CALL_GROUPS, call_in  # noqa: F401

# Every machine, in the order docs/lifecycle.md shows them. A path that adds its own
# states declares them in a module of this package and appends its machines here.
MACHINES = (RETURN, RECEPTION, ACCEPTANCE, REFUND, REPAIR, CLAIM, FEEDBACK, PLATFORM_CALL)
