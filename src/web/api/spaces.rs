//! The read side of the API: the watch list with verdicts, one Space in detail, and
//! its history (checks, incidents, actions) since a moment.

use std::time::Duration;

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use utoipa::IntoParams;

use super::dto::{
    ActionDto, CheckDto, History, IncidentDto, SpaceDetail, SpaceList, SpaceSummary, UptimeDto,
};
use crate::domain::{SpaceId, parse_duration};
use crate::view::{self, Reach, SpaceRow};
use crate::web::WebState;
use crate::web::error::{ApiError, ErrorBody};

const DEFAULT_LIMIT: u32 = 100;
const MAX_LIMIT: u32 = 1000;
const DEFAULT_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// `{owner}/{name}` from the path, validated like every other Space id.
pub(super) fn space_id(owner: &str, name: &str) -> Result<SpaceId, ApiError> {
    SpaceId::parse(&format!("{owner}/{name}")).map_err(|e| ApiError::InvalidSpaceId(e.to_string()))
}

/// A watched Space, or 404.
pub(super) async fn watched_row(state: &WebState, id: &SpaceId) -> Result<SpaceRow, ApiError> {
    view::space_detail(&state.monitor, id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("spacewarden does not watch {id}")))
}

pub(in crate::web) fn summary(row: SpaceRow) -> SpaceSummary {
    let state = row.state;
    SpaceSummary {
        space: row.id.to_string(),
        verdict: state.as_ref().map(|s| s.verdict.into()),
        stage: state
            .as_ref()
            .and_then(|s| s.stage.as_ref())
            .map(|s| s.as_str().to_owned()),
        hardware: state.as_ref().and_then(|s| s.hardware.clone()),
        checked_at: state.as_ref().map(|s| s.last_check),
        verdict_since: state.as_ref().map(|s| s.verdict_since),
        error: state.and_then(|s| s.error.clone()),
        uptime: UptimeDto::from(row.uptime),
        open_incident: row.incident.map(|i| i.id),
    }
}

/// Every watched Space with its verdict; those with an open incident first.
#[utoipa::path(
    get,
    path = "/api/v1/spaces",
    tag = "spaces",
    security(("api_key" = [])),
    responses(
        (status = 200, description = "The watch list", body = SpaceList),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 404, description = "The API is off (no API_KEY)", body = ErrorBody),
    )
)]
pub(super) async fn list(State(state): State<WebState>) -> Result<Response, ApiError> {
    let rows = view::watched_rows(&state.monitor).await?;
    // A `SpaceList`, written a chunk at a time (`stream`): several MB at 10,000 Spaces.
    Ok(super::stream::object_with_array(
        "spaces",
        rows.into_iter().map(summary),
    ))
}

/// One Space in detail: stage, hardware, uptime, open incident.
#[utoipa::path(
    get,
    path = "/api/v1/spaces/{owner}/{name}",
    tag = "spaces",
    security(("api_key" = [])),
    params(("owner" = String, Path), ("name" = String, Path)),
    responses(
        (status = 200, description = "The Space", body = SpaceDetail),
        (status = 400, description = "Not a valid Space id", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 404, description = "Not watched", body = ErrorBody),
    )
)]
pub(super) async fn detail(
    State(state): State<WebState>,
    Path((owner, name)): Path<(String, String)>,
) -> Result<Json<SpaceDetail>, ApiError> {
    let id = space_id(&owner, &name)?;
    let row = watched_row(&state, &id).await?;
    let now = state.monitor.now();
    let template = &state.monitor.config().app_url_template;
    let stored = row.state.clone();
    let incident = row.incident.clone().map(|i| IncidentDto::new(i, now));
    Ok(Json(SpaceDetail {
        summary: summary(row),
        stage_since: stored.as_ref().and_then(|s| s.stage_since),
        app_url: stored
            .as_ref()
            .and_then(|s| s.subdomain.as_deref())
            .map(|sub| template.url_for(sub)),
        private: stored.as_ref().and_then(|s| s.private),
        gave_up: stored.as_ref().is_some_and(|s| s.gave_up),
        muted_until: stored.as_ref().and_then(|s| s.muted_until),
        last_visit: stored.as_ref().and_then(|s| s.last_visit),
        cause: stored.and_then(|s| s.cause.clone()).map(Into::into),
        incident,
    }))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct HistoryQuery {
    /// From when: an RFC 3339 time (`2026-11-22T10:00:00Z`) or a duration back from
    /// now (`90m`, `24h`, `7d`). Default: 24 hours ago.
    since: Option<String>,
    /// At most this many checks, incidents and actions each (1-1000, default 100).
    limit: Option<u32>,
}

fn parse_since(text: Option<&str>, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else {
        return Ok(crate::domain::time::before(now, DEFAULT_WINDOW));
    };
    if let Ok(at) = DateTime::parse_from_rfc3339(text) {
        return Ok(at.with_timezone(&Utc));
    }
    // A bare number would be ambiguous (seconds ago, or a Unix time?): a unit is required.
    let back = (!text.chars().all(|c| c.is_ascii_digit()))
        .then(|| parse_duration(text).ok())
        .flatten()
        .ok_or_else(|| {
            ApiError::InvalidQuery(format!(
                "since: \"{text}\" is neither an RFC 3339 time nor a duration such as 24h"
            ))
        })?;
    // A duration that reaches past the calendar is a mistake, not "since forever".
    chrono::Duration::from_std(back)
        .ok()
        .and_then(|back| now.checked_sub_signed(back))
        .ok_or_else(|| ApiError::InvalidQuery(format!("since: \"{text}\" reaches too far back")))
}

/// Checks, incidents and actions since a moment, each oldest first.
#[utoipa::path(
    get,
    path = "/api/v1/spaces/{owner}/{name}/history",
    tag = "spaces",
    security(("api_key" = [])),
    params(("owner" = String, Path), ("name" = String, Path), HistoryQuery),
    responses(
        (status = 200, description = "The history", body = History),
        (status = 400, description = "Bad Space id, `since` or `limit`", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
        (status = 404, description = "Not watched", body = ErrorBody),
    )
)]
pub(super) async fn history(
    State(state): State<WebState>,
    Path((owner, name)): Path<(String, String)>,
    query: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<History>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::InvalidQuery(e.body_text()))?;
    let id = space_id(&owner, &name)?;
    let row = watched_row(&state, &id).await?;
    let now = state.monitor.now();
    let since = parse_since(query.since.as_deref(), now)?;
    let limit = match query.limit {
        None => DEFAULT_LIMIT,
        Some(n @ 1..=MAX_LIMIT) => n,
        Some(n) => {
            return Err(ApiError::InvalidQuery(format!(
                "limit: {n} is outside 1-{MAX_LIMIT}"
            )));
        }
    };
    let history = view::history(&state.monitor, &row.id, Reach::Since { at: since, limit }).await?;
    Ok(Json(History {
        checks: history.checks.into_iter().map(CheckDto::from).collect(),
        incidents: history
            .incidents
            .into_iter()
            .map(|i| IncidentDto::new(i, now))
            .collect(),
        actions: history.actions.into_iter().map(ActionDto::from).collect(),
        space: row.id.to_string(),
        since,
    }))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn since_takes_times_and_durations() {
        let now = Utc.with_ymd_and_hms(2026, 11, 22, 12, 0, 0).unwrap();
        assert_eq!(
            parse_since(None, now).unwrap(),
            now - chrono::Duration::hours(24)
        );
        assert_eq!(
            parse_since(Some("2026-11-20T08:00:00+01:00"), now).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 20, 7, 0, 0).unwrap()
        );
        assert_eq!(
            parse_since(Some("90m"), now).unwrap(),
            now - chrono::Duration::minutes(90)
        );
        for bad in ["1700000000", "yesterday", "-5m", "99999999999d"] {
            let err = parse_since(Some(bad), now).unwrap_err();
            assert_eq!(err.code(), "invalid_query", "{bad}");
        }
    }
}
