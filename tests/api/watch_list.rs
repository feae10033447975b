//! Issue 20: one read model, one watch-list rule. A Space removed from `SPACES` keeps
//! its rows in the store (its history), but no reader shows it: chat `/status` and
//! `/spaces`, Discord's autocomplete, the API. Before the read model, chat read every
//! stored state and still listed it.

use std::time::Duration;

use crate::support::app::App;
use crate::support::fake_discord::{
    CommandScope, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FakeDiscord, InteractionSpec,
};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_telegram::{ChatSpec, FakeTelegram, TgUser};
use crate::support::process::eventually;

const TG_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const DC_TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GhT4kX.s3cr3tPartOfTheDiscordBotToken_XYZ123";
const TG_ADMIN: i64 = 1111;
const GROUP: i64 = -1001234567890;
const DC_ADMIN: u64 = 1_100_000_000_000_000_301;
const API_KEY: &str = "admin-key-0123456789abcdef";
const WAIT: Duration = Duration::from_secs(30);

/// The answer to `text`, sent by the admin in their private chat.
async fn ask(tg: &FakeTelegram, text: &str) -> String {
    let before = tg.sent(TG_ADMIN).len();
    tg.push_message(TG_ADMIN, &TgUser::named(TG_ADMIN, "ops_lead"), text);
    let answered = eventually(WAIT, async || tg.sent(TG_ADMIN).len() > before).await;
    assert!(answered, "no answer to {text}");
    tg.sent(TG_ADMIN)[before].text.clone()
}

#[tokio::test]
async fn a_space_removed_from_spaces_is_shown_nowhere() {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(SpaceSpec::new("alice/app"));
    // Broken, so `/status` would list it among the problems, not only count it.
    hub.add_space(
        SpaceSpec::new("alice/old")
            .stage("CONFIG_ERROR")
            .error_message("bad yaml"),
    );
    let tg = FakeTelegram::start(TG_TOKEN).await;
    tg.add_chat(ChatSpec::supergroup(GROUP, "ops"));
    let dc = FakeDiscord::start(DC_TOKEN).await;
    let app = App::new(&hub)
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .env("API_KEY", API_KEY)
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", &TG_ADMIN.to_string())
        .env("TELEGRAM_CHAT_IDS", &GROUP.to_string())
        .env("DISCORD_BOT_TOKEN", DC_TOKEN)
        .env("DISCORD_API_URL", &dc.url())
        .env("DISCORD_GUILD_ID", &DEFAULT_GUILD_ID.to_string())
        .env("DISCORD_ADMIN_IDS", &DC_ADMIN.to_string())
        .env("DISCORD_CHANNEL_IDS", &DEFAULT_CHANNEL_ID.to_string());
    // Both watched once: the store now holds a state for each.
    let checked = app.env("SPACES", "alice/app,alice/old");
    let run = checked.run(&["check"]).await;
    assert!(run.stdout.contains("alice/old"), "{run:?}");
    let app = checked.env("SPACES", "alice/app");
    let mut daemon = app.spawn(&["run"]);
    daemon.wait_for("check cycle done spaces=1", WAIT).await;
    tg.wait_for_requests("setMyCommands", 2, WAIT).await;
    let registered = dc
        .wait_commands(CommandScope::Guild(DEFAULT_GUILD_ID), WAIT)
        .await;
    assert!(registered.is_some(), "{}", daemon.output());

    let status = ask(&tg, "/status").await;
    assert!(status.contains("1 Space: 1 up"), "{status}");
    assert!(!status.contains("alice/old"), "{status}");
    let spaces = ask(&tg, "/spaces").await;
    assert!(spaces.contains("(1 Space seen)"), "{spaces}");
    assert!(spaces.contains("alice/app"), "{spaces}");
    assert!(!spaces.contains("alice/old"), "{spaces}");

    let typed = dc
        .dispatch_interaction(
            InteractionSpec::autocomplete("status", "space", "alice").user(DC_ADMIN, "ops_lead"),
        )
        .await;
    let callback = dc.wait_callback(typed.id, WAIT).await.expect("answered");
    let offered: Vec<String> = callback
        .choices()
        .iter()
        .filter_map(|c| c["value"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(offered, ["alice/app"]);

    // The API always applied the rule; it stays with chat.
    let port = crate::web_process::listening_port(&daemon).await;
    let list: serde_json::Value = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/api/v1/spaces"))
        .bearer_auth(API_KEY)
        .send()
        .await
        .expect("API")
        .json()
        .await
        .expect("JSON");
    let listed: Vec<&str> = list["spaces"]
        .as_array()
        .expect("spaces")
        .iter()
        .filter_map(|s| s["space"].as_str())
        .collect();
    assert_eq!(listed, ["alice/app"]);
    daemon.terminate(Duration::from_secs(10)).await;
}
