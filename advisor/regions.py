"""Country codes and the region aliases the answers accept.

    >>> expand_regions(["EU", "US"])[:3]
    ('AT', 'BE', 'BG')
"""

from __future__ import annotations

from collections.abc import Iterable

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

EU_MEMBERS = (
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE",
    "IT", "LV", "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
)
EEA_EXTRA = ("IS", "LI", "NO")

ALIASES: dict[str, tuple[str, ...]] = {
    "EU": tuple(sorted(EU_MEMBERS)),
    "EEA": tuple(sorted(EU_MEMBERS + EEA_EXTRA)),
}
# Common spellings that are not ISO alpha-2 but mean one country.
SYNONYMS = {"UK": "GB", "EL": "GR"}


def normalize_code(code: str) -> str | None:
    """Return the upper-case alpha-2 code, or None when it is not one.

    >>> normalize_code("uk")
    'GB'
    """
    upper = code.strip().upper()
    upper = SYNONYMS.get(upper, upper)
    return upper if upper in ISO_ALPHA2 else None


def expand_regions(codes: Iterable[str]) -> tuple[str, ...]:
    """Expand aliases (EU, EEA) and de-duplicate, keeping the first-seen order."""
    seen: dict[str, None] = {}
    for code in codes:
        upper = code.strip().upper()
        for member in ALIASES.get(upper, (SYNONYMS.get(upper, upper),)):
            seen.setdefault(member, None)
    return tuple(seen)


def is_region_token(code: str) -> bool:
    """True for an alpha-2 code, a synonym, or an alias."""
    return code.strip().upper() in ALIASES or normalize_code(code) is not None
