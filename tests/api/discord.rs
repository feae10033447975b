//! The Discord-only parts of the front end, end to end: `spacewarden run` against the
//! fake Discord (REST and gateway) and the fake Hub. What holds on both platforms (a
//! restart, the refusals, `/status` at scale, alerts through an outage, the token in
//! the logs) is in `chat.rs`, run on Telegram and Discord alike.

use std::time::Duration;

use serde_json::Value;

use crate::support::chat::discord::{ADMIN, MEMBER, embeds, text};
use crate::support::chat::{Chat, Platform, WAIT};
use crate::support::fake_discord::{
    CommandScope, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, Failure, FakeDiscord, InteractionSpec,
};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::eventually;

async fn rig(hub: FakeHub) -> Chat {
    Chat::new(Platform::Discord, hub).await
}

fn admin(spec: InteractionSpec) -> InteractionSpec {
    spec.user(ADMIN, "ops_lead")
}

/// The `custom_id` of the button labelled `label`.
fn button(message: &Value, label: &str) -> String {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .find(|b| b["label"] == label)
        .and_then(|b| b["custom_id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no button {label} in {message}"))
}

/// Alerts only: channel posts, not interaction responses.
fn alerts(dc: &FakeDiscord) -> Vec<Value> {
    dc.messages(DEFAULT_CHANNEL_ID)
        .into_iter()
        .filter(|m| m.get("interaction_metadata").is_none_or(Value::is_null))
        .collect()
}

#[tokio::test]
async fn commands_are_registered_in_the_guild_with_admin_defaults() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/app").await;
    let commands = rig
        .discord()
        .commands(CommandScope::Guild(DEFAULT_GUILD_ID));
    let names: Vec<&str> = commands.iter().filter_map(|c| c["name"].as_str()).collect();
    for name in [
        "status", "spaces", "history", "logs", "metrics", "restart", "rebuild", "pause", "wake",
        "mute", "unmute", "check", "help",
    ] {
        assert!(names.contains(&name), "{name} in {names:?}");
    }
    let restart = commands.iter().find(|c| c["name"] == "restart").unwrap();
    assert_eq!(restart["default_member_permissions"], "0");
    assert_eq!(restart["options"][0]["autocomplete"], true);
    let status = commands.iter().find(|c| c["name"] == "status").unwrap();
    assert!(status["default_member_permissions"].is_null());
    assert!(rig.discord().commands(CommandScope::Global).is_empty());
    // No privileged intent was asked for.
    let identify = rig.discord().identify_payloads();
    let intents = identify[0]["intents"].as_u64().unwrap();
    assert_eq!(intents & ((1 << 1) | (1 << 8) | (1 << 15)), 0);
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn autocomplete_offers_matching_watched_spaces_at_most_25() {
    let hub = FakeHub::start().await;
    for i in 0..40 {
        hub.add_space(SpaceSpec::new(&format!("alice/app-{i:02}")));
    }
    hub.add_space(SpaceSpec::new("alice/Other"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/*").await;
    daemon.wait_for("check cycle done spaces=41", WAIT).await;
    let all = rig
        .discord()
        .dispatch_interaction(admin(InteractionSpec::autocomplete("restart", "space", "")))
        .await;
    let callback = rig
        .discord()
        .wait_callback(all.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(callback.kind, 8);
    assert_eq!(callback.choices().len(), 25);
    let some = rig
        .discord()
        .dispatch_interaction(InteractionSpec::autocomplete("status", "space", "APP-1"))
        .await;
    let callback = rig
        .discord()
        .wait_callback(some.id, WAIT)
        .await
        .expect("answered");
    let values: Vec<String> = callback
        .choices()
        .iter()
        .filter_map(|c| c["value"].as_str().map(str::to_owned))
        .collect();
    let expected: Vec<String> = (10..20).map(|i| format!("alice/app-{i}")).collect();
    assert_eq!(values, expected);
    let other = rig
        .discord()
        .dispatch_interaction(InteractionSpec::autocomplete("status", "space", "other"))
        .await;
    let callback = rig
        .discord()
        .wait_callback(other.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(callback.choices()[0]["value"], "alice/Other");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn rebuild_asks_first_and_a_second_press_does_nothing() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/app").await;
    let ask = rig
        .discord()
        .dispatch_interaction(admin(
            InteractionSpec::slash("rebuild").option("space", "alice/app"),
        ))
        .await;
    let question = rig
        .discord()
        .wait_original_edit(&ask.token, WAIT)
        .await
        .expect("the question");
    assert!(
        text(&embeds(&question)).contains("Factory rebuild of alice/app?"),
        "{question}"
    );
    assert_eq!(
        rig.hub.count("POST", "/restart"),
        0,
        "nothing before the confirmation"
    );
    let confirm = button(&question, "Rebuild");
    let danger = question["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["label"] == "Rebuild")
        .unwrap()["style"]
        .clone();
    assert_eq!(danger, 4, "a Danger button");
    // Two presses in a row, the second (usually) before the first was answered.
    let first = rig
        .discord()
        .dispatch_interaction(admin(InteractionSpec::button(&confirm)))
        .await;
    let second = rig
        .discord()
        .try_dispatch_interaction(admin(InteractionSpec::button(&confirm)))
        .await;
    let one = rig
        .discord()
        .wait_callback(first.id, WAIT)
        .await
        .expect("answered");
    match second {
        Ok(second) => {
            let two = rig
                .discord()
                .wait_callback(second.id, WAIT)
                .await
                .expect("answered");
            let mut kinds = [one.kind, two.kind];
            kinds.sort_unstable();
            assert_eq!(kinds, [4, 7], "one update, one notice");
            let notice = if one.kind == 4 { &one } else { &two };
            assert!(notice.is_ephemeral());
            assert!(
                text(&notice.embeds()).contains("Already done."),
                "{:?}",
                notice.data
            );
        }
        // The first press already removed the buttons.
        Err(_) => assert_eq!(one.kind, 7),
    }
    let done = rig
        .discord()
        .wait_until(WAIT, |dc| {
            dc.message(question["id"].as_str().unwrap().parse().unwrap())
                .is_some_and(|m| text(&embeds(&m)).contains("back after the factory rebuild"))
        })
        .await;
    assert!(done, "{}", daemon.output());
    // The buttons are gone: a third press cannot even be made.
    let third = rig
        .discord()
        .try_dispatch_interaction(admin(InteractionSpec::button(&confirm)))
        .await;
    assert!(third.is_err());
    assert_eq!(rig.hub.restarts("alice/app"), [true], "one factory rebuild");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn alert_buttons_are_authorized_when_pressed() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/one")
            .stage("CONFIG_ERROR")
            .run_logs(vec!["Traceback: boom"]),
    );
    let rig = rig(hub).await;
    // A broken configuration: alerted with buttons, never repaired automatically.
    let mut daemon = rig.app_with("alice/one").spawn(&["run"]);
    rig.discord()
        .wait_commands(CommandScope::Guild(DEFAULT_GUILD_ID), WAIT)
        .await
        .expect("registered");
    assert!(
        rig.discord()
            .wait_until(WAIT, |dc| !alerts(dc).is_empty())
            .await,
        "{}",
        daemon.output()
    );
    let alert = alerts(rig.discord())[0].clone();
    let restart = button(&alert, "Restart");
    let restarts_before = rig.hub.restarts("alice/one").len();
    // A member may see the alert but not act on it.
    let refused = rig
        .discord()
        .dispatch_interaction(InteractionSpec::button(&restart).user(MEMBER, "someone"))
        .await;
    let answer = rig
        .discord()
        .wait_callback(refused.id, WAIT)
        .await
        .expect("answered");
    assert!(answer.is_ephemeral());
    assert!(text(&answer.embeds()).contains("Only admins can do that."));
    assert_eq!(rig.hub.restarts("alice/one").len(), restarts_before);
    // The admin's press restarts, in a new message edited with the outcome.
    let pressed = rig
        .discord()
        .dispatch_interaction(admin(InteractionSpec::button(&restart)))
        .await;
    let answer = rig
        .discord()
        .wait_callback(pressed.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(answer.kind, 4);
    assert!(
        text(&answer.embeds()).contains("Restarting alice/one"),
        "{:?}",
        answer.data
    );
    // The Hub call happens in the repair task, after the answer: wait for it.
    let restarted = eventually(WAIT, async || {
        rig.hub.restarts("alice/one").len() == restarts_before + 1
    })
    .await;
    assert!(restarted, "{:?}", rig.hub.restarts("alice/one"));
    // Logs are deferred, then shown.
    let logs = rig
        .discord()
        .dispatch_interaction(admin(InteractionSpec::button(&button(&alert, "Logs"))))
        .await;
    let answer = rig
        .discord()
        .wait_callback(logs.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(answer.kind, 5);
    let shown = rig
        .discord()
        .wait_original_edit(&logs.token, WAIT)
        .await
        .expect("the logs");
    assert!(text(&embeds(&shown)).contains("Traceback: boom"), "{shown}");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn rate_limits_are_honoured_and_forbidden_channels_marked_dead() {
    const FORBIDDEN: u64 = 1_100_000_000_000_000_299;
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one").stage("CONFIG_ERROR"));
    let rig = rig(hub).await;
    rig.discord()
        .add_channel(DEFAULT_GUILD_ID, FORBIDDEN, "secret");
    rig.discord().fail_channel(FORBIDDEN, Failure::Forbidden);
    rig.discord().rate_limit_next(
        &format!("/channels/{DEFAULT_CHANNEL_ID}/messages"),
        1,
        2.0,
        false,
    );
    let app = rig.app_with("alice/one").env(
        "DISCORD_CHANNEL_IDS",
        &format!("{DEFAULT_CHANNEL_ID},{FORBIDDEN}"),
    );
    let mut daemon = app.spawn(&["run"]);
    let arrived = rig
        .discord()
        .wait_until(WAIT, |dc| !alerts(dc).is_empty())
        .await;
    assert!(arrived, "{}", daemon.output());
    let calls = rig
        .discord()
        .requests_to(&format!("/channels/{DEFAULT_CHANNEL_ID}/messages"));
    let limited = calls.iter().position(|c| c.status == 429).expect("a 429");
    let next = &calls[limited + 1];
    assert!(
        next.at - calls[limited].at >= Duration::from_secs(2),
        "retry_after honoured"
    );
    let store = rig.app.store().await;
    let dead = eventually(WAIT, async || {
        store
            .destination_states()
            .await
            .unwrap()
            .iter()
            .any(|(d, s)| {
                d == &format!("discord:{FORBIDDEN}")
                    && matches!(s, spacewarden::store::DestinationState::Dead { .. })
            })
    })
    .await;
    assert!(dead, "{}", daemon.output());
    // A later alert never goes to the dead channel.
    rig.hub
        .add_space(SpaceSpec::new("alice/one").stage("RUNNING"));
    assert!(
        rig.discord()
            .wait_until(WAIT, |dc| alerts(dc).len() >= 2)
            .await
    );
    let to_forbidden = rig
        .discord()
        .requests_to(&format!("/channels/{FORBIDDEN}/messages"))
        .len();
    assert_eq!(to_forbidden, 1, "tried once, then marked dead");
    let flags = alerts(rig.discord())[1]["flags"].as_u64().unwrap_or(0);
    assert_ne!(flags & (1 << 12), 0, "recoveries are silent");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn a_failed_registration_is_logged_and_the_bot_still_answers() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one"));
    let rig = rig(hub).await;
    // A guild the bot is not in: the bulk overwrite is refused (403).
    let app = rig
        .app_with("alice/one")
        .env("DISCORD_GUILD_ID", "1100000000000000999");
    let mut daemon = app.spawn(&["run"]);
    daemon
        .wait_for("registering slash commands failed", WAIT)
        .await;
    let handle = rig
        .discord()
        .dispatch_interaction(admin(InteractionSpec::slash("help").unregistered()))
        .await;
    let callback = rig
        .discord()
        .wait_callback(handle.id, WAIT)
        .await
        .expect("answered");
    assert!(text(&callback.embeds()).contains("/restart"));
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn without_a_guild_commands_are_registered_globally() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one"));
    let rig = rig(hub).await;
    let app = rig.app_with("alice/one").env("DISCORD_GUILD_ID", "");
    let mut daemon = app.spawn(&["run"]);
    let global = rig
        .discord()
        .wait_commands(CommandScope::Global, WAIT)
        .await;
    assert_eq!(
        global.map(|c| c.len()),
        Some(spacewarden::commands::CATALOGUE.len()),
        "{}",
        daemon.output()
    );
    assert!(
        rig.discord()
            .commands(CommandScope::Guild(DEFAULT_GUILD_ID))
            .is_empty()
    );
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn a_refused_token_stops_only_the_discord_part() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one"));
    let rig = rig(hub).await;
    let app = rig
        .app_with("alice/one")
        .env("DISCORD_BOT_TOKEN", "MTE.wrong.token");
    let mut daemon = app.spawn(&["run"]);
    daemon.wait_for("the rest keeps running", WAIT).await;
    daemon.wait_for("check cycle done", WAIT).await;
    assert_eq!(
        rig.discord().gateway_connections(),
        0,
        "no gateway without REST"
    );
    daemon.terminate(Duration::from_secs(10)).await;
}
