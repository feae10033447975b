//! The pages for people: server-rendered HTML (maud escapes every splice), light and
//! dark, readable on a phone, nothing loaded from elsewhere. Anyone may read them; a
//! signed-in user also gets the actions (`act`), which go through the command core.
//! Nothing on them comes from a token. The same pages are also written as a static
//! site (`static_pages`, for `spacewarden report`): read-only and self-contained.

mod act;
mod costs;
mod layout;
mod login;
mod parts;
mod site;
mod space;
mod status;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;
use serde::Deserialize;

use self::site::{Site, space_file};
use super::auth::current_session;
use super::{SampleBook, WebState};
use crate::clock::{Clock, SystemClock};
use crate::domain::SpaceId;
use crate::monitor::{Monitor, SchedulerSnapshot};
use crate::store::{Flash, StoreError};
use crate::view::{self, Reach, SpaceRow};

pub(crate) use layout::Viewer;
pub(crate) use login::{LoginForm, login_page};

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/", get(status_page))
        .route("/space/{owner}/{name}", get(space_page))
        .route("/space/{owner}/{name}/{action}", post(act::act))
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
            PageError::Internal(e) => internal_error(&e),
        }
    }
}

fn message_page(status: StatusCode, title: &str, body: maud::Markup) -> Response {
    let viewer = Viewer::Visitor { sign_in: false };
    // Edge: error pages are built without the state (`PageError::into_response`), so
    // their footer shows the real time.
    let now = SystemClock.now();
    let page = layout::page(layout::Frame::new(Site::Live, title, now, &viewer), body);
    (status, Html(page.into_string())).into_response()
}

/// 500, logged with its cause, shown without it.
pub(crate) fn internal_error(e: &StoreError) -> Response {
    tracing::error!(error = %e, "page failed");
    message_page(
        StatusCode::INTERNAL_SERVER_ERROR,
        "Error",
        html! {
            h1 { "Something went wrong" }
            p { "The status could not be read. The details are in spacewarden's log." }
        },
    )
}

pub(crate) fn not_found_page() -> Response {
    message_page(
        StatusCode::NOT_FOUND,
        "Not found",
        html! {
            h1 { "Not found" }
            p { "No such page, or spacewarden does not watch that Space. " a href="/" { "All Spaces" } }
        },
    )
}

/// 403: a form whose CSRF token is not the session's (an old tab, or another site).
pub(crate) fn forbidden_page() -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Refused",
        html! {
            h1 { "Refused" }
            p { "This form does not belong to your session (it may be from an old tab). "
                "Reload the page and try again." }
        },
    )
}

/// 403: an action the signed-in user's role does not allow (a viewer's).
pub(crate) fn refused_page(sentence: &str) -> Response {
    message_page(
        StatusCode::FORBIDDEN,
        "Refused",
        html! { h1 { "Refused" } p { (sentence) } },
    )
}

/// The fallback for every path no router knows.
pub(super) async fn not_found() -> Response {
    not_found_page()
}

/// Who is asking, and the flash waiting for them (read once).
async fn viewer(
    state: &WebState,
    headers: &HeaderMap,
) -> Result<(Viewer, Option<Flash>), StoreError> {
    match current_session(state, headers).await? {
        Some(session) => {
            let flash = state.monitor.store().take_flash(&session.id_hash).await?;
            Ok((Viewer::SignedIn(session), flash))
        }
        None => Ok((
            Viewer::Visitor {
                sign_in: state.auth.enabled(),
            },
            None,
        )),
    }
}

#[derive(Debug, Deserialize)]
struct StatusQuery {
    q: Option<String>,
}

/// Everything the status page shows: the read model's overview, and this process's
/// scheduler.
async fn status_data(
    monitor: &Monitor,
    scheduler: SchedulerSnapshot,
    filter: Option<String>,
    site: Site,
) -> Result<status::StatusData, StoreError> {
    let overview = view::overview(monitor).await?;
    // Where this process runs no scheduler (a report, a follower replica), the last
    // check any process stored stands in for it.
    let mut scheduler = scheduler;
    if scheduler.last_cycle_end.is_none() {
        scheduler.last_cycle_end = overview.last_check;
    }
    Ok(status::StatusData {
        now: overview.now,
        rows: overview.rows,
        bars: overview.bars,
        empty_bar: parts::empty_bar(overview.now),
        incidents: overview.incidents,
        actions: overview.actions,
        scheduler,
        filter: filter
            .map(|q| q.trim().to_owned())
            .filter(|q| !q.is_empty()),
        site,
        costs: costs::CostView {
            days: view::COST_DAYS,
            costs: overview.costs,
            projection: overview.projection,
        },
        tokens: overview.tokens,
    })
}

/// Everything a Space's page shows.
async fn space_data(
    monitor: &Monitor,
    samples: &SampleBook,
    row: SpaceRow,
    site: Site,
) -> Result<space::SpaceData, StoreError> {
    let app_url = row
        .state
        .as_ref()
        .and_then(|s| s.subdomain.as_deref())
        .map(|sub| monitor.config().app_url_template.url_for(sub));
    let history = view::history(monitor, &row.id, Reach::PAGE).await?;
    Ok(space::SpaceData {
        now: monitor.now(),
        bar: view::uptime_bar(monitor, &row.id).await?,
        samples: samples.samples(&row.id),
        incidents: history.incidents,
        actions: history.actions,
        checks: history.checks,
        app_url,
        row,
        site,
    })
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
    // Nobody signs in to a file.
    let viewer = Viewer::Visitor { sign_in: false };
    let data = status_data(monitor, SchedulerSnapshot::default(), None, site).await?;
    let mut pages = vec![(
        "index.html".to_owned(),
        status::render(&data, &viewer, None).into_string(),
    )];
    if space_pages {
        let samples = SampleBook::default();
        for row in data.rows {
            let path = space_file(&row.id);
            let site = Site::Static {
                space_pages,
                depth: path.matches('/').count(),
            };
            let data = space_data(monitor, &samples, row, site).await?;
            pages.push((path, space::render(&data, &viewer, None).into_string()));
        }
    }
    Ok(pages)
}

async fn status_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Query(query): Query<StatusQuery>,
) -> Result<Html<String>, PageError> {
    let (viewer, flash) = viewer(&state, &headers).await?;
    let scheduler = state.scheduler.snapshot();
    let data = status_data(&state.monitor, scheduler, query.q, Site::Live).await?;
    Ok(Html(
        status::render(&data, &viewer, flash.as_ref()).into_string(),
    ))
}

async fn space_page(
    State(state): State<WebState>,
    headers: HeaderMap,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let id = SpaceId::parse(&format!("{owner}/{name}")).map_err(|_| PageError::NotFound)?;
    let row = view::space_detail(&state.monitor, &id)
        .await?
        .ok_or(PageError::NotFound)?;
    let (viewer, flash) = viewer(&state, &headers).await?;
    let data = space_data(&state.monitor, &state.samples, row, Site::Live).await?;
    Ok(Html(
        space::render(&data, &viewer, flash.as_ref()).into_string(),
    ))
}
