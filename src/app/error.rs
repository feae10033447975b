//! Why an application could not be built, and the exit status each reason gives. The
//! README's exit tables promise 2 for every startup problem ("a configuration or
//! authentication problem"), whichever subcommand meets it; the match below names each
//! variant so a new one has to choose.

use crate::app::lock::LockError;
use crate::config::ConfigError;
use crate::store::StoreError;

/// The status of a configuration or startup problem (README, "exit" tables).
pub const EXIT_CONFIG: u8 = 2;

/// A startup problem: one line to print, then exit with `exit_code`.
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A variable or the settings file does not parse.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// No Space to watch. `or_flag` names the command line's way out (`check --space`).
    #[error("SPACES: nothing to watch; set SPACES (owner/name or owner/*){}", or_flag.unwrap_or(""))]
    NothingToWatch { or_flag: Option<&'static str> },
    /// Another process acts on this SQLite file. `advice` says what a one-shot could
    /// do instead; `None` is a second daemon.
    #[error("DATABASE_URL: {error}{}", locked_advice(*advice))]
    Locked {
        error: LockError,
        advice: Option<&'static str>,
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
        advice: &'static str,
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

    /// Prints the one line (`error: …`) on stderr and returns the exit status.
    pub fn report(&self) -> u8 {
        eprintln!("error: {self}");
        self.exit_code()
    }
}

/// The rest of a `Locked` line: why two daemons must not share a database, or what a
/// one-shot can do instead while the daemon runs.
fn locked_advice(advice: Option<&str>) -> String {
    match advice {
        None => "; two daemons on one database would both repair and alert: stop the other one, \
                 or give this one a DATABASE_URL of its own"
            .to_owned(),
        Some(advice) => format!(": it repairs what is broken; {advice}"),
    }
}
