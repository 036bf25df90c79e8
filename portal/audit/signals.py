"""Audit events that no service of ours writes: sign-in and account security (Django's and
allauth's signals) and configuration changes made in the admin (model signals).

Connected in `AuditConfig.ready`. Like every audit event these hold ids, codes and field names
only: a failed sign-in records neither the address typed nor whether an account has it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from portal.audit.context import current_actor, current_request
from portal.audit.models import AuditCategory
from portal.audit.services import audit_record

# --- Security events ------------------------------------------------------------------------


def _security(action: str, *, actor: Any = None, user: Any = None, **details: Any) -> None:
    audit_record(
        action=action,
        category=AuditCategory.SECURITY,
        actor=actor,
        object_type="accounts.user" if user is not None else "",
        object_id=user.pk if user is not None else "",
        details=details,
    )


def signed_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _security("account.signed_in", actor=user, user=user)


def signed_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _security("account.signed_out", actor=user, user=user)


def sign_in_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    # The typed address is personal data and may not even be a user's: nothing of it is kept.
    _security("account.sign_in_failed", reason="failed")


def signed_up(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    _security("account.signed_up", actor=user, user=user)


def _on_user(action: str) -> Any:
    def receiver(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
        _security(action, actor=user, user=user)

    return receiver


def email_confirmed(sender: Any, request: Any, email_address: Any, **kwargs: Any) -> None:
    _security(
        "account.email_confirmed",
        actor=email_address.user,
        user=email_address.user,
        email_address_id=email_address.pk,
    )


def email_changed(
    sender: Any,
    request: Any,
    user: Any,
    from_email_address: Any = None,
    to_email_address: Any = None,
    **kwargs: Any,
) -> None:
    _security(
        "account.email_changed",
        actor=user,
        user=user,
        from_email_address_id=getattr(from_email_address, "pk", None),
        to_email_address_id=getattr(to_email_address, "pk", None),
    )


def _on_email_address(action: str) -> Any:
    def receiver(sender: Any, request: Any, user: Any, email_address: Any, **kwargs: Any) -> None:
        _security(action, actor=user, user=user, email_address_id=email_address.pk)

    return receiver


def _on_code_rejected(kind: str) -> Any:
    def receiver(sender: Any, request: Any = None, user: Any = None, **kwargs: Any) -> None:
        # The person has not proved who they are: the account is what was tried, not the actor.
        _security(
            "account.code_rejected",
            user=user,
            kind=kind,
            last_attempt=bool(kwargs.get("last_attempt", False)),
        )

    return receiver


def reauthenticated(sender: Any, request: Any, user: Any, method: str, **kwargs: Any) -> None:
    """allauth reports every completed step of signing in; only confirming who one is again
    (before a sensitive action) is an event of its own: the sign-in is recorded when it ends."""
    if kwargs.get("reauthenticated"):
        _security("account.reauthenticated", actor=user, user=user, method=str(method))


_DELETED_PK = "_audit_deleted_pk"


def authenticator_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    """allauth announces a removed authenticator after Django has cleared its id: keep it."""
    setattr(instance, _DELETED_PK, instance.pk)


def _on_authenticator(action: str) -> Any:
    def receiver(
        sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any
    ) -> None:
        _security(
            action,
            actor=user,
            user=user,
            authenticator_id=getattr(authenticator, "pk", None)
            or getattr(authenticator, _DELETED_PK, None),
            authenticator_type=str(getattr(authenticator, "type", "")),
        )

    return receiver


def mfa_failed(
    sender: Any, request: Any = None, user: Any = None, authenticator: Any = None, **kwargs: Any
) -> None:
    _security(
        "mfa.code_rejected",
        user=user,
        authenticator_type=str(getattr(authenticator, "type", "")),
        reauthentication=bool(kwargs.get("reauthentication", False)),
    )


# --- Configuration changes ------------------------------------------------------------------

CONFIGURATION_MODELS = (
    "requests.Department",
    "requests.DataSource",
    "requests.LetterTemplate",
    "requests.ReplyTemplate",
    "requests.ClosureDay",
)
# The columns of a user that give or take away access.
USER_ACCESS_FIELDS = ("role", "is_staff", "is_superuser", "is_active")
# Kept on the instance between pre_save and post_save.
_CHANGED = "_audit_changed_fields"
_BEFORE = "_audit_values_before"


def _columns(instance: Model) -> dict[str, str]:
    """Field name → column attribute of every concrete column but the primary key."""
    return {
        field.name: field.attname
        for field in instance._meta.concrete_fields
        if not field.primary_key
    }


def _configuration(action: str, instance: Model, *, fields: Any = (), **details: Any) -> None:
    audit_record(
        action=action,
        category=AuditCategory.CONFIGURATION,
        actor=current_actor(),
        obj=instance,
        fields=fields,
        details=details,
    )


def configuration_before_save(
    sender: type[Model], instance: Model, update_fields: Any = None, **kwargs: Any
) -> None:
    """Which fields this save changes, read against the row as stored."""
    setattr(instance, _CHANGED, None)
    if instance._state.adding or instance.pk is None:
        return
    columns = _columns(instance)
    if update_fields is not None:
        columns = {name: attname for name, attname in columns.items() if name in update_fields}
    stored = sender._default_manager.filter(pk=instance.pk).values(*columns.values()).first()
    if stored is None:
        return
    setattr(
        instance,
        _CHANGED,
        [
            name
            for name, attname in columns.items()
            if stored[attname] != getattr(instance, attname)
        ],
    )


def configuration_saved(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
    if created:
        _configuration("config.created", instance, fields=_columns(instance))
        return
    changed = getattr(instance, _CHANGED, None)
    if changed:
        _configuration("config.changed", instance, fields=changed)


def configuration_deleted(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    _configuration("config.deleted", instance)


def user_before_save(
    sender: type[Model], instance: Any, update_fields: Any = None, **kwargs: Any
) -> None:
    """Only saves that may touch access are compared (signing in saves `last_login` alone)."""
    setattr(instance, _BEFORE, None)
    if instance._state.adding or instance.pk is None:
        return
    if update_fields is None:
        _stewardships_remember(instance.pk)
    if update_fields is not None and not set(update_fields) & set(USER_ACCESS_FIELDS):
        return
    setattr(
        instance,
        _BEFORE,
        sender._default_manager.filter(pk=instance.pk).values(*USER_ACCESS_FIELDS).first(),
    )


def user_saved(sender: type[Model], instance: Any, created: bool, **kwargs: Any) -> None:
    now = {name: getattr(instance, name) for name in USER_ACCESS_FIELDS}
    if created:
        _configuration("user.created", instance, fields=USER_ACCESS_FIELDS, **now)
        return
    before = getattr(instance, _BEFORE, None)
    if not before:
        return
    changed = [name for name in USER_ACCESS_FIELDS if before[name] != now[name]]
    if changed:
        _configuration(
            "user.access_changed",
            instance,
            fields=changed,
            **{f"{name}_before": before[name] for name in changed},
            **{name: now[name] for name in changed},
        )


def user_deleted(sender: type[Model], instance: Any, **kwargs: Any) -> None:
    _configuration("user.deleted", instance, role=instance.role)


def _stewards_event(department_id: Any, *, added: list[int], removed: list[int]) -> None:
    audit_record(
        action="department.stewards_changed",
        category=AuditCategory.CONFIGURATION,
        actor=current_actor(),
        object_type="requests.department",
        object_id=department_id,
        fields=["stewards"],
        details={"added_user_ids": sorted(added), "removed_user_ids": sorted(removed)},
    )


def stewards_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: Any, **kwargs: Any
) -> None:
    """`department.stewards` changed from either side (the department's form in the admin, or
    `user.steward_departments`). A clear names who went, read before they go."""
    if action == "pre_clear":
        related = instance.steward_departments if reverse else instance.stewards
        instance._audit_cleared_ids = list(related.values_list("pk", flat=True))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    ids = sorted(pk_set or ()) if action != "post_clear" else instance._audit_cleared_ids
    if not ids:
        return
    adding = action == "post_add"
    if reverse:  # `instance` is the user; `ids` are departments
        for department_id in ids:
            _stewards_event(
                department_id,
                added=[instance.pk] if adding else [],
                removed=[] if adding else [instance.pk],
            )
    else:
        _stewards_event(instance.pk, added=ids if adding else [], removed=[] if adding else ids)


# The user's page in the admin edits the stewards table through an inline, whose rows Django
# saves without any signal (an automatic many-to-many table). So the departments a user stewards
# are read when the admin saves the user, and compared when the admin logs the change.
_SNAPSHOTS = "_audit_stewardships_before"


def _stewardships(user_id: int) -> set[int]:
    from requests.models import Department

    return set(
        Department.stewards.through.objects.filter(user_id=user_id).values_list(
            "department_id", flat=True
        )
    )


def _stewardships_remember(user_id: int) -> None:
    request = current_request()
    if request is None:
        return
    snapshots = request.__dict__.setdefault(_SNAPSHOTS, {})
    if user_id not in snapshots:
        snapshots[user_id] = _stewardships(user_id)


def admin_change_logged(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    """The admin finished saving an object and its inlines: record stewardships that changed."""
    request = current_request()
    snapshots = getattr(request, _SNAPSHOTS, None) if request is not None else None
    if not created or not snapshots:
        return
    for user_id, before in snapshots.items():
        after = _stewardships(user_id)
        for department_id in sorted(after - before):
            _stewards_event(department_id, added=[user_id], removed=[])
        for department_id in sorted(before - after):
            _stewards_event(department_id, added=[], removed=[user_id])
    snapshots.clear()


# --- Wiring ---------------------------------------------------------------------------------


def connect() -> None:
    from allauth.account import signals as account_signals
    from allauth.mfa import signals as mfa_signals
    from django.apps import apps
    from django.contrib.auth import signals as auth_signals
    from django.db.models import signals as model_signals

    def hook(signal: Any, receiver: Any, name: str, sender: Any = None) -> None:
        signal.connect(receiver, sender=sender, weak=False, dispatch_uid=f"portal_audit_{name}")

    hook(auth_signals.user_logged_in, signed_in, "signed_in")
    hook(auth_signals.user_logged_out, signed_out, "signed_out")
    hook(auth_signals.user_login_failed, sign_in_failed, "sign_in_failed")
    hook(account_signals.user_signed_up, signed_up, "signed_up")
    for action, signal in (
        ("account.password_changed", account_signals.password_changed),
        ("account.password_set", account_signals.password_set),
        ("account.password_reset", account_signals.password_reset),
    ):
        hook(signal, _on_user(action), action)
    hook(account_signals.email_confirmed, email_confirmed, "email_confirmed")
    hook(account_signals.email_changed, email_changed, "email_changed")
    hook(account_signals.email_added, _on_email_address("account.email_added"), "email_added")
    hook(account_signals.email_removed, _on_email_address("account.email_removed"), "email_removed")
    for kind, signal in (
        ("sign_in", account_signals.login_code_rejected),
        ("password_reset", account_signals.password_reset_code_rejected),
        ("email_verification", account_signals.email_verification_code_rejected),
    ):
        hook(signal, _on_code_rejected(kind), f"code_rejected_{kind}")
    hook(account_signals.authentication_step_completed, reauthenticated, "reauthenticated")
    for action, signal in (
        ("mfa.authenticator_added", mfa_signals.authenticator_added),
        ("mfa.authenticator_removed", mfa_signals.authenticator_removed),
        ("mfa.authenticator_reset", mfa_signals.authenticator_reset),
    ):
        hook(signal, _on_authenticator(action), action)
    hook(mfa_signals.authentication_failed, mfa_failed, "mfa_failed")
    authenticator = apps.get_model("mfa.Authenticator")
    hook(model_signals.post_delete, authenticator_deleted, "authenticator_deleted", authenticator)

    for label in CONFIGURATION_MODELS:
        model = apps.get_model(label)
        hook(model_signals.pre_save, configuration_before_save, f"{label}_pre_save", model)
        hook(model_signals.post_save, configuration_saved, f"{label}_post_save", model)
        hook(model_signals.post_delete, configuration_deleted, f"{label}_post_delete", model)
    user = apps.get_model("accounts.User")
    hook(model_signals.pre_save, user_before_save, "user_pre_save", user)
    hook(model_signals.post_save, user_saved, "user_post_save", user)
    hook(model_signals.post_delete, user_deleted, "user_post_delete", user)
    through = apps.get_model("requests.Department").stewards.through
    hook(model_signals.m2m_changed, stewards_changed, "stewards_changed", through)
    log_entry = apps.get_model("admin.LogEntry")
    hook(model_signals.post_save, admin_change_logged, "admin_change_logged", log_entry)
