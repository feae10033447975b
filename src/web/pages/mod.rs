//! The pages for people: server-rendered HTML (maud escapes every splice), light and
//! dark, readable on a phone, nothing loaded from elsewhere. Anyone may read them; a
//! signed-in user also gets the actions (`act`), which go through the command core.
//! Nothing on them comes from a token. The same pages are also written as a static
//! site (`static_pages`, for `spacewarden report`): read-only and self-contained.

mod act;
mod collapse;
mod costs;
mod filter;
mod layout;
mod login;
mod parts;
mod site;
mod space;
mod starting;
mod status;
mod ui;

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use maud::html;

use self::filter::{Filter, StatusQuery};
use self::site::{Site, space_file};
use super::auth::current_session;
use super::{SampleBook, WebState};
use crate::clock::{Clock, SystemClock};
use crate::config::Locale;
use crate::domain::SpaceId;
use crate::monitor::{Monitor, SchedulerSnapshot};
use crate::store::{Flash, StoreError};
use crate::view::{self, Reach, SpaceRow};

pub(crate) use layout::Viewer;
pub(crate) use login::{LoginForm, login_page};
pub(crate) use starting::starting_page;
pub(crate) use ui::Ui;

pub(super) fn router() -> Router<WebState> {
    Router::new()
        .route("/", get(status_page))
        .route("/lang", get(super::lang::switch))
        .route("/owner/{owner}", get(owner_page))
        .route("/space/{owner}/{name}", get(space_page))
        .route("/space/{owner}/{name}/{action}", post(act::act))
}

/// Why a page could not be shown, in the reader's language. A store failure is
/// logged and shown as a plain "something went wrong", never with its cause.
enum PageError {
    NotFound(Ui),
    Internal(Ui, StoreError),
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound(ui) => not_found_in(&ui),
            PageError::Internal(ui, e) => internal_error_in(&ui, &e),
        }
    }
}

fn message_page(ui: &Ui, status: StatusCode, title: &str, text: &str) -> Response {
    let viewer = Viewer::Visitor { sign_in: false };
    // Edge: error pages are built without the state (`PageError::into_response`), so
    // their footer shows the real time.
    let now = SystemClock.now();
    let body = html! {
        h1 { (title) }
        p { (text) " " a href="/" { (ui.t("space-all-spaces")) } }
    };
    let page = layout::page(
        layout::Frame::new(ui, Site::Live, title, now, &viewer),
        body,
    );
    (status, Html(page.into_string())).into_response()
}

/// 500, logged with its cause, shown without it (English: the callers outside the
/// pages have no request at hand; `internal_error_in` is the reader's language).
pub(crate) fn internal_error(e: &StoreError) -> Response {
    internal_error_in(&Ui::default(), e)
}

pub(crate) fn internal_error_in(ui: &Ui, e: &StoreError) -> Response {
    tracing::error!(error = %e, "page failed");
    let title = ui.t("error-title");
    message_page(
        ui,
        StatusCode::INTERNAL_SERVER_ERROR,
        &title,
        &ui.t("error-text"),
    )
}

pub(crate) fn not_found_page() -> Response {
    not_found_in(&Ui::default())
}

pub(crate) fn not_found_in(ui: &Ui) -> Response {
    let title = ui.t("not-found-title");
    message_page(ui, StatusCode::NOT_FOUND, &title, &ui.t("not-found-text"))
}

/// 403: a form whose CSRF token is not the session's (an old tab, or another site).
pub(crate) fn forbidden_page() -> Response {
    forbidden_in(&Ui::default())
}

pub(crate) fn forbidden_in(ui: &Ui) -> Response {
    let title = ui.t("refused-title");
    message_page(ui, StatusCode::FORBIDDEN, &title, &ui.t("refused-text"))
}

/// 403: an action the signed-in user's role does not allow (a viewer's). The sentence
/// is the command core's refusal.
pub(crate) fn refused_page(ui: &Ui, sentence: &str) -> Response {
    let title = ui.t("refused-title");
    message_page(ui, StatusCode::FORBIDDEN, &title, sentence)
}

/// The fallback for every path no router knows, in the reader's language.
pub(super) async fn not_found(ui: Ui) -> Response {
    not_found_in(&Ui { here: None, ..ui })
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

/// What a status page is of: the whole watch list, or one owner's Spaces.
struct Scope {
    filter: Filter,
    owner: Option<String>,
}

/// Everything the status page shows: the read model's overview, and this process's
/// scheduler; on an owner's page only that owner's Spaces, incidents and actions.
async fn status_data(
    monitor: &Monitor,
    scheduler: SchedulerSnapshot,
    scope: Scope,
    site: Site,
    ui: Ui,
) -> Result<status::StatusData, StoreError> {
    let mut overview = view::overview(monitor).await?;
    if let Some(owner) = &scope.owner {
        let of_owner = |space: &str| {
            space
                .split_once('/')
                .is_some_and(|(o, _)| o.eq_ignore_ascii_case(owner))
        };
        overview
            .rows
            .retain(|row| row.id.owner().eq_ignore_ascii_case(owner));
        overview.incidents.retain(|i| of_owner(&i.space_id));
        overview.actions.retain(|a| of_owner(&a.space_id));
    }
    // Where this process runs no scheduler (a report, a follower replica), the last
    // check any process stored stands in for it.
    let mut scheduler = scheduler;
    if scheduler.last_cycle_end.is_none() {
        scheduler.last_cycle_end = overview.last_check;
    }
    Ok(status::StatusData {
        ui,
        now: overview.now,
        rows: overview.rows,
        bars: overview.bars,
        empty_bar: parts::empty_bar(overview.now),
        incidents: overview.incidents,
        actions: overview.actions,
        scheduler,
        filter: scope.filter,
        owner: scope.owner,
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
    ui: Ui,
) -> Result<space::SpaceData, StoreError> {
    let app_url = row
        .state
        .as_ref()
        .and_then(|s| s.subdomain.as_deref())
        .map(|sub| monitor.config().app_url_template.url_for(sub));
    let history = view::history(monitor, &row.id, Reach::PAGE).await?;
    Ok(space::SpaceData {
        ui,
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
/// path from the site's root. Read-only, self-contained (see `site`); in the
/// configured language and zone (`SPACEWARDEN_LANG`, `TZ`), with no switch.
pub(in crate::web) async fn static_pages(
    monitor: &Monitor,
    space_pages: bool,
) -> Result<Vec<(String, String)>, StoreError> {
    let Locale { lang, zone } = monitor.config().locale;
    let ui = Ui {
        fixed: true,
        ..Ui::plain(lang, zone)
    };
    let site = Site::Static {
        space_pages,
        depth: 0,
    };
    // Nobody signs in to a file.
    let viewer = Viewer::Visitor { sign_in: false };
    let scope = Scope {
        filter: Filter::default(),
        owner: None,
    };
    let data = status_data(
        monitor,
        SchedulerSnapshot::default(),
        scope,
        site,
        ui.clone(),
    )
    .await?;
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
            let data = space_data(monitor, &samples, row, site, ui.clone()).await?;
            pages.push((path, space::render(&data, &viewer, None).into_string()));
        }
    }
    Ok(pages)
}

async fn status_page(
    State(state): State<WebState>,
    ui: Ui,
    headers: HeaderMap,
    Query(query): Query<StatusQuery>,
) -> Result<Html<String>, PageError> {
    let failed = |e| PageError::Internal(ui.clone(), e);
    let (viewer, flash) = viewer(&state, &headers).await.map_err(failed)?;
    let scheduler = state.scheduler.snapshot();
    let scope = Scope {
        filter: Filter::from_query(query),
        owner: None,
    };
    let data = status_data(&state.monitor, scheduler, scope, Site::Live, ui.clone())
        .await
        .map_err(failed)?;
    Ok(Html(
        status::render(&data, &viewer, flash.as_ref()).into_string(),
    ))
}

/// `GET /owner/{owner}`: one owner's Spaces, what the collapsed front page links to
/// (404 when spacewarden watches none of theirs).
async fn owner_page(
    State(state): State<WebState>,
    ui: Ui,
    headers: HeaderMap,
    Path(owner): Path<String>,
    Query(query): Query<StatusQuery>,
) -> Result<Html<String>, PageError> {
    let failed = |e| PageError::Internal(ui.clone(), e);
    // An owner is the first part of a Space id: the same characters.
    let owner = SpaceId::parse(&format!("{owner}/x"))
        .map(|id| id.owner().to_owned())
        .map_err(|_| PageError::NotFound(ui.clone()))?;
    let scheduler = state.scheduler.snapshot();
    let scope = Scope {
        filter: Filter::from_query(query),
        owner: Some(owner),
    };
    let mut data = status_data(&state.monitor, scheduler, scope, Site::Live, ui.clone())
        .await
        .map_err(failed)?;
    let Some(first) = data.rows.first() else {
        return Err(PageError::NotFound(ui));
    };
    // The spelling the Hub uses, as the front page links it.
    data.owner = Some(first.id.owner().to_owned());
    let (viewer, flash) = viewer(&state, &headers).await.map_err(failed)?;
    Ok(Html(
        status::render(&data, &viewer, flash.as_ref()).into_string(),
    ))
}

async fn space_page(
    State(state): State<WebState>,
    ui: Ui,
    headers: HeaderMap,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Html<String>, PageError> {
    let failed = |e| PageError::Internal(ui.clone(), e);
    let not_found = || PageError::NotFound(ui.clone());
    let id = SpaceId::parse(&format!("{owner}/{name}")).map_err(|_| not_found())?;
    let row = view::space_detail(&state.monitor, &id)
        .await
        .map_err(failed)?
        .ok_or_else(not_found)?;
    let (viewer, flash) = viewer(&state, &headers).await.map_err(failed)?;
    let data = space_data(&state.monitor, &state.samples, row, Site::Live, ui.clone())
        .await
        .map_err(failed)?;
    Ok(Html(
        space::render(&data, &viewer, flash.as_ref()).into_string(),
    ))
}
