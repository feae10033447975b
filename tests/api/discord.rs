//! The Discord front end to end: `spacewarden run` against the fake Discord (REST and
//! gateway) and the fake Hub. What a user sees, what the Hub was asked, what was
//! audited, what reached the alert channel.

use std::time::Duration;

use serde_json::Value;

use crate::support::app::App;
use crate::support::fake_discord::{
    CommandScope, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER_ID, Failure, FakeDiscord,
    InteractionSpec,
};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::process::{Running, all_sent, eventually, outbox_until, queued_and_tried};

const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GhT4kX.s3cr3tPartOfTheDiscordBotToken_XYZ123";
const ADMIN: u64 = 1_100_000_000_000_000_301;
/// The fake's default user: a member of the allowed channel, not an admin.
const MEMBER: u64 = DEFAULT_USER_ID;
const WAIT: Duration = Duration::from_secs(20);

struct Rig {
    hub: FakeHub,
    dc: FakeDiscord,
    app: App,
}

async fn rig(hub: FakeHub) -> Rig {
    hub.add_user("alice", "hf_alice");
    let dc = FakeDiscord::start(TOKEN).await;
    let app = App::new(&hub)
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .env("DISCORD_BOT_TOKEN", TOKEN)
        .env("DISCORD_API_URL", &dc.url())
        .env("DISCORD_GUILD_ID", &DEFAULT_GUILD_ID.to_string())
        .env("DISCORD_ADMIN_IDS", &ADMIN.to_string())
        .env("DISCORD_CHANNEL_IDS", &DEFAULT_CHANNEL_ID.to_string())
        .settings("[repair]\npoll_interval = \"50ms\"\ntimeout = \"5s\"\n");
    Rig { hub, dc, app }
}

impl Rig {
    fn app_with(&self, spaces: &str) -> App {
        let mut app = App::new(&self.hub);
        for (k, v) in self.app.vars() {
            app = app.env(&k, &v);
        }
        app.env("SPACES", spaces)
    }

    /// Starts the daemon and waits for its slash commands in the guild.
    async fn start(&self, spaces: &str) -> Running {
        let daemon = self.app_with(spaces).spawn(&["run"]);
        let commands = self
            .dc
            .wait_commands(CommandScope::Guild(DEFAULT_GUILD_ID), WAIT)
            .await;
        assert!(
            commands.is_some(),
            "commands registered: {}",
            daemon.output()
        );
        daemon
    }
}

fn admin(spec: InteractionSpec) -> InteractionSpec {
    spec.user(ADMIN, "ops_lead")
}

/// Title and description of every embed, for `contains` checks.
fn text(embeds: &[Value]) -> String {
    embeds
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["title"].as_str().unwrap_or(""),
                e["description"].as_str().unwrap_or("")
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn embeds(message: &Value) -> Vec<Value> {
    message["embeds"].as_array().cloned().unwrap_or_default()
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

#[tokio::test]
async fn commands_are_registered_in_the_guild_with_admin_defaults() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/app").await;
    let commands = rig.dc.commands(CommandScope::Guild(DEFAULT_GUILD_ID));
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
    assert!(rig.dc.commands(CommandScope::Global).is_empty());
    // No privileged intent was asked for.
    let identify = rig.dc.identify_payloads();
    let intents = identify[0]["intents"].as_u64().unwrap();
    assert_eq!(intents & ((1 << 1) | (1 << 8) | (1 << 15)), 0);
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn admin_restart_is_deferred_then_edited_with_the_outcome() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/app").await;
    let handle = rig
        .dc
        .dispatch_interaction(admin(
            InteractionSpec::slash("restart").option("space", "alice/app"),
        ))
        .await;
    let callback = rig
        .dc
        .wait_callback(handle.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(callback.kind, 5, "deferred");
    assert!(callback.after < Duration::from_secs(3));
    let done = rig
        .dc
        .wait_until(WAIT, |dc| {
            dc.original_response(&handle.token)
                .is_some_and(|m| text(&embeds(&m)).contains("back after the restart"))
        })
        .await;
    assert!(
        done,
        "{:?}\n{}",
        rig.dc.original_response(&handle.token),
        daemon.output()
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
            && a.user_id == ADMIN.to_string()),
        "{audit:?}"
    );
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn non_admins_are_refused_ephemerally_and_audited() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/app"));
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/app").await;
    // A member with Discord's administrator permission but not in DISCORD_ADMIN_IDS:
    // the id decides, not roles or permissions.
    let handle = rig
        .dc
        .dispatch_interaction(
            InteractionSpec::slash("restart")
                .option("space", "alice/app")
                .user(MEMBER, "ops_lead")
                .permissions(crate::support::fake_discord::ADMIN_PERMISSIONS),
        )
        .await;
    let callback = rig
        .dc
        .wait_callback(handle.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(callback.kind, 4);
    assert!(callback.is_ephemeral());
    assert!(text(&callback.embeds()).contains("Only admins can do that."));
    // A member may read.
    let status = rig
        .dc
        .dispatch_interaction(InteractionSpec::slash("status").user(MEMBER, "someone"))
        .await;
    let read = rig
        .dc
        .wait_callback(status.id, WAIT)
        .await
        .expect("answered");
    assert!(!read.is_ephemeral());
    // Refusals are decided before anything is called: the answers above came after.
    assert_eq!(rig.hub.count("POST", "/restart"), 0, "no Hub call");
    let audit = rig.app.store().await.audit_log(20).await.unwrap();
    assert!(
        audit.iter().any(|a| !a.allowed
            && a.platform == "discord"
            && a.user_id == MEMBER.to_string()
            && a.command == "/restart alice/app"),
        "{audit:?}"
    );
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
        .dc
        .dispatch_interaction(admin(InteractionSpec::autocomplete("restart", "space", "")))
        .await;
    let callback = rig.dc.wait_callback(all.id, WAIT).await.expect("answered");
    assert_eq!(callback.kind, 8);
    assert_eq!(callback.choices().len(), 25);
    let some = rig
        .dc
        .dispatch_interaction(InteractionSpec::autocomplete("status", "space", "APP-1"))
        .await;
    let callback = rig.dc.wait_callback(some.id, WAIT).await.expect("answered");
    let values: Vec<String> = callback
        .choices()
        .iter()
        .filter_map(|c| c["value"].as_str().map(str::to_owned))
        .collect();
    let expected: Vec<String> = (10..20).map(|i| format!("alice/app-{i}")).collect();
    assert_eq!(values, expected);
    let other = rig
        .dc
        .dispatch_interaction(InteractionSpec::autocomplete("status", "space", "other"))
        .await;
    let callback = rig
        .dc
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
        .dc
        .dispatch_interaction(admin(
            InteractionSpec::slash("rebuild").option("space", "alice/app"),
        ))
        .await;
    let question = rig
        .dc
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
        .dc
        .dispatch_interaction(admin(InteractionSpec::button(&confirm)))
        .await;
    let second = rig
        .dc
        .try_dispatch_interaction(admin(InteractionSpec::button(&confirm)))
        .await;
    let one = rig
        .dc
        .wait_callback(first.id, WAIT)
        .await
        .expect("answered");
    match second {
        Ok(second) => {
            let two = rig
                .dc
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
        .dc
        .wait_until(WAIT, |dc| {
            dc.message(question["id"].as_str().unwrap().parse().unwrap())
                .is_some_and(|m| text(&embeds(&m)).contains("back after the factory rebuild"))
        })
        .await;
    assert!(done, "{}", daemon.output());
    // The buttons are gone: a third press cannot even be made.
    let third = rig
        .dc
        .try_dispatch_interaction(admin(InteractionSpec::button(&confirm)))
        .await;
    assert!(third.is_err());
    assert_eq!(rig.hub.restarts("alice/app"), [true], "one factory rebuild");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn status_with_a_thousand_spaces_stays_within_discord_limits() {
    let hub = FakeHub::start().await;
    for i in 0..1000 {
        let mut spec = SpaceSpec::new(&format!("alice/space-{i:04}"));
        if i % 16 == 0 {
            spec = spec
                .stage("CONFIG_ERROR")
                .error_message("Invalid README front matter: **sdk** & `co` @everyone");
        }
        hub.add_space(spec);
    }
    let rig = rig(hub).await;
    let mut daemon = rig.start("alice/*").await;
    daemon.wait_for("check cycle done spaces=1000", WAIT).await;
    let handle = rig
        .dc
        .dispatch_interaction(admin(InteractionSpec::slash("status")))
        .await;
    let callback = rig
        .dc
        .wait_callback(handle.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(callback.kind, 4);
    let first = callback.embeds();
    let all = text(&first);
    assert!(all.contains("1000 Spaces: 937 up"), "{all}");
    assert!(all.contains("Problems page 1 of 3"), "{all}");
    assert!(
        !all.contains("space-0001`"),
        "up Spaces are summarised, not listed"
    );
    assert!(callback.after < Duration::from_secs(3));
    within_limits(callback.data.as_ref().unwrap());
    let original = rig.dc.original_response(&handle.token).expect("stored");
    let next = button(&original, "Next ▶");
    let press = rig
        .dc
        .dispatch_interaction(admin(InteractionSpec::button(&next)))
        .await;
    let page = rig
        .dc
        .wait_callback(press.id, WAIT)
        .await
        .expect("answered");
    assert_eq!(page.kind, 7);
    assert!(text(&page.embeds()).contains("Problems page 2 of 3"));
    within_limits(page.data.as_ref().unwrap());
    // Every message the bot posted was accepted (the fake refuses oversize ones).
    assert!(
        rig.dc.requests().iter().all(|r| r.status != 400),
        "no request refused"
    );
    daemon.terminate(Duration::from_secs(10)).await;
}

fn within_limits(data: &Value) {
    let count = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    assert!(count(&data["content"]) <= 2000);
    let embeds = embeds(data);
    assert!(embeds.len() <= 10);
    let mut total = 0;
    for e in &embeds {
        assert!(count(&e["title"]) <= 256);
        assert!(count(&e["description"]) <= 4096);
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        assert!(fields.len() <= 25);
        total += count(&e["title"]) + count(&e["description"]);
        for f in &fields {
            assert!(count(&f["name"]) <= 256 && count(&f["value"]) <= 1024);
            total += count(&f["name"]) + count(&f["value"]);
        }
    }
    assert!(total <= 6000, "{total}");
}

/// Alerts only: channel posts, not interaction responses.
fn alerts(dc: &FakeDiscord) -> Vec<Value> {
    dc.messages(DEFAULT_CHANNEL_ID)
        .into_iter()
        .filter(|m| m.get("interaction_metadata").is_none_or(Value::is_null))
        .collect()
}

#[tokio::test]
async fn alerts_survive_a_channel_outage_and_arrive_once_in_order() {
    let hub = FakeHub::start().await;
    hub.add_space(
        SpaceSpec::new("alice/one")
            .stage("CONFIG_ERROR")
            .error_message("first"),
    )
    .add_space(SpaceSpec::new("alice/two"));
    let rig = rig(hub).await;
    rig.dc
        .fail_channel(DEFAULT_CHANNEL_ID, Failure::ServerError(502));
    let mut daemon = rig.start("alice/one,alice/two").await;
    daemon.wait_for("check cycle done", WAIT).await;
    rig.hub.set_stage("alice/two", "CONFIG_ERROR");
    rig.hub.set_error_message("alice/two", Some("second"));
    let destination = format!("discord:{DEFAULT_CHANNEL_ID}");
    let store = rig.app.store().await;
    let tried = outbox_until(&store, &destination, WAIT, queued_and_tried(2)).await;
    assert!(tried, "{}", daemon.output());
    assert!(alerts(&rig.dc).is_empty());
    rig.dc.heal_channel(DEFAULT_CHANNEL_ID);
    let arrived = rig
        .dc
        .wait_until(Duration::from_secs(45), |dc| alerts(dc).len() >= 2)
        .await;
    assert!(arrived, "{}", daemon.output());
    assert!(outbox_until(&store, &destination, WAIT, all_sent(2)).await);
    let sent = alerts(&rig.dc);
    assert_eq!(sent.len(), 2, "once each: {sent:?}");
    let one = &embeds(&sent[0])[0];
    let two = &embeds(&sent[1])[0];
    assert!(text(std::slice::from_ref(one)).contains("alice/one"));
    assert!(text(std::slice::from_ref(one)).contains("first"));
    assert!(text(std::slice::from_ref(two)).contains("alice/two"));
    assert_eq!(one["color"], 0xE74C3C, "red for down");
    // The alert about one broken Space carries the repair buttons.
    for label in ["Restart", "Rebuild", "Mute 1h", "Logs"] {
        button(&sent[0], label);
    }
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
    rig.dc
        .wait_commands(CommandScope::Guild(DEFAULT_GUILD_ID), WAIT)
        .await
        .expect("registered");
    assert!(
        rig.dc.wait_until(WAIT, |dc| !alerts(dc).is_empty()).await,
        "{}",
        daemon.output()
    );
    let alert = alerts(&rig.dc)[0].clone();
    let restart = button(&alert, "Restart");
    let restarts_before = rig.hub.restarts("alice/one").len();
    // A member may see the alert but not act on it.
    let refused = rig
        .dc
        .dispatch_interaction(InteractionSpec::button(&restart).user(MEMBER, "someone"))
        .await;
    let answer = rig
        .dc
        .wait_callback(refused.id, WAIT)
        .await
        .expect("answered");
    assert!(answer.is_ephemeral());
    assert!(text(&answer.embeds()).contains("Only admins can do that."));
    assert_eq!(rig.hub.restarts("alice/one").len(), restarts_before);
    // The admin's press restarts, in a new message edited with the outcome.
    let pressed = rig
        .dc
        .dispatch_interaction(admin(InteractionSpec::button(&restart)))
        .await;
    let answer = rig
        .dc
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
        .dc
        .dispatch_interaction(admin(InteractionSpec::button(&button(&alert, "Logs"))))
        .await;
    let answer = rig.dc.wait_callback(logs.id, WAIT).await.expect("answered");
    assert_eq!(answer.kind, 5);
    let shown = rig
        .dc
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
    rig.dc.add_channel(DEFAULT_GUILD_ID, FORBIDDEN, "secret");
    rig.dc.fail_channel(FORBIDDEN, Failure::Forbidden);
    rig.dc.rate_limit_next(
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
    let arrived = rig.dc.wait_until(WAIT, |dc| !alerts(dc).is_empty()).await;
    assert!(arrived, "{}", daemon.output());
    let calls = rig
        .dc
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
    assert!(rig.dc.wait_until(WAIT, |dc| alerts(dc).len() >= 2).await);
    let to_forbidden = rig
        .dc
        .requests_to(&format!("/channels/{FORBIDDEN}/messages"))
        .len();
    assert_eq!(to_forbidden, 1, "tried once, then marked dead");
    let flags = alerts(&rig.dc)[1]["flags"].as_u64().unwrap_or(0);
    assert_ne!(flags & (1 << 12), 0, "recoveries are silent");
    daemon.terminate(Duration::from_secs(10)).await;
}

#[tokio::test]
async fn the_bot_token_never_appears_at_trace_level() {
    let hub = FakeHub::start().await;
    hub.add_space(SpaceSpec::new("alice/one").stage("CONFIG_ERROR"));
    let rig = rig(hub).await;
    let app = rig.app_with("alice/one").env("RUST_LOG", "trace");
    let mut daemon = app.spawn(&["run"]);
    rig.dc
        .wait_commands(CommandScope::Guild(DEFAULT_GUILD_ID), WAIT)
        .await
        .expect("registered");
    assert!(rig.dc.wait_until(WAIT, |dc| !alerts(dc).is_empty()).await);
    let handle = rig
        .dc
        .dispatch_interaction(admin(InteractionSpec::slash("status")))
        .await;
    rig.dc
        .wait_callback(handle.id, WAIT)
        .await
        .expect("answered");
    daemon.terminate(Duration::from_secs(10)).await;
    let output = daemon.output();
    assert!(
        output.contains("TRACE") || output.contains("DEBUG"),
        "verbose logging is on"
    );
    let secret = TOKEN.rsplit_once('.').unwrap().1;
    for needle in [TOKEN, secret] {
        assert!(!output.contains(needle), "token leaked");
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
        .dc
        .dispatch_interaction(admin(InteractionSpec::slash("help").unregistered()))
        .await;
    let callback = rig
        .dc
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
    let global = rig.dc.wait_commands(CommandScope::Global, WAIT).await;
    assert_eq!(
        global.map(|c| c.len()),
        Some(spacewarden::commands::CATALOGUE.len()),
        "{}",
        daemon.output()
    );
    assert!(
        rig.dc
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
    assert_eq!(rig.dc.gateway_connections(), 0, "no gateway without REST");
    daemon.terminate(Duration::from_secs(10)).await;
}
