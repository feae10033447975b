//! `GET /api/v1/costs?days=N`: what the watched Spaces cost over the last N days
//! (DESIGN.md "Cost and capacity"), priced with the published table and `[prices]`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::web::WebState;
use crate::web::error::{ApiError, ErrorBody};

const DEFAULT_DAYS: u32 = 30;
/// Billed time is kept as long as the hourly roll-ups.
const MAX_DAYS: u32 = 90;

#[derive(Debug, Deserialize, IntoParams)]
pub(super) struct CostQuery {
    /// The window, in days (1–90, default 30).
    days: Option<u32>,
}

/// One Space on one hardware flavor.
#[derive(Debug, Serialize, ToSchema)]
pub struct SpaceCostDto {
    #[schema(example = "alice/app")]
    pub space: String,
    #[schema(example = "t4-small")]
    pub hardware: String,
    /// Hours billed (the Space running on that hardware).
    pub hours: f64,
    /// Null when the flavor has no known price: unknown, never free.
    pub usd: Option<f64>,
}

/// Costs over a window, dearest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct CostReport {
    #[schema(example = "USD")]
    pub currency: &'static str,
    pub days: u32,
    pub spaces: Vec<SpaceCostDto>,
    /// The sum of the known costs.
    pub total_usd: f64,
    /// Some time was on hardware without a known price: the total is a lower bound.
    pub partial: bool,
    /// This calendar month's cost so far, run out to the whole month; null in the
    /// first hour of a month.
    pub projected_month_usd: Option<f64>,
}

/// What the watched Spaces cost over the last `days` days.
#[utoipa::path(
    get,
    path = "/api/v1/costs",
    tag = "costs",
    security(("api_key" = [])),
    params(CostQuery),
    responses(
        (status = 200, description = "Costs, dearest first", body = CostReport),
        (status = 400, description = "days out of range", body = ErrorBody),
        (status = 401, description = "Missing or wrong API key", body = ErrorBody),
    )
)]
pub(super) async fn costs(
    State(state): State<WebState>,
    query: Result<Query<CostQuery>, QueryRejection>,
) -> Result<Json<CostReport>, ApiError> {
    let Query(query) = query.map_err(|e| ApiError::InvalidQuery(e.body_text()))?;
    let days = query.days.unwrap_or(DEFAULT_DAYS);
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(ApiError::InvalidQuery(format!(
            "days must be 1 to {MAX_DAYS}, not {days}"
        )));
    }
    let monitor = &state.monitor;
    let costs = monitor.costs(days).await?;
    Ok(Json(CostReport {
        currency: "USD",
        days,
        total_usd: costs.total_usd,
        partial: costs.partial,
        spaces: costs
            .spaces
            .into_iter()
            .map(|c| SpaceCostDto {
                space: c.space,
                hardware: c.hardware,
                hours: c.hours,
                usd: c.usd,
            })
            .collect(),
        projected_month_usd: monitor.month_projection().await?,
    }))
}
