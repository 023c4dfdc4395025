//! `ree-screen parties`: search the party lists by name, list and show their entries, and
//! add, list and retire the lists an officer adds.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use jiff::civil::Date;
use serde_json::json;

use super::{Format, date_arg};
use crate::context::Context;
use crate::exit::{USAGE, fail};
use crate::parties::{Field, ListKind, ListStore, PartyLists, Screener, validate_name};
use crate::text::sanitize;

#[derive(Debug, Subcommand)]
pub enum PartiesCommand {
    /// The listed parties a name matches, with scores.
    Search {
        name: String,
        /// Status on this date, YYYY-MM-DD (default: today).
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
        #[arg(long, value_enum, default_value_t)]
        format: Format,
    },
    /// Every entry, or those of one list, with its status on a date.
    List {
        /// control_list, watch_list, unreliable_entity, countermeasure or internal.
        #[arg(long)]
        list: Option<String>,
        #[arg(long, value_parser = date_arg)]
        date: Option<Date>,
    },
    /// One entry: its names, listing, clauses, status timeline, source and grade.
    Show { id: String },
    /// Add a list from a CSV file (header name,aliases,country,list,listed_on,source;
    /// optional name_zh,type,announcement,until; aliases separated by |).
    AddList { file: PathBuf },
    /// The embedded lists' version and the added lists.
    Lists,
    /// Stop an added list applying to new screenings (records keep naming it).
    Retire { hash: String },
}

pub fn run(ctx: &Context, command: &PartiesCommand) -> ExitCode {
    match command {
        PartiesCommand::AddList { file } => return add_list(ctx, file),
        PartiesCommand::Retire { hash } => return retire(ctx, hash),
        _ => {}
    }
    let screener = match ctx.screener() {
        Ok(s) => s,
        Err(e) => return fail(e, 1),
    };
    match command {
        PartiesCommand::Search { name, date, format } => {
            search(&screener, name, date.unwrap_or(ctx.today), *format)
        }
        PartiesCommand::List { list, date } => {
            list_entries(&screener.lists, list.as_deref(), date.unwrap_or(ctx.today))
        }
        PartiesCommand::Show { id } => show(&screener.lists, id, ctx.today),
        PartiesCommand::Lists => lists(ctx, &screener.lists),
        PartiesCommand::AddList { .. } | PartiesCommand::Retire { .. } => ExitCode::SUCCESS,
    }
}

fn search(screener: &Screener, name: &str, date: Date, format: Format) -> ExitCode {
    if let Err(e) = validate_name("The name", name) {
        return fail(e, USAGE);
    }
    let found = screener
        .lists
        .screen(&screener.index, Field::Counterparty, name.trim(), date);
    match format {
        Format::Json => {
            let rows: Vec<_> = found
                .iter()
                .map(|f| {
                    json!({
                        "entry": f.entry, "matched": f.matched, "alias": f.alias,
                        "score": f.score, "kind": f.kind.id(), "list": f.list.id(),
                        "announcement": f.announcement, "listed_on": f.listed_on,
                        "status": f.status, "binds": f.binds, "grade": f.grade,
                    })
                })
                .collect();
            println!("{:#}", json!({"name": name, "date": date, "matches": rows}));
        }
        Format::Text if found.is_empty() => {
            println!(
                "No listed party matches \"{}\" (on {date}).",
                sanitize(name)
            );
        }
        Format::Text => {
            for f in &found {
                let alias = if f.alias == f.matched {
                    String::new()
                } else {
                    format!(" (as \"{}\")", sanitize(&f.alias))
                };
                println!(
                    "{:>3} {:<8} {}{alias}",
                    f.score,
                    f.kind.id(),
                    sanitize(&f.matched)
                );
                println!(
                    "             {} [{}], {}, listed {}; on {date}: {}",
                    f.list.label(),
                    f.entry,
                    f.short,
                    f.listed_on,
                    f.status
                );
            }
        }
    }
    ExitCode::SUCCESS
}

fn list_entries(lists: &PartyLists, list: Option<&str>, date: Date) -> ExitCode {
    let kind = match list.map(|l| ListKind::from_id(l).ok_or(l)) {
        Some(Err(l)) => {
            let valid: Vec<&str> = ListKind::ALL.iter().map(|k| k.id()).collect();
            return fail(
                format!(
                    "no list '{}': the lists are {}",
                    sanitize(l),
                    valid.join(", ")
                ),
                USAGE,
            );
        }
        Some(Ok(k)) => Some(k),
        None => None,
    };
    for (listing, entry) in lists
        .entries()
        .filter(|(l, _)| kind.is_none_or(|k| l.list == k))
    {
        println!(
            "{:<16} {:<40} {:<24} {}",
            entry.id,
            sanitize(&entry.name),
            listing.short,
            listing.status_on(date).words()
        );
    }
    ExitCode::SUCCESS
}

fn show(lists: &PartyLists, id: &str, today: Date) -> ExitCode {
    let Some((listing, entry)) = lists.entry(id.trim()) else {
        return fail(
            format!(
                "no entry {}: `parties search NAME` or `parties list` shows the ids",
                sanitize(id)
            ),
            USAGE,
        );
    };
    let opt = |v: &Option<String>| v.as_deref().map(sanitize).unwrap_or_else(|| "-".into());
    println!("{} {}", entry.id, sanitize(&entry.name));
    println!("Chinese name: {}", opt(&entry.name_zh));
    if !entry.aliases.is_empty() {
        println!("Aliases: {}", sanitize(&entry.aliases.join("; ")));
    }
    println!(
        "Type: {}  Country: {}",
        opt(&entry.kind),
        opt(&entry.country)
    );
    if entry.address.is_some() {
        println!("Address: {}", opt(&entry.address));
    }
    if entry.note.is_some() {
        println!("Note: {}", opt(&entry.note));
    }
    println!("Grade: [{:?}] {}", entry.grade, entry.grade.describe());
    println!(
        "Listing: {} ({}), {}, effective {}",
        listing.name,
        listing.id,
        listing.list.label(),
        listing.published
    );
    println!(
        "Notice: {} ({})",
        listing.source.url,
        listing.source.grade.describe()
    );
    for seen in &listing.corroboration {
        let note = seen.note.as_deref().unwrap_or_default();
        println!("Seen in [{:?}] {}: {note}", seen.grade, seen.url);
    }
    for clause in &listing.clauses {
        let effect = clause.effect.map_or("decides nothing", |e| e.label());
        println!("Clause: {} ({effect}): {}", clause.article, clause.text);
        if let Some(v) = &clause.verify {
            println!("  VERIFY: {v}");
        }
    }
    for event in &listing.timeline {
        let until = event
            .until
            .map(|u| format!(" until {u}"))
            .unwrap_or_default();
        println!(
            "Status from {}{until}: {:?}: {}",
            event.from, event.state, event.text
        );
        for s in &event.sources {
            println!("  source [{:?}]: {}", s.grade, s.text);
        }
        if let Some(v) = &event.verify {
            println!("  VERIFY: {v}");
        }
    }
    println!(
        "Status today ({today}): {}",
        listing.status_on(today).words()
    );
    for v in listing.verify.iter().chain(&entry.verify) {
        println!("VERIFY: {v}");
    }
    ExitCode::SUCCESS
}

fn store(ctx: &Context) -> Result<ListStore, String> {
    ctx.data_dir
        .as_ref()
        .map(|d| ListStore::new(d))
        .map_err(|e| format!("added lists live in the data directory: {e}"))
}

fn add_list(ctx: &Context, file: &std::path::Path) -> ExitCode {
    let store = match store(ctx) {
        Ok(s) => s,
        Err(e) => return fail(e, 1),
    };
    match store.add(file, ctx.today) {
        Ok((added, notices)) => {
            for n in &notices {
                eprintln!("ree-screen: {}", sanitize(n));
            }
            println!(
                "Added {} ({} entries) as {}; it applies to new screenings.",
                sanitize(&added.file),
                added.entries,
                added.sha256
            );
            ExitCode::SUCCESS
        }
        Err(problems) => {
            for p in &problems {
                eprintln!("ree-screen: {}", sanitize(p));
            }
            fail("the list was not added".to_string(), 1)
        }
    }
}

fn lists(ctx: &Context, lists: &PartyLists) -> ExitCode {
    println!(
        "Embedded: {} (sha256 {}), listings to {}, {} entries",
        lists.version,
        lists.sha256,
        lists.current_to,
        PartyLists::embedded().map_or(0, |e| e.entries().count())
    );
    let added = store(ctx).and_then(|s| s.lists());
    match added {
        Ok(added) if added.is_empty() => println!("No added lists."),
        Ok(added) => {
            for a in added {
                let state = if a.retired { "retired" } else { "in use" };
                println!(
                    "Added: {} {} ({} entries, added {}, {state})",
                    a.sha256,
                    sanitize(&a.file),
                    a.entries,
                    a.added_on
                );
            }
        }
        Err(e) => return fail(e, 1),
    }
    ExitCode::SUCCESS
}

fn retire(ctx: &Context, hash: &str) -> ExitCode {
    match store(ctx).and_then(|s| s.retire(hash.trim())) {
        Ok(list) => {
            println!(
                "Retired {} ({}): new screenings no longer use it; records keep naming it.",
                list.sha256,
                sanitize(&list.file)
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(e, USAGE),
    }
}
