//! The log destination: every alert printed to stdout, one line per event. Always on,
//! so a deployment without chat still shows what happened. Written in
//! `config.locale` (`SPACEWARDEN_LANG`, else the POSIX locale; times in `TZ`).

use std::io::Write;

use async_trait::async_trait;

use crate::alerts::{Alert, DeliveryError, Notifier, render};
use crate::config::Locale;

pub struct LogNotifier {
    pub locale: Locale,
}

#[async_trait]
impl Notifier for LogNotifier {
    fn destinations(&self) -> Vec<String> {
        vec!["log".into()]
    }

    fn needs_store(&self) -> bool {
        false
    }

    async fn deliver(&self, _destination: &str, alert: &Alert) -> Result<(), DeliveryError> {
        let text = render::text_in(alert, self.locale);
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
