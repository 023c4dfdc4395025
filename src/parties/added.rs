//! Lists the officer adds (`parties add-list FILE.csv`): new MOFCOM announcements or the
//! company's own internal list. A file is validated (errors name the line), kept by its
//! SHA-256 in the data directory's `party-lists/` and named in every record screened while
//! it is in use; `parties retire HASH` stops it applying to new screenings (it stays kept,
//! so records still name it). A file never replaces another: each is its own list.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::cache::{self, PreparedList};
use super::names::{normalise, validate_name};
use super::{Entry, ListKind, Listing, ListingClause, Scope};
use crate::rules::{Grade, Outcome, Source};

pub const LISTS_DIR: &str = "party-lists";
const CATALOGUE: &str = "lists.json";
const REQUIRED: [&str; 6] = ["name", "aliases", "country", "list", "listed_on", "source"];
const OPTIONAL: [&str; 4] = ["name_zh", "type", "announcement", "until"];

/// An added list, as the catalogue keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddedList {
    pub sha256: String,
    /// The file name it was added from.
    pub file: String,
    pub added_on: Date,
    pub entries: usize,
    #[serde(default)]
    pub retired: bool,
}

/// What the clauses of an added listing say, by list: the measures the list's law sets;
/// where they are the notice's own, a VERIFY note.
fn clauses_for(list: ListKind) -> Vec<ListingClause> {
    let clause =
        |article: &str, text: &str, effect: Option<Outcome>, verify: Option<&str>| ListingClause {
            id: "added".into(),
            article: article.into(),
            text: text.into(),
            effect,
            scope: effect.map(|_| Scope::Export),
            verify: verify.map(str::to_string),
        };
    match list {
        ListKind::ControlList => vec![clause(
            "Control List listing (ECL Art. 18)",
            "Exports of controlled (dual-use) items to the listed parties are prohibited; only exceptional approval lifts the ban.",
            Some(Outcome::Prohibited),
            None,
        )],
        ListKind::WatchList => vec![clause(
            "Watch List listing (Dual-Use Regulations Art. 26)",
            "Exports of dual-use items to the listed parties need an individual licence with a risk-assessment report and an undertaking.",
            Some(Outcome::LicenseRequired),
            None,
        )],
        ListKind::UnreliableEntity | ListKind::Countermeasure => vec![clause(
            "Measures of the notice",
            "The notice sets its own measures against the listed parties.",
            None,
            Some(
                "The notice's measures are not recorded in the added list: read the notice; the screening names the listing but does not decide by it.",
            ),
        )],
        ListKind::Internal => vec![clause(
            "Internal list",
            "The company's own list: a hit is reviewed before going ahead; it does not change the legal outcome.",
            None,
            None,
        )],
    }
}

/// Parse and check an added list. `file` names it in errors and notices; `id` (a prefix of
/// its hash) makes its listing and entry ids. Returns its listings and the notices (merged
/// duplicates), or every problem found, each with its line.
pub fn parse_csv(
    file: &str,
    id: &str,
    bytes: &[u8],
) -> Result<(Vec<Listing>, Vec<String>), Vec<String>> {
    let text =
        std::str::from_utf8(bytes).map_err(|e| vec![format!("{file}: not UTF-8 text ({e})")])?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(false)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => return Err(vec![format!("{file}:1: {e}")]),
    };
    let mut problems = Vec::new();
    for column in &header {
        if !REQUIRED.contains(&column.as_str()) && !OPTIONAL.contains(&column.as_str()) {
            problems.push(format!(
                "{file}:1: unknown column '{}': the columns are {} (optional: {})",
                crate::text::sanitize(column),
                REQUIRED.join(","),
                OPTIONAL.join(",")
            ));
        }
    }
    for column in REQUIRED {
        if !header.iter().any(|c| c == column) {
            problems.push(format!("{file}:1: column '{column}' is missing"));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let col = |name: &str| header.iter().position(|c| c == name);
    let mut listings: Vec<Listing> = Vec::new();
    let mut notices = Vec::new();
    let mut seen: HashMap<(String, usize), usize> = HashMap::new();
    // Rows of one listing share its list, dates, source and announcement.
    type ListingKey = (ListKind, Date, Option<Date>, String, String);
    let mut listing_at: HashMap<ListingKey, usize> = HashMap::new();
    for (n, row) in reader.records().enumerate() {
        let line = n + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                problems.push(format!(
                    "{file}:{line}: {}",
                    crate::json::strip_position(&e.to_string())
                ));
                continue;
            }
        };
        let get = |name: &str| {
            col(name)
                .and_then(|i| row.get(i))
                .map(str::trim)
                .unwrap_or("")
        };
        let mut problem = |message: String| problems.push(format!("{file}:{line}: {message}"));
        let name = get("name");
        if let Err(e) = validate_name("name", name) {
            problem(e);
            continue;
        }
        let Some(list) = ListKind::from_id(get("list")) else {
            let valid: Vec<&str> = ListKind::ALL.iter().map(|k| k.id()).collect();
            problem(format!(
                "list '{}' is not one of {}",
                crate::text::sanitize(get("list")),
                valid.join(", ")
            ));
            continue;
        };
        let listed_on = match crate::screening::parse_date(get("listed_on")) {
            Ok(d) => d,
            Err(e) => {
                problem(format!("listed_on: {e}"));
                continue;
            }
        };
        let until = match get("until") {
            "" => None,
            text => match crate::screening::parse_date(text) {
                Ok(d) if d >= listed_on => Some(d),
                Ok(d) => {
                    problem(format!("until {d} is before listed_on {listed_on}"));
                    continue;
                }
                Err(e) => {
                    problem(format!("until: {e}"));
                    continue;
                }
            },
        };
        let source = get("source");
        if source.is_empty() {
            problem("source is empty: give the notice's address or the list's origin".into());
            continue;
        }
        let aliases: Vec<String> = get("aliases")
            .split('|')
            .map(str::trim)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
            .collect();
        if let Some(bad) = aliases.iter().find(|a| validate_name("alias", a).is_err()) {
            problem(format!(
                "alias '{}' is not a name",
                crate::text::sanitize(bad)
            ));
            continue;
        }
        let country = get("country");
        let optional = |v: &str| (!v.is_empty()).then(|| v.to_string());
        if [
            name,
            country,
            source,
            get("name_zh"),
            get("type"),
            get("announcement"),
        ]
        .iter()
        .chain(
            aliases
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .iter(),
        )
        .any(|v| v.chars().any(char::is_control))
        {
            problem("a field holds a control character".into());
            continue;
        }
        let announcement = get("announcement");
        let name_of_listing = listing_name(list, announcement, listed_on);
        let listing_key = (
            list,
            listed_on,
            until,
            source.to_string(),
            name_of_listing.clone(),
        );
        let position = match listing_at.get(&listing_key) {
            Some(&p) => p,
            None => {
                listings.push(Listing {
                    id: format!("{id}-{}", listings.len() + 1),
                    list,
                    name: name_of_listing,
                    // Cited as "SHORT, LIST: NAME": the list's name is not repeated.
                    short: if announcement.is_empty() {
                        format!("added list of {listed_on}")
                    } else {
                        announcement.to_string()
                    },
                    published: listed_on,
                    until,
                    source: Source {
                        url: source.to_string(),
                        grade: Grade::S,
                        note: Some(format!("added by an officer from {file}")),
                    },
                    clauses: clauses_for(list),
                    timeline: Vec::new(),
                    verify: vec![format!(
                        "Added by an officer from {file}; not checked against the notice by ree-screen."
                    )],
                    corroboration: Vec::new(),
                    entries: Vec::new(),
                });
                listing_at.insert(listing_key, listings.len() - 1);
                listings.len() - 1
            }
        };
        let key = (normalise(name), position);
        if let Some(&existing) = seen.get(&key) {
            let entry = &mut listings[position].entries[existing];
            for alias in aliases {
                if !entry.aliases.contains(&alias) && alias != entry.name {
                    entry.aliases.push(alias);
                }
            }
            notices.push(format!(
                "{file}:{line}: '{}' is already listed above in the same listing: merged (aliases kept)",
                crate::text::sanitize(name)
            ));
            continue;
        }
        let listing = &mut listings[position];
        seen.insert(key, listing.entries.len());
        listing.entries.push(Entry {
            id: format!("{id}-{line}"),
            name: name.to_string(),
            name_zh: optional(get("name_zh")),
            aliases,
            kind: optional(get("type")),
            country: optional(country),
            address: None,
            note: None,
            grade: Grade::S,
            verify: Vec::new(),
        });
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if listings.is_empty() {
        return Err(vec![format!("{file}: no entries below the header")]);
    }
    Ok((listings, notices))
}

fn listing_name(list: ListKind, announcement: &str, listed_on: Date) -> String {
    if announcement.is_empty() {
        format!("{} listing of {listed_on} (added)", list.label())
    } else {
        announcement.to_string()
    }
}

/// The added lists in a data directory.
pub struct ListStore {
    dir: PathBuf,
}

impl ListStore {
    pub fn new(data_dir: &Path) -> ListStore {
        ListStore {
            dir: data_dir.join(LISTS_DIR),
        }
    }

    fn catalogue(&self) -> Result<Vec<AddedList>, String> {
        let path = self.dir.join(CATALOGUE);
        match std::fs::read(&path) {
            Ok(bytes) => {
                serde_json::from_slice(&bytes).map_err(|e| format!("{}: {e}", path.display()))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(format!("{}: {e}", path.display())),
        }
    }

    fn write_catalogue(&self, lists: &[AddedList]) -> Result<(), String> {
        let path = self.dir.join(CATALOGUE);
        let text = serde_json::to_string_pretty(lists).map_err(|e| e.to_string())?;
        write_atomic(&path, text.as_bytes())
    }

    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.csv"))
    }

    /// Check and keep a list; returns it and the notices (merged duplicates, another list
    /// added from a file of the same name).
    pub fn add(&self, path: &Path, today: Date) -> Result<(AddedList, Vec<String>), Vec<String>> {
        let file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        let bytes = std::fs::read(path).map_err(|e| vec![format!("{}: {e}", path.display())])?;
        let sha256 = format!("{:x}", Sha256::digest(&bytes));
        let (listings, mut notices) = parse_csv(&file, &sha256[..8], &bytes)?;
        let one = |e: String| vec![e];
        let mut catalogue = self.catalogue().map_err(one)?;
        if let Some(known) = catalogue.iter().find(|l| l.sha256 == sha256) {
            return Err(vec![format!(
                "{file} is already added as {} ({}{}): nothing changed",
                &known.sha256[..16],
                known.file,
                if known.retired { ", retired" } else { "" }
            )]);
        }
        for same in catalogue.iter().filter(|l| l.file == file && !l.retired) {
            notices.push(format!(
                "a list from a file named {file} was added before ({}): both apply; retire the old one with `parties retire {}` if this one replaces it",
                &same.sha256[..16],
                &same.sha256[..16]
            ));
        }
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| one(format!("{}: {e}", self.dir.display())))?;
        write_atomic(&self.path_of(&sha256), &bytes).map_err(one)?;
        let added = AddedList {
            sha256,
            file,
            added_on: today,
            entries: listings.iter().map(|l| l.entries.len()).sum(),
            retired: false,
        };
        catalogue.push(added.clone());
        self.write_catalogue(&catalogue).map_err(one)?;
        cache::write(&added.sha256, &PreparedList::new(listings));
        Ok((added, notices))
    }

    pub fn lists(&self) -> Result<Vec<AddedList>, String> {
        self.catalogue()
    }

    /// Stop a list applying to new screenings; `hash` may be a unique prefix.
    pub fn retire(&self, hash: &str) -> Result<AddedList, String> {
        let mut catalogue = self.catalogue()?;
        let found: Vec<usize> = (0..catalogue.len())
            .filter(|&i| !hash.is_empty() && catalogue[i].sha256.starts_with(&hash.to_lowercase()))
            .collect();
        let i = match found.as_slice() {
            [i] => *i,
            [] => {
                return Err(format!(
                    "no added list has the hash {}",
                    crate::text::sanitize(hash)
                ));
            }
            _ => {
                return Err(format!(
                    "{} lists start with {}: give more of the hash",
                    found.len(),
                    crate::text::sanitize(hash)
                ));
            }
        };
        if catalogue[i].retired {
            return Err(format!("{} is already retired", &catalogue[i].sha256[..16]));
        }
        catalogue[i].retired = true;
        self.write_catalogue(&catalogue)?;
        Ok(catalogue[i].clone())
    }

    /// Keep the embedded lists by their hash, as rule sets are kept, so a record naming them
    /// can be shown against them after an upgrade.
    pub fn keep_embedded(&self, lists: &super::PartyLists) -> Result<(), String> {
        let path = self.dir.join(format!("{}.json", lists.sha256));
        if path.exists() {
            return Ok(());
        }
        std::fs::create_dir_all(&self.dir).map_err(|e| format!("{}: {e}", self.dir.display()))?;
        write_atomic(&path, super::EMBEDDED_TEXT.as_bytes())
    }

    /// Check every kept list (added CSVs and the embedded lists kept by hash) against its
    /// name: how many were checked, and each one whose content no longer matches.
    pub fn verify_kept(&self) -> Result<(usize, Vec<(PathBuf, String)>), String> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok((0, Vec::new())),
            Err(e) => return Err(format!("{}: {e}", self.dir.display())),
        };
        let mut checked = 0;
        let mut problems = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|e| format!("{}: {e}", self.dir.display()))?
                .path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(sha) = name
                .strip_suffix(".csv")
                .or_else(|| name.strip_suffix(".json"))
                .filter(|s| s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit()))
            else {
                continue; // the catalogue, or a temporary file of an interrupted add
            };
            checked += 1;
            match std::fs::read(&path) {
                Ok(bytes) if format!("{:x}", Sha256::digest(&bytes)) == sha => {}
                Ok(_) => problems.push((
                    path.clone(),
                    format!("{name} was changed since it was kept: its content no longer matches its hash"),
                )),
                Err(e) => problems.push((path.clone(), format!("{name}: cannot read it: {e}"))),
            }
        }
        Ok((checked, problems))
    }

    /// The lists records were screened against (name, as [`PartyLists::names`] gives it,
    /// and the first line naming it) that are not kept here, each with why it matters.
    pub fn missing(
        &self,
        named: impl IntoIterator<Item = (String, usize)>,
    ) -> Result<Vec<(PathBuf, String)>, String> {
        let kept: Vec<String> = match std::fs::read_dir(&self.dir) {
            Ok(entries) => entries
                .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect::<Result<_, _>>()
                .map_err(|e| format!("{}: {e}", self.dir.display()))?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(format!("{}: {e}", self.dir.display())),
        };
        let kept: Vec<&str> = kept
            .iter()
            .filter_map(|f| f.strip_suffix(".csv").or_else(|| f.strip_suffix(".json")))
            .filter(|sha| sha.len() == 64)
            .collect();
        let mut missing: Vec<(String, usize)> = named
            .into_iter()
            .filter(|(name, _)| {
                // A name ends with the first 16 hex digits of the list's SHA-256.
                let prefix = name.rsplit(' ').next().unwrap_or_default();
                let hex = prefix.len() == 16 && prefix.bytes().all(|b| b.is_ascii_hexdigit());
                !(hex && kept.iter().any(|sha| sha.starts_with(prefix)))
            })
            .collect();
        missing.sort_by_key(|(_, line)| *line);
        Ok(missing
            .into_iter()
            .map(|(name, line)| {
                (
                    self.dir.clone(),
                    format!(
                        "the party list {name}, which records from line {line} were screened against, is not kept: they can no longer be shown exactly as decided"
                    ),
                )
            })
            .collect())
    }

    /// The lists in use, each from its prebuilt index in the user's cache, or else parsed
    /// from its kept copy (whose hash is checked) and its index kept for next time.
    pub fn in_use(&self) -> Result<Vec<AddedSource>, String> {
        let mut out = Vec::new();
        for list in self.catalogue()?.into_iter().filter(|l| !l.retired) {
            let prepared = match cache::read(&list.sha256) {
                Some(prepared) => prepared,
                None => {
                    let prepared = self.prepare(&list)?;
                    cache::write(&list.sha256, &prepared);
                    prepared
                }
            };
            out.push(AddedSource { list, prepared });
        }
        Ok(out)
    }

    /// Parse a kept list, refusing a copy changed since it was added.
    fn prepare(&self, list: &AddedList) -> Result<PreparedList, String> {
        let path = self.path_of(&list.sha256);
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let found = format!("{:x}", Sha256::digest(&bytes));
        if found != list.sha256 {
            return Err(format!(
                "{}: the kept copy of {} was changed since it was added (its SHA-256 is now {}): add the list again, or retire it with `parties retire {}`",
                path.display(),
                crate::text::sanitize(&list.file),
                &found[..16],
                &list.sha256[..16]
            ));
        }
        let (listings, _) =
            parse_csv(&list.file, &list.sha256[..8], &bytes).map_err(|p| p.join("; "))?;
        Ok(PreparedList::new(listings))
    }
}

/// An added list in use, as screening reads it.
#[derive(Debug)]
pub struct AddedSource {
    pub list: AddedList,
    pub prepared: PreparedList,
}

fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let mut out = crate::files::AtomicOutput::create(path)?;
    out.write_all(bytes)
        .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    out.commit()
}
