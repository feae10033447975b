//! The store's test-suite, one file per table family. Every test runs its body on each
//! store `test_stores` gives: SQLite in memory, and a fresh Postgres database when
//! `SPACEWARDEN_TEST_DATABASE_URL` names a server. The two backends share one SQL text,
//! so these tests lean on what could differ between them: case-insensitive Space ids
//! (`COLLATE NOCASE`), 0/1 flags read back as `bool`, upserts, `RETURNING` ids, sums
//! (Postgres widens them) and the JSON list of unknown buckets.
//!
//! Times are fixed instants in November 2026 (`at`), never the clock: the figures a
//! test asserts must not depend on when it runs.

mod actions;
mod audit;
mod basics;
mod chat_lang;
mod checks;
mod incidents;
mod leader;
mod merge;
mod outbox;
mod parity;
mod parity_rows;
mod plans;
mod requests;
mod sessions;
mod space_writes;
mod spaces;
mod uptime;
mod usage;
mod wal;

use chrono::{DateTime, TimeZone, Utc};

use crate::domain::{
    ActionActor, ActionKind, ActionTrigger, Observation, ProbeOutcome, SpaceCheck, SpaceId, Stage,
    Verdict,
};
use crate::store::NewAction;

/// 2026-11-`day` `hour`:`minute` UTC.
fn at(day: u32, hour: u32, minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, minute, 0)
        .single()
        .expect("a valid test instant")
}

fn minutes(n: i64) -> chrono::Duration {
    chrono::Duration::minutes(n)
}

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).expect("a valid test Space id")
}

/// The stage a verdict is usually seen with.
fn stage_of(verdict: Verdict) -> Option<&'static str> {
    match verdict {
        Verdict::Up => Some("RUNNING"),
        Verdict::Down => Some("RUNTIME_ERROR"),
        Verdict::Starting => Some("BUILDING"),
        Verdict::Sleeping => Some("SLEEPING"),
        Verdict::Paused => Some("PAUSED"),
        Verdict::BrokenConfig => Some("CONFIG_ERROR"),
        Verdict::Degraded => Some("RUNNING"),
        Verdict::UnknownStage => Some("SOMETHING_NEW"),
        Verdict::Unreachable => None,
    }
}

/// A check of `space` at `when`: the stage its verdict implies, on cpu-basic.
pub(in crate::store) fn obs(space: &str, verdict: Verdict, when: DateTime<Utc>) -> Observation {
    space_check(space, verdict, when).into()
}

/// The same, as a Space check to adjust before it is recorded.
fn space_check(space: &str, verdict: Verdict, when: DateTime<Utc>) -> SpaceCheck {
    SpaceCheck {
        space: id(space),
        at: when,
        stage: stage_of(verdict).map(Stage::parse),
        hardware: Some("cpu-basic".into()),
        requested_hardware: None,
        error: None,
        failure: None,
        probe: None,
        verdict,
        subdomain: None,
        gc_timeout: None,
        private: None,
        cause: None,
        revision: None,
    }
}

/// The same with an app probe that answered `status` (ok below 400).
fn probed(space: &str, when: DateTime<Utc>, status: u16, latency_ms: f64) -> Observation {
    probed_check(space, when, status, latency_ms).into()
}

fn probed_check(space: &str, when: DateTime<Utc>, status: u16, latency_ms: f64) -> SpaceCheck {
    let ok = status < 400;
    SpaceCheck {
        probe: Some(ProbeOutcome {
            status: Some(status),
            latency_ms: Some(latency_ms),
            ok,
            failure: (!ok).then(|| format!("HTTP {status}")),
        }),
        ..space_check(
            space,
            if ok { Verdict::Up } else { Verdict::Degraded },
            when,
        )
    }
}

/// An action to record: `kind` by `trigger`, as spacewarden.
fn action<'a>(
    space: &'a SpaceId,
    kind: &'a str,
    trigger: &'a str,
    when: DateTime<Utc>,
) -> NewAction<'a> {
    NewAction {
        space,
        kind: ActionKind::parse(kind),
        trigger: ActionTrigger::parse(trigger),
        actor: ActionActor::Warden,
        at: when,
        incident_id: None,
    }
}
