//! The monitor: one check cycle now (observe every watched Space through the Hub and
//! its app, conclude, store); the scheduler, repairs and keep-alive build on it.
//! Talks to the outside only through the `Hub` and `AppProbe` traits and the `Store`.

mod cycle;
mod owners;

use std::sync::Arc;

use crate::config::Config;
use crate::hub::{AppProbe, Hub};
use crate::store::Store;

pub use cycle::CycleError;

/// Knobs that are not part of the public configuration yet.
#[derive(Debug, Clone)]
pub struct Tuning {
    /// Owners listed at once.
    pub owner_concurrency: usize,
    /// App probes in flight at once.
    pub probe_concurrency: usize,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            owner_concurrency: 4,
            probe_concurrency: 16,
        }
    }
}

/// Everything a check cycle needs, shared by the CLI, the scheduler and the bots.
#[derive(Clone)]
pub struct Monitor {
    config: Arc<Config>,
    hub: Arc<dyn Hub>,
    probe: Arc<dyn AppProbe>,
    store: Store,
    tuning: Tuning,
}

impl Monitor {
    pub fn new(
        config: Arc<Config>,
        hub: Arc<dyn Hub>,
        probe: Arc<dyn AppProbe>,
        store: Store,
        tuning: Tuning,
    ) -> Monitor {
        Monitor {
            config,
            hub,
            probe,
            store,
            tuning,
        }
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn config(&self) -> &Config {
        &self.config
    }
}
