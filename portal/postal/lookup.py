"""Finding the resident's address of record in the City's data sources (a read: nothing here
writes). Sources are asked through the connector interface (tasks/connectors)."""

from dataclasses import dataclass, field

from django.conf import settings

from portal.postal.matching import (
    LOOKUP_NAME,
    PersonFound,
    Resident,
    missing_columns,
    persons_found,
)
from portal.postal.models import MailedCode, MatchStrength
from requests.models import DataSource
from tasks.connectors.base import ConnectorError
from tasks.connectors.registry import connector_for


@dataclass(frozen=True)
class LookupOutcome:
    persons: list[PersonFound] = field(default_factory=list)
    error: str = ""

    @property
    def full_matches(self) -> list[PersonFound]:
        return [person for person in self.persons if person.match == MatchStrength.FULL]


def resident_of(mailed_code: MailedCode) -> Resident:
    return Resident(
        first_name=mailed_code.first_name,
        middle_name=mailed_code.middle_name,
        last_name=mailed_code.last_name,
        suffix=mailed_code.suffix,
        date_of_birth=mailed_code.date_of_birth,
    )


def address_of_record_lookup(*, resident: Resident) -> LookupOutcome:
    """Ask each source in POSTAL_ADDRESS_SOURCES, in order; the first that knows the person by
    full name and date of birth decides. A transient source error is raised (the task retries);
    a permanent one is the outcome, for a clerk to act on."""
    if not settings.POSTAL_ADDRESS_SOURCES:
        return LookupOutcome(error="No address source is configured (POSTAL_ADDRESS_SOURCES).")
    partial: list[PersonFound] = []
    for slug in settings.POSTAL_ADDRESS_SOURCES:
        source = DataSource.objects.filter(slug=slug, enabled=True).first()
        if source is None:
            return LookupOutcome(
                error=f"The address source {slug!r} does not exist or is switched off."
            )
        try:
            records = connector_for(source).lookup(
                name=LOOKUP_NAME, parameters={"date_of_birth": resident.date_of_birth.isoformat()}
            )
        except ConnectorError as error:
            if not error.permanent:
                raise
            return LookupOutcome(error=f"{source.name}: {error.message}")
        if missing := missing_columns(records):
            return LookupOutcome(
                error=f"{source.name}: the lookup {LOOKUP_NAME!r} gives no "
                f"{', '.join(sorted(missing))} column."
            )
        persons = persons_found(source=source.slug, resident=resident, records=records)
        outcome = LookupOutcome(persons=persons)
        if outcome.full_matches:
            return outcome
        partial.extend(persons)
    return LookupOutcome(persons=partial)
