//! `spacewarden test-alert [DESTINATION]`: one clearly marked test alert through the
//! outbox to the named destination (as `/readyz` and `/metrics` name it: `slack`,
//! `telegram:-100…`, `email`) or to every configured one, then one line per
//! destination: delivered, or failed and why (the destination's reason, a host at
//! most). Exit 0 when every one delivered, 1 otherwise, 2 for a configuration problem
//! or an unknown destination.

use std::time::Duration;

use crate::alerts::Outbox;
use crate::alerts::destinations::{self, Buttons, Chats};
use crate::alerts::test_alert::{self, TestAlertError};
use crate::chat::telegram;
use crate::config::Config;
use crate::store::Store;

use super::{EXIT_ATTENTION, EXIT_CONFIG, EXIT_OK, close_store};

/// How long one destination may take over the test.
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Default, clap::Args)]
pub struct TestAlertArgs {
    /// One destination (`slack`, `email`, `telegram:<chat id>`, …); every configured
    /// one but the log when left out.
    pub destination: Option<String>,
}

pub async fn run(args: TestAlertArgs) -> u8 {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    let store = match Store::connect(&config.database_url).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: DATABASE_URL: {e}");
            return EXIT_CONFIG;
        }
    };
    let status = send(&config, &store, args.destination.as_deref()).await;
    close_store(&store).await;
    status
}

async fn send(config: &Config, store: &Store, only: Option<&str>) -> u8 {
    let chats = Chats {
        telegram: config.telegram.as_ref().map(telegram::client),
        buttons: Buttons::None,
    };
    let notifiers = match destinations::from_config(config, store, chats, destinations::log()) {
        Ok(notifiers) => notifiers,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    let outbox = Outbox::new(notifiers);
    if let Err(e) = outbox.load_changes(store).await {
        eprintln!("error: the store: {e}");
        return EXIT_CONFIG;
    }
    let chosen = match test_alert::chosen(&outbox, only) {
        Ok(chosen) => chosen,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    let outcomes =
        match test_alert::send(store, &outbox, &chosen, chrono::Utc::now(), TIMEOUT).await {
            Ok(outcomes) => outcomes,
            Err(TestAlertError::Store(e)) => {
                eprintln!("error: the store: {e}");
                return EXIT_ATTENTION;
            }
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_CONFIG;
            }
        };
    let mut all = true;
    for outcome in &outcomes {
        match &outcome.result {
            Ok(()) => println!("delivered  {}", outcome.destination),
            Err(why) => {
                all = false;
                println!("failed     {}: {why}", outcome.destination);
            }
        }
    }
    if all { EXIT_OK } else { EXIT_ATTENTION }
}
