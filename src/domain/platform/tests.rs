//! `assess`, case by case: when an incident opens, grows, holds and ends.

use chrono::TimeZone;

use super::*;

const SCHED: PlatformReason = PlatformReason::Cause(CauseCode::SchedulingFailure);

fn id(text: &str) -> SpaceId {
    SpaceId::parse(text).unwrap()
}

fn failing(space: &str, newly_bad: bool) -> Suspect {
    Suspect {
        space: id(space),
        bad: true,
        reason: Some(SCHED),
        newly_bad,
    }
}

fn fine(space: &str) -> Suspect {
    Suspect {
        space: id(space),
        bad: false,
        reason: None,
        newly_bad: false,
    }
}

fn six(newly_bad: bool) -> Vec<Suspect> {
    ["a/1", "a/2", "a/3", "b/1", "b/2", "b/3"]
        .iter()
        .map(|s| failing(s, newly_bad))
        .collect()
}

fn incident(spaces: &[&str]) -> PlatformIncident {
    PlatformIncident {
        id: 9,
        reason: SCHED,
        opened: Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap(),
        spaces: spaces.iter().map(|s| id(s)).collect(),
    }
}

#[test]
fn six_spaces_of_two_owners_open_one_incident() {
    let plan = assess(&[], &six(true), &PlatformThresholds::default());
    assert_eq!(plan.open.len(), 1);
    assert_eq!((plan.open[0].spaces.len(), plan.open[0].owners), (6, 2));
    assert!(plan.holds(&id("b/3")) && !plan.holds(&id("c/1")));
}

#[test]
fn below_either_threshold_nothing_opens() {
    let th = PlatformThresholds::default();
    // Six Spaces of one owner: that owner's problem.
    let one_owner: Vec<Suspect> = (1..=6).map(|i| failing(&format!("a/{i}"), true)).collect();
    assert!(assess(&[], &one_owner, &th).open.is_empty());
    // Four of two owners.
    assert!(assess(&[], &six(true)[..4], &th).open.is_empty());
    // Six failing for days: nothing went bad in this cycle.
    assert!(assess(&[], &six(false), &th).open.is_empty());
    // Six failing, but only four of them alike.
    let mut mixed = six(true);
    mixed[0].reason = Some(PlatformReason::Cause(CauseCode::MissingModule));
    mixed[3].reason = Some(PlatformReason::HubUnavailable);
    assert!(assess(&[], &mixed, &th).open.is_empty());
}

#[test]
fn an_incident_holds_until_none_fails_that_way() {
    let th = PlatformThresholds::default();
    let active = [incident(&["a/1", "a/2", "a/3", "b/1", "b/2", "b/3"])];
    // Two still failing: it goes on, all six held, no new incident.
    let mut seen: Vec<Suspect> = ["a/1", "a/2", "a/3", "b/1"]
        .iter()
        .map(|s| fine(s))
        .collect();
    seen.extend([failing("b/2", false), failing("b/3", false)]);
    let plan = assess(&active, &seen, &th);
    assert!(plan.close.is_empty() && plan.open.is_empty() && plan.grow.is_empty());
    assert!(
        plan.holds(&id("a/1")),
        "a recovered member stays quiet until the end"
    );
    // All back: it ends, and the ending cycle still holds them (one recovery alert).
    let seen: Vec<Suspect> = ["a/1", "a/2", "a/3", "b/1", "b/2", "b/3"]
        .iter()
        .map(|s| fine(s))
        .collect();
    let plan = assess(&active, &seen, &th);
    assert_eq!(plan.close.len(), 1);
    assert_eq!(
        (plan.close[0].back.len(), plan.close[0].still_bad.len()),
        (6, 0)
    );
    assert!(plan.holds(&id("b/3")));
}

#[test]
fn spaces_failing_the_same_way_join_and_others_are_released_at_the_end() {
    let th = PlatformThresholds::default();
    let active = [incident(&["a/1", "b/1"])];
    let plan = assess(
        &active,
        &[failing("a/1", false), failing("c/1", true), fine("b/1")],
        &th,
    );
    assert_eq!(plan.grow, vec![(9, vec![id("a/1"), id("b/1"), id("c/1")])]);
    assert!(plan.holds(&id("c/1")));
    // a/1 now fails for its own reason: the incident ends, a/1 is still bad.
    let mut own = failing("a/1", false);
    own.reason = Some(PlatformReason::Cause(CauseCode::MissingModule));
    let plan = assess(&active, &[own, fine("b/1")], &th);
    assert_eq!(plan.close[0].still_bad, vec![id("a/1")]);
    assert_eq!(plan.close[0].back, vec![id("b/1")]);
}

#[test]
fn reasons_round_trip() {
    for reason in [SCHED, PlatformReason::HubUnavailable] {
        assert_eq!(PlatformReason::parse(reason.as_str()), Some(reason));
    }
    assert_eq!(PlatformReason::parse("nope"), None);
}
