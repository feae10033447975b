//! The log destination: every alert printed to stdout, one line per event. Always on,
//! so a deployment without chat still shows what happened.

use std::io::Write;

use async_trait::async_trait;

use crate::alerts::{Alert, DeliveryError, Notifier, render};

pub struct LogNotifier;

#[async_trait]
impl Notifier for LogNotifier {
    fn destinations(&self) -> Vec<String> {
        vec!["log".into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let text = render::text(alert);
        let mut out = std::io::stdout().lock();
        for line in text.lines() {
            writeln!(out, "ALERT {line}").map_err(|e| DeliveryError::Retry {
                after: None,
                reason: format!("stdout: {e}"),
            })?;
        }
        out.flush().map_err(|e| DeliveryError::Retry {
            after: None,
            reason: format!("stdout: {e}"),
        })
    }
}
