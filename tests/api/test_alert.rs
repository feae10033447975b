//! `spacewarden test-alert [destination]` against the fakes of the alert services: one
//! marked test alert to each configured destination (or the named one) through the
//! outbox, a line per destination (delivered, or failed and why), exit 0 only when all
//! delivered; no credential in the output.

use crate::support::app::App;
use crate::support::fake_channels::{ntfy, slack};
use crate::support::fake_hub::FakeHub;

const SLACK_SECRET: &str = "t3stSl4ckS3cr3t";
const NTFY_TOPIC: &str = "t3st-t0pic-q1";
const NTFY_TOKEN: &str = "tk_t3stN7fyT0k3n";

fn assert_no_secret(text: &str) {
    for secret in [SLACK_SECRET, NTFY_TOPIC, NTFY_TOKEN, "wr0ng"] {
        assert!(!text.contains(secret), "leaks {secret}:\n{text}");
    }
}

#[tokio::test]
async fn test_alert_reports_each_destination_and_fails_when_one_fails() {
    let hub = FakeHub::start().await;
    let slack_fake = slack::start(SLACK_SECRET).await;
    let ntfy_fake = ntfy::start(NTFY_TOPIC, Some(NTFY_TOKEN)).await;
    let app = App::new(&hub)
        .env("SLACK_WEBHOOK_URL", &slack::url(&slack_fake, SLACK_SECRET))
        .env("NTFY_URL", &ntfy::url(&ntfy_fake, NTFY_TOPIC))
        .env("NTFY_TOKEN", "wr0ng");

    let all = app.run(&["test-alert"]).await;
    let output = format!("{}{}", all.stdout, all.stderr);
    assert_eq!(all.code, 1, "{output}");
    assert!(all.stdout.contains("delivered  slack"), "{output}");
    assert!(
        all.stdout
            .contains("failed     ntfy: ntfy answered HTTP 401"),
        "{output}"
    );
    assert!(
        !all.stdout.contains(" log"),
        "the log is no destination to test: {output}"
    );
    assert_no_secret(&output);
    let shown = slack_fake.accepted();
    assert_eq!(shown.len(), 1);
    assert!(
        shown[0]["text"].as_str().unwrap().contains("TEST ALERT"),
        "{:?}",
        shown[0]
    );
    assert_eq!(ntfy_fake.refused(), [40101]);

    // Through the outbox: both rows are there, one sent and one dead, never retried.
    let store = app.store().await;
    assert_eq!(store.outbox("slack").await.unwrap()[0].state, "sent");
    assert_eq!(store.outbox("ntfy").await.unwrap()[0].state, "dead");

    let one = app.run(&["test-alert", "slack"]).await;
    assert_eq!(one.code, 0, "{}{}", one.stdout, one.stderr);
    assert_eq!(one.stdout.trim(), "delivered  slack");
    assert_eq!(slack_fake.accepted().len(), 2);
    assert_eq!(ntfy_fake.refused().len(), 1, "only the named destination");

    let unknown = app.run(&["test-alert", "pager"]).await;
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("no destination named \"pager\"; configured: log, ntfy, slack"),
        "{}",
        unknown.stderr
    );
}

#[tokio::test]
async fn the_admin_chat_command_sends_the_test_and_answers_per_destination() {
    use crate::support::fake_telegram::{ChatSpec, FakeTelegram, TgUser};
    use crate::support::process::eventually;
    use std::time::Duration;

    const TG_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
    const GROUP: i64 = -1001234567890;
    const ADMIN: i64 = 1111;
    const MEMBER: i64 = 2222;
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(crate::support::fake_hub::SpaceSpec::new("alice/app"));
    let tg = FakeTelegram::start(TG_TOKEN).await;
    tg.add_chat(ChatSpec::supergroup(GROUP, "ops"));
    let slack_fake = slack::start(SLACK_SECRET).await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("RUST_LOG", "info")
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", &ADMIN.to_string())
        .env("TELEGRAM_CHAT_IDS", &GROUP.to_string())
        .env("SLACK_WEBHOOK_URL", &slack::url(&slack_fake, SLACK_SECRET));
    let mut daemon = app.spawn(&["run"]);
    tg.wait_for_requests("setMyCommands", 2, Duration::from_secs(30))
        .await;

    // A member may not: refused, and nothing is sent.
    tg.push_message(GROUP, &TgUser::named(MEMBER, "member"), "/testalert");
    let answered = |needle: &'static str| {
        let tg = tg.clone();
        async move {
            eventually(Duration::from_secs(30), async || {
                tg.sent(GROUP).iter().any(|m| m.text.contains(needle))
            })
            .await
        }
    };
    assert!(answered("admin").await, "{:?}", tg.sent(GROUP));
    assert!(slack_fake.accepted().is_empty());

    tg.push_message(GROUP, &TgUser::named(ADMIN, "admin"), "/testalert");
    assert!(
        answered("Test alert delivered everywhere").await,
        "{:?}\n{}",
        tg.sent(GROUP),
        daemon.output()
    );
    let reply = tg
        .sent(GROUP)
        .into_iter()
        .find(|m| m.text.contains("Test alert delivered everywhere"))
        .unwrap()
        .text;
    assert!(reply.contains("✅ slack: delivered"), "{reply}");
    assert!(
        reply.contains(&format!("✅ telegram:{GROUP}: delivered")),
        "{reply}"
    );
    assert_eq!(slack_fake.accepted().len(), 1);
    // The test alert itself reached the group too, clearly marked.
    assert!(tg.sent(GROUP).iter().any(|m| m.text.contains("TEST ALERT")));
    daemon.terminate(Duration::from_secs(10)).await;
    assert_no_secret(&daemon.output());
}
