//! The Hugging Face side: the `Hub` trait the core depends on, the types it speaks,
//! the errors it returns, and the reqwest implementations (Hub API and app probe).
//!
//! `reqwest` is used only inside this folder. Tokens travel only in the
//! `Authorization` header; no error, log line or value returned here contains one.

// `pub(crate)` where `crate::fuzzing` reaches in.
pub(crate) mod client;
mod error;
mod events;
mod listing;
mod live;
mod probe;
pub(crate) mod ratelimit;
pub(crate) mod sse;
mod wire;

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use secrecy::SecretString;

use crate::domain::{ProbeOutcome, SpaceId, Stage};

pub use client::{HubClient, HubEndpoints, credential_key};
pub use error::HubError;
pub use events::{HubEvent, HubObserver, RuntimeCall};
pub use live::MetricStream;
pub use probe::HttpProbe;
pub use ratelimit::RateLimit;

/// The runtime of a Space (`GET /api/spaces/{id}/runtime`, reference §3.4).
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceRuntime {
    pub stage: Stage,
    /// `hardware.current`: null while building for the first time and for static Spaces.
    pub hardware: Option<String>,
    pub requested_hardware: Option<String>,
    /// Sleep time in seconds; 172800 on free cpu-basic hardware, `None`: never sleeps.
    pub gc_timeout: Option<u64>,
    pub error_message: Option<String>,
    /// `domains[].domain`, e.g. `user-space.hf.space`.
    pub domains: Vec<String>,
}

impl SpaceRuntime {
    /// The app's subdomain from `domains[].domain` (`<subdomain>.hf.space`, reference
    /// §8): authoritative when present.
    pub fn subdomain(&self) -> Option<String> {
        subdomain_of(&self.domains)
    }
}

/// How the Hub names a Space's app host (reference §8). Independent of
/// `HF_APP_URL_TEMPLATE`, which says where spacewarden reaches the app.
const APP_DOMAIN_SUFFIX: &str = ".hf.space";

/// The subdomain in the first of `domains` that is an app host.
pub fn subdomain_of(domains: &[String]) -> Option<String> {
    domains
        .iter()
        .find_map(|d| d.strip_suffix(APP_DOMAIN_SUFFIX))
        .map(str::to_owned)
}

/// One Space as the list endpoint returns it with `expand=runtime&expand=subdomain`.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceSummary {
    pub id: SpaceId,
    pub subdomain: Option<String>,
    pub private: Option<bool>,
    pub sdk: Option<String>,
    /// The commit the Space runs (`sha`) and when it was made (`lastModified`).
    pub sha: Option<String>,
    pub last_modified: Option<DateTime<Utc>>,
    /// Missing when the Hub did not include it; the caller falls back to `/runtime`.
    pub runtime: Option<SpaceRuntime>,
}

/// `GET /api/spaces/{id}` (reference §3.3), the fields spacewarden uses.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceInfo {
    pub id: SpaceId,
    pub subdomain: Option<String>,
    /// The app URL with scheme, e.g. `https://user-space.hf.space`.
    pub host: Option<String>,
    pub private: Option<bool>,
    pub sdk: Option<String>,
    pub runtime: Option<SpaceRuntime>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum LogKind {
    Build,
    Run,
}

impl LogKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LogKind::Build => "build",
            LogKind::Run => "run",
        }
    }
}

/// One log line from the SSE log stream (§3.11).
#[derive(Debug, Clone, PartialEq)]
pub struct LogLine {
    pub text: String,
    pub timestamp: Option<DateTime<Utc>>,
}

/// One sample of the live-metrics stream (§3.13).
#[derive(Debug, Clone, PartialEq)]
pub struct MetricSample {
    pub cpu_usage_pct: f64,
    pub memory_used_bytes: u64,
    pub memory_total_bytes: u64,
    pub rx_bps: f64,
    pub tx_bps: f64,
    pub replica: Option<String>,
}

/// `GET /api/whoami-v2` (§3.1), the fields spacewarden uses.
#[derive(Debug, Clone, PartialEq)]
pub struct WhoAmI {
    pub name: String,
    pub kind: String,
    pub orgs: Vec<String>,
    /// `auth.accessToken.role` (`read`, `write`, `fineGrained`), when given.
    pub token_role: Option<String>,
}

/// Everything the core asks of the Hub. `token` is the credential for this call;
/// `None` asks anonymously (enough for public Spaces).
#[async_trait]
pub trait Hub: Send + Sync {
    /// Every Space of `owner` the token can see, runtime and subdomain expanded,
    /// following `Link` pagination.
    async fn list_spaces(
        &self,
        owner: &str,
        token: Option<&SecretString>,
    ) -> Result<Vec<SpaceSummary>, HubError>;

    async fn runtime(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError>;

    async fn space_info(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceInfo, HubError>;

    /// Restart, or factory rebuild (`?factory=true`) when `factory` is set.
    async fn restart(
        &self,
        id: &SpaceId,
        factory: bool,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError>;

    async fn pause(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError>;

    /// `POST /sleeptime` (§3.7): idle this many seconds before sleeping; `-1`: never
    /// (upgraded hardware only; cpu-basic is fixed at 48 h).
    async fn set_sleep_time(
        &self,
        id: &SpaceId,
        seconds: i64,
        token: Option<&SecretString>,
    ) -> Result<SpaceRuntime, HubError>;

    /// The last `tail` lines of the build or run log.
    async fn logs(
        &self,
        id: &SpaceId,
        kind: LogKind,
        tail: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<LogLine>, HubError>;

    /// Reads `samples` events of the live-metrics stream, then hangs up.
    async fn live_metrics(
        &self,
        id: &SpaceId,
        samples: usize,
        token: Option<&SecretString>,
    ) -> Result<Vec<MetricSample>, HubError>;

    /// The live-metrics stream, sample by sample, for as long as the caller keeps
    /// it; dropping it hangs up. It ends with an `Err` item when the connection fails
    /// or goes quiet.
    async fn live_metrics_stream(
        &self,
        id: &SpaceId,
        token: Option<&SecretString>,
    ) -> Result<MetricStream, HubError>;

    async fn whoami(&self, token: &SecretString) -> Result<WhoAmI, HubError>;
}

/// What to probe and what counts as healthy.
#[derive(Debug, Clone)]
pub struct ProbeRequest {
    pub url: String,
    /// Accepted statuses; empty means any 2xx.
    pub expected_status: Vec<u16>,
    pub keyword: Option<String>,
    pub timeout: Duration,
}

/// HTTP probing of a Space's app.
#[async_trait]
pub trait AppProbe: Send + Sync {
    /// Never fails: a failed probe is an outcome. `token` is sent for private Spaces.
    async fn probe(&self, request: &ProbeRequest, token: Option<&SecretString>) -> ProbeOutcome;
}
