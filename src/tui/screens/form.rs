//! The record details (date, reference, counterparty, officer, notes) as text fields. The
//! focused field's value is selected on entry, so typing replaces a prefilled value; a
//! validation message shows under its field until the value changes; the real terminal
//! cursor sits at the caret so input methods work.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::parties::{FindingKind, PartyFinding};
use crate::tui::keys::Context;
use crate::tui::lines::fit;

use crate::screening::Field;
use crate::text::{sanitize, wrap};
use crate::tui::app::App;
use crate::tui::theme::Theme;
use crate::tui::view::block;
use crate::tui::widgets::text_field::TextField;

const LABEL_WIDTH: u16 = 18;

/// Draw the fields; returns the caret of the focused field when it is on screen.
pub fn render(app: &App, frame: &mut Frame, area: Rect) -> Option<Position> {
    let t = app.theme;
    let outer = block(t, "Record details");
    let inner = outer.inner(area);
    frame.render_widget(outer, area);
    let input_width = inner.width.saturating_sub(LABEL_WIDTH + 1);
    let mut caret = None;

    let mut y = inner.y;
    for (i, field) in Field::ALL.into_iter().enumerate() {
        let row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
        if row.is_empty() {
            break;
        }
        y = y.saturating_add(1);
        let focused = i == app.focus && app.overlay.is_none();
        let input = &app.fields[i];
        let marker = if focused { ">" } else { " " };
        let label = Span::styled(
            format!(
                "{marker} {:<width$}",
                field.label(),
                width = usize::from(LABEL_WIDTH - 2)
            ),
            if focused { t.heading() } else { t.muted() },
        );
        frame.render_widget(Paragraph::new(Line::from(label)), row);
        let value_area = Rect::new(row.x.saturating_add(LABEL_WIDTH + 1), row.y, input_width, 1)
            .intersection(row);
        let at = input.render(frame, value_area, focused, Default::default());
        caret = caret.or(at);
        // A message wraps under its field (an officer acts on every word of it); the rows
        // below move down.
        let (text, style) = match input.error() {
            Some(message) => (format!("! {}", sanitize(message)), t.error()),
            None if focused => (hint(field, input), t.muted()),
            None => (String::new(), t.muted()),
        };
        let lines = wrap(&text, usize::from(input_width.max(20)));
        for line in lines
            .iter()
            .map(String::as_str)
            .chain(lines.is_empty().then_some(""))
        {
            let note_row = Rect::new(inner.x, y, inner.width, 1).intersection(inner);
            y = y.saturating_add(1);
            frame.render_widget(
                Paragraph::new(Line::styled(format!("{}{line}", pad()), style)),
                note_row,
            );
        }
    }
    // The matches take the rows below the last field's note.
    let rest = Rect::new(inner.x, y, inner.width, inner.bottom().saturating_sub(y));
    render_matches(app, frame, rest);
    caret
}

/// " 95 confirmed MP Materials Corp.  (counterparty, as "alias")": a finding's score, its
/// kind as the officer left it, and what matched which field.
pub fn finding_head(f: &PartyFinding) -> String {
    let kind = match f.kind {
        FindingKind::Match if f.confirmed => "confirmed",
        FindingKind::Match => "match",
        FindingKind::Possible => "POSSIBLE",
        FindingKind::Dismissed => "dismissed",
    };
    let alias = if f.alias == f.matched {
        String::new()
    } else {
        format!(", as \"{}\"", f.alias)
    };
    format!(
        "{:>3} {kind:<9} {}  ({}{alias})",
        f.score,
        f.matched,
        f.field.label().to_lowercase()
    )
}

/// An open possible match stands out; a dismissed one recedes.
pub fn finding_style(t: Theme, f: &PartyFinding) -> Style {
    match f.kind {
        FindingKind::Possible => t.error(),
        FindingKind::Dismissed => t.muted(),
        FindingKind::Match => t.heading(),
    }
}

/// What the names typed match, two lines each, with the keys that confirm and dismiss.
fn render_matches(app: &App, frame: &mut Frame, area: Rect) {
    let t = app.theme;
    let found = &app.matches.found;
    if area.height < 2 || found.is_empty() {
        return;
    }
    let width = usize::from(area.width);
    let keys = format!(
        "{} confirm  {} dismiss (with a reason)",
        app.keys.words_for(Context::Form, "confirm-match"),
        app.keys.words_for(Context::Form, "dismiss-match")
    );
    let mut lines = vec![Line::from(vec![
        Span::styled(format!("Name matches ({})", found.len()), t.heading()),
        Span::styled(format!("  {keys}"), t.muted()),
    ])];
    let room = usize::from(area.height).saturating_sub(1);
    let shown = if found.len() * 2 <= room {
        found.len()
    } else {
        room.saturating_sub(1) / 2
    };
    for f in found.iter().take(shown) {
        let head = finding_head(f);
        let tail = match &f.reason {
            Some(reason) => format!("    {}, {}; dismissed: {reason}", f.list.label(), f.short),
            None => format!(
                "    {}, {}, listed {}; {}",
                f.list.label(),
                f.short,
                f.listed_on,
                f.status
            ),
        };
        lines.push(Line::styled(
            fit(&head, width).trim_end().to_string(),
            finding_style(t, f),
        ));
        lines.push(Line::styled(
            fit(&tail, width).trim_end().to_string(),
            t.muted(),
        ));
    }
    if shown < found.len() {
        lines.push(Line::styled(
            format!(
                "  and {} more: each is decided in turn",
                found.len() - shown
            ),
            t.muted(),
        ));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

/// The dismissal dialog: which match, and the reason being typed.
pub fn render_dismiss(
    app: &App,
    finding: &PartyFinding,
    reason: &TextField,
    frame: &mut Frame,
    area: Rect,
) -> Option<Position> {
    let t = app.theme;
    let width = area.width.min(70);
    let text = format!(
        "Dismiss {} for the {} \"{}\" as another party? Type why, then Enter; Esc keeps the match.",
        finding.cite(),
        finding.field.label().to_lowercase(),
        finding.given
    );
    let mut lines = vec![Line::raw(sanitize(&text)), Line::default(), Line::default()];
    if let Some(e) = reason.error() {
        lines.push(Line::styled(sanitize(e), t.error()));
    }
    let height = crate::tui::view::popup_height(&lines, width);
    let popup = crate::tui::view::centered(area, width, height);
    frame.render_widget(Clear, popup);
    let outer = block(t, "Dismiss a name match");
    let inner = outer.inner(popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(outer),
        popup,
    );
    let text_rows = crate::tui::view::popup_height(&[Line::raw(sanitize(&text))], width) - 2;
    let row = Rect::new(
        inner.x,
        inner.y.saturating_add(text_rows + 1),
        inner.width,
        1,
    )
    .intersection(inner);
    let label = "Reason: ";
    frame.render_widget(Paragraph::new(Span::styled(label, t.heading())), row);
    let input = Rect::new(row.x + 8, row.y, row.width.saturating_sub(8), 1).intersection(row);
    reason.render(frame, input, true, Default::default())
}

fn pad() -> String {
    " ".repeat(usize::from(LABEL_WIDTH + 1))
}

/// The note under the focused field. The character count shows only in the last tenth
/// before the limit: a line that changes with every key press costs bytes on each one.
fn hint(field: Field, input: &TextField) -> String {
    let max = input.limit();
    let used = input.value().chars().count();
    let typing_replaces = if input.is_selected() {
        "; typing replaces it"
    } else {
        ""
    };
    match field {
        Field::Date => {
            format!("YYYY-MM-DD or DD.MM.YYYY, the rules as on this date{typing_replaces}")
        }
        _ if max - used.min(max) <= max / 10 => format!("{used} of {max} characters"),
        _ => format!("Up to {max} characters{typing_replaces}"),
    }
}
