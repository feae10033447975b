//! The Telegram front end to end: `spacewarden run` against the fake Bot API and the
//! fake Hub. What a user sees in the chat, what the Hub was asked, what was audited.

use std::time::Duration;

use crate::support::app::App;
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_telegram::{ChatSpec, Failure, FakeTelegram, TgUser};
use crate::support::process::{Running, all_sent, eventually, outbox_until, queued_and_tried};

const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const ADMIN: i64 = 1111;
const MEMBER: i64 = 2222;
const STRANGER: i64 = 3333;
const GROUP: i64 = -1001234567890;
const WAIT: Duration = Duration::from_secs(20);

fn admin() -> TgUser {
    TgUser::named(ADMIN, "ops_lead")
}

struct Rig {
    hub: FakeHub,
    tg: FakeTelegram,
    app: App,
}

async fn rig(hub: FakeHub, chats: &str) -> Rig {
    hub.add_user("alice", "hf_alice");
    let tg = FakeTelegram::start(TOKEN).await;
    tg.add_chat(ChatSpec::supergroup(GROUP, "ops"));
    let app = App::new(&hub)
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .env("TELEGRAM_BOT_TOKEN", TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", &ADMIN.to_string())
        .env("TELEGRAM_CHAT_IDS", chats)
        .settings("[repair]\npoll_interval = \"50ms\"\ntimeout = \"5s\"\n");
    Rig { hub, tg, app }
}

impl Rig {
    fn start(&self, spaces: &str) -> Running {
        let app = App::new(&self.hub);
        let _ = app;
        self.app_with(spaces).spawn(&["run"])
    }

    fn app_with(&self, spaces: &str) -> App {
        let mut app = App::new(&self.hub);
        for (k, v) in self.app.vars() {
            app = app.env(&k, &v);
        }
        app.env("SPACES", spaces)
    }
}

/// The callback data of the button labelled `label` on a message.
fn button(markup: &Option<serde_json::Value>, label: &str) -> String {
    let rows = markup.as_ref().expect("a keyboard")["inline_keyboard"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    rows.iter()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .find(|b| b["text"] == label)
        .and_then(|b| b["callback_data"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no button {label} in {markup:?}"))
}

#[tokio::test]
async fn admin_restart_is_answered_then_edited_with_the_outcome() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub, &GROUP.to_string()).await;
    let mut daemon = rig.start("alice/app");
    rig.tg.push_message(ADMIN, &admin(), "/restart alice/app");
    let sent = rig.tg.wait_for_sent(ADMIN, 1, WAIT).await;
    assert!(
        sent[0].text.contains("Restarting alice/app…"),
        "{}",
        sent[0].text
    );
    assert_eq!(sent[0].parse_mode.as_deref(), Some("HTML"));
    let edits = rig.tg.wait_for_edit(ADMIN, 1, WAIT).await;
    let outcome = edits[0].text.clone().unwrap_or_default();
    assert!(
        outcome.contains("alice/app is back after the restart"),
        "{outcome}"
    );
    assert_eq!(
        rig.hub.restarts("alice/app"),
        [false],
        "exactly one restart"
    );
    let store = rig.app.store().await;
    let audit = store.audit_log(10).await.unwrap();
    assert!(
        audit.iter().any(|a| a.command == "/restart alice/app"
            && a.allowed
            && a.user_id == ADMIN.to_string())
    );
    let actions = store
        .actions(
            &spacewarden::domain::SpaceId::parse("alice/app").unwrap(),
            5,
        )
        .await
        .unwrap();
    assert_eq!(actions[0].actor, format!("telegram:{ADMIN}"));
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn non_admins_are_refused_and_audited() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub, &GROUP.to_string()).await;
    let mut daemon = rig.start("alice/app");
    // A member of the allowed group: may read, may not act.
    let member = TgUser::named(MEMBER, "someone");
    rig.tg
        .push_message(GROUP, &member, "/restart@spacewarden_bot alice/app");
    // A stranger whose username is the admin's: ids decide, not names.
    let forger = TgUser::named(STRANGER, "ops_lead");
    rig.tg.push_message(STRANGER, &forger, "/restart alice/app");
    rig.tg.push_message(STRANGER, &forger, "/rebuild alice/app");
    let in_group = rig.tg.wait_for_sent(GROUP, 1, WAIT).await;
    assert!(
        in_group
            .iter()
            .any(|m| m.text.contains("Only admins can do that.")),
        "{in_group:?}"
    );
    let private = rig.tg.wait_for_sent(STRANGER, 2, WAIT).await;
    assert!(
        private.iter().all(|m| m.text.contains("not allowed")),
        "{private:?}"
    );
    // The member can read.
    rig.tg
        .push_message(GROUP, &member, "/status@spacewarden_bot");
    let in_group = rig.tg.wait_for_sent(GROUP, 2, WAIT).await;
    assert!(
        in_group
            .iter()
            .any(|m| m.text.contains("1 Spaces") || m.text.contains("No Space checked yet")),
        "{in_group:?}"
    );
    // Refusals are decided before anything is called: the answers above came after.
    assert_eq!(rig.hub.count("POST", "/restart"), 0, "no Hub call");
    let audit = rig.app.store().await.audit_log(20).await.unwrap();
    let refused: Vec<_> = audit.iter().filter(|a| !a.allowed).collect();
    assert_eq!(refused.len(), 3, "{audit:?}");
    assert!(
        refused
            .iter()
            .any(|a| a.user_id == STRANGER.to_string() && a.command == "/rebuild alice/app")
    );
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn rebuild_asks_first_and_a_second_press_does_nothing() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub, &GROUP.to_string()).await;
    let mut daemon = rig.start("alice/app");
    rig.tg.push_message(ADMIN, &admin(), "/rebuild alice/app");
    let ask = rig.tg.wait_for_sent(ADMIN, 1, WAIT).await[0].clone();
    assert!(
        ask.text.contains("Factory rebuild of alice/app?"),
        "{}",
        ask.text
    );
    let data = button(&ask.reply_markup, "Rebuild");
    assert!(data.len() <= 64);
    assert_eq!(
        rig.hub.count("POST", "/restart"),
        0,
        "nothing before the confirmation"
    );
    rig.tg.push_callback(ADMIN, ask.message_id, &admin(), &data);
    rig.tg.wait_for_callback_answers(1, WAIT).await;
    let edits = rig.tg.wait_for_edit(ADMIN, 2, WAIT).await;
    let texts: Vec<String> = edits.iter().filter_map(|e| e.text.clone()).collect();
    assert!(
        texts[0].contains("Factory rebuild of alice/app…"),
        "{texts:?}"
    );
    assert!(
        texts[1].contains("back after the factory rebuild"),
        "{texts:?}"
    );
    // The buttons are gone; a replayed press is answered and harmless.
    assert!(rig.tg.message_markup(ADMIN, ask.message_id).is_none());
    rig.tg
        .push_callback_unchecked(ADMIN, ask.message_id, &admin(), &data);
    let answers = rig.tg.wait_for_callback_answers(2, WAIT).await;
    assert_eq!(answers[1].text.as_deref(), Some("Already done."));
    assert!(rig.tg.unanswered_callbacks().is_empty());
    assert_eq!(rig.hub.restarts("alice/app"), [true], "one factory rebuild");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn status_with_a_thousand_spaces_stays_within_telegram_limits() {
    let hub = FakeHub::start().await;
    for i in 0..1000 {
        let mut spec = SpaceSpec::new(&format!("alice/space-{i:04}"));
        if i % 16 == 0 {
            spec = spec
                .stage("CONFIG_ERROR")
                .error_message("Invalid README front matter: <b>sdk</b> & co");
        }
        hub.add_space(spec);
    }
    let rig = rig(hub, &GROUP.to_string()).await;
    let mut daemon = rig.start("alice/*");
    daemon.wait_for("check cycle done spaces=1000", WAIT).await;
    rig.tg.push_message(ADMIN, &admin(), "/status");
    let sent = rig.tg.wait_for_sent(ADMIN, 1, WAIT).await;
    let first = &sent[0];
    assert!(
        first
            .text
            .starts_with("⛔ 1000 Spaces: 937 up · 63 broken config")
            || first.text.contains("1000 Spaces: 937 up"),
        "{}",
        first.text
    );
    assert!(
        first.text.contains("Problems page 1 of 3"),
        "{}",
        first.text
    );
    assert!(first.text.contains("937 more up"), "{}", first.text);
    assert!(
        !first.text.contains("space-0001 "),
        "up Spaces are summarised, not listed"
    );
    assert!(
        first.text.contains("<b>sdk</b> & co"),
        "outside text shown literally: {}",
        first.text
    );
    for message in &sent {
        assert!(message.raw_text.chars().count() <= 4096);
    }
    let next = button(&first.reply_markup, "Next ▶");
    rig.tg
        .push_callback(ADMIN, first.message_id, &admin(), &next);
    let edits = rig.tg.wait_for_edit(ADMIN, 1, WAIT).await;
    let page2 = edits[0].text.clone().unwrap_or_default();
    assert!(page2.contains("Problems page 2 of 3"), "{page2}");
    // Every message the bot sent anywhere (alerts included) was accepted by the fake,
    // which parses the HTML like Telegram: all valid and under the limit.
    for message in rig.tg.all_sent() {
        assert!(message.raw_text.chars().count() <= 4096);
    }
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn hostile_error_messages_render_inert() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/evil")
            .stage("CONFIG_ERROR")
            .error_message("<b>boom</b> & </code> <script>alert(1)</script>"),
    );
    let rig = rig(hub, &GROUP.to_string()).await;
    let mut daemon = rig.start("alice/evil");
    let alert = rig.tg.wait_for_sent(GROUP, 1, WAIT).await[0].clone();
    assert!(
        alert
            .text
            .contains("<b>boom</b> & </code> <script>alert(1)</script>"),
        "{}",
        alert.text
    );
    assert!(
        alert.raw_text.contains("&lt;script&gt;"),
        "{}",
        alert.raw_text
    );
    rig.tg.push_message(ADMIN, &admin(), "/status alice/evil");
    let detail = rig.tg.wait_for_sent(ADMIN, 1, WAIT).await[0].clone();
    assert!(
        detail.text.contains("<script>alert(1)</script>"),
        "{}",
        detail.text
    );
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn alerts_survive_telegram_being_down_and_arrive_in_order() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/one")
            .stage("CONFIG_ERROR")
            .error_message("first"),
    )
    .add_space(SpaceSpec::new("alice/two"));
    let rig = rig(hub, &GROUP.to_string()).await;
    rig.tg.set_down(true);
    let mut daemon = rig.start("alice/one,alice/two");
    daemon.wait_for("check cycle done", WAIT).await;
    rig.hub.set_stage("alice/two", "CONFIG_ERROR");
    rig.hub.set_error_message("alice/two", Some("second"));
    let destination = format!("telegram:{GROUP}");
    let store = rig.app.store().await;
    let tried = outbox_until(&store, &destination, WAIT, queued_and_tried(2)).await;
    assert!(tried, "{}", daemon.output());
    rig.tg.set_down(false);
    let sent = rig
        .tg
        .wait_for_sent(GROUP, 2, Duration::from_secs(45))
        .await;
    assert!(outbox_until(&store, &destination, Duration::from_secs(45), all_sent(2)).await);
    let sent_now = rig.tg.sent(GROUP);
    assert_eq!(sent_now.len(), 2, "once each: {sent_now:?}");
    assert!(sent[0].text.contains("alice/one") && sent[0].text.contains("first"));
    assert!(sent[1].text.contains("alice/two") && sent[1].text.contains("second"));
    assert!(!sent[0].disable_notification, "a down alert notifies");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn rate_limits_migrations_and_blocked_chats() {
    const OLD: i64 = -4000;
    const NEW: i64 = -1004000000000;
    const BLOCKED: i64 = 5555;
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one").stage("CONFIG_ERROR"));
    let rig = rig(hub, &format!("{OLD},{BLOCKED}")).await;
    rig.tg.add_chat(ChatSpec::group(OLD, "old ops"));
    rig.tg
        .add_chat(ChatSpec::private(&TgUser::named(BLOCKED, "gone")));
    rig.tg.fail_chat(OLD, Failure::Migrated { to_chat_id: NEW });
    rig.tg.fail_chat(BLOCKED, Failure::Blocked);
    rig.tg.fail_next(
        "sendMessage",
        1,
        Failure::TooManyRequests { retry_after: 2 },
    );
    let mut daemon = rig.start("alice/one");
    let moved = rig.tg.wait_for_sent(NEW, 1, WAIT).await;
    assert!(moved[0].text.contains("alice/one"));
    // The 429 may have hit either chat; wait for that chat's retry.
    let mut retried = None;
    let waited = eventually(WAIT, async || {
        let calls = rig.tg.requests_to("sendMessage");
        let Some(limited) = calls.iter().position(|c| c.status == Some(429)) else {
            return false;
        };
        let chat = calls[limited].body["chat_id"].clone();
        retried = calls[limited + 1..]
            .iter()
            .find(|c| c.body["chat_id"] == chat)
            .map(|next| next.at - calls[limited].at);
        retried.is_some()
    })
    .await;
    assert!(waited, "no retry after the 429");
    assert!(
        retried.unwrap_or_default() >= Duration::from_secs(2),
        "retry_after honoured"
    );
    let store = rig.app.store().await;
    let states = store.destination_states().await.unwrap();
    assert!(states.iter().any(|(d, s)| d == &format!("telegram:{OLD}") && matches!(s, spacewarden::store::DestinationState::Moved { to } if to == &format!("telegram:{NEW}"))), "{states:?}");
    assert!(
        states
            .iter()
            .any(|(d, s)| d == &format!("telegram:{BLOCKED}")
                && matches!(s, spacewarden::store::DestinationState::Dead { .. })),
        "{states:?}"
    );
    // A later alert goes straight to the new chat, and never to the blocked one.
    rig.hub
        .add_space(SpaceSpec::new("alice/one").stage("RUNNING"));
    rig.tg.wait_for_sent(NEW, 2, WAIT).await;
    let to_blocked = rig
        .tg
        .requests_to("sendMessage")
        .iter()
        // A 429 before the "blocked" answer is not an attempt that reached the chat.
        .filter(|c| c.body["chat_id"] == BLOCKED && c.status != Some(429))
        .count();
    assert_eq!(
        to_blocked, 1,
        "the blocked chat was tried once, then marked dead"
    );
    let recovered = &rig.tg.sent(NEW)[1];
    assert!(recovered.disable_notification, "recoveries are quiet");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn the_bot_token_never_appears_at_trace_level() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one").stage("CONFIG_ERROR"));
    let rig = rig(hub, &GROUP.to_string()).await;
    let app = rig.app_with("alice/one").env("RUST_LOG", "trace");
    let mut daemon = app.spawn(&["run"]);
    rig.tg.wait_for_sent(GROUP, 1, WAIT).await;
    rig.tg.push_message(ADMIN, &admin(), "/status");
    rig.tg.wait_for_sent(ADMIN, 1, WAIT).await;
    daemon.terminate(Duration::from_secs(10)).await;
    let output = daemon.output();
    assert!(output.contains("DEBUG"), "verbose logging is on");
    let secret = TOKEN.split_once(':').unwrap().1;
    for needle in [TOKEN.to_owned(), secret.to_owned()] {
        assert!(!output.contains(&needle), "token leaked");
    }
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    let decimal = secret
        .bytes()
        .map(|b| b.to_string())
        .collect::<Vec<_>>()
        .join(", ");
    assert!(
        !output.contains(&hex) && !output.contains(&decimal),
        "token leaked as bytes"
    );
    let _ = eventually(Duration::ZERO, async || true).await;
}

#[tokio::test]
async fn the_command_menu_is_scoped_and_its_failure_is_cosmetic() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub, &GROUP.to_string()).await;
    let mut daemon = rig.start("alice/app");
    rig.tg.wait_for_requests("setMyCommands", 2, WAIT).await;
    let sets = rig.tg.commands();
    let names = |set: &crate::support::fake_telegram::CommandSet| -> Vec<String> {
        set.commands.iter().map(|c| c.command.clone()).collect()
    };
    let everyone = sets
        .iter()
        .find(|s| s.scope["type"] == "default")
        .expect("default scope");
    assert!(names(everyone).contains(&"status".to_owned()));
    assert!(
        !names(everyone).contains(&"restart".to_owned()),
        "mutating commands only for admins"
    );
    let admin_menu = sets
        .iter()
        .find(|s| s.scope["type"] == "chat" && s.scope["chat_id"] == ADMIN)
        .expect("admin scope");
    assert!(names(admin_menu).contains(&"rebuild".to_owned()));
    daemon.terminate(Duration::from_secs(10)).await;

    // The menu call failing changes nothing else.
    rig.tg.fail_next(
        "setMyCommands",
        10,
        Failure::BadRequest("Bad Request: BOT_COMMANDS_TOO_MUCH".into()),
    );
    let mut daemon = rig.start("alice/app");
    rig.tg.push_message(ADMIN, &admin(), "/help");
    let help = rig.tg.wait_for_sent(ADMIN, 1, WAIT).await;
    assert!(help.last().unwrap().text.contains("/restart owner/name"));
    assert!(
        daemon.output().contains("setMyCommands failed"),
        "{}",
        daemon.output()
    );
    daemon.terminate(Duration::from_secs(10)).await;
}
