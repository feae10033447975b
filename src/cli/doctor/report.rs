//! Doctor's output: sections of marked lines, printed as they come, and the count of
//! problems that decides the exit status. Every line is a [`Sentence`] (a message id
//! and its arguments), printed in the process's language: nothing a person reads here
//! is a bare English string.

use crate::cli::lang::lang;
use crate::cli::{EXIT_ATTENTION, EXIT_OK};
use crate::config::Sentence;
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
    pub(super) fn ok(&mut self, line: Sentence) {
        line_with("ok  ", &line);
    }

    /// Understood; nothing to check.
    pub(super) fn info(&mut self, line: Sentence) {
        line_with("-   ", &line);
    }

    /// Works, but probably not as meant.
    pub(super) fn warn(&mut self, line: Sentence) {
        self.warnings += 1;
        line_with("warn", &line);
    }

    /// Would fail.
    pub(super) fn problem(&mut self, line: Sentence) {
        self.problems += 1;
        line_with("FAIL", &line);
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

/// One line in the process's language. Outside text in it (a Hub user name, an
/// error) is on one line already: a sentence's text arguments lose control characters.
fn line_with(mark: &str, line: &Sentence) {
    let text = crate::config::without_controls(&line.in_lang(lang()));
    println!("  {mark}  {text}");
}
