//! The OpenAPI document: valid OpenAPI 3.1, listing exactly the routes of DESIGN.md,
//! each of them served, and the answers carrying the fields their schemas list.

use std::collections::BTreeSet;

use axum::http::{Method, StatusCode};

use crate::support::fake_hub::FakeHub;
use crate::support::web::{API_KEY, Site};
use crate::web_api::slow;

#[tokio::test]
async fn openapi_document_is_valid_and_lists_every_route() {
    let hub = FakeHub::start().await;
    hub.add_space(slow("alice/app"));
    let site = Site::new(&hub, "alice/app", Some(API_KEY), "").await;
    site.check().await;
    // Public, and identical to what the library generates.
    let reply = site.get("/api/v1/openapi.json").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.body, spacewarden::web::openapi_json());
    let spec = oas3::from_json(&reply.body).expect("a valid OpenAPI 3.1 document");
    assert!(spec.openapi.starts_with("3.1"), "{}", spec.openapi);
    assert!(
        spec.components
            .as_ref()
            .is_some_and(|c| c.security_schemes.contains_key("api_key"))
    );

    let mut documented = BTreeSet::new();
    for (path, item) in spec.paths.iter().flatten() {
        for (method, operation) in item.methods() {
            documented.insert(format!("{method} {path}"));
            let secured = operation
                .security
                .iter()
                .any(|s| s.0.contains_key("api_key"));
            assert_eq!(
                secured,
                path != "/api/v1/openapi.json",
                "security of {path}"
            );
            assert!(operation.responses.as_ref().is_some_and(|r| !r.is_empty()));
            // The compatibility routes, and only they, are deprecated.
            let compat = operation.tags.iter().any(|t| t == "compatibility");
            let old_tool = path.starts_with("/api/v1/info")
                || path.starts_with("/api/v1/action")
                || path.starts_with("/api/v1/external");
            assert_eq!(compat, old_tool, "tag of {path}");
            assert_eq!(
                operation.deprecated.unwrap_or(false),
                compat,
                "deprecation of {path}"
            );
        }
    }
    // The public interface of DESIGN.md "HTTP", nothing more, nothing less.
    let design: BTreeSet<String> = [
        "GET /api/v1/spaces",
        "GET /api/v1/spaces/{owner}/{name}",
        "GET /api/v1/spaces/{owner}/{name}/history",
        // `restart` and `rebuild` (DESIGN.md), and the catalogue's other actions.
        "POST /api/v1/spaces/{owner}/{name}/{action}",
        "GET /api/v1/costs",
        "GET /api/v1/openapi.json",
        // The older tools' routes (issue 21), deprecated.
        "GET /api/v1/info/{token}",
        "GET /api/v1/info/{token}/{owner}/{name}",
        "POST /api/v1/action/{token}/{owner}/{name}/{action}",
        "GET /api/v1/external/info",
        "GET /api/v1/external/spaces",
        "GET /api/v1/external/spaces/{username}",
        "POST /api/v1/external/action/{spaceId}/{action}",
        "POST /api/v1/external/action/{owner}/{name}/{action}",
    ]
    .into_iter()
    .map(str::to_owned)
    .collect();
    assert_eq!(documented, design);

    // The answers carry exactly the fields their schemas list.
    let doc: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let fields = |schema: &str| -> BTreeSet<String> {
        let properties = &doc["components"]["schemas"][schema]["properties"];
        properties.as_object().unwrap().keys().cloned().collect()
    };
    let keys = |value: &serde_json::Value| -> BTreeSet<String> {
        value.as_object().unwrap().keys().cloned().collect()
    };
    let list = site.api_get("/api/v1/spaces").await.json();
    assert_eq!(keys(&list["spaces"][0]), fields("SpaceSummary"));
    let history = site
        .api_get("/api/v1/spaces/alice/app/history")
        .await
        .json();
    assert_eq!(keys(&history), fields("History"));
    assert_eq!(keys(&history["checks"][0]), fields("Check"));

    // Every documented operation is served: a success, not the API's 404 or 405.
    for entry in &documented {
        let (method, path) = entry.split_once(' ').unwrap();
        let path = path
            .replace("{owner}", "alice")
            .replace("{name}", "app")
            .replace("{action}", "restart")
            .replace("{token}", "hf_alice")
            .replace("{spaceId}", "alice%2Fapp")
            .replace("{username}", "alice");
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let reply = site.send(method, &path, Some(API_KEY)).await;
        assert!(
            reply.status.is_success(),
            "{entry}: {} {}",
            reply.status,
            reply.body
        );
        site.monitor.settle().await;
    }
}
