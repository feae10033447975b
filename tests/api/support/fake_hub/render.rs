//! JSON bodies in the Hub's wire shapes: the runtime object (§3.4, key order
//! as in the recorded cassettes so those replies come out byte for byte),
//! Space info / list items reduced to the requested fields (§3.2-3.3), and
//! stable fake ids. Structs, not `json!`, where key order must match records.

use std::hash::{DefaultHasher, Hash, Hasher};

use serde::Serialize;
use serde_json::{Value, json};

use super::state::{Space, is_error_stage, is_serving};

/// `expand` values the Hub accepts (§3.2, plus `gitalyUid` from HFJS and
/// `xetEnabled`, which the recorded `revision/main?expand=xetEnabled` used).
pub(crate) const EXPAND_ALLOWED: &[&str] = &[
    "author",
    "cardData",
    "createdAt",
    "datasets",
    "disabled",
    "gitalyUid",
    "lastModified",
    "likes",
    "models",
    "private",
    "region",
    "resourceGroup",
    "runtime",
    "sdk",
    "sha",
    "siblings",
    "subdomain",
    "tags",
    "trendingScore",
    "usedStorage",
    "xetEnabled",
];

/// What a list item carries without `expand` (no runtime).
pub(crate) const LIST_DEFAULT: &[&str] = &[
    "author",
    "likes",
    "trendingScore",
    "private",
    "sdk",
    "tags",
    "createdAt",
    "lastModified",
];

/// What `GET /api/spaces/{id}` (and the list with `full=true`) carries.
pub(crate) const INFO_DEFAULT: &[&str] = &[
    "author",
    "sha",
    "lastModified",
    "private",
    "gated",
    "disabled",
    "host",
    "subdomain",
    "likes",
    "sdk",
    "tags",
    "siblings",
    "createdAt",
    "cardData",
    "runtime",
    "models",
    "datasets",
    "usedStorage",
    "trendingScore",
];

#[derive(Serialize)]
struct Hardware {
    current: Option<String>,
    requested: Option<String>,
}

#[derive(Serialize)]
struct Replicas {
    requested: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<u32>,
}

#[derive(Serialize)]
struct Domain {
    domain: String,
    stage: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Runtime {
    stage: String,
    hardware: Hardware,
    storage: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gc_timeout: Option<Option<u64>>,
    replicas: Replicas,
    #[serde(skip_serializing_if = "Option::is_none")]
    dev_mode: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    domains: Option<Vec<Domain>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
}

/// The runtime as shown now. Static Spaces have no container, so (as
/// recorded for `victor/static-space`) no gcTimeout, devMode or domains.
pub(crate) fn runtime(space: &Space) -> Runtime {
    let serving = is_serving(&space.stage) || space.is_static();
    let domains = space.reported_subdomain().map(|sub| {
        vec![Domain {
            domain: format!("{sub}.hf.space"),
            stage: "READY",
        }]
    });
    let error_message = space
        .error_message
        .clone()
        .filter(|_| is_error_stage(&space.stage));
    Runtime {
        stage: space.stage.clone(),
        hardware: Hardware {
            current: space.current_hw.clone(),
            requested: space.requested_hw.clone(),
        },
        storage: None,
        gc_timeout: (!space.is_static()).then_some(space.gc_timeout),
        replicas: Replicas {
            requested: 1,
            current: serving.then_some(1),
        },
        dev_mode: (!space.is_static()).then_some(false),
        domains: if space.is_static() {
            None
        } else {
            Some(domains.unwrap_or_default())
        },
        error_message,
    }
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub(crate) struct SpaceJson {
    #[serde(rename = "_id")]
    mongo_id: String,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    private: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gated: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    disabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    subdomain: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    likes: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trending_score: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sdk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tags: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    siblings: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    card_data: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    runtime: Option<Runtime>,
    #[serde(skip_serializing_if = "Option::is_none")]
    models: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    datasets: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_group: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    used_storage: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    xet_enabled: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gitaly_uid: Option<String>,
}

/// Stable pseudo-random hex of `len` digits, so ids look real but never
/// change between runs.
pub(crate) fn hex_id(seed: &str, len: usize) -> String {
    let mut out = String::new();
    let mut round = 0u64;
    while out.len() < len {
        let mut h = DefaultHasher::new();
        (seed, round).hash(&mut h);
        out.push_str(&format!("{:016x}", h.finish()));
        round += 1;
    }
    out.truncate(len);
    out
}

fn iso_date(index: usize, extra_secs: i64) -> String {
    // 2025-03-07T00:00:00Z (the cassettes' recording day) + one day per Space.
    let ts = 1_741_305_600 + index as i64 * 86_400 + extra_secs;
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string())
        .unwrap_or_default()
}

/// Renders `space` with only `fields` (plus `_id` and `id`, always there).
/// The caller advances the stage machine first when `runtime` is included.
pub(crate) fn space_json(space: &Space, fields: &[&str], app_url: &str) -> SpaceJson {
    let has = |f: &str| fields.contains(&f);
    let name = space
        .id
        .split_once('/')
        .map(|(_, n)| n)
        .unwrap_or(&space.id);
    let app_file = match space.sdk.as_str() {
        "docker" => "Dockerfile",
        "static" => "index.html",
        _ => "app.py",
    };
    SpaceJson {
        mongo_id: hex_id(&space.id, 24),
        id: space.id.clone(),
        author: has("author").then(|| space.owner().to_string()),
        sha: has("sha").then(|| space.sha.clone()),
        last_modified: has("lastModified").then(|| {
            space
                .last_modified
                .clone()
                .unwrap_or_else(|| iso_date(space.index, 3600))
        }),
        created_at: has("createdAt").then(|| iso_date(space.index, 0)),
        private: has("private").then_some(space.private),
        gated: has("gated").then_some(false),
        disabled: has("disabled").then_some(false),
        host: space.reported_subdomain().filter(|_| has("host")).map(|_| app_url.to_string()),
        subdomain: space.reported_subdomain().filter(|_| has("subdomain")).map(str::to_string),
        likes: has("likes").then_some(space.likes),
        trending_score: has("trendingScore").then_some(0),
        sdk: has("sdk").then(|| space.sdk.clone()),
        tags: has("tags").then(|| {
            let mut tags = vec![space.sdk.clone()];
            tags.extend(space.tags.iter().cloned());
            tags.push("region:us".to_string());
            tags
        }),
        siblings: has("siblings").then(|| {
            json!([{"rfilename": ".gitattributes"}, {"rfilename": "README.md"}, {"rfilename": app_file}])
        }),
        card_data: has("cardData").then(|| {
            json!({"title": name, "emoji": "🚀", "colorFrom": "blue", "colorTo": "green",
                   "sdk": space.sdk, "app_file": app_file, "pinned": false})
        }),
        runtime: has("runtime").then(|| runtime(space)),
        models: has("models").then(Vec::new),
        datasets: has("datasets").then(Vec::new),
        region: has("region").then(|| "us".to_string()),
        resource_group: has("resourceGroup").then_some(Value::Null),
        used_storage: has("usedStorage").then_some(48_213),
        xet_enabled: has("xetEnabled").then_some(false),
        gitaly_uid: has("gitalyUid").then(|| hex_id(&format!("{}@gitaly", space.id), 12)),
    }
}
