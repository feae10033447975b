//! Why each down Space is down: the log tail of Spaces in an error stage is read
//! from the Hub (bounded concurrency, outside any transaction) and classified with
//! the cause table, together with the Hub's `errorMessage`. The daemon reads a tail
//! once per outage: a Space still down in the same stage keeps the cause stored
//! when it went down. `check` diagnoses afresh every time.

use std::collections::HashMap;

use futures_util::{StreamExt, stream};

use super::Monitor;
use crate::domain::{CauseInput, Health, Observation, SpaceCheck, SpaceId, Stage, Verdict};
use crate::hub::LogKind;
use crate::store::SpaceState;

/// Log lines read to find a cause (a pip or npm failure prints a few lines after
/// the one that says why).
const DIAGNOSE_LOG_LINES: usize = 30;
/// Log tails read at once.
const LOG_CONCURRENCY: usize = 8;

/// Log tails read in this cycle, by `SpaceId::key`, oldest line first.
pub(super) type Tails = HashMap<String, Vec<String>>;

/// Which log explains a Space in this stage.
pub(super) fn log_kind(stage: &Stage) -> Option<LogKind> {
    match stage {
        Stage::BuildError | Stage::Building => Some(LogKind::Build),
        Stage::RuntimeError | Stage::AppStarting => Some(LogKind::Run),
        _ => None,
    }
}

fn classified(verdict: Verdict) -> bool {
    matches!(verdict, Verdict::Down | Verdict::BrokenConfig)
}

/// A stored cause still holds: the Space was already down, in the same stage.
fn still_known<'a>(obs: &SpaceCheck, state: Option<&'a SpaceState>) -> Option<&'a SpaceState> {
    state.filter(|s| {
        s.cause.is_some() && Health::of(s.verdict) == Health::Bad && s.stage == obs.stage
    })
}

impl Monitor {
    /// Fills in `cause` for down and broken Spaces; returns the log tails it read.
    /// With `known` (the daemon), a cause already stored for the same outage is
    /// reused instead of read again.
    pub(super) async fn diagnose(
        &self,
        observations: &mut [Observation],
        known: Option<&HashMap<String, SpaceState>>,
    ) -> Tails {
        let wanted: Vec<(SpaceId, LogKind)> = observations
            .iter()
            .filter_map(Observation::checked)
            .filter(|obs| classified(obs.verdict))
            .filter_map(|obs| {
                let space = &obs.space;
                let state = known.and_then(|k| k.get(&space.key()));
                if still_known(obs, state).is_some() {
                    return None;
                }
                Some((space.clone(), log_kind(obs.stage.as_ref()?)?))
            })
            .collect();
        let tails = self.read_tails(wanted, DIAGNOSE_LOG_LINES).await;
        let table = &self.settings().causes.table;
        for obs in observations.iter_mut().filter_map(Observation::checked_mut) {
            let space = &obs.space;
            let state = known.and_then(|k| k.get(&space.key()));
            obs.cause = match still_known(obs, state) {
                Some(state) if classified(obs.verdict) => state.cause.clone(),
                _ => table.classify(CauseInput {
                    verdict: obs.verdict,
                    stage: obs.stage.as_ref(),
                    error: obs.error.as_deref(),
                    logs: tails.get(&space.key()).map_or(&[], Vec::as_slice),
                }),
            };
        }
        tails
    }

    /// The last `lines` lines of each Space's log; a failure to read one only leaves
    /// it out (the cause then comes from `errorMessage` alone).
    pub(super) async fn read_tails(&self, wanted: Vec<(SpaceId, LogKind)>, lines: usize) -> Tails {
        stream::iter(wanted)
            .map(|(space, kind)| async move {
                let token = self.inner.config.token_for(space.owner());
                match self.inner.hub.logs(&space, kind, lines, token).await {
                    Ok(read) => Some((space.key(), read.into_iter().map(|l| l.text).collect())),
                    Err(e) => {
                        tracing::debug!(space = %space, error = %e, "no log tail");
                        None
                    }
                }
            })
            .buffer_unordered(LOG_CONCURRENCY)
            .filter_map(|found| async move { found })
            .collect()
            .await
    }
}
