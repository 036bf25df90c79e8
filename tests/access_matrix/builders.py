"""Builders: each gives a URL's arguments for one of the objects in `objects.World`. The
access-matrix table names a builder for every URL that takes arguments."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.access_matrix.objects import World

Builder = Callable[[World], dict[str, Any]]
BUILDERS: dict[str, Builder] = {}


def builder(function: Builder) -> Builder:
    BUILDERS[function.__name__] = function
    return function


@builder
def own_request(world: World) -> dict[str, Any]:
    return {"number": world.request.number}


@builder
def request_letter(world: World) -> dict[str, Any]:
    return {"number": world.request.number, "pk": world.letter.pk}


@builder
def request_document(world: World) -> dict[str, Any]:
    return {"number": world.request.number, "pk": world.document.pk}


@builder
def request_action(world: World) -> dict[str, Any]:
    """Withdrawing is open from every state a new request can be in."""
    return {"number": world.request.number, "name": "withdraw"}


@builder
def source_run(world: World) -> dict[str, Any]:
    return {"number": world.request.number, "run_id": world.source_run.pk}


@builder
def work_item(world: World) -> dict[str, Any]:
    return {"pk": world.work_item.pk}


@builder
def resident_account(world: World) -> dict[str, Any]:
    return {"pk": world.alice.pk}


@builder
def identity_document(world: World) -> dict[str, Any]:
    return {"pk": world.identity_document.pk}


@builder
def identity_override(world: World) -> dict[str, Any]:
    return {"pk": world.identity_override.pk}


@builder
def identity_verification(world: World) -> dict[str, Any]:
    return {"pk": world.identity_verification.pk}


@builder
def knowledge_attempt(world: World) -> dict[str, Any]:
    return {"pk": world.knowledge_attempt.pk}


@builder
def previous_address(world: World) -> dict[str, Any]:
    return {"address_id": world.previous_address.pk}


@builder
def profile_identifier(world: World) -> dict[str, Any]:
    return {"identifier_id": world.identifier.pk}


@builder
def pending_grant(world: World) -> dict[str, Any]:
    return {"grant_id": world.pending_grant.pk}


@builder
def accepted_grant(world: World) -> dict[str, Any]:
    return {"grant_id": world.accepted_grant.pk}


@builder
def mailed_code(world: World) -> dict[str, Any]:
    return {"pk": world.mailed_code.pk}


@builder
def print_batch(world: World) -> dict[str, Any]:
    return {"pk": world.print_batch.pk}


@builder
def disclosure(world: World) -> dict[str, Any]:
    return {"pk": world.disclosure.pk}


@builder
def legal_process(world: World) -> dict[str, Any]:
    return {"pk": world.legal_process.pk}


@builder
def dispensed_legal_process(world: World) -> dict[str, Any]:
    return {"pk": world.dispensed_legal_process.pk}


@builder
def policy_draft(world: World) -> dict[str, Any]:
    return {"pk": world.policy_draft.pk}


@builder
def published_policy(world: World) -> dict[str, Any]:
    return {"number": world.published_policy.number}


@builder
def audit_event(world: World) -> dict[str, Any]:
    return {"sequence": world.audit_event.sequence}


@builder
def flagged_access(world: World) -> dict[str, Any]:
    return {"pk": world.flagged_access.pk}


@builder
def release_package(world: World) -> dict[str, Any]:
    return {"number": world.request.number, "pk": world.release_package.pk}


@builder
def proposed_change(world: World) -> dict[str, Any]:
    return {"pk": world.proposed_change.pk}


@builder
def correction_evidence(world: World) -> dict[str, Any]:
    return {"pk": world.proposed_change.pk, "document_pk": world.document.pk}


@builder
def correction_appeal(world: World) -> dict[str, Any]:
    return {"pk": world.appeal.pk}


@builder
def recipient_notice(world: World) -> dict[str, Any]:
    return {"pk": world.recipient_notice.pk}


@builder
def denied_request(world: World) -> dict[str, Any]:
    return {"number": world.denied_request.number}


@builder
def denial_contest(world: World) -> dict[str, Any]:
    return {"number": world.denial_contest.number}
