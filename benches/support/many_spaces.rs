//! Many Spaces with history, written straight to the store (no Hub), for
//! `benches/page.rs`. (Seeding 1,000 Spaces takes minutes in a debug build, too long
//! for a test in `cargo test`; the bench measures the weight instead.) Owners
//! `team-00`, `team-01`, …; one check a day at noon for `days` days and one an hour
//! over the last day. Every 40th Space is down now (a Hub error), every 15th had a bad
//! day a month ago.

use chrono::{DateTime, Utc};
use spacewarden::domain::{Observation, ProbeOutcome, SpaceCheck, SpaceId, Stage, Verdict};
use spacewarden::store::Store;

/// Spaces per owner.
pub const PER_OWNER: usize = 50;

/// `team-00/*,team-01/*,…` covering `spaces` Spaces.
pub fn watch_list(spaces: usize) -> String {
    (0..spaces.div_ceil(PER_OWNER))
        .map(|o| format!("team-{o:02}/*"))
        .collect::<Vec<_>>()
        .join(",")
}

fn observation(id: &SpaceId, at: DateTime<Utc>, up: bool) -> Observation {
    let (stage, verdict, error) = if up {
        ("RUNNING", Verdict::Up, None)
    } else {
        (
            "RUNTIME_ERROR",
            Verdict::Down,
            Some(
                "Exit code: 1. Reason: ModuleNotFoundError: No module named 'gradio_client'"
                    .to_owned(),
            ),
        )
    };
    SpaceCheck {
        space: id.clone(),
        at,
        stage: Some(Stage::parse(stage)),
        hardware: Some("cpu-basic".into()),
        requested_hardware: None,
        error,
        failure: None,
        probe: up.then_some(ProbeOutcome {
            status: Some(200),
            latency_ms: Some(120.0),
            ok: true,
            failure: None,
        }),
        verdict,
        subdomain: Some(id.to_string().replace('/', "-")),
        gc_timeout: Some(172_800),
        private: Some(false),
        cause: None,
        revision: None,
    }
    .into()
}

/// Writes the history of `spaces` Spaces ending at `now`.
pub async fn seed(store: &Store, spaces: usize, days: i64, now: DateTime<Utc>) {
    let noon = now.date_naive().and_hms_opt(12, 0, 0).unwrap().and_utc();
    let mut batch = Vec::new();
    for i in 0..spaces {
        let id = SpaceId::parse(&format!("team-{:02}/space-{:04}", i / PER_OWNER, i)).unwrap();
        for back in (1..days).rev() {
            let up = !(i % 15 == 0 && back == 30);
            batch.push(observation(&id, noon - chrono::Duration::days(back), up));
        }
        for hour in (0..24).rev() {
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
}
