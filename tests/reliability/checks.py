"""What must hold in a record after any amount of simultaneous use, and after a crash."""

from collections import defaultdict

from tests.reliability.seed import Facts

# The record's rules, strictly: an event the state does not allow means two writers both acted
# on a state that one of them had already changed (a lost update).
NEXT_STATE = {
    ("open", "completed"): "completed",
    ("completed", "undone"): "open",
    ("completed", "signed_off"): "signed",
    ("completed", "needs_practice"): "open",
}


def out_of_order(facts: Facts) -> list[str]:
    """Events the record's rules do not allow in the state their task was in."""
    state: dict[int, str] = defaultdict(lambda: "open")
    wrong = []
    for event in facts.events:
        if event.task_id is None:
            continue
        following = NEXT_STATE.get((state[event.task_id], event.kind))
        if following is None:
            wrong.append(
                f"onboarding {event.onboarding_id} seq {event.seq}: {event.kind} "
                f"while task {event.task_id} was {state[event.task_id]}"
            )
            continue
        state[event.task_id] = following
    return wrong


def gaps(facts: Facts) -> list[str]:
    """Onboardings whose sequence numbers are not exactly 1..n."""
    seqs: dict[int, list[int]] = defaultdict(list)
    for event in facts.events:
        seqs[event.onboarding_id].append(event.seq)
    return [
        f"{oid}: {found}" for oid, found in seqs.items() if found != list(range(1, len(found) + 1))
    ]


def audited(facts: Facts, action: str) -> int:
    return sum(1 for found in facts.audit_actions if found == action)
