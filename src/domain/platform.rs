//! Platform incidents as a pure decision (DESIGN.md "Root cause"): when at least
//! `min_spaces` watched Spaces of at least `min_owners` owners go bad alike in one
//! cycle (the same cause, or the Hub answering 5xx for each owner), the problem is
//! Hugging Face's. Their automatic repairs hold, one grouped alert goes out instead
//! of one per Space, and one recovery alert when none of them fails that way
//! any more. Admins can still act by command (the hold is the automatic ladder's).

use std::collections::{BTreeMap, HashSet};

use chrono::{DateTime, Utc};

use super::{CauseCode, SpaceId};

/// What the Spaces of an incident have in common.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PlatformReason {
    Cause(CauseCode),
    /// The Hub answered 5xx (or timed out) for every owner's list.
    HubUnavailable,
}

impl serde::Serialize for PlatformReason {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for PlatformReason {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PlatformReason::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown reason {text:?}")))
    }
}

impl PlatformReason {
    /// Stored and sent in alerts: a cause code, or `hub_unavailable`.
    pub fn as_str(self) -> &'static str {
        match self {
            PlatformReason::Cause(code) => code.as_str(),
            PlatformReason::HubUnavailable => "hub_unavailable",
        }
    }

    pub fn parse(text: &str) -> Option<PlatformReason> {
        match text {
            "hub_unavailable" => Some(PlatformReason::HubUnavailable),
            code => CauseCode::parse(code).map(PlatformReason::Cause),
        }
    }
}

/// `[repair] platform_incident_min_spaces` / `platform_incident_min_owners`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlatformThresholds {
    pub min_spaces: u32,
    pub min_owners: u32,
}

impl Default for PlatformThresholds {
    fn default() -> Self {
        PlatformThresholds {
            min_spaces: 5,
            min_owners: 2,
        }
    }
}

/// An incident in progress, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct PlatformIncident {
    pub id: i64,
    pub reason: PlatformReason,
    pub opened: DateTime<Utc>,
    pub spaces: Vec<SpaceId>,
}

/// One Space as this cycle saw it.
#[derive(Debug, Clone)]
pub struct Suspect {
    pub space: SpaceId,
    /// Bad now (down, broken, or not checkable for a Hub outage).
    pub bad: bool,
    /// What it shares with others when bad, if anything.
    pub reason: Option<PlatformReason>,
    /// It was fine at the previous check: it went bad in this cycle.
    pub newly_bad: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    pub reason: PlatformReason,
    pub spaces: Vec<SpaceId>,
    pub owners: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Closing {
    pub id: i64,
    pub reason: PlatformReason,
    pub opened: DateTime<Utc>,
    /// Members fine again.
    pub back: Vec<SpaceId>,
    /// Members still bad, for another reason: their own ladders take over.
    pub still_bad: Vec<SpaceId>,
}

/// What this cycle does about platform incidents.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PlatformPlan {
    pub open: Vec<Opening>,
    /// An incident's members with the Spaces that joined it this cycle.
    pub grow: Vec<(i64, Vec<SpaceId>)>,
    pub close: Vec<Closing>,
    held: HashSet<String>,
}

impl PlatformPlan {
    /// Whether `space` is part of an incident this cycle (its repairs hold and its
    /// own alerts are folded into the grouped ones), including the cycle that ends it.
    pub fn holds(&self, space: &SpaceId) -> bool {
        self.held.contains(&space.key())
    }
}

pub fn assess(
    active: &[PlatformIncident],
    suspects: &[Suspect],
    thresholds: &PlatformThresholds,
) -> PlatformPlan {
    let mut plan = PlatformPlan::default();
    let members: HashSet<String> = active
        .iter()
        .flat_map(|i| i.spaces.iter().map(SpaceId::key))
        .collect();
    for incident in active {
        follow(incident, suspects, &members, &mut plan);
    }
    open_new(active, suspects, thresholds, &members, &mut plan);
    plan
}

/// An ongoing incident this cycle: it holds its members, grows by the Spaces that now
/// fail the same way, or closes once none of its members does and none joined.
fn follow(
    incident: &PlatformIncident,
    suspects: &[Suspect],
    members: &HashSet<String>,
    plan: &mut PlatformPlan,
) {
    let by_key = |space: &SpaceId| suspects.iter().find(|s| s.space.key() == space.key());
    plan.held.extend(incident.spaces.iter().map(SpaceId::key));
    let failing = |s: &Suspect| s.reason == Some(incident.reason);
    let still = incident
        .spaces
        .iter()
        .any(|space| by_key(space).is_some_and(failing));
    let joiners: Vec<SpaceId> = suspects
        .iter()
        .filter(|s| failing(s) && !members.contains(&s.space.key()))
        .map(|s| s.space.clone())
        .collect();
    if !still && joiners.is_empty() {
        let (still_bad, back): (Vec<SpaceId>, Vec<SpaceId>) = incident
            .spaces
            .iter()
            .cloned()
            .partition(|space| by_key(space).is_some_and(|s| s.bad));
        plan.close.push(Closing {
            id: incident.id,
            reason: incident.reason,
            opened: incident.opened,
            back,
            still_bad,
        });
        return;
    }
    if !joiners.is_empty() {
        plan.held.extend(joiners.iter().map(SpaceId::key));
        let mut spaces = incident.spaces.clone();
        spaces.extend(joiners);
        plan.grow.push((incident.id, spaces));
    }
}

/// New incidents: Spaces outside every incident that went bad alike this cycle, enough
/// of them and across enough owners.
fn open_new(
    active: &[PlatformIncident],
    suspects: &[Suspect],
    thresholds: &PlatformThresholds,
    members: &HashSet<String>,
    plan: &mut PlatformPlan,
) {
    let ongoing: HashSet<PlatformReason> = active.iter().map(|i| i.reason).collect();
    let mut groups: BTreeMap<PlatformReason, Vec<&Suspect>> = BTreeMap::new();
    for s in suspects {
        if let Some(reason) = s.reason
            && !members.contains(&s.space.key())
            && !ongoing.contains(&reason)
        {
            groups.entry(reason).or_default().push(s);
        }
    }
    for (reason, group) in groups {
        let fresh: Vec<&&Suspect> = group.iter().filter(|s| s.newly_bad).collect();
        let owners: HashSet<String> = fresh
            .iter()
            .map(|s| s.space.owner().to_ascii_lowercase())
            .collect();
        if fresh.len() < thresholds.min_spaces as usize
            || owners.len() < thresholds.min_owners as usize
        {
            continue;
        }
        // Those already failing that way belong to it too: same problem, same hold.
        let spaces: Vec<SpaceId> = group.iter().map(|s| s.space.clone()).collect();
        let owners = spaces
            .iter()
            .map(|s| s.owner().to_ascii_lowercase())
            .collect::<HashSet<_>>()
            .len();
        plan.held.extend(spaces.iter().map(SpaceId::key));
        plan.open.push(Opening {
            reason,
            spaces,
            owners,
        });
    }
}

#[cfg(test)]
mod tests;
