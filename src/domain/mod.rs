//! The domain: names, stages, verdicts and observations. Pure: no I/O, no async,
//! nothing from `hub`, `store` or any adapter.

mod duration;
mod observation;
mod space_id;
mod stage;
mod verdict;

pub use duration::parse_duration;
pub use observation::{CheckFailure, Observation, ProbeOutcome};
pub use space_id::{SpaceId, SpaceIdError, WatchTarget};
pub use stage::Stage;
pub use verdict::{Verdict, VerdictInput, verdict};
