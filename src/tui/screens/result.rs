//! The determination an officer can act on, on one screen without scrolling: the outcome
//! in words and symbol, the clause that decides it (measure, article, status, paraphrase),
//! the licences and who obtains them, the badges that matter, the clause of the October
//! 2025 announcements that bears on the case, the scenario past a lapsed suspension and,
//! when provisional, the range and the outcome per value of each open answer. Below, every
//! clause on one line (role, measure and article, status, effect), decisive first; Enter
//! opens the highlighted one in full, `w` shows the why-trace instead. From 110 columns the
//! highlighted clause shows beside the list.
//!
//! Everything is drawn from `present::Presentation`'s typed parts, styled by the theme;
//! nothing here reads the text report.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span, Text};
use ratatui::widgets::Paragraph;
use unicode_width::UnicodeWidthStr;

use crate::engine::Role;
use crate::present::{ClauseView, Presentation};
use crate::rules::Outcome;
use crate::text::sanitize;
use crate::tui::app::{App, Decision, Pane};
use crate::tui::keys::Context;
use crate::tui::lines::{fit, hanging, labelled};
use crate::tui::theme::Theme;
use crate::tui::view::{areas, block};

/// From this width the highlighted clause shows beside the list.
const SIDE_BY_SIDE: u16 = 110;
/// Rows the clause box keeps at the least, borders included.
const MIN_LOWER: u16 = 6;

/// Where the parts of the screen go in a body of `area`.
struct Layout {
    summary: Rect,
    lower: Rect,
    /// The list's box, and the preview's beside it when wide.
    list: Rect,
    preview: Option<Rect>,
}

fn layout(app: &App, decision: &Decision, area: Rect) -> (Layout, Vec<Line<'static>>) {
    let budget = match app.result.pane {
        Pane::List => usize::from(area.height.saturating_sub(MIN_LOWER.max(area.height / 3))),
        // An open pane needs the room; the outcome, what decides it and the licence stay
        // in view.
        Pane::Clause | Pane::Why => 5,
    };
    let answer = key(app, "answer");
    let summary_with = |paraphrase: bool| {
        summary_lines(
            app.theme,
            &decision.presentation,
            area.width,
            budget,
            Some(&answer),
            paraphrase,
        )
    };
    // What the summary may not cut can take the room of the clause box, down to one row;
    // past that, the last line says how much more there is and where it shows (the
    // by-answer rows come last, and the why pane has them all).
    let cap = usize::from(area.height.saturating_sub(3)).max(1);
    // The decisive clause's paraphrase shows whole or not at all (Enter opens the clause):
    // whole in the list while everything fits, never in place of a badge or a warning, and
    // not above an open pane, which needs the room.
    let mut summary = summary_with(app.result.pane == Pane::List);
    if app.result.pane == Pane::List && summary.len() > cap {
        summary = summary_with(false);
    }
    if app.result.pane != Pane::List {
        // The pane open below is what is being read.
        summary.truncate(budget);
    } else if summary.len() > cap {
        let more = summary.len() - (cap - 1);
        summary.truncate(cap - 1);
        summary.push(Line::styled(
            format!("  ... {more} more lines: {} shows them", key(app, "why")),
            app.theme.muted(),
        ));
    }
    let height = u16::try_from(summary.len()).unwrap_or(u16::MAX);
    let summary_area = Rect::new(area.x, area.y, area.width, height);
    let lower = Rect::new(
        area.x,
        area.y.saturating_add(height),
        area.width,
        area.height.saturating_sub(height),
    );
    let (list, preview) = if area.width >= SIDE_BY_SIDE {
        let left = (area.width * 11 / 20).min(90);
        (
            Rect::new(lower.x, lower.y, left, lower.height),
            Some(Rect::new(
                lower.x.saturating_add(left),
                lower.y,
                lower.width.saturating_sub(left),
                lower.height,
            )),
        )
    } else {
        (lower, None)
    };
    (
        Layout {
            summary: summary_area,
            lower,
            list,
            preview,
        },
        summary,
    )
}

/// The body of a terminal of `app.size`.
fn body(app: &App) -> Rect {
    areas(Rect::new(0, 0, app.size.0, app.size.1)).body
}

/// Clause rows the list shows at once, for paging.
pub fn list_rows(app: &App) -> u16 {
    let Some(decision) = &app.decision else {
        return 0;
    };
    let (layout, _) = layout(app, decision, body(app));
    layout.list.height.saturating_sub(2)
}

/// Lines of the open pane (clause or why) and how many show at once, for scrolling.
pub fn pane_extent(app: &App) -> (usize, usize) {
    let Some(decision) = &app.decision else {
        return (0, 0);
    };
    let (layout, _) = layout(app, decision, body(app));
    let width = usize::from(layout.lower.width.saturating_sub(2));
    let lines = match app.result.pane {
        Pane::List => 0,
        Pane::Clause => selected(app, decision).map_or(0, |c| {
            clause_lines(app.theme, c, usize::from(layout.lower.width)).len()
        }),
        Pane::Why => why_lines(app.theme, &decision.presentation, width).len(),
    };
    (lines, usize::from(layout.lower.height.saturating_sub(2)))
}

fn selected<'a>(app: &App, decision: &'a Decision) -> Option<&'a ClauseView> {
    decision.clauses().nth(app.result.selected)
}

pub fn render(app: &App, frame: &mut Frame, area: Rect) {
    let Some(decision) = &app.decision else {
        return;
    };
    let t = app.theme;
    let (layout, summary) = layout(app, decision, area);
    frame.render_widget(Paragraph::new(Text::from(summary)), layout.summary);
    let view = app.result;
    match view.pane {
        Pane::List => {
            list(app, decision, frame, layout.list);
            if let (Some(area), Some(clause)) = (layout.preview, selected(app, decision)) {
                let lines = clause_lines(t, clause, usize::from(area.width));
                view.scroll
                    .render(frame, area, Some(open_block(t, &clause.short())), lines, t);
            }
        }
        Pane::Clause => {
            if let Some(clause) = selected(app, decision) {
                let title = format!(
                    "{} ({} closes, {} copies the address)",
                    clause.short(),
                    key(app, "back"),
                    key(app, "copy-address")
                );
                let lines = clause_lines(t, clause, usize::from(layout.lower.width));
                view.scroll
                    .render(frame, layout.lower, Some(open_block(t, &title)), lines, t);
            }
        }
        Pane::Why => {
            let width = usize::from(layout.lower.width.saturating_sub(2));
            let title = format!("Why ({} closes)", key(app, "why"));
            let lines = why_lines(t, &decision.presentation, width);
            view.scroll
                .render(frame, layout.lower, Some(block(t, &title)), lines, t);
        }
    }
}

/// A clause's box: rules above and below but none at the sides, so a source address runs
/// the full width with no border drawn between its pieces (and copies whole).
fn open_block(t: Theme, title: &str) -> ratatui::widgets::Block<'static> {
    block(t, title).borders(ratatui::widgets::Borders::TOP | ratatui::widgets::Borders::BOTTOM)
}

/// The key bound to a determination command, in words.
fn key(app: &App, name: &str) -> String {
    app.keys.words_for(Context::Result, name)
}

/// One part of the summary, with how few lines it may shrink to.
struct Part {
    lines: Vec<Line<'static>>,
    min: usize,
}

/// The top of the screen, within `budget` lines: parts shrink (the other decisive clauses
/// first, then the by-answer rows, then the licence) before any is left out. With
/// `paraphrase` the decisive clause's paraphrase follows it, wrapped whole: it carries the
/// meaning, so it is never cut. `answer_key`, when the open answers can be answered here,
/// is named beside the range. The history's record detail shows a stored determination
/// with the same lines.
pub fn summary_lines(
    t: Theme,
    p: &Presentation,
    width: u16,
    budget: usize,
    answer_key: Option<&str>,
    paraphrase: bool,
) -> Vec<Line<'static>> {
    let full = usize::MAX;
    let mut parts: Vec<(u8, Part)> = Vec::new();
    // Outcome and symbol, the date it holds for.
    let provisional = if p.provisional { " (provisional)" } else { "" };
    let outcome = format!(" {}{provisional} ", p.headline());
    let mut date = format!("as on {}", p.date);
    if outcome.width() + date.width() + 1 > usize::from(width) {
        // The header and the why pane show the date too.
        date.clear();
    }
    let gap = usize::from(width).saturating_sub(outcome.width() + date.width());
    parts.push((
        9,
        Part {
            lines: vec![Line::from(vec![
                Span::styled(
                    outcome,
                    t.outcome(p.outcome)
                        .add_modifier(ratatui::style::Modifier::REVERSED),
                ),
                Span::raw(" ".repeat(gap)),
                Span::styled(date, t.muted()),
            ])],
            min: 1,
        },
    ));
    // What decides it, the paraphrase, and the other decisive clauses.
    match p.decided_by.split_first() {
        Some((first, rest)) => {
            let head = format!(
                "{}{}, {}; {}",
                p.decided_prefix(),
                first.short(),
                first.measure,
                first.status
            );
            let decided = labelled(
                "Decided by: ",
                t.heading(),
                &head,
                Style::new(),
                width,
                full,
            );
            let min = decided.len();
            parts.push((6, part(decided, min)));
            if paraphrase {
                let lines = labelled("  ", Style::new(), &first.text, Style::new(), width, full);
                let min = lines.len();
                parts.push((1, part(lines, min)));
            }
            if !rest.is_empty() {
                // The October 2025 clause first, so a cut line keeps it.
                let mut rest: Vec<&ClauseView> = rest.iter().collect();
                rest.sort_by_key(|c| !c.focus);
                let names: Vec<String> = rest.into_iter().map(ClauseView::short).collect();
                parts.push((
                    4,
                    part(
                        labelled(
                            "  and: ",
                            t.muted(),
                            &names.join("; "),
                            t.muted(),
                            width,
                            full,
                        ),
                        0,
                    ),
                ));
            }
        }
        None => parts.push((
            6,
            part(
                labelled(
                    "Decided by: ",
                    t.heading(),
                    "no clause requires a licence for these answers",
                    Style::new(),
                    width,
                    2,
                ),
                1,
            ),
        )),
    }
    // The licences and who obtains them, and the duties.
    let mut licence = Vec::new();
    for (i, text) in p.licence_lines(None).iter().enumerate() {
        let label = if i == 0 { "Licence: " } else { "  " };
        licence.extend(labelled(
            label,
            t.heading(),
            text,
            Style::new(),
            width,
            full,
        ));
    }
    for duty in &p.duties {
        licence.extend(labelled(
            "Duty: ",
            t.heading(),
            duty,
            Style::new(),
            width,
            full,
        ));
    }
    // Which licence and who applies for it are acted on: never cut.
    let min = licence.len();
    parts.push((2, part(licence, min)));
    // The badges that matter, each with the clauses it is about: on one line when they fit,
    // else a badge a line, its clauses wrapped after it.
    if !p.badges.is_empty() {
        let badges: Vec<(String, String)> = p
            .badges
            .iter()
            .map(|badge| {
                let subjects: Vec<String> = p
                    .warnings
                    .iter()
                    .filter(|w| w.badge == Some(*badge))
                    .filter_map(|w| w.subject.clone())
                    .collect();
                (badge.word().to_string(), subjects.join(", "))
            })
            .collect();
        let lines = badge_lines(t, &badges, width);
        let min = lines.len();
        parts.push((7, part(lines, min)));
    }
    // The October 2025 clause that bears on the case, when it does not decide.
    if let Some(f) = &p.focus
        && !p.decided_by.iter().any(|c| c.id == f.clause.id)
    {
        let text = format!(
            "{} {}; {}",
            f.clause.short(),
            f.clause.status,
            f.clause.role_words()
        );
        parts.push((
            8,
            part(
                labelled(
                    &format!("{}: ", f.label),
                    t.heading(),
                    &text,
                    Style::new(),
                    width,
                    full,
                ),
                usize::MAX,
            ),
        ));
    }
    // Past a lapsed suspension: what it would be had it been extended.
    for w in p.warnings.iter().filter(|w| w.badge.is_none()) {
        parts.push((
            8,
            part(
                labelled("", Style::new(), &w.line(), t.warning(), width, full),
                usize::MAX,
            ),
        ));
    }
    // Provisional: the range and the outcome per value of each open answer.
    if let Some((best, worst)) = p.range {
        let mut text = format!("{} to {}", best.short(), worst.short());
        if let Some(key) = answer_key {
            text.push_str(&format!(" (press {key} to answer now)"));
        }
        let range = labelled("Range: ", t.heading(), &text, Style::new(), width, full);
        let min = range.len();
        parts.push((5, part(range, min)));
    }
    let mut rows = Vec::new();
    for b in &p.by_answer {
        for (i, (values, outcome, decided)) in b.rows.iter().enumerate() {
            // The question heads its first row; the others sit under it.
            let head = if i == 0 {
                format!("  {}: ", b.question)
            } else {
                "    ".to_string()
            };
            rows.extend(by_answer_row(
                t,
                &head,
                values,
                *outcome,
                decided.as_deref(),
                width,
            ));
        }
    }
    if !rows.is_empty() {
        // Each row says what an answer would give and why: never cut.
        let min = rows.len();
        parts.push((3, part(rows, min)));
    }
    shrink(&mut parts, budget);
    // What may not be cut can run past the budget; the caller gives it the room.
    parts.into_iter().flat_map(|(_, p)| p.lines).collect()
}

fn part(lines: Vec<Line<'static>>, min: usize) -> Part {
    Part { lines, min }
}

/// Drop lines from the parts of lowest rank (kept first) until they fit `budget`, each
/// down to its least; what is still too long is cut from the end by the caller.
fn shrink(parts: &mut [(u8, Part)], budget: usize) {
    let total = |parts: &[(u8, Part)]| parts.iter().map(|(_, p)| p.lines.len()).sum::<usize>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|&i| parts[i].0);
    for i in order {
        let over = total(parts).saturating_sub(budget);
        if over == 0 {
            return;
        }
        let part = &mut parts[i].1;
        let keep = part.lines.len().saturating_sub(over).max(part.min);
        if keep < part.lines.len() {
            part.lines.truncate(keep);
            if let Some(last) = part.lines.last_mut() {
                last.spans.push(Span::raw("~"));
            }
        }
    }
}

/// Badges with the clauses each is about: on one line when they fit, else a badge a line
/// with its clauses wrapped after it; nothing is cut.
fn badge_lines(t: Theme, badges: &[(String, String)], width: u16) -> Vec<Line<'static>> {
    let word_style = t.warning().add_modifier(ratatui::style::Modifier::REVERSED);
    let mut one = Line::default();
    for (word, subjects) in badges {
        one.spans.push(Span::styled(word.clone(), word_style));
        let text = if subjects.is_empty() {
            "  ".to_string()
        } else {
            format!(" {subjects}  ")
        };
        one.spans.push(Span::styled(text, t.warning()));
    }
    // The two blanks after the last badge may fall off the edge.
    if one.width() <= usize::from(width) + 2 {
        return vec![one];
    }
    badges
        .iter()
        .flat_map(|(word, subjects)| {
            let label = format!("{word} ");
            let mut lines = labelled(
                &label,
                t.warning(),
                subjects,
                t.warning(),
                width,
                usize::MAX,
            );
            if let Some(first) = lines.first_mut() {
                first.spans[0] = Span::styled(word.clone(), word_style);
                first.spans.insert(1, Span::raw(" "));
            }
            lines
        })
        .collect()
}

/// "Recipient type: Control List party -> prohibited (ECL Art. 18)" after `head` (the
/// question, or blanks under it): the values, the outcome and the clause that decides it,
/// on one line with the outcome in its colour, or wrapped when it does not fit.
fn by_answer_row(
    t: Theme,
    head: &str,
    values: &str,
    outcome: Outcome,
    decided: Option<&str>,
    width: u16,
) -> Vec<Line<'static>> {
    let by = decided.map(|d| format!(" ({d})")).unwrap_or_default();
    let line = Line::from(vec![
        Span::styled(head.to_string(), t.muted()),
        Span::raw(sanitize(values)),
        Span::raw(" -> "),
        Span::styled(outcome.short(), t.outcome(outcome)),
        Span::styled(by.clone(), t.muted()),
    ]);
    if line.width() <= usize::from(width) {
        return vec![line];
    }
    let text = format!("{values} -> {}{by}", outcome.short());
    hanging(head, t.muted(), &text, Style::new(), width, 6, usize::MAX)
}

/// The role column of the clause list.
fn role_column(role: Role) -> &'static str {
    match role {
        Role::Decisive => "decisive",
        Role::Binding => "also binds",
        Role::NotCounting => "would apply",
        Role::Context => "context",
    }
}

/// The width of the citation column for `clauses` in a row `width` cells wide.
pub fn cite_width<'a>(clauses: impl Iterator<Item = &'a ClauseView>, width: usize) -> usize {
    let widest = clauses.map(|c| c.short().width()).max().unwrap_or(0);
    widest.min(width.saturating_sub(2 + 12 + 11 + 13)).max(12)
}

/// A clause on one line after `marker`: role, citation, status and effect, styled by role
/// (a decisive clause in the colour of the determination's `outcome`).
pub fn clause_row(
    t: Theme,
    outcome: Outcome,
    c: &ClauseView,
    marker: &str,
    cite_width: usize,
    width: usize,
) -> Line<'static> {
    // The role column says whether the effect counts; the badges and the clause's detail
    // say when its status is not confirmed.
    let effect = c.effect.map_or("", Outcome::short);
    let text = format!(
        "{marker}{:<11} {} {} {effect}",
        role_column(c.role),
        fit(&c.short(), cite_width),
        fit(c.status_short, 10),
    );
    let style = match c.role {
        Role::Decisive => t.outcome(outcome),
        Role::Context => t.muted(),
        Role::Binding | Role::NotCounting => Style::new(),
    };
    Line::styled(fit(&text, width).trim_end().to_string(), style)
}

/// Every clause on one line, the highlighted one in view.
fn list(app: &App, decision: &Decision, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let count = decision.clauses().count();
    let title = format!(
        "Clauses: {count} ({} opens one, {} shows why)",
        key(app, "open-clause"),
        key(app, "why")
    );
    let outer = block(t, &title);
    let inner = outer.inner(area);
    let rows = usize::from(inner.height).max(1);
    let selected = app.result.selected.min(count.saturating_sub(1));
    let first = selected
        .saturating_sub(rows.saturating_sub(1))
        .min(count.saturating_sub(rows));
    let width = usize::from(inner.width);
    let cite_width = cite_width(decision.clauses(), width);
    let outcome = decision.presentation.outcome;
    let mut lines = Vec::new();
    for (i, c) in decision.clauses().enumerate().skip(first).take(rows) {
        let marker = if i == selected { "> " } else { "  " };
        let line = clause_row(t, outcome, c, marker, cite_width, width);
        lines.push(if i == selected {
            line.style(t.highlight())
        } else {
            line
        });
    }
    if count == 0 {
        lines.push(Line::styled(
            "  No clause of these measures bears on these answers.",
            t.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(Text::from(lines)).block(outer), area);
}

/// A clause in full: citation, role, status, text, note, what to verify and the sources
/// with their grades.
fn clause_lines(t: Theme, c: &ClauseView, width: usize) -> Vec<Line<'static>> {
    let w = u16::try_from(width).unwrap_or(u16::MAX);
    let mut lines = Vec::new();
    let para = |lines: &mut Vec<Line<'static>>, label: &str, text: &str, style: Style| {
        lines.extend(labelled(label, t.heading(), text, style, w, usize::MAX));
    };
    para(&mut lines, "", &c.full(), t.heading());
    para(&mut lines, "Role: ", &c.role_words(), Style::new());
    let status = if c.confirmed {
        c.status.clone()
    } else {
        format!("{} (unconfirmed)", c.status)
    };
    para(&mut lines, "Status: ", &status, Style::new());
    lines.push(Line::default());
    para(&mut lines, "", &c.text, Style::new());
    if let Some(note) = &c.note {
        lines.push(Line::default());
        para(&mut lines, "Note: ", note, Style::new());
    }
    if let Some(verify) = &c.verify {
        lines.push(Line::default());
        para(&mut lines, "Verify: ", verify, t.warning());
    }
    if !c.sources.is_empty() {
        lines.push(Line::default());
        lines.push(Line::styled("Sources:", t.heading()));
        for s in &c.sources {
            let note = s
                .note
                .as_ref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            para(
                &mut lines,
                &format!("  [{:?}] ", s.grade),
                &format!("{}{note}:", s.grade.describe()),
                Style::new(),
            );
            // From the left edge, cut only where the width ends (never at a slash or a
            // hyphen, as word wrapping would), so the address reads and copies whole.
            lines.extend(labelled(
                "",
                Style::new(),
                &s.url,
                Style::new(),
                w,
                usize::MAX,
            ));
        }
    }
    lines
}

/// The why-trace (each step: the clauses it fired, its outcome, the answers it rests on and
/// why), then the outcome per value of each open answer, the notes behind the badges, the
/// answers and the rule set.
pub fn why_lines(t: Theme, p: &Presentation, width: usize) -> Vec<Line<'static>> {
    let w = u16::try_from(width).unwrap_or(u16::MAX);
    let mut lines = Vec::new();
    let mut add = |label: &str, label_style: Style, text: &str, style: Style| {
        lines.extend(labelled(label, label_style, text, style, w, usize::MAX));
    };
    let plain = Style::new();
    if p.why.is_empty() {
        let none = "No rule fires for these answers, so none of these measures requires a licence.";
        add("", plain, none, plain);
    }
    for (n, step) in p.why.iter().enumerate() {
        let counts = if step.binds {
            ""
        } else {
            ", does not count on this date"
        };
        let head = format!("{} -> {}{counts}", step.clauses, step.outcome.short());
        add(&format!("{}. ", n + 1), t.heading(), &head, t.heading());
        let because: Vec<String> = step
            .because
            .iter()
            .map(|b| {
                let assumed = if b.assumed {
                    " (assumed: not known)"
                } else {
                    ""
                };
                format!("{} = {}{assumed}", b.title, b.value)
            })
            .collect();
        let because = if because.is_empty() {
            "any answers".to_string()
        } else {
            because.join("; ")
        };
        add("   because ", t.muted(), &because, plain);
        add("   ", plain, &step.why, plain);
    }
    if !p.by_answer.is_empty() {
        add("", plain, "", plain);
        add("", plain, "By answer", t.heading());
        for b in &p.by_answer {
            for (values, outcome, decided) in &b.rows {
                let by = decided
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default();
                let text = format!("{values} -> {}{by}", outcome.short());
                add(&format!("  {}: ", b.question), t.muted(), &text, plain);
            }
        }
    }
    if !p.warnings.is_empty() {
        add("", plain, "", plain);
        add("", plain, "Notes", t.heading());
        for warning in &p.warnings {
            let label = warning
                .badge
                .map_or_else(|| "NOTE: ".to_string(), |b| format!("{}: ", b.word()));
            add(&label, t.warning(), &warning.line(), plain);
        }
    }
    add("", plain, "", plain);
    add("", plain, "Answers", t.heading());
    add("Screening date: ", t.muted(), &p.date.to_string(), plain);
    for a in &p.answers {
        add(&format!("{}: ", a.title), t.muted(), &a.value, plain);
    }
    add("Rule set: ", t.muted(), &p.rule_set, plain);
    add("", plain, "", plain);
    add("", plain, &p.disclaimer, t.muted());
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn badges_wrap_and_keep_every_subject() {
        let t = Theme {
            no_color: true,
            ascii: false,
        };
        let badges = [
            (
                "UNVERIFIED".to_string(),
                "ECL Art. 18 (Control List), No. 18 Item list (1C902-1C908)".to_string(),
            ),
            (
                "VERIFY".to_string(),
                "No. 18 Item list (1C902-1C908), rule control-list-reexport".to_string(),
            ),
        ];
        let lines = badge_lines(t, &badges, 60);
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert!(lines.iter().all(|l| l.width() <= 60), "{text:?}");
        assert!(text[0].starts_with("UNVERIFIED ECL Art. 18"), "{text:?}");
        let verify = text
            .iter()
            .position(|l| l.starts_with("VERIFY No. 18"))
            .expect("own line");
        assert!(
            text[verify..].join(" ").contains("control-list-reexport"),
            "{text:?}"
        );
        assert!(!text.join(" ").contains('~'), "{text:?}");
        let short = [("PROVISIONAL".to_string(), String::new())];
        assert_eq!(badge_lines(t, &short, 60).len(), 1);
    }
}
