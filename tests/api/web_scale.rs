//! A large install on the web (issue 25): past 50 watched Spaces the front page lists
//! what needs attention and one line per owner, each owner has a page, the filter runs
//! on the server; `/metrics` is rendered once per cycle, kept, gzipped when asked and
//! counts Spaces by verdict; `/api/v1/spaces` is streamed and reads whole as before.

use std::io::Read;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use tower::ServiceExt;

use crate::support::english::stray_english;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::web::{API_KEY, Site, Visitor};

/// 61 Spaces, one over the threshold: alice 30 fine, bob 25 with one broken, carol 6
/// asleep.
fn spaces() -> Vec<String> {
    let mut ids: Vec<String> = (0..30).map(|i| format!("alice/app{i}")).collect();
    ids.extend((0..25).map(|i| format!("bob/tool{i}")));
    ids.extend((0..6).map(|i| format!("carol/demo{i}")));
    ids
}

async fn large_site() -> Site {
    let hub = FakeHub::start().await;
    for id in spaces() {
        let spec = SpaceSpec::new(&id);
        let spec = match id.as_str() {
            "bob/tool7" => spec.stage("RUNTIME_ERROR"),
            id if id.starts_with("carol/") => spec.stage("SLEEPING"),
            _ => spec,
        };
        hub.add_space(spec);
    }
    let settings = "[spaces.\"bob/tool7\"]\nauto_repair = false\n";
    let site = Site::new(&hub, &spaces().join(","), Some(API_KEY), settings).await;
    site.cycle().await;
    site
}

/// Rows of the Space list (a card is an `article`; the incident and action tables'
/// rows carry no `data-space`).
fn rows(html: &str) -> usize {
    html.split("<tr")
        .skip(1)
        .filter(|tag| {
            tag.split('>')
                .next()
                .is_some_and(|t| t.contains("data-space="))
        })
        .count()
}

#[tokio::test]
async fn a_large_install_shows_problems_and_one_line_per_owner() {
    let site = large_site().await;
    let page = site.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    // The broken Space as a card, healthy owners as one line each, no Space rows.
    assert!(html.contains("data-space=\"bob/tool7\""), "{html}");
    assert!(
        html.contains("<a href=\"/owner/alice\">alice</a>: 30 up</li>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"/owner/carol\">carol</a>: 6 sleeping</li>"),
        "{html}"
    );
    assert!(
        html.contains("<li class=\"bad\" data-owner=\"bob\">"),
        "{html}"
    );
    assert_eq!(rows(html), 0, "{html}");
    assert!(!html.contains("data-space=\"alice/app3\""));
    // The whole watch list is still counted.
    assert!(html.contains("61 watched"), "{html}");

    // An owner's page lists that owner's Spaces.
    let alice = site.get("/owner/alice").await;
    assert_eq!(alice.status, StatusCode::OK);
    assert_eq!(rows(&alice.body), 30, "{}", alice.body);
    assert!(alice.body.contains("Spaces of alice"));
    assert!(!alice.body.contains("data-space=\"bob/"));
    assert_eq!(rows(&site.get("/owner/ALICE").await.body), 30);
    assert_eq!(
        site.get("/owner/nobody").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(site.get("/owner/..").await.status, StatusCode::NOT_FOUND);

    // The filter runs on the server: by verdict, by name, both kept in the form.
    let down = site.get("/?verdict=attention").await.body;
    assert_eq!(rows(&down), 1, "{down}");
    assert!(down.contains("data-space=\"bob/tool7\""));
    assert!(
        down.contains("<option value=\"attention\" selected>"),
        "{down}"
    );
    let named = site.get("/?q=DEMO").await.body;
    assert_eq!(rows(&named), 6, "{named}");
    assert!(named.contains("6 of 61 shown"), "{named}");
    let both = site.get("/?q=tool&verdict=up").await.body;
    assert_eq!(rows(&both), 24, "{both}");
    let none = site.get("/owner/bob?verdict=sleeping").await.body;
    assert!(none.contains("No Space matches the filter."), "{none}");
}

#[tokio::test]
async fn a_small_install_keeps_the_whole_list() {
    let hub = FakeHub::start().await;
    for id in ["alice/app", "alice/other", "bob/tool"] {
        hub.add_space(SpaceSpec::new(id));
    }
    let site = Site::new(&hub, "alice/app,alice/other,bob/tool", None, "").await;
    site.cycle().await;
    let html = site.get("/").await.body;
    assert_eq!(rows(&html), 3, "{html}");
    assert!(!html.contains("owner-lines") && !html.contains("name=\"verdict\""));
    // The verdict filter is honoured all the same.
    assert_eq!(rows(&site.get("/?verdict=down").await.body), 0);
}

#[tokio::test]
async fn the_collapsed_page_in_chinese_has_no_stray_english() {
    let site = large_site().await;
    let mut visitor = Visitor::new(site.router());
    visitor
        .headers
        .push(("accept-language".into(), "zh-CN,zh;q=0.9".into()));
    let mut names: Vec<String> = spaces();
    names.extend(
        [
            "alice",
            "bob",
            "carol",
            "app",
            "tool",
            "demo",
            "RUNNING",
            "RUNTIME_ERROR",
            "SLEEPING",
            "cpu-basic",
        ]
        .map(String::from),
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    for path in ["/", "/owner/bob", "/?verdict=attention", "/?q=demo"] {
        let page = visitor.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let stray = stray_english(&page.body, &names);
        assert!(
            stray.is_empty(),
            "English on {path}: {stray:?}\n{}",
            page.body
        );
    }
    let front = visitor.get("/").await.body;
    assert!(front.contains("alice</a>：正常 30 个</li>"), "{front}");
}

async fn scrape(site: &Site, gzip: bool) -> (StatusCode, String, Vec<u8>) {
    let mut request = Request::get("/metrics");
    if gzip {
        request = request.header("accept-encoding", "gzip");
    }
    let response = site
        .router()
        .oneshot(request.body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), 64 << 20)
        .await
        .unwrap();
    (status, encoding, bytes.to_vec())
}

#[tokio::test]
async fn metrics_are_kept_for_the_cycle_gzipped_and_counted_by_verdict() {
    let site = large_site().await;
    let (status, encoding, plain) = scrape(&site, false).await;
    assert_eq!((status, encoding.as_str()), (StatusCode::OK, ""));
    let text = String::from_utf8(plain.clone()).unwrap();
    let (_, encoding, gzipped) = scrape(&site, true).await;
    assert_eq!(encoding, "gzip");
    let mut decoded = String::new();
    flate2::read::GzDecoder::new(&gzipped[..])
        .read_to_string(&mut decoded)
        .unwrap();
    assert_eq!(decoded, text, "the gzip is the same exposition");

    // The per-verdict counts match the per-Space state set.
    for (verdict, count) in [("up", 54), ("down", 1), ("sleeping", 6), ("degraded", 0)] {
        let line = format!("spacewarden_spaces_by_verdict{{verdict=\"{verdict}\"}} {count}\n");
        assert!(text.contains(&line), "{line}\n{text}");
        let per_space = text
            .lines()
            .filter(|l| {
                l.starts_with("spacewarden_space_verdict{")
                    && l.contains(&format!("verdict=\"{verdict}\""))
                    && l.ends_with(" 1")
            })
            .count();
        assert_eq!(per_space, count, "{verdict}");
    }
    assert!(text.contains("spacewarden_space_verdict{space=\"bob/tool7\",verdict=\"down\"} 1"));
    assert!(text.contains("spacewarden_store_readable 1"));

    // Within the cycle no scrape reads the store: with the store closed, the same bytes.
    site.monitor.store().close().await;
    assert_eq!(scrape(&site, false).await.2, plain);
    assert_eq!(scrape(&site, true).await.2, gzipped);
}

#[tokio::test]
async fn the_streamed_space_list_reads_as_one_document() {
    let site = large_site().await;
    let reply = site.api_get("/api/v1/spaces").await;
    assert_eq!(reply.status, StatusCode::OK);
    assert_eq!(reply.header("content-type"), "application/json");
    let list = reply.json();
    let spaces = list["spaces"].as_array().expect("spaces");
    assert_eq!(spaces.len(), 61);
    // Open incidents first, as before.
    assert_eq!(spaces[0]["space"], "bob/tool7");
    assert_eq!(spaces[0]["verdict"], "down");
    assert!(spaces.iter().all(|s| s["uptime"].is_object()));
}
