//! The alert state machine of DESIGN.md "Alerts", as a pure function.
//!
//! Alerts are state changes, not check results. Per Space we remember streaks of bad
//! and good checks and whether a "down" was announced; thresholds are data (Gatus
//! style: failures before alerting, successes before "recovered", reminder interval).
//! Repair events (repairing, gave up, recovered by a repair) are emitted by the repair
//! path, which resets this memory so a recovery is never announced twice.

use std::time::Duration;

use chrono::{DateTime, Utc};

use super::Verdict;

/// How a verdict counts for alerting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Health {
    /// Up, or intentionally off (sleeping, paused): nothing to fix.
    Good,
    /// Down, degraded, broken configuration, unknown stage.
    Bad,
    /// Starting or unreachable: no evidence either way; streaks are kept as they are.
    Neutral,
}

impl Health {
    pub fn of(verdict: Verdict) -> Health {
        match verdict {
            Verdict::Up | Verdict::Sleeping | Verdict::Paused => Health::Good,
            Verdict::Down | Verdict::Degraded | Verdict::BrokenConfig | Verdict::UnknownStage => {
                Health::Bad
            }
            Verdict::Starting | Verdict::Unreachable => Health::Neutral,
        }
    }
}

/// Thresholds, per Space.
#[derive(Debug, Clone, PartialEq)]
pub struct AlertThresholds {
    /// Bad checks in a row before "down" (for stages that are definite: errors).
    pub failures_before_alert: u32,
    /// Failing probes in a row before a RUNNING Space counts as degraded enough to
    /// alert (and to restart): one slow reply is not an outage.
    pub degraded_failures: u32,
    /// Good checks in a row before "recovered".
    pub successes_before_recovered: u32,
    /// Repeat "still down" this often while down and not given up; `None`: never.
    pub reminder_interval: Option<Duration>,
}

impl Default for AlertThresholds {
    fn default() -> Self {
        AlertThresholds {
            failures_before_alert: 1,
            degraded_failures: 3,
            successes_before_recovered: 1,
            reminder_interval: None,
        }
    }
}

/// What we remember between checks (persisted with the Space).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertMemory {
    pub bad_streak: u32,
    pub good_streak: u32,
    /// When the current run of bad checks began.
    pub bad_since: Option<DateTime<Utc>>,
    /// The verdict a "down" was raised for; `None` when all is quiet.
    pub alerted: Option<Verdict>,
    /// Whether that "down" was actually sent (not muted): a silent down gets a silent
    /// recovery.
    pub announced: bool,
    /// When an alert or reminder for this Space was last raised.
    pub last_alert: Option<DateTime<Utc>>,
}

/// An alert-worthy change found by the state machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// The Space went bad (or changed from one bad verdict to another).
    Down {
        verdict: Verdict,
        since: DateTime<Utc>,
    },
    /// Still bad after `reminder_interval`.
    StillDown {
        verdict: Verdict,
        since: DateTime<Utc>,
    },
    /// Good again after an announced down.
    Recovered { now: Verdict, down_for: Duration },
}

/// Feeds one verdict into the memory; returns the new memory and what to announce.
/// `quiet` (muted, maintenance) updates the memory but announces nothing new.
pub fn observe(
    memory: &AlertMemory,
    verdict: Verdict,
    now: DateTime<Utc>,
    thresholds: &AlertThresholds,
    quiet: bool,
) -> (AlertMemory, Option<Transition>) {
    let mut next = memory.clone();
    match Health::of(verdict) {
        Health::Neutral => (next, None),
        Health::Bad => {
            next.bad_streak = next.bad_streak.saturating_add(1);
            next.good_streak = 0;
            let since = *next.bad_since.get_or_insert(now);
            let needed = if verdict == Verdict::Degraded {
                thresholds.degraded_failures
            } else {
                thresholds.failures_before_alert
            }
            .max(1);
            if next.bad_streak < needed {
                return (next, None);
            }
            match next.alerted {
                // Already raised for this verdict: at most a reminder.
                Some(previous) if previous == verdict => {
                    let due = thresholds.reminder_interval.is_some_and(|every| {
                        next.last_alert
                            .is_none_or(|last| (now - last).to_std().unwrap_or_default() >= every)
                    });
                    if due && next.announced && !quiet {
                        next.last_alert = Some(now);
                        return (next, Some(Transition::StillDown { verdict, since }));
                    }
                    (next, None)
                }
                // New, or a different kind of bad (e.g. down → broken config).
                _ => {
                    next.alerted = Some(verdict);
                    next.last_alert = Some(now);
                    next.announced = !quiet;
                    let transition = (!quiet).then_some(Transition::Down { verdict, since });
                    (next, transition)
                }
            }
        }
        Health::Good => {
            next.good_streak = next.good_streak.saturating_add(1);
            if next.alerted.is_none() {
                next.bad_streak = 0;
                next.bad_since = None;
                return (next, None);
            }
            if next.good_streak < thresholds.successes_before_recovered.max(1) {
                return (next, None);
            }
            let down_for = next
                .bad_since
                .map(|since| (now - since).to_std().unwrap_or_default())
                .unwrap_or_default();
            let announce = next.announced && !quiet;
            let resolved = AlertMemory {
                good_streak: next.good_streak,
                ..AlertMemory::default()
            };
            (
                resolved,
                announce.then_some(Transition::Recovered {
                    now: verdict,
                    down_for,
                }),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn t(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 10, 0, 0).unwrap() + chrono::Duration::minutes(minute)
    }

    /// Runs a sequence of verdicts (one per 5 minutes) and returns what was announced.
    fn run(verdicts: &[Verdict], thresholds: &AlertThresholds, quiet_at: &[usize]) -> Vec<String> {
        let mut memory = AlertMemory::default();
        let mut out = Vec::new();
        for (i, verdict) in verdicts.iter().enumerate() {
            let (next, transition) = observe(
                &memory,
                *verdict,
                t(5 * i as i64),
                thresholds,
                quiet_at.contains(&i),
            );
            memory = next;
            if let Some(tr) = transition {
                out.push(match tr {
                    Transition::Down { verdict, .. } => format!("{i}:down:{verdict}"),
                    Transition::StillDown { .. } => format!("{i}:still"),
                    Transition::Recovered { down_for, now } => {
                        format!("{i}:recovered:{}m:{now}", down_for.as_secs() / 60)
                    }
                });
            }
        }
        out
    }

    use Verdict::*;

    #[test]
    fn down_then_recovered_with_downtime() {
        let got = run(
            &[Up, Down, Down, Starting, Up, Up],
            &AlertThresholds::default(),
            &[],
        );
        assert_eq!(got, ["1:down:down", "4:recovered:15m:up"]);
    }

    #[test]
    fn thresholds_are_data() {
        let th = AlertThresholds {
            failures_before_alert: 2,
            successes_before_recovered: 2,
            ..AlertThresholds::default()
        };
        let got = run(&[Down, Up, Down, Down, Up, Down, Up, Up], &th, &[]);
        // A single bad check is a blip; a single good one does not end the outage.
        assert_eq!(got, ["3:down:down", "7:recovered:25m:up"]);
    }

    #[test]
    fn degraded_needs_its_own_streak() {
        let got = run(
            &[Degraded, Degraded, Up, Degraded, Degraded, Degraded],
            &AlertThresholds::default(),
            &[],
        );
        assert_eq!(got, ["5:down:degraded"]);
    }

    #[test]
    fn unreachable_and_starting_change_nothing() {
        let got = run(
            &[Down, Unreachable, Unreachable, Starting, Down, Up],
            &AlertThresholds::default(),
            &[],
        );
        assert_eq!(got, ["0:down:down", "5:recovered:25m:up"]);
    }

    #[test]
    fn a_different_bad_verdict_is_announced() {
        let got = run(
            &[Down, BrokenConfig, BrokenConfig],
            &AlertThresholds::default(),
            &[],
        );
        assert_eq!(got, ["0:down:down", "1:down:broken_config"]);
    }

    #[test]
    fn unknown_stage_alerts_once() {
        let got = run(
            &[UnknownStage, UnknownStage, UnknownStage],
            &AlertThresholds::default(),
            &[],
        );
        assert_eq!(got, ["0:down:unknown_stage"]);
    }

    #[test]
    fn reminders_at_the_interval() {
        let th = AlertThresholds {
            reminder_interval: Some(Duration::from_secs(10 * 60)),
            ..AlertThresholds::default()
        };
        let got = run(&[Down, Down, Down, Down, Down], &th, &[]);
        assert_eq!(got, ["0:down:down", "2:still", "4:still"]);
    }

    #[test]
    fn muted_down_recovers_silently() {
        let got = run(&[Down, Down, Up], &AlertThresholds::default(), &[0, 1]);
        assert!(got.is_empty(), "{got:?}");
        // Announced before the mute: the recovery during the mute is silent too.
        let got = run(&[Down, Down, Up], &AlertThresholds::default(), &[2]);
        assert_eq!(got, ["0:down:down"]);
    }

    #[test]
    fn sleeping_or_paused_resolve_an_outage() {
        let got = run(&[Down, Paused], &AlertThresholds::default(), &[]);
        assert_eq!(got, ["0:down:down", "1:recovered:5m:paused"]);
    }
}
