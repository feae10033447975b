//! `/testalert` (admin): a test alert to every configured destination through the
//! outbox (`alerts::test_alert`, the same as `spacewarden test-alert`), answered with
//! one line per destination: delivered, or failed and why (a host at most).

use std::time::Duration;

use super::reply::{Reply, Severity};
use super::{Outcome, Response};
use crate::alerts::test_alert::{self, TestAlertError};
use crate::i18n::Lang;
use crate::monitor::Monitor;
use crate::t;

/// How long one destination may take: the reply waits for all of them.
const TIMEOUT: Duration = Duration::from_secs(20);

pub(super) async fn run(monitor: &Monitor, lang: Lang) -> Response {
    let outbox = monitor.outbox();
    let chosen = match test_alert::chosen(outbox, None) {
        Ok(chosen) => chosen,
        Err(e) => return Response::with(Outcome::Failed, Reply::error(e.to_string())),
    };
    let outcomes =
        match test_alert::send(monitor.store(), outbox, &chosen, monitor.clock(), TIMEOUT).await {
            Ok(outcomes) => outcomes,
            Err(TestAlertError::Store(e)) => {
                return Response::internal(lang, "cannot write the test alert", &e);
            }
            Err(e) => return Response::with(Outcome::Failed, Reply::error(e.to_string())),
        };
    let lines: Vec<String> = outcomes
        .iter()
        .map(|o| match &o.result {
            Ok(()) => t!(
                lang,
                "chat-test-alert-delivered",
                destination = o.destination.to_string()
            ),
            Err(why) => format!("❌ {}: {why}", o.destination),
        })
        .collect();
    let all = outcomes.iter().all(|o| o.result.is_ok());
    let (severity, head) = match all {
        true => (Severity::Good, t!(lang, "chat-test-alert-all")),
        false => (Severity::Bad, t!(lang, "chat-test-alert-some")),
    };
    let reply = Reply::new(severity, format!("{head}\n{}", lines.join("\n")));
    match all {
        true => Response::done(reply),
        false => Response::with(Outcome::Failed, reply),
    }
}
