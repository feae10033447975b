//! The status page's aggregates, read at one moment: every watched Space's row, the
//! 90-day bars, the week's incidents and actions, the newest stored check, costs and
//! the token self-test's findings. The static report's `index.html` is the same page.

use std::sync::Arc;

use chrono::{DateTime, Utc};

use super::{Bars, SpaceRow, rows_with};
use crate::domain::{Costs, SpaceId};
use crate::monitor::{Monitor, TokenProblem};
use crate::store::{ActionRow, DayUptime, IncidentRow, StoreError};

/// Days in an uptime bar.
pub const BAR_DAYS: u32 = 90;
/// Days the page's cost section covers.
pub const COST_DAYS: u32 = 30;
/// How far back the page's incident and action lists reach, and how long they are.
const RECENT_DAYS: u64 = 7;
const RECENT_ROWS: u32 = 20;

/// Everything the status page shows that is read from the store.
#[derive(Debug, Clone)]
pub struct Overview {
    pub now: DateTime<Utc>,
    pub rows: Vec<SpaceRow>,
    /// 90-day bars by lowercased `owner/name` (shared with the aggregates, drawn when
    /// asked).
    pub bars: Arc<Bars>,
    pub incidents: Vec<IncidentRow>,
    pub actions: Vec<ActionRow>,
    /// The newest check any process stored (stands in for the scheduler's last cycle
    /// where this process runs none: a report, a follower replica).
    pub last_check: Option<DateTime<Utc>>,
    /// The last `COST_DAYS` days.
    pub costs: Costs,
    pub projection: Option<f64>,
    pub tokens: Vec<TokenProblem>,
}

/// The status page's aggregates.
pub async fn overview(monitor: &Monitor) -> Result<Overview, StoreError> {
    let store = monitor.store();
    let now = monitor.now();
    let since =
        crate::domain::time::before(now, std::time::Duration::from_secs(RECENT_DAYS * 86_400));
    let figures = super::aggregates(monitor).await?;
    let rows = rows_with(monitor, &figures).await?;
    let bars = Arc::clone(&figures.bars);
    let last_check = rows
        .iter()
        .filter_map(|row| row.state.as_ref().map(|s| s.last_check))
        .max();
    Ok(Overview {
        now,
        bars,
        last_check,
        rows,
        incidents: store.recent_incidents(since, RECENT_ROWS).await?,
        actions: store.recent_actions(since, RECENT_ROWS).await?,
        costs: monitor.costs(COST_DAYS).await?,
        projection: monitor.month_projection().await?,
        tokens: monitor.token_problems(),
    })
}

/// One Space's 90-day uptime bar.
pub async fn uptime_bar(monitor: &Monitor, id: &SpaceId) -> Result<Vec<DayUptime>, StoreError> {
    monitor
        .store()
        .daily_uptime(id, monitor.now(), BAR_DAYS)
        .await
}
