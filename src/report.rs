//! The determination as plain text, rendered from the presentation model: outcome, decided
//! by, licences, warnings, the answers, clauses by role, the why-trace and the sources.
//! Concise by default (a typical report fits in 40 lines), `verbose` adds every clause's
//! text and note and every source. Plain lines only, so it reads well in a screen reader;
//! used by `screen --format text`, plain mode and the Markdown export.

use std::fmt::Write;

use crate::present::{AnswerState, ClauseView, Presentation};
use crate::rules::RuleSet;
use unicode_width::UnicodeWidthStr;

use crate::text::{sanitize, wrap_hanging};

const WIDTH: usize = 78;

/// How much a report says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Detail {
    #[default]
    Concise,
    Verbose,
}

struct Out {
    text: String,
}

impl Out {
    fn line(&mut self, indent: &str, text: &str) {
        self.hanging(indent, indent, text);
    }

    /// `first` before the first line, `rest` before the others.
    fn hanging(&mut self, first: &str, rest: &str, text: &str) {
        let (first_width, rest_width) = (WIDTH - first.width(), WIDTH - rest.width());
        for (i, line) in wrap_hanging(&sanitize(text), first_width, rest_width)
            .iter()
            .enumerate()
        {
            let lead = if i == 0 { first } else { rest };
            let _ = writeln!(self.text, "{lead}{line}");
        }
    }

    fn blank(&mut self) {
        self.text.push('\n');
    }
}

fn decided(out: &mut Out, p: &Presentation, detail: Detail) {
    match p.decided_by.split_first() {
        Some((first, rest)) => {
            out.hanging(
                "Decided by: ",
                "  ",
                &format!("{}{} ({})", p.decided_prefix(), first.full(), first.status),
            );
            out.line("  ", &first.text);
            match detail {
                Detail::Verbose => {
                    for c in rest {
                        out.hanging("  and: ", "  ", &format!("{} ({})", c.full(), c.status));
                    }
                }
                Detail::Concise if !rest.is_empty() => {
                    let names: Vec<String> = rest.iter().map(ClauseView::short).collect();
                    out.hanging("  and: ", "  ", &names.join("; "));
                }
                Detail::Concise => {}
            }
        }
        None => out.line(
            "",
            "Decided by: no clause requires a licence for these answers.",
        ),
    }
}

/// The text report of a presentation.
pub fn text(p: &Presentation, detail: Detail) -> String {
    let mut out = Out {
        text: String::new(),
    };
    let badges: Vec<&str> = p.badges.iter().map(|b| b.word()).collect();
    let badges = if badges.is_empty() {
        String::new()
    } else {
        format!("  [{}]", badges.join(", "))
    };
    out.line("", &format!("OUTCOME: {}{badges}", p.headline()));
    decided(&mut out, p, detail);
    let cite = match detail {
        Detail::Concise => Some(3),
        Detail::Verbose => Some(usize::MAX),
    };
    for (i, line) in p.licence_lines(cite).iter().enumerate() {
        out.hanging(if i == 0 { "Licence: " } else { "  " }, "  ", line);
    }
    for duty in &p.duties {
        out.hanging("Duty: ", "  ", duty);
    }
    if let Some(f) = &p.focus
        && !p.decided_by.iter().any(|c| c.id == f.clause.id)
    {
        out.hanging(
            &format!("{}: ", f.label),
            "  ",
            &format!(
                "{} ({}; {})",
                f.clause.short(),
                f.clause.status,
                f.clause.role_words()
            ),
        );
    }
    warnings(&mut out, p, detail);
    if !p.by_answer.is_empty() {
        out.line("", "By answer:");
        for b in &p.by_answer {
            for (values, outcome, decided) in &b.rows {
                let by = decided
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                out.hanging(
                    &format!("  {}: ", b.question),
                    "    ",
                    &format!("{values} -> {}{by}", outcome.short()),
                );
            }
        }
    }
    for s in &p.scenarios {
        let by = s
            .decided_by
            .as_ref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        out.hanging(
            "Scenario: ",
            "  ",
            &format!("{}: {}{by}", s.label, s.outcome.label()),
        );
    }
    out.blank();
    let _ = writeln!(out.text, "Date: {}", p.date);
    let mut not_applicable = Vec::new();
    for a in &p.answers {
        let value = match a.state {
            AnswerState::Open => format!("{} (open)", a.value),
            // Concise: the questions that do not apply on one line.
            AnswerState::NotApplicable if detail == Detail::Concise => {
                not_applicable.push(a.title.clone());
                continue;
            }
            _ => a.value.clone(),
        };
        out.hanging(&format!("{}: ", a.title), "  ", &value);
    }
    if !not_applicable.is_empty() {
        out.hanging("Does not apply: ", "  ", &not_applicable.join(", "));
    }
    out.hanging("Rule set: ", "  ", &p.rule_set);
    for (i, line) in p.parties.iter().enumerate() {
        out.hanging(if i == 0 { "Named parties: " } else { "  " }, "    ", line);
    }
    for (i, line) in p.party_lists.iter().enumerate() {
        out.hanging(if i == 0 { "Party lists: " } else { "  " }, "    ", line);
    }
    out.blank();
    clauses(&mut out, p, detail);
    why(&mut out, p, detail);
    sources(&mut out, p, detail);
    out.blank();
    out.line("", &p.disclaimer);
    out.text
}

/// Each warning with its note; in a concise report, a badge with more than two notes gets
/// one line naming the clauses (the notes are in the verbose report).
fn warnings(out: &mut Out, p: &Presentation, detail: Detail) {
    let mut shown: Vec<Option<crate::present::Badge>> = Vec::new();
    for w in &p.warnings {
        let lead = w
            .badge
            .map_or_else(|| "NOTE: ".to_string(), |b| format!("{}: ", b.word()));
        let same: Vec<&crate::present::Warning> =
            p.warnings.iter().filter(|x| x.badge == w.badge).collect();
        if detail == Detail::Verbose || w.badge.is_none() || same.len() <= 2 {
            out.hanging(&lead, "  ", &w.line());
            continue;
        }
        if shown.contains(&w.badge) {
            continue;
        }
        shown.push(w.badge);
        let which: Vec<String> = same.iter().filter_map(|x| x.subject.clone()).collect();
        let what = match w.badge {
            Some(crate::present::Badge::Unverified) => "status not confirmed on this date for",
            _ => "facts not confirmed behind",
        };
        out.hanging(
            &lead,
            "  ",
            &format!("{what} {} (the verbose report has each)", which.join("; ")),
        );
    }
}

fn clauses(out: &mut Out, p: &Presentation, detail: Detail) {
    if p.groups.is_empty() {
        out.line("", "No clause of these measures bears on these answers.");
        return;
    }
    out.line("", "Clauses:");
    for g in &p.groups {
        let mut shown: Vec<&ClauseView> = g.clauses.iter().collect();
        if g.role == crate::engine::Role::Binding && detail == Detail::Concise {
            // Clauses that bind without a licence carry the duties listed above: one line.
            let (duties, rest): (Vec<&ClauseView>, Vec<&ClauseView>) = shown
                .into_iter()
                .partition(|c| c.effect == Some(crate::rules::Outcome::NoLicenseRequired));
            shown = rest;
            if !duties.is_empty() {
                let names: Vec<String> = duties.iter().map(|c| c.short()).collect();
                out.hanging(
                    &format!("  {}, for the duties: ", g.title),
                    "    ",
                    &names.join("; "),
                );
            }
            if shown.is_empty() {
                continue;
            }
        }
        out.line("  ", &format!("{}:", g.title));
        if g.role == crate::engine::Role::Context && detail == Detail::Concise {
            // Context articles one line per measure: they explain, they do not decide.
            let mut measures: Vec<(String, Vec<String>)> = Vec::new();
            for c in &g.clauses {
                match measures.iter_mut().find(|(m, _)| *m == c.measure_short) {
                    Some((_, list)) => list.push(c.article.clone()),
                    None => measures.push((c.measure_short.clone(), vec![c.article.clone()])),
                }
            }
            let joined: Vec<String> = measures
                .into_iter()
                .map(|(m, list)| format!("{m} {}", list.join(", ")))
                .collect();
            out.hanging("    - ", "      ", &joined.join("; "));
            continue;
        }
        for c in shown {
            let effect = c.effect_words();
            let effect = if effect.is_empty() {
                String::new()
            } else {
                format!("; {effect}")
            };
            let verify = if c.verify.is_some() { " [verify]" } else { "" };
            let status = match detail {
                Detail::Verbose => c.status.clone(),
                Detail::Concise if c.confirmed => c.status_short.to_string(),
                Detail::Concise => format!("{}, unconfirmed", c.status_short),
            };
            out.hanging(
                "    - ",
                "      ",
                &format!("{} ({status}{effect}){verify}", c.short()),
            );
            if detail == Detail::Verbose {
                out.line("      ", &c.text);
                if let Some(note) = &c.note {
                    out.line("      ", &format!("Note: {note}"));
                }
                if let Some(v) = &c.verify {
                    out.line("      ", &format!("Verify: {v}"));
                }
            }
        }
    }
}

fn why(out: &mut Out, p: &Presentation, detail: Detail) {
    out.line("", "Why:");
    if p.why.is_empty() {
        out.line(
            "  ",
            "- No rule fires for these answers, so none of these measures requires a licence.",
        );
    }
    let shown: Vec<&crate::present::WhyStep> = match detail {
        Detail::Verbose => p.why.iter().collect(),
        Detail::Concise => p
            .why
            .iter()
            .filter(|s| (s.binds && s.outcome == p.outcome) || (!s.binds && s.outcome > p.outcome))
            .collect(),
    };
    const MAX_STEPS: usize = 4;
    let hidden = match detail {
        Detail::Concise => p.why.len() - shown.len().min(MAX_STEPS),
        Detail::Verbose => 0,
    };
    let take = if detail == Detail::Concise {
        MAX_STEPS
    } else {
        usize::MAX
    };
    for step in shown.into_iter().take(take) {
        let counts = if step.binds {
            ""
        } else {
            ", does not count on this date"
        };
        // The answers are listed above: name the questions, and spell out assumed values.
        let because: Vec<String> = step
            .because
            .iter()
            .map(|b| match (b.assumed, detail) {
                (true, _) => format!("{} assumed {}", b.question, b.value),
                (false, Detail::Concise) => b.question.clone(),
                (false, Detail::Verbose) => format!("{} = {}", b.question, b.value),
            })
            .collect();
        let because = if because.is_empty() {
            "any answers".to_string()
        } else {
            because.join(", ")
        };
        out.hanging(
            "  - ",
            "    ",
            &format!(
                "{} ({}{counts}): {} [{because}]",
                step.clauses,
                step.outcome.short(),
                step.why,
            ),
        );
    }
    if hidden > 0 {
        let steps = if hidden == 1 { "step" } else { "steps" };
        out.line(
            "  ",
            &format!("- and {hidden} more {steps} (the verbose report shows every step)"),
        );
    }
}

fn sources(out: &mut Out, p: &Presentation, detail: Detail) {
    let listed: Vec<&ClauseView> = p
        .groups
        .iter()
        .flat_map(|g| &g.clauses)
        .filter(|c| match detail {
            Detail::Verbose => true,
            Detail::Concise => c.role == crate::engine::Role::Decisive,
        })
        .collect();
    if listed.is_empty() {
        return;
    }
    out.line("", "Sources:");
    let mut measures: Vec<&str> = Vec::new();
    for c in &listed {
        if measures.contains(&c.measure_short.as_str()) && detail == Detail::Concise {
            continue;
        }
        measures.push(&c.measure_short);
        let shown: Vec<String> = if detail == Detail::Verbose {
            c.sources
                .iter()
                .map(|s| format!("{} ({})", s.url, s.grade.describe()))
                .collect()
        } else {
            // The best source of the measure, graded honestly.
            c.sources
                .iter()
                .min_by_key(|s| s.grade)
                .map(|s| format!("({}): {}", s.grade.describe(), s.url))
                .into_iter()
                .collect()
        };
        let lead = if detail == Detail::Verbose {
            format!("  {}: ", c.short())
        } else {
            format!("  {} ", c.measure_short)
        };
        for (i, s) in shown.iter().enumerate() {
            out.hanging(if i == 0 { &lead } else { "    " }, "    ", s);
        }
    }
}

/// The report of `d` under `rules`: present, then render.
pub fn of(rules: &RuleSet, d: &crate::engine::Determination, detail: Detail) -> String {
    text(&crate::present::present(rules, d), detail)
}
