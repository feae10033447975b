//! One face for both chat platforms, for the tests that must hold on Telegram and
//! Discord alike: start `spacewarden run` against the fake Hub and the platform's
//! fake, send a command as someone, read the answer, press its buttons, read the
//! alert channel. Each platform's side (`telegram.rs`, `discord.rs`) knows its fake;
//! a test written against `Chat` names the platform only for what differs by design
//! (Telegram's HTML, Discord's deferred and ephemeral answers).
//!
//! `on_both!(body)` turns `async fn body(platform: Platform)` into two tests,
//! `body::telegram` and `body::discord`.

pub mod discord;
pub mod telegram;

use std::time::Duration;

use serde_json::Value;

use super::app::App;
use super::fake_discord::{Callback, FakeDiscord};
use super::fake_hub::FakeHub;
use super::fake_telegram::{FakeTelegram, SentMessage};
use super::process::Running;

/// How long a chat answer may take under a loaded test machine.
pub const WAIT: Duration = Duration::from_secs(20);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Telegram,
    Discord,
}

impl Platform {
    /// As the audit log and actions record it.
    pub fn name(self) -> &'static str {
        match self {
            Platform::Telegram => "telegram",
            Platform::Discord => "discord",
        }
    }
}

/// Who writes, as each platform places them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// In the admin list; writes privately (Telegram) or in the allowed channel.
    Admin,
    /// In the allowed group or channel, not an admin: may read, may not act. Alerts
    /// arrive there too, and a Telegram answer is the next message in the chat: ask
    /// as a member only while no alert is due.
    Member,
    /// Looks like the admin (the admin's username; on Discord also the
    /// administrator permission) but is not in the admin list: ids decide.
    Impostor,
}

/// The first answer to a command or a press, platform neutral.
#[derive(Debug, Clone)]
pub struct Answer {
    /// What a person reads (Telegram: the text as shown; Discord: the embeds' titles
    /// and descriptions).
    pub text: String,
    /// Seen only by the one who asked (Discord's ephemeral answers).
    pub private: bool,
    /// Acknowledged now, the content to follow (Discord's deferred answer).
    pub deferred: bool,
    /// The buttons under it: label and data.
    pub buttons: Vec<(String, String)>,
    pub telegram: Option<SentMessage>,
    pub discord: Option<Callback>,
    place: Place,
}

/// Where an answer lives, to read it again after edits.
#[derive(Debug, Clone)]
enum Place {
    Telegram { chat: i64, message_id: i64 },
    Discord { token: String },
}

/// A message the bot posted to the alert chat or channel.
#[derive(Debug, Clone)]
pub struct Posted {
    pub text: String,
    /// Notifies (a down alert); recoveries are silent.
    pub loud: bool,
    pub buttons: Vec<String>,
    /// Discord's raw message (its embeds' colours).
    pub discord: Option<Value>,
}

enum Side {
    Telegram(telegram::TgSide),
    Discord(discord::DcSide),
}

/// The fakes and the app's settings for one platform.
pub struct Chat {
    pub platform: Platform,
    pub hub: FakeHub,
    pub app: App,
    side: Side,
}

impl Chat {
    /// The fake platform started, its variables set (every second's checks, quick
    /// repair polling); the Hub knows `alice` with the token `hf_alice`.
    pub async fn new(platform: Platform, hub: FakeHub) -> Chat {
        hub.add_user("alice", "hf_alice");
        let app = App::new(&hub)
            .env("HF_TOKEN", "hf_alice")
            .env("CHECK_SCHEDULE", "* * * * * *")
            .env("RUST_LOG", "info")
            .settings("[repair]\npoll_interval = \"50ms\"\ntimeout = \"5s\"\n");
        let (side, app) = match platform {
            Platform::Telegram => {
                let side = telegram::TgSide::start().await;
                let app = side.env(app);
                (Side::Telegram(side), app)
            }
            Platform::Discord => {
                let side = discord::DcSide::start().await;
                let app = side.env(app);
                (Side::Discord(side), app)
            }
        };
        Chat {
            platform,
            hub,
            app,
            side,
        }
    }

    /// The app with `SPACES` set (the rest as `new` set it).
    pub fn app_with(&self, spaces: &str) -> App {
        let mut app = App::new(&self.hub);
        for (k, v) in self.app.vars() {
            app = app.env(&k, &v);
        }
        app.env("SPACES", spaces)
    }

    /// Starts the daemon and waits until the platform can reach it.
    pub async fn start(&self, spaces: &str) -> Running {
        let daemon = self.app_with(spaces).spawn(&["run"]);
        self.ready(&daemon).await;
        daemon
    }

    /// Waits until a started daemon answers on the platform (Discord: its commands
    /// are registered).
    pub async fn ready(&self, daemon: &Running) {
        if let Side::Discord(side) = &self.side {
            side.ready(daemon).await;
        }
    }

    /// `who` sends `command` (e.g. `/restart alice/app`); returns the first answer.
    pub async fn ask(&self, who: Who, command: &str) -> Answer {
        match &self.side {
            Side::Telegram(side) => side.ask(who, command).await,
            Side::Discord(side) => side.ask(who, command).await,
        }
    }

    /// `who` presses the button `label` under `answer`; returns the message as the
    /// press changed it (Telegram: edited after the callback's answer; Discord: the
    /// interaction's answer).
    pub async fn press(&self, who: Who, answer: &Answer, label: &str) -> Answer {
        match &self.side {
            Side::Telegram(side) => side.press(who, answer, label).await,
            Side::Discord(side) => side.press(who, answer, label).await,
        }
    }

    /// Waits until `answer`, as edited since, contains `needle`; returns its text.
    pub async fn wait_text(&self, answer: &Answer, needle: &str) -> String {
        let mut now = String::new();
        for _ in 0..(WAIT.as_millis() / 50) {
            now = match (&self.side, &answer.place) {
                (Side::Telegram(side), Place::Telegram { chat, message_id }) => {
                    side.tg.message_text(*chat, *message_id).unwrap_or_default()
                }
                (Side::Discord(side), Place::Discord { token }) => side.current(token),
                _ => unreachable!("an answer read on another platform"),
            };
            if now.contains(needle) {
                return now;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{needle:?} never shown; the answer reads {now:?}")
    }

    /// The messages posted to the alert chat or channel (answers left out).
    pub fn alerts(&self) -> Vec<Posted> {
        match &self.side {
            Side::Telegram(side) => side.alerts(),
            Side::Discord(side) => side.alerts(),
        }
    }

    /// Waits until at least `n` alerts were posted.
    pub async fn wait_alerts(&self, n: usize, timeout: Duration) -> bool {
        super::process::eventually(timeout, async || self.alerts().len() >= n).await
    }

    /// The alert chat or channel as the outbox names it.
    pub fn destination(&self) -> String {
        match &self.side {
            Side::Telegram(_) => telegram::destination(),
            Side::Discord(_) => discord::destination(),
        }
    }

    /// Alerts can no longer be posted (Telegram down, the Discord channel failing)
    /// while `broken`.
    pub fn break_alerts(&self, broken: bool) {
        match &self.side {
            Side::Telegram(side) => {
                side.tg.set_down(broken);
            }
            Side::Discord(side) => side.break_channel(broken),
        }
    }

    /// The platform's own size limits hold for `answer`.
    pub fn assert_within_limits(&self, answer: &Answer) {
        match &self.side {
            Side::Telegram(_) => telegram::within_limits(answer),
            Side::Discord(_) => discord::within_limits(answer),
        }
    }

    /// Everything the bot sent was accepted by the platform (its limits and markup).
    pub fn assert_all_accepted(&self) {
        match &self.side {
            Side::Telegram(side) => side.all_accepted(),
            Side::Discord(side) => side.all_accepted(),
        }
    }

    /// `who`'s user id, as audited.
    pub fn user_id(&self, who: Who) -> String {
        match &self.side {
            Side::Telegram(_) => telegram::user(who).1.id.to_string(),
            Side::Discord(_) => discord::user(who).0.to_string(),
        }
    }

    /// `who` as recorded on an action: `telegram:42`.
    pub fn actor(&self, who: Who) -> String {
        format!("{}:{}", self.platform.name(), self.user_id(who))
    }

    /// What a refusal says to `who`: an admin-only command, or a stranger to the bot.
    pub fn refusal(&self, who: Who) -> &'static str {
        match (&self.side, who) {
            (Side::Telegram(_), Who::Impostor) => "not allowed",
            _ => "Only admins can do that.",
        }
    }

    /// The bot token, and the part of it that is the secret.
    pub fn token(&self) -> (&'static str, &'static str) {
        match &self.side {
            Side::Telegram(_) => telegram::token(),
            Side::Discord(_) => discord::token(),
        }
    }

    pub fn telegram(&self) -> &FakeTelegram {
        match &self.side {
            Side::Telegram(side) => &side.tg,
            Side::Discord(_) => panic!("a Telegram rig was expected"),
        }
    }

    pub fn discord(&self) -> &FakeDiscord {
        match &self.side {
            Side::Discord(side) => &side.dc,
            Side::Telegram(_) => panic!("a Discord rig was expected"),
        }
    }
}

/// Two tests from one body: `$body::telegram` and `$body::discord`.
macro_rules! on_both {
    ($body:ident) => {
        mod $body {
            use $crate::support::chat::Platform;

            #[tokio::test]
            async fn telegram() {
                super::$body(Platform::Telegram).await
            }

            #[tokio::test]
            async fn discord() {
                super::$body(Platform::Discord).await
            }
        }
    };
}
pub(crate) use on_both;
