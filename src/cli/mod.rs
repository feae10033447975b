//! The command line: argument definitions, `.env` loading, and dispatch to the
//! subcommands. Output formats live in `render`; each subcommand in its own file.

mod check;
mod doctor;
mod duties;
mod hash_password;
mod help;
mod lang;
mod oneshot;
mod progress;
mod reload;
mod render;
mod report;
mod run;
mod space_action;
mod test_alert;
mod usage_error;

use std::path::Path;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::app::BuildError;
use crate::config::{Config, ConfigError};
use crate::domain::{Observation, Verdict};

pub use check::CheckArgs;
pub use report::ReportArgs;
pub use space_action::{ActionArgs, SpaceAction};

/// Exit statuses of `spacewarden check` (DESIGN.md), shared with startup errors.
pub const EXIT_OK: u8 = 0;
pub const EXIT_ATTENTION: u8 = 1;
pub const EXIT_CONFIG: u8 = crate::app::EXIT_CONFIG;
pub const EXIT_UNCHECKED: u8 = 3;

/// The exit status of a check (`check`, `check --repair`): 1 when a Space is down, degraded or broken; else 2 when a Space could not
/// be checked for a configuration reason (credentials, unknown Space); else 3 when
/// one was unreachable; else 0. A Space that needs attention comes first: that is
/// what a cron wrapper exists to report.
pub fn exit_status(observations: &[Observation]) -> u8 {
    if observations.iter().any(|o| o.verdict().needs_attention()) {
        EXIT_ATTENTION
    } else if observations
        .iter()
        .any(|o| o.failure().is_some_and(|f| f.is_configuration()))
    {
        EXIT_CONFIG
    } else if observations
        .iter()
        .any(|o| o.verdict() == Verdict::Unreachable)
    {
        EXIT_UNCHECKED
    } else {
        EXIT_OK
    }
}

const ENVIRONMENT_HELP: &str = "\
Configuration comes from the environment (a .env file in the working directory is read
when present):
  HF_TOKEN              Hub token for every owner without its own (alias: HF_API_TOKEN)
  HF_USER               owner:token,owner2:token2 (empty token: use HF_TOKEN)
  SPACES                comma list of owner/name or owner/*
  SPACE_LIST, USERNAME  migration: bare names in SPACE_LIST get USERNAME as owner
  HF_USERNAMES          migration, when SPACES is unset: owners, each watched as owner/*
  REPO_ID               migration (keep-alive workflow): one owner/name added to the watch list
  HF_ENDPOINT           the Hub [default: https://huggingface.co]
  HF_SPACES_API_URL     live-metrics host [default: https://api.hf.space]
  HF_APP_URL_TEMPLATE   where an app answers [default: https://{subdomain}.hf.space]
  HF_TIMEOUT            timeout of each Hub request [default: 15s]
  CHECK_SCHEDULE        cron, 5 fields (minute first) or 6 (seconds first) [default: */5 * * * *]
  DATABASE_URL          the store [default: sqlite://spacewarden.db]
  SPACEWARDEN_CONFIG    TOML file with per-Space probe settings
  GLOBAL_TIMEOUT_SECONDS  the default --timeout of check --repair, restart and rebuild
                        [default: 1800]
  RUST_LOG              log filter [default: info]
Chat, alert and HTTP settings (TELEGRAM_*, DISCORD_*, ALERT_WEBHOOK_URL, the alert channels
DINGTALK_*, FEISHU_*, WECOM_*, SERVERCHAN_*, PUSHPLUS_*, BARK_*, NTFY_*, GOTIFY_*, API_KEY,
PORT, WEB_USERNAME, WEB_PASSWORD_HASH, TRUSTED_PROXIES, WEB_LIVE_STREAMS) are listed in the
README; `spacewarden doctor` prints what was understood of them.";

/// spacewarden keeps Hugging Face Spaces alive: it checks every watched Space through
/// the Hub API and by probing its app, and records every result in SQLite.
#[derive(Debug, Parser)]
#[command(version, after_help = ENVIRONMENT_HELP)]
pub struct Cli {
    /// What to do; without one, `run`.
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the daemon (the default): check on CHECK_SCHEDULE, repair what is broken
    /// (restart, then factory rebuild, then give up and alert), wake sleeping Spaces,
    /// deliver alerts (stdout, ALERT_WEBHOOK_URL), and serve the status page, the JSON
    /// API (with API_KEY) and /metrics on PORT [default: 7860]. Stops cleanly on
    /// SIGTERM/Ctrl-C; re-reads SPACEWARDEN_CONFIG and .env on SIGHUP. One daemon per
    /// SQLite file: a second on the same DATABASE_URL exits 2, naming the first.
    Run(RunArgs),
    /// Check every watched Space once, print the result, store it (not beside a
    /// running daemon on the same SQLite file, which must see changes first), and exit with a
    /// status for cron or CI: 0 all fine; 1 a Space is down, degraded or has a broken
    /// configuration; 2 a configuration or authentication problem; 3 some Space could
    /// not be checked (the Hub was unreachable). No chat token is needed, and public
    /// Spaces need no HF token. With --repair, also repair and wake as the daemon does,
    /// wait for the outcomes (at most --timeout), deliver the alerts, and print and
    /// exit on the final state: the keep-alive job for cron or GitHub Actions.
    Check(CheckArgs),
    /// Write a static site from the store, for GitHub Pages or any file host:
    /// index.html (the status page: verdicts, uptime, incidents, actions; read-only,
    /// no outside assets), data.json (the same facts as JSON) and, with --space-pages,
    /// a page per Space. Exits 0 when written, 1 when the store cannot be read or the
    /// files cannot be written, 2 for a configuration problem.
    Report(ReportArgs),
    /// Restart one Space now, as a person asking (recorded and audited with the actor
    /// `cli`; no automatic cap holds it back), wait for the outcome (at most --timeout),
    /// deliver the alerts, print the outcome, and exit 0 when the Space is back, 1 when
    /// it is not. Refused with exit 2 while a daemon holds the database: ask the daemon.
    Restart(ActionArgs),
    /// Factory-rebuild one Space now (no build cache), as `restart` does a restart.
    Rebuild(ActionArgs),
    /// Ask the running daemon's /healthz on 127.0.0.1:PORT and exit 0 when it
    /// answers 200, 1 otherwise (the container's HEALTHCHECK: the image has no curl).
    Healthcheck,
    /// Print what was understood from the environment, .env and SPACEWARDEN_CONFIG
    /// (watch list and where each entry came from, aliases read, warnings), then check
    /// it without acting on any Space: each owner's token (whoami), the chat bots, that
    /// each alert destination can be reached (a connect only), and the store. Exits 0
    /// when nothing would fail, 1 otherwise (a configuration run would refuse included).
    Doctor,
    /// Read a password from stdin and print its argon2 hash (a PHC string) for
    /// WEB_PASSWORD_HASH, which turns on sign-in on the page with WEB_USERNAME.
    HashPassword,
    /// Send one clearly marked test alert through the outbox to DESTINATION (or every
    /// configured one) and print, per destination, delivered or failed and why. Exit 0
    /// when all delivered, 1 otherwise, 2 for a configuration problem.
    TestAlert(test_alert::TestAlertArgs),
}

#[derive(Debug, Default, clap::Args)]
pub struct RunArgs {
    /// Run this many cycles back to back, ignoring CHECK_SCHEDULE, then exit (for
    /// benchmarks and soak tests).
    #[arg(long, hide = true, value_name = "N")]
    pub bench_cycles: Option<u64>,
}

/// Reads `.env` from the working directory when there is one. Variables already set
/// in the environment win.
pub fn load_dotenv() -> Result<(), DotenvError> {
    let path = Path::new(".env");
    if !path.exists() {
        return Ok(());
    }
    // What the file gives, the environment not: a reload (SIGHUP) reads these again.
    reload::note_dotenv(path);
    dotenvy::from_path(path)?;
    Ok(())
}

/// A `.env` that cannot be read: at start an exit 2, on reload a refusal. The line's
/// text is never shown (it may hold a token), only where it is.
#[derive(Debug, thiserror::Error)]
pub enum DotenvError {
    #[error(".env: cannot parse the line at byte {0}")]
    Line(usize),
    #[error(".env: {0}")]
    Read(dotenvy::Error),
}

impl From<dotenvy::Error> for DotenvError {
    fn from(e: dotenvy::Error) -> DotenvError {
        match e {
            dotenvy::Error::LineParse(_, index) => DotenvError::Line(index),
            other => DotenvError::Read(other),
        }
    }
}

/// The command line, with `--help` and clap's errors in the process's language. It is
/// read before `.env` (a broken `.env` must not hide `--help`), so they follow the
/// environment only: `SPACEWARDEN_LANG`, else the POSIX locale. A command line that
/// parses never loads a message: only help or a mistake is parsed again, translated.
pub fn parse() -> Cli {
    let parsed = Cli::command()
        .try_get_matches()
        .and_then(|matches| Cli::from_arg_matches(&matches));
    let error = match parsed {
        Ok(cli) => return cli,
        Err(error) => error,
    };
    let lang = lang::lang();
    if lang == crate::i18n::Lang::EN || error.kind() == clap::error::ErrorKind::DisplayVersion {
        error.exit()
    }
    match help::command(lang).try_get_matches() {
        Err(translated) => translated.apply::<usage_error::Localized>().exit(),
        // The same arguments cannot parse now; shown as clap said it if they did.
        Ok(_) => error.exit(),
    }
}

/// The configuration from the environment (after `.env`), which also sets the language
/// and zone of this run's human output: the one place the command line takes them from.
fn config() -> Result<Config, ConfigError> {
    let config = Config::from_env()?;
    lang::set(config.locale);
    Ok(config)
}

/// The configuration from the environment, refused when it watches nothing (`run`,
/// `report`; `check` may be given Spaces on the command line instead).
fn watched_config() -> Result<Config, BuildError> {
    let config = config()?;
    if config.watch.is_empty() {
        return Err(BuildError::NothingToWatch { or_flag: None });
    }
    Ok(config)
}

/// Runs the chosen subcommand and returns the process exit status.
pub async fn run(cli: Cli) -> u8 {
    match cli.command {
        None => run::run(RunArgs::default()).await,
        Some(Command::Run(args)) => run::run(args).await,
        Some(Command::Check(args)) => check::run(args).await,
        Some(Command::Report(args)) => report::run(args).await,
        Some(Command::Restart(args)) => space_action::run(SpaceAction::Restart, args).await,
        Some(Command::Rebuild(args)) => space_action::run(SpaceAction::Rebuild, args).await,
        Some(Command::Healthcheck) => healthcheck().await,
        Some(Command::HashPassword) => hash_password::run(),
        Some(Command::Doctor) => doctor::run().await,
        Some(Command::TestAlert(args)) => test_alert::run(args).await,
    }
}

async fn healthcheck() -> u8 {
    let port = match std::env::var("PORT").ok().filter(|p| !p.trim().is_empty()) {
        None => 7860,
        Some(text) => match text.trim().parse::<u16>() {
            Ok(port) if port != 0 => port,
            _ => {
                eprintln!("error: PORT: \"{text}\" is not a fixed port number (1-65535)");
                return EXIT_CONFIG;
            }
        },
    };
    match crate::web::check_health(port, std::time::Duration::from_secs(3)).await {
        Ok(()) => {
            println!("ok");
            EXIT_OK
        }
        Err(why) => {
            eprintln!("unhealthy: {why}");
            EXIT_ATTENTION
        }
    }
}
