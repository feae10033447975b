//! Deciding what a cycle does about one Space, as a pure function: the alert state
//! machine, incidents, the repair policy and the keep-alive's wake, from the
//! observation, what is remembered about the Space, its policy, its repair history
//! and `now`. No I/O: `act` reads what this needs before, and writes what it decides
//! after, in one short transaction.

use chrono::{DateTime, Utc};

use crate::alerts::{Advice, AlertEvent, Deploy, EventKind, Note};
use crate::config::SpacePolicy;
use crate::domain::{
    ActionKind, AlertMemory, Cause, Health, Ladder, RepairContext, RepairDecision, RepairHistory,
    RepairLimits, RepairStep, SpaceCheck, SpaceId, Stage, Transition, Verdict, decide, observe,
    time, used_in_window,
};
use crate::store::SpaceState;

/// Everything the decision about one Space depends on.
pub struct SpaceFacts<'a> {
    pub space: &'a SpaceId,
    pub obs: &'a SpaceCheck,
    pub state: Option<&'a SpaceState>,
    pub policy: &'a SpacePolicy,
    pub limits: &'a RepairLimits,
    pub history: &'a RepairHistory,
    /// A repair, wake or pause of this Space is running: it owns the Space's alert
    /// lifecycle until it ends.
    pub in_flight: bool,
    /// The ladder for the Space's cause (`obs.cause`).
    pub ladder: &'a Ladder,
    /// What the owner should do about that cause.
    pub advice: Option<&'a str>,
    /// Part of a platform incident this cycle: no repair, and its alerts are folded
    /// into the incident's grouped ones.
    pub held: bool,
    /// The last pause or wake of this Space through spacewarden (its awake windows,
    /// an admin, keep-alive), if any.
    pub last_switch: Option<LastSwitch>,
    pub now: DateTime<Utc>,
}

/// A pause or wake recorded for a Space, and when it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastSwitch {
    pub switch: Switch,
    pub at: DateTime<Utc>,
}

/// What an awake window does to a Space at its edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Switch {
    Pause,
    Wake,
}

impl Switch {
    /// The switch an action is, if it is one.
    pub fn of(kind: &ActionKind) -> Option<Switch> {
        match kind {
            ActionKind::Pause => Some(Switch::Pause),
            ActionKind::Wake => Some(Switch::Wake),
            _ => None,
        }
    }
}

impl From<Switch> for ActionKind {
    fn from(switch: Switch) -> ActionKind {
        match switch {
            Switch::Pause => ActionKind::Pause,
            Switch::Wake => ActionKind::Wake,
        }
    }
}

/// How long the requested hardware may differ from what runs before it is alerted:
/// a hardware switch rebuilds for a few minutes; a GPU that cannot be scheduled
/// stays stuck.
const DRIFT_GRACE: std::time::Duration = std::time::Duration::from_secs(30 * 60);

/// Work to start once the plan is written.
#[derive(Debug, Clone, PartialEq)]
pub enum Work {
    Repair(RepairStep),
    /// Wake a sleeping Space with a visit, or a paused one with a restart.
    Wake {
        via_restart: bool,
    },
    /// An awake window's edge: pause outside the windows, restart at a window's start
    /// (recorded with the actor `schedule`).
    Scheduled(Switch),
}

/// Work with the alert that announces it, sent only if the work really starts (the
/// global cap may defer it).
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    pub work: Work,
    pub event: Option<AlertEvent>,
}

/// An incident to open.
#[derive(Debug, Clone, PartialEq)]
pub struct IncidentOpen {
    pub opened: DateTime<Utc>,
    pub verdict: Verdict,
    pub stage: Option<Stage>,
    pub error: Option<String>,
    pub cause: Option<Cause>,
}

/// What to write and start for one Space.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    /// The alert memory to save; `None` leaves it to the work in flight.
    pub memory: Option<AlertMemory>,
    pub open_incident: Option<IncidentOpen>,
    /// Close the open incident with this resolution.
    pub close_incident: Option<String>,
    pub set_gave_up: Option<bool>,
    /// The hardware drift to record: since when (`None`: no drift), and alerted.
    pub set_drift: Option<(Option<DateTime<Utc>>, bool)>,
    pub events: Vec<AlertEvent>,
    pub work: Option<Planned>,
}

pub fn plan(f: &SpaceFacts<'_>) -> Plan {
    if f.in_flight {
        return Plan::default();
    }
    let mood = Mood::of(f);
    let memory = f.state.map(|s| s.memory.clone()).unwrap_or_default();
    let (next, transition) = observe(&memory, f.obs.verdict, f.now, &f.policy.alerts, mood.quiet);
    let mut plan = Plan {
        memory: Some(next.clone()),
        ..Plan::default()
    };
    plan_incident(f, &memory, &next, &mut plan);
    let mut gave_up = f.state.is_some_and(|s| s.gave_up);
    if Health::of(f.obs.verdict) == Health::Good && gave_up {
        plan.set_gave_up = Some(false);
        gave_up = false;
    }
    if let Some(transition) = transition {
        plan.events.push(transition_event(f, &transition));
    }
    plan.set_drift = plan_drift(f, mood.quiet, &mut plan.events);
    if let Some(switch) = mood.switch {
        plan.work = Some(Planned {
            work: Work::Scheduled(switch),
            event: None,
        });
        return plan;
    }
    plan_repair(f, &mood, &next, gave_up, &mut plan);
    if plan.work.is_none() && !mood.off_schedule {
        plan.work = plan_wake(f);
    }
    if f.held {
        // The platform incident's grouped alerts speak for it.
        plan.events.clear();
    }
    plan
}

/// What the windows, the maintenance and a mute say about a Space this cycle.
struct Mood {
    in_maintenance: bool,
    /// The switch an awake window asks for now.
    switch: Option<Switch>,
    /// Meant to be off: paused by the schedule, or asleep outside every window.
    off_schedule: bool,
    /// No alert is raised (maintenance, off schedule, muted).
    quiet: bool,
}

impl Mood {
    fn of(f: &SpaceFacts<'_>) -> Mood {
        let in_maintenance = f.policy.in_maintenance(f.now);
        let switch = scheduled_switch(f);
        // Outside every awake window a Space is meant to be off: paused by the schedule,
        // never alerted as down, repaired or woken, unless an admin woke it since (then it
        // runs as usual until the next window edge).
        let asleep_by_schedule = f.policy.awake_now(f.now) == Some(false)
            && f.last_switch.is_some_and(|l| l.switch == Switch::Pause);
        let off_schedule = switch == Some(Switch::Pause)
            || (asleep_by_schedule && f.obs.stage.as_ref().is_some_and(|s| !s.is_serving()));
        let quiet = in_maintenance || off_schedule || f.state.is_some_and(|s| s.muted(f.now));
        Mood {
            in_maintenance,
            switch,
            off_schedule,
            quiet,
        }
    }
}

/// Incidents follow the state machine, muted or not: opened when a "down" is raised,
/// closed when it resolves.
fn plan_incident(f: &SpaceFacts<'_>, memory: &AlertMemory, next: &AlertMemory, plan: &mut Plan) {
    let verdict = f.obs.verdict;
    let has_incident = f.state.is_some_and(|s| s.incident_id.is_some());
    if memory.alerted.is_none() && next.alerted.is_some() && !has_incident {
        plan.open_incident = Some(IncidentOpen {
            opened: next.bad_since.unwrap_or(f.now),
            verdict,
            stage: f.obs.stage.clone(),
            error: f.obs.error.clone(),
            cause: f.obs.cause.clone(),
        });
    }
    if memory.alerted.is_some() && next.alerted.is_none() {
        plan.close_incident = Some(super::resolution::back_to(verdict));
    }
}

/// The alert for a transition of the state machine; a "down" carries the deploy and,
/// when no rung can fix it, the advice.
fn transition_event(f: &SpaceFacts<'_>, transition: &Transition) -> AlertEvent {
    let mut event = event_for(f.space, f.obs, transition);
    if event.kind == EventKind::Down {
        event.deploy = deploy(f);
        // No rung to climb (code that does not parse): say what would fix it.
        let unrepairable = f.ladder.steps.is_empty() && f.policy.auto_repair;
        if unrepairable
            && crate::domain::repairable(f.obs.verdict)
            && let (Some(words), Some(cause)) = (f.advice, f.obs.cause.as_ref())
        {
            let advice = Advice::from_words(cause.code, words);
            event = event.with_note(Note::Advice { advice });
        }
    }
    event
}

/// The repair policy's decision: start a rung (announced unless quiet), give up, or
/// nothing.
fn plan_repair(
    f: &SpaceFacts<'_>,
    mood: &Mood,
    next: &AlertMemory,
    gave_up: bool,
    plan: &mut Plan,
) {
    let verdict = f.obs.verdict;
    let decision = decide(
        &RepairContext {
            verdict,
            bad_streak: next.bad_streak,
            degraded_failures: f.policy.alerts.degraded_failures,
            auto_repair: f.policy.auto_repair && !mood.off_schedule,
            in_maintenance: mood.in_maintenance,
            in_flight: false,
            gave_up,
            recent_repairs: f.history.auto_repairs.clone(),
            ladder: f.ladder.clone(),
            held: f.held,
            now: f.now,
        },
        f.limits,
    );
    match decision {
        RepairDecision::Nothing => {}
        RepairDecision::GiveUp => {
            plan.set_gave_up = Some(true);
            if !mood.quiet {
                plan.events.push(
                    AlertEvent::new(f.space.clone(), EventKind::GaveUp, verdict)
                        .with_stage(f.obs.stage.clone())
                        .with_cause(f.obs.cause.clone())
                        .with_note(Note::RepairsCapped {
                            repairs: f.limits.max_per_window,
                            window_secs: f.limits.window.as_secs(),
                        }),
                );
            }
        }
        RepairDecision::Start(step) => {
            let event = (!mood.quiet).then(|| {
                AlertEvent::new(f.space.clone(), EventKind::Repairing, verdict).with_step(step)
            });
            plan.work = Some(Planned {
                work: Work::Repair(step),
                event,
            });
        }
    }
}

/// The switch an awake window asks for now: pause a Space that runs outside every
/// window, restart one the schedule paused once a window opens. Only when the
/// schedule's last switch was the other one, so an admin's `/wake` or `/pause` holds
/// until the next window edge.
fn scheduled_switch(f: &SpaceFacts<'_>) -> Option<Switch> {
    let awake = f.policy.awake_now(f.now)?;
    let stage = f.obs.stage.as_ref()?;
    // The schedule acts once per phase. A pause or wake since the phase's edge, the
    // schedule's own or an admin's `/wake` or `/pause`, stands until the next edge.
    let edge = f.policy.awake_edge(f.now);
    let decided = |l: &LastSwitch| match edge {
        Some(edge) => l.at >= edge,
        None => l.switch == if awake { Switch::Wake } else { Switch::Pause },
    };
    if f.last_switch.as_ref().is_some_and(decided) {
        return None;
    }
    let capped =
        |done: &[DateTime<Utc>]| used_in_window(done, f.now, f.limits) >= f.limits.max_per_window;
    let paused_by_us = f.last_switch.is_some_and(|l| l.switch == Switch::Pause);
    match awake {
        false if *stage != Stage::Paused && !capped(&f.history.scheduled_pauses) => {
            Some(Switch::Pause)
        }
        // Only what spacewarden paused comes back: a pause from the Hub's own settings
        // is the owner's.
        true if *stage == Stage::Paused && paused_by_us => Some(Switch::Wake),
        _ => None,
    }
}

/// Requested hardware that is not what runs, past a grace period: one alert. Judged
/// only when the Hub answered (an unreachable Hub says nothing about the hardware).
fn plan_drift(
    f: &SpaceFacts<'_>,
    quiet: bool,
    events: &mut Vec<AlertEvent>,
) -> Option<(Option<DateTime<Utc>>, bool)> {
    f.obs.stage.as_ref()?;
    let (since, alerted) = f
        .state
        .map_or((None, false), |s| (s.drift_since, s.drift_alerted));
    let drift = match (&f.obs.hardware, &f.obs.requested_hardware) {
        (Some(current), Some(requested)) if current != requested => Some((current, requested)),
        _ => None,
    };
    let Some((current, requested)) = drift else {
        return (since.is_some() || alerted).then_some((None, false));
    };
    let start = since.unwrap_or(f.now);
    let lasted = time::elapsed(start, f.now);
    let due = !alerted && lasted >= DRIFT_GRACE;
    if due && !quiet {
        events.push(
            AlertEvent::new(f.space.clone(), EventKind::HardwareDrift, f.obs.verdict)
                .with_stage(f.obs.stage.clone())
                .with_note(Note::HardwareDrift {
                    requested: requested.clone(),
                    current: current.clone(),
                    secs: lasted.as_secs(),
                }),
        );
    }
    (since.is_none() || due).then_some((Some(start), alerted || due))
}

/// The commit a Space broke after: it runs another one than at its last good check.
fn deploy(f: &SpaceFacts<'_>) -> Option<Deploy> {
    let revision = f.obs.revision.as_ref()?;
    let good = f.state?.good_sha.as_ref()?;
    (revision.sha != *good).then(|| Deploy {
        sha: revision.sha.clone(),
        secs_ago: revision
            .last_modified
            .map(|at| time::elapsed(at, f.now).as_secs()),
    })
}

/// Sleeping Spaces with keep-alive on, and paused ones with `wake_paused`. Wakes
/// share the repair cap, so a Space that will not wake is not hammered.
fn plan_wake(f: &SpaceFacts<'_>) -> Option<Planned> {
    let wakeable = match f.obs.verdict {
        Verdict::Sleeping => f.policy.keep_alive,
        Verdict::Paused => f.policy.wake_paused && f.obs.stage == Some(Stage::Paused),
        _ => false,
    };
    if !wakeable || used_in_window(&f.history.wakes, f.now, f.limits) >= f.limits.max_per_window {
        return None;
    }
    Some(Planned {
        work: Work::Wake {
            via_restart: f.obs.verdict == Verdict::Paused,
        },
        event: None,
    })
}

fn event_for(space: &SpaceId, obs: &SpaceCheck, transition: &Transition) -> AlertEvent {
    let (kind, verdict, down_for) = match transition {
        Transition::Down { verdict, .. } => (EventKind::Down, *verdict, None),
        Transition::StillDown { verdict, .. } => (EventKind::StillDown, *verdict, None),
        Transition::Recovered { now, down_for } => {
            (EventKind::Recovered, *now, Some(down_for.as_secs()))
        }
    };
    let mut event = AlertEvent::new(space.clone(), kind, verdict).with_stage(obs.stage.clone());
    if kind != EventKind::Recovered {
        event.error = obs.error.clone();
        event.cause = obs.cause.clone();
    }
    event.down_for_secs = down_for;
    event
}

#[cfg(test)]
mod tests;
