//! `/costs`: what the watched Spaces cost over 24 h, 7 d and 30 d, this month's
//! projection, and the dearest Spaces of the last 30 days. Prices are data
//! (`domain::prices`); a flavor without a price shows as unknown, never free.

use super::words::internal;
use super::{Block, CommandCore, Reply, Severity};
use crate::i18n::Lang;
use crate::t;

/// Spaces listed by name; the rest are only in the totals.
const LISTED: usize = 10;

fn usd(value: f64) -> String {
    format!("${value:.2}")
}

impl CommandCore {
    pub(super) async fn costs(&self, lang: Lang) -> Reply {
        let read = async {
            Ok::<_, crate::store::StoreError>((
                self.monitor.costs(1).await?,
                self.monitor.costs(7).await?,
                self.monitor.costs(30).await?,
                self.monitor.month_projection().await?,
            ))
        };
        let (day, week, month, projection) = match read.await {
            Ok(read) => read,
            Err(e) => return internal(lang, "cannot read the costs", &e),
        };
        let total = |c: &crate::domain::Costs| match c.partial {
            true => t!(lang, "chat-costs-partial", total = usd(c.total_usd)),
            false => usd(c.total_usd),
        };
        let fields = vec![
            (t!(lang, "chat-costs-24h"), total(&day)),
            (t!(lang, "chat-costs-7d"), total(&week)),
            (t!(lang, "chat-costs-30d"), total(&month)),
            (
                t!(lang, "chat-costs-projected"),
                projection.map_or_else(|| t!(lang, "chat-costs-not-known"), usd),
            ),
        ];
        let mut reply =
            Reply::new(Severity::Info, t!(lang, "chat-costs-title")).block(Block::Fields(fields));
        let lines: Vec<String> = month
            .spaces
            .iter()
            .take(LISTED)
            .map(|c| {
                let cost = c
                    .usd
                    .map_or_else(|| t!(lang, "chat-costs-unknown-price"), usd);
                t!(
                    lang,
                    "chat-costs-line",
                    space = c.space.to_string(),
                    hardware = c.hardware.to_string(),
                    hours = format!("{:.1}", c.hours),
                    cost = cost
                )
            })
            .collect();
        if lines.is_empty() {
            reply = reply.text(t!(lang, "chat-costs-none"));
        } else {
            reply = reply
                .text(t!(lang, "chat-costs-dearest"))
                .block(Block::Code(lines));
        }
        reply
    }
}
