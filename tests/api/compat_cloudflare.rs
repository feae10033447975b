//! Issue 21: the Cloudflare manager's external API (hf-space-manager, base
//! `/api/v1/external`), against the real binary configured with that tool's README
//! variables (`HF_USER`, `HF_API_TOKEN`, `HF_USERNAMES`, `HF_USERNAME`, `HF_PASSWORD`,
//! `API_KEY`; only the Hub URL points at the fake). Bodies, statuses and the Chinese
//! messages are those of its implementation (3377/cf-hf-manager), byte for byte; the
//! Space id comes URL-encoded as one segment, or as two.

use axum::http::{Method, StatusCode};
use chrono::TimeZone;
use spacewarden::domain::SpaceId;

use crate::compat_node::{Client, KEY, assert_no_leak};
use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, Fault, FaultKind, SpaceSpec};
use crate::support::web::{Site, send};

const ALICE: &str = "hf_cfAliceToken0003";
const GLOBAL: &str = "hf_cfGlobalToken0004";

/// The manager's `.env`, as its README lists the variables.
fn cloudflare_env(hub: &FakeHub) -> App {
    App::new(hub)
        .env("HF_USER", &format!("alice:{ALICE}"))
        .env("HF_API_TOKEN", GLOBAL)
        .env("HF_USERNAMES", "alice,bob")
        .env("HF_USERNAME", "admin")
        .env("HF_PASSWORD", "cf-panel-password")
        .env("API_KEY", KEY)
        .env("CHECK_SCHEDULE", "*/2 * * * * *")
        .env("RUST_LOG", "info")
}

fn space(hub: &FakeHub, id: &str, status: &str) -> String {
    let (owner, name) = id.split_once('/').unwrap();
    let url = format!("{}/spaces/{id}", hub.hub_url().trim_end_matches('/'));
    format!(
        r#"{{"id":"{id}","name":"{name}","username":"{owner}","status":"{status}","hardware":"cpu-basic","sdkVersion":"unknown","url":"{url}","createdAt":null,"updatedAt":"2026-11-02T08:30:00.000Z"}}"#
    )
}

fn result(success: bool, message: &str) -> String {
    format!(r#"{{"success":{success},"message":"{message}"}}"#)
}

#[tokio::test]
async fn the_cloudflare_managers_routes_answer_as_documented() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", ALICE).add_user("bob", GLOBAL);
    for id in ["alice/app", "alice/other", "alice/broken", "bob/site"] {
        hub.add_space(SpaceSpec::new(id));
        let pushed = chrono::Utc.with_ymd_and_hms(2026, 11, 2, 8, 30, 0).unwrap();
        hub.push_commit(id, &"c".repeat(40), pushed, vec![]);
    }
    let app = cloudflare_env(&hub);
    let client = Client::start(&app).await;
    client
        .checked(&["alice/app", "alice/broken", "alice/other", "bob/site"])
        .await;

    // The middleware's three refusals' two 401s (503 is below, without API_KEY).
    let no_bearer = result(false, "未提供有效的Authorization头，应为Bearer格式");
    let info = "/api/v1/external/info";
    assert_eq!(
        client.send("GET", info, None).await,
        (401, no_bearer.clone())
    );
    assert_eq!(
        client.send("GET", info, Some("Basic abc")).await,
        (401, no_bearer)
    );
    let wrong = client
        .send("GET", "/api/v1/external/spaces", Some("Bearer nope"))
        .await;
    assert_eq!(wrong, (401, result(false, "无效的API密钥")));

    let (status, body) = client.call("GET", info).await;
    assert_eq!(status, 200);
    let version = env!("CARGO_PKG_VERSION");
    let endpoint = |path: &str, method: &str, description: &str| {
        format!(
            r#"{{"path":"/api/v1/external{path}","method":"{method}","description":"{description}"}}"#
        )
    };
    let expected = format!(
        r#"{{"success":true,"version":"1.0","service":"HF Spaces Manager","config":{{"usernames":"alice","version":"{version}"}},"endpoints":[{}]}}"#,
        [
            endpoint("/info", "GET", "获取系统信息"),
            endpoint("/spaces", "GET", "获取所有可用的Spaces列表"),
            endpoint("/spaces/:username", "GET", "获取特定用户的Spaces列表"),
            endpoint("/action/:spaceId/restart", "POST", "重启指定的Space"),
            endpoint("/action/:spaceId/rebuild", "POST", "重建指定的Space"),
            endpoint("/action/:spaceId/pause", "POST", "暂停指定的Space"),
            endpoint("/action/:spaceId/resume", "POST", "恢复指定的Space"),
        ]
        .join(",")
    );
    assert_eq!(body, expected);

    let all = client.call("GET", "/api/v1/external/spaces").await;
    let spaces = ["alice/app", "alice/broken", "alice/other", "bob/site"]
        .map(|id| space(&hub, id, "RUNNING"))
        .join(",");
    let expected = format!(r#"{{"success":true,"count":4,"spaces":[{spaces}]}}"#);
    assert_eq!(all, (200, expected));
    let bob = client.call("GET", "/api/v1/external/spaces/bob").await;
    let expected = format!(
        r#"{{"success":true,"count":1,"spaces":[{}]}}"#,
        space(&hub, "bob/site", "RUNNING")
    );
    assert_eq!(bob, (200, expected));
    let nobody = client.call("GET", "/api/v1/external/spaces/nobody").await;
    assert_eq!(
        nobody,
        (200, r#"{"success":true,"count":0,"spaces":[]}"#.into())
    );
    let no_name = client.call("GET", "/api/v1/external/spaces/").await;
    assert_eq!(no_name, (400, result(false, "用户名参数缺失")));

    // Restart, the id URL-encoded as the manager's clients send it.
    let store = app.store().await;
    let alice_app = SpaceId::parse("alice/app").unwrap();
    let restart = client
        .call("POST", "/api/v1/external/action/alice%2Fapp/restart")
        .await;
    let action = store.actions(&alice_app, 5).await.unwrap()[0].id;
    let expected = format!(
        r#"{{"success":true,"message":"Space alice/app 重启请求已发送","data":{{"id":"alice/app","action_id":{action}}}}}"#
    );
    assert_eq!(restart, (200, expected));
    assert_eq!(hub.restarts("alice/app"), [false]);
    let actions = store.actions(&alice_app, 5).await.unwrap();
    assert_eq!(
        (actions.len(), actions[0].actor.to_string()),
        (1, "api".to_owned())
    );
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

    // Rebuild, the id as two segments; bob's Space through the global token.
    let (status, body) = client
        .call("POST", "/api/v1/external/action/bob/site/rebuild")
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body.starts_with(r#"{"success":true,"message":"Space bob/site 重建请求已发送","data":{"id":"bob/site","action_id":"#), "{body}");
    assert_eq!(hub.restarts("bob/site"), [true]);

    // Pause, as its `info` lists.
    let (status, body) = client
        .call("POST", "/api/v1/external/action/alice%2Fother/pause")
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(r#""message":"Space alice/other 暂停请求已发送""#),
        "{body}"
    );
    assert_eq!(hub.count("POST", "/api/spaces/alice/other/pause"), 1);
    let (status, body) = client
        .call("POST", "/api/v1/external/action/alice%2Fother/resume")
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(
        body.contains(r#""message":"Space alice/other 恢复请求已发送""#),
        "{body}"
    );
    assert_eq!(
        hub.restarts("alice/other"),
        [false],
        "a paused Space wakes by a restart"
    );

    let unknown = client
        .call("POST", "/api/v1/external/action/alice%2Fnope/restart")
        .await;
    assert_eq!(
        unknown,
        (404, result(false, "未找到ID为 alice/nope 的space"))
    );
    let not_an_id = client
        .call("POST", "/api/v1/external/action/nope/restart")
        .await;
    assert_eq!(not_an_id, (404, result(false, "未找到ID为 nope 的space")));

    // The Hub refuses: the manager's 500, after one call.
    hub.inject(
        Fault::new(FaultKind::Status(403))
            .path("/api/spaces/alice/broken/restart")
            .method("POST"),
    );
    let failed = client
        .call("POST", "/api/v1/external/action/alice%2Fbroken/restart")
        .await;
    let broken = SpaceId::parse("alice/broken").unwrap();
    let action = store.actions(&broken, 5).await.unwrap()[0].id;
    let message =
        format!("重启Space失败: the Hub did not take the call (action {action}; see its history)");
    assert_eq!(failed, (500, result(false, &message)));
    assert_eq!(hub.count("POST", "/api/spaces/alice/broken/restart"), 1);

    let everything = client.everything().await;
    assert!(
        everything.contains("deprecated compatibility route called"),
        "{everything}"
    );
    assert_no_leak(&everything, &[ALICE, GLOBAL, KEY, "cf-panel-password"]);
}

/// An owner with no token at all: the manager's 400, and nothing reaches the Hub.
#[tokio::test]
async fn an_owner_without_a_token_is_the_managers_400() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("erin/app"));
    let app = App::new(&hub)
        .env("HF_USER", "erin:")
        .env("HF_USERNAMES", "erin")
        .env("API_KEY", KEY)
        .env("CHECK_SCHEDULE", "*/2 * * * * *")
        .env("RUST_LOG", "info");
    let client = Client::start(&app).await;
    client.checked(&["erin/app"]).await;
    let reply = client
        .call("POST", "/api/v1/external/action/erin%2Fapp/restart")
        .await;
    assert_eq!(
        reply,
        (
            400,
            result(false, "无法操作用户 erin 的Space：未配置API令牌")
        )
    );
    assert_eq!(hub.count("POST", "/restart"), 0);
}

/// Without `API_KEY` the manager answered 503 to a bearer key (and 401 without one).
#[tokio::test]
async fn without_api_key_the_external_api_is_503() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let site = Site::new(&hub, "alice/app", None, "").await;
    let router = site.router();
    let reply = send(&router, Method::GET, "/api/v1/external/spaces", Some(KEY)).await;
    assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE);
    let expected = result(
        false,
        "系统未配置外部API访问功能，请联系管理员配置API_KEY环境变量",
    );
    assert_eq!(reply.body, expected);
    let anonymous = send(&router, Method::GET, "/api/v1/external/spaces", None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
}

/// The older tools' routes share `/api/v1` with the native API without taking any of
/// its paths: the native routes, its JSON 404 and its 405 answer as before.
#[tokio::test]
async fn the_compatibility_routes_leave_the_native_api_alone() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let site = Site::new(&hub, "alice/app", Some(crate::support::web::API_KEY), "").await;
    site.check().await;
    let spaces = site.api_get("/api/v1/spaces").await;
    assert_eq!(spaces.status, StatusCode::OK);
    assert_eq!(spaces.json()["spaces"][0]["space"], "alice/app");
    let detail = site.api_get("/api/v1/spaces/alice/app").await;
    assert_eq!(detail.status, StatusCode::OK);
    for unknown in ["/api/v1/nothing", "/api/v1/info", "/api/v1/external"] {
        let reply = site.api_get(unknown).await;
        assert_eq!(reply.status, StatusCode::NOT_FOUND, "{unknown}");
        assert_eq!(reply.json()["error"], "not_found", "{unknown}");
    }
    let wrong_method = site.api_post("/api/v1/spaces").await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    let openapi = site.get("/api/v1/openapi.json").await;
    assert_eq!(openapi.status, StatusCode::OK);
}
