//! Why an application could not be built, and the exit status each reason gives. The
//! README's exit tables promise 2 for every startup problem ("a configuration or
//! authentication problem"), whichever subcommand meets it; the match below names each
//! variant so a new one has to choose.
//!
//! `Display` is English (logs, tests, scripts that match it); [`BuildError::report`]
//! prints the line in the process's language (`SPACEWARDEN_LANG`, else the POSIX
//! locale), built from message ids (`build-*`, `config-*`). The variable a line names
//! (`TZ`, `PORT`, `DATABASE_URL`) stays as it is: the README and scripts look for it.
//! Outside words (an `io::Error`, sqlx's, the Hub client's) are quoted as they are.

use crate::app::lock::LockError;
use crate::config::{ConfigError, Sentence};
use crate::i18n::Lang;
use crate::store::StoreError;

/// The status of a configuration or startup problem (README, "exit" tables).
pub const EXIT_CONFIG: u8 = 2;

/// A startup problem: one line to print, then exit with `exit_code`.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A variable or the settings file does not parse.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// No Space to watch. `or_flag` names the command line's way out (`--space`).
    #[error("SPACES: nothing to watch; set SPACES (owner/name or owner/*){}", or_flag.map(|f| format!(" or pass {f}")).unwrap_or_default())]
    NothingToWatch { or_flag: Option<&'static str> },
    /// Another process acts on this SQLite file. `advice` says what a one-shot could
    /// do instead; `None` is a second daemon.
    #[error("DATABASE_URL: {error}{}", locked_advice(*advice))]
    Locked {
        error: LockError,
        advice: Option<Advice>,
    },
    /// The lock file itself could not be taken (permissions, a read-only folder).
    #[error("DATABASE_URL: {0}")]
    LockFile(LockError),
    /// The database cannot be opened or migrated.
    #[error("DATABASE_URL: {0}")]
    Store(#[from] StoreError),
    /// Replicas on Postgres: a leader is alive, and a one-shot would act beside it.
    #[error(
        "{command}: replica {holder} leads on this database (heartbeat {age_s} s ago) and repairs \
         what is broken; {advice}"
    )]
    LeaderActing {
        command: &'static str,
        holder: String,
        age_s: i64,
        advice: Advice,
    },
    /// The Hub client cannot be built (a bad endpoint or token header).
    #[error("{0}")]
    Hub(#[from] crate::hub::HubError),
    /// The probe's HTTP client cannot be built.
    #[error("cannot build the HTTP client: {0}")]
    HttpClient(reqwest::Error),
    /// An alert destination cannot be set up.
    #[error("{0}")]
    Destinations(#[from] crate::alerts::destinations::SetupError),
    /// The daemon cannot answer SIGHUP.
    #[error("cannot listen for SIGHUP: {0}")]
    Signal(std::io::Error),
    /// The daemon's port is taken or refused.
    #[error("PORT: cannot listen on port {port}: {source}")]
    Listen { port: u16, source: std::io::Error },
}

impl BuildError {
    /// The exit status for this problem: every one is a startup problem (2).
    pub fn exit_code(&self) -> u8 {
        match self {
            BuildError::Config(_)
            | BuildError::NothingToWatch { .. }
            | BuildError::Locked { .. }
            | BuildError::LockFile(_)
            | BuildError::Store(_)
            | BuildError::LeaderActing { .. }
            | BuildError::Hub(_)
            | BuildError::HttpClient(_)
            | BuildError::Destinations(_)
            | BuildError::Signal(_)
            | BuildError::Listen { .. } => EXIT_CONFIG,
        }
    }

    /// Prints the one line (`error: …`) on stderr, in the process's language, and
    /// returns the exit status.
    pub fn report(&self) -> u8 {
        eprintln!(
            "error: {}",
            self.line_in(crate::config::Locale::from_process_env().lang)
        );
        self.exit_code()
    }

    /// The line after `error: ` in `lang`.
    pub fn line_in(&self, lang: Lang) -> String {
        match self {
            BuildError::Config(e) => e.line_in(lang),
            other => match other.parts() {
                (Some(key), why) => format!("{key}: {}", why.in_lang(lang)),
                (None, why) => why.in_lang(lang),
            },
        }
    }

    /// The variable (or command) the line names, if any, and why.
    fn parts(&self) -> (Option<&'static str>, Sentence) {
        match self {
            BuildError::Config(e) => (Some(e.key), e.why.clone()),
            BuildError::NothingToWatch { or_flag: None } => {
                (Some("SPACES"), Sentence::new("build-nothing-to-watch"))
            }
            BuildError::NothingToWatch {
                or_flag: Some(flag),
            } => (
                Some("SPACES"),
                Sentence::new("build-nothing-to-watch-or-flag").text("flag", flag),
            ),
            BuildError::Locked { error, advice } => {
                let why = super::lock::sentence(error);
                let why = match advice {
                    None => Sentence::new("build-locked-daemon").part("why", why),
                    Some(advice) => Sentence::new("build-locked-one-shot")
                        .part("why", why)
                        .part("advice", advice.sentence()),
                };
                (Some("DATABASE_URL"), why)
            }
            BuildError::LockFile(error) => (Some("DATABASE_URL"), super::lock::sentence(error)),
            BuildError::Store(error) => (Some("DATABASE_URL"), store_sentence(error)),
            BuildError::LeaderActing {
                command,
                holder,
                age_s,
                advice,
            } => (
                Some(command),
                Sentence::new("build-leader-acting")
                    .text("holder", holder)
                    .number("seconds", *age_s)
                    .part("advice", advice.sentence()),
            ),
            BuildError::Hub(e) => (None, outside("build-hub", e)),
            BuildError::HttpClient(e) => (None, outside("build-http-client", e)),
            BuildError::Destinations(e) => {
                (Some(e.variable), outside("build-destination", &e.reason))
            }
            BuildError::Signal(e) => (None, outside("build-signal", e)),
            BuildError::Listen { port, source } => (
                Some("PORT"),
                Sentence::new("build-listen")
                    .number("port", *port)
                    .text("why", source),
            ),
        }
    }
}

/// What a one-shot refused beside a daemon or a leader can do instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Advice {
    /// `check --repair`: a plain check, or the daemon's API.
    CheckRepair,
    /// `restart`, `rebuild`: the daemon's API or chat.
    SpaceAction,
    /// `test-alert`: chat's `/testalert`.
    TestAlert,
}

impl Advice {
    fn sentence(self) -> Sentence {
        match self {
            Advice::CheckRepair => Sentence::new("build-advice-check-repair"),
            Advice::SpaceAction => Sentence::new("build-advice-space-action"),
            Advice::TestAlert => Sentence::new("build-advice-test-alert"),
        }
    }
}

impl std::fmt::Display for Advice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.sentence().fmt(f)
    }
}

/// A sentence whose one argument `why` is outside words (a library's error).
fn outside(id: &'static str, why: impl std::fmt::Display) -> Sentence {
    Sentence::new(id).text("why", why)
}

/// The store's failure at startup; sqlx's words as they are (the URL's password is
/// already redacted by the store).
fn store_sentence(error: &StoreError) -> Sentence {
    match error {
        StoreError::Open { url, source } => Sentence::new("build-store-open")
            .text("url", url)
            .text("why", source),
        StoreError::Migrate(e) => outside("build-store-migrate", e),
        StoreError::Query(e) => outside("build-store-query", e),
        StoreError::NotLeader { held, current } => Sentence::new("build-store-not-leader")
            .number("held", *held)
            .number("current", *current),
    }
}

/// The rest of a `Locked` line: why two daemons must not share a database, or what a
/// one-shot can do instead while the daemon runs.
fn locked_advice(advice: Option<Advice>) -> String {
    match advice {
        None => "; two daemons on one database would both repair and alert: stop the other one, \
                 or give this one a DATABASE_URL of its own"
            .to_owned(),
        Some(advice) => format!(": it repairs what is broken; {advice}"),
    }
}

impl crate::cli::DotenvError {
    /// The line after `error: ` in `lang` (the file's text is never quoted: it may
    /// hold a token).
    pub fn line_in(&self, lang: Lang) -> String {
        let why = match self {
            crate::cli::DotenvError::Line(byte) => Sentence::new("build-dotenv-line")
                .number("byte", i64::try_from(*byte).unwrap_or(i64::MAX)),
            crate::cli::DotenvError::Read(e) => outside("build-dotenv-read", e),
        };
        format!(".env: {}", why.in_lang(lang))
    }
}

impl crate::telemetry::LogInitError {
    /// The line after `error: ` in `lang`; the filter parser's reason as it gives it.
    pub fn line_in(&self, lang: Lang) -> String {
        match self {
            crate::telemetry::LogInitError::Filter { text, reason } => {
                let why = Sentence::new("build-log-filter")
                    .text("value", text)
                    .text("why", reason);
                format!("RUST_LOG: {}", why.in_lang(lang))
            }
            crate::telemetry::LogInitError::Install(why) => {
                outside("build-log-install", why).in_lang(lang)
            }
        }
    }
}

#[cfg(test)]
mod tests;
