//! The status pages for people: server-rendered HTML (maud escapes every splice),
//! light and dark, readable on a phone, nothing loaded from elsewhere. Read-only by
//! design: no page offers an action, and nothing on them comes from a token.

mod costs;
mod layout;
mod parts;
mod site;
mod space;
mod status;

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use maud::html;

use self::site::{Site, space_file};
use super::overview::{SpaceRow, overview, space_row};
use super::{SampleBook, WebState};
use crate::domain::SpaceId;
use crate::monitor::{Monitor, SchedulerSnapshot};
use crate::store::StoreError;

/// How far back the front page's incident and action lists reach, and how long.
const RECENT_DAYS: i64 = 7;
const RECENT_ROWS: u32 = 20;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/", get(status_page))
        .route("/space/{owner}/{name}", get(space_page))
}

/// Why a page could not be shown. A store failure is logged and shown as a plain
/// "something went wrong", never with its cause.
enum PageError {
    NotFound,
    Internal(StoreError),
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> PageError {
        PageError::Internal(e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound => not_found_page(),
            PageError::Internal(e) => {
                tracing::error!(error = %e, "status page failed");
                let body = html! {
                    h1 { "Something went wrong" }
                    p { "The status could not be read. The details are in spacewarden's log." }
                };
                let now = chrono::Utc::now();
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Html(layout::page(Site::Live, "Error", now, body).into_string()),
                )
                    .into_response()
            }
        }
    }
}

fn not_found_page() -> Response {
    let body = html! {
        h1 { "Not found" }
        p { "No such page, or spacewarden does not watch that Space. " a href="/" { "All Spaces" } }
    };
    let page = layout::page(Site::Live, "Not found", chrono::Utc::now(), body);
    (StatusCode::NOT_FOUND, Html(page.into_string())).into_response()
}

/// The fallback for every path no router knows.
pub(super) async fn not_found() -> Response {
    not_found_page()
}

async fn status_page(State(state): State<WebState>) -> Result<Html<String>, PageError> {
    let data = status_data(&state.monitor, state.scheduler.snapshot(), Site::Live).await?;
    Ok(Html(status::render(&data).into_string()))
}

async fn space_page(
    State(state): State<WebState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let id = SpaceId::parse(&format!("{owner}/{name}")).map_err(|_| PageError::NotFound)?;
    let row = space_row(&state.monitor, &id)
        .await?
        .ok_or(PageError::NotFound)?;
    let data = space_data(&state.monitor, &state.samples, row, Site::Live).await?;
    Ok(Html(space::render(&data).into_string()))
}

/// The pages of a static report (`spacewarden report`): the status page as
/// `index.html` and, with `space_pages`, one page per watched Space, each with its
/// path from the site's root. Read-only, self-contained (see `site`).
pub(in crate::web) async fn static_pages(
    monitor: &Monitor,
    space_pages: bool,
) -> Result<Vec<(String, String)>, StoreError> {
    let site = Site::Static {
        space_pages,
        depth: 0,
    };
    let mut data = status_data(monitor, SchedulerSnapshot::default(), site).await?;
    // The last check stands in for the scheduler, which a report does not have.
    data.scheduler.last_cycle_end = data
        .rows
        .iter()
        .filter_map(|row| row.state.as_ref().map(|s| s.last_check))
        .max();
    let mut pages = vec![("index.html".to_owned(), status::render(&data).into_string())];
    if space_pages {
        let samples = SampleBook::default();
        for row in data.rows {
            let path = space_file(&row.id);
            let site = Site::Static {
                space_pages,
                depth: path.matches('/').count(),
            };
            let data = space_data(monitor, &samples, row, site).await?;
            pages.push((path, space::render(&data).into_string()));
        }
    }
    Ok(pages)
}

async fn status_data(
    monitor: &Monitor,
    scheduler: SchedulerSnapshot,
    site: Site,
) -> Result<status::StatusData, StoreError> {
    let store = monitor.store();
    let now = monitor.now();
    let since = now - chrono::Duration::days(RECENT_DAYS);
    let bars: HashMap<String, _> = store
        .daily_uptime_all(now, parts::BAR_DAYS)
        .await?
        .into_iter()
        .map(|(space, bar)| (space.to_ascii_lowercase(), bar))
        .collect();
    Ok(status::StatusData {
        now,
        rows: overview(monitor).await?,
        bars,
        empty_bar: parts::empty_bar(now),
        incidents: store.recent_incidents(since, RECENT_ROWS).await?,
        actions: store.recent_actions(since, RECENT_ROWS).await?,
        scheduler,
        site,
        costs: costs::CostView {
            days: COST_DAYS,
            costs: monitor.costs(COST_DAYS).await?,
            projection: monitor.month_projection().await?,
        },
        tokens: monitor.token_problems(),
    })
}

/// The page's cost section covers this many days.
const COST_DAYS: u32 = 30;

async fn space_data(
    monitor: &Monitor,
    samples: &SampleBook,
    row: SpaceRow,
    site: Site,
) -> Result<space::SpaceData, StoreError> {
    let store = monitor.store();
    let now = monitor.now();
    let label = row.id.to_string();
    let app_url = row
        .state
        .as_ref()
        .and_then(|s| s.subdomain.as_deref())
        .map(|sub| monitor.config().app_url_template.url_for(sub));
    Ok(space::SpaceData {
        now,
        bar: store.daily_uptime(&row.id, now, parts::BAR_DAYS).await?,
        samples: samples.samples(&row.id),
        incidents: store.incidents(&row.id, 50).await?,
        actions: store.actions(&row.id, 50).await?,
        checks: store.recent_checks(&label, 30).await?,
        app_url,
        row,
        site,
    })
}
