//! The repair ladder of DESIGN.md as pure decisions: what to do about a Space given
//! its verdict, its settings and its repair history. The monitor executes them.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{Ladder, Verdict, WhenExhausted};

/// One rung of the ladder. `restart` and `rebuild` in the store and the webhook JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum RepairStep {
    #[serde(rename = "restart")]
    Restart,
    #[serde(rename = "rebuild")]
    FactoryRebuild,
}

impl RepairStep {
    pub fn as_str(self) -> &'static str {
        match self {
            RepairStep::Restart => "restart",
            RepairStep::FactoryRebuild => "rebuild",
        }
    }

    pub fn parse(text: &str) -> Option<RepairStep> {
        match text {
            "restart" => Some(RepairStep::Restart),
            "rebuild" => Some(RepairStep::FactoryRebuild),
            _ => None,
        }
    }
}

/// Caps and switches for automatic repairs.
#[derive(Debug, Clone, PartialEq)]
pub struct RepairLimits {
    /// At most this many automatic repairs per Space per `window`.
    pub max_per_window: u32,
    pub window: Duration,
}

impl Default for RepairLimits {
    fn default() -> Self {
        RepairLimits {
            max_per_window: 3,
            window: Duration::from_secs(6 * 3600),
        }
    }
}

/// What a Space's caps count: start times of its automatic repairs and of its wakes
/// (any trigger) within the repair window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RepairHistory {
    pub auto_repairs: Vec<DateTime<Utc>>,
    pub wakes: Vec<DateTime<Utc>>,
    /// Pauses the awake windows asked for (a failing one is retried within the cap).
    pub scheduled_pauses: Vec<DateTime<Utc>>,
}

/// What the policy knows about one Space when a check comes in.
#[derive(Debug, Clone)]
pub struct RepairContext {
    pub verdict: Verdict,
    /// Consecutive failing checks (for degraded Spaces: failing probes).
    pub bad_streak: u32,
    /// Failing probes in a row before a degraded Space is restarted.
    pub degraded_failures: u32,
    pub auto_repair: bool,
    /// In a maintenance window: the owner is working on it.
    pub in_maintenance: bool,
    /// A repair of this Space is in flight.
    pub in_flight: bool,
    /// The ladder ran out for this outage; wait for a recovery or an admin.
    pub gave_up: bool,
    /// Start times of automatic repairs of this Space (any age).
    pub recent_repairs: Vec<DateTime<Utc>>,
    /// The ladder for the Space's cause.
    pub ladder: Ladder,
    /// Part of a platform incident: Hugging Face's problem, not the Space's.
    pub held: bool,
    pub now: DateTime<Utc>,
}

/// The policy's answer for a check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepairDecision {
    Nothing,
    Start(RepairStep),
    /// Broken and repairable, but the cap for the window is used up.
    GiveUp,
}

/// Whether a verdict is one the ladder may fix. Broken configuration, pauses, unknown
/// stages and an unreachable Hub are never repaired automatically.
pub fn repairable(verdict: Verdict) -> bool {
    matches!(verdict, Verdict::Down | Verdict::Degraded)
}

pub fn decide(ctx: &RepairContext, limits: &RepairLimits) -> RepairDecision {
    if !repairable(ctx.verdict)
        || !ctx.auto_repair
        || ctx.in_maintenance
        || ctx.in_flight
        || ctx.gave_up
        || ctx.held
    {
        return RepairDecision::Nothing;
    }
    let Some(first) = ctx.ladder.step(0) else {
        // A cause no repair can fix (code that does not parse): the alert says so.
        return RepairDecision::Nothing;
    };
    if ctx.verdict == Verdict::Degraded && ctx.bad_streak < ctx.degraded_failures.max(1) {
        return RepairDecision::Nothing;
    }
    if used_in_window(&ctx.recent_repairs, ctx.now, limits) >= limits.max_per_window {
        return RepairDecision::GiveUp;
    }
    if ctx.ladder.then == WhenExhausted::RetryLater && too_soon(ctx, limits) {
        return RepairDecision::Nothing;
    }
    RepairDecision::Start(first)
}

/// "Retry later": the caps' repairs spread over their window (3 per 6 h: one every
/// 2 h) instead of spent in three cycles on a problem that is not the Space's.
fn too_soon(ctx: &RepairContext, limits: &RepairLimits) -> bool {
    let spacing = limits.window / limits.max_per_window.max(1);
    let since = super::time::before(ctx.now, spacing);
    ctx.recent_repairs.iter().any(|at| *at > since)
}

/// After `done` steps of `ladder` did not bring the Space back: the next rung, or
/// `None` (give up or retry later, as the ladder says).
pub fn next_step(
    ladder: &Ladder,
    done: usize,
    recent_repairs: &[DateTime<Utc>],
    now: DateTime<Utc>,
    limits: &RepairLimits,
) -> Option<RepairStep> {
    if used_in_window(recent_repairs, now, limits) >= limits.max_per_window {
        return None;
    }
    ladder.step(done)
}

pub fn used_in_window(repairs: &[DateTime<Utc>], now: DateTime<Utc>, limits: &RepairLimits) -> u32 {
    let since = super::time::before(now, limits.window);
    repairs.iter().filter(|at| **at > since).count() as u32
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn ctx(verdict: Verdict) -> RepairContext {
        RepairContext {
            verdict,
            bad_streak: 1,
            degraded_failures: 3,
            auto_repair: true,
            in_maintenance: false,
            in_flight: false,
            gave_up: false,
            recent_repairs: Vec::new(),
            ladder: Ladder::standard(),
            held: false,
            now: Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        }
    }

    #[test]
    fn only_down_and_degraded_are_repaired() {
        let limits = RepairLimits::default();
        for verdict in Verdict::ALL {
            let mut c = ctx(verdict);
            c.bad_streak = 5;
            let expected = if matches!(verdict, Verdict::Down | Verdict::Degraded) {
                RepairDecision::Start(RepairStep::Restart)
            } else {
                RepairDecision::Nothing
            };
            assert_eq!(decide(&c, &limits), expected, "{verdict}");
        }
    }

    #[test]
    fn degraded_waits_for_its_streak() {
        let limits = RepairLimits::default();
        let mut c = ctx(Verdict::Degraded);
        c.bad_streak = 2;
        assert_eq!(decide(&c, &limits), RepairDecision::Nothing);
        c.bad_streak = 3;
        assert_eq!(
            decide(&c, &limits),
            RepairDecision::Start(RepairStep::Restart)
        );
    }

    #[test]
    fn switches_and_states_that_hold_repairs() {
        let limits = RepairLimits::default();
        let cases: [fn(&mut RepairContext); 6] = [
            |c| c.auto_repair = false,
            |c| c.in_maintenance = true,
            |c| c.in_flight = true,
            |c| c.gave_up = true,
            |c| c.held = true,
            |c| c.ladder = Ladder::default_for(crate::domain::CauseCode::SyntaxError),
        ];
        for set in cases {
            let mut c = ctx(Verdict::Down);
            set(&mut c);
            assert_eq!(decide(&c, &limits), RepairDecision::Nothing);
        }
    }

    #[test]
    fn the_cap_counts_only_the_window() {
        let limits = RepairLimits::default();
        let mut c = ctx(Verdict::Down);
        let hours_ago = |h: i64| c.now - chrono::Duration::hours(h);
        c.recent_repairs = vec![hours_ago(1), hours_ago(2), hours_ago(7)];
        assert_eq!(
            decide(&c, &limits),
            RepairDecision::Start(RepairStep::Restart)
        );
        c.recent_repairs.push(hours_ago(3));
        assert_eq!(decide(&c, &limits), RepairDecision::GiveUp);
    }

    #[test]
    fn the_ladder_climbs_then_ends() {
        let limits = RepairLimits::default();
        let now = ctx(Verdict::Down).now;
        let ladder = Ladder::standard();
        assert_eq!(
            next_step(&ladder, 1, &[now], now, &limits),
            Some(RepairStep::FactoryRebuild)
        );
        assert_eq!(next_step(&ladder, 2, &[now, now], now, &limits), None);
        assert_eq!(next_step(&ladder, 1, &[now, now, now], now, &limits), None);
    }

    #[test]
    fn the_first_rung_follows_the_cause() {
        use crate::domain::CauseCode;
        let limits = RepairLimits::default();
        let mut c = ctx(Verdict::Down);
        c.ladder = Ladder::default_for(CauseCode::MissingModule);
        assert_eq!(
            decide(&c, &limits),
            RepairDecision::Start(RepairStep::FactoryRebuild),
            "no plain restart of an image that lacks a module"
        );
        c.ladder = Ladder::default_for(CauseCode::OutOfMemory);
        assert_eq!(
            decide(&c, &limits),
            RepairDecision::Start(RepairStep::Restart)
        );
        assert_eq!(next_step(&c.ladder, 1, &[c.now], c.now, &limits), None);
    }

    #[test]
    fn platform_causes_retry_later_within_the_caps() {
        let limits = RepairLimits::default();
        let mut c = ctx(Verdict::Down);
        c.ladder = Ladder::default_for(crate::domain::CauseCode::SchedulingFailure);
        let minutes_ago = |m: i64| c.now - chrono::Duration::minutes(m);
        c.recent_repairs = vec![minutes_ago(30)];
        assert_eq!(decide(&c, &limits), RepairDecision::Nothing, "too soon");
        c.recent_repairs = vec![minutes_ago(121)];
        assert_eq!(
            decide(&c, &limits),
            RepairDecision::Start(RepairStep::Restart)
        );
        c.recent_repairs = vec![minutes_ago(121), minutes_ago(250), minutes_ago(340)];
        assert_eq!(
            decide(&c, &limits),
            RepairDecision::GiveUp,
            "the cap still holds"
        );
    }
}
