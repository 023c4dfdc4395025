//! The terminal at the edge: raw mode and the alternate screen behind an RAII guard, a panic
//! hook that restores the terminal before the message prints, a wait for input that also
//! wakes on SIGWINCH and the stop signals (SIGTERM, SIGHUP, SIGINT, SIGQUIT) and reports a
//! hung-up terminal instead of spinning, and a watchdog that ends the process cleanly when
//! a stop finds the main loop too busy (or stuck in crossterm's reader) to act on it.

use std::io::{self, Read, Stdout, Write};
use std::mem::ManuallyDrop;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::time::Duration;

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
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGWINCH};
use unicode_width::UnicodeWidthStr;

pub type Tui = Terminal<CrosstermBackend<Stdout>>;

/// Undo every mode we set; safe to call more than once. A frame cut short (a panic in the
/// view, the watchdog taking over) is closed first, or the terminal could hold back what
/// follows; the alternate screen is left last, so a restored terminal's output ends with
/// `ESC [ ? 1049 l`.
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

/// Why the workbench stops although the officer did not quit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGHUP, or the terminal hung up (EOF/EIO).
    HangUp,
    /// SIGTERM.
    Terminate,
    /// SIGINT from outside: in raw mode Ctrl-C is a key, not a signal.
    Interrupt,
    /// SIGQUIT from outside.
    Quit,
}

impl Stop {
    /// In the order they are acted on when several are pending.
    const ALL: [Stop; 4] = [Stop::HangUp, Stop::Terminate, Stop::Interrupt, Stop::Quit];

    fn signal(self) -> i32 {
        match self {
            Stop::HangUp => SIGHUP,
            Stop::Terminate => SIGTERM,
            Stop::Interrupt => SIGINT,
            Stop::Quit => SIGQUIT,
        }
    }

    /// The exit status, as a shell reports death by the signal (128 + its number).
    pub fn status(self) -> u8 {
        match self {
            Stop::HangUp => 129,
            Stop::Interrupt => 130,
            Stop::Quit => 131,
            Stop::Terminate => 143,
        }
    }
}

/// One flag per stop signal, set by signal-hook's handler and read by both threads.
#[derive(Clone)]
struct StopFlags([Arc<AtomicBool>; 4]);

impl StopFlags {
    fn register() -> io::Result<StopFlags> {
        let flags = StopFlags(std::array::from_fn(|_| Arc::new(AtomicBool::new(false))));
        for (stop, flag) in Stop::ALL.into_iter().zip(&flags.0) {
            signal_hook::flag::register(stop.signal(), Arc::clone(flag))?;
        }
        Ok(flags)
    }

    fn pending(&self) -> Option<Stop> {
        Stop::ALL
            .into_iter()
            .zip(&self.0)
            .find(|(_, flag)| flag.load(Ordering::SeqCst))
            .map(|(stop, _)| stop)
    }
}

/// Why the wait for input ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// Input (or a resize) is ready for crossterm to read.
    Input,
    /// Keep the draft, restore the terminal and exit with the stop's status.
    Stop(Stop),
}

/// Blocks until input, a signal, a hang-up or a [`Waiter::waker`] call, with no timeout: an
/// idle workbench uses no CPU and writes nothing.
pub struct Waiter {
    tty: TtyHandle,
    wake_read: UnixStream,
    /// The other end, for work done on another thread to wake the loop (see `waker`).
    wake_write: UnixStream,
    stops: StopFlags,
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

    fn try_clone(&self) -> io::Result<TtyHandle> {
        Ok(match self {
            TtyHandle::Stdin(_) => TtyHandle::Stdin(io::stdin()),
            TtyHandle::Dev(f) => TtyHandle::Dev(f.try_clone()?),
        })
    }
}

/// Whether poll saw the terminal go away.
fn hung_up(revents: PollFlags) -> bool {
    revents.intersects(PollFlags::HUP | PollFlags::ERR | PollFlags::NVAL)
}

/// Empty a non-blocking wake-up socket.
fn drain(wake: &mut UnixStream) {
    let mut sink = [0u8; 64];
    while matches!(wake.read(&mut sink), Ok(n) if n > 0) {}
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
        // The flags first: signal-hook runs a signal's actions in the order they were
        // registered, so a wake-up always finds its flag set.
        let stops = StopFlags::register()?;
        for stop in Stop::ALL {
            signal_hook::low_level::pipe::register(stop.signal(), wake_write.try_clone()?)?;
        }
        signal_hook::low_level::pipe::register(SIGWINCH, wake_write.try_clone()?)?;
        Ok(Waiter {
            tty,
            wake_read,
            wake_write,
            stops,
        })
    }

    /// Something another thread calls when its work is done: the waiting loop wakes as for
    /// input and finds it. A full socket already holds a wake-up, so a failed write loses
    /// nothing.
    pub fn waker(&self) -> io::Result<impl Fn() + Send + Sync + 'static> {
        let wake = self.wake_write.try_clone()?;
        wake.set_nonblocking(true)?;
        Ok(move || {
            let _ = (&wake).write(&[1]);
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

    /// What is ready now, without waiting: between queued keys, before crossterm reads
    /// again, and for work done between keys (loading the history).
    pub fn ready(&mut self) -> Option<Wake> {
        self.wait_up_to(Some(&rustix::event::Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        }))
    }

    /// Wait at most `timeout` (None: for ever); None when it passed with nothing to do.
    fn wait_up_to(&mut self, timeout: Option<&rustix::event::Timespec>) -> Option<Wake> {
        loop {
            if let Some(stop) = self.stops.pending() {
                return Some(Wake::Stop(stop));
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
                Err(_) => return Some(Wake::Stop(Stop::HangUp)),
            }
            let tty = fds[0].revents();
            let woken = !fds[1].revents().is_empty();
            if woken {
                drain(&mut self.wake_read);
            }
            if let Some(stop) = self.stops.pending() {
                return Some(Wake::Stop(stop));
            }
            if hung_up(tty) {
                return Some(Wake::Stop(Stop::HangUp));
            }
            if tty.contains(PollFlags::IN) || woken {
                return Some(Wake::Input);
            }
            if timeout.is_some() {
                return None;
            }
        }
    }
}

/// How long the main loop has to act on a stop itself before the watchdog does.
const GRACE: Duration = Duration::from_millis(500);

// Who ends the process once a stop came: nobody yet, the main loop, or the watchdog. It
// changes once, so the draft is written and the terminal restored by one thread only.
const RUNNING: u8 = 0;
const MAIN_LOOP: u8 = 1;
const WATCHDOG: u8 = 2;

/// A thread that watches the stop signals and the terminal while the main loop is busy (a
/// long history load or save) or stuck (crossterm spinning on a terminal that hung up
/// between two reads). The main loop normally acts on a stop itself within milliseconds;
/// if it has not taken over after `GRACE`, the watchdog keeps the latest published draft,
/// restores the terminal and exits with the stop's status.
pub struct Watchdog {
    ending: Arc<AtomicU8>,
}

impl Watchdog {
    /// Start watching. `keep` saves the draft the main loop last published; it runs only
    /// if the watchdog ends the process.
    pub fn spawn(waiter: &Waiter, keep: impl FnOnce() + Send + 'static) -> io::Result<Watchdog> {
        let tty = waiter.tty.try_clone()?;
        let stops = waiter.stops.clone();
        let (mut wake_read, wake_write) = UnixStream::pair()?;
        wake_read.set_nonblocking(true)?;
        for stop in Stop::ALL {
            signal_hook::low_level::pipe::register(stop.signal(), wake_write.try_clone()?)?;
        }
        let ending = Arc::new(AtomicU8::new(RUNNING));
        let theirs = Arc::clone(&ending);
        std::thread::Builder::new()
            .name("watchdog".to_string())
            .spawn(move || {
                let Some(stop) = watch(&tty, &mut wake_read, &stops) else {
                    return;
                };
                std::thread::sleep(GRACE);
                if claim(&theirs, WATCHDOG) {
                    keep();
                    exit_restored(stop.status());
                }
            })?;
        Ok(Watchdog { ending })
    }

    /// The main loop ends the process itself (quit, stop or failure). False when the
    /// watchdog already is: the caller must then leave the draft and the terminal alone.
    pub fn stand_down(&self) -> bool {
        claim(&self.ending, MAIN_LOOP)
    }
}

fn claim(ending: &AtomicU8, by: u8) -> bool {
    ending
        .compare_exchange(RUNNING, by, Ordering::SeqCst, Ordering::SeqCst)
        .is_ok()
}

/// Block until a stop signal arrives or the terminal hangs up. No timeout, so an idle
/// workbench costs nothing; None if the terminal cannot be watched at all.
fn watch(tty: &TtyHandle, wake: &mut UnixStream, stops: &StopFlags) -> Option<Stop> {
    loop {
        if let Some(stop) = stops.pending() {
            return Some(stop);
        }
        let tty_fd = tty.fd();
        // No events asked of the terminal: input must not wake this thread, and poll
        // reports a hang-up (HUP, ERR, NVAL) whatever was asked.
        let mut fds = [
            PollFd::new(&tty_fd, PollFlags::empty()),
            PollFd::new(wake, PollFlags::IN),
        ];
        match poll(&mut fds, None) {
            Ok(_) | Err(rustix::io::Errno::INTR) => {}
            Err(_) => return None,
        }
        if hung_up(fds[0].revents()) {
            return Some(stops.pending().unwrap_or(Stop::HangUp));
        }
        drain(wake);
    }
}

/// Restore the terminal and exit, from the watchdog while the main thread is still busy.
/// The stdout lock is held to the end, so the main thread cannot write after the restore.
fn exit_restored(status: u8) -> ! {
    let stdout = io::stdout();
    let _held = stdout.lock();
    let _ = restore();
    std::process::exit(i32::from(status))
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
