//! Canonical Space ids (issue 25): the store keys every Space by its lowercased id, and
//! what users read keeps the spelling they configured, through the API and the page,
//! whatever case a request uses.

use axum::http::StatusCode;

use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::web::{API_KEY, Site};

#[tokio::test]
async fn the_api_and_the_page_show_the_id_as_configured() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("Alice/App"));
    let site = Site::new(&hub, "Alice/App", Some(API_KEY), "").await;
    site.check().await;
    site.clock.advance(std::time::Duration::from_secs(300));
    site.check().await;

    let list = site.api_get("/api/v1/spaces").await.json();
    let spaces = list["spaces"].as_array().expect("a list");
    assert_eq!(spaces.len(), 1, "{list}");
    assert_eq!(spaces[0]["space"], "Alice/App", "{list}");
    assert_eq!(spaces[0]["verdict"], "up");
    assert_eq!(spaces[0]["uptime"]["h24"], 1.0, "the roll-ups found by key");

    // Any spelling of the path finds it; the answer is spelled as configured.
    let detail = site.api_get("/api/v1/spaces/alice/app").await;
    assert_eq!(detail.status, StatusCode::OK);
    assert_eq!(detail.json()["space"], "Alice/App");
    let history = site.api_get("/api/v1/spaces/ALICE/APP/history").await;
    assert_eq!(history.status, StatusCode::OK, "{}", history.body);

    let page = site.get("/").await;
    assert!(page.body.contains("Alice/App"), "{}", page.body);
    assert!(!page.body.contains("alice/app<"), "the key never shows");
}
