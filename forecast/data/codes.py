"""Country codes: ISO 3166 alpha-3, UN M49 / Comtrade numeric and IMF numeric, both ways.

Tables (package data, with their provenance):

- ``country_codes_comtrade.csv``: UN Comtrade's country codes with ISO3, the whole table
  ``comtrade_countrycode_ISO.csv`` of JGCRI/gcam-core (``input/gcamdata/inst/extdata/energy/
  mappings``, commit 93e726ed, "Source: UN Comtrade"); cross-checked against the 256
  reporter codes of comtrade.un.org's country selector (no conflict). Comtrade codes that
  differ from ISO numeric include 842 USA, 251 France, 699 India, 757 Switzerland, 579 Norway,
  490 "Other Asia, nes" (Taiwan); both 380 and 381 are Italy. Four ISO3 values were fixed:
  028 ATG (the source has ATA), 642 ROU (ROM), and EU-28 and World left blank (not countries).
- ``country_codes_imf.csv``: the IMF's numeric country codes (IFS, DOTS legacy files), from
  vincentarelbundock/countrycode ``dictionary/data_imf.csv`` (commit ea74756c) with ISO3 from
  the same project's codelist; cross-checked against ONEcampaign/imf-reader's legacy code map
  (``src/imf_reader/weo/vocabulary.py``, commit e141b78e): the 189 codes in both agree. Added
  from imf-reader: 171 Andorra, 359 Puerto Rico, 869 Tuvalu and 001 World.

A code of the World, a country group, an area "not elsewhere specified" or a former country
(no current ISO 3166 entry) resolves to ``''``: not a country of the long format. A code in
no table is an error (:class:`KeyError`).
"""

from __future__ import annotations

import csv
import functools
from importlib import resources

#: Three-letter codes of the World and groups in the files users bring (not countries).
NOT_COUNTRIES: frozenset[str] = frozenset({"W00", "WLD", "EUU", "EUR", "XXX"})
#: IMF numeric codes of aggregates (imf-reader's legacy map: G-prefixed API codes).
IMF_AGGREGATES: frozenset[str] = frozenset({
    "001", "110", "119", "123", "163", "200", "205", "400", "406", "440", "505", "510", "511",
    "603", "901", "903", "998"})


def is_country(iso3: str) -> bool:
    """True for a current ISO 3166-1 alpha-3 code (pycountry)."""
    import pycountry

    return len(iso3) == 3 and pycountry.countries.get(alpha_3=iso3) is not None


@functools.cache
def _table(name: str) -> dict[str, str]:
    text = resources.files("forecast.data").joinpath(name).read_text(encoding="utf-8")
    return {r[0]: r[1] for r in list(csv.reader(text.splitlines()))[1:] if r}


def _pad(code: str) -> str:
    c = code.strip()
    if c.endswith(".0"):
        c = c[:-2]
    return c.zfill(3) if c.isdigit() else c


def from_m49(code: str) -> str:
    """ISO3 of a UN M49 / Comtrade numeric code ('' for the World, groups and former countries).

    Comtrade's own codes (842 USA ...) come first, then ISO 3166 numeric codes.
    """
    import pycountry

    c = _pad(code)
    table = _table("country_codes_comtrade.csv")
    if is_country(table.get(c, "")):
        return table[c]
    hit = pycountry.countries.get(numeric=c) if c.isdigit() else None
    if hit is not None:
        return hit.alpha_3
    if c in table:
        return ""
    raise KeyError(code)


def from_comtrade(code: str, iso: str = "") -> str:
    """ISO3 of a Comtrade reporter or partner: its ISO column where that is a country's
    ISO3, else its numeric code (:func:`from_m49`)."""
    i = iso.strip().upper()
    if is_country(i):
        return i
    if i in NOT_COUNTRIES and not code.strip():
        return ""
    return from_m49(code)


def from_imf(code: str) -> str:
    """ISO3 of an IMF numeric country code ('' for the World, groups and former countries)."""
    c = _pad(code)
    if c in IMF_AGGREGATES:
        return ""
    table = _table("country_codes_imf.csv")
    if c not in table:
        raise KeyError(code)
    iso = table[c]
    return iso if is_country(iso) else ""


def to_m49(iso3: str) -> str:
    """ISO 3166 numeric code (= UN M49) of a country."""
    import pycountry

    hit = pycountry.countries.get(alpha_3=iso3)
    if hit is None:
        raise KeyError(iso3)
    return hit.numeric


def to_comtrade(iso3: str) -> list[str]:
    """Every Comtrade code of a country, in the table's order (USA: 841 before 1981, 842)."""
    return sorted(c for c, i in _table("country_codes_comtrade.csv").items() if i == iso3)


def to_imf(iso3: str) -> str:
    """IMF numeric code of a country."""
    for c, i in _table("country_codes_imf.csv").items():
        if i == iso3:
            return c
    raise KeyError(iso3)


def name(iso3: str) -> str:
    """The country's short English name (pycountry), or the code itself."""
    import pycountry

    hit = pycountry.countries.get(alpha_3=iso3)
    return getattr(hit, "common_name", None) or (hit.name if hit else iso3)
