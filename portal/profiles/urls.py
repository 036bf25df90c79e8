from django.urls import path

from portal.profiles import views

app_name = "profiles"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("start/", views.start, name="start"),
    path("name/", views.name, name="name"),
    path("date-of-birth/", views.date_of_birth, name="date_of_birth"),
    path("address/", views.address, name="address"),
    path("phone/", views.phone, name="phone"),
    path("language/", views.language, name="language"),
    path("previous-addresses/add/", views.previous_address_add, name="previous_address_add"),
    path(
        "previous-addresses/<int:address_id>/change/",
        views.previous_address_change,
        name="previous_address_change",
    ),
    path(
        "previous-addresses/<int:address_id>/remove/",
        views.previous_address_remove_confirm,
        name="previous_address_remove",
    ),
    path("numbers/add/", views.identifier_add, name="identifier_add"),
    path("numbers/<int:identifier_id>/remove/", views.identifier_remove, name="identifier_remove"),
    path("check/", views.check, name="check"),
    path("discard/", views.discard, name="discard"),
]
