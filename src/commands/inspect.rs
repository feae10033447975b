//! `/logs` and `/metrics`: read straight from the Hub (logs SSE, live-metrics SSE).

use super::{Block, CommandCore, Reply, Severity};
use crate::domain::SpaceId;
use crate::hub::{HubError, LogKind};

/// Log lines shown: enough to see a traceback, few enough for one chat message.
const LOG_LINES: usize = 30;
const LINE_WIDTH: usize = 200;

fn hub_error(what: &str, id: &SpaceId, e: &HubError) -> Reply {
    tracing::info!(space = %id, error = %e, "{what} unavailable");
    let why = match e {
        HubError::NotFound(_) | HubError::Forbidden(_) | HubError::Unauthorized(_) => {
            "the token cannot read them"
        }
        HubError::RateLimited { .. } => "the Hub is rate limiting us; try again in a minute",
        _ => "the Hub did not answer",
    };
    Reply::error(format!("No {what} for {id}: {why}."))
}

impl CommandCore {
    pub(super) async fn logs(&self, id: SpaceId, kind: LogKind) -> Reply {
        let token = self.monitor.config().token_for(id.owner());
        match self.monitor.hub().logs(&id, kind, LOG_LINES, token).await {
            Ok(lines) if lines.is_empty() => Reply::new(
                Severity::Info,
                format!("No {} log lines for {id}.", kind.as_str()),
            ),
            Ok(lines) => Reply::new(
                Severity::Info,
                format!("Last {} log lines of {id}", kind.as_str()),
            )
            .block(Block::Code(
                lines
                    .into_iter()
                    .map(|l| l.text.chars().take(LINE_WIDTH).collect())
                    .collect(),
            )),
            Err(e) => hub_error("logs", &id, &e),
        }
    }

    pub(super) async fn metrics(&self, id: SpaceId) -> Reply {
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
                Reply::new(Severity::Info, format!("Live metrics of {id}")).block(Block::Fields(
                    vec![
                        ("CPU".into(), format!("{:.1} %", avg(|s| s.cpu_usage_pct))),
                        (
                            "Memory".into(),
                            format!("{:.2} / {:.0} GiB", gib(last.0), gib(last.1)),
                        ),
                        (
                            "Network in / out".into(),
                            format!(
                                "{:.1} / {:.1} kB/s",
                                avg(|s| s.rx_bps) / 1000.0,
                                avg(|s| s.tx_bps) / 1000.0
                            ),
                        ),
                        ("Samples".into(), samples.len().to_string()),
                    ],
                ))
            }
            Err(e) => hub_error("metrics", &id, &e),
        }
    }
}
