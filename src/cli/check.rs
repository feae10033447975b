//! `spacewarden check`: one cycle, printed as a table or JSON, stored, and turned
//! into an exit status. With `--repair`, the daemon's work in one run (`oneshot`).

use std::time::Duration;

use clap::Args;

use super::{EXIT_UNCHECKED, exit_status, oneshot, render};
use crate::app::{App, BuildError, Purpose};
use crate::config::MAX_RUN_TIMEOUT;
use crate::domain::WatchTarget;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print one JSON array (an object per Space) instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Check this Space (owner/name, or owner/* for all of an owner's Spaces) instead
    /// of the configured watch list. Repeat for several.
    #[arg(long = "space", value_name = "OWNER/NAME", value_parser = parse_target)]
    pub spaces: Vec<WatchTarget>,

    /// Then repair what is broken as the daemon does (restart, factory rebuild, give up
    /// and alert; the same caps; recorded as done by `cli`), wake sleeping Spaces with
    /// keep-alive on, wait for the outcomes, deliver the alerts raised (ALERT lines on
    /// stderr, ALERT_WEBHOOK_URL, Telegram, Discord: sending only, no bot is started),
    /// and print and exit on the final state. Progress goes to stderr.
    #[arg(long)]
    pub repair: bool,

    /// How long `--repair` may take in all, alert delivery included (e.g. 30m, 1h30m,
    /// 900). Repairs still running then are resumed by the next run; undelivered
    /// alerts stay queued for it. [default: GLOBAL_TIMEOUT_SECONDS, else 30m]
    #[arg(long, value_name = "DURATION", requires = "repair", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

/// The default `--timeout` when neither the flag nor `GLOBAL_TIMEOUT_SECONDS` is set.
pub const DEFAULT_RUN_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// A `--space` entry; why it is not one is said in the process's language.
fn parse_target(text: &str) -> Result<WatchTarget, String> {
    WatchTarget::parse(text).map_err(|e| e.sentence().in_lang(super::lang::lang()))
}

/// A `--timeout` that is not a duration from 1s to 24h, said in the process's language
/// (clap prints it while parsing, before any configuration).
#[derive(Debug)]
pub(super) struct BadTimeout(String);

impl std::fmt::Display for BadTimeout {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&crate::t!(
            super::lang::lang(),
            "cli-bad-timeout",
            value = self.0.as_str()
        ))
    }
}

impl std::error::Error for BadTimeout {}

pub(super) fn parse_timeout(text: &str) -> Result<Duration, BadTimeout> {
    crate::domain::parse_duration(text)
        .ok()
        .filter(|d| !d.is_zero() && *d <= MAX_RUN_TIMEOUT)
        .ok_or_else(|| BadTimeout(text.to_owned()))
}

pub async fn run(args: CheckArgs) -> u8 {
    let config = match super::config() {
        Ok(config) => config,
        Err(e) => return BuildError::from(e).report(),
    };
    let targets = if args.spaces.is_empty() {
        config.watch.to_vec()
    } else {
        args.spaces
    };
    if targets.is_empty() {
        return BuildError::NothingToWatch {
            or_flag: Some("--space"),
        }
        .report();
    }
    if args.repair {
        let timeout = args
            .timeout
            .or(config.run_timeout)
            .unwrap_or(DEFAULT_RUN_TIMEOUT);
        return oneshot::run(config, &targets, args.json, timeout).await;
    }
    // A plain check beside a daemon runs without storing (`Purpose::Check`).
    let app = match App::build(config, Purpose::Check).await {
        Ok(app) => app,
        Err(e) => return e.report(),
    };
    let status = check_once(&app, &targets, args.json).await;
    // The database file alone is complete afterwards, for a job cache to carry.
    app.close().await;
    status
}

/// One cycle, stored unless a daemon holds the database; no alerts, no repairs.
async fn check_once(app: &App, targets: &[WatchTarget], json: bool) -> u8 {
    let cycle = if app.stored {
        app.monitor.run_cycle(targets).await
    } else {
        app.monitor.check_unstored(targets).await
    };
    let observations = match cycle {
        Ok(observations) => observations,
        Err(e) => {
            eprintln!(
                "{}",
                crate::t!(super::lang::lang(), "cli-error", error = e.to_string())
            );
            return EXIT_UNCHECKED;
        }
    };
    if json {
        println!("{}", render::json(&observations));
    } else {
        print!("{}", render::table(&observations, super::lang::locale()));
    }
    exit_status(&observations)
}
