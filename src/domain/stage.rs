//! `Stage`: the runtime stage the Hub reports for a Space.
//!
//! The twelve stages of huggingface_hub's `SpaceStage`, plus `SLEEPING` (returned by
//! the Hub, listed by huggingface.js), plus `Unknown` so a stage added by the Hub
//! tomorrow is recorded and observed instead of breaking a check (reference §5).

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Stage {
    NoAppFile,
    ConfigError,
    Building,
    BuildError,
    Running,
    RunningBuilding,
    RuntimeError,
    Deleting,
    Stopped,
    Paused,
    AppStarting,
    RunningAppStarting,
    Sleeping,
    /// A stage this version does not know, kept verbatim.
    Unknown(String),
}

const KNOWN: [(&str, Stage); 13] = [
    ("NO_APP_FILE", Stage::NoAppFile),
    ("CONFIG_ERROR", Stage::ConfigError),
    ("BUILDING", Stage::Building),
    ("BUILD_ERROR", Stage::BuildError),
    ("RUNNING", Stage::Running),
    ("RUNNING_BUILDING", Stage::RunningBuilding),
    ("RUNTIME_ERROR", Stage::RuntimeError),
    ("DELETING", Stage::Deleting),
    ("STOPPED", Stage::Stopped),
    ("PAUSED", Stage::Paused),
    ("APP_STARTING", Stage::AppStarting),
    ("RUNNING_APP_STARTING", Stage::RunningAppStarting),
    ("SLEEPING", Stage::Sleeping),
];

impl Stage {
    /// Never fails: what the Hub says is what we record.
    pub fn parse(wire: &str) -> Stage {
        KNOWN
            .iter()
            .find(|(name, _)| *name == wire)
            .map(|(_, stage)| stage.clone())
            .unwrap_or_else(|| Stage::Unknown(wire.to_owned()))
    }

    /// The stage exactly as the Hub spells it.
    pub fn as_str(&self) -> &str {
        match self {
            Stage::Unknown(raw) => raw,
            known => KNOWN
                .iter()
                .find(|(_, stage)| stage == known)
                .map_or("UNKNOWN", |(name, _)| name),
        }
    }

    /// huggingface_hub's `INTERMEDIATE_SPACE_STAGES`: `wait_for_space` keeps polling
    /// while the stage is one of these.
    pub fn is_intermediate(&self) -> bool {
        matches!(
            self,
            Stage::Building
                | Stage::RunningBuilding
                | Stage::AppStarting
                | Stage::RunningAppStarting
        )
    }

    /// Stages in which the app serves requests, so probing it tells us something and
    /// does not wake anything up.
    pub fn is_serving(&self) -> bool {
        matches!(
            self,
            Stage::Running | Stage::RunningBuilding | Stage::RunningAppStarting
        )
    }
}

/// As the Hub spells it, in alerts and the webhook JSON.
impl serde::Serialize for Stage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Stage {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Stage::parse(&String::deserialize(deserializer)?))
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_every_known_stage() {
        for (name, stage) in KNOWN.iter() {
            assert_eq!(&Stage::parse(name), stage);
            assert_eq!(stage.as_str(), *name);
        }
    }

    #[test]
    fn keeps_unknown_stages_verbatim() {
        let stage = Stage::parse("QUANTUM_TUNNELING");
        assert_eq!(stage, Stage::Unknown("QUANTUM_TUNNELING".into()));
        assert_eq!(stage.to_string(), "QUANTUM_TUNNELING");
        // Case matters on the wire: a lowercase stage is not a known one.
        assert!(matches!(Stage::parse("running"), Stage::Unknown(_)));
    }
}
