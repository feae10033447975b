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

use crate::config::{Config, Sentence, process_typo_warnings};
use crate::domain::WatchTarget;
use report::Report;

/// Runs every check and returns the exit status.
pub(super) async fn run() -> u8 {
    let mut report = Report::new();
    let config = match Config::from_process() {
        Ok(config) => config,
        Err(e) => {
            report.section("cli-doctor-section-configuration");
            report.problem(
                Sentence::new("doctor-config-refused")
                    .text("key", e.key)
                    .part("why", e.why),
            );
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
        report.info(alias.sentence());
    }
    let warnings = config.warning_sentences();
    let quiet = read.is_empty() && warnings.is_empty();
    for warning in warnings {
        report.warn(warning);
    }
    if quiet {
        report.ok(Sentence::new("doctor-no-alias"));
    }
    match std::env::var("SPACEWARDEN_CONFIG")
        .ok()
        .filter(|p| !p.trim().is_empty())
    {
        None => report.info(Sentence::new("doctor-settings-unset")),
        Some(path) => report.ok(Sentence::new("doctor-settings-read")
            .text("path", path.trim())
            .number("count", count(config.space_settings.blocks.len()))),
    }
    watch_list(report, config);
    sign_in(report, config);
}

fn watch_list(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-watch-list");
    if config.watch.is_empty() {
        report.problem(Sentence::new("doctor-nothing-to-watch"));
    }
    for target in &config.watch {
        let from = config.origins.watch_source(target).unwrap_or("SPACES");
        let line = match target {
            WatchTarget::Owner(_) => Sentence::new("doctor-watch-owner"),
            WatchTarget::Space(_) => Sentence::new("doctor-watch-space"),
        };
        report.ok(line.text("target", target).text("from", from));
    }
}

fn sign_in(report: &mut Report, config: &Config) {
    report.section("cli-doctor-section-sign-in");
    match (&config.web.sign_in, config.origins.sign_in) {
        (Some(sign_in), Some((user, password))) => report.ok(Sentence::new("doctor-sign-in-on")
            .text("user", &sign_in.username)
            .text("user_from", user)
            .text("password_from", password)),
        _ => report.info(Sentence::new("doctor-sign-in-off")),
    }
    match (&config.api_key, &config.api_read_key) {
        (None, None) => report.info(Sentence::new("doctor-api-off")),
        (key, read) => report.ok(Sentence::new("doctor-api-on").text(
            "keys",
            [
                key.as_ref().map(|_| "API_KEY"),
                read.as_ref().map(|_| "API_READ_KEY"),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", "),
        )),
    }
}

/// A count for Fluent's plural rules.
fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
