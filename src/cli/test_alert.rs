//! `spacewarden test-alert [DESTINATION]`: one clearly marked test alert through the
//! outbox to the named destination (as `/readyz` and `/metrics` name it: `slack`,
//! `telegram:-100…`, `email`) or to every configured one, then one line per
//! destination: delivered, or failed and why (the destination's reason, a host at
//! most). Exit 0 when every one delivered, 1 otherwise, 2 for a configuration problem
//! or an unknown destination.

use std::time::Duration;

use crate::alerts::test_alert::{self, TestAlertError};
use crate::app::{Advice, App, BuildError};

use super::lang::lang;
use super::oneshot;
use super::{EXIT_ATTENTION, EXIT_CONFIG, EXIT_OK};
use crate::t;

/// How long one destination may take over the test.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Beside a running daemon the test goes through it, so one outbox sends it.
const ADVICE: Advice = Advice::TestAlert;

#[derive(Debug, Default, clap::Args)]
pub struct TestAlertArgs {
    /// One destination (`slack`, `email`, `telegram:<chat id>`, …); every configured
    /// one but the log when left out.
    pub destination: Option<String>,
}

/// Built like every one-shot command (`App::build`): refused beside a daemon, whose
/// outbox would send the same rows.
pub async fn run(args: TestAlertArgs) -> u8 {
    let config = match super::config() {
        Ok(config) => config,
        Err(e) => return BuildError::from(e).report(),
    };
    let (app, _progress) = match oneshot::start("test-alert", ADVICE, config, false, TIMEOUT).await
    {
        Ok(started) => started,
        Err(status) => return status,
    };
    let status = send(&app, args.destination.as_deref()).await;
    app.close().await;
    status
}

async fn send(app: &App, only: Option<&str>) -> u8 {
    let (store, outbox) = (&app.store, app.monitor.outbox());
    let chosen = match test_alert::chosen(outbox, only) {
        Ok(chosen) => chosen,
        Err(e) => {
            eprintln!("{}", t!(lang(), "cli-error", error = e.to_string()));
            return EXIT_CONFIG;
        }
    };
    let outcomes = match test_alert::send(store, outbox, &chosen, app.clock.as_ref(), TIMEOUT).await
    {
        Ok(outcomes) => outcomes,
        Err(TestAlertError::Store(e)) => {
            eprintln!("{}", t!(lang(), "cli-error-store", error = e.to_string()));
            return EXIT_ATTENTION;
        }
        Err(e) => {
            eprintln!("{}", t!(lang(), "cli-error", error = e.to_string()));
            return EXIT_CONFIG;
        }
    };
    let mut all = true;
    for outcome in &outcomes {
        match &outcome.result {
            Ok(()) => println!(
                "{}",
                t!(
                    lang(),
                    "cli-test-alert-delivered",
                    destination = outcome.destination.as_str()
                )
            ),
            Err(why) => {
                all = false;
                let (destination, why) = (outcome.destination.as_str(), why.to_string());
                println!(
                    "{}",
                    t!(
                        lang(),
                        "cli-test-alert-failed",
                        destination = destination,
                        why = why
                    )
                );
            }
        }
    }
    if all { EXIT_OK } else { EXIT_ATTENTION }
}
