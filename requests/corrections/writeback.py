"""Writing approved corrections back to the department's system, durable like a source run
(requests/gathering/services.py): a worker claims a write-back with a conditional update and a
lease, calls the connector outside any transaction, then records the outcome only while the
write-back is still its own. Transient errors wait in the database for their next attempt and
the reconciler re-sends them.

The write is a compare-and-set on the value the resident saw, so running it twice writes once.
When a write was sent and no answer came (UNKNOWN), or a worker died holding it, the next attempt
first reads the value back: the new value means it was applied, the value the resident saw means
it is safe to send again (with the same idempotency key), anything else is a conflict. It is never
sent again blindly.

csv and manual sources (and fields a source cannot write) wait for the department's steward to
apply the change by hand and confirm it (`write_back_confirm`).
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from requests.corrections.models import WriteBack, WriteBackStatus
from requests.corrections.services import (
    CorrectionError,
    _require_not_author,
    _require_steward_of,
    change_applied,
    change_conflicted,
    write_back_enqueue,
)
from requests.corrections.states import write_back_move
from requests.corrections.values import value_decrypt, value_encrypt
from requests.gathering.services import retry_delay
from tasks.connectors.base import (
    ConnectorError,
    ConnectorUnknownOutcome,
    WriteOutcome,
    WriteResult,
    values_equal,
)
from tasks.connectors.registry import connector_for

logger = logging.getLogger(__name__)

W = WriteBackStatus
# A write-back claimed from these may have been sent already: it is read back before anything.
MAY_HAVE_BEEN_SENT = frozenset({W.UNKNOWN, W.RUNNING})


def _source_key(record_key: str) -> str:
    """The record's key in the department's system ("<record_type>/<key>" in the portal)."""
    return record_key.split("/", 1)[-1]


# --- Claiming -------------------------------------------------------------------------------


def _due(write_back: WriteBack, now: datetime) -> dict[str, Any] | None:
    """The conditions under which this write-back, as loaded, may be claimed now (re-checked by
    the claim's conditional update), or None when it may not."""
    status = write_back.status
    version = {"attempts": write_back.attempts}
    if status == W.PENDING:
        return version
    if status in (W.RETRY_WAIT, W.UNKNOWN):
        if write_back.next_attempt_at is None:
            return {**version, "next_attempt_at__isnull": True}
        if write_back.next_attempt_at <= now:
            return {**version, "next_attempt_at__lte": now}
        return None
    if status == W.RUNNING and write_back.lease_expires_at and write_back.lease_expires_at < now:
        return {**version, "lease_expires_at__lt": now}
    return None


def write_back_claim(
    *, write_back: WriteBack, worker: str, now: datetime | None = None
) -> str | None:
    """Claim the write-back for this worker, or None when it is not claimable (finished, a
    duplicate delivery, a retry not yet due, another worker's live lease). Returns the token."""
    now = now or timezone.now()
    expect = _due(write_back, now)
    if expect is None:
        return None
    token = f"{worker} {uuid.uuid4().hex[:12]}"[:200]
    claimed = write_back_move(
        write_back=write_back,
        to=W.RUNNING,
        expect=expect,
        changes={
            "attempts": write_back.attempts + 1,
            "claimed_by": token,
            "lease_expires_at": now
            + timedelta(seconds=settings.CORRECTIONS_WRITE_BACK_LEASE_SECONDS),
            "next_attempt_at": None,
            "started_at": write_back.started_at or now,
        },
        details={"worker": worker},
    )
    return token if claimed else None


# --- Running one write-back -----------------------------------------------------------------


def _outcome(write_back: WriteBack, *, read_back_first: bool) -> WriteOutcome:
    change = write_back.change
    connector = connector_for(write_back.source)
    where = {
        "record_type": change.record_type,
        "field_name": change.field_name,
        "key": _source_key(change.record_key),
    }
    expected = value_decrypt(write_back.expected_value_encrypted)
    new = value_decrypt(write_back.new_value_encrypted)
    if read_back_first:
        found = connector.read_value(**where)
        if values_equal(found, new):
            return WriteOutcome(WriteResult.ALREADY, found)
        if not values_equal(found, expected):
            return WriteOutcome(WriteResult.CONFLICT, found)
    return connector.apply_change(
        **where, expected=expected, new=new, idempotency_key=write_back.idempotency_key
    )


def _finish(*, write_back: WriteBack, token: str, outcome: WriteOutcome) -> str | None:
    now = timezone.now()
    ours = {"claimed_by": token}
    with transaction.atomic():
        if outcome.result == WriteResult.CONFLICT:
            moved = write_back_move(
                write_back=write_back,
                to=W.CONFLICT,
                expect=ours,
                changes={
                    "found_value_encrypted": value_encrypt(outcome.found),
                    "finished_at": now,
                    "lease_expires_at": None,
                    "last_error": "",
                },
            )
            if moved:
                change_conflicted(change=write_back.change)
        else:
            moved = write_back_move(
                write_back=write_back,
                to=W.APPLIED,
                expect=ours,
                changes={"finished_at": now, "lease_expires_at": None, "last_error": ""},
                details={"already": outcome.result == WriteResult.ALREADY},
            )
            if moved:
                change_applied(change=write_back.change)
    # Not moved: the lease ran out and the write-back is another worker's now.
    return write_back.status if moved else None


def _failure(
    *, write_back: WriteBack, token: str, message: str, to: str, permanent: bool = False
) -> str | None:
    """A transient error waits for its next try (an unknown outcome, to be read back first);
    a permanent one, or the last try, fails for a clerk to read."""
    now = timezone.now()
    last = permanent or write_back.attempts >= settings.CORRECTIONS_WRITE_BACK_MAX_ATTEMPTS
    if last:
        text = (
            message
            if permanent
            else _("%(message)s (gave up after %(n)d attempts)")
            % {"message": message, "n": write_back.attempts}
        )
        if to == W.UNKNOWN:
            text = _(
                "%(message)s; check the department's system: the change may have been made"
            ) % {"message": text}
        target = W.FAILED
        changes: dict[str, Any] = {"finished_at": now, "next_attempt_at": None}
    else:
        text = _("%(message)s; it will be tried again") % {"message": message}
        target = to
        changes = {"next_attempt_at": now + retry_delay(write_back.attempts)}
    moved = write_back_move(
        write_back=write_back,
        to=target,
        expect={"claimed_by": token},
        changes={**changes, "lease_expires_at": None, "last_error": text[:2000]},
        details={"permanent": permanent, "attempts": write_back.attempts},
    )
    return target if moved else None


def write_back_execute(*, write_back_id: int, worker: str) -> str | None:
    """Write one approved change to the department's system. Returns the write-back's new state,
    or None when it was not this worker's to run (finished already, not yet due, another's)."""
    write_back = WriteBack.objects.select_related("change", "source").filter(pk=write_back_id)
    write_back = write_back.first()
    if write_back is None:
        return None
    read_back_first = write_back.status in MAY_HAVE_BEEN_SENT
    token = write_back_claim(write_back=write_back, worker=worker)
    if token is None:
        return None
    try:
        outcome = _outcome(write_back, read_back_first=read_back_first)
    except ConnectorUnknownOutcome as error:
        logger.warning("write-back %s: %s", write_back.pk, error.message)
        return _failure(write_back=write_back, token=token, message=error.message, to=W.UNKNOWN)
    except ConnectorError as error:
        logger.warning("write-back %s: %s", write_back.pk, error.message)
        # A read-back that failed leaves the write-back still to be read back.
        return _failure(
            write_back=write_back,
            token=token,
            message=error.message,
            to=W.UNKNOWN if read_back_first else W.RETRY_WAIT,
            permanent=error.permanent,
        )
    except Exception as error:  # a connector's bug must not leave the write-back running for good
        logger.exception("write-back %s failed unexpectedly", write_back.pk)
        # It may have failed after sending: settled by reading back, like a lost answer.
        return _failure(
            write_back=write_back,
            token=token,
            message=_("The connector failed unexpectedly (%(kind)s).")
            % {"kind": type(error).__name__},
            to=W.UNKNOWN,
        )
    return _finish(write_back=write_back, token=token, outcome=outcome)


# --- The reconciler -------------------------------------------------------------------------


def write_backs_reconcile(*, now: datetime | None = None) -> dict[str, int]:
    """Re-send write-backs whose message may be lost: pending for over a minute, retries and
    unknown outcomes now due, and leases run out (a killed worker). Claims are conditional, so a
    duplicate nudge does nothing."""
    now = now or timezone.now()
    due = Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)
    groups = {
        "pending": WriteBack.objects.filter(
            status=W.PENDING, created_at__lt=now - timedelta(minutes=1)
        ),
        "retry_due": WriteBack.objects.filter(due, status=W.RETRY_WAIT),
        "unknown_due": WriteBack.objects.filter(due, status=W.UNKNOWN),
        "lease_expired": WriteBack.objects.filter(status=W.RUNNING, lease_expires_at__lt=now),
    }
    counts = {}
    for name, write_backs in groups.items():
        ids = list(write_backs.values_list("pk", flat=True))
        for write_back_id in ids:
            write_back_enqueue(write_back_id)
        counts[name] = len(ids)
    return counts


# --- The steward's confirmation for a change applied by hand --------------------------------


@transaction.atomic
def write_back_confirm(
    *, write_back: WriteBack, actor: Any, applied: bool, found_value: Any = None
) -> WriteBack:
    """The department's steward says whether they made the change in the department's system;
    when not, because the value there is no longer what the resident saw, `found_value` is what
    it holds now, and the change goes back to the steward's decision as a conflict."""
    change = write_back.change
    _require_steward_of(actor, change)
    _require_not_author(actor, change)
    write_back.refresh_from_db()
    if write_back.status != W.WAITING_FOR_STEWARD:
        raise CorrectionError(_("This change has already been confirmed."))
    new = value_decrypt(write_back.new_value_encrypted)
    found = found_value.strip() if isinstance(found_value, str) else found_value
    if not applied:
        if found is None or found == "":
            raise CorrectionError(
                _(
                    "Enter what the department's system holds now, so the change can be "
                    "decided again."
                )
            )
        if values_equal(found, value_decrypt(write_back.expected_value_encrypted)):
            raise CorrectionError(
                _(
                    "The system still holds the value the resident saw: make the change, "
                    "then confirm it."
                )
            )
        # The value already is the new one: someone made the change.
        applied = values_equal(found, new)
    now = timezone.now()
    changes: dict[str, Any] = {"confirmed_by": actor, "finished_at": now}
    if not applied:
        changes["found_value_encrypted"] = value_encrypt(found)
    moved = write_back_move(
        write_back=write_back,
        to=W.APPLIED if applied else W.CONFLICT,
        actor=actor,
        changes=changes,
        details={"confirmed_by_steward": True},
    )
    if not moved:
        raise CorrectionError(_("This change has already been confirmed."))
    if applied:
        change_applied(change=change, actor=actor)
    else:
        change_conflicted(change=change, actor=actor)
    return write_back


@transaction.atomic
def write_back_retry(*, write_back: WriteBack, actor: Any, by_hand: bool = False) -> WriteBack:
    """A failed write-back, taken up again by the department's steward: tried again by a worker
    (which reads the value back first: the last try may have reached the system), or left for
    the steward to apply by hand and confirm."""
    change = write_back.change
    _require_steward_of(actor, change)
    _require_not_author(actor, change)
    write_back.refresh_from_db()
    if write_back.status != W.FAILED:
        raise CorrectionError(_("This write-back has not failed: there is nothing to try again."))
    moved = write_back_move(
        write_back=write_back,
        to=W.WAITING_FOR_STEWARD if by_hand else W.UNKNOWN,
        actor=actor,
        changes={
            "attempts": 0,
            "next_attempt_at": None,
            "finished_at": None,
            "claimed_by": "",
        },
        details={"retried_by_steward": True, "by_hand": by_hand},
    )
    if not moved:
        raise CorrectionError(_("Someone else took this up meanwhile."))
    if not by_hand:
        write_back_enqueue(write_back.pk)
    return write_back
