//! Why a Space is down, as a pure classification: the Hub's `errorMessage` and the
//! last build or run log lines against a table of patterns (the data lives in
//! `cause/table.rs`, extended from `SPACEWARDEN_CONFIG`). The codes and the
//! `{"code", "summary", "evidence"}` shape are part of the public interface
//! (DESIGN.md "Root cause"). No I/O here: the monitor fetches the log lines.

mod table;
mod words;

use std::fmt;
use std::sync::OnceLock;

use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};

use super::{Stage, Verdict};

pub use table::{BUILTIN, default_advice, default_summary};
pub use words::{advice_of, summary_of};

/// A root cause. The snake_case names are public (`check --json`, the API, alerts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CauseCode {
    MissingModule,
    DependencyInstallFailed,
    SyntaxError,
    OutOfMemory,
    PortNotListening,
    GatedOrMissingModel,
    RegistryAuth,
    SchedulingFailure,
    GpuQuota,
    DiskFull,
    /// The fallback when only an exit code is known; the summary carries the code.
    ExitCode,
    Unknown,
}

impl CauseCode {
    pub const ALL: [CauseCode; 12] = [
        CauseCode::MissingModule,
        CauseCode::DependencyInstallFailed,
        CauseCode::SyntaxError,
        CauseCode::OutOfMemory,
        CauseCode::PortNotListening,
        CauseCode::GatedOrMissingModel,
        CauseCode::RegistryAuth,
        CauseCode::SchedulingFailure,
        CauseCode::GpuQuota,
        CauseCode::DiskFull,
        CauseCode::ExitCode,
        CauseCode::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CauseCode::MissingModule => "missing_module",
            CauseCode::DependencyInstallFailed => "dependency_install_failed",
            CauseCode::SyntaxError => "syntax_error",
            CauseCode::OutOfMemory => "out_of_memory",
            CauseCode::PortNotListening => "port_not_listening",
            CauseCode::GatedOrMissingModel => "gated_or_missing_model",
            CauseCode::RegistryAuth => "registry_auth",
            CauseCode::SchedulingFailure => "scheduling_failure",
            CauseCode::GpuQuota => "gpu_quota",
            CauseCode::DiskFull => "disk_full",
            CauseCode::ExitCode => "exit_code",
            CauseCode::Unknown => "unknown",
        }
    }

    pub fn parse(text: &str) -> Option<CauseCode> {
        CauseCode::ALL.into_iter().find(|c| c.as_str() == text)
    }

    /// Hugging Face's side, not the Space's: a factory rebuild cannot help and many
    /// Spaces fail alike (DESIGN.md: platform-side causes wait).
    pub fn is_platform(self) -> bool {
        matches!(
            self,
            CauseCode::SchedulingFailure | CauseCode::RegistryAuth | CauseCode::GpuQuota
        )
    }
}

impl fmt::Display for CauseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A classified cause: `{"code", "summary", "evidence"}`, evidence being the line
/// that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause {
    pub code: CauseCode,
    pub summary: String,
    pub evidence: String,
}

/// One row of the table: lines matching `regex` mean `code`. `summary` may name the
/// first capture group as `{1}` (the exit code).
#[derive(Debug, Clone)]
pub struct CausePattern {
    pub code: CauseCode,
    /// The expression as written, checked by `new`; compiled when a Space that is down
    /// first needs it. A fleet that stays up never does, and the compiled table took
    /// about 0.6 MB (the 400-Space daemon's memory, BENCHMARKS.md).
    pattern: String,
    regex: OnceLock<Option<Regex>>,
    pub summary: String,
}

/// A pattern that does not compile: the pattern, and the last line of the regex
/// crate's explanation.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid pattern {pattern:?}: {reason}")]
pub struct PatternError {
    pub pattern: String,
    pub reason: String,
}

/// Longest evidence kept (a log line can be a whole minified bundle).
const MAX_EVIDENCE: usize = 300;
/// Compiled size allowed for one pattern: generous for any sane expression, and a
/// bound on what a settings file can make every check cycle run.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

impl CausePattern {
    /// Compiles a pattern; the error is one line for the settings file's message.
    pub fn new(
        code: CauseCode,
        pattern: &str,
        summary: &str,
    ) -> Result<CausePattern, PatternError> {
        compile(pattern).map_err(|e| {
            let text = e.to_string();
            let last = text.lines().last().unwrap_or("invalid pattern").trim();
            PatternError {
                pattern: pattern.to_owned(),
                reason: last.to_owned(),
            }
        })?;
        Ok(CausePattern {
            code,
            pattern: pattern.to_owned(),
            regex: OnceLock::new(),
            summary: summary.to_owned(),
        })
    }

    fn matches(&self, line: &str) -> Option<Cause> {
        // It compiled in `new`, with the same limits.
        let regex = self.regex.get_or_init(|| compile(&self.pattern).ok());
        let captures = regex.as_ref()?.captures(line)?;
        let first = captures.get(1).map_or("", |m| m.as_str());
        Some(Cause {
            code: self.code,
            summary: self.summary.replace("{1}", first),
            evidence: evidence(line),
        })
    }
}

fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
}

fn evidence(line: &str) -> String {
    let flat = line.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= MAX_EVIDENCE {
        return flat;
    }
    let mut cut: String = flat.chars().take(MAX_EVIDENCE - 1).collect();
    cut.push('…');
    cut
}

/// The patterns in the order they are tried: the settings file's first (they are
/// the more specific), then the built-in table. Advice per code, overridable.
#[derive(Debug, Clone)]
pub struct CauseTable {
    patterns: Vec<CausePattern>,
    advice: Vec<(CauseCode, String)>,
}

impl Default for CauseTable {
    fn default() -> Self {
        CauseTable::with(Vec::new(), Vec::new())
    }
}

/// What a Space showed when it went bad.
#[derive(Debug, Clone, Copy)]
pub struct CauseInput<'a> {
    pub verdict: Verdict,
    pub stage: Option<&'a Stage>,
    /// The Hub's `errorMessage`.
    pub error: Option<&'a str>,
    /// The last build or run log lines, oldest first.
    pub logs: &'a [String],
}

impl CauseTable {
    /// The built-in table with `extra` patterns tried first and `advice` overrides.
    pub fn with(extra: Vec<CausePattern>, advice: Vec<(CauseCode, String)>) -> CauseTable {
        let mut patterns = extra;
        for (code, pattern, summary) in BUILTIN {
            // The built-in patterns are tested to compile (table tests).
            if let Ok(p) = CausePattern::new(*code, pattern, summary) {
                patterns.push(p);
            }
        }
        CauseTable { patterns, advice }
    }

    /// What to do about `code`, in a sentence.
    pub fn advice(&self, code: CauseCode) -> &str {
        self.advice
            .iter()
            .find(|(c, _)| *c == code)
            .map_or_else(|| default_advice(code), |(_, a)| a.as_str())
    }

    /// The advice the settings file gives for `code`, if it gives one (the owner's
    /// own words, shown as written in every language).
    pub fn own_advice(&self, code: CauseCode) -> Option<&str> {
        self.advice
            .iter()
            .find(|(c, _)| *c == code)
            .map(|(_, a)| a.as_str())
    }

    /// The cause of a Space that is down or broken; `None` for any other verdict.
    ///
    /// The order decides between lines that say different things: the Hub's
    /// `errorMessage` before the logs (it is the platform's own verdict, and the logs
    /// may be an older container's), the most recent log line first, and the bare
    /// exit code only when nothing more specific matched anywhere.
    pub fn classify(&self, input: CauseInput<'_>) -> Option<Cause> {
        if !matches!(input.verdict, Verdict::Down | Verdict::BrokenConfig) {
            return None;
        }
        let error_lines: Vec<&str> = input.error.map_or_else(Vec::new, |e| e.lines().collect());
        let log_lines: Vec<&str> = input.logs.iter().rev().map(String::as_str).collect();
        let specific = |p: &&CausePattern| p.code != CauseCode::ExitCode;
        let fallback = |p: &&CausePattern| p.code == CauseCode::ExitCode;
        for lines in [&error_lines, &log_lines] {
            if let Some(cause) = self.first_match(lines, specific) {
                return Some(cause);
            }
        }
        // Never answered on its port within the start grace: the Hub says nothing,
        // the stage does.
        if input.verdict == Verdict::Down && input.stage == Some(&Stage::AppStarting) {
            return Some(Cause {
                code: CauseCode::PortNotListening,
                summary: default_summary(CauseCode::PortNotListening).to_owned(),
                evidence: "still APP_STARTING after the start grace period".to_owned(),
            });
        }
        for lines in [&error_lines, &log_lines] {
            if let Some(cause) = self.first_match(lines, fallback) {
                return Some(cause);
            }
        }
        let seen = error_lines
            .iter()
            .chain(log_lines.iter())
            .find(|l| !l.trim().is_empty())
            .map_or_else(String::new, |l| evidence(l));
        Some(Cause {
            code: CauseCode::Unknown,
            summary: default_summary(CauseCode::Unknown).to_owned(),
            evidence: seen,
        })
    }

    fn first_match(&self, lines: &[&str], which: impl Fn(&&CausePattern) -> bool) -> Option<Cause> {
        self.patterns
            .iter()
            .filter(which)
            .find_map(|p| lines.iter().find_map(|line| p.matches(line)))
    }
}

#[cfg(test)]
mod tests;
