#!/usr/bin/env python3
"""Build the embedded party lists (assets/parties/mofcom-parties.json) from the shared data
file of MOFCOM designations (mofcom-parties-2026-12.json).

    python3 assets/parties/build.py [SOURCE.json] [OUT.json]

What it does, and why (the data is rough; nothing uncertain is guessed):
- groups the designations into listing announcements (one per list, date and notice), each a
  measure with the clauses that say what it does to the named parties (regulation.md s8.2);
  where a notice's measures are not known clause by clause (Unreliable Entity List,
  countermeasure orders) the clause has no outcome and a VERIFY note;
- turns the free-text status changes into a dated timeline only where the text says how long
  ("90 days", "one year", "stopped", "cancelled"); anything else stays a VERIFY note;
- normalises dates (YYYY-MM-DD and DD.MM.YYYY) and country names (ISO 3166 alpha-2);
- keeps grades honest: every entry is [X] (seen in a third-party compilation) with the
  official notice it cites as its source; an announcement number without a source, or a
  listing without a number, carries a VERIFY note;
- merges duplicate entries of one listing, saying so on stderr.
The output is deterministic: run it twice, get the same bytes.
"""

import datetime as dt
import hashlib
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/work/shared/data/mofcom-parties-2026-12.json")
DEFAULT_OUT = HERE / "mofcom-parties.json"
VERSION = "2026.12.04"

LISTS = {
    "Export Control Control List (出口管制管控名单)": "control_list",
    "Watch List (关注名单)": "watch_list",
    "Unreliable Entity List (不可靠实体清单)": "unreliable_entity",
    "MOFCOM countermeasure list (反制清单, Anti-Foreign Sanctions Law)": "countermeasure",
}
LIST_PREFIX = {
    "control_list": "cl",
    "watch_list": "wl",
    "unreliable_entity": "uel",
    "countermeasure": "order",
}
COUNTRIES = {
    "Japan": "JP",
    "Czech Republic": "CZ",
    "Belgium": "BE",
    "Germany": "DE",
}
TYPES = {"Company": "company", "Organization": "organisation", "Person": "person"}

CONTROL_BAN = {
    "id": "export-ban",
    "article": "Control List listing (ECL Art. 18)",
    "text": "Exports of controlled (dual-use) items to the listed parties are prohibited; "
    "only exceptional approval by MOFCOM lifts the ban. The listing reaches the named parties "
    "(and the branches it names), not their subsidiaries.",
    "effect": "prohibited",
    "scope": "export",
}
CONTROL_TRANSFER = {
    "id": "transfer-ban",
    "article": "Control List listing: foreign transfers",
    "text": "Foreign organisations and individuals may not transfer Chinese-origin dual-use "
    "items to the listed parties.",
    "effect": "prohibited",
    "scope": "transfer",
    "verify": "Since Feb 2026 some Control List notices also ban foreign transfers of "
    "Chinese-origin items (regulation.md s8.2); that this notice does was not confirmed "
    "against its text.",
}
WATCH = {
    "id": "individual-licence",
    "article": "Watch List listing (Dual-Use Regulations Art. 26)",
    "text": "Exports of dual-use items to the listed parties need an individual licence: no "
    "general licence and no export certificate by registration; the application includes a "
    "risk-assessment report on the listed party and an undertaking to comply. Not a ban.",
    "effect": "license_required",
    "scope": "export",
}
WATCH_JAPAN = dict(
    WATCH,
    text=WATCH["text"]
    + " This notice adds an undertaking that the items will not be used to enhance Japan's "
    "military strength.",
    verify="The added undertaking is known from a machine extraction [X] of the notice.",
)
UNKNOWN_MEASURES = {
    "unreliable_entity": {
        "id": "measures",
        "article": "Unreliable Entity List measures (UEL Provisions Art. 10)",
        "text": "The notice sets its own measures against the listed parties, such as bans on "
        "import and export trade with China or on investment in China.",
        "verify": "This notice's measures were not seen clause by clause: read the notice "
        "before trading with the party; the screening names the listing but does not decide by it.",
    },
    "countermeasure": {
        "id": "measures",
        "article": "Countermeasure order (Anti-Foreign Sanctions Law)",
        "text": "The order sets countermeasures against the listed parties, such as freezing "
        "property in China or banning transactions with them.",
        "verify": "This order's measures were not seen clause by clause: read the order before "
        "trading with the party; the screening names the listing but does not decide by it.",
    },
}


def iso_date(text):
    """YYYY-MM-DD or DD.MM.YYYY, as YYYY-MM-DD; anything else is an error."""
    if text is None:
        return None
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        return dt.date(int(m[1]), int(m[2]), int(m[3])).isoformat()
    m = re.fullmatch(r"(\d{2})\.(\d{2})\.(\d{4})", text)
    if m:
        return dt.date(int(m[3]), int(m[2]), int(m[1])).isoformat()
    raise SystemExit(f"not a date: {text!r}")


def add_years(date, years):
    d = dt.date.fromisoformat(date)
    return d.replace(year=d.year + years).isoformat()


def add_days(date, days):
    return (dt.date.fromisoformat(date) + dt.timedelta(days=days)).isoformat()


def announcement(label, lst, date, index):
    """(id, name, short) of a listing announcement from its label, or one made from its list
    and date when the number was not found."""
    if label:
        m = re.match(r"MOFCOM Announcement (\d{4}) No\. (\d+)", label)
        if m:
            return f"{m[1]}-{m[2]}", f"MOFCOM Announcement {m[1]} No. {m[2]}", f"{m[1]} No. {m[2]}"
        m = re.match(r"UEL Working Mechanism Announcement \[(\d{4})\] No\. (\d+)", label)
        if m:
            return (
                f"uel-{m[1]}-{m[2]}",
                f"UEL Working Mechanism Announcement [{m[1]}] No. {m[2]}",
                f"UEL [{m[1]}] No. {m[2]}",
            )
        m = re.match(r"MOFCOM Order (\d{4}) No\. (\d+)", label)
        if m:
            return (
                f"order-{m[1]}-{m[2]}",
                f"MOFCOM Order {m[1]} No. {m[2]}",
                f"Order {m[1]} No. {m[2]}",
            )
        raise SystemExit(f"announcement label not understood: {label!r}")
    words = {
        "control_list": "Control List notice",
        "watch_list": "Watch List notice",
        "unreliable_entity": "UEL notice",
        "countermeasure": "Countermeasure order",
    }[lst]
    d = dt.date.fromisoformat(date)
    day = f"{d.day} {d.strftime('%b %Y')}"
    suffix = chr(ord("a") + index) if index else ""
    return (
        f"{LIST_PREFIX[lst]}-{date.replace('-', '')}{suffix}",
        f"MOFCOM {words} of {day} (number not found)",
        f"{words} {day}",
    )


def timeline(changes, listed_on):
    """Dated status events from the free-text changes, and VERIFY notes for what the text
    does not settle. Each event: {from, state (suspended|stopped|in_force|unknown), until?,
    text, grade, sources, verify?}."""
    events, notes = [], []
    for change in changes:
        text, date = change["event"], iso_date(change["date"])
        source = {"text": change["source"], "grade": change["grade"]}
        if text.startswith("same") and events and events[-1]["from"] == date:
            events[-1]["sources"].append(source)
            continue
        event = {"from": date, "text": text, "sources": [source]}
        low = text.lower()
        days = re.search(r"(\d+) days", low)
        approx = re.search(r"to ~(\d{4}-\d{2}-\d{2})", low)
        if "stopped" in low or "cancelled" in low:
            event["state"] = "stopped"
        elif "suspen" in low or "paused" in low:
            event["state"] = "suspended"
            if days:
                event["until"] = add_days(date, int(days[1]))
                event["verify"] = (
                    f"The end ({event['until']}) is {days[1]} days counted from {date}; "
                    "the notice's own end date was not seen."
                )
            elif "one year" in low:
                event["until"] = add_years(date, 1)
                event["verify"] = (
                    f"'For one year' from {date}: taken to end on {event['until']}"
                    + (f" (the source says about {approx[1]})" if approx else "")
                    + "; no later status was found: the measures apply again after it "
                    "unless it was extended (MOFCOM's 28 Sep 2026 statement on extending "
                    "the joint arrangement to 10 Jan 2027 is a lead, not confirmed)."
                )
            else:
                event["verify"] = (
                    "How long the measures are paused is not stated and no later status "
                    "was found: verify whether they apply again."
                )
        else:
            notes.append(f"Status change not understood, not applied: {date}: {text}")
            continue
        events.append(event)
    # A suspension that ran out before the next event leaves a gap the sources do not fill.
    filled = []
    for i, event in enumerate(events):
        filled.append(event)
        nxt = events[i + 1] if i + 1 < len(events) else None
        until = event.get("until")
        if nxt and until and until < nxt["from"]:
            filled.append(
                {
                    "from": until,
                    "state": "unknown",
                    "text": f"no status recorded between {until} and {nxt['from']}",
                    "sources": [],
                    "verify": "Whether the measures applied in this period is not recorded.",
                }
            )
    # Continuations: a later event that continues a suspension replaces the earlier end.
    return filled, notes


def clauses_of(lst, listing_id, published):
    if lst == "control_list":
        clauses = [CONTROL_BAN]
        if published >= "2026-02-01":
            clauses.append(CONTROL_TRANSFER)
        return clauses
    if lst == "watch_list":
        return [WATCH_JAPAN if listing_id in ("2026-12", "wl-20260629") else WATCH]
    return [UNKNOWN_MEASURES[lst]]


def main():
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_OUT
    raw = source.read_bytes()
    data = json.loads(raw)
    listings, order = {}, []
    no_number = {}
    for row in data["entries"]:
        lst = LISTS[row["list"]]
        date = iso_date(row["date_effective"])
        key = (lst, date, row["announcement"], row["official_url_cited"])
        if key not in listings:
            index = 0
            if not row["announcement"]:
                index = no_number.get((lst, date), 0)
                no_number[(lst, date)] = index + 1
            lid, name, short = announcement(row["announcement"], lst, date, index)
            changes, notes = timeline(row["status_changes"], date)
            verify = list(notes)
            if row["announcement"] is None:
                verify.append(
                    "The announcement number was not found; the notice is known by its "
                    "official address only."
                )
            elif row["announcement_label_grade"] in ("X", "S"):
                verify.append(
                    f"The announcement number is graded [{row['announcement_label_grade']}] "
                    f"({row['announcement_label_source']})."
                )
            listings[key] = {
                "id": lid,
                "list": lst,
                "name": name,
                "short": short,
                "published": date,
                "source": {"url": row["official_url_cited"], "grade": "O",
                           "note": "the official notice, as cited by a third-party compilation; not opened here"},
                "clauses": clauses_of(lst, lid, date),
                "timeline": changes,
                "verify": verify,
                "entries": [],
                "_changes": row["status_changes"],
            }
            order.append(key)
        listing = listings[key]
        if row["status_changes"] != listing["_changes"]:
            raise SystemExit(f"{row['name_en']}: status changes differ within {listing['id']}")
        names = [row["name_en"].strip()]
        entry = {
            "name": row["name_en"].strip(),
            "name_zh": (row["name_zh"] or "").strip() or None,
            "aliases": [a.strip() for a in row["aliases"] if a.strip()],
            "type": TYPES[row["type"]],
            "country": COUNTRIES.get(row["country"], row["country"]),
            "address": row["address"],
            "note": row["note"],
            "grade": row["grade"],
        }
        verify = []
        if row["end_date"]:
            end = iso_date(row["end_date"])
            stops = [e for e in listing["timeline"] if e["state"] == "stopped"]
            if not any(e["from"] == end for e in stops):
                verify.append(f"The compilation gives an end date {end} that no status change explains.")
        if entry["country"] is None:
            verify.append("Country not given in the compilation.")
        entry["verify"] = verify
        duplicate = next(
            (e for e in listing["entries"] if e["name"].casefold() == names[0].casefold()), None
        )
        if duplicate:
            for alias in entry["aliases"]:
                if alias not in duplicate["aliases"]:
                    duplicate["aliases"].append(alias)
            print(f"note: {entry['name']} appears twice in {listing['id']}: merged", file=sys.stderr)
            continue
        listing["entries"].append(entry)
    result = []
    for key in sorted(order, key=lambda k: (listings[k]["published"], listings[k]["id"])):
        listing = listings[key]
        del listing["_changes"]
        for n, entry in enumerate(listing["entries"], 1):
            entry["id"] = f"{listing['id']}-{n:02}"
        listing["entries"] = [dict(id=e.pop("id"), **e) for e in listing["entries"]]
        result.append(listing)
    meta = data["meta"]
    doc = {
        "schema": 1,
        "id": "mofcom-parties",
        "version": VERSION,
        "title": "MOFCOM designations (Control List, Watch List, Unreliable Entity List, countermeasure orders)",
        "source_file": source.name,
        "source_sha256": hashlib.sha256(raw).hexdigest(),
        "current_to": "2026-08-05",
        "grade": meta["grade"],
        "known_gaps": meta["known_gaps"],
        "listings": result,
    }
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    entries = sum(len(l["entries"]) for l in result)
    print(f"{out.name}: {len(result)} listings, {entries} entries", file=sys.stderr)


if __name__ == "__main__":
    main()
