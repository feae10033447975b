//! The Telegram-only parts of the front end, end to end: `spacewarden run` against
//! the fake Bot API and the fake Hub. What holds on both platforms (a restart, the
//! refusals, `/status` at scale, alerts through an outage, the token in the logs) is
//! in `chat.rs`, run on Telegram and Discord alike.

use std::time::Duration;

use crate::support::chat::telegram::{ADMIN, GROUP};
use crate::support::chat::{Chat, Platform, WAIT, Who};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_telegram::{ChatSpec, Failure, TgUser};
use crate::support::process::eventually;

fn admin() -> TgUser {
    crate::support::chat::telegram::user(Who::Admin).1
}

async fn rig(hub: FakeHub) -> Chat {
    Chat::new(Platform::Telegram, hub).await
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
async fn rebuild_asks_first_and_a_second_press_does_nothing() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/app").await;
    rig.telegram()
        .push_message(ADMIN, &admin(), "/rebuild alice/app");
    let ask = rig.telegram().wait_for_sent(ADMIN, 1, WAIT).await[0].clone();
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
    rig.telegram()
        .push_callback(ADMIN, ask.message_id, &admin(), &data);
    rig.telegram().wait_for_callback_answers(1, WAIT).await;
    let edits = rig.telegram().wait_for_edit(ADMIN, 2, WAIT).await;
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
    assert!(
        rig.telegram()
            .message_markup(ADMIN, ask.message_id)
            .is_none()
    );
    rig.telegram()
        .push_callback_unchecked(ADMIN, ask.message_id, &admin(), &data);
    let answers = rig.telegram().wait_for_callback_answers(2, WAIT).await;
    assert_eq!(answers[1].text.as_deref(), Some("Already done."));
    assert!(rig.telegram().unanswered_callbacks().is_empty());
    assert_eq!(rig.hub.restarts("alice/app"), [true], "one factory rebuild");
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
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/evil").await;
    let alert = rig.telegram().wait_for_sent(GROUP, 1, WAIT).await[0].clone();
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
    rig.telegram()
        .push_message(ADMIN, &admin(), "/status alice/evil");
    let detail = rig.telegram().wait_for_sent(ADMIN, 1, WAIT).await[0].clone();
    assert!(
        detail.text.contains("<script>alert(1)</script>"),
        "{}",
        detail.text
    );
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn rate_limits_migrations_and_blocked_chats() {
    const OLD: i64 = -4000;
    const NEW: i64 = -1004000000000;
    const BLOCKED: i64 = 5555;
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one").stage("CONFIG_ERROR"));
    let rig = rig(hub).await;
    rig.telegram().add_chat(ChatSpec::group(OLD, "old ops"));
    rig.telegram()
        .add_chat(ChatSpec::private(&TgUser::named(BLOCKED, "gone")));
    rig.telegram()
        .fail_chat(OLD, Failure::Migrated { to_chat_id: NEW });
    rig.telegram().fail_chat(BLOCKED, Failure::Blocked);
    rig.telegram().fail_next(
        "sendMessage",
        1,
        Failure::TooManyRequests { retry_after: 2 },
    );
    let app = rig
        .app_with("alice/one")
        .env("TELEGRAM_CHAT_IDS", &format!("{OLD},{BLOCKED}"));
    let mut daemon = app.spawn(&["run"]);
    let moved = rig.telegram().wait_for_sent(NEW, 1, WAIT).await;
    assert!(moved[0].text.contains("alice/one"));
    // The 429 may have hit either chat; wait for that chat's retry.
    let mut retried = None;
    let waited = eventually(WAIT, async || {
        let calls = rig.telegram().requests_to("sendMessage");
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
    rig.telegram().wait_for_sent(NEW, 2, WAIT).await;
    let to_blocked = rig
        .telegram()
        .requests_to("sendMessage")
        .iter()
        // A 429 before the "blocked" answer is not an attempt that reached the chat.
        .filter(|c| c.body["chat_id"] == BLOCKED && c.status != Some(429))
        .count();
    assert_eq!(
        to_blocked, 1,
        "the blocked chat was tried once, then marked dead"
    );
    let recovered = &rig.telegram().sent(NEW)[1];
    assert!(recovered.disable_notification, "recoveries are quiet");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn the_command_menu_is_scoped_and_its_failure_is_cosmetic() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/app").await;
    rig.telegram()
        .wait_for_requests("setMyCommands", 2, WAIT)
        .await;
    let sets = rig.telegram().commands();
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
    rig.telegram().fail_next(
        "setMyCommands",
        10,
        Failure::BadRequest("Bad Request: BOT_COMMANDS_TOO_MUCH".into()),
    );
    let mut daemon = rig.start("alice/app").await;
    rig.telegram().push_message(ADMIN, &admin(), "/help");
    let help = rig.telegram().wait_for_sent(ADMIN, 1, WAIT).await;
    assert!(help.last().unwrap().text.contains("/restart owner/name"));
    assert!(
        daemon.output().contains("setMyCommands failed"),
        "{}",
        daemon.output()
    );
    daemon.terminate(Duration::from_secs(10)).await;
}
