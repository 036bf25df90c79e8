"""The staff home page's "Your work" list: a link for each staff area the person's role opens,
decided by the need-to-know predicates, so nobody is shown a page that would answer 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from portal.access import scope
from portal.access.selectors import unreviewed_flag_count
from requests.gathering.selectors import steward_open_work_item_count


@dataclass(frozen=True)
class StaffLink:
    label: str
    url: str
    description: str
    anchor: str = ""


def staff_links(*, user: Any) -> list[StaffLink]:
    links = []
    if scope.may_work_requests(user):
        links.append(
            StaffLink(
                _("Requests"),
                reverse("requests:queue"),
                _("residents' requests for their information, with their due dates"),
            )
        )
    if scope.steward_department_ids(user):
        to_do = steward_open_work_item_count(user=user)
        links.append(
            StaffLink(
                _("Department searches"),
                reverse("requests:work_items"),
                ngettext(
                    "requests that need a search of your department's records: %(count)d to do",
                    "requests that need a search of your department's records: %(count)d to do",
                    to_do,
                )
                % {"count": to_do},
                anchor="work-items",
            )
        )
        links.append(
            StaffLink(
                _("Corrections"),
                reverse("requests:staff_corrections"),
                _("changes residents asked for to your departments' records, to decide"),
            )
        )
    if scope.may_decide_appeals(user):
        links.append(
            StaffLink(
                _("Appeals of corrections"),
                reverse("requests:staff_appeals"),
                _("residents' appeals of a department's denial of a correction"),
            )
        )
    if scope.may_record_disclosures(user):
        links.append(
            StaffLink(
                _("Tell recipients about corrections"),
                reverse("requests:staff_recipient_notices"),
                _("outside recipients to tell of a correction or a statement of disagreement"),
            )
        )
    if scope.may_review_identity(user):
        links.append(
            StaffLink(
                _("Identity checks"),
                reverse("identity:staff_home"),
                _("photo ID checks and reviews of uploaded ID"),
            )
        )
    if scope.may_review_grants(user):
        links.append(
            StaffLink(
                _("Representatives"),
                reverse("representatives:staff_queue"),
                _("people asking to act for a resident, and their proof"),
            )
        )
    if scope.may_manage_mailed_codes(user):
        links.append(
            StaffLink(
                _("Mailed codes"),
                reverse("postal:staff_batches"),
                _("letters with identity codes to print and post"),
            )
        )
    if scope.may_record_disclosures(user):
        links += [
            StaffLink(
                _("Disclosures outside the City"),
                reverse("disclosures:list"),
                _(
                    "residents' information given to other agencies, in public-records "
                    "responses or to law enforcement"
                ),
            ),
            StaffLink(
                _("Subpoenas and court orders"),
                reverse("disclosures:legal_list"),
                _("record one, notify the resident, and release only after the notice period"),
            ),
        ]
    if scope.may_read_audit(user):
        links += [
            StaffLink(
                _("Audit trail"),
                reverse("audit:events"),
                _(
                    "every change of state, decision, security event and change of "
                    "configuration, with filters and a CSV export"
                ),
            ),
            StaffLink(
                _("Access log"),
                reverse("access:log"),
                _(
                    "every time staff saw, downloaded or exported a resident's information, "
                    "with filters and a CSV export"
                ),
            ),
        ]
    if scope.may_read_reports(user):
        links.append(
            StaffLink(
                _("Reports"),
                reverse("reports:dashboard"),
                _("summary statistics, charts and the annual report, with CSV exports"),
            )
        )
    if scope.may_read_audit(user):
        links.append(
            StaffLink(
                _("Notices of data systems (CSV)"),
                reverse("requests:source_notices"),
                _(
                    "each department data source's notice under c. 30 §63: purpose, kinds of "
                    "data, number of people, retention, sources, uses and users, and who is "
                    "responsible"
                ),
            )
        )
    flags = unreviewed_flag_count(user=user)
    if flags is not None:
        links.append(
            StaffLink(
                _("Accesses outside an assignment"),
                reverse("access:flagged"),
                ngettext("%(count)d to review", "%(count)d to review", flags) % {"count": flags},
                anchor="access-flags",
            )
        )
    if scope.may_manage_privacy_policy(user):
        links.append(
            StaffLink(
                _("Privacy policy"),
                reverse("policies:staff_list"),
                _("draft and publish versions, with 30 days' notice of a substantive change"),
            )
        )
    if user.is_staff:
        links.append(
            StaffLink(
                _("Administration"),
                reverse("admin:index"),
                _("staff roles, departments and data sources"),
            )
        )
    return links
