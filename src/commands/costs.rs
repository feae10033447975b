//! `/costs`: what the watched Spaces cost over 24 h, 7 d and 30 d, this month's
//! projection, and the dearest Spaces of the last 30 days. Prices are data
//! (`domain::prices`); a flavor without a price shows as unknown, never free.

use super::{Block, CommandCore, Reply, Severity, internal};

/// Spaces listed by name; the rest are only in the totals.
const LISTED: usize = 10;

fn usd(value: f64) -> String {
    format!("${value:.2}")
}

impl CommandCore {
    pub(super) async fn costs(&self) -> Reply {
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
            Err(e) => return internal("cannot read the costs", &e),
        };
        let total = |c: &crate::domain::Costs| {
            let mut text = usd(c.total_usd);
            if c.partial {
                text.push_str(" + unknown");
            }
            text
        };
        let mut reply = Reply::new(Severity::Info, "💵 Costs (USD)").block(Block::Fields(vec![
            ("24 h".into(), total(&day)),
            ("7 d".into(), total(&week)),
            ("30 d".into(), total(&month)),
            (
                "This month, projected".into(),
                projection.map_or("not yet known".into(), usd),
            ),
        ]));
        let lines: Vec<String> = month
            .spaces
            .iter()
            .take(LISTED)
            .map(|c| {
                let cost = c.usd.map_or("unknown price".into(), usd);
                format!("{} ({}): {:.1} h, {cost}", c.space, c.hardware, c.hours)
            })
            .collect();
        if lines.is_empty() {
            reply = reply.text("No billed time recorded yet.");
        } else {
            reply = reply
                .text("Last 30 days, dearest first:")
                .block(Block::Code(lines));
        }
        reply
    }
}
