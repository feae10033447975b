//! The domain: names, stages, verdicts, observations, and the pure decisions made on
//! them (alert state machine, repair ladder). No I/O, no async, nothing from `hub`,
//! `store` or any adapter.

mod action;
mod alerting;
mod cause;
mod duration;
mod ladder;
mod observation;
mod platform;
mod prices;
mod reason;
mod repair_policy;
mod space_id;
mod stage;
pub mod text;
pub mod time;
mod verdict;
mod watch_list;

pub use action::{ActionActor, ActionKind, ActionState, ActionTrigger, Person, Via};
pub use alerting::{AlertMemory, AlertThresholds, Health, Transition, observe};
pub use cause::{
    Cause, CauseCode, CauseInput, CausePattern, CauseTable, PatternError, advice_of,
    default_advice, default_summary, summary_of,
};
pub use duration::{DurationError, format_duration, parse_duration, two_largest_units};
pub use ladder::{Ladder, Ladders, WhenExhausted};
pub use observation::{CheckFailure, Observation, ProbeOutcome, Revision, SpaceCheck, Unchecked};
pub use platform::{
    Closing, Opening, PlatformIncident, PlatformPlan, PlatformReason, PlatformThresholds, Suspect,
    assess,
};
pub use prices::{Costs, PRICES_READ_ON, PRICES_SOURCE, Prices, SpaceCost};
pub use reason::{HubTrouble, Piece, Reason, reason_in, reason_pieces};
pub use repair_policy::{
    RepairContext, RepairDecision, RepairHistory, RepairLimits, RepairStep, decide, next_step,
    repairable, used_in_window,
};
pub use space_id::{SpaceId, SpaceIdError, WatchTarget};
pub use stage::Stage;
pub use verdict::{Verdict, VerdictInput, verdict};
pub use watch_list::WatchList;
