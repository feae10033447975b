//! The browser test's Chinese part (see `web_browser`): the header's switch turns the
//! page Chinese, a Space is restarted from its overview row and its outcome read in
//! Chinese, and the zh-CN screenshots are saved (light and dark, overview and a Space).

use std::path::Path;

use fantoccini::{Client, Locator};
use serde_json::json;

use crate::support::fake_hub::FakeHub;
use crate::support::process::eventually;
use crate::web_browser::{WAIT, shoot, text_of, wait_for_text};

/// The theme `theme.js` keeps, set directly (the toggle cycles through three).
async fn set_theme(client: &Client, theme: &str) {
    let script = format!("localStorage.setItem('spacewarden-theme', '{theme}')");
    client.execute(&script, vec![]).await.unwrap();
    client.refresh().await.unwrap();
}

/// The page in Chinese, through the switch in the header: a restart from the overview
/// row, its outcome in Chinese, and the screenshots.
pub(crate) async fn in_chinese(client: &Client, base: &str, hub: &FakeHub, shots: &Path) {
    client.set_window_size(1280, 1500).await.unwrap();
    client.goto(&format!("{base}/")).await.unwrap();
    client
        .find(Locator::Css("nav.lang a[lang='zh-CN']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    let lang = eventually(WAIT, async || {
        let lang = client
            .execute("return document.documentElement.lang", vec![])
            .await;
        lang.is_ok_and(|l| l == json!("zh-CN"))
    })
    .await;
    assert!(lang, "the switch did not turn the page Chinese");
    wait_for_text(client, "h1", |t| t == "状态", "no Chinese title").await;
    // Restart from the overview's row: the same form as the Space page's.
    let row = "tr[data-space='alice/chat-demo']";
    client
        .find(Locator::Css(&format!(
            "{row} button[data-action='restart']"
        )))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    wait_for_text(client, ".flash", |t| !t.is_empty(), "no flash").await;
    let outcome = eventually(WAIT, async || {
        if text_of(client, "td.result").await == "已恢复" {
            return true;
        }
        let _ = client.refresh().await;
        false
    })
    .await;
    let dom = client.source().await.unwrap_or_default();
    assert!(
        outcome,
        "the restart's outcome never showed in Chinese: {dom}"
    );
    assert_eq!(
        hub.restarts("alice/chat-demo"),
        vec![false],
        "exactly one restart"
    );
    let kind = text_of(client, "table td:nth-child(2)").await;
    assert_eq!(kind, "重启", "the action's kind in Chinese");

    set_theme(client, "light").await;
    wait_for_text(
        client,
        "#theme-toggle",
        |t| t == "主题：浅色",
        "theme label",
    )
    .await;
    shoot(client, shots, "space-zh-CN-light.png").await;
    set_theme(client, "dark").await;
    wait_for_text(
        client,
        "#theme-toggle",
        |t| t == "主题：深色",
        "theme label",
    )
    .await;
    shoot(client, shots, "space-zh-CN-dark.png").await;
    client.goto(&format!("{base}/")).await.unwrap();
    wait_for_text(
        client,
        "tr[data-space='alice/chat-demo'] td.live",
        |t| t.contains('%') && t.contains('↓'),
        "no live figure with network rates",
    )
    .await;
    shoot(client, shots, "status-zh-CN-dark.png").await;
    set_theme(client, "light").await;
    shoot(client, shots, "status-zh-CN-light.png").await;
}
