//! The drafts kept from earlier sessions, offered at start-up: when each was started, its
//! reference and counterparty, and its answers so far; one highlighted, with what each key
//! does (resume, discard, start a new screening).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Text};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use super::confirm::key_line;
use crate::present::option_label;
use crate::text::sanitize;
use crate::tui::app::{App, ResumeList};
use crate::tui::draft::Draft;
use crate::tui::keys::Context;
use crate::tui::lines::fit;
use crate::tui::view::{block, centered, popup_height};

pub fn render(app: &App, list: &ResumeList, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let width = area.width.min(100);
    let mut lines = vec![Line::raw(
        "Unfinished screenings were kept from earlier sessions:",
    )];
    // Room for the drafts: the popup less its border, the lines above and the keys below.
    let room = usize::from(area.height.saturating_sub(6));
    let per_draft = 2;
    let shown = (room / per_draft).max(1);
    let first = list
        .selected
        .saturating_sub(shown.saturating_sub(1))
        .min(list.drafts.len().saturating_sub(shown));
    for (i, draft) in list.drafts.iter().enumerate().skip(first).take(shown) {
        let selected = i == list.selected;
        // One line each, so the list's height is known before wrapping.
        let head = format!(
            "{} {}. started {}  {}",
            if selected { ">" } else { " " },
            i + 1,
            draft.started.strftime("%Y-%m-%d %H:%M"),
            names(draft)
        );
        let head = Line::raw(
            fit(&head, usize::from(width.saturating_sub(4)))
                .trim_end()
                .to_string(),
        );
        lines.push(if selected {
            head.style(t.highlight())
        } else {
            head
        });
        let room = usize::from(width.saturating_sub(7));
        let answers = fit(&answers(app, draft), room);
        lines.push(Line::styled(
            format!("     {}", answers.trim_end()),
            t.muted(),
        ));
    }
    lines.push(Line::default());
    lines.push(key_line(app, Context::Resume));
    let popup = centered(area, width, popup_height(&lines, width));
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(Text::from(lines))
            .wrap(Wrap { trim: false })
            .block(block(t, "Resume a draft?")),
        popup,
    );
}

/// "PO-77, Deutsche Magnet GmbH, end user Acme, date 2025-10-20".
fn names(draft: &Draft) -> String {
    let mut parts: Vec<String> = [&draft.details.reference, &draft.details.counterparty]
        .into_iter()
        .filter(|s| !s.trim().is_empty())
        .map(|s| sanitize(s))
        .collect();
    if !draft.details.end_user.trim().is_empty() {
        parts.push(format!("end user {}", sanitize(&draft.details.end_user)));
    }
    parts.push(format!("date {}", sanitize(&draft.date)));
    parts.join(", ")
}

/// The name matches decided, first (the line may be cut), then the answers so far in
/// question order: "1 name match decided; Goods shipped: No. 18 items; ...".
fn answers(app: &App, draft: &Draft) -> String {
    let decided = match draft.reviews.len() {
        0 => None,
        1 => Some("1 name match decided".to_string()),
        n => Some(format!("{n} name matches decided")),
    };
    let given: Vec<String> = app
        .rules
        .questions
        .iter()
        .filter_map(|q| {
            draft
                .answers
                .get(&q.id)
                .map(|id| format!("{}: {}", q.title, option_label(&app.rules, &q.id, id)))
        })
        .collect();
    let answers = if given.is_empty() {
        "no answers yet".into()
    } else {
        given.join("; ")
    };
    match decided {
        Some(decided) => format!("{decided}; {answers}"),
        None => answers,
    }
}
