//! Which repair ladder a cause gets, as data (DESIGN.md "Root cause"): a restart
//! never repeats an image that cannot start, code that does not parse is not
//! repaired at all, and what is Hugging Face's doing is retried later instead of
//! rebuilt. `[causes.ladder]` in `SPACEWARDEN_CONFIG` overrides a row.

use std::collections::HashMap;

use super::{CauseCode, RepairStep};

/// What happens when every step of a ladder failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhenExhausted {
    /// Alert "needs a human" and hold repairs until it recovers or an admin acts.
    GiveUp,
    /// Platform-side: try the ladder again later, spaced out within the caps.
    RetryLater,
}

/// The steps tried in order for one outage, and what comes after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ladder {
    pub steps: Vec<RepairStep>,
    pub then: WhenExhausted,
}

impl Ladder {
    /// Today's ladder, for causes without a row: restart, factory rebuild, give up.
    pub fn standard() -> Ladder {
        Ladder {
            steps: vec![RepairStep::Restart, RepairStep::FactoryRebuild],
            then: WhenExhausted::GiveUp,
        }
    }

    /// The built-in row for `code` (the README's table of causes).
    pub fn default_for(code: CauseCode) -> Ladder {
        use CauseCode::*;
        let (steps, then) = match code {
            // The same image cannot import what it lacks: only a rebuild without the
            // build cache can pick up a fixed requirement.
            MissingModule | DependencyInstallFailed => {
                (vec![RepairStep::FactoryRebuild], WhenExhausted::GiveUp)
            }
            SyntaxError => (Vec::new(), WhenExhausted::GiveUp),
            OutOfMemory => (vec![RepairStep::Restart], WhenExhausted::GiveUp),
            SchedulingFailure | RegistryAuth | GpuQuota => {
                (vec![RepairStep::Restart], WhenExhausted::RetryLater)
            }
            _ => return Ladder::standard(),
        };
        Ladder { steps, then }
    }

    /// The step after `done` steps, if the ladder has one.
    pub fn step(&self, done: usize) -> Option<RepairStep> {
        self.steps.get(done).copied()
    }

    /// `restart → rebuild`, for messages.
    pub fn describe(&self) -> String {
        if self.steps.is_empty() {
            return "no automatic repair".into();
        }
        self.steps
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(" → ")
    }
}

/// Every cause's ladder: the built-in rows with the settings file's overrides.
#[derive(Debug, Clone, Default)]
pub struct Ladders {
    overrides: HashMap<CauseCode, Ladder>,
}

impl Ladders {
    pub fn with(overrides: HashMap<CauseCode, Ladder>) -> Ladders {
        Ladders { overrides }
    }

    /// The ladder for a Space whose cause is `code` (`None`: not classified).
    pub fn for_cause(&self, code: Option<CauseCode>) -> Ladder {
        match code {
            None => Ladder::standard(),
            Some(code) => self
                .overrides
                .get(&code)
                .cloned()
                .unwrap_or_else(|| Ladder::default_for(code)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_issue_table_row_by_row() {
        use CauseCode::*;
        use RepairStep::*;
        use WhenExhausted::*;
        let rows: &[(CauseCode, &[RepairStep], WhenExhausted)] = &[
            (MissingModule, &[FactoryRebuild], GiveUp),
            (DependencyInstallFailed, &[FactoryRebuild], GiveUp),
            (SyntaxError, &[], GiveUp),
            (OutOfMemory, &[Restart], GiveUp),
            (SchedulingFailure, &[Restart], RetryLater),
            (RegistryAuth, &[Restart], RetryLater),
            (GpuQuota, &[Restart], RetryLater),
            (PortNotListening, &[Restart, FactoryRebuild], GiveUp),
            (GatedOrMissingModel, &[Restart, FactoryRebuild], GiveUp),
            (DiskFull, &[Restart, FactoryRebuild], GiveUp),
            (ExitCode, &[Restart, FactoryRebuild], GiveUp),
            (Unknown, &[Restart, FactoryRebuild], GiveUp),
        ];
        assert_eq!(rows.len(), CauseCode::ALL.len());
        let ladders = Ladders::default();
        for (code, steps, then) in rows {
            let ladder = ladders.for_cause(Some(*code));
            assert_eq!(
                (ladder.steps.as_slice(), ladder.then),
                (*steps, *then),
                "{code}"
            );
            // The platform-side rows are exactly the ones that never rebuild.
            assert_eq!(
                code.is_platform(),
                *then == RetryLater && !steps.contains(&FactoryRebuild),
                "{code}"
            );
        }
        assert_eq!(ladders.for_cause(None), Ladder::standard());
    }

    #[test]
    fn overrides_replace_a_row() {
        let mut overrides = HashMap::new();
        overrides.insert(
            CauseCode::OutOfMemory,
            Ladder {
                steps: vec![RepairStep::Restart, RepairStep::FactoryRebuild],
                then: WhenExhausted::GiveUp,
            },
        );
        let ladders = Ladders::with(overrides);
        let oom = ladders.for_cause(Some(CauseCode::OutOfMemory));
        assert_eq!(oom.step(1), Some(RepairStep::FactoryRebuild));
        assert_eq!(oom.step(2), None);
        assert_eq!(oom.describe(), "restart → rebuild");
        assert_eq!(
            ladders.for_cause(Some(CauseCode::SyntaxError)).describe(),
            "no automatic repair"
        );
    }
}
