//! The Discord adapter (serenity): a gateway connection with no privileged intents,
//! slash commands (autocompleted Space options, deferred replies for slow work,
//! confirmation and paging buttons) through the command core, replies as embeds,
//! alerts through `alerts::destinations::DiscordNotifier` (which borrows `render`,
//! `embed` and `components` from here). Enabled by `DISCORD_BOT_TOKEN`, talking REST to
//! `DISCORD_API_URL`.
//!
//! serenity's `Http` holds the token and prints it in `Debug`: nothing here derives
//! `Debug`, and the `serenity` log targets are capped at `info` (see `telemetry`).

mod bot;
pub(crate) mod commands; // `crate::fuzzing` reaches `decode_interaction`
pub mod render;

use secrecy::ExposeSecret;
use serenity::all::{
    ButtonStyle as DcStyle, CreateActionRow, CreateButton, CreateEmbed, Http, HttpBuilder,
};

use crate::commands::ButtonStyle;
use crate::config::Discord;

pub use bot::run_discord;
use render::DcMessage;

/// Whether `config` points at Discord itself (serenity's defaults apply) or at another
/// host (a test double or a proxy): then every REST call goes there.
fn is_default_host(config: &Discord) -> bool {
    config.api_url.host_str() == Some("discord.com")
}

/// The REST base without a trailing slash, e.g. `https://discord.com`.
pub(crate) fn api_base(config: &Discord) -> String {
    config.api_url.as_str().trim_end_matches('/').to_owned()
}

/// serenity's REST client for `config`. With another host than Discord's the rate
/// limiter is off, because serenity ignores the proxy while it is on (serenity
/// #1739); 429s then come back as errors and are handled by the caller.
fn http(config: &Discord) -> Http {
    let builder = HttpBuilder::new(config.token.expose_secret());
    if is_default_host(config) {
        builder.build()
    } else {
        builder
            .proxy(api_base(config))
            .ratelimiter_disabled(true)
            .build()
    }
}

pub(crate) fn embed(message: &DcMessage) -> CreateEmbed {
    let mut embed = CreateEmbed::new()
        .title(message.title.clone())
        .colour(message.colour);
    if !message.description.is_empty() {
        embed = embed.description(message.description.clone());
    }
    for (name, value) in &message.fields {
        embed = embed.field(name.clone(), value.clone(), true);
    }
    embed
}

pub(crate) fn components(message: &DcMessage) -> Vec<CreateActionRow> {
    message
        .rows
        .iter()
        .map(|row| {
            CreateActionRow::Buttons(
                row.iter()
                    .map(|b| {
                        CreateButton::new(b.custom_id.clone())
                            .label(b.label.clone())
                            .style(match b.style {
                                ButtonStyle::Primary => DcStyle::Primary,
                                ButtonStyle::Secondary => DcStyle::Secondary,
                                ButtonStyle::Danger => DcStyle::Danger,
                            })
                    })
                    .collect(),
            )
        })
        .collect()
}
