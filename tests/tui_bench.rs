//! Speed budgets of the workbench, printed as figures (no timed assertions). Run with
//! `cargo test --release --test tui_bench -- --ignored --nocapture`.
//! Goals: char <= 64 B, highlight <= 200 B, step <= 3 KB, idle 0 B/s, frame <= 1 ms at
//! 200x50, start to first frame <= 50 ms.

mod tui_support;

use std::time::{Duration, Instant};

use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use ree_screen::tui::action::Action;
use ree_screen::tui::update::update;
use ree_screen::tui::view::view;
use tui_support::{Pty, at_result};

const QUIET: Duration = Duration::from_millis(150);
const LIMIT: Duration = Duration::from_secs(3);

#[test]
#[ignore = "benchmark: prints figures"]
fn bytes_and_start_time_in_a_pty() {
    let data = tempfile::tempdir().expect("tempdir");
    let spawned = Instant::now();
    let mut pty = Pty::spawn(data.path(), &[]);
    pty.wait_for("Step 1 of 5");
    let start = spawned.elapsed();
    pty.settle(QUIET, LIMIT);

    let highlight = bytes_for(&mut pty, "j", "> 2. Smelting");
    let step = bytes_for(&mut pty, "\r", "Step 2 of 5");
    pty.send("1\r1\r\t");
    pty.wait_for("Step 4 of 5");
    pty.settle(QUIET, LIMIT);
    let char_bytes = bytes_for(&mut pty, "x", "Reference        x");

    let idle_start = Instant::now();
    let mut idle = 0;
    while idle_start.elapsed() < Duration::from_secs(2) {
        idle += pty
            .settle(Duration::from_secs(2), Duration::from_secs(2))
            .len();
    }
    pty.send("\x03");

    println!(
        "start to first frame: {:.1} ms (goal <= 50 ms)",
        start.as_secs_f64() * 1000.0
    );
    println!("typing one character: {char_bytes} B (goal <= 64 B)");
    println!("moving the highlight: {highlight} B (goal <= 200 B)");
    println!("changing step:        {step} B (goal <= 3 KB)");
    println!("idle over 2 s:        {idle} B (goal 0 B)");
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

#[test]
#[ignore = "benchmark: prints figures"]
fn frame_time_at_200x50() {
    let mut app = at_result([8, 5, 8]);
    update(&mut app, Action::Resize(200, 50));
    let options = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 200, 50)),
    };
    let mut terminal =
        Terminal::with_options(CrosstermBackend::new(std::io::sink()), options).expect("terminal");
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
        "frame (update + render + diff + encode) at 200x50, result screen: {:.3} ms (goal <= 1 ms)",
        per_frame.as_secs_f64() * 1000.0
    );
}
