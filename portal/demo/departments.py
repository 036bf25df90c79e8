"""The demo's City departments (DEPARTMENTS.md) and what each holds."""

from django.utils.translation import gettext_lazy as _

DEMO_DEPARTMENTS = {
    "assessors": (
        _("Assessors"),
        _("Property valuation: parcels, owners and co-owners, sales, exemptions, abatements."),
    ),
    "treasurer": (
        _("Treasurer / Collector"),
        _("Real-estate tax and motor-vehicle excise bills, payments, parking tickets, liens."),
    ),
    "city_clerk": (
        _("City Clerk"),
        _("Annual street listing, dog licences, business certificates, marriage intentions."),
    ),
    "water_sewer": (
        _("Water and Sewer Billing"),
        _("Utility accounts, meter readings, bills, payments, shut-off notices, payment plans."),
    ),
    "parks_recreation": (
        _("Parks and Recreation"),
        _("Program registrations, participants and guardians, emergency contacts."),
    ),
    "building": (
        _("Building Department"),
        _("Permit applications, inspections, code-enforcement cases."),
    ),
    "portal": (
        _("Web forms (this portal)"),
        _("What the City's web forms and surveys collected, and this portal's own records."),
    ),
}
