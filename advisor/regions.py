"""Country codes, the subdivisions the answers accept, and the region aliases.

Places are ISO 3166-1 alpha-2 codes (``DE``), or ISO 3166-2 subdivision codes where
the law differs below the country: the US states and DC (``US-CA``), Canada's provinces
and territories (``CA-QC``) and the regions of Ukraine under embargo (``UA-43`` Crimea,
``UA-40`` Sevastopol, ``UA-14`` Donetsk, ``UA-09`` Luhansk, ``UA-23`` Zaporizhzhia,
``UA-65`` Kherson). The US territories are written as their own alpha-2 codes (``PR``);
``US-PR`` is read as ``PR``. A subdivision lies inside its country; a bare country
means every one of its subdivisions.

    >>> expand_regions(["EU", "US"])[:3]
    ('AT', 'BE', 'BG')
    >>> normalize_code("us-ca"), country_of("US-CA"), place_name("UA-43")
    ('US-CA', 'US', 'Crimea (Autonomous Republic of Crimea, Ukraine)')
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

ISO_ALPHA2 = frozenset("""
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW
""".split())

US_STATES: dict[str, str] = {
    "US-AL": "Alabama", "US-AK": "Alaska", "US-AZ": "Arizona", "US-AR": "Arkansas",
    "US-CA": "California", "US-CO": "Colorado", "US-CT": "Connecticut", "US-DE": "Delaware",
    "US-DC": "District of Columbia", "US-FL": "Florida", "US-GA": "Georgia", "US-HI": "Hawaii",
    "US-ID": "Idaho", "US-IL": "Illinois", "US-IN": "Indiana", "US-IA": "Iowa",
    "US-KS": "Kansas", "US-KY": "Kentucky", "US-LA": "Louisiana", "US-ME": "Maine",
    "US-MD": "Maryland", "US-MA": "Massachusetts", "US-MI": "Michigan", "US-MN": "Minnesota",
    "US-MS": "Mississippi", "US-MO": "Missouri", "US-MT": "Montana", "US-NE": "Nebraska",
    "US-NV": "Nevada", "US-NH": "New Hampshire", "US-NJ": "New Jersey", "US-NM": "New Mexico",
    "US-NY": "New York", "US-NC": "North Carolina", "US-ND": "North Dakota", "US-OH": "Ohio",
    "US-OK": "Oklahoma", "US-OR": "Oregon", "US-PA": "Pennsylvania", "US-RI": "Rhode Island",
    "US-SC": "South Carolina", "US-SD": "South Dakota", "US-TN": "Tennessee", "US-TX": "Texas",
    "US-UT": "Utah", "US-VT": "Vermont", "US-VA": "Virginia", "US-WA": "Washington",
    "US-WV": "West Virginia", "US-WI": "Wisconsin", "US-WY": "Wyoming",
}
CA_PROVINCES: dict[str, str] = {
    "CA-AB": "Alberta", "CA-BC": "British Columbia", "CA-MB": "Manitoba",
    "CA-NB": "New Brunswick", "CA-NL": "Newfoundland and Labrador", "CA-NS": "Nova Scotia",
    "CA-NT": "Northwest Territories", "CA-NU": "Nunavut", "CA-ON": "Ontario",
    "CA-PE": "Prince Edward Island", "CA-QC": "Quebec", "CA-SK": "Saskatchewan",
    "CA-YT": "Yukon",
}
# Ukraine's regions under comprehensive embargoes (US EO 13685 / 14065, EU Reg. 692/2014
# and 2022/263, UK Russia regulations).
UA_REGIONS: dict[str, str] = {
    "UA-43": "Crimea (Autonomous Republic of Crimea, Ukraine)",
    "UA-40": "Sevastopol (Ukraine)",
    "UA-14": "Donetsk oblast (Ukraine)",
    "UA-09": "Luhansk oblast (Ukraine)",
    "UA-23": "Zaporizhzhia oblast (Ukraine)",
    "UA-65": "Kherson oblast (Ukraine)",
}
SUBDIVISIONS: dict[str, str] = {**US_STATES, **CA_PROVINCES, **UA_REGIONS}
# ISO 3166-2:US also lists the territories, which have alpha-2 codes of their own.
US_TERRITORIES = ("AS", "GU", "MP", "PR", "UM", "VI")

EU_MEMBERS = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)
EEA_EXTRA = ("IS", "LI", "NO")

ALIASES: dict[str, tuple[str, ...]] = {
    "EU": tuple(sorted(EU_MEMBERS)),
    "EEA": tuple(sorted(EU_MEMBERS + EEA_EXTRA)),
}
# Common spellings that are not ISO alpha-2 but mean one place.
SYNONYMS = {"UK": "GB", "EL": "GR", **{f"US-{t}": t for t in US_TERRITORIES}}

# Names for the places the findings mention most; other codes are shown as they are.
COUNTRY_NAMES = {
    "US": "the United States", "GB": "the United Kingdom", "CN": "China", "JP": "Japan",
    "KR": "South Korea", "BR": "Brazil", "CA": "Canada", "IN": "India", "CH": "Switzerland",
    "SG": "Singapore", "AU": "Australia", "RU": "Russia", "BY": "Belarus", "IR": "Iran",
    "KP": "North Korea", "CU": "Cuba", "SY": "Syria", "UA": "Ukraine", "NG": "Nigeria",
    "MX": "Mexico", "ZA": "South Africa", "IL": "Israel", "TR": "Turkey", "AE": "the UAE",
    "SA": "Saudi Arabia", "ID": "Indonesia", "VN": "Vietnam", "TW": "Taiwan",
    "HK": "Hong Kong", "NZ": "New Zealand", "AR": "Argentina", "PR": "Puerto Rico",
}


def normalize_code(code: str) -> str | None:
    """Return the upper-case alpha-2 or subdivision code, or None when it is neither.

    >>> normalize_code("uk"), normalize_code("US-PR"), normalize_code("US-XX")
    ('GB', 'PR', None)
    """
    upper = code.strip().upper()
    upper = SYNONYMS.get(upper, upper)
    return upper if upper in ISO_ALPHA2 or upper in SUBDIVISIONS else None


def country_of(code: str) -> str:
    """The country a place lies in: ``country_of("US-CA") -> "US"``; a country is its own."""
    return code[:2] if code in SUBDIVISIONS else code


@lru_cache(maxsize=None)
def subdivisions_of(country: str) -> tuple[str, ...]:
    """The subdivision codes the answers accept inside ``country`` (none for most)."""
    return tuple(code for code in SUBDIVISIONS if code[:2] == country)


def place_name(code: str) -> str:
    """A readable name: ``place_name("US-CA") -> "California"``; unknown codes stay codes."""
    return SUBDIVISIONS.get(code) or COUNTRY_NAMES.get(code) or code


def expand_regions(codes: Iterable[str]) -> tuple[str, ...]:
    """Expand aliases (EU, EEA) and de-duplicate, keeping the first-seen order."""
    seen: dict[str, None] = {}
    for code in codes:
        upper = code.strip().upper()
        for member in ALIASES.get(upper, (SYNONYMS.get(upper, upper),)):
            seen.setdefault(member, None)
    return tuple(seen)


def is_region_token(code: str) -> bool:
    """True for an alpha-2 code, a subdivision code, a synonym, or an alias."""
    return code.strip().upper() in ALIASES or normalize_code(code) is not None
