from django.urls import path

from portal.postal import views, views_staff

app_name = "postal"

urlpatterns = [
    path("account/mailed-code/", views.request_code, name="request_code"),
    path("account/mailed-code/check/", views.check_answers, name="check_answers"),
    path("account/mailed-code/enter/", views.enter_code, name="enter_code"),
    path("account/mailed-code/<uuid:pk>/", views.request_detail, name="request_detail"),
    path("account/mailed-code/<uuid:pk>/address/", views.give_address, name="give_address"),
    path(
        "account/mailed-code/<uuid:pk>/address/check/",
        views.give_address_check,
        name="give_address_check",
    ),
    path("staff/mailed-codes/", views_staff.staff_batches, name="staff_batches"),
    path(
        "staff/mailed-codes/batches/new/", views_staff.staff_batch_create, name="staff_batch_create"
    ),
    path(
        "staff/mailed-codes/batches/<uuid:pk>/",
        views_staff.staff_batch_detail,
        name="staff_batch_detail",
    ),
    path(
        "staff/mailed-codes/batches/<uuid:pk>/pdf/",
        views_staff.staff_batch_download,
        name="staff_batch_download",
    ),
    path("staff/mailed-codes/review/<uuid:pk>/", views_staff.staff_review, name="staff_review"),
]
