//! The page in the reader's language and the configured time zone (issue 22): no
//! stray English on the overview and a Space's page in Chinese, the JSON API the same
//! byte for byte in every language, which of `?lang=`, the cookie, `Accept-Language`
//! and `SPACEWARDEN_LANG` wins, and `TZ`.

use axum::http::StatusCode;

use crate::support::app::App;
use crate::support::english::stray_english;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::web::{API_KEY, Site, Visitor};

const USER: &str = "ops";
const PASSWORD: &str = "correct horse battery staple";
const SPACES: &str = "alice/app,alice/broken,alice/asleep";
/// What the page may show in Latin letters besides the always-allowed words: the
/// Space names, their stages, the hardware flavor (an id, inside the cost chart's
/// tooltip where no markup can mark it), the user's name.
const NAMES: &[&str] = &[
    "alice/app",
    "alice/broken",
    "alice/asleep",
    "RUNNING",
    "RUNTIME_ERROR",
    "SLEEPING",
    "cpu-basic",
    USER,
];

async fn site(env: &[(&str, &str)]) -> Site {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    hub.add_space(
        SpaceSpec::new("alice/broken")
            .stage("RUNTIME_ERROR")
            .run_logs(vec!["ModuleNotFoundError: No module named 'gradio_client'"]),
    );
    hub.set_error_message(
        "alice/broken",
        Some("Scheduling failure: not enough hardware"),
    );
    hub.add_space(SpaceSpec::new("alice/asleep").stage("SLEEPING"));
    let mut all = vec![("WEB_USERNAME", USER), ("WEB_PASSWORD", PASSWORD)];
    all.extend_from_slice(env);
    let settings = "[spaces.\"alice/broken\"]\nauto_repair = false\n";
    Site::with_env(&hub, SPACES, Some(API_KEY), settings, &all).await
}

fn chinese(site: &Site) -> Visitor {
    let mut visitor = Visitor::new(site.router());
    visitor
        .headers
        .push(("accept-language".into(), "zh-CN,zh;q=0.9,en;q=0.5".into()));
    visitor
}

fn assert_no_english(what: &str, html: &str) {
    let stray = stray_english(html, NAMES);
    assert!(
        stray.is_empty(),
        "English on {what} in zh-CN: {stray:?}\n{html}"
    );
}

#[tokio::test]
async fn the_overview_and_a_space_page_in_chinese_have_no_stray_english() {
    let site = site(&[]).await;
    site.cycle().await;
    site.cycle().await;
    let mut visitor = chinese(&site);
    // Read-only first, then signed in (the action buttons, the account).
    for path in ["/", "/space/alice/broken"] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("<html lang=\"zh-CN\">"), "{path}");
        assert_no_english(path, &page.body);
    }
    let form = visitor.get("/login").await;
    assert_no_english("the sign-in form", &form.body);
    let wrong = visitor
        .post("/login", &[("username", USER), ("password", "nope")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("用户名或密码错误。"), "{}", wrong.body);
    assert_no_english("a wrong password", &wrong.body);
    visitor.sign_in(USER, PASSWORD).await;
    let csrf = visitor.csrf("/space/alice/app").await;
    let done = visitor
        .post("/space/alice/app/restart", &[("csrf", &csrf)])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    site.monitor.settle().await;
    let ask = visitor
        .post("/space/alice/app/rebuild", &[("csrf", &csrf)])
        .await;
    assert!(ask.body.contains("重建 alice/app？"), "{}", ask.body);
    assert_no_english("the rebuild confirmation", &ask.body);
    assert!(
        ask.body.contains("next=%2Fspace%2Falice%2Fapp\""),
        "the switch leads back to the Space's page: {}",
        ask.body
    );
    for path in [
        "/",
        "/space/alice/app",
        "/space/alice/broken",
        "/space/alice/asleep",
    ] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_no_english(path, &page.body);
    }
    let overview = visitor.get("/").await;
    assert!(
        overview.body.contains("个 Space 需要处理"),
        "{}",
        overview.body
    );
    assert!(
        overview
            .body
            .contains("data-action=\"restart\" data-space=\"alice/app\"")
    );
    let missing = visitor.get("/space/alice/nothing").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_no_english("the 404 page", &missing.body);
}

#[tokio::test]
async fn overview_rows_offer_restart_and_rebuild_to_a_signed_in_user() {
    let site = site(&[]).await;
    site.check().await;
    let mut visitor = Visitor::new(site.router());
    let anonymous = visitor.get("/").await;
    assert!(!anonymous.body.contains("data-action=\"restart\""));
    // The live column says what it shows: CPU, memory and network in and out.
    assert!(
        anonymous
            .body
            .contains("data-live-title=\"CPU · memory · network ↓ in ↑ out\"")
    );
    visitor.sign_in(USER, PASSWORD).await;
    let overview = visitor.get("/").await;
    for space in ["alice/app", "alice/broken", "alice/asleep"] {
        for action in ["restart", "rebuild"] {
            let form = format!("action=\"/space/{space}/{action}\"");
            assert!(overview.body.contains(&form), "{form}");
        }
    }
    assert!(!overview.body.contains("action=\"/space/alice/app/pause\""));
    // The overview's rebuild asks first, like the Space page's.
    let csrf = visitor.csrf("/").await;
    let ask = visitor
        .post("/space/alice/broken/rebuild", &[("csrf", &csrf)])
        .await;
    assert_eq!(ask.status, StatusCode::OK);
    assert!(ask.body.contains("Rebuild alice/broken?"), "{}", ask.body);
    assert!(
        site.hub.restarts("alice/broken").is_empty(),
        "nothing before the confirmation"
    );
}

#[tokio::test]
async fn the_json_api_is_the_same_in_every_language() {
    let site = site(&[]).await;
    site.cycle().await;
    let paths = [
        "/api/v1/spaces",
        "/api/v1/spaces/alice/broken",
        "/api/v1/spaces/alice/broken/history",
        "/api/v1/costs",
        "/api/v1/spaces/alice/nothing",
        "/api/v1/openapi.json",
    ];
    for path in paths {
        let mut bodies = Vec::new();
        let cases = [
            ("en", None, ""),
            ("zh-CN,zh;q=0.9", None, ""),
            ("en", Some("spacewarden_lang=zh-CN"), "?lang=zh-CN"),
        ];
        for (accept, cookie, query) in cases {
            let mut visitor = Visitor::new(site.router());
            let auth = format!("Bearer {API_KEY}");
            visitor.headers.push(("authorization".into(), auth));
            visitor
                .headers
                .push(("accept-language".into(), accept.into()));
            if let Some(cookie) = cookie {
                visitor.headers.push(("cookie".into(), cookie.into()));
            }
            let reply = visitor.get(&format!("{path}{query}")).await;
            bodies.push((reply.status, reply.body));
        }
        assert!(bodies[0].1.len() > 2, "{path}: {:?}", bodies[0]);
        let same = "the same JSON whatever the language";
        assert_eq!(bodies[0], bodies[1], "{path}: Accept-Language: {same}");
        assert_eq!(bodies[0], bodies[2], "{path}: ?lang and the cookie: {same}");
    }
}

/// `<html lang>` of `/` for a request with these headers.
async fn lang_of(site: &Site, path: &str, headers: &[(&str, &str)]) -> String {
    let mut visitor = Visitor::new(site.router());
    for (k, v) in headers {
        visitor.headers.push((k.to_string(), v.to_string()));
    }
    let page = visitor.get(path).await;
    let start = page.body.find("<html lang=\"").expect("html lang") + 12;
    page.body[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn query_then_cookie_then_accept_language_then_the_default() {
    let site = site(&[]).await;
    let zh_cookie = ("cookie", "spacewarden_lang=zh-CN");
    let en_cookie = ("cookie", "spacewarden_lang=en");
    let zh_browser = ("accept-language", "zh-TW,zh;q=0.8");
    let en_browser = ("accept-language", "en-US,en;q=0.9");
    assert_eq!(lang_of(&site, "/", &[]).await, "en");
    assert_eq!(lang_of(&site, "/", &[zh_browser]).await, "zh-CN");
    assert_eq!(lang_of(&site, "/", &[zh_cookie, en_browser]).await, "zh-CN");
    assert_eq!(lang_of(&site, "/", &[en_cookie, zh_browser]).await, "en");
    assert_eq!(
        lang_of(&site, "/?lang=zh", &[en_cookie, en_browser]).await,
        "zh-CN"
    );
    assert_eq!(
        lang_of(&site, "/?lang=en", &[zh_cookie, zh_browser]).await,
        "en"
    );
    // A language without a file is passed over, not an error.
    assert_eq!(lang_of(&site, "/?lang=fr", &[zh_cookie]).await, "zh-CN");
    assert_eq!(
        lang_of(&site, "/", &[("accept-language", "fr, de;q=0.5")]).await,
        "en"
    );

    // SPACEWARDEN_LANG is the last word, not the first.
    let zh_site = site_with_lang("zh-CN").await;
    assert_eq!(lang_of(&zh_site, "/", &[]).await, "zh-CN");
    assert_eq!(
        lang_of(&zh_site, "/", &[("accept-language", "fr")]).await,
        "zh-CN"
    );
    assert_eq!(lang_of(&zh_site, "/", &[en_browser]).await, "en");

    // The switch: a plain link that sets the cookie and goes back.
    let visitor = Visitor::new(site.router());
    let page = visitor.get("/space/alice/app").await;
    assert!(
        page.body
            .contains("href=\"/lang?set=zh-CN&amp;next=%2Fspace%2Falice%2Fapp\""),
        "{}",
        page.body
    );
    let switched = visitor.get("/lang?set=zh-CN&next=/space/alice/app").await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.header("location"), "/space/alice/app");
    let cookie = switched.header("set-cookie");
    assert!(cookie.starts_with("spacewarden_lang=zh-CN;"), "{cookie}");
    assert!(
        cookie.contains("SameSite=Lax") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let elsewhere = visitor.get("/lang?set=en&next=https://evil.example/").await;
    assert_eq!(elsewhere.header("location"), "/");
}

async fn site_with_lang(lang: &str) -> Site {
    site(&[("SPACEWARDEN_LANG", lang)]).await
}

#[tokio::test]
async fn times_show_in_tz_with_their_offset() {
    // The site's clock stands at 2026-11-22 12:00 UTC.
    let site = site(&[("TZ", "Asia/Shanghai")]).await;
    site.check().await;
    let page = Visitor::new(site.router()).get("/space/alice/app").await;
    assert!(
        page.body.contains(">2026-11-22 20:00 (UTC+8)</time>"),
        "the footer: {}",
        page.body
    );
    assert!(page.body.contains("title=\"2026-11-22 20:00:00 (UTC+8)\""));
    // The latest checks: local times under a heading with the offset.
    assert!(page.body.contains("<th>When (UTC+8)</th>"), "{}", page.body);
    assert!(
        page.body.contains(">Nov 22 20:00:00</time>"),
        "{}",
        page.body
    );
    // Machines keep UTC.
    let json = site.api_get("/api/v1/spaces/alice/app").await;
    assert!(json.body.contains("2026-11-22T12:00:00"), "{}", json.body);
    assert!(!json.body.contains("+08:00"), "{}", json.body);
}

#[tokio::test]
async fn a_tz_that_names_no_zone_stops_startup_naming_tz() {
    let hub = FakeHub::start().await;
    for bad in ["Mars/Olympus", "CST-8"] {
        let app = App::new(&hub).env("SPACES", "alice/app").env("TZ", bad);
        let run = app.run(&["check"]).await;
        assert_eq!(run.code, 2, "TZ={bad}: {}", run.stderr);
        assert!(run.stderr.contains("TZ: "), "{}", run.stderr);
        assert!(run.stderr.contains(bad), "{}", run.stderr);
    }
    hub.add_space(SpaceSpec::new("alice/app"));
    let baseline = App::new(&hub)
        .env("SPACES", "alice/app")
        .run(&["check", "--json"])
        .await;
    for good in ["UTC", "UTC0", "Asia/Shanghai"] {
        let app = App::new(&hub).env("SPACES", "alice/app").env("TZ", good);
        let run = app.run(&["check", "--json"]).await;
        assert_eq!(run.code, baseline.code, "TZ={good}: {}", run.stderr);
        assert!(!run.stderr.contains("TZ"), "TZ={good}: {}", run.stderr);
    }
}
