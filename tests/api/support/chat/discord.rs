//! `Chat`'s Discord side: the fake REST and gateway, slash commands in the allowed
//! channel of the guild (where alerts go too), answers read from the interaction's
//! callback and its original response.

use serde_json::Value;

use super::{Answer, Place, Posted, WAIT, Who};
use crate::support::app::App;
use crate::support::fake_discord::{
    ADMIN_PERMISSIONS, CommandScope, DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, DEFAULT_USER_ID,
    Failure, FakeDiscord, InteractionSpec,
};
use crate::support::process::Running;

const TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GhT4kX.s3cr3tPartOfTheDiscordBotToken_XYZ123";
pub const ADMIN: u64 = 1_100_000_000_000_000_301;
/// The fake's default user: a member of the allowed channel, not an admin.
pub const MEMBER: u64 = DEFAULT_USER_ID;
/// Discord's "suppress notifications" message flag.
const SILENT: u64 = 1 << 12;

pub(super) struct DcSide {
    pub dc: FakeDiscord,
}

impl DcSide {
    pub async fn start() -> DcSide {
        DcSide {
            dc: FakeDiscord::start(TOKEN).await,
        }
    }

    pub fn env(&self, app: App) -> App {
        app.env("DISCORD_BOT_TOKEN", TOKEN)
            .env("DISCORD_API_URL", &self.dc.url())
            .env("DISCORD_GUILD_ID", &DEFAULT_GUILD_ID.to_string())
            .env("DISCORD_ADMIN_IDS", &ADMIN.to_string())
            .env("DISCORD_CHANNEL_IDS", &DEFAULT_CHANNEL_ID.to_string())
    }

    /// Waits for the slash commands in the guild.
    pub async fn ready(&self, daemon: &Running) {
        let commands = self
            .dc
            .wait_commands(CommandScope::Guild(DEFAULT_GUILD_ID), WAIT)
            .await;
        assert!(
            commands.is_some(),
            "commands registered: {}",
            daemon.output()
        );
    }

    /// `/name arg` as the slash command `name` with its `space` option.
    pub async fn ask(&self, who: Who, command: &str) -> Answer {
        let command = command.trim_start_matches('/');
        let spec = match command.split_once(' ') {
            Some((name, space)) => InteractionSpec::slash(name).option("space", space),
            None => InteractionSpec::slash(command),
        };
        self.interact(as_user(spec, who)).await
    }

    pub async fn press(&self, who: Who, answer: &Answer, label: &str) -> Answer {
        let data = answer
            .buttons
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, data)| data.clone())
            .unwrap_or_else(|| panic!("no button {label} in {:?}", answer.buttons));
        self.interact(as_user(InteractionSpec::button(&data), who))
            .await
    }

    async fn interact(&self, spec: InteractionSpec) -> Answer {
        let handle = self.dc.dispatch_interaction(spec).await;
        let callback = self
            .dc
            .wait_callback(handle.id, WAIT)
            .await
            .expect("answered");
        // A message's buttons are read back from it as stored (a deferred answer
        // has none yet).
        let stored = self.dc.original_response(&handle.token);
        let buttons = stored
            .as_ref()
            .or(callback.data.as_ref())
            .map(buttons)
            .unwrap_or_default();
        Answer {
            text: text(&callback.embeds()),
            private: callback.is_ephemeral(),
            deferred: callback.kind == 5,
            buttons,
            telegram: None,
            place: Place::Discord {
                token: handle.token,
            },
            discord: Some(callback),
        }
    }

    /// The interaction's original response as it reads now.
    pub fn current(&self, token: &str) -> String {
        self.dc
            .original_response(token)
            .map(|m| text(&embeds(&m)))
            .unwrap_or_default()
    }

    /// Channel posts, not interaction responses.
    pub fn alerts(&self) -> Vec<Posted> {
        self.dc
            .messages(DEFAULT_CHANNEL_ID)
            .into_iter()
            .filter(|m| m.get("interaction_metadata").is_none_or(Value::is_null))
            .map(|m| Posted {
                text: text(&embeds(&m)),
                loud: m["flags"].as_u64().unwrap_or(0) & SILENT == 0,
                buttons: buttons(&m).into_iter().map(|(label, _)| label).collect(),
                discord: Some(m),
            })
            .collect()
    }

    pub fn break_channel(&self, broken: bool) {
        if broken {
            self.dc
                .fail_channel(DEFAULT_CHANNEL_ID, Failure::ServerError(502));
        } else {
            self.dc.heal_channel(DEFAULT_CHANNEL_ID);
        }
    }

    /// The fake refuses oversize or malformed messages with a 400: none was.
    pub fn all_accepted(&self) {
        assert!(
            self.dc.requests().iter().all(|r| r.status != 400),
            "no request refused"
        );
    }
}

fn as_user(spec: InteractionSpec, who: Who) -> InteractionSpec {
    let (id, name) = user(who);
    let spec = spec.user(id, name);
    if who == Who::Impostor {
        spec.permissions(ADMIN_PERMISSIONS)
    } else {
        spec
    }
}

/// `who`'s id and username.
pub fn user(who: Who) -> (u64, &'static str) {
    match who {
        Who::Admin => (ADMIN, "ops_lead"),
        Who::Member => (MEMBER, "someone"),
        Who::Impostor => (MEMBER, "ops_lead"),
    }
}

pub fn destination() -> String {
    format!("discord:{DEFAULT_CHANNEL_ID}")
}

pub fn token() -> (&'static str, &'static str) {
    (
        TOKEN,
        TOKEN.rsplit_once('.').map_or(TOKEN, |(_, secret)| secret),
    )
}

/// Title and description of every embed, for `contains` checks.
pub fn text(embeds: &[Value]) -> String {
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

pub fn embeds(message: &Value) -> Vec<Value> {
    message["embeds"].as_array().cloned().unwrap_or_default()
}

/// The buttons of a message: label and `custom_id`.
fn buttons(message: &Value) -> Vec<(String, String)> {
    message["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| {
            Some((
                b["label"].as_str()?.to_owned(),
                b["custom_id"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

/// Discord's limits on a message: content, embeds, their fields and their total.
pub fn within_limits(answer: &Answer) {
    let callback = answer.discord.as_ref().expect("a Discord answer");
    let data = callback.data.as_ref().expect("with data");
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
