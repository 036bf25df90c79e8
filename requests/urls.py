"""The `requests` namespace: the resident's requests under /requests/, the clerk's workbench
under /staff/requests/, the stewards' searches under /staff/work-items/."""

from django.urls import path

import requests.converters  # noqa: F401 (registers the `number` converter)
from portal.access.purpose_views import staff_purpose
from requests.views import (
    contest,
    corrections_resident,
    corrections_staff,
    delivery_urls,
    resident,
    review_urls,
    sources,
    sources_staff,
    staff,
    work_items,
)

app_name = "requests"

urlpatterns = [
    # Residents.
    path("requests/", resident.request_list, name="list"),
    path("requests/start/", resident.start, name="start"),
    path("requests/new/type/", resident.new_step, {"step": "kind"}, name="new_kind"),
    path("requests/new/about/", resident.new_step, {"step": "about"}, name="new_about"),
    path(
        "requests/new/departments/",
        resident.new_step,
        {"step": "departments"},
        name="new_departments",
    ),
    path("requests/new/delivery/", resident.new_step, {"step": "delivery"}, name="new_delivery"),
    path("requests/new/check/", resident.check, name="check"),
    path("requests/<number:number>/", resident.detail, name="detail"),
    path("requests/<number:number>/submitted/", resident.submitted, name="submitted"),
    path("requests/<number:number>/reply/", resident.reply, name="reply"),
    path("requests/<number:number>/withdraw/", resident.withdraw, name="withdraw"),
    path("requests/<number:number>/letters/<int:pk>/", resident.letter, name="letter"),
    path("requests/<number:number>/letters/<int:pk>/pdf/", resident.letter_pdf, name="letter_pdf"),
    path("requests/<number:number>/documents/<int:pk>/", resident.document, name="document"),
    # Residents: corrections of their released records, and what follows a decision.
    path("requests/correct/", corrections_resident.start, name="correction_start"),
    path("requests/correct/choose/", corrections_resident.pick, name="correction_pick"),
    path("requests/correct/change/", corrections_resident.change, name="correction_change"),
    path("requests/correct/check/", corrections_resident.check, name="correction_check"),
    path("requests/<number:number>/appeal/", corrections_resident.appeal, name="correction_appeal"),
    path(
        "requests/<number:number>/statement/",
        corrections_resident.statement,
        name="correction_statement",
    ),
    # The clerk's workbench.
    path("staff/requests/", staff.queue, name="queue"),
    path("staff/requests/assign/", staff.bulk_assign, name="bulk_assign"),
    path("staff/requests/new/", staff.file_for_resident, name="staff_new"),
    path("staff/requests/<number:number>/", staff.detail, name="staff_detail"),
    path("staff/requests/<number:number>/purpose/", staff_purpose, name="staff_purpose"),
    path("staff/requests/<number:number>/assign/", staff.assign, name="staff_assign"),
    path("staff/requests/<number:number>/messages/", staff.messages_page, name="staff_messages"),
    path("staff/requests/<number:number>/history/", staff.history, name="staff_history"),
    path("staff/requests/<number:number>/letters/", staff.letters_page, name="staff_letters"),
    path("staff/requests/<number:number>/letters/new/", staff.letter_new, name="staff_letter_new"),
    path("staff/requests/<number:number>/letters/<int:pk>/", staff.letter, name="staff_letter"),
    path(
        "staff/requests/<number:number>/letters/<int:pk>/pdf/",
        staff.letter_pdf,
        name="staff_letter_pdf",
    ),
    path(
        "staff/requests/<number:number>/documents/<int:pk>/",
        staff.document,
        name="staff_document",
    ),
    path("staff/requests/<number:number>/do/<slug:name>/", staff.action, name="staff_action"),
    # Contesting a denial of access: the resident files, the privacy officer decides.
    path("requests/<number:number>/contest/", contest.contest_denial, name="contest_denial"),
    path("staff/requests/<number:number>/contest/", contest.staff_contest, name="staff_contest"),
    path(
        "staff/requests/<number:number>/sources/<int:run_id>/retry/",
        sources_staff.run_retry,
        name="staff_run_retry",
    ),
    path(
        "staff/requests/<number:number>/sources/<int:run_id>/skip/",
        sources_staff.run_skip,
        name="staff_run_skip",
    ),
    # The stewards' searches of their departments' records for a manual source.
    path("staff/work-items/", work_items.work_item_list, name="work_items"),
    path("staff/work-items/<int:pk>/", work_items.work_item_detail, name="work_item"),
    # Corrections on the staff side: the stewards' decisions, the privacy officer's appeals and
    # the clerks' notices to outside recipients (requests/views/corrections_staff.py).
    path("staff/corrections/", corrections_staff.queue, name="staff_corrections"),
    path("staff/corrections/<int:pk>/", corrections_staff.change_detail, name="staff_correction"),
    path(
        "staff/corrections/<int:pk>/decide/",
        corrections_staff.change_decide_view,
        name="staff_correction_decide",
    ),
    path(
        "staff/corrections/<int:pk>/applied/",
        corrections_staff.change_applied_by_hand,
        name="staff_correction_applied",
    ),
    path(
        "staff/corrections/<int:pk>/retry/",
        corrections_staff.change_write_back_retry,
        name="staff_correction_retry",
    ),
    path(
        "staff/corrections/<int:pk>/evidence/<int:document_pk>/",
        corrections_staff.change_evidence,
        name="staff_correction_evidence",
    ),
    path("staff/corrections/appeals/", corrections_staff.appeal_list, name="staff_appeals"),
    path(
        "staff/corrections/appeals/<int:pk>/",
        corrections_staff.appeal_detail,
        name="staff_appeal",
    ),
    path(
        "staff/corrections/notices/",
        corrections_staff.notice_list,
        name="staff_recipient_notices",
    ),
    path(
        "staff/corrections/notices/<int:pk>/done/",
        corrections_staff.notice_done,
        name="staff_recipient_notice_done",
    ),
    # The notices of the City's personal data systems (c. 30 §63).
    path("staff/sources/notices.csv", sources.notices_csv, name="source_notices"),
    # Review and release (requests/views/review_urls.py), and delivery of the package
    # (requests/views/delivery_urls.py).
    *review_urls.urlpatterns,
    *delivery_urls.urlpatterns,
]
