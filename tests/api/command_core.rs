//! Issue 10: one catalogue, one authorization, one path. The catalogue is walked
//! against what each platform was actually given (Telegram's scoped menus, Discord's
//! registration and permissions, `/help` by role), and one non-admin's refusal is
//! compared across Telegram, Discord, a button and the API: same sentence, same
//! audit row.

use std::time::Duration;

use serde_json::Value;
use spacewarden::commands::{CATALOGUE, Role};

use crate::support::app::App;
use crate::support::fake_discord::{
    CommandScope, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER_ID, FakeDiscord,
    InteractionSpec,
};
use crate::support::fake_hub::{FakeHub, SpaceSpec};
use crate::support::fake_telegram::{ChatSpec, FakeTelegram, TgUser};
use crate::support::process::{Running, eventually};
use crate::web_process::listening_port;

const TG_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const DC_TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GhT4kX.s3cr3tPartOfTheDiscordBotToken_XYZ123";
const TG_ADMIN: i64 = 1111;
const TG_MEMBER: i64 = 2222;
const TG_STRANGER: i64 = 3333;
const GROUP: i64 = -1001234567890;
const DC_ADMIN: u64 = 1_100_000_000_000_000_301;
const DC_MEMBER: u64 = DEFAULT_USER_ID;
const READ_KEY: &str = "read-only-key-0123456789abcdef";
const WAIT: Duration = Duration::from_secs(30);

struct Rig {
    hub: FakeHub,
    tg: FakeTelegram,
    dc: FakeDiscord,
    app: App,
}

async fn rig() -> Rig {
    let hub = FakeHub::start().await;
    hub.add_user("alice", "hf_alice");
    hub.add_space(
        SpaceSpec::new("alice/app")
            .stage("CONFIG_ERROR")
            .error_message("bad yaml"),
    );
    let tg = FakeTelegram::start(TG_TOKEN).await;
    tg.add_chat(ChatSpec::supergroup(GROUP, "ops"));
    let dc = FakeDiscord::start(DC_TOKEN).await;
    let app = App::new(&hub)
        .env("SPACES", "alice/app")
        .env("HF_TOKEN", "hf_alice")
        .env("CHECK_SCHEDULE", "* * * * * *")
        .env("RUST_LOG", "info")
        .env("API_KEY", "admin-key-0123456789abcdef")
        .env("API_READ_KEY", READ_KEY)
        .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
        .env("TELEGRAM_API_URL", &tg.url())
        .env("TELEGRAM_ADMIN_IDS", &TG_ADMIN.to_string())
        .env("TELEGRAM_CHAT_IDS", &GROUP.to_string())
        .env("DISCORD_BOT_TOKEN", DC_TOKEN)
        .env("DISCORD_API_URL", &dc.url())
        .env("DISCORD_GUILD_ID", &DEFAULT_GUILD_ID.to_string())
        .env("DISCORD_ADMIN_IDS", &DC_ADMIN.to_string())
        .env("DISCORD_CHANNEL_IDS", &DEFAULT_CHANNEL_ID.to_string());
    Rig { hub, tg, dc, app }
}

impl Rig {
    async fn start(&self) -> Running {
        let daemon = self.app.spawn(&["run"]);
        self.tg.wait_for_requests("setMyCommands", 2, WAIT).await;
        let registered = self
            .dc
            .wait_commands(CommandScope::Guild(DEFAULT_GUILD_ID), WAIT)
            .await;
        assert!(registered.is_some(), "{}", daemon.output());
        daemon
    }

    /// `/help` as `user` in `chat`: the usage lines it lists.
    async fn help(&self, chat: i64, user: i64) -> String {
        let before = self.tg.sent(chat).len();
        self.tg
            .push_message(chat, &TgUser::named(user, "someone"), "/help");
        // The group also gets alerts: the answer is the message titled as help is.
        let answered = eventually(WAIT, async || {
            self.tg.sent(chat)[before..]
                .iter()
                .any(|m| m.text.contains("spacewarden commands"))
        })
        .await;
        assert!(answered, "no /help answer in {chat}");
        self.tg.sent(chat)[before..]
            .iter()
            .find(|m| m.text.contains("spacewarden commands"))
            .map(|m| m.text.clone())
            .unwrap_or_default()
    }
}

#[tokio::test]
async fn every_command_is_in_the_menus_the_registration_and_help_for_its_role() {
    let rig = rig().await;
    let mut daemon = rig.start().await;
    let menus = rig.tg.commands();
    let menu = |scope: &str, chat: Option<i64>| -> Vec<String> {
        menus
            .iter()
            .find(|m| m.scope["type"] == scope && chat.is_none_or(|c| m.scope["chat_id"] == c))
            .map(|m| m.commands.iter().map(|c| c.command.clone()).collect())
            .unwrap_or_default()
    };
    let everyone = menu("default", None);
    let admins = menu("chat", Some(TG_ADMIN));
    let registered = rig.dc.commands(CommandScope::Guild(DEFAULT_GUILD_ID));
    let help_admin = rig.help(TG_ADMIN, TG_ADMIN).await;
    let help_member = rig.help(GROUP, TG_MEMBER).await;
    let help_stranger = rig.help(TG_STRANGER, TG_STRANGER).await;
    assert_eq!(
        registered.len(),
        CATALOGUE.len(),
        "no command more, none less"
    );
    for spec in &CATALOGUE {
        let name = spec.name.to_owned();
        let line = format!("{}: {}", spec.usage(), spec.description);
        assert_eq!(
            everyone.contains(&name),
            spec.role <= Role::Reader,
            "{name} in the menu for everyone"
        );
        assert!(admins.contains(&name), "{name} in the admin's menu");
        let command: &Value = registered
            .iter()
            .find(|c| c["name"] == spec.name)
            .unwrap_or_else(|| panic!("{name} registered on Discord"));
        assert_eq!(command["description"], spec.description);
        assert_eq!(
            command["default_member_permissions"] == "0",
            spec.role == Role::Admin,
            "{name}: hidden from members exactly when it needs an admin"
        );
        let options: Vec<&str> = command["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["name"].as_str())
            .collect();
        let args: Vec<&str> = spec.args.iter().map(|a| a.name).collect();
        assert_eq!(options, args, "{name}: its options are its arguments");
        assert!(help_admin.contains(&line), "{name} in an admin's /help");
        assert_eq!(
            help_member.contains(&line),
            spec.role <= Role::Reader,
            "{name} in a member's /help:\n{help_member}"
        );
        assert_eq!(
            help_stranger.contains(&line),
            spec.role == Role::Anyone,
            "{name} in a stranger's /help"
        );
    }
    daemon.terminate(Duration::from_secs(15)).await;
}

#[tokio::test]
async fn a_refusal_reads_and_is_audited_the_same_through_every_entrance() {
    let rig = rig().await;
    let mut daemon = rig.start().await;
    let port = listening_port(&daemon).await;
    const REFUSAL: &str = "Only admins can do that.";

    // Telegram: a member of the allowed group types it.
    let member = TgUser::named(TG_MEMBER, "member");
    rig.tg.push_message(GROUP, &member, "/restart alice/app");
    let answer = rig.tg.wait_for_sent(GROUP, 1, WAIT).await;
    let first = answer
        .iter()
        .find(|m| m.text.contains(REFUSAL))
        .unwrap_or_else(|| panic!("{answer:?}"));
    assert!(first.text.ends_with(REFUSAL), "{}", first.text);

    // Discord: a member of the allowed channel runs the slash command.
    let slash = rig
        .dc
        .dispatch_interaction(
            InteractionSpec::slash("restart")
                .option("space", "alice/app")
                .user(DC_MEMBER, "member"),
        )
        .await;
    let callback = rig
        .dc
        .wait_callback(slash.id, WAIT)
        .await
        .expect("answered");
    assert!(callback.is_ephemeral());
    let embeds = callback.embeds();
    assert!(
        embeds[0]["title"]
            .as_str()
            .unwrap_or_default()
            .ends_with(REFUSAL)
    );

    // A button: the member presses Restart on the alert in the group.
    let alert = eventually(WAIT, async || {
        rig.tg
            .sent(GROUP)
            .iter()
            .any(|m| m.text.contains("alice/app") && m.reply_markup.is_some())
    })
    .await;
    assert!(alert, "{}", daemon.output());
    let alert = rig
        .tg
        .sent(GROUP)
        .into_iter()
        .find(|m| m.text.contains("alice/app") && m.reply_markup.is_some())
        .expect("an alert with buttons");
    let restart = alert.reply_markup.as_ref().unwrap()["inline_keyboard"][0]
        .as_array()
        .into_iter()
        .flatten()
        .find(|b| b["text"] == "Restart")
        .and_then(|b| b["callback_data"].as_str())
        .expect("a Restart button")
        .to_owned();
    rig.tg
        .push_callback(GROUP, alert.message_id, &member, &restart);
    let answers = rig.tg.wait_for_callback_answers(1, WAIT).await;
    assert_eq!(answers[0].text.as_deref(), Some(REFUSAL));

    // The API: a key that may read, not act.
    let api = reqwest::Client::new()
        .post(format!(
            "http://127.0.0.1:{port}/api/v1/spaces/alice/app/restart"
        ))
        .bearer_auth(READ_KEY)
        .send()
        .await
        .expect("the API answers");
    assert_eq!(api.status(), 403);
    let body: Value = api.json().await.expect("JSON");
    assert_eq!(body["error"], "forbidden");
    assert_eq!(body["message"], REFUSAL);

    // One audit row each, all the same but for who and where.
    let store = rig.app.store().await;
    let audit = store.audit_log(50).await.expect("audit");
    let refused: Vec<_> = audit.iter().filter(|a| !a.allowed).collect();
    let platforms: Vec<&str> = refused.iter().map(|a| a.platform.as_str()).collect();
    for platform in ["telegram", "discord", "api"] {
        assert!(platforms.contains(&platform), "{refused:?}");
    }
    assert_eq!(refused.len(), 4, "{refused:?}");
    for row in &refused {
        assert_eq!(row.command, "/restart alice/app", "{row:?}");
        assert_eq!(row.outcome.as_deref(), Some("refused"), "{row:?}");
    }
    assert!(
        rig.hub.restarts("alice/app").is_empty(),
        "nothing was restarted"
    );
    daemon.terminate(Duration::from_secs(15)).await;
}
