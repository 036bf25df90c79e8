"""Who lives together: households of every common shape, and the namesakes among them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random

from portal.demo import names
from portal.demo.model import (
    ADULT_CHILD,
    CHILD,
    HEAD,
    PARTNER,
    REFERENCE_DATE,
    ROOMMATE,
    SPOUSE,
    TITLE_HOLDING_ROLES,
    Address,
    PreviousAddress,
)

HOUSEHOLD_KINDS = (
    ("single", 30),
    ("couple", 24),
    ("family", 26),
    ("single_parent", 8),
    ("roommates", 5),
    ("adult_child", 4),
)
SENIOR_JUNIOR_SHARE = 0.01  # pairs per person: about 2% of people are half of a Sr./Jr. pair
UNRELATED_NAMESAKE_SHARE = 0.005  # pairs per person: about 1% share a name with a stranger
DAY = dt.timedelta(days=1)


@dataclasses.dataclass
class Member:
    """A person while still being drawn: mutable until the population is frozen."""

    first: str
    middle: str
    last: str
    sex: str
    dob: dt.date
    role: str
    suffix: str = ""
    former_last: str = ""
    occupation: str = ""
    veteran: bool = False
    email: str = ""
    phone: str = ""
    has_dog: bool = False

    @property
    def age(self) -> int:
        before = (REFERENCE_DATE.month, REFERENCE_DATE.day) < (self.dob.month, self.dob.day)
        return REFERENCE_DATE.year - self.dob.year - int(before)


@dataclasses.dataclass
class Household:
    """People who live together, with the home they share and the homes they left."""

    kind: str
    members: list[Member]
    owns: bool = False
    address: Address | None = None
    dwelling: str = ""
    moved_in: dt.date = REFERENCE_DATE
    previous: list[PreviousAddress] = dataclasses.field(default_factory=list)

    @property
    def heads(self) -> list[Member]:
        return [member for member in self.members if member.role in TITLE_HOLDING_ROLES]

    @property
    def adults(self) -> list[Member]:
        return [member for member in self.members if member.age >= 18]

    def earliest_adult_move(self) -> dt.date:
        """The first day every head was at least 21: no earlier home can be theirs."""
        return max(add_years(head.dob, 21) for head in self.heads or self.adults)


class HouseholdMaker:
    """Draws people and groups them into households, all from the one shared generator."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.occupations = [name for name, _ in names.OCCUPATIONS]
        self.occupation_weights = [weight for _, weight in names.OCCUPATIONS]

    # People and households -------------------------------------------------------------------

    def make(self, count: int) -> list[Household]:
        rng = self.rng
        households = [self._senior_junior() for _ in range(round(count * SENIOR_JUNIOR_SHARE))]
        total = sum(len(household.members) for household in households)
        kinds = [kind for kind, _ in HOUSEHOLD_KINDS]
        weights = [weight for _, weight in HOUSEHOLD_KINDS]
        while total < count:
            kind = rng.choices(kinds, weights)[0]
            household = getattr(self, f"_{kind}")()
            if total + len(household.members) > count:
                household = self._single()
            households.append(household)
            total += len(household.members)
        while total > count:  # only when the Sr./Jr. quota alone exceeds a tiny count
            total -= len(households.pop().members)
        rng.shuffle(households)
        return households

    def _adult(self, *, youngest: int, oldest: int, sex: str, role: str, last: str) -> Member:
        dob = birth_date(self.rng, youngest=youngest, oldest=oldest)
        return self._member(dob=dob, sex=sex, role=role, last=last)

    def _member(self, *, dob: dt.date, sex: str, role: str, last: str) -> Member:
        rng = self.rng
        first = rng.choice(_first_names(sex, dob.year))
        middle = ""
        if rng.random() < 0.82:
            middle = rng.choice(_first_names(sex, rng.choice((1950, 1975, 2000))))
            if middle == first:
                middle = ""
        member = Member(first=first, middle=middle, last=last, sex=sex, dob=dob, role=role)
        member.occupation = self._occupation(member.age)
        member.veteran = self._is_veteran(member.age, sex)
        return member

    def _occupation(self, age: int) -> str:
        rng = self.rng
        if age < 5:
            return ""
        if age < 18 or (age <= 22 and rng.random() < 0.55):
            return "Student"
        if (age >= 67 and rng.random() < 0.85) or (age >= 62 and rng.random() < 0.4):
            return "Retired"
        return rng.choices(self.occupations, self.occupation_weights)[0]

    def _is_veteran(self, age: int, sex: str) -> bool:
        if age < 22:
            return False
        if sex == "M":
            return self.rng.random() < (0.17 if age >= 60 else 0.06)
        return self.rng.random() < 0.015

    def _age_band(self, bands: tuple[tuple[int, int, int], ...]) -> tuple[int, int]:
        low, high, _ = self.rng.choices(bands, [weight for _, _, weight in bands])[0]
        return low, high

    def _single(self) -> Household:
        rng = self.rng
        youngest, oldest = self._age_band(((22, 35, 35), (36, 64, 35), (65, 95, 30)))
        sex = rng.choice("FM")
        person = self._adult(
            youngest=youngest, oldest=oldest, sex=sex, role=HEAD, last=self._surname()
        )
        owns_chance = 0.62 if person.age >= 60 else 0.4 if person.age >= 36 else 0.15
        return Household("single", [person], owns=rng.random() < owns_chance)

    def _couple_members(self, *, youngest: int, oldest: int) -> list[Member]:
        """A head and a spouse or partner of similar age, sharing a surname as couples often do."""
        rng = self.rng
        same_sex = rng.random() < 0.06
        head_sex = rng.choice("FM") if same_sex else "M"
        partner_sex = head_sex if same_sex else "F"
        head = self._adult(
            youngest=youngest, oldest=oldest, sex=head_sex, role=HEAD, last=self._surname()
        )
        partner_age = max(21, head.age + rng.randint(-6, 4))
        married = rng.random() < 0.85
        partner = self._adult(
            youngest=partner_age,
            oldest=partner_age,
            sex=partner_sex,
            role=SPOUSE if married else PARTNER,
            last=self._surname(),
        )
        if married:
            choice = rng.random()
            takes_name = 0.7 if not same_sex else 0.3
            if choice < takes_name:
                partner.former_last, partner.last = partner.last, head.last
            elif choice < takes_name + 0.08:
                partner.former_last, partner.last = partner.last, f"{partner.last}-{head.last}"
        return [head, partner]

    def _couple(self) -> Household:
        youngest, oldest = self._age_band(((24, 35, 30), (36, 64, 40), (65, 90, 30)))
        members = self._couple_members(youngest=youngest, oldest=oldest)
        owns_chance = 0.45 if members[0].age < 32 else 0.72
        return Household("couple", members, owns=self.rng.random() < owns_chance)

    def _children(self, *, mother_or_parent: Member, last: str, how_many: int) -> list[Member]:
        rng = self.rng
        earliest = max(add_years(mother_or_parent.dob, 20), add_years(REFERENCE_DATE, -18) + DAY)
        latest = min(add_years(mother_or_parent.dob, 44), REFERENCE_DATE - dt.timedelta(30))
        if earliest > latest:
            return []
        children = []
        for _ in range(how_many):
            dob = random_date(rng, earliest, latest)
            children.append(self._member(dob=dob, sex=rng.choice("FM"), role=CHILD, last=last))
        children.sort(key=lambda child: child.dob)
        return children

    def _family(self) -> Household:
        rng = self.rng
        parents = self._couple_members(youngest=25, oldest=52)
        mother = next((parent for parent in parents if parent.sex == "F"), parents[1])
        how_many = rng.choices((1, 2, 3, 4), (35, 40, 18, 7))[0]
        children = self._children(mother_or_parent=mother, last=parents[0].last, how_many=how_many)
        return Household("family", parents + children, owns=rng.random() < 0.68)

    def _single_parent(self) -> Household:
        rng = self.rng
        sex = "F" if rng.random() < 0.85 else "M"
        parent = self._adult(youngest=23, oldest=50, sex=sex, role=HEAD, last=self._surname())
        children_last = parent.last if rng.random() < 0.7 else self._surname()
        how_many = rng.choices((1, 2, 3), (50, 35, 15))[0]
        children = self._children(mother_or_parent=parent, last=children_last, how_many=how_many)
        return Household("single_parent", [parent, *children], owns=rng.random() < 0.3)

    def _roommates(self) -> Household:
        rng = self.rng
        members = [
            self._adult(
                youngest=20,
                oldest=34,
                sex=rng.choice("FM"),
                role=HEAD if index == 0 else ROOMMATE,
                last=self._surname(),
            )
            for index in range(rng.choice((2, 2, 3)))
        ]
        return Household("roommates", members, owns=False)

    def _adult_child(self) -> Household:
        rng = self.rng
        parents = self._couple_members(youngest=48, oldest=80)
        mother = next((parent for parent in parents if parent.sex == "F"), parents[1])
        earliest = add_years(mother.dob, 20)
        latest = min(add_years(mother.dob, 42), add_years(REFERENCE_DATE, -18))
        members = list(parents)
        if earliest <= latest:
            dob = random_date(rng, earliest, latest)
            child = self._member(dob=dob, sex=rng.choice("FM"), role=ADULT_CHILD, last="")
            child.last = parents[0].last
            members.append(child)
        return Household("adult_child", members, owns=rng.random() < 0.8)

    def _senior_junior(self) -> Household:
        """A father and adult son with one name at one address: Sr. and Jr. (or Jr. and III)."""
        rng = self.rng
        father = self._adult(youngest=42, oldest=85, sex="M", role=HEAD, last=self._surname())
        if not father.middle:
            father.middle = rng.choice(_first_names("M", 1950))
        earliest = max(add_years(father.dob, 20), add_years(REFERENCE_DATE, -56) + DAY)
        latest = min(add_years(father.dob, 42), add_years(REFERENCE_DATE, -18))
        son_dob = random_date(rng, earliest, max(earliest, latest))
        son = self._member(dob=son_dob, sex="M", role=ADULT_CHILD, last=father.last)
        son.first, son.middle = father.first, father.middle
        father.suffix, son.suffix = ("Jr.", "III") if rng.random() < 0.15 else ("Sr.", "Jr.")
        members = [father]
        if rng.random() < 0.75:
            mother_age = max(40, father.age + rng.randint(-5, 2))
            mother = self._adult(
                youngest=mother_age, oldest=mother_age, sex="F", role=SPOUSE, last=father.last
            )
            mother.former_last = self._surname()
            members.append(mother)
        members.append(son)
        return Household("senior_junior", members, owns=rng.random() < 0.85)

    def _surname(self) -> str:
        return self.rng.choice(names.SURNAMES)

    # Names that collide on purpose -----------------------------------------------------------

    def add_unrelated_namesakes(self, households: list[Household], count: int) -> None:
        """Give about 1% of people a stranger's exact name, at another home, born another day."""
        rng = self.rng
        sources = [
            (household, member)
            for household in households
            if household.kind != "senior_junior"
            for member in household.heads
        ]
        targets = [household for household in households if household.kind == "single"]
        used: set[int] = set()
        pairs = round(count * UNRELATED_NAMESAKE_SHARE)
        for _ in range(pairs):
            for _attempt in range(200):
                source_household, source = sources[rng.randrange(len(sources))]
                target_household = targets[rng.randrange(len(targets))] if targets else None
                if target_household is None:
                    return
                target = target_household.members[0]
                if (
                    target_household is source_household
                    or id(target) in used
                    or id(source) in used
                    or target.sex != source.sex
                    or target.dob == source.dob
                    or target_household.address == source_household.address
                ):
                    continue
                target.first, target.middle, target.last = source.first, source.middle, source.last
                used.update((id(source), id(target)))
                break

    def separate_namesake_birthdays(self, households: list[Household]) -> None:
        """Namesakes must differ by date of birth, or no record could ever tell them apart."""
        seen: dict[tuple[str, str, str, str], set[dt.date]] = {}
        for household in households:
            for member in household.members:
                key = (member.first, member.middle, member.last, member.suffix)
                birthdays = seen.setdefault(key, set())
                while member.dob in birthdays:
                    member.dob -= dt.timedelta(days=1)
                birthdays.add(member.dob)


def _first_names(sex: str, birth_year: int) -> tuple[str, ...]:
    if birth_year < 1960:
        return names.FEMALE_BORN_BEFORE_1960 if sex == "F" else names.MALE_BORN_BEFORE_1960
    if birth_year < 1990:
        return names.FEMALE_BORN_1960_TO_1989 if sex == "F" else names.MALE_BORN_1960_TO_1989
    return names.FEMALE_BORN_1990_OR_LATER if sex == "F" else names.MALE_BORN_1990_OR_LATER


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def random_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return dt.date.fromordinal(rng.randint(start.toordinal(), end.toordinal()))


def birth_date(rng: random.Random, *, youngest: int, oldest: int) -> dt.date:
    """A birthday that makes someone between `youngest` and `oldest` on the reference date."""
    earliest = add_years(REFERENCE_DATE, -oldest - 1) + DAY
    latest = add_years(REFERENCE_DATE, -youngest)
    return random_date(rng, earliest, latest)
