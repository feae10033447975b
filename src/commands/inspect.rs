//! `/logs` and `/metrics`: read straight from the Hub (logs SSE, live-metrics SSE).
//! Log lines are outside text, shown as they are; the rest is in the reader's language.

use super::{Block, CommandCore, Reply, Severity};
use crate::domain::SpaceId;
use crate::hub::{HubError, LogKind};
use crate::i18n::Lang;
use crate::t;

/// Log lines shown: enough to see a traceback, few enough for one chat message.
const LOG_LINES: usize = 30;
const LINE_WIDTH: usize = 200;

/// `what`: `logs` or `metrics`.
fn hub_error(lang: Lang, what: &str, id: &SpaceId, e: &HubError) -> Reply {
    tracing::info!(space = %id, error = %e, "{what} unavailable");
    let why = match e {
        HubError::NotFound(_) | HubError::Forbidden(_) | HubError::Unauthorized(_) => {
            t!(lang, "chat-hub-token-cannot-read")
        }
        HubError::RateLimited { .. } => t!(lang, "chat-hub-rate-limited"),
        _ => t!(lang, "chat-hub-no-answer"),
    };
    Reply::error(t!(
        lang,
        "chat-hub-unavailable",
        what = what,
        space = id.to_string(),
        why = why
    ))
}

impl CommandCore {
    pub(super) async fn logs(&self, lang: Lang, id: SpaceId, kind: LogKind) -> Reply {
        let token = self.monitor.config().token_for(id.owner());
        let (space, kind_name) = (id.to_string(), kind.as_str());
        match self.monitor.hub().logs(&id, kind, LOG_LINES, token).await {
            Ok(lines) if lines.is_empty() => Reply::new(
                Severity::Info,
                t!(lang, "chat-logs-none", kind = kind_name, space = space),
            ),
            Ok(lines) => Reply::new(
                Severity::Info,
                t!(lang, "chat-logs-title", kind = kind_name, space = space),
            )
            .block(Block::Code(
                lines
                    .into_iter()
                    .map(|l| l.text.chars().take(LINE_WIDTH).collect())
                    .collect(),
            )),
            Err(e) => hub_error(lang, "logs", &id, &e),
        }
    }

    pub(super) async fn metrics(&self, lang: Lang, id: SpaceId) -> Reply {
        let token = self.monitor.config().token_for(id.owner());
        match self.monitor.hub().live_metrics(&id, 3, token).await {
            Ok(samples) => {
                let n = samples.len() as f64;
                let avg = |f: fn(&crate::hub::MetricSample) -> f64| {
                    samples.iter().map(f).sum::<f64>() / n
                };
                let last = samples
                    .last()
                    .map(|s| (s.memory_used_bytes, s.memory_total_bytes))
                    .unwrap_or_default();
                let gib = |b: u64| b as f64 / 1_073_741_824.0;
                let fields = vec![
                    ("CPU".into(), format!("{:.1} %", avg(|s| s.cpu_usage_pct))),
                    (
                        t!(lang, "chat-metrics-memory"),
                        format!("{:.2} / {:.0} GiB", gib(last.0), gib(last.1)),
                    ),
                    (
                        t!(lang, "chat-metrics-network"),
                        format!(
                            "{:.1} / {:.1} kB/s",
                            avg(|s| s.rx_bps) / 1000.0,
                            avg(|s| s.tx_bps) / 1000.0
                        ),
                    ),
                    (t!(lang, "chat-metrics-samples"), samples.len().to_string()),
                ];
                Reply::new(
                    Severity::Info,
                    t!(lang, "chat-metrics-title", space = id.to_string()),
                )
                .block(Block::Fields(fields))
            }
            Err(e) => hub_error(lang, "metrics", &id, &e),
        }
    }
}
