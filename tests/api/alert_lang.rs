//! Issue 22 for alerts (and issue 23's "the same language setting"): the real daemon,
//! a Space in CONFIG_ERROR on the fake Hub, and DingTalk, ntfy, Telegram and the
//! webhook each at its fake. With `SPACEWARDEN_LANG=zh-CN`, or only `LANG=zh_CN.UTF-8`,
//! the down alert arrives in Chinese everywhere, buttons included, with no stray
//! English; without either it stays English. The webhook's machine fields are the
//! same bytes in both languages; only its `text` is translated.

use std::time::Duration;

use crate::support::app::App;
use crate::support::english::stray_english;
use crate::support::fake_channels::{Fake, dingtalk, ntfy};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_telegram::{ChatSpec, FakeTelegram};
use crate::support::process::eventually;
use crate::support::webhook::WebhookSink;

const DING_TOKEN: &str = "d1ngL4ngT0ken";
const NTFY_TOPIC: &str = "l4ng-t0pic";
const TG_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const GROUP: i64 = -1001234567891;
/// The Hub's `errorMessage`: outside text, shown as it is in every language.
const HUB_SAYS: &str = "OUTSIDE";
/// Words that are names here: the Space, its stage, the Hub's message.
const NAMES: &[&str] = &["alice/app", "CONFIG_ERROR", HUB_SAYS];

/// What each destination received for the down alert.
struct Seen {
    dingtalk: String,
    ntfy_title: String,
    ntfy_message: String,
    telegram: String,
    buttons: String,
    webhook: serde_json::Value,
}

/// The first body `fake` accepted, once one arrived.
async fn first(fake: &Fake, what: &str, output: impl Fn() -> String) -> serde_json::Value {
    let arrived = eventually(Duration::from_secs(30), async || {
        !fake.accepted().is_empty()
    })
    .await;
    assert!(arrived, "no alert reached {what}\n{}", output());
    fake.accepted().remove(0)
}

/// Runs the daemon with `lang` (extra variables) until the down alert has reached
/// every destination.
async fn down_alert_with(lang: &[(&str, &str)]) -> Seen {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("CONFIG_ERROR")
            .error_message(HUB_SAYS),
    );
    let ding = dingtalk::start(dingtalk::Setup {
        token: DING_TOKEN,
        secret: None,
        keyword: None,
    })
    .await;
    let ntfy_fake = ntfy::start(NTFY_TOPIC, None).await;
    let tg = FakeTelegram::start(TG_TOKEN).await;
    tg.add_chat(ChatSpec::supergroup(GROUP, "ops"));
    let webhook = WebhookSink::start().await;
    let mut app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("DINGTALK_WEBHOOK_URL", &dingtalk::url(&ding, DING_TOKEN))
        .env("NTFY_URL", &ntfy::url(&ntfy_fake, NTFY_TOPIC))
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", "1111")
        .env("TELEGRAM_CHAT_IDS", &GROUP.to_string())
        .env("ALERT_WEBHOOK_URL", &webhook.url());
    for (key, value) in lang {
        app = app.env(key, value);
    }
    let mut daemon = app.spawn(&["run"]);
    let output = || daemon.output();
    let dingtalk = first(&ding, "dingtalk", output).await;
    let ntfy_body = first(&ntfy_fake, "ntfy", output).await;
    let telegram = eventually(Duration::from_secs(30), async || {
        tg.sent(GROUP).iter().any(|m| m.text.contains("alice/app"))
    })
    .await;
    assert!(telegram, "no alert reached Telegram\n{}", daemon.output());
    let message = tg
        .sent(GROUP)
        .into_iter()
        .find(|m| m.text.contains("alice/app"))
        .unwrap();
    let hooked = eventually(Duration::from_secs(30), async || {
        !webhook.received().is_empty()
    })
    .await;
    assert!(hooked, "no alert reached the webhook\n{}", daemon.output());
    daemon.terminate(Duration::from_secs(10)).await;
    let text = |body: &serde_json::Value, pointer: &str| {
        body.pointer(pointer)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    Seen {
        dingtalk: text(&dingtalk, "/markdown/text"),
        ntfy_title: text(&ntfy_body, "/title"),
        ntfy_message: text(&ntfy_body, "/message"),
        telegram: message.text,
        buttons: message
            .reply_markup
            .map(|m| m.to_string())
            .unwrap_or_default(),
        webhook: webhook.received().remove(0),
    }
}

fn assert_chinese(seen: &Seen) {
    for (place, shown) in [
        ("dingtalk", &seen.dingtalk),
        ("ntfy title", &seen.ntfy_title),
        ("ntfy message", &seen.ntfy_message),
        ("telegram", &seen.telegram),
    ] {
        assert!(shown.contains("alice/app 当前配置错误"), "{place}: {shown}");
        let stray = stray_english(shown, NAMES);
        assert!(stray.is_empty(), "{place} shows English {stray:?}: {shown}");
    }
    assert!(
        seen.buttons.contains("\"重启\"") && seen.buttons.contains("\"日志\""),
        "{}",
        seen.buttons
    );
    let text = seen.webhook["text"].as_str().unwrap_or_default();
    assert!(text.contains("alice/app 当前配置错误"), "{text}");
}

/// The webhook's body less its translated `text` and the moment it was sent.
fn machine_fields(body: &serde_json::Value) -> String {
    let mut body = body.clone();
    let fields = body.as_object_mut().unwrap();
    fields.remove("text");
    fields.remove("at");
    serde_json::to_string(&body).unwrap()
}

#[tokio::test]
async fn spacewarden_lang_zh_cn_sends_the_down_alert_in_chinese_everywhere() {
    let zh = down_alert_with(&[("SPACEWARDEN_LANG", "zh-CN"), ("LANG", "en_US.UTF-8")]).await;
    assert_chinese(&zh);
    let en = down_alert_with(&[]).await;
    assert_eq!(
        machine_fields(&zh.webhook),
        machine_fields(&en.webhook),
        "the webhook's machine fields are the same in every language"
    );
}

#[tokio::test]
async fn a_chinese_posix_locale_alone_is_enough() {
    assert_chinese(&down_alert_with(&[("LANG", "zh_CN.UTF-8")]).await);
}

#[tokio::test]
async fn without_a_language_alerts_stay_english() {
    let en = down_alert_with(&[]).await;
    for shown in [&en.dingtalk, &en.ntfy_message, &en.telegram] {
        assert!(
            shown.contains("alice/app is broken (configuration) ("),
            "{shown}"
        );
    }
    assert!(en.buttons.contains("\"Restart\""), "{}", en.buttons);
    assert_eq!(
        en.webhook["text"].as_str().unwrap_or_default(),
        "🔴 alice/app is broken (configuration) (CONFIG_ERROR): OUTSIDE"
    );
}
