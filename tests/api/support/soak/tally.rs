//! Counting, after the run, from what the fake Hub logged and what spacewarden
//! stored: `down` events for Spaces never broken, accepted restarts per scripted
//! break, Hub requests inside a 429 window the Hub announced, and how often each
//! fault met a request. Alerts per destination: `deliveries`.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use spacewarden::alerts::{Alert, EventKind};
use spacewarden::store::Store;

use super::super::fake_hub::{HostKind, LoggedRequest};
use super::plan::{HubFault, OWNER, ROTATION, SLEEPER, STEADY};
use super::report::Report;

/// A request that reached the Hub this soon after a 429 left may have been sent
/// before the client read it (requests run concurrently).
const IN_FLIGHT_GRACE: Duration = Duration::from_millis(500);

/// `down` events (in any alert of any destination) for Spaces never broken.
pub async fn false_downs(store: &Store) -> Vec<String> {
    let mut payloads = BTreeSet::new();
    for (dest, _, _) in store.outbox_counts().await.expect("outbox counts") {
        for row in store.outbox(&dest).await.expect("outbox rows") {
            payloads.insert(row.payload);
        }
    }
    let never_broken: Vec<&str> = STEADY.into_iter().chain([SLEEPER]).collect();
    payloads
        .iter()
        .filter_map(|p| serde_json::from_str::<Alert>(p).ok())
        .flat_map(|a| {
            a.events
                .into_iter()
                .filter(|e| {
                    e.kind == EventKind::Down
                        && never_broken.contains(&e.space.to_string().as_str())
                })
                .map(move |e| format!("{} at {}: {} {:?}", e.space, a.at, e.verdict, e.error))
        })
        .collect()
}

/// Fills the restart, 429 and check-gap figures from the fake Hub's log.
pub fn hub_figures(
    report: &mut Report,
    log: &[LoggedRequest],
    breaks: &[(String, Instant)],
    kills: &[Instant],
    origin: Instant,
) {
    let at = |t: Instant| format!("+{:.1}s", t.saturating_duration_since(origin).as_secs_f64());
    let hub: Vec<&LoggedRequest> = log.iter().filter(|r| r.host == HostKind::Hub).collect();
    report.hub_requests = hub.len();
    restarts(report, &hub, breaks, &at);
    limited(report, &hub, kills, &at);
    report.longest_unchecked = longest_unchecked(&hub, kills);
}

/// Accepted restarts (200) per scripted break: each goes to the last break of its
/// Space before it; one without a break before it is unprovoked.
fn restarts(
    report: &mut Report,
    hub: &[&LoggedRequest],
    breaks: &[(String, Instant)],
    at: &dyn Fn(Instant) -> String,
) {
    let calls: Vec<&&LoggedRequest> = hub
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/restart"))
        .collect();
    report.restart_calls = calls.len();
    let mut per_break: BTreeMap<usize, Vec<Instant>> = BTreeMap::new();
    for r in calls.iter().filter(|r| r.status == Some(200)) {
        report.accepted_restarts += 1;
        let space = r
            .path
            .trim_start_matches("/api/spaces/")
            .trim_end_matches("/restart");
        let last_break = breaks
            .iter()
            .rposition(|(id, t)| id == space && *t <= r.arrived);
        match last_break {
            Some(i) => per_break.entry(i).or_default().push(r.arrived),
            None => report
                .unprovoked_restarts
                .push(format!("{space} restarted at {}", at(r.arrived))),
        }
    }
    for (i, times) in per_break.into_iter().filter(|(_, t)| t.len() > 1) {
        let when: Vec<String> = times.iter().map(|t| at(*t)).collect();
        report.duplicate_restarts.push(format!(
            "{}: {} accepted restarts ({}) for the break at {}",
            breaks[i].0,
            times.len(),
            when.join(", "),
            at(breaks[i].1)
        ));
    }
}

/// Every 429 opens a window until the reset it announced; a request arriving in it
/// (after the in-flight grace) is counted once, as the restarted process's when a
/// kill came between the 429 and the request.
fn limited(
    report: &mut Report,
    hub: &[&LoggedRequest],
    kills: &[Instant],
    at: &dyn Fn(Instant) -> String,
) {
    let windows: Vec<(Instant, Instant)> = hub
        .iter()
        .filter(|r| r.status == Some(429))
        .filter_map(|r| Some((r.answered?, reset(&r.reply_headers)?)))
        .map(|(answered, t)| (answered, answered + t))
        .collect();
    report.limited_windows = windows.len();
    for r in hub {
        let Some((from, to)) = windows
            .iter()
            .find(|(from, to)| r.arrived > *from + IN_FLIGHT_GRACE && r.arrived < *to)
        else {
            continue;
        };
        let line = format!(
            "{} {}?{} at {} (status {:?}), inside the window announced at {} until {}",
            r.method,
            r.path,
            r.query,
            at(r.arrived),
            r.status,
            at(*from),
            at(*to)
        );
        if kills.iter().any(|k| k > from && *k < r.arrived) {
            report.inside_429_after_restart.push(line);
        } else {
            report.inside_429.push(line);
        }
    }
}

/// The longest gap between two list requests of the owner with no kill between them.
fn longest_unchecked(hub: &[&LoggedRequest], kills: &[Instant]) -> Duration {
    let mut lists: Vec<Instant> = hub
        .iter()
        .filter(|r| r.path == "/api/spaces" && r.query.contains(&format!("author={OWNER}")))
        .map(|r| r.arrived)
        .collect();
    lists.sort();
    lists
        .windows(2)
        .filter(|w| !kills.iter().any(|k| *k > w[0] && *k < w[1]))
        .map(|w| w[1] - w[0])
        .max()
        .unwrap_or_default()
}

/// `t` of `RateLimit: "api";r=0;t=<seconds>` (reference §2.3), when r is 0.
fn reset(headers: &axum::http::HeaderMap) -> Option<Duration> {
    let value = headers.get("ratelimit")?.to_str().ok()?;
    let field = |name: &str| {
        value.split(';').find_map(|p| {
            p.trim()
                .strip_prefix(name)?
                .trim()
                .strip_prefix('=')?
                .trim()
                .parse::<u64>()
                .ok()
        })
    };
    if field("r")? != 0 {
        return None;
    }
    Some(Duration::from_secs(field("t")?))
}

/// Per fault kind: windows and the Hub requests that met it.
pub fn fault_counts(
    windows: &[(HubFault, Instant, Instant)],
    log: &[LoggedRequest],
) -> Vec<(String, usize, usize)> {
    ROTATION
        .iter()
        .map(|kind| {
            let mine: Vec<_> = windows.iter().filter(|(k, _, _)| k == kind).collect();
            let met = log
                .iter()
                .filter(|r| r.host == HostKind::Hub)
                .filter(|r| match kind {
                    HubFault::RateLimited => r.status == Some(429),
                    _ => mine.iter().any(|(_, on, off)| {
                        r.arrived >= *on && r.arrived <= *off && r.fault.is_some()
                    }),
                })
                .count();
            (kind.name(), mine.len(), met)
        })
        .collect()
}
