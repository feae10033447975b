//! Issue 21: the Node dashboard's API (huggingface-monitor, base `/api/v1`), against the
//! real binary configured with that tool's own README variables (`HF_USER=owner:token,…`,
//! `API_KEY`, `USER_NAME`, `USER_PASSWORD`; only the Hub URL points at the fake). Every
//! documented route answers as documented; a restart reaches the Hub once and is
//! audited as `api`; and the tokens, including the one the tool puts in the URL path,
//! appear nowhere in what spacewarden prints, answers or exports.

use std::sync::Mutex;
use std::time::Duration;

use chrono::TimeZone;

use spacewarden::domain::SpaceId;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, SpaceSpec};
use crate::support::process::{Running, eventually};
use crate::web_process::listening_port;

pub const KEY: &str = "node-dashboard-api-key-42";

/// The daemon over a real socket, and every answer body it gave, for the leak search.
pub struct Client {
    pub daemon: Running,
    base: String,
    http: reqwest::Client,
    seen: Mutex<String>,
}

impl Client {
    pub async fn start(app: &App) -> Client {
        let daemon = app.spawn(&["run"]);
        let port = listening_port(&daemon).await;
        Client {
            daemon,
            base: format!("http://127.0.0.1:{port}"),
            http: reqwest::Client::new(),
            seen: Mutex::new(String::new()),
        }
    }

    /// `method path` with `Authorization: <auth>` when given: the status and body.
    pub async fn send(&self, method: &str, path: &str, auth: Option<&str>) -> (u16, String) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.http.request(method, format!("{}{path}", self.base));
        if let Some(auth) = auth {
            request = request.header("Authorization", auth);
        }
        let reply = request.send().await.unwrap();
        let status = reply.status().as_u16();
        let headers = format!("{:?}", reply.headers());
        let body = reply.text().await.unwrap();
        let mut seen = self.seen.lock().unwrap();
        seen.push_str(&headers);
        seen.push_str(&body);
        (status, body)
    }

    /// With the right key.
    pub async fn call(&self, method: &str, path: &str) -> (u16, String) {
        self.send(method, path, Some(&format!("Bearer {KEY}")))
            .await
    }

    /// Everything captured: stdout and stderr, every answer, and `/metrics`.
    pub async fn everything(&self) -> String {
        let (_, metrics) = self.send("GET", "/metrics", None).await;
        assert!(metrics.contains("spacewarden_"), "{metrics}");
        format!("{}{}", self.daemon.output(), self.seen.lock().unwrap())
    }

    /// Waits until every Space in `ids` has been checked once (read through the
    /// native API: the store's memo in this process would not see the daemon's writes).
    pub async fn checked(&self, ids: &[&str]) {
        let done = eventually(Duration::from_secs(20), async || {
            let (_, body) = self.call("GET", "/api/v1/spaces").await;
            let list: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
            let checked: Vec<&str> = list["spaces"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|s| !s["checked_at"].is_null())
                .filter_map(|s| s["space"].as_str())
                .collect();
            ids.iter().all(|id| checked.contains(id))
        })
        .await;
        assert!(done, "never checked:\n{}", self.daemon.output());
    }
}

/// None of `secrets`, in any form a log or body could carry it.
pub fn assert_no_leak(everything: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(
            !everything.contains(secret),
            "{secret} leaked:\n{everything}"
        );
    }
}

const ALICE: &str = "hf_aliceNodeToken0001";
const BOB: &str = "hf_bobNodeToken0002";

/// The Node dashboard's `.env`, as its README shows it, with our Spaces' owners.
fn node_env(hub: &FakeHub) -> App {
    App::new(hub)
        .env("HF_USER", &format!("alice:{ALICE},bob:{BOB},carol:"))
        .env("API_KEY", KEY)
        .env("USER_NAME", "admin")
        .env("USER_PASSWORD", "node-dashboard-password")
        // Until `HF_USER` alone is a watch list (issue 21, configuration), the owners.
        .env("SPACES", "alice/*,bob/*,carol/*")
        .env("CHECK_SCHEDULE", "*/2 * * * * *")
        .env("RUST_LOG", "info")
}

#[tokio::test]
async fn the_node_dashboards_routes_answer_as_documented() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", ALICE).add_user("bob", BOB);
    hub.add_space(SpaceSpec::new("alice/app"))
        .add_space(SpaceSpec::new("alice/other"))
        .add_space(SpaceSpec::new("bob/site").private(true))
        .add_space(SpaceSpec::new("carol/public"));
    let pushed = chrono::Utc.with_ymd_and_hms(2026, 11, 1, 10, 0, 0).unwrap();
    hub.push_commit("bob/site", &"b".repeat(40), pushed, vec![]);
    let app = node_env(&hub);
    let client = Client::start(&app).await;
    client
        .checked(&["alice/app", "alice/other", "bob/site", "carol/public"])
        .await;

    // The key first: missing or wrong is 401, whatever the token.
    let list = format!("/api/v1/info/{ALICE}");
    let unauthorized = r#"{"success":false,"message":"a valid API key is required (Authorization: Bearer <API_KEY>)"}"#;
    assert_eq!(
        client.send("GET", &list, None).await,
        (401, unauthorized.into())
    );
    let wrong = client.send("GET", &list, Some("Bearer not-the-key")).await;
    assert_eq!(wrong, (401, unauthorized.into()));
    // A token spacewarden is not configured with: 403, on every route.
    let forbidden = r#"{"success":false,"message":"this token is not configured here"}"#;
    for (method, path) in [
        ("GET", "/api/v1/info/hf_someoneElse999"),
        ("GET", "/api/v1/info/hf_someoneElse999/alice/app"),
        ("POST", "/api/v1/action/hf_someoneElse999/alice/app/restart"),
    ] {
        assert_eq!(
            client.call(method, path).await,
            (403, forbidden.into()),
            "{path}"
        );
    }

    // The token's own Spaces only.
    let alice = client.call("GET", &list).await;
    assert_eq!(
        alice,
        (
            200,
            r#"{"spaces":["alice/app","alice/other"],"total":2}"#.into()
        )
    );
    let bob = client.call("GET", &format!("/api/v1/info/{BOB}")).await;
    assert_eq!(bob, (200, r#"{"spaces":["bob/site"],"total":1}"#.into()));

    let detail = client
        .call("GET", &format!("/api/v1/info/{BOB}/bob/site"))
        .await;
    let expected = r#"{"id":"bob/site","status":"running","last_modified":"2026-11-01T10:00:00.000Z","created_at":null,"sdk":null,"tags":[],"private":true}"#;
    assert_eq!(detail, (200, expected.into()));
    // Watched, but reached with another token; and not watched at all: 404.
    let not_hers = client
        .call("GET", &format!("/api/v1/info/{ALICE}/bob/site"))
        .await;
    assert_eq!(
        not_hers,
        (
            404,
            r#"{"success":false,"message":"Space bob/site not found"}"#.into()
        )
    );
    let unknown = client
        .call(
            "POST",
            &format!("/api/v1/action/{ALICE}/alice/nope/restart"),
        )
        .await;
    assert_eq!(
        unknown,
        (
            404,
            r#"{"success":false,"message":"Space alice/nope not found"}"#.into()
        )
    );

    // Restart: answered once the Hub took the call, which it got exactly once.
    let restart = client
        .call("POST", &format!("/api/v1/action/{ALICE}/alice/app/restart"))
        .await;
    assert_eq!(
        restart,
        (
            200,
            r#"{"success":true,"message":"Space alice/app 重启成功"}"#.into()
        )
    );
    assert_eq!(hub.restarts("alice/app"), [false]);
    let rebuild = client
        .call(
            "POST",
            &format!("/api/v1/action/{ALICE}/alice/other/rebuild"),
        )
        .await;
    assert_eq!(
        rebuild,
        (
            200,
            r#"{"success":true,"message":"Space alice/other 重建成功"}"#.into()
        )
    );
    assert_eq!(hub.restarts("alice/other"), [true]);

    let store = app.store().await;
    let actions = store
        .actions(&SpaceId::parse("alice/app").unwrap(), 5)
        .await
        .unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0].actor.to_string(), "api");
    let audit = store.audit_log(20).await.unwrap();
    let restarts: Vec<_> = audit
        .iter()
        .filter(|row| row.command.contains("restart"))
        .collect();
    assert_eq!(restarts.len(), 1, "{audit:?}");
    assert_eq!(
        (restarts[0].platform.as_str(), restarts[0].user_id.as_str()),
        ("api", "api")
    );
    assert_eq!(hub.restarts("alice/app"), [false], "still one call");

    // The Hub refuses: 500, after the one call.
    hub.inject(
        Fault::new(FaultKind::Status(403))
            .path("/api/spaces/bob/site/restart")
            .method("POST"),
    );
    let failed = client
        .call("POST", &format!("/api/v1/action/{BOB}/bob/site/restart"))
        .await;
    let bob_site = SpaceId::parse("bob/site").unwrap();
    let action = store.actions(&bob_site, 5).await.unwrap()[0].id;
    let message = format!(
        r#"{{"success":false,"message":"Space bob/site: the restart failed: the Hub did not take the call (action {action}; see its history)"}}"#
    );
    assert_eq!(failed, (500, message));
    assert_eq!(hub.count("POST", "/api/spaces/bob/site/restart"), 1);

    // Not one configured token anywhere, the path's included.
    let everything = client.everything().await;
    assert_no_leak(
        &everything,
        &[
            ALICE,
            BOB,
            KEY,
            "hf_someoneElse999",
            "node-dashboard-password",
        ],
    );
    // The log still says which route was used, with the token cut out.
    assert!(
        everything.contains("deprecated compatibility route called"),
        "{everything}"
    );
    assert!(
        everything.contains("/api/v1/info/[redacted]"),
        "{everything}"
    );
}
