//! `spacewarden check`: one cycle, printed as a table or JSON, stored, and turned
//! into an exit status.

use std::sync::Arc;

use clap::Args;

use super::render;
use super::{EXIT_ATTENTION, EXIT_CONFIG, EXIT_OK, EXIT_UNCHECKED};
use crate::config::Config;
use crate::domain::{Observation, Verdict, WatchTarget};
use crate::hub::{HttpProbe, HubClient};
use crate::monitor::{Monitor, MonitorParts};
use crate::store::Store;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Print one JSON array (an object per Space) instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Check this Space (owner/name, or owner/* for all of an owner's Spaces) instead
    /// of the configured watch list. Repeat for several.
    #[arg(long = "space", value_name = "OWNER/NAME", value_parser = parse_target)]
    pub spaces: Vec<WatchTarget>,
}

fn parse_target(text: &str) -> Result<WatchTarget, String> {
    WatchTarget::parse(text).map_err(|e| e.to_string())
}

pub async fn run(args: CheckArgs) -> u8 {
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
    };
    let targets = if args.spaces.is_empty() {
        config.watch.clone()
    } else {
        args.spaces
    };
    if targets.is_empty() {
        eprintln!(
            "error: SPACES: nothing to watch; set SPACES (owner/name or owner/*) or pass --space"
        );
        return EXIT_CONFIG;
    }
    let store = match Store::connect(&config.database_url).await {
        Ok(store) => store,
        Err(e) => {
            eprintln!("error: DATABASE_URL: {e}");
            return EXIT_CONFIG;
        }
    };
    let (hub, probe) = match (HubClient::for_config(&config), HttpProbe::new()) {
        (Ok(hub), Ok(probe)) => (hub, probe),
        (Err(e), _) => {
            eprintln!("error: {e}");
            return EXIT_CONFIG;
        }
        (_, Err(e)) => {
            eprintln!("error: cannot build the HTTP client: {e}");
            return EXIT_CONFIG;
        }
    };
    let monitor = Monitor::new(MonitorParts::new(
        Arc::new(config),
        Arc::new(hub),
        Arc::new(probe),
        store.clone(),
    ));
    let observations = match monitor.run_cycle(&targets).await {
        Ok(observations) => observations,
        Err(e) => {
            eprintln!("error: {e}");
            store.close().await;
            return EXIT_UNCHECKED;
        }
    };
    store.close().await;
    if args.json {
        println!("{}", render::json(&observations));
    } else {
        print!("{}", render::table(&observations));
    }
    exit_status(&observations)
}

/// DESIGN.md: 1 when a Space is down, degraded or broken; else 2 when a Space could not
/// be checked for a configuration reason (credentials, unknown Space); else 3 when
/// one was unreachable; else 0. A Space that needs attention comes first: that is
/// what a cron wrapper exists to report.
pub fn exit_status(observations: &[Observation]) -> u8 {
    if observations.iter().any(|o| o.verdict.needs_attention()) {
        EXIT_ATTENTION
    } else if observations
        .iter()
        .any(|o| o.failure.is_some_and(|f| f.is_configuration()))
    {
        EXIT_CONFIG
    } else if observations
        .iter()
        .any(|o| o.verdict == Verdict::Unreachable)
    {
        EXIT_UNCHECKED
    } else {
        EXIT_OK
    }
}
