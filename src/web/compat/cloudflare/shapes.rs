//! The Cloudflare manager's JSON shapes, in its field order (serde writes fields as
//! declared), and the one Space entry built from the read model.

use chrono::SecondsFormat;
use serde::Serialize;
use utoipa::ToSchema;

use crate::view::SpaceRow;
use crate::web::WebState;

/// `GET /spaces` and `GET /spaces/:username`.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct CfList {
    pub(super) success: bool,
    pub(super) count: usize,
    pub(super) spaces: Vec<CfSpace>,
}

/// One Space as the manager listed it. `sdkVersion` is `unknown` and `createdAt`
/// null: spacewarden stores neither.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub(in crate::web) struct CfSpace {
    pub(super) id: String,
    pub(super) name: String,
    pub(super) username: String,
    /// The Hub's stage as it sends it (`RUNNING`), or `unknown`.
    pub(super) status: String,
    pub(super) hardware: String,
    pub(super) sdk_version: String,
    pub(super) url: String,
    pub(super) created_at: Option<String>,
    pub(super) updated_at: Option<String>,
}

/// `GET /info`, fields in the manager's order.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct CfInfo {
    pub(super) success: bool,
    pub(super) version: &'static str,
    pub(super) service: &'static str,
    pub(super) config: CfConfig,
    pub(super) endpoints: Vec<CfEndpoint>,
}

/// The manager's configuration as `info` showed it: owners joined by commas (a
/// string, as its `getConfig` made it), and the version.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct CfConfig {
    pub(super) usernames: String,
    pub(super) version: &'static str,
}

#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct CfEndpoint {
    pub(super) path: String,
    pub(super) method: &'static str,
    pub(super) description: &'static str,
}

/// The 500 of a list: what failed, and our reference in `error`.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct CfFailure {
    pub(super) success: bool,
    pub(super) message: String,
    pub(super) error: String,
}

/// The `data` of an action's success: not the Hub's raw answer (the command core
/// keeps that), but the action row to follow in
/// `GET /api/v1/spaces/{owner}/{name}/history`.
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct CfActionData {
    pub(super) id: String,
    pub(super) action_id: i64,
}

/// Every refusal (and the actions' success, with `data`).
#[derive(Debug, Serialize, ToSchema)]
pub(in crate::web) struct CfResult {
    pub(super) success: bool,
    #[schema(example = "Space owner/name 重启请求已发送")]
    pub(super) message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) data: Option<CfActionData>,
}

/// A watched Space in the manager's shape.
pub(super) fn space(state: &WebState, row: &SpaceRow) -> CfSpace {
    let stored = row.state.as_ref();
    let hub = state
        .monitor
        .config()
        .hf_endpoint
        .as_str()
        .trim_end_matches('/');
    CfSpace {
        id: row.id.to_string(),
        name: row.id.name().to_owned(),
        username: row.id.owner().to_owned(),
        status: stored
            .and_then(|s| s.stage.as_ref())
            .map_or_else(|| "unknown".to_owned(), |s| s.as_str().to_owned()),
        hardware: stored
            .and_then(|s| s.hardware.clone())
            .unwrap_or_else(|| "unknown".to_owned()),
        sdk_version: "unknown".to_owned(),
        url: format!("{hub}/spaces/{}", row.id),
        created_at: None,
        updated_at: stored
            .and_then(|s| s.revision.as_ref())
            .and_then(|r| r.last_modified)
            .map(|at| at.to_rfc3339_opts(SecondsFormat::Millis, true)),
    }
}
