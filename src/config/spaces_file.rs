//! `SPACEWARDEN_CONFIG`: the optional TOML file with per-Space settings and the
//! daemon's tunables. Every key is optional; unknown keys are errors, so a typo never
//! silently does nothing. The README shows a full example.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use super::CheckSchedule;
use crate::domain::{
    AlertThresholds, PlatformThresholds, Prices, RepairLimits, SpaceId, parse_duration,
};

mod causes;
mod memory;
mod setting;

pub use causes::CauseSettings;
pub use memory::MemorySettings;
use setting::SettingError;

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

/// A recurring window (cron start + duration) in which alerts and automatic repairs
/// of a Space are held: the owner is deploying or migrating.
#[derive(Debug, Clone)]
pub struct MaintenanceWindow {
    pub start: CheckSchedule,
    pub duration: Duration,
}

impl MaintenanceWindow {
    pub fn active(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.start
            .next_after(crate::domain::time::before(now, self.duration))
            .is_some_and(|start| start <= now)
    }

    /// The latest edge of this window (a start or an end) at or before `now`, looked
    /// for up to a year back: the moment the current phase, awake or paused, began.
    pub fn last_edge(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        use crate::domain::time;
        let started = self.last_start(now);
        let ended = self
            .last_start(time::before(now, self.duration))
            .map(|start| time::after(start, self.duration));
        started.max(ended)
    }

    /// The latest start at or before `at`. Lookbacks grow until one holds a start, so
    /// an every-second window and a yearly one both cost a few steps.
    fn last_start(
        &self,
        at: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        const LOOKBACKS: [u64; 6] = [60, 3_600, 86_400, 8 * 86_400, 32 * 86_400, 367 * 86_400];
        const STEPS: usize = 100_000;
        for lookback in LOOKBACKS {
            let mut cursor = crate::domain::time::before(at, Duration::from_secs(lookback));
            let mut latest = None;
            for _ in 0..STEPS {
                match self.start.next_after(cursor).filter(|start| *start <= at) {
                    Some(start) => {
                        latest = Some(start);
                        cursor = start;
                    }
                    None => break,
                }
            }
            if latest.is_some() {
                return latest;
            }
        }
        None
    }
}

/// Everything that can differ per Space.
#[derive(Debug, Clone)]
pub struct SpacePolicy {
    pub probe: ProbeSettings,
    pub auto_repair: bool,
    /// Visit free Spaces inside their 48 h sleep timer and wake sleeping ones.
    pub keep_alive: bool,
    /// Also wake Spaces their owner paused (off: a pause is the owner's intent).
    pub wake_paused: bool,
    pub alerts: AlertThresholds,
    pub maintenance: Vec<MaintenanceWindow>,
    /// When set, the Space runs only inside these windows (cron start + duration) and
    /// is paused outside them: paid hardware that nobody uses at night.
    pub awake: Vec<MaintenanceWindow>,
}

impl Default for SpacePolicy {
    fn default() -> Self {
        SpacePolicy {
            probe: ProbeSettings::default(),
            auto_repair: true,
            keep_alive: true,
            wake_paused: false,
            alerts: AlertThresholds::default(),
            maintenance: Vec::new(),
            awake: Vec::new(),
        }
    }
}

impl SpacePolicy {
    /// `Some(true)` inside an awake window, `Some(false)` outside every one, `None`
    /// for a Space without awake windows.
    pub fn awake_now(&self, now: chrono::DateTime<chrono::Utc>) -> Option<bool> {
        (!self.awake.is_empty()).then(|| self.awake.iter().any(|w| w.active(now)))
    }

    /// When the current awake or paused phase began: the latest edge of any awake
    /// window at or before `now`.
    pub fn awake_edge(
        &self,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        self.awake.iter().filter_map(|w| w.last_edge(now)).max()
    }

    pub fn in_maintenance(&self, now: chrono::DateTime<chrono::Utc>) -> bool {
        self.maintenance.iter().any(|w| w.active(now))
    }
}

/// The repair ladder's tunables (`[repair]`).
#[derive(Debug, Clone)]
pub struct RepairSettings {
    pub limits: RepairLimits,
    /// Repairs in flight at once, over all Spaces.
    pub max_in_flight: usize,
    /// How often the runtime is polled after a restart.
    pub poll_interval: Duration,
    /// How long a restart may take before it counts as failed.
    pub timeout: Duration,
    /// How long BUILDING / APP_STARTING may last before the Space counts as down.
    pub start_grace: Duration,
    /// When many Spaces fail alike in one cycle, it is Hugging Face's problem.
    pub platform: PlatformThresholds,
}

impl Default for RepairSettings {
    fn default() -> Self {
        RepairSettings {
            limits: RepairLimits::default(),
            max_in_flight: 2,
            poll_interval: Duration::from_secs(10),
            timeout: Duration::from_secs(15 * 60),
            start_grace: Duration::from_secs(15 * 60),
            platform: PlatformThresholds::default(),
        }
    }
}

/// How long history is kept (`[history]`).
#[derive(Debug, Clone, PartialEq)]
pub struct HistorySettings {
    /// Raw check rows are kept this long; roll-ups beyond.
    pub raw: Duration,
    /// Roll-ups (hourly and daily) are kept this long.
    pub retention: Duration,
}

impl Default for HistorySettings {
    fn default() -> Self {
        HistorySettings {
            raw: Duration::from_secs(7 * 86_400),
            retention: Duration::from_secs(400 * 86_400),
        }
    }
}

/// The whole file, with defaults applied.
#[derive(Debug, Clone, Default)]
pub struct SpaceSettings {
    defaults: SpacePolicy,
    per_space: HashMap<String, SpacePolicy>,
    pub repair: RepairSettings,
    pub history: HistorySettings,
    pub causes: CauseSettings,
    /// Hourly prices per hardware flavor: the published ones, with `[prices]` on top.
    pub prices: Prices,
    pub memory: MemorySettings,
    /// The `[spaces."owner/name"]` blocks, as spelled, for the "not watched" warning.
    pub blocks: Vec<SpaceId>,
    /// `[prices]` flavors that are not among Hugging Face's published ones.
    pub unknown_flavors: Vec<String>,
}

impl SpaceSettings {
    pub fn policy(&self, id: &SpaceId) -> &SpacePolicy {
        self.per_space.get(&id.key()).unwrap_or(&self.defaults)
    }

    pub fn probe(&self, id: &SpaceId) -> &ProbeSettings {
        &self.policy(id).probe
    }

    /// Reads and validates the file; errors name the offending entry.
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
            .apply_to(&SpacePolicy::default())
            .map_err(|e| format!("[defaults] {e}"))?;
        let mut per_space = HashMap::new();
        let mut blocks = Vec::new();
        for (name, entry) in raw.spaces.unwrap_or_default() {
            let id = SpaceId::parse(&name).map_err(|e| format!("[spaces.\"{name}\"] {e}"))?;
            let policy = entry
                .apply_to(&defaults)
                .map_err(|e| format!("[spaces.\"{name}\"] {e}"))?;
            per_space.insert(id.key(), policy);
            blocks.push(id);
        }
        blocks.sort();
        let repair = raw
            .repair
            .unwrap_or_default()
            .apply()
            .map_err(|e| format!("[repair] {e}"))?;
        let history = raw
            .history
            .unwrap_or_default()
            .apply()
            .map_err(|e| format!("[history] {e}"))?;
        let causes = raw
            .causes
            .unwrap_or_default()
            .apply()
            .map_err(|e| format!("[causes] {e}"))?;
        let memory = raw
            .memory
            .unwrap_or_default()
            .apply()
            .map_err(|e| format!("[memory] {e}"))?;
        let published = Prices::default();
        let mut prices = std::collections::BTreeMap::new();
        for (flavor, usd) in raw.prices.unwrap_or_default() {
            if !(0.0..=limits::PRICE).contains(&usd) {
                return Err(format!(
                    "[prices] \"{flavor}\" = {usd} is out of range (0 to {} USD an hour)",
                    limits::PRICE
                ));
            }
            prices.insert(flavor, usd);
        }
        let unknown_flavors = prices
            .keys()
            .filter(|f| published.hourly(f).is_none())
            .cloned()
            .collect();
        Ok(SpaceSettings {
            defaults,
            per_space,
            repair,
            history,
            causes,
            prices: Prices::with(&prices),
            memory,
            blocks,
            unknown_flavors,
        })
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    defaults: Option<RawPolicy>,
    spaces: Option<HashMap<String, RawPolicy>>,
    repair: Option<RawRepair>,
    history: Option<RawHistory>,
    causes: Option<causes::RawCauses>,
    /// Hardware flavor → USD per hour.
    prices: Option<HashMap<String, f64>>,
    memory: Option<memory::RawMemory>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    health_path: Option<String>,
    expected_status: Option<OneOrMany>,
    keyword: Option<String>,
    probe_timeout: Option<String>,
    auto_repair: Option<bool>,
    keep_alive: Option<bool>,
    wake_paused: Option<bool>,
    failures_before_alert: Option<u32>,
    degraded_failures: Option<u32>,
    successes_before_recovered: Option<u32>,
    reminder_interval: Option<String>,
    maintenance: Option<Vec<RawWindow>>,
    awake: Option<Vec<RawWindow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    start: String,
    duration: String,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawRepair {
    max_per_window: Option<u32>,
    window: Option<String>,
    max_in_flight: Option<usize>,
    poll_interval: Option<String>,
    timeout: Option<String>,
    start_grace: Option<String>,
    platform_incident_min_spaces: Option<u32>,
    platform_incident_min_owners: Option<u32>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHistory {
    raw_days: Option<u32>,
    retention_days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(u16),
    Many(Vec<u16>),
}

/// Upper bounds of the file's durations and counts. Far beyond any sensible setting,
/// and small enough that date arithmetic on them stays in range: a window of 100
/// million days once made every check cycle panic.
mod limits {
    use std::time::Duration;

    const DAY: u64 = 86_400;
    pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5 * 60);
    pub const REMINDER: Duration = Duration::from_secs(30 * DAY);
    pub const MAINTENANCE: Duration = Duration::from_secs(30 * DAY);
    pub const WINDOW: Duration = Duration::from_secs(30 * DAY);
    pub const POLL_INTERVAL: Duration = Duration::from_secs(10 * 60);
    pub const REPAIR_TIMEOUT: Duration = Duration::from_secs(DAY);
    pub const START_GRACE: Duration = Duration::from_secs(DAY);
    pub const STREAK: u32 = 1_000;
    pub const PER_WINDOW: u32 = 100;
    pub const IN_FLIGHT: usize = 64;
    pub const PLATFORM_SPACES: u32 = 10_000;
    pub const PLATFORM_OWNERS: u32 = 1_000;
    pub const RAW_DAYS: u32 = 90;
    pub const RETENTION_DAYS: u32 = 3_650;
    /// USD an hour: the dearest published flavor costs a few tens.
    pub const PRICE: f64 = 1_000.0;
}

/// A duration above zero and at most `max`; the error names the key.
fn bounded(key: &str, text: &str, max: Duration) -> Result<Duration, SettingError> {
    let key = || key.to_owned();
    let d = parse_duration(text).map_err(|error| SettingError::Duration { key: key(), error })?;
    if d.is_zero() {
        return Err(SettingError::Zero { key: key() });
    }
    if d > max {
        return Err(SettingError::TooLong {
            key: key(),
            text: text.to_owned(),
            max,
        });
    }
    Ok(d)
}

/// A count in `min..=max`; the error names the key.
fn count<T: PartialOrd + std::fmt::Display>(
    key: &str,
    n: T,
    min: T,
    max: T,
) -> Result<T, SettingError> {
    if n < min || n > max {
        return Err(SettingError::OutOfRange {
            key: key.to_owned(),
            n: n.to_string(),
            min: min.to_string(),
            max: max.to_string(),
        });
    }
    Ok(n)
}

impl RawPolicy {
    fn apply_to(self, base: &SpacePolicy) -> Result<SpacePolicy, SettingError> {
        let mut out = base.clone();
        if let Some(path) = self.health_path {
            if !path.starts_with('/') || path.chars().any(char::is_whitespace) {
                return Err(SettingError::HealthPath(path));
            }
            out.probe.health_path = path;
        }
        if let Some(status) = self.expected_status {
            let list = match status {
                OneOrMany::One(s) => vec![s],
                OneOrMany::Many(list) => list,
            };
            if let Some(bad) = list.iter().find(|s| !(100..=599).contains(*s)) {
                return Err(SettingError::Status(*bad));
            }
            out.probe.expected_status = list;
        }
        if let Some(keyword) = self.keyword {
            out.probe.keyword = Some(keyword).filter(|k| !k.is_empty());
        }
        if let Some(timeout) = self.probe_timeout {
            out.probe.timeout = bounded("probe_timeout", &timeout, limits::PROBE_TIMEOUT)?;
        }
        out.auto_repair = self.auto_repair.unwrap_or(out.auto_repair);
        out.keep_alive = self.keep_alive.unwrap_or(out.keep_alive);
        out.wake_paused = self.wake_paused.unwrap_or(out.wake_paused);
        if let Some(n) = self.failures_before_alert {
            out.alerts.failures_before_alert =
                count("failures_before_alert", n, 1, limits::STREAK)?;
        }
        if let Some(n) = self.degraded_failures {
            out.alerts.degraded_failures = count("degraded_failures", n, 1, limits::STREAK)?;
        }
        if let Some(n) = self.successes_before_recovered {
            out.alerts.successes_before_recovered =
                count("successes_before_recovered", n, 1, limits::STREAK)?;
        }
        if let Some(every) = self.reminder_interval {
            out.alerts.reminder_interval = match every.trim() {
                "off" | "never" | "0" => None,
                text => Some(bounded("reminder_interval", text, limits::REMINDER)?),
            };
        }
        if let Some(windows) = self.maintenance {
            out.maintenance = windows_of("maintenance", windows)?;
        }
        if let Some(windows) = self.awake {
            out.awake = windows_of("awake", windows)?;
        }
        Ok(out)
    }
}

/// Windows in the maintenance format; errors name `key`.
fn windows_of(key: &str, windows: Vec<RawWindow>) -> Result<Vec<MaintenanceWindow>, SettingError> {
    windows
        .into_iter()
        .map(|w| {
            Ok(MaintenanceWindow {
                start: CheckSchedule::parse(&w.start).map_err(|error| {
                    SettingError::WindowStart {
                        key: key.to_owned(),
                        error,
                    }
                })?,
                duration: bounded(&format!("{key} duration"), &w.duration, limits::MAINTENANCE)?,
            })
        })
        .collect()
}

impl RawRepair {
    fn apply(self) -> Result<RepairSettings, SettingError> {
        let mut out = RepairSettings::default();
        if let Some(n) = self.max_per_window {
            out.limits.max_per_window = count("max_per_window", n, 0, limits::PER_WINDOW)?;
        }
        if let Some(w) = self.window {
            out.limits.window = bounded("window", &w, limits::WINDOW)?;
        }
        if let Some(n) = self.max_in_flight {
            out.max_in_flight = count("max_in_flight", n, 1, limits::IN_FLIGHT)?;
        }
        if let Some(p) = self.poll_interval {
            out.poll_interval = bounded("poll_interval", &p, limits::POLL_INTERVAL)?;
        }
        if let Some(t) = self.timeout {
            out.timeout = bounded("timeout", &t, limits::REPAIR_TIMEOUT)?;
        }
        if let Some(g) = self.start_grace {
            out.start_grace = bounded("start_grace", &g, limits::START_GRACE)?;
        }
        if let Some(n) = self.platform_incident_min_spaces {
            out.platform.min_spaces = count(
                "platform_incident_min_spaces",
                n,
                1,
                limits::PLATFORM_SPACES,
            )?;
        }
        if let Some(n) = self.platform_incident_min_owners {
            out.platform.min_owners = count(
                "platform_incident_min_owners",
                n,
                1,
                limits::PLATFORM_OWNERS,
            )?;
        }
        Ok(out)
    }
}

impl RawHistory {
    fn apply(self) -> Result<HistorySettings, SettingError> {
        let mut out = HistorySettings::default();
        let days = |n: u32| Duration::from_secs(u64::from(n) * 86_400);
        if let Some(n) = self.raw_days {
            out.raw = days(count("raw_days", n, 1, limits::RAW_DAYS)?);
        }
        if let Some(n) = self.retention_days {
            out.retention = days(count("retention_days", n, 1, limits::RETENTION_DAYS)?);
        }
        if out.retention < out.raw {
            return Err(SettingError::RetentionBelowRaw);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests;
