//! The terminal at the edge: raw mode and the alternate screen behind an RAII guard, a panic
//! hook that restores the terminal before the message prints, and a wait for input that also
//! wakes on SIGTERM, SIGHUP and SIGWINCH and reports a hung-up terminal instead of spinning.

use std::io::{self, Read, Stdout, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crossterm::event::{DisableBracketedPaste, EnableBracketedPaste};
use crossterm::terminal::{
    EndSynchronizedUpdate, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode,
    enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::backend::Backend;
use ratatui::backend::CrosstermBackend;
use ratatui::buffer::{Buffer, Cell, CellDiffOption};
use ratatui::layout::Position;
use ratatui::{Frame, Terminal};
use rustix::event::{PollFd, PollFlags, poll};
use signal_hook::consts::{SIGHUP, SIGTERM, SIGWINCH};
use unicode_width::UnicodeWidthStr;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Undo every mode we set; safe to call more than once. A frame cut short (a panic in the
/// view) is closed first, or the terminal could hold back what follows; the alternate
/// screen is left last, so a restored terminal's output ends with `ESC [ ? 1049 l`.
pub fn restore() -> io::Result<()> {
    let raw = disable_raw_mode();
    let screen = execute!(
        io::stdout(),
        EndSynchronizedUpdate,
        DisableBracketedPaste,
        cursor::Show,
        LeaveAlternateScreen
    );
    raw.and(screen)
}

/// Owns the terminal while the workbench runs; dropping it restores the terminal.
pub struct Guard {
    /// Never dropped: ratatui's Drop only shows the cursor, which `restore` does, and it
    /// panics (eprintln!) when the terminal has gone away. It holds memory, nothing else.
    pub terminal: ManuallyDrop<Tui>,
    /// Whether the cursor is showing, once a frame has set it.
    cursor_visible: Option<bool>,
    /// The frame on the screen, to diff the next one against.
    last: Buffer,
}

impl Guard {
    /// Raw mode, the alternate screen and bracketed paste (so a pasted line is text, not a
    /// series of Enter presses). The mouse is never captured: copying from the terminal works.
    pub fn start() -> io::Result<Guard> {
        install_panic_hook();
        enable_raw_mode()?;
        let entered = execute!(io::stdout(), EnterAlternateScreen, EnableBracketedPaste)
            .and_then(|()| Terminal::new(CrosstermBackend::new(io::stdout())));
        match entered {
            Ok(terminal) => Ok(Guard {
                terminal: ManuallyDrop::new(terminal),
                cursor_visible: None,
                last: Buffer::default(),
            }),
            Err(e) => {
                let _ = restore();
                Err(e)
            }
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Err(e) = restore() {
            // Not eprintln!, which panics when the terminal has gone away.
            let _ = writeln!(
                io::stderr(),
                "ree-screen: could not fully restore the terminal: {e}"
            );
        }
    }
}

fn install_panic_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let _ = restore();
        previous(info);
    }));
}

/// Why the wait for input ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Input (or a resize) is ready for crossterm to read.
    Input,
    /// SIGTERM: save the draft and exit.
    Terminate,
    /// SIGHUP, or the terminal hung up (EOF/EIO): save the draft and exit.
    HangUp,
}

/// Blocks until input, a signal or a hang-up, with no timeout: an idle workbench uses no CPU
/// and writes nothing.
pub struct Waiter {
    tty: TtyHandle,
    wake_read: UnixStream,
    terminate: Arc<AtomicBool>,
    hang_up: Arc<AtomicBool>,
}

/// The terminal crossterm reads from: stdin when it is a terminal, else /dev/tty.
enum TtyHandle {
    Stdin(io::Stdin),
    Dev(std::fs::File),
}

impl TtyHandle {
    fn fd(&self) -> BorrowedFd<'_> {
        match self {
            TtyHandle::Stdin(s) => s.as_fd(),
            TtyHandle::Dev(f) => f.as_fd(),
        }
    }
}

impl Waiter {
    pub fn new() -> io::Result<Waiter> {
        use std::io::IsTerminal;
        let tty = if io::stdin().is_terminal() {
            TtyHandle::Stdin(io::stdin())
        } else {
            TtyHandle::Dev(std::fs::File::open("/dev/tty")?)
        };
        let (wake_read, wake_write) = UnixStream::pair()?;
        wake_read.set_nonblocking(true)?;
        let terminate = Arc::new(AtomicBool::new(false));
        let hang_up = Arc::new(AtomicBool::new(false));
        signal_hook::flag::register(SIGTERM, Arc::clone(&terminate))?;
        signal_hook::flag::register(SIGHUP, Arc::clone(&hang_up))?;
        for signal in [SIGTERM, SIGHUP, SIGWINCH] {
            signal_hook::low_level::pipe::register(signal, wake_write.try_clone()?)?;
        }
        Ok(Waiter {
            tty,
            wake_read,
            terminate,
            hang_up,
        })
    }

    /// Wait for the next thing to do. Crossterm's own reader loops forever on EOF/EIO, so a
    /// hung-up terminal (POLLHUP/POLLERR) is caught here before crossterm reads.
    pub fn wait(&mut self) -> Wake {
        loop {
            if let Some(wake) = self.wait_up_to(None) {
                return wake;
            }
        }
    }

    /// What is ready now, without waiting: for work done between keys (loading the history).
    pub fn ready(&mut self) -> Option<Wake> {
        self.wait_up_to(Some(&rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }))
    }

    /// Wait at most `timeout` (None: for ever); None when it passed with nothing to do.
    fn wait_up_to(&mut self, timeout: Option<&rustix::event::Timespec>) -> Option<Wake> {
        loop {
            if let Some(signal) = self.signalled() {
                return Some(signal);
            }
            let tty_fd = self.tty.fd();
            let mut fds = [
                PollFd::new(&tty_fd, PollFlags::IN),
                PollFd::new(&self.wake_read, PollFlags::IN),
            ];
            match poll(&mut fds, timeout) {
                Ok(0) if timeout.is_some() => return None,
                Ok(_) => {}
                Err(rustix::io::Errno::INTR) => continue,
                Err(_) => return Some(Wake::HangUp),
            }
            let tty = fds[0].revents();
            let woken = !fds[1].revents().is_empty();
            if woken {
                let mut sink = [0u8; 64];
                while matches!(self.wake_read.read(&mut sink), Ok(n) if n > 0) {}
            }
            if let Some(signal) = self.signalled() {
                return Some(signal);
            }
            if tty.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL) {
                return Some(Wake::HangUp);
            }
            if tty.contains(PollFlags::IN) || woken {
                return Some(Wake::Input);
            }
            if timeout.is_some() {
                return None;
            }
        }
    }

    fn signalled(&self) -> Option<Wake> {
        if self.hang_up.load(Ordering::Relaxed) {
            Some(Wake::HangUp)
        } else if self.terminate.load(Ordering::Relaxed) {
            Some(Wake::Terminate)
        } else {
            None
        }
    }
}

impl Guard {
    /// Draw one frame inside synchronized output, so slow links never show half a frame.
    /// `render` returns where the caret is; the cursor is shown or hidden only when that
    /// changes, so a key press sends no cursor bytes it does not need.
    pub fn draw(&mut self, render: impl FnOnce(&mut Frame) -> Option<Position>) -> io::Result<()> {
        let terminal = &mut self.terminal;
        crossterm::queue!(
            terminal.backend_mut(),
            crossterm::terminal::BeginSynchronizedUpdate
        )?;
        terminal.autoresize()?;
        let mut frame = terminal.get_frame();
        let caret = render(&mut frame);
        let next = terminal.current_buffer_mut().clone();
        if self.last.area != next.area {
            // A resize cleared the screen.
            self.last = Buffer::empty(next.area);
        }
        terminal
            .backend_mut()
            .draw(bridged(&self.last, &next).into_iter())?;
        self.last = next;
        let visible = caret.is_some();
        if self.cursor_visible != Some(visible) {
            if visible {
                terminal.show_cursor()?;
            } else {
                terminal.hide_cursor()?;
            }
            self.cursor_visible = Some(visible);
        }
        if let Some(position) = caret {
            terminal.set_cursor_position(position)?;
        }
        // Keeps ratatui's own buffers in step (the diff above replaces its `flush`).
        terminal.swap_buffers();
        execute!(
            terminal.backend_mut(),
            crossterm::terminal::EndSynchronizedUpdate
        )?;
        Write::flush(terminal.backend_mut())
    }
}

/// Longest run of unchanged cells rewritten rather than jumped over: a cursor move costs 6 to
/// 8 bytes, a run of plain cells one byte each.
const MAX_BRIDGE: u16 = 5;

/// The cells to write to turn `last` into `next`: ratatui's diff, plus short runs of unchanged
/// cells between two changes on a row when rewriting them is cheaper than moving the cursor
/// (same style as the change before them, so no colour codes are needed, and single width,
/// so no wide character is split).
pub fn bridged<'a>(last: &Buffer, next: &'a Buffer) -> Vec<(u16, u16, &'a Cell)> {
    let plain = |cell: &Cell, like: &Cell| {
        cell.symbol().width() == 1
            && cell.diff_option == CellDiffOption::None
            && cell.style() == like.style()
    };
    let mut out: Vec<(u16, u16, &Cell)> = Vec::new();
    for (x, y, cell) in last.diff_iter(next) {
        if let Some(&(px, py, before)) = out.last() {
            let gap = px.saturating_add(1)..x;
            if py == y
                && !gap.is_empty()
                && x - gap.start <= MAX_BRIDGE
                && before.symbol().width() == 1
                && gap.clone().all(|gx| plain(&next[(gx, y)], before))
            {
                out.extend(gap.map(|gx| (gx, y, &next[(gx, y)])));
            }
        }
        out.push((x, y, cell));
    }
    out
}

#[cfg(test)]
mod tests {
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    use super::*;

    fn row(text: &str) -> Buffer {
        let mut buffer = Buffer::empty(Rect::new(0, 0, 20, 1));
        buffer.set_string(0, 0, text, Style::new());
        buffer
    }

    fn written(last: &Buffer, next: &Buffer) -> Vec<u16> {
        bridged(last, next).into_iter().map(|(x, _, _)| x).collect()
    }

    #[test]
    fn short_unchanged_runs_between_changes_are_rewritten() {
        let last = row("abcdefghijklmnop");
        assert_eq!(written(&last, &row("aXcdeYghijklmnop")), [1, 2, 3, 4, 5]);
        assert_eq!(
            written(&last, &row("aXcdefghiYklmnop")),
            [1, 9],
            "a long run is jumped over"
        );
        let bold_d = |text| {
            let mut buffer = row(text);
            buffer[(3, 0)].set_style(Style::new().bold());
            buffer
        };
        assert_eq!(
            written(&bold_d("abcdefghijklmnop"), &bold_d("aXcdeYghijklmnop")),
            [1, 5],
            "a run in another style is jumped over"
        );
        assert_eq!(
            written(&row("深cdefgh"), &row("圳cdXfgh")),
            [0, 4],
            "no run starts after a wide character"
        );
    }
}
