//! The determination as plain text for people: the outcome first, then every clause that
//! fired, then the why-trace and the disclaimer. Used by `screen --format text`, plain mode
//! and the Markdown export. Plain lines only, so it reads well in a screen reader.

use std::fmt::Write;

use crate::engine::{Answers, Determination};
use crate::rules::{QuestionId, RuleSet};
use crate::screening::{Details, Screening};
use crate::text::{sanitize, wrap};

const WIDTH: usize = 78;

/// Label of an answer, falling back to its id when the rule set no longer has it.
pub fn answer_label(rules: &RuleSet, q: QuestionId, answers: &Answers) -> String {
    let id = answers.get(q);
    rules
        .questions
        .get(q)
        .option(id)
        .map_or_else(|| sanitize(id), |o| o.label.clone())
}

/// "Provisional: recipient, origin unknown" style explanation, or None.
pub fn provisional_note(d: &Determination) -> Option<String> {
    if !d.provisional {
        return None;
    }
    let missing: Vec<&str> = d.missing.iter().map(|q| q.key()).collect();
    Some(format!(
        "PROVISIONAL: {} not known; this is the worst case over every value it could take",
        missing.join(", ")
    ))
}

fn push_wrapped(out: &mut String, indent: &str, text: &str) {
    for line in wrap(text, WIDTH - indent.len()) {
        let _ = writeln!(out, "{indent}{line}");
    }
}

pub fn details_lines(details: &Details) -> Vec<(&'static str, String)> {
    [
        ("Reference", &details.reference),
        ("Counterparty", &details.counterparty),
        ("Destination", &details.destination),
        ("Officer", &details.officer),
        ("Notes", &details.notes),
    ]
    .into_iter()
    .filter(|(_, v)| !v.trim().is_empty())
    .map(|(k, v)| (k, sanitize(v)))
    .collect()
}

/// The full text report of a screening.
pub fn text(rules: &RuleSet, screening: &Screening) -> String {
    let d = &screening.determination;
    let mut out = String::new();
    let _ = writeln!(out, "OUTCOME: {} {}", d.outcome.symbol(), d.outcome.label());
    if let Some(note) = provisional_note(d) {
        push_wrapped(&mut out, "", &note);
    }
    if d.would_be > d.outcome {
        push_wrapped(
            &mut out,
            "",
            &format!(
                "Would be: {} {} if the suspended or pending clauses below applied",
                d.would_be.symbol(),
                d.would_be.label()
            ),
        );
    }
    if d.unverified {
        push_wrapped(
            &mut out,
            "",
            "UNVERIFIED: the screening date lies past the last date the sources confirm for some measure; those measures are applied as written",
        );
    }
    if d.verify {
        push_wrapped(
            &mut out,
            "",
            "VERIFY: some clauses rest on facts marked for verification (see below)",
        );
    }
    let _ = writeln!(out, "Date: {}", d.date);
    for q in QuestionId::ALL {
        let _ = writeln!(
            out,
            "{}: {}",
            rules.questions.get(q).title,
            answer_label(rules, q, &d.answers)
        );
    }
    for (label, value) in details_lines(&screening.details) {
        push_wrapped(&mut out, "", &format!("{label}: {value}"));
    }
    let _ = writeln!(
        out,
        "Rule set: {} version {} (reviewed {})",
        d.rule_set.id, d.rule_set.version, d.rule_set.reviewed
    );
    let _ = writeln!(out);

    if d.clauses.is_empty() {
        let _ = writeln!(out, "No clause fired for these answers.");
    } else {
        let _ = writeln!(out, "Clauses that fired ({}):", d.clauses.len());
    }
    for (i, c) in d.clauses.iter().enumerate() {
        let code = c
            .code
            .as_deref()
            .map(|code| format!(" ({code})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:>2}. {}, {}{}",
            i + 1,
            c.measure_name,
            c.article,
            code
        );
        let counts = if c.applies {
            "counts"
        } else {
            "does not count on this date"
        };
        push_wrapped(
            &mut out,
            "    ",
            &format!(
                "Status: {} ({counts}); leads to: {}",
                c.status_text,
                c.outcome.label()
            ),
        );
        push_wrapped(&mut out, "    ", &c.text);
        if let Some(note) = &c.note {
            push_wrapped(&mut out, "    ", &format!("Note: {note}"));
        }
        if c.verify {
            let _ = writeln!(
                out,
                "    VERIFY: this clause rests on facts not yet confirmed"
            );
        }
        for s in &c.sources {
            let _ = writeln!(out, "    Source: {} ({})", s.url, s.grade.describe());
        }
        if c.sources.is_empty() && !c.source.is_empty() {
            let _ = writeln!(out, "    Source: {}", c.source);
        }
    }
    let _ = writeln!(out);
    let _ = writeln!(out, "Why:");
    if d.trace.is_empty() {
        push_wrapped(
            &mut out,
            "  ",
            "- No rule fires for these answers, so none of these measures requires a licence.",
        );
    }
    for step in &d.trace {
        let counts = if step.applies {
            ""
        } else {
            " (suspended or not yet effective: does not count)"
        };
        push_wrapped(
            &mut out,
            "  ",
            &format!(
                "- {} -> {}{counts}: {}",
                step.because,
                step.outcome.label(),
                step.why
            ),
        );
    }
    let _ = writeln!(out);
    push_wrapped(&mut out, "", &d.disclaimer);
    out
}
