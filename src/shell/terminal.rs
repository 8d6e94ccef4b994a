//! The one owner of the terminal: raw mode, the alternate screen, focus
//! reports (for notifications) and mouse capture, restored on every exit path (return, error, panic, SIGTERM,
//! SIGHUP), and Ctrl-Z suspension with a full redraw on `fg`.

use crossterm::{cursor, event, execute, terminal};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::{self, Stdout, Write};
use std::mem::ManuallyDrop;
use std::sync::atomic::{AtomicBool, Ordering};

pub type Term = Terminal<CrosstermBackend<Stdout>>;

/// Set while the terminal is in raw mode, so the panic hook knows to restore it.
static ACTIVE: AtomicBool = AtomicBool::new(false);

/// The terminal in raw mode on the alternate screen; restored when dropped.
pub struct TerminalGuard {
    /// Dropped by hand: see `drop`.
    pub term: ManuallyDrop<Term>,
    mouse: bool,
    /// What alerts write to this terminal (off unless the loop sets one).
    pub notifier: crate::shell::notify::Notifier,
}

impl TerminalGuard {
    /// Enters raw mode and the alternate screen. Installs (once) a panic hook
    /// that restores the terminal before the panic message is printed.
    pub fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        install_panic_hook();
        enter_raw(mouse)?;
        let term = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok(TerminalGuard {
            term: ManuallyDrop::new(term),
            mouse,
            notifier: crate::shell::notify::Notifier::off(),
        })
    }

    /// Turns mouse capture on or off (off lets the user select and copy text).
    pub fn set_mouse(&mut self, on: bool) -> io::Result<()> {
        if on != self.mouse {
            if on {
                execute!(io::stdout(), event::EnableMouseCapture)?;
            } else {
                execute!(io::stdout(), event::DisableMouseCapture)?;
            }
            self.mouse = on;
        }
        Ok(())
    }

    /// Ctrl-Z: gives the terminal back, stops the process like a shell job,
    /// and on `fg` takes the terminal again and forces a full redraw.
    pub fn suspend(&mut self) -> io::Result<()> {
        restore();
        #[cfg(unix)]
        #[allow(unsafe_code)]
        // SAFETY: kill(0, ..) only sends a signal. Like the terminal's own
        // Ctrl-Z (which raw mode turned off), it goes to the whole foreground
        // process group, so a wrapping shell or script stops too and the
        // user's shell sees the job stop; SIGCONT (`fg`) continues here.
        unsafe {
            libc::kill(0, libc::SIGTSTP);
        }
        enter_raw(self.mouse)?;
        self.term.clear()
    }

    /// Writes raw bytes (a bell, a notification escape) between frames.
    pub fn write_raw(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut out = io::stdout();
        out.write_all(bytes)?;
        out.flush()
    }

    /// Draws one frame inside a synchronized update, so terminals that support
    /// it show the whole frame at once (no flicker).
    /// Draws a frame, then writes the hyperlinks `f` returns over its cells
    /// (`shell/hyperlinks.rs`), in the same synchronized update.
    pub fn draw_linked(
        &mut self,
        f: impl FnOnce(&mut ratatui::Frame) -> Vec<crate::ui::links::Hyperlink>,
    ) -> io::Result<()> {
        let mut out = io::stdout();
        let _ = crossterm::queue!(out, terminal::BeginSynchronizedUpdate);
        let mut links = Vec::new();
        let r = self.term.draw(|frame| links = f(frame)).map(|done| {
            if !links.is_empty() {
                let _ = crate::shell::hyperlinks::write(&mut out, done.buffer, &links);
            }
        });
        let _ = crossterm::queue!(out, terminal::EndSynchronizedUpdate);
        let _ = out.flush();
        r
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
        // ratatui's `Terminal` shows the cursor when dropped and `eprintln!`s
        // if it cannot, which panics when the terminal is gone (SIGHUP, the
        // pty closed). Where the cursor can be shown it is dropped normally;
        // where it cannot, the process is ending and it is left undropped.
        if self.term.show_cursor().is_ok() {
            // SAFETY: `term` is dropped once, here, and never used after.
            #[allow(unsafe_code)]
            unsafe {
                ManuallyDrop::drop(&mut self.term)
            }
        }
    }
}

fn enter_raw(mouse: bool) -> io::Result<()> {
    terminal::enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = io::stdout();
    execute!(
        out,
        terminal::EnterAlternateScreen,
        cursor::Hide,
        event::EnableFocusChange
    )?;
    if mouse {
        execute!(out, event::EnableMouseCapture)?;
    }
    Ok(())
}

/// Leaves raw mode and the alternate screen; safe to call more than once.
pub fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            event::DisableMouseCapture,
            event::DisableFocusChange,
            terminal::EndSynchronizedUpdate,
            terminal::LeaveAlternateScreen,
            cursor::Show
        );
        let _ = terminal::disable_raw_mode();
        let _ = out.flush();
    }
}

fn install_panic_hook() {
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    if INSTALLED.swap(true, Ordering::SeqCst) {
        return;
    }
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        tracing::error!("panic: {info}");
        previous(info);
    }));
}
