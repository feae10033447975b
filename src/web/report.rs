//! The static report (`spacewarden report`): the status pages as files
//! (`pages::static_pages`: read-only, self-contained) and `data.json`, the same facts
//! in the API's shapes: every watched Space with its verdict and uptime (24 h, 7 d,
//! 30 d), and for each its incidents, actions and latest checks.

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use super::api::dto::{ActionDto, CheckDto, IncidentDto, SpaceSummary};
use super::api::summary;
use super::pages::static_pages;
use crate::monitor::Monitor;
use crate::store::StoreError;
use crate::view::{self, Reach};

/// `data.json`.
#[derive(Debug, Serialize)]
struct ReportData {
    generated_at: DateTime<Utc>,
    version: &'static str,
    spaces: Vec<ReportSpace>,
}

/// One watched Space: the API's summary (`GET /api/v1/spaces`) and its history, each
/// list newest first.
#[derive(Debug, Serialize)]
struct ReportSpace {
    #[serde(flatten)]
    summary: SpaceSummary,
    incidents: Vec<IncidentDto>,
    actions: Vec<ActionDto>,
    recent_checks: Vec<CheckDto>,
}

/// Every file of the site, by its path from the site's root: `index.html`,
/// `data.json`, and with `space_pages` `space/{owner}/{name}.html` (lowercase).
pub async fn static_site(
    monitor: &Monitor,
    space_pages: bool,
) -> Result<Vec<(String, String)>, StoreError> {
    let mut files = static_pages(monitor, space_pages).await?;
    let now = monitor.now();
    let mut spaces = Vec::new();
    // Per Space, as on its page.
    for row in view::watched_rows(monitor).await? {
        let history = view::history(monitor, &row.id, Reach::PAGE).await?;
        spaces.push(ReportSpace {
            incidents: history
                .incidents
                .into_iter()
                .map(|i| IncidentDto::new(i, now))
                .collect(),
            actions: history.actions.into_iter().map(ActionDto::from).collect(),
            recent_checks: history.checks.into_iter().map(CheckDto::from).collect(),
            summary: summary(row),
        });
    }
    let data = ReportData {
        // Milliseconds, as every other time in it.
        generated_at: now.trunc_subsecs(3),
        version: env!("CARGO_PKG_VERSION"),
        spaces,
    };
    // Strings, numbers and times only: serializing cannot fail.
    let json = serde_json::to_string_pretty(&data).unwrap_or_default();
    files.push(("data.json".to_owned(), json));
    Ok(files)
}
