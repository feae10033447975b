//! Doctor's output: sections of marked lines, printed as they come, and the count of
//! problems that decides the exit status.

use crate::cli::lang::lang;
use crate::cli::{EXIT_ATTENTION, EXIT_OK};
use crate::t;

/// The report being printed.
pub(super) struct Report {
    problems: usize,
    warnings: usize,
}

impl Report {
    pub(super) fn new() -> Report {
        println!("{}", t!(lang(), "cli-doctor-title"));
        Report {
            problems: 0,
            warnings: 0,
        }
    }

    /// A section headed by the message `id`.
    pub(super) fn section(&mut self, id: &str) {
        println!("\n{}", t!(lang(), id));
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
        let (problems, warnings) = (self.problems, self.warnings);
        let warnings = t!(lang(), "cli-doctor-warnings", count = warnings);
        let line = t!(
            lang(),
            "cli-doctor-summary",
            problems = problems,
            warnings = warnings
        );
        println!("\n{line}");
        if problems == 0 {
            EXIT_OK
        } else {
            EXIT_ATTENTION
        }
    }
}

/// Outside text (a Hub user name, an error) on one line, without control characters.
fn line_with(mark: &str, text: &str) {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    println!("  {mark}  {clean}");
}
