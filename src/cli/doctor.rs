//! `spacewarden doctor`: prints what spacewarden understood from the environment,
//! `.env` and `SPACEWARDEN_CONFIG`, then checks it without acting on any Space: each
//! owner's token (`whoami`), the chat bots (`getMe`, `/users/@me`), that every
//! outbound URL can be reached (a connect, never a request that would send), and the
//! store. Exit 0 when nothing would fail, 1 otherwise, a configuration `run` would
//! refuse (exit 2) included: doctor reports it instead of stopping.
//!
//! It reads the configuration itself (`Config::from_process`), not through the
//! builder the other commands share, because it must go on where they stop. Nothing it
//! prints holds a token, a password or a URL's path: variable names, owners and hosts.

mod oauth;
mod reach;
mod report;
mod store;
mod tokens;

use crate::config::{Config, process_typo_warnings};
use crate::domain::WatchTarget;
use report::Report;

/// Runs every check and returns the exit status.
pub(super) async fn run() -> u8 {
    let mut report = Report::new();
    let config = match Config::from_process() {
        Ok(config) => config,
        Err(e) => {
            report.section("cli-doctor-section-configuration");
            report.problem(format!(
                "{e}: `spacewarden run` would refuse to start (exit 2)"
            ));
            for warning in process_typo_warnings() {
                report.warn(warning);
            }
            return report.finish();
        }
    };
    understood(&mut report, &config);
    tokens::check(&mut report, &config).await;
    oauth::check(&mut report, &config).await;
    reach::check(&mut report, &config).await;
    store::check(&mut report, &config).await;
    report.finish()
}

/// What was read: aliases, warnings, the watch list and the sign-in.
fn understood(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-configuration");
    let read: Vec<_> = config
        .origins
        .aliases
        .iter()
        .filter(|a| !a.ignored)
        .collect();
    for alias in &read {
        report.info(alias.to_string());
    }
    let warnings = config.warnings();
    for warning in &warnings {
        report.warn(warning.clone());
    }
    if read.is_empty() && warnings.is_empty() {
        report.ok("no alias used, no warning");
    }
    match std::env::var("SPACEWARDEN_CONFIG")
        .ok()
        .filter(|p| !p.trim().is_empty())
    {
        None => report.info("SPACEWARDEN_CONFIG unset: the defaults for every Space"),
        Some(path) => report.ok(format!(
            "SPACEWARDEN_CONFIG: {} read, {} [spaces.\"…\"] block{}",
            path.trim(),
            config.space_settings.blocks.len(),
            if config.space_settings.blocks.len() == 1 {
                ""
            } else {
                "s"
            }
        )),
    }
    report.section("cli-doctor-section-watch-list");
    if config.watch.is_empty() {
        report.problem(
            "nothing to watch: set SPACES (owner/name or owner/*), or HF_USER, HF_USERNAMES, \
             SPACE_LIST with USERNAME, or REPO_ID; `spacewarden run` would refuse to start \
             (exit 2)",
        );
    }
    for target in &config.watch {
        let from = config.origins.watch_source(target).unwrap_or("SPACES");
        let what = match target {
            WatchTarget::Owner(_) => "every Space of the owner",
            WatchTarget::Space(_) => "one Space",
        };
        report.ok(format!("{target}  ({what}, from {from})"));
    }
    report.section("cli-doctor-section-sign-in");
    match (&config.web.sign_in, config.origins.sign_in) {
        (Some(sign_in), Some((user, password))) => report.ok(format!(
            "on: user \"{}\" from {user}, password from {password}",
            sign_in.username
        )),
        _ => report.info("off: the page is read-only (set WEB_USERNAME and WEB_PASSWORD_HASH)"),
    }
    match (&config.api_key, &config.api_read_key) {
        (None, None) => report.info("API: off (set API_KEY)"),
        (key, read) => report.ok(format!(
            "API: on ({})",
            [
                key.as_ref().map(|_| "API_KEY"),
                read.as_ref().map(|_| "API_READ_KEY")
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ")
        )),
    }
}
