//! `ree-screen items [SEARCH]`: the items catalogue, each item with its class (the goods
//! answer the rules test), control code and reference customs codes with their grades.

use std::fmt::Write as _;
use std::process::ExitCode;

use clap::Args;
use serde_json::json;

use super::Format;
use crate::context::Context;
use crate::rules::{Item, RuleSet, catalogue};
use crate::text::{sanitize, wrap_hanging};

#[derive(Debug, Args)]
pub struct ItemsArgs {
    /// Words to find (each must appear in the id, name, another name, the control code or a
    /// customs code), e.g. `dy`, `oxide`, `1C902`, `2846901940`.
    pub search: Vec<String>,
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// The item's class in words, as the rules in use name it.
fn class_words(rules: &RuleSet, item: &Item) -> String {
    match rules
        .question(catalogue().question())
        .and_then(|q| q.option(&item.class))
    {
        Some(o) => format!("{} ({})", o.label, o.id),
        None => format!("{} (not an answer of the rules in use)", item.class),
    }
}

/// The text listing: per item its id and name, its class, its codes, and its note.
pub fn text(rules: &RuleSet, search: &str, width: usize) -> String {
    let found = catalogue().search(search);
    let mut out = String::new();
    let what = if search.is_empty() {
        String::new()
    } else {
        format!(" matching \"{}\"", sanitize(search))
    };
    let _ = writeln!(
        out,
        "{} of {} items{what}. Answer goods with an id, e.g. --answer goods={}",
        found.len(),
        catalogue().items.len(),
        found.first().map_or("dy_oxide", |i| i.id.as_str())
    );
    for item in &found {
        let _ = writeln!(out, "\n{}  {}", item.id, item.name);
        for (label, value) in [
            ("class", class_words(rules, item)),
            ("control code", item.code_words()),
            ("customs (reference)", item.customs_words()),
        ] {
            hanging(&mut out, &format!("  {label}: "), &value, width);
        }
        if let Some(note) = &item.note {
            hanging(&mut out, "  note: ", note, width);
        }
    }
    let _ = writeln!(out);
    hanging(&mut out, "", catalogue().note(), width);
    out
}

fn hanging(out: &mut String, lead: &str, text: &str, width: usize) {
    let indent = " ".repeat(lead.len().min(4));
    let lines = wrap_hanging(
        &sanitize(text),
        width.saturating_sub(lead.len()).max(20),
        width.saturating_sub(indent.len()),
    );
    for (i, line) in lines.iter().enumerate() {
        let _ = writeln!(out, "{}{line}", if i == 0 { lead } else { &indent });
    }
}

pub fn run(ctx: &Context, args: &ItemsArgs) -> ExitCode {
    let search = args.search.join(" ");
    match args.format {
        Format::Text => print!("{}", text(&ctx.rules, &search, 80)),
        Format::Json => {
            let items: Vec<serde_json::Value> = catalogue()
                .search(&search)
                .into_iter()
                .map(|item| {
                    let mut value = json!(item);
                    value["class_label"] = json!(class_words(&ctx.rules, item));
                    value
                })
                .collect();
            println!(
                "{:#}",
                json!({"items": items, "note": catalogue().note(), "built_from": catalogue().built_from()})
            );
        }
    }
    ExitCode::SUCCESS
}
