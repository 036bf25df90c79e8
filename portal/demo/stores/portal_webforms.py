"""What the City's web forms and surveys collected, as a JSON export the portal loads.

The file is a list of submissions, oldest first, each with `submission_id`, `form_name`,
`submitted_at` (ISO 8601 with the Eastern offset), `name`, `email`, `phone`, `message` and, when
the form asked questions, an `answers` object.

People type their own names and emails, so spelling varies more here than anywhere else, and a
few use a different email address from the one the City otherwise knows.
"""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import random

from portal.demo.formatting import abbreviate_street, format_address
from portal.demo.model import REFERENCE_DATE, Address, Person
from portal.demo.stores._city import City
from portal.demo.stores._common import (
    LAST_RECORD_DATE,
    Speller,
    StoreResult,
    atomic_target,
    eastern_offset,
    random_date,
)

SLUG = "portal"
FILENAME = "portal_webforms.json"
SEED_OFFSET = 7
FIRST_SUBMISSION = dt.date(2023, 3, 1)

FORMS = (
    ("Pothole report", 30),
    ("Streetlight outage", 12),
    ("Missed trash or recycling pickup", 18),
    ("Contact the Mayor", 15),
    ("Parks survey", 15),
    ("Newsletter sign-up", 10),
)
PARKS = ("Stanley Park", "Amelia Park", "Hampton Ponds", "Whip City Dog Park", "Jasper Rand")
MAYOR_TOPICS = (
    "I am writing about the property tax increase on my bill this year. On a fixed income it "
    "is getting hard to stay in the house I have lived in for decades.",
    "Traffic on {street} has become dangerous at school drop-off time. Could the City add a "
    "crosswalk or a crossing guard?",
    "Thank you to the DPW crew who cleared {street} so quickly during the last storm.",
    "The sidewalk in front of {address} is heaved and my mother nearly fell. When can it be "
    "repaired?",
    "Please consider more evening hours at the senior center. Many of us still work.",
    "My neighbor's dog barks all night and nothing has changed after two calls to animal control.",
)


def write(city: City, directory: pathlib.Path, *, seed: int) -> StoreResult:
    rng = random.Random(seed + SEED_OFFSET)
    speller = Speller(rng, typo_rate=0.03, drop_middle_rate=0.7)
    submissions = []
    forms = [name for name, _ in FORMS]
    weights = [weight for _, weight in FORMS]
    for person in city.people:
        if person.age_on(REFERENCE_DATE) < 18 or not person.email or rng.random() >= 0.09:
            continue
        for _ in range(rng.choice((1, 1, 1, 2, 3))):
            day = random_date(rng, FIRST_SUBMISSION, LAST_RECORD_DATE)
            address = person.address_on(day)
            if address is None:
                continue
            form = rng.choices(forms, weights)[0]
            submissions.append(_submission(rng, speller, person, form, day, address))
    submissions.sort(key=lambda submission: submission["submitted_at"])
    for number, submission in enumerate(submissions, start=1):
        submission["submission_id"] = f"WF-{number:06d}"
    target = directory / FILENAME
    with atomic_target(target) as temporary:
        temporary.write_text(
            json.dumps(submissions, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return StoreResult(SLUG, target, {"submissions": len(submissions)})


def _submission(
    rng: random.Random,
    speller: Speller,
    person: Person,
    form: str,
    day: dt.date,
    address: Address,
) -> dict[str, object]:
    moment = dt.datetime.combine(day, dt.time(rng.randint(6, 22), rng.randrange(60)))
    style = rng.choices(("natural", "first_last", "nickname", "first_last"), (25, 40, 20, 15))[0]
    name = speller.name(person, style)
    if rng.random() < 0.1:
        name = name.lower()
    email = person.email
    if rng.random() < 0.08:
        local = f"{person.first[0]}{person.last}".lower().replace("'", "").replace(" ", "")
        email = f"{local}.work@example.org"
    street = abbreviate_street(address.street)
    nearby = f"{max(1, address.number + rng.choice((-6, -4, -2, 2, 4, 6, 10)))} {street}"
    answers: dict[str, object] = {}
    if form == "Pothole report":
        answers = {"location": nearby, "size": rng.choice(("small", "medium", "large"))}
        message = rng.choice(
            (
                f"Deep pothole near {nearby}. It blew out my front tire.",
                f"Several potholes on {street}, worst one by the storm drain.",
                "Pothole keeps coming back after every patch.",
            )
        )
    elif form == "Streetlight outage":
        answers = {"location": nearby, "pole_number": f"P-{rng.randint(1000, 9999)}"}
        message = f"Streetlight out on {street} for about a week."
    elif form == "Missed trash or recycling pickup":
        answers = {
            "service_address": format_address(address, "abbrev"),
            "missed": rng.choice(("trash", "recycling", "both")),
        }
        message = "Our bins were out by 7am and were not picked up."
    elif form == "Contact the Mayor":
        message = rng.choice(MAYOR_TOPICS).format(
            street=street, address=format_address(address, "street_only")
        )
    elif form == "Parks survey":
        answers = {
            "favorite_park": rng.choice(PARKS),
            "visits_per_month": rng.choice(("0", "1-2", "3-5", "6+")),
            "rating": rng.randint(1, 5),
            "household_has_children": rng.random() < 0.4,
        }
        message = rng.choice(
            ("More shade at the playground, please.", "Bathrooms need attention.", "", "")
        )
    else:
        answers = {"topics": rng.sample(("events", "road work", "parks", "budget"), 2)}
        message = ""
    phone = person.phone if rng.random() < 0.5 else ""
    submission: dict[str, object] = {
        "submission_id": "",
        "form_name": form,
        "submitted_at": moment.replace(tzinfo=eastern_offset(moment)).isoformat(),
        "name": name,
        "email": email,
        "phone": phone,
        "message": message,
    }
    if answers:
        submission["answers"] = answers
    return submission
