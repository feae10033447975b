//! `plan`, row by row: each case is a Space in some situation and what the cycle must
//! write and start for it (as `domain/verdict.rs` tests its table).

use chrono::{TimeZone, Utc};

use super::*;
use crate::config::{CheckSchedule, MaintenanceWindow};
use crate::domain::AlertMemory;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap()
}

fn id() -> SpaceId {
    SpaceId::parse("alice/app").unwrap()
}

fn obs(verdict: Verdict, stage: Stage) -> SpaceCheck {
    SpaceCheck {
        space: id(),
        at: now(),
        stage: Some(stage),
        hardware: Some("cpu-basic".into()),
        requested_hardware: None,
        error: (verdict == Verdict::Down).then(|| "Exit code: 1".to_owned()),
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

fn state(verdict: Verdict, memory: AlertMemory) -> SpaceState {
    SpaceState {
        space: id(),
        stage: None,
        stage_since: None,
        verdict,
        verdict_since: now(),
        last_check: now(),
        hardware: None,
        subdomain: None,
        gc_timeout: None,
        private: None,
        error: None,
        memory,
        gave_up: false,
        muted_until: None,
        last_visit: None,
        incident_id: None,
        cause: None,
        revision: None,
        good_sha: None,
        requested_hardware: None,
        drift_since: None,
        drift_alerted: false,
    }
}

/// A Space that is down and was announced (incident open).
fn announced_down() -> SpaceState {
    let mut s = state(
        Verdict::Down,
        AlertMemory {
            bad_streak: 1,
            bad_since: Some(now() - chrono::Duration::minutes(10)),
            alerted: Some(Verdict::Down),
            announced: true,
            last_alert: Some(now() - chrono::Duration::minutes(10)),
            ..AlertMemory::default()
        },
    );
    s.incident_id = Some(7);
    s
}

/// What a plan comes to, in a form a table can state.
#[derive(Debug, PartialEq)]
struct Outcome {
    events: Vec<EventKind>,
    work: Option<Work>,
    /// Whether the work is announced (quiet Spaces get none).
    announced_work: bool,
    opens: bool,
    closes: bool,
    gave_up: Option<bool>,
}

fn outcome(plan: &Plan) -> Outcome {
    Outcome {
        events: plan.events.iter().map(|e| e.kind).collect(),
        work: plan.work.as_ref().map(|p| p.work.clone()),
        announced_work: plan.work.as_ref().is_some_and(|p| p.event.is_some()),
        opens: plan.open_incident.is_some(),
        closes: plan.close_incident.is_some(),
        gave_up: plan.set_gave_up,
    }
}

struct Case {
    name: &'static str,
    obs: SpaceCheck,
    state: Option<SpaceState>,
    policy: SpacePolicy,
    history: RepairHistory,
    in_flight: bool,
    last_switch: Option<LastSwitch>,
    want: Outcome,
}

fn case(name: &'static str, obs: SpaceCheck, want: Outcome) -> Case {
    Case {
        name,
        obs,
        state: None,
        policy: SpacePolicy::default(),
        history: RepairHistory::default(),
        in_flight: false,
        last_switch: None,
        want,
    }
}

fn nothing() -> Outcome {
    Outcome {
        events: vec![],
        work: None,
        announced_work: false,
        opens: false,
        closes: false,
        gave_up: None,
    }
}

#[test]
fn the_plan_table() {
    let down = || obs(Verdict::Down, Stage::RuntimeError);
    let restart = Some(Work::Repair(RepairStep::Restart));
    let hours_ago = |h| now() - chrono::Duration::hours(h);
    let mut cases = vec![
        case(
            "first down: alert, incident, restart announced",
            down(),
            Outcome {
                events: vec![EventKind::Down],
                work: restart.clone(),
                announced_work: true,
                opens: true,
                ..nothing()
            },
        ),
        case(
            "broken config: alert and incident, never a repair",
            obs(Verdict::BrokenConfig, Stage::ConfigError),
            Outcome {
                events: vec![EventKind::Down],
                opens: true,
                ..nothing()
            },
        ),
        case(
            "degraded once: no alert, no restart yet",
            obs(Verdict::Degraded, Stage::Running),
            nothing(),
        ),
        case(
            "up and quiet: nothing",
            obs(Verdict::Up, Stage::Running),
            nothing(),
        ),
        case(
            "unreachable Hub: nothing, never down",
            SpaceCheck {
                stage: None,
                ..obs(Verdict::Unreachable, Stage::Running)
            },
            nothing(),
        ),
    ];
    let mut c = case("a repair in flight owns the Space", down(), nothing());
    c.in_flight = true;
    cases.push(c);
    let mut c = case(
        "muted: incident and restart, but nothing announced",
        down(),
        Outcome {
            work: restart.clone(),
            opens: true,
            ..nothing()
        },
    );
    let mut muted = state(Verdict::Up, AlertMemory::default());
    muted.muted_until = Some(now() + chrono::Duration::hours(1));
    c.state = Some(muted);
    cases.push(c);
    let mut c = case("maintenance holds alerts and repairs", down(), nothing());
    c.policy.maintenance = vec![MaintenanceWindow {
        start: CheckSchedule::parse("0 11 * * *").unwrap(),
        duration: std::time::Duration::from_secs(7200),
    }];
    c.want.opens = true;
    cases.push(c);
    let mut c = case(
        "cap used up: give up once, with an alert",
        down(),
        Outcome {
            events: vec![EventKind::GaveUp],
            gave_up: Some(true),
            ..nothing()
        },
    );
    c.state = Some(announced_down());
    c.history.auto_repairs = vec![hours_ago(1), hours_ago(2), hours_ago(3)];
    cases.push(c);
    let mut c = case("gave up and still down: silence", down(), nothing());
    let mut given_up = announced_down();
    given_up.gave_up = true;
    c.state = Some(given_up.clone());
    cases.push(c);
    let mut c = case(
        "back up after an announced down: recovered, incident closed, re-armed",
        obs(Verdict::Up, Stage::Running),
        Outcome {
            events: vec![EventKind::Recovered],
            closes: true,
            gave_up: Some(false),
            ..nothing()
        },
    );
    c.state = Some(given_up);
    cases.push(c);
    cases.push(case(
        "asleep with keep-alive: wake by a visit",
        obs(Verdict::Sleeping, Stage::Sleeping),
        Outcome {
            work: Some(Work::Wake { via_restart: false }),
            ..nothing()
        },
    ));
    let mut c = case(
        "asleep, but its wakes used the cap: leave it",
        obs(Verdict::Sleeping, Stage::Sleeping),
        nothing(),
    );
    c.history.wakes = vec![hours_ago(1), hours_ago(2), hours_ago(3)];
    cases.push(c);
    let mut c = case(
        "asleep, keep-alive off",
        obs(Verdict::Sleeping, Stage::Sleeping),
        nothing(),
    );
    c.policy.keep_alive = false;
    cases.push(c);
    cases.push(case(
        "paused by its owner: left paused",
        obs(Verdict::Paused, Stage::Paused),
        nothing(),
    ));
    let mut c = case(
        "paused with wake_paused: restarted",
        obs(Verdict::Paused, Stage::Paused),
        Outcome {
            work: Some(Work::Wake { via_restart: true }),
            ..nothing()
        },
    );
    c.policy.wake_paused = true;
    cases.push(c);

    // Awake windows: 09:00 for 2 h every day, so 12:00 is outside, 10:00 inside.
    let night = nine_to_eleven;
    let mut c = case(
        "outside its awake windows a running Space is paused, quietly",
        obs(Verdict::Up, Stage::Running),
        Outcome {
            work: Some(Work::Scheduled(Switch::Pause)),
            ..nothing()
        },
    );
    c.policy = night();
    cases.push(c);
    let mut c = case(
        "paused by the schedule and down outside its windows: no alert, no repair",
        down(),
        nothing(),
    );
    c.policy = night();
    c.last_switch = switched(Switch::Pause, 11, 5);
    c.want.opens = true;
    cases.push(c);
    let mut c = case(
        "paused by the schedule: left paused, no wake",
        obs(Verdict::Paused, Stage::Paused),
        nothing(),
    );
    c.policy = night();
    c.policy.wake_paused = true;
    c.last_switch = switched(Switch::Pause, 11, 5);
    cases.push(c);
    let mut c = case(
        "an admin woke it outside its windows: it runs until the next edge",
        obs(Verdict::Up, Stage::Running),
        nothing(),
    );
    c.policy = night();
    c.last_switch = switched(Switch::Wake, 11, 30);
    cases.push(c);
    let mut c = case(
        "an admin's wake before the last edge no longer holds: paused",
        obs(Verdict::Up, Stage::Running),
        Outcome {
            work: Some(Work::Scheduled(Switch::Pause)),
            ..nothing()
        },
    );
    c.policy = night();
    c.last_switch = switched(Switch::Wake, 10, 0);
    cases.push(c);
    let mut c = case(
        "a failing scheduled pause is retried within the cap only",
        obs(Verdict::Up, Stage::Running),
        nothing(),
    );
    c.policy = night();
    c.history.scheduled_pauses = vec![hours_ago(1), hours_ago(2), hours_ago(3)];
    cases.push(c);

    let limits = RepairLimits::default();
    for c in &cases {
        let space = id();
        let plan = plan(&SpaceFacts {
            space: &space,
            obs: &c.obs,
            state: c.state.as_ref(),
            policy: &c.policy,
            limits: &limits,
            history: &c.history,
            in_flight: c.in_flight,
            ladder: &Ladder::standard(),
            advice: None,
            held: false,
            last_switch: c.last_switch,
            now: now(),
        });
        assert_eq!(outcome(&plan), c.want, "{}", c.name);
        if c.in_flight {
            assert_eq!(plan.memory, None, "{}: in flight leaves the memory", c.name);
        }
    }
}

#[test]
fn a_down_event_carries_stage_and_error() {
    let space = id();
    let down = obs(Verdict::Down, Stage::RuntimeError);
    let plan = plan(&SpaceFacts {
        space: &space,
        obs: &down,
        state: None,
        policy: &SpacePolicy::default(),
        limits: &RepairLimits::default(),
        history: &RepairHistory::default(),
        in_flight: false,
        ladder: &Ladder::standard(),
        advice: None,
        held: false,
        last_switch: None,
        now: now(),
    });
    let event = &plan.events[0];
    assert_eq!(event.stage, Some(Stage::RuntimeError));
    assert_eq!(event.error.as_deref(), Some("Exit code: 1"));
    let incident = plan.open_incident.expect("an incident");
    assert_eq!((incident.verdict, incident.opened), (Verdict::Down, now()));
}

fn facts_at<'a>(
    space: &'a SpaceId,
    obs: &'a SpaceCheck,
    state: Option<&'a SpaceState>,
    policy: &'a SpacePolicy,
    last_switch: Option<LastSwitch>,
    at: DateTime<Utc>,
) -> SpaceFacts<'a> {
    static LIMITS: std::sync::LazyLock<RepairLimits> =
        std::sync::LazyLock::new(RepairLimits::default);
    static HISTORY: std::sync::LazyLock<RepairHistory> =
        std::sync::LazyLock::new(RepairHistory::default);
    static LADDER: std::sync::LazyLock<Ladder> = std::sync::LazyLock::new(Ladder::standard);
    SpaceFacts {
        space,
        obs,
        state,
        policy,
        limits: &LIMITS,
        history: &HISTORY,
        in_flight: false,
        ladder: &LADDER,
        advice: None,
        held: false,
        last_switch,
        now: at,
    }
}

#[test]
fn a_window_opening_restarts_what_the_schedule_paused_and_nothing_else() {
    let policy = nine_to_eleven();
    let space = id();
    let inside = Utc.with_ymd_and_hms(2026, 11, 30, 10, 0, 0).unwrap();
    let paused = obs(Verdict::Paused, Stage::Paused);
    let facts = |last| facts_at(&space, &paused, None, &policy, last, inside);
    let yesterday = |hour| {
        Some(LastSwitch {
            switch: Switch::Pause,
            at: Utc.with_ymd_and_hms(2026, 11, 29, hour, 0, 0).unwrap(),
        })
    };
    // Paused by the schedule last night: the window's start brings it back.
    assert_eq!(
        plan(&facts(yesterday(11))).work.map(|p| p.work),
        Some(Work::Scheduled(Switch::Wake))
    );
    // Paused by an admin inside this window: left alone until the next edge.
    assert_eq!(plan(&facts(switched(Switch::Pause, 9, 30))).work, None);
    // An admin's pause in yesterday's window lasted until its end; this window's start
    // brings the Space back.
    assert_eq!(
        plan(&facts(yesterday(10))).work.map(|p| p.work),
        Some(Work::Scheduled(Switch::Wake))
    );
    // Woken at this window's start already: nothing more.
    assert_eq!(plan(&facts(switched(Switch::Wake, 9, 0))).work, None);
    // Paused outside spacewarden (the Hub's settings, no action of ours): the owner's.
    assert_eq!(plan(&facts(None)).work, None);
    // No windows: a paused Space is the owner's business.
    let plain = SpacePolicy::default();
    assert_eq!(
        plan(&facts_at(&space, &paused, None, &plain, None, inside)).work,
        None
    );
}

/// A pause or wake recorded today at hh:mm.
fn switched(switch: Switch, hour: u32, minute: u32) -> Option<LastSwitch> {
    Some(LastSwitch {
        switch,
        at: Utc.with_ymd_and_hms(2026, 11, 30, hour, minute, 0).unwrap(),
    })
}

#[test]
fn hardware_drift_is_alerted_once_after_its_grace() {
    let space = id();
    let policy = SpacePolicy::default();
    let mut drifting = obs(Verdict::Starting, Stage::Building);
    drifting.hardware = Some("cpu-basic".into());
    drifting.requested_hardware = Some("t4-small".into());
    let t0 = now();
    let first = plan(&facts_at(&space, &drifting, None, &policy, None, t0));
    assert_eq!(first.set_drift, Some((Some(t0), false)), "the drift starts");
    assert!(
        first
            .events
            .iter()
            .all(|e| e.kind != EventKind::HardwareDrift)
    );
    let mut s = state(Verdict::Starting, AlertMemory::default());
    s.drift_since = Some(t0);
    let later = t0 + chrono::Duration::minutes(31);
    let due = plan(&facts_at(&space, &drifting, Some(&s), &policy, None, later));
    let alert: Vec<_> = due
        .events
        .iter()
        .filter(|e| e.kind == EventKind::HardwareDrift)
        .collect();
    assert_eq!(alert.len(), 1);
    assert_eq!(
        alert[0].detail.as_deref(),
        Some("asked for t4-small, runs on cpu-basic for 31m")
    );
    assert_eq!(due.set_drift, Some((Some(t0), true)));
    s.drift_alerted = true;
    let again = plan(&facts_at(&space, &drifting, Some(&s), &policy, None, later));
    assert!(
        again
            .events
            .iter()
            .all(|e| e.kind != EventKind::HardwareDrift),
        "once"
    );
    assert_eq!(again.set_drift, None, "nothing to write");
    let mut fixed = drifting.clone();
    fixed.hardware = Some("t4-small".into());
    let cleared = plan(&facts_at(&space, &fixed, Some(&s), &policy, None, later));
    assert_eq!(cleared.set_drift, Some((None, false)), "re-armed");
}

/// Awake 09:00 for 2 h every day.
fn nine_to_eleven() -> SpacePolicy {
    SpacePolicy {
        awake: vec![MaintenanceWindow {
            start: CheckSchedule::parse("0 9 * * *").unwrap(),
            duration: std::time::Duration::from_secs(2 * 3600),
        }],
        ..SpacePolicy::default()
    }
}
