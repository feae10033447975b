//! `SPACEWARDEN_CONFIG`: the optional TOML file with per-Space settings.
//!
//! ```toml
//! [defaults]               # applies to every Space
//! health_path = "/"
//! expected_status = [200]  # or a single number
//! keyword = "ok"           # the body must contain it
//! probe_timeout = "10s"
//!
//! [spaces."alice/api"]     # overrides for one Space
//! health_path = "/health"
//! ```
//! Unknown keys are errors, so a typo never silently does nothing.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use crate::domain::{SpaceId, parse_duration};

/// How a Space's app is probed over HTTP.
#[derive(Debug, Clone, PartialEq)]
pub struct ProbeSettings {
    /// Appended to the app URL; starts with `/`.
    pub health_path: String,
    /// Accepted statuses; empty means any 2xx.
    pub expected_status: Vec<u16>,
    /// A text the body must contain.
    pub keyword: Option<String>,
    pub timeout: Duration,
}

impl Default for ProbeSettings {
    fn default() -> Self {
        ProbeSettings {
            health_path: "/".into(),
            expected_status: Vec::new(),
            keyword: None,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Per-Space settings with the file's defaults applied.
#[derive(Debug, Clone, Default)]
pub struct SpaceSettings {
    defaults: ProbeSettings,
    per_space: HashMap<String, ProbeSettings>,
}

impl SpaceSettings {
    pub fn probe(&self, id: &SpaceId) -> &ProbeSettings {
        self.per_space.get(&id.key()).unwrap_or(&self.defaults)
    }

    /// Reads and validates the file; errors name the file and the offending entry.
    pub fn from_toml(text: &str) -> Result<SpaceSettings, String> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            // The full error prints a multi-line snippet; one line with the line number
            // is what a startup error should be.
            let line = e
                .span()
                .map(|span| text[..span.start.min(text.len())].matches('\n').count() + 1);
            match line {
                Some(line) => format!("line {line}: {}", e.message()),
                None => e.message().to_owned(),
            }
        })?;
        let defaults = raw
            .defaults
            .unwrap_or_default()
            .apply_to(&ProbeSettings::default())
            .map_err(|e| format!("[defaults]: {e}"))?;
        let mut per_space = HashMap::new();
        for (name, entry) in raw.spaces.unwrap_or_default() {
            let id = SpaceId::parse(&name).map_err(|e| format!("[spaces.\"{name}\"]: {e}"))?;
            let settings = entry
                .apply_to(&defaults)
                .map_err(|e| format!("[spaces.\"{name}\"]: {e}"))?;
            per_space.insert(id.key(), settings);
        }
        Ok(SpaceSettings {
            defaults,
            per_space,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    defaults: Option<RawProbe>,
    spaces: Option<HashMap<String, RawProbe>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawProbe {
    health_path: Option<String>,
    expected_status: Option<OneOrMany>,
    keyword: Option<String>,
    probe_timeout: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(u16),
    Many(Vec<u16>),
}

impl RawProbe {
    fn apply_to(self, base: &ProbeSettings) -> Result<ProbeSettings, String> {
        let mut out = base.clone();
        if let Some(path) = self.health_path {
            if !path.starts_with('/') || path.chars().any(char::is_whitespace) {
                return Err(format!(
                    "health_path \"{path}\" must start with / and contain no spaces"
                ));
            }
            out.health_path = path;
        }
        if let Some(status) = self.expected_status {
            let list = match status {
                OneOrMany::One(s) => vec![s],
                OneOrMany::Many(list) => list,
            };
            if let Some(bad) = list.iter().find(|s| !(100..=599).contains(*s)) {
                return Err(format!("expected_status {bad} is not an HTTP status"));
            }
            out.expected_status = list;
        }
        if let Some(keyword) = self.keyword {
            out.keyword = Some(keyword).filter(|k| !k.is_empty());
        }
        if let Some(timeout) = self.probe_timeout {
            let timeout = parse_duration(&timeout).map_err(|e| format!("probe_timeout: {e}"))?;
            if timeout.is_zero() {
                return Err("probe_timeout must be more than 0".into());
            }
            out.timeout = timeout;
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_then_overrides() {
        let settings = SpaceSettings::from_toml(
            r#"
            [defaults]
            probe_timeout = "5s"
            [spaces."alice/api"]
            health_path = "/health"
            expected_status = [200, 401]
            keyword = "ok"
            "#,
        )
        .unwrap();
        let api = settings.probe(&SpaceId::parse("Alice/API").unwrap());
        assert_eq!(api.health_path, "/health");
        assert_eq!(api.expected_status, vec![200, 401]);
        assert_eq!(api.keyword.as_deref(), Some("ok"));
        assert_eq!(api.timeout, Duration::from_secs(5));
        let other = settings.probe(&SpaceId::parse("bob/x").unwrap());
        assert_eq!(other.health_path, "/");
        assert_eq!(other.timeout, Duration::from_secs(5));
    }

    #[test]
    fn errors_name_the_entry() {
        for (text, needle) in [
            ("[spaces.\"bad id\"]\nkeyword='x'", "[spaces.\"bad id\"]"),
            ("[spaces.\"a/b\"]\nhealth_path='nope'", "health_path"),
            ("[spaces.\"a/b\"]\nexpected_status=99", "expected_status 99"),
            ("[defaults]\nprobe_timeout='soon'", "probe_timeout"),
            ("[defaults]\nhelth_path='/'", "helth_path"),
        ] {
            let err = SpaceSettings::from_toml(text).unwrap_err();
            assert!(err.contains(needle), "{text}: {err}");
        }
    }
}
