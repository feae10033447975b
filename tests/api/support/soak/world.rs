//! What spacewarden runs against during the soak: the fake Hub with the soak's Spaces,
//! the fake Telegram Bot API and the fake Discord (each behind a `Gate`, so they can
//! also be unreachable), a webhook receiver, and two of issue 23's robots (the WeCom
//! and ntfy fakes of `fake_channels`, whose rate-limit answers the plan injects); all on 127.0.0.1. Also the
//! configuration the binary gets, and the switches for every outage.

use std::net::SocketAddr;

use super::super::app::App;
use super::super::fake_channels::{Fake, ntfy, wecom};
use super::super::fake_discord::{DEFAULT_CHANNEL_ID, DEFAULT_GUILD_ID, FakeDiscord};
use super::super::fake_hub::{FakeHub, SpaceSpec};
use super::super::fake_telegram::FakeTelegram;
use super::super::webhook::WebhookSink;
use super::gate::Gate;
use super::plan::{CRASHERS, FLAPPER, OWNER, Outage, SLEEPER, STEADY};

pub const HF_TOKEN: &str = "hf_soak_write_token";
const TG_TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
/// The private chat of the admin: alerts go there.
pub const TG_CHAT: i64 = 424_242;
const DC_TOKEN: &str = "MTEwMDAwMDAwMDAwMDAwMDAwMg.GhT4kX.s3cr3tPartOfTheDiscordBotToken_XYZ123";
const DC_ADMIN: u64 = 1_100_000_000_000_000_301;
pub const DC_CHANNEL: u64 = DEFAULT_CHANNEL_ID;
const WECOM_KEY: &str = "soak-w3c0m-k3y";
pub const NTFY_TOPIC: &str = "soak-t0pic";
const NTFY_TOKEN: &str = "tk_s0akN7fy";

/// The free-user quota; never reached by the soak's own traffic.
pub const API_QUOTA: u64 = 1000;

/// Repairs fast enough for two-second cycles, caps out of the way (the soak breaks
/// the same Spaces many times), probes that give up before the next tick.
const SETTINGS: &str = r#"
[defaults]
probe_timeout = "3s"

[repair]
poll_interval = "500ms"
timeout = "30s"
max_per_window = 100
window = "10m"
"#;

pub struct World {
    pub hub: FakeHub,
    pub telegram: FakeTelegram,
    pub discord: FakeDiscord,
    pub webhook: WebhookSink,
    pub wecom: Fake,
    pub ntfy: Fake,
    pub telegram_gate: Gate,
    pub discord_gate: Gate,
}

fn socket(url: &str) -> SocketAddr {
    url.trim_start_matches("http://")
        .parse()
        .unwrap_or_else(|e| panic!("soak: {url} is not host:port ({e})"))
}

impl World {
    pub async fn start() -> World {
        let hub = FakeHub::start().await;
        hub.add_user(OWNER, HF_TOKEN);
        for id in STEADY {
            hub.add_space(SpaceSpec::new(id));
        }
        for id in CRASHERS.into_iter().chain([FLAPPER]) {
            hub.add_space(
                SpaceSpec::new(id)
                    .error_message("Space failed to start. Exit code: 1")
                    .run_logs(vec![
                        "Traceback (most recent call last):",
                        "  File \"/home/user/app/app.py\", line 3, in <module>",
                        "RuntimeError: the soak broke this Space",
                    ]),
            );
        }
        hub.add_space(SpaceSpec::new(SLEEPER).stage("SLEEPING"));
        let telegram = FakeTelegram::start(TG_TOKEN).await;
        let discord = FakeDiscord::start(DC_TOKEN).await;
        let webhook = WebhookSink::start().await;
        let wecom = wecom::start(WECOM_KEY).await;
        let ntfy = ntfy::start(NTFY_TOPIC, Some(NTFY_TOKEN)).await;
        let telegram_gate = Gate::start(socket(&telegram.url())).await;
        let discord_gate = Gate::start(socket(&discord.url())).await;
        World {
            hub,
            telegram,
            discord,
            webhook,
            wecom,
            ntfy,
            telegram_gate,
            discord_gate,
        }
    }

    /// The binary's configuration: every Space of the owner, every destination.
    pub fn app(&self, schedule: &str) -> App {
        App::new(&self.hub)
            .env("SPACES", &format!("{OWNER}/*"))
            .env("HF_TOKEN", HF_TOKEN)
            .env("CHECK_SCHEDULE", schedule)
            // Deliveries at debug: the evidence for a lost or duplicated alert.
            .env("RUST_LOG", "info,spacewarden::alerts=debug")
            .env("ALERT_WEBHOOK_URL", &self.webhook.url())
            .env("WECOM_WEBHOOK_URL", &wecom::url(&self.wecom, WECOM_KEY))
            .env("NTFY_URL", &ntfy::url(&self.ntfy, NTFY_TOPIC))
            .env("NTFY_TOKEN", NTFY_TOKEN)
            .env("TELEGRAM_BOT_TOKEN", TG_TOKEN)
            .env("TELEGRAM_API_URL", &self.telegram_gate.url())
            .env("TELEGRAM_ADMIN_IDS", &TG_CHAT.to_string())
            .env("TELEGRAM_CHAT_IDS", &TG_CHAT.to_string())
            .env("DISCORD_BOT_TOKEN", DC_TOKEN)
            .env("DISCORD_API_URL", &self.discord_gate.url())
            .env("DISCORD_GUILD_ID", &DEFAULT_GUILD_ID.to_string())
            .env("DISCORD_ADMIN_IDS", &DC_ADMIN.to_string())
            .env("DISCORD_CHANNEL_IDS", &DC_CHANNEL.to_string())
            .settings(SETTINGS)
    }

    pub fn set_outage(&self, outage: Outage, down: bool) {
        match outage {
            Outage::TelegramBadGateway => {
                self.telegram.set_down(down);
            }
            Outage::TelegramUnreachable => self.telegram_gate.set_open(!down),
            Outage::DiscordBadGateway => self.discord.set_down(down),
            Outage::DiscordUnreachable => self.discord_gate.set_open(!down),
            Outage::WebhookError => self.webhook.set_down(down),
            // Every request gets the rate-limit answer while "down".
            Outage::WecomThrottled => self.wecom.throttle_next(if down { usize::MAX } else { 0 }),
            Outage::NtfyThrottled => self.ntfy.throttle_next(if down { usize::MAX } else { 0 }),
        }
    }

    /// Everything healthy again: no outage, no Hub fault, the usual rate limit.
    pub fn calm(&self) {
        for outage in [
            Outage::TelegramBadGateway,
            Outage::TelegramUnreachable,
            Outage::DiscordBadGateway,
            Outage::DiscordUnreachable,
            Outage::WebhookError,
            Outage::WecomThrottled,
            Outage::NtfyThrottled,
        ] {
            self.set_outage(outage, false);
        }
        self.hub.clear_faults();
        self.hub.set_rate_limit(API_QUOTA, 300);
    }
}
