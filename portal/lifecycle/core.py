"""The lifecycle's machinery: events, machines, and the one function that moves a status.

A machine module (`returns`, and one per path that adds its own states) declares its
tables with `machine(...)` and says which model's rows it governs with `governs(...)`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _

from portal.services.errors import IllegalTransition

NEW = None  # the state of a row that is being created

# who may trigger an event (the audit trail's actor types)
CUSTOMER, STAFF, CARRIER, SYSTEM, API = "customer", "staff", "carrier", "system", "api"
ANYONE = frozenset({CUSTOMER, STAFF, CARRIER, SYSTEM, API})


@dataclass(frozen=True)
class Event:
    name: str
    sources: tuple[str | None, ...]
    target: str | None  # None: the event keeps the current state
    actors: frozenset[str]
    action: str  # the audit trail's word for it
    doc: str = ""


@dataclass(frozen=True)
class Machine:
    name: str
    column: str
    states: tuple[str, ...]
    initial: str
    events: dict[str, Event] = field(default_factory=dict)

    def event(self, name: str) -> Event:
        try:
            return self.events[name]
        except KeyError:
            raise KeyError(f"{self.name} has no event {name!r}") from None


def machine(name: str, column: str, states: tuple[str, ...], *events: Event) -> Machine:
    table = {e.name: e for e in events}
    for e in events:
        unknown = {s for s in (*e.sources, e.target) if s is not None} - set(states)
        assert not unknown, f"{name}.{e.name}: unknown states {unknown}"
    return Machine(name, column, states, states[0], table)


# Which machines govern which model (by class name); filled by the machine modules.
_GOVERNED: dict[str, tuple[Machine, ...]] = {}


def governs(model_name: str, *machines: Machine) -> None:
    _GOVERNED[model_name] = machines


def machine_of(obj, event: str | None = None) -> Machine:
    """The machine that governs `obj` (a ReturnRequest, a Refund, or for a ReturnItem the
    one of its two machines that has `event`)."""
    kind = type(obj).__name__
    machines = _GOVERNED.get(kind, ())
    if machines and (event is None or len(machines) == 1):
        return machines[0]  # the first machine of a model is its own status
    if event is not None:
        for candidate in machines:
            if event in candidate.events:
                return candidate
    raise TypeError(f"no machine for {kind} and event {event!r}")


def state(obj, machine: Machine | None = None) -> str | None:
    machine = machine or machine_of(obj)
    return getattr(obj, machine.column)


def can(obj, event: str, actor_type: str | None = None, machine: Machine | None = None) -> bool:
    """Whether `event` may happen to `obj` now (and, if given, by this kind of actor)."""
    machine = machine or machine_of(obj, event)
    step = machine.event(event)
    if actor_type is not None and actor_type not in step.actors:
        return False
    return state(obj, machine) in step.sources


def allowed_events(obj, actor_type: str | None = None, machine: Machine | None = None):
    machine = machine or machine_of(obj)
    return [name for name in machine.events if can(obj, name, actor_type, machine)]


def apply(
    obj, event: str, actor_type: str, machine: Machine | None = None
) -> tuple[Event, str | None, str]:
    """Check `event` against the table and move `obj`; returns (event, from, to).

    Raises IllegalTransition, changing nothing, when `obj`'s state or `actor_type` does
    not allow it."""
    machine = machine or machine_of(obj, event)
    step = machine.event(event)
    before = state(obj, machine)
    if before not in step.sources or actor_type not in step.actors:
        raise IllegalTransition(
            _("This step is not possible now (%(event)s from %(state)s).", event=event,
              state=before or "new"),
            machine=machine.name,
            event=event,
            state=before,
        )  # fmt: skip
    after = step.target or before
    if after != before:
        setattr(obj, machine.column, after)
    return step, before, after


def check_constraint(machine: Machine, column: str | None = None) -> str:
    """The SQL CHECK that keeps the column within the machine's states."""
    values = ", ".join(f"'{s}'" for s in machine.states)
    return f"{column or machine.column} IN ({values})"
