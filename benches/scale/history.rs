//! 90 days of history for the stand-in's Spaces (`stand_in::space(i, owners)`),
//! written straight to the store before the first `check`: one check a day at noon,
//! and one an hour over the last day. Every 40th Space is down now, every 15th had a
//! bad day a month ago, so the page has problems to show.

use chrono::{DateTime, Utc};
use spacewarden::domain::{Observation, ProbeOutcome, SpaceCheck, SpaceId, Stage, Verdict};
use spacewarden::store::Store;

pub const DAYS: i64 = 90;

fn observation(id: &SpaceId, at: DateTime<Utc>, up: bool) -> Observation {
    let (stage, verdict) = if up {
        ("RUNNING", Verdict::Up)
    } else {
        ("RUNTIME_ERROR", Verdict::Down)
    };
    SpaceCheck {
        space: id.clone(),
        at,
        stage: Some(Stage::parse(stage)),
        hardware: Some("cpu-basic".into()),
        requested_hardware: None,
        error: (!up).then(|| "Exit code: 1. Reason: ModuleNotFoundError: No module".to_owned()),
        failure: None,
        probe: up.then_some(ProbeOutcome {
            status: Some(200),
            latency_ms: Some(120.0),
            ok: true,
            failure: None,
        }),
        verdict,
        subdomain: Some(id.derived_subdomain()),
        gc_timeout: Some(172_800),
        private: Some(false),
        cause: None,
        revision: None,
    }
    .into()
}

/// Writes the history of `spaces` Spaces over `owners` owners, ending at `now`.
pub async fn seed(database_url: &str, spaces: usize, owners: usize, now: DateTime<Utc>) {
    let store = Store::connect(database_url).await.expect("open the store");
    let noon = now
        .date_naive()
        .and_hms_opt(12, 0, 0)
        .expect("noon")
        .and_utc();
    let mut batch = Vec::new();
    for i in 0..spaces {
        let id = SpaceId::parse(&super::stand_in::space(i, owners)).expect("id");
        for back in (1..DAYS).rev() {
            let up = !(i % 15 == 0 && back == 30);
            batch.push(observation(&id, noon - chrono::Duration::days(back), up));
        }
        for hour in (1..24).rev() {
            let up = i % 40 != 0 || hour > 2;
            batch.push(observation(&id, now - chrono::Duration::hours(hour), up));
        }
        if batch.len() > 20_000 {
            batch.sort_by_key(|o| o.at());
            store.record(&batch).await.expect("seed");
            batch.clear();
        }
    }
    batch.sort_by_key(|o| o.at());
    store.record(&batch).await.expect("seed");
    store.checkpoint().await.expect("checkpoint");
}
