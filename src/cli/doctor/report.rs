//! Doctor's output: sections of marked lines, printed as they come, and the count of
//! problems that decides the exit status.

use crate::cli::{EXIT_ATTENTION, EXIT_OK};

/// The report being printed.
pub(super) struct Report {
    problems: usize,
    warnings: usize,
}

impl Report {
    pub(super) fn new() -> Report {
        println!("spacewarden doctor: what was understood, checked without acting on any Space");
        Report {
            problems: 0,
            warnings: 0,
        }
    }

    pub(super) fn section(&mut self, title: &str) {
        println!("\n{title}");
    }

    /// Checked and fine.
    pub(super) fn ok(&mut self, line: impl AsRef<str>) {
        line_with("ok  ", line.as_ref());
    }

    /// Understood; nothing to check.
    pub(super) fn info(&mut self, line: impl AsRef<str>) {
        line_with("-   ", line.as_ref());
    }

    /// Works, but probably not as meant.
    pub(super) fn warn(&mut self, line: impl AsRef<str>) {
        self.warnings += 1;
        line_with("warn", line.as_ref());
    }

    /// Would fail.
    pub(super) fn problem(&mut self, line: impl AsRef<str>) {
        self.problems += 1;
        line_with("FAIL", line.as_ref());
    }

    /// The summary line and the exit status.
    pub(super) fn finish(self) -> u8 {
        match self.problems {
            0 => {
                println!(
                    "\nNothing would fail ({}).",
                    count(self.warnings, "warning")
                );
                EXIT_OK
            }
            n => {
                println!(
                    "\n{} would make spacewarden fail ({}).",
                    count(n, "problem"),
                    count(self.warnings, "warning")
                );
                EXIT_ATTENTION
            }
        }
    }
}

fn count(n: usize, what: &str) -> String {
    format!("{n} {what}{}", if n == 1 { "" } else { "s" })
}

/// Outside text (a Hub user name, an error) on one line, without control characters.
fn line_with(mark: &str, text: &str) {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    println!("  {mark}  {clean}");
}
