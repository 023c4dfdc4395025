#!/usr/bin/env python3
"""Add other common names of each country to assets/countries.json, from the Unicode CLDR
territory names that the Babel package ships (CLDR data: Unicode License v3; Babel: BSD-3).

Run from the repository root after `pip install babel`:

    python3 assets/country_names.py

It keeps each country's code, English short name and hand-written `also` names, and appends
the CLDR names in the locales below that differ from those, so an officer who types
"Deutschland", "Allemagne" or "德国" finds Germany. The result is committed; the program
never runs this script.
"""

import json
import pathlib

import babel
from babel import Locale
from babel.core import get_cldr_version

# The languages of China's trading partners and of the officers who screen for them.
LOCALES = [
    "de", "fr", "es", "it", "pt", "nl", "pl", "sv", "da", "nb", "fi", "cs", "hu", "ro",
    "el", "ru", "uk", "tr", "ar", "he", "hi", "ja", "ko", "zh", "zh_Hant", "vi", "id",
    "th", "ms",
]

PATH = pathlib.Path(__file__).with_name("countries.json")


def main():
    data = json.loads(PATH.read_text(encoding="utf-8"))
    for country in data["countries"]:
        # Hand-written names stay first; earlier generated ones are made again.
        manual = country.get("manual_also", country.get("also", []))
        names = list(manual)
        seen = {n.casefold() for n in names} | {country["name"].casefold()}
        for locale in LOCALES:
            name = Locale.parse(locale).territories.get(country["code"])
            if name and name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        country.pop("also", None)
        country.pop("manual_also", None)
        if manual:
            country["manual_also"] = manual
        if names:
            country["also"] = names
    data["names_source"] = (
        f"'also' adds Unicode CLDR {get_cldr_version()} territory names (Babel {babel.__version__}; "
        f"CLDR data under the Unicode License v3) in {', '.join(LOCALES)}, made by "
        "assets/country_names.py; 'manual_also' are the hand-written common names"
    )
    lines = ["{"]
    for key in ("standard", "source", "names_source"):
        lines.append(f" {json.dumps(key)}: {json.dumps(data[key], ensure_ascii=False)},")
    lines.append(' "countries": [')
    rows = [json.dumps(c, ensure_ascii=False) for c in data["countries"]]
    lines.append(",\n".join(f"  {r}" for r in rows))
    lines.append(" ]")
    lines.append("}")
    PATH.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
