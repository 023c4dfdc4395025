//! Speed budgets of the workbench, printed as figures (no timed assertions). Run with
//! `cargo test --release --test tui_bench -- --ignored --nocapture --test-threads 1`.
//! Goals: typed character <= 64 B, step change <= 3 KB, idle 0 B, arrow key <= 200 B plus
//! the help text the panel must redraw, frame <= 1 ms at 200x50, start to first frame
//! <= 50 ms, a key press that changes no answer well under a millisecond.

mod tui_support;

use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use ree_screen::tui::action::Action;
use ree_screen::tui::app::Step;
use ree_screen::tui::update::update;
use ree_screen::tui::view::view;
use tui_support::{OCTOBER, OCTOBER_KEYS, OPEN_RECIPIENT, Pty, at_result};

const QUIET: Duration = Duration::from_millis(150);
const LIMIT: Duration = Duration::from_secs(3);

#[test]
#[ignore = "benchmark: prints figures"]
fn bytes_and_start_time_in_a_pty() {
    let data = tempfile::tempdir().expect("tempdir");
    let spawned = Instant::now();
    let mut pty = Pty::spawn(data.path(), &[]);
    pty.wait_for("Question 1");
    let start = spawned.elapsed();
    pty.settle(QUIET, LIMIT);

    let highlight = bytes_for(&mut pty, "j", "> 2. Smelting");
    let help = help_bytes(&mut pty);
    let step = bytes_for(&mut pty, "\r", "Goods shipped");
    pty.send("\x1b");
    pty.wait_for("Question 1");
    pty.answer_questions(&OCTOBER_KEYS[..4]);
    pty.send("\x1b");
    pty.wait_for("Destination country");
    pty.settle(QUIET, LIMIT);
    let filter = bytes_for(&mut pty, "g", "Type a name or code: g ");
    let country = bytes_for(&mut pty, "\x1b[B", "");
    pty.send("\x15DE\r");
    pty.wait_for("Record details");
    pty.send("\t");
    pty.settle(QUIET, LIMIT);
    let char_bytes = bytes_for(&mut pty, "x", "Reference        x");
    pty.send(&"\r".repeat(4));
    pty.wait_for("Review");
    pty.settle(QUIET, LIMIT);
    let result = bytes_for(&mut pty, "\r", "Decided by");
    let clause = bytes_for(&mut pty, "\x1b[B", "> decisive    No. 61 Art. 1(3)");

    let idle_start = Instant::now();
    let mut idle = 0;
    while idle_start.elapsed() < Duration::from_secs(2) {
        idle += pty
            .settle(Duration::from_secs(2), Duration::from_secs(2))
            .len();
    }
    pty.send("\x03\x03");

    println!(
        "start to first frame: {:.1} ms (goal <= 50 ms)",
        start.as_secs_f64() * 1000.0
    );
    println!("typing one character:        {char_bytes} B (goal <= 64 B)");
    println!(
        "moving the highlight:        {highlight} B, of which the help panel's new text {help} B (goal <= 200 B + help)"
    );
    println!("moving in the country list:  {country} B (goal <= 200 B)");
    println!("typing into the country filter: {filter} B");
    println!("moving in the clause list:   {clause} B (goal <= 200 B)");
    println!("changing step:               {step} B (goal <= 3 KB)");
    println!("review to determination:     {result} B");
    println!("idle over 2 s:               {idle} B (goal 0 B)");
}

/// Bytes written in answer to `keys`, counted once the screen shows `shown` and the program
/// has gone quiet (waiting for the screen keeps a slow start from counting as 0 B).
fn bytes_for(pty: &mut Pty, keys: &str, shown: &str) -> usize {
    let before = pty.output.len();
    pty.send(keys);
    pty.wait_for(shown);
    pty.settle(QUIET, LIMIT);
    pty.output.len() - before
}

/// The help panel's text for the second stage option: what a highlight move must redraw
/// whatever the encoding.
fn help_bytes(pty: &mut Pty) -> usize {
    let screen = pty.contents();
    let lines: Vec<&str> = screen.lines().collect();
    let panel = lines
        .iter()
        .position(|l| l.contains("Option 2 of"))
        .unwrap_or(lines.len());
    lines
        .iter()
        .skip(panel + 1)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.trim_matches(|c| c == '│' || c == ' ').len())
        .sum()
}

#[test]
#[ignore = "benchmark: prints figures"]
fn frame_time_at_200x50() {
    for (name, answers) in [("decisive", &OCTOBER), ("provisional", &OPEN_RECIPIENT)] {
        let mut app = at_result(answers);
        update(&mut app, Action::Resize(200, 50));
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, 200, 50)),
        };
        let mut terminal = Terminal::with_options(CrosstermBackend::new(std::io::sink()), options)
            .expect("terminal");
        terminal
            .draw(|f| {
                view(&app, f);
            })
            .expect("first draw");
        let iterations = 2000;
        let started = Instant::now();
        for i in 0..iterations {
            update(&mut app, if i % 2 == 0 { Action::Down } else { Action::Up });
            terminal
                .draw(|f| {
                    view(&app, f);
                })
                .expect("draw");
        }
        let per_frame = started.elapsed() / iterations;
        println!(
            "frame (update + render + diff + encode) at 200x50, {name} determination: {:.3} ms (goal <= 1 ms)",
            per_frame.as_secs_f64() * 1000.0
        );
    }
}

/// Which questions are asked is worked out once per change of the answers or the date:
/// what that costs, and what a key press that changes neither costs.
#[test]
#[ignore = "benchmark: prints figures"]
fn relevance_is_worked_out_once_per_answer() {
    let mut app = tui_support::app();
    let mut answered = Duration::ZERO;
    let mut answers = 0;
    while let Step::Question(q) = app.step {
        let question = app.rules.questions[q].clone();
        let option = OCTOBER
            .iter()
            .find(|(id, _)| *id == question.id)
            .map_or("unknown", |(_, o)| *o);
        let position = question.options.iter().position(|o| o.id == option);
        app.highlight[q] = position.expect("option");
        let started = Instant::now();
        update(&mut app, Action::Next);
        answered += started.elapsed();
        answers += 1;
    }
    let iterations = 2000;
    update(&mut app, Action::NextField);
    let started = Instant::now();
    for i in 0..iterations {
        update(
            &mut app,
            if i % 2 == 0 {
                Action::Type('x')
            } else {
                Action::Edit(ree_screen::tui::action::Edit::DeleteBack)
            },
        );
    }
    let per_key = started.elapsed() / iterations;
    // The worst case for the check itself: nothing answered yet, every question open.
    let fresh = tui_support::app();
    let started = Instant::now();
    for q in 0..fresh.rules.questions.len() {
        let _ = ree_screen::engine::question_matters(
            &fresh.rules,
            &ree_screen::Answers::new(),
            fresh.today,
            &fresh.rules.questions[q].id,
        );
    }
    let all_open = started.elapsed();
    println!(
        "answering a question (relevance of every question worked out again): {:.3} ms on average over {answers}",
        answered.as_secs_f64() * 1000.0 / f64::from(answers)
    );
    println!(
        "question_matters for every question, nothing answered: {:.3} ms",
        all_open.as_secs_f64() * 1000.0
    );
    println!(
        "a key press in a text field (relevance cached): {:.4} ms",
        per_key.as_secs_f64() * 1000.0
    );
}
