//! The domain: names, stages, verdicts, observations, and the pure decisions made on
//! them (alert state machine, repair ladder). No I/O, no async, nothing from `hub`,
//! `store` or any adapter.

mod alerting;
mod duration;
mod observation;
mod prices;
mod repair_policy;
mod space_id;
mod stage;
pub mod time;
mod verdict;

pub use alerting::{AlertMemory, AlertThresholds, Health, Transition, observe};
pub use duration::{format_duration, parse_duration};
pub use observation::{CheckFailure, Observation, ProbeOutcome};
pub use prices::{Costs, PRICES_READ_ON, PRICES_SOURCE, Prices, SpaceCost};
pub use repair_policy::{
    RepairContext, RepairDecision, RepairHistory, RepairLimits, RepairStep, decide, next_step,
    repairable, used_in_window,
};
pub use space_id::{SpaceId, SpaceIdError, WatchTarget};
pub use stage::Stage;
pub use verdict::{Verdict, VerdictInput, verdict};
