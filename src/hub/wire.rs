//! The Hub's JSON as it arrives (reference §3), and its conversion to our types.
//! Every field is optional or defaulted where the Hub may leave it out, and unknown
//! fields are ignored: the Hub adds fields over time.
//!
//! Every string that comes out of here is outside text made safe to print
//! (`domain::text`): control characters never reach a log, a terminal or a chat.

use serde::Deserialize;

use super::{HubError, MetricSample, SpaceInfo, SpaceRuntime, SpaceSummary, WhoAmI};
use crate::domain::text::{clean_body, clean_line};
use crate::domain::{SpaceId, Stage};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RuntimeWire {
    stage: String,
    #[serde(default)]
    hardware: Option<HardwareWire>,
    #[serde(default)]
    gc_timeout: Option<i64>,
    #[serde(default)]
    error_message: Option<String>,
    #[serde(default)]
    domains: Option<Vec<DomainWire>>,
}

#[derive(Debug, Deserialize)]
struct HardwareWire {
    #[serde(default)]
    current: Option<String>,
    #[serde(default)]
    requested: Option<String>,
}

#[derive(Debug, Deserialize)]
struct DomainWire {
    domain: String,
}

impl From<RuntimeWire> for SpaceRuntime {
    fn from(wire: RuntimeWire) -> SpaceRuntime {
        let (hardware, requested_hardware) = wire
            .hardware
            .map_or((None, None), |h| (h.current, h.requested));
        SpaceRuntime {
            stage: Stage::parse(&clean_line(&wire.stage)),
            hardware: hardware.as_deref().map(clean_line),
            requested_hardware: requested_hardware.as_deref().map(clean_line),
            // Negative values (-1: "never") mean no sleep timer.
            gc_timeout: wire.gc_timeout.and_then(|t| u64::try_from(t).ok()),
            // Multi-line on the Hub ("Space failed to start.\nExit code: 1").
            error_message: wire
                .error_message
                .filter(|m| !m.trim().is_empty())
                .map(|m| clean_body(&m)),
            domains: wire
                .domains
                .unwrap_or_default()
                .into_iter()
                .map(|d| clean_line(&d.domain))
                .collect(),
        }
    }
}

/// A Space in a list or info reply.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceWire {
    id: String,
    #[serde(default)]
    sha: Option<String>,
    /// ISO 8601 (`2025-03-07T01:00:00.000Z`); unreadable dates are left out.
    #[serde(default)]
    last_modified: Option<String>,
    #[serde(default)]
    subdomain: Option<String>,
    #[serde(default)]
    host: Option<String>,
    #[serde(default)]
    private: Option<bool>,
    #[serde(default)]
    sdk: Option<String>,
    #[serde(default)]
    runtime: Option<RuntimeWire>,
}

impl SpaceWire {
    /// The id as the Hub sent it, cleaned for a log line (it may be what is wrong).
    pub fn raw_id(&self) -> String {
        clean_line(&self.id)
    }

    fn id(&self) -> Result<SpaceId, HubError> {
        // The parse error quotes its input: clean it so the error prints safely.
        SpaceId::parse(&self.id).map_err(|e| {
            HubError::Decode(format!(
                "the Hub sent an invalid Space id: {}",
                clean_line(&e.to_string())
            ))
        })
    }

    /// Outside strings of a listed Space, cleaned.
    fn text(value: Option<String>) -> Option<String> {
        value.map(|v| clean_line(&v))
    }

    pub fn into_summary(self) -> Result<SpaceSummary, HubError> {
        Ok(SpaceSummary {
            id: self.id()?,
            subdomain: Self::text(self.subdomain).filter(|s| !s.is_empty()),
            private: self.private,
            sdk: Self::text(self.sdk),
            sha: Self::text(self.sha).filter(|s| !s.is_empty()),
            last_modified: self
                .last_modified
                .as_deref()
                .and_then(|d| chrono::DateTime::parse_from_rfc3339(d).ok())
                .map(|d| d.with_timezone(&chrono::Utc)),
            runtime: self.runtime.map(SpaceRuntime::from),
        })
    }

    pub fn into_info(self) -> Result<SpaceInfo, HubError> {
        Ok(SpaceInfo {
            id: self.id()?,
            subdomain: Self::text(self.subdomain).filter(|s| !s.is_empty()),
            host: Self::text(self.host),
            private: self.private,
            sdk: Self::text(self.sdk),
            runtime: self.runtime.map(SpaceRuntime::from),
        })
    }
}

#[derive(Debug, Deserialize)]
pub struct LogEventWire {
    pub data: String,
    #[serde(default)]
    pub timestamp: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct MetricWire {
    #[serde(default)]
    cpu_usage_pct: f64,
    #[serde(default)]
    memory_used_bytes: u64,
    #[serde(default)]
    memory_total_bytes: u64,
    #[serde(default)]
    rx_bps: f64,
    #[serde(default)]
    tx_bps: f64,
    #[serde(default)]
    replica: Option<String>,
}

impl From<MetricWire> for MetricSample {
    fn from(w: MetricWire) -> MetricSample {
        MetricSample {
            cpu_usage_pct: w.cpu_usage_pct,
            memory_used_bytes: w.memory_used_bytes,
            memory_total_bytes: w.memory_total_bytes,
            rx_bps: w.rx_bps,
            tx_bps: w.tx_bps,
            replica: w.replica,
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct WhoAmIWire {
    name: String,
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    orgs: Vec<OrgWire>,
    #[serde(default)]
    auth: Option<AuthWire>,
}

#[derive(Debug, Deserialize)]
struct OrgWire {
    name: String,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AuthWire {
    #[serde(default)]
    access_token: Option<AccessTokenWire>,
}

#[derive(Debug, Deserialize)]
struct AccessTokenWire {
    #[serde(default)]
    role: Option<String>,
}

impl From<WhoAmIWire> for WhoAmI {
    fn from(w: WhoAmIWire) -> WhoAmI {
        WhoAmI {
            name: clean_line(&w.name),
            kind: w.kind.map_or_else(|| "user".into(), |k| clean_line(&k)),
            orgs: w.orgs.iter().map(|o| clean_line(&o.name)).collect(),
            token_role: w
                .auth
                .and_then(|a| a.access_token)
                .and_then(|t| t.role)
                .map(|r| clean_line(&r)),
        }
    }
}

/// The human message of an error reply (§2.1): `X-Error-Message`, else the body's
/// `error` (string or list) / `error_description` / `message`, else short plain text;
/// always one clean line, since it ends up in logs and chat answers.
pub fn error_message(header: Option<&str>, body: &str) -> String {
    clean_line(&raw_error_message(header, body))
}

fn raw_error_message(header: Option<&str>, body: &str) -> String {
    if let Some(message) = header.filter(|m| !m.is_empty()) {
        return message.to_owned();
    }
    if let Ok(json) = serde_json::from_str::<serde_json::Value>(body) {
        let text = |v: &serde_json::Value| v.as_str().map(str::to_owned);
        let found = match json.get("error") {
            Some(serde_json::Value::Array(items)) => {
                Some(items.iter().filter_map(text).collect::<Vec<_>>().join("; "))
            }
            Some(v) => text(v),
            None => None,
        }
        .or_else(|| json.get("error_description").and_then(text))
        .or_else(|| json.get("message").and_then(text))
        .or_else(|| {
            json.get("errors")?
                .as_array()?
                .first()?
                .get("message")
                .and_then(text)
        });
        if let Some(found) = found {
            return found;
        }
    }
    let trimmed = body.trim();
    if trimmed.is_empty() || trimmed.starts_with('<') {
        // Empty, or an HTML error page from a proxy: nothing worth quoting.
        return "no details".into();
    }
    trimmed.chars().take(200).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_recorded_runtime_replies() {
        let building: RuntimeWire = serde_json::from_str(r#"{"stage":"BUILDING","hardware":{"current":null,"requested":"cpu-basic"},"storage":null,"gcTimeout":172800,"replicas":{"requested":1},"devMode":false,"domains":[{"domain":"user-tmp-test-space.hf.space","stage":"READY"}]}"#).unwrap();
        let runtime = SpaceRuntime::from(building);
        assert_eq!(runtime.stage, Stage::Building);
        assert_eq!(runtime.hardware, None);
        assert_eq!(runtime.requested_hardware.as_deref(), Some("cpu-basic"));
        assert_eq!(runtime.gc_timeout, Some(172_800));
        assert_eq!(runtime.domains, ["user-tmp-test-space.hf.space"]);

        let static_space: RuntimeWire = serde_json::from_str(r#"{"stage":"RUNNING","hardware":{"current":null,"requested":null},"storage":null,"replicas":{"requested":1,"current":1}}"#).unwrap();
        assert_eq!(SpaceRuntime::from(static_space).gc_timeout, None);
    }

    #[test]
    fn error_messages_in_every_documented_shape() {
        assert_eq!(
            error_message(None, r#"{"error":"Repository not found"}"#),
            "Repository not found"
        );
        assert_eq!(error_message(None, r#"{"error":["a","b"]}"#), "a; b");
        assert_eq!(error_message(None, r#"{"error_description":"d"}"#), "d");
        assert_eq!(error_message(None, r#"{"errors":[{"message":"m"}]}"#), "m");
        assert_eq!(error_message(Some("hdr"), r#"{"error":"body"}"#), "hdr");
        assert_eq!(error_message(None, "<html>502</html>"), "no details");
        assert_eq!(error_message(None, "plain text"), "plain text");
    }

    #[test]
    fn hub_text_arrives_without_control_characters() {
        let wire: RuntimeWire = serde_json::from_str(
            r#"{"stage":"RUNTIME_ERROR\u001b[2J","errorMessage":"\u001b[31mboom\r\nExit code: 1\u0007","hardware":{"current":"cpu\u0007","requested":null}}"#,
        )
        .unwrap();
        let runtime = SpaceRuntime::from(wire);
        assert_eq!(
            runtime.error_message.as_deref(),
            Some("␛[31mboom\nExit code: 1␇")
        );
        assert_eq!(runtime.stage.as_str(), "RUNTIME_ERROR␛[2J");
        assert_eq!(runtime.hardware.as_deref(), Some("cpu␇"));
        assert_eq!(
            error_message(Some("bad\u{1b}]0;title\u{7}"), ""),
            "bad␛]0;title␇"
        );
        assert_eq!(
            error_message(None, "line one\nline \u{1b}two"),
            "line one line ␛two"
        );
    }

    #[test]
    fn a_list_item_with_sha_and_last_modified() {
        let wire: SpaceWire = serde_json::from_str(
            r#"{"_id":"6409a392bbc73d022c58c980","id":"microsoft/visual_chatgpt","sha":"a1b2c3d4","lastModified":"2025-03-07T01:00:00.000Z","private":false}"#,
        )
        .unwrap();
        let summary = wire.into_summary().unwrap();
        assert_eq!(summary.sha.as_deref(), Some("a1b2c3d4"));
        assert_eq!(
            summary.last_modified.map(|d| d.to_rfc3339()),
            Some("2025-03-07T01:00:00+00:00".to_owned())
        );
    }
}
