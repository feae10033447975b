//! The static report (`spacewarden report`): the status pages as files
//! (`pages::static_pages`: read-only, self-contained) and `data.json`, the same facts
//! in the API's shapes: every watched Space with its verdict and uptime (24 h, 7 d,
//! 30 d), and for each its incidents, actions and latest checks. Both carry the
//! summary the Python monitor's report opened with: how many checks ran over the
//! period and how many of them found the Space up.

use std::collections::HashSet;

use chrono::{DateTime, SubsecRound, Utc};
use serde::Serialize;

use super::api::dto::{ActionDto, CheckDto, IncidentDto, SpaceSummary};
use super::api::summary;
use super::pages::static_pages;
use crate::i18n::Lang;
use crate::monitor::Monitor;
use crate::store::StoreError;
use crate::t;
use crate::view::{self, Reach, SpaceRow};

/// `data.json`.
#[derive(Debug, Serialize)]
struct ReportData {
    generated_at: DateTime<Utc>,
    version: &'static str,
    summary: Summary,
    spaces: Vec<ReportSpace>,
}

/// The checks of every watched Space over the period the raw checks are kept
/// (`[history] raw_days`, 7 days by default): how many, how many found the Space up,
/// and that share (`null` without checks).
#[derive(Debug, Serialize, PartialEq)]
struct Summary {
    since: DateTime<Utc>,
    until: DateTime<Utc>,
    checks: i64,
    successful: i64,
    success_rate: Option<f64>,
}

impl Summary {
    async fn read(monitor: &Monitor, watched: &[SpaceRow]) -> Result<Summary, StoreError> {
        let until = monitor.now().trunc_subsecs(3);
        let since = crate::domain::time::before(until, monitor.settings().history.raw);
        let keys: HashSet<String> = watched.iter().map(|row| row.id.key()).collect();
        let (checks, successful) = monitor
            .store()
            .check_tallies(since)
            .await?
            .into_iter()
            .filter(|(space, _, _)| keys.contains(&space.to_ascii_lowercase()))
            .fold((0, 0), |(all, up), (_, n, ok)| (all + n, up + ok));
        Ok(Summary {
            since,
            until,
            checks,
            successful,
            success_rate: (checks > 0).then(|| successful as f64 / checks as f64),
        })
    }

    /// One line for people: "1234 checks over the last 7 days, 98.5% successful",
    /// "最近 7 天共检查 1234 次，成功率 98.5%".
    fn sentence(&self, lang: Lang) -> String {
        let days = (self.until - self.since).num_days();
        let checks = self.checks;
        match self.success_rate {
            Some(rate) => {
                let rate = format!("{:.1}", rate * 100.0);
                t!(
                    lang,
                    "report-summary-rate",
                    checks = checks,
                    days = days,
                    rate = rate
                )
            }
            None => t!(lang, "report-summary", checks = checks, days = days),
        }
    }
}

/// The summary under the status page's own summary line (`<p class="summary">`),
/// else at the top of `<main>`. The page is the pages module's; the report adds its
/// line here so the live page stays as it is.
fn with_summary(index: &str, summary: &Summary, lang: Lang) -> String {
    let line = maud::html! { p.summary.report-summary { (summary.sentence(lang)) } }.into_string();
    let at = index
        .find("<p class=\"summary\">")
        .and_then(|start| {
            index[start..]
                .find("</p>")
                .map(|end| start + end + "</p>".len())
        })
        .or_else(|| index.find("<main>").map(|start| start + "<main>".len()));
    match at {
        Some(at) => format!("{}{line}{}", &index[..at], &index[at..]),
        None => format!("{line}{index}"),
    }
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
    let watched = view::watched_rows(monitor).await?;
    let totals = Summary::read(monitor, &watched).await?;
    for (path, page) in &mut files {
        if path == "index.html" {
            *page = with_summary(page, &totals, monitor.config().locale.lang);
        }
    }
    let mut spaces = Vec::new();
    // Per Space, as on its page.
    for row in watched {
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
        summary: totals,
        spaces,
    };
    // Strings, numbers and times only: serializing cannot fail.
    let json = serde_json::to_string_pretty(&data).unwrap_or_default();
    files.push(("data.json".to_owned(), json));
    Ok(files)
}
