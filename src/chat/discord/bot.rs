//! The gateway connection and the handlers. A slash command → the command core →
//! an embed: slow commands are deferred at once and the original response edited;
//! refusals are ephemeral. Autocomplete offers watched Spaces. A button press → the
//! core's `press` → the message updated (type 7) or a new message; every press is
//! answered. Replies with a follow-up (a restart's outcome) are edited when it arrives.

use std::time::Duration;

use serenity::all::{
    AutocompleteChoice, Client, ClientBuilder, CommandInteraction, ComponentInteraction, Context,
    CreateAutocompleteResponse, CreateInteractionResponse, CreateInteractionResponseFollowup,
    CreateInteractionResponseMessage, EditInteractionResponse, EventHandler, GatewayIntents,
    GuildId, Interaction, Ready,
};
use serenity::async_trait;
use tokio_util::sync::CancellationToken;

use super::render::{self, DcMessage};
use super::{commands, components, embed};
use crate::commands::{
    Actor, ButtonAction, CommandCore, FollowUp, Platform, Press, Reply, Severity,
};
use crate::config::Discord;

/// Autocomplete answers at most this many choices (Discord's limit).
const MAX_CHOICES: usize = 25;

/// Runs until cancelled. Only a refused token or a gateway that closes for good
/// ends it (the rest of spacewarden keeps running). The gateway is started only
/// after a REST call to `DISCORD_API_URL` succeeded: if serenity's own gateway lookup
/// failed it would fall back to Discord's real gateway.
pub async fn run_discord(
    config: Discord,
    core: CommandCore,
    cancel: CancellationToken,
) -> crate::supervise::PartResult {
    let http = super::http(&config);
    let me = loop {
        let check = async {
            let me = http.get_current_user().await?;
            http.get_gateway().await?;
            Ok::<_, serenity::Error>(me)
        };
        let result = tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            result = check => result,
        };
        match result {
            Ok(me) => break me,
            Err(e) if status(&e).is_some_and(|s| s == 401 || s == 403) => {
                return Err("DISCORD_BOT_TOKEN was refused by Discord".into());
            }
            Err(e) => {
                tracing::warn!(error = %short(&e), "discord: REST check failed; retrying");
                tokio::select! {
                    () = cancel.cancelled() => return Ok(()),
                    () = tokio::time::sleep(Duration::from_secs(5)) => {}
                }
            }
        }
    };
    tracing::info!(bot = %me.name, "discord: REST reachable; connecting to the gateway");
    let handler = Handler {
        core,
        guild: config.guild_id,
    };
    // Slash commands need no intent at all; GUILDS keeps the session meaningful.
    let client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(handler)
        .await;
    let mut client: Client = client.map_err(|e| format!("cannot build the client: {e}"))?;
    let shards = client.shard_manager.clone();
    tokio::select! {
        () = cancel.cancelled() => {
            shards.shutdown_all().await;
            Ok(())
        }
        result = client.start() => match result {
            Ok(()) => Err("the gateway connection ended".into()),
            Err(e) => Err(format!("gateway: {e}").into()),
        },
    }
}

/// The HTTP status of a failed REST call.
pub(super) fn status(error: &serenity::Error) -> Option<u16> {
    match error {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) => {
            Some(response.status_code.as_u16())
        }
        _ => None,
    }
}

/// An error without the request URL (interaction tokens are in webhook URLs).
fn short(error: &serenity::Error) -> String {
    match error {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(response)) => {
            format!(
                "{} {} ({})",
                response.status_code.as_u16(),
                response.error.message,
                response.error.code
            )
        }
        serenity::Error::Http(serenity::http::HttpError::Request(e)) => {
            let why = if e.is_connect() {
                "cannot connect"
            } else if e.is_timeout() {
                "timed out"
            } else {
                "transport error"
            };
            format!("request failed: {why}")
        }
        other => other.to_string(),
    }
}

struct Handler {
    core: CommandCore,
    guild: Option<u64>,
}

#[async_trait]
impl EventHandler for Handler {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(bot = %ready.user.name, "discord: connected");
        // A bulk overwrite is idempotent: every READY re-registers the same list.
        let definitions = commands::definitions();
        let result = match self.guild {
            Some(guild) => GuildId::new(guild)
                .set_commands(&ctx.http, definitions)
                .await
                .map(|_| ()),
            None => serenity::all::Command::set_global_commands(&ctx.http, definitions)
                .await
                .map(|_| ()),
        };
        match result {
            Ok(()) => tracing::info!(guild = ?self.guild, "discord: slash commands registered"),
            Err(e) => {
                tracing::warn!(error = %short(&e), "discord: registering slash commands failed")
            }
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        match interaction {
            Interaction::Command(command) => on_command(&ctx, &self.core, command).await,
            Interaction::Autocomplete(request) => on_autocomplete(&ctx, &self.core, request).await,
            Interaction::Component(press) => on_press(&ctx, &self.core, press).await,
            _ => {}
        }
    }
}

fn actor(user: u64, channel: u64) -> Actor {
    Actor::discord(user, channel)
}

/// The reader: the channel's `/lang` choice, else the interaction's `locale` (the
/// user's client language), else `SPACEWARDEN_LANG`.
async fn reader(core: &CommandCore, user: u64, channel: u64, locale: &str) -> Actor {
    let actor = actor(user, channel);
    let own = Some(locale).filter(|l| !l.is_empty());
    let lang = core
        .reader_lang(Platform::Discord, actor.chat_id, own)
        .await;
    actor.in_lang(lang)
}

fn message(reply: &Reply) -> CreateInteractionResponseMessage {
    let rendered = render::reply(reply);
    CreateInteractionResponseMessage::new()
        .embed(embed(&rendered))
        .components(components(&rendered))
}

fn edit(rendered: &DcMessage) -> EditInteractionResponse {
    EditInteractionResponse::new()
        .embed(embed(rendered))
        .components(components(rendered))
}

pub(super) fn options(command: &CommandInteraction) -> Vec<(String, String)> {
    command
        .data
        .options
        .iter()
        .filter_map(|o| {
            let value = match &o.value {
                serenity::all::CommandDataOptionValue::String(s) => s.clone(),
                serenity::all::CommandDataOptionValue::Integer(i) => i.to_string(),
                _ => return None,
            };
            Some((o.name.clone(), value))
        })
        .collect()
}

async fn on_command(ctx: &Context, core: &CommandCore, interaction: CommandInteraction) {
    let actor = reader(
        core,
        interaction.user.id.get(),
        interaction.channel_id.get(),
        &interaction.locale,
    )
    .await;
    let name = &interaction.data.name;
    let command = match commands::to_command(name, &options(&interaction)) {
        Some(Ok(command)) => command,
        Some(Err(error)) => {
            let response = core.parse_error(&actor, &format!("/{name}"), error).await;
            respond(ctx, &interaction, message(&response.reply).ephemeral(true)).await;
            return;
        }
        None => {
            let reply = Reply::error(crate::t!(actor.lang, "chat-unknown-command"));
            respond(ctx, &interaction, message(&reply).ephemeral(true)).await;
            return;
        }
    };
    let allowed = core.access().authorize(&actor, command.spec()).is_ok();
    if allowed && command.spec().slow {
        // The 3-second rule: "thinking…" now, the outcome as an edit.
        let deferred = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
        if let Err(e) = interaction.create_response(&ctx.http, deferred).await {
            tracing::warn!(error = %short(&e), "discord: deferring failed");
            return;
        }
        let response = core.execute(&actor, command).await;
        edit_original(ctx, &interaction, &render::reply(&response.reply)).await;
        if let Some(follow_up) = response.follow_up {
            follow(ctx, interaction, follow_up);
        }
        return;
    }
    let response = core.execute(&actor, command).await;
    // Refusals (audited by the core) are shown only to the one who asked.
    let reply = message(&response.reply).ephemeral(!allowed);
    respond(ctx, &interaction, reply).await;
    if let Some(follow_up) = response.follow_up {
        follow(ctx, interaction, follow_up);
    }
}

async fn respond(
    ctx: &Context,
    interaction: &CommandInteraction,
    message: CreateInteractionResponseMessage,
) {
    let response = CreateInteractionResponse::Message(message);
    if let Err(e) = interaction.create_response(&ctx.http, response).await {
        tracing::warn!(error = %short(&e), "discord: answering a command failed");
    }
}

async fn edit_original(ctx: &Context, interaction: &CommandInteraction, rendered: &DcMessage) {
    if let Err(e) = interaction.edit_response(&ctx.http, edit(rendered)).await {
        tracing::warn!(error = %short(&e), "discord: editing a response failed");
    }
}

fn follow(ctx: &Context, interaction: CommandInteraction, follow_up: FollowUp) {
    let ctx = ctx.clone();
    tokio::spawn(async move {
        let outcome = follow_up.await;
        edit_original(&ctx, &interaction, &render::reply(&outcome)).await;
    });
}

/// Choices for a `space` option: watched Spaces containing what was typed
/// (case-insensitively), at most 25.
pub(super) async fn choices(core: &CommandCore, typed: &str) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    match crate::view::watched_states(core.monitor()).await {
        Ok(states) => states
            .into_iter()
            .map(|s| s.space.to_string())
            .filter(|s| s.to_lowercase().contains(&typed))
            .take(MAX_CHOICES)
            .collect(),
        Err(e) => {
            tracing::error!(error = %e, "discord: cannot list Spaces for autocomplete");
            Vec::new()
        }
    }
}

async fn on_autocomplete(ctx: &Context, core: &CommandCore, request: CommandInteraction) {
    let typed = request
        .data
        .autocomplete()
        .map(|o| o.value.to_owned())
        .unwrap_or_default();
    // The watch list is shown only to those who may read it.
    let actor = actor(request.user.id.get(), request.channel_id.get());
    let list = if core.access().can_read(&actor) {
        choices(core, &typed).await
    } else {
        Vec::new()
    };
    let response = CreateAutocompleteResponse::new().set_choices(
        list.into_iter()
            .map(|s| AutocompleteChoice::new(s.clone(), s))
            .collect(),
    );
    if let Err(e) = request
        .create_response(&ctx.http, CreateInteractionResponse::Autocomplete(response))
        .await
    {
        tracing::warn!(error = %short(&e), "discord: answering autocomplete failed");
    }
}

async fn on_press(ctx: &Context, core: &CommandCore, interaction: ComponentInteraction) {
    let actor = reader(
        core,
        interaction.user.id.get(),
        interaction.channel_id.get(),
        &interaction.locale,
    )
    .await;
    let data = &interaction.data.custom_id;
    // Fetching logs may take longer than 3 seconds: "thinking…" first (only for an
    // admin, so a refusal stays ephemeral).
    if matches!(ButtonAction::decode(data), Some(ButtonAction::Logs(_)))
        && core.access().is_admin(&actor)
    {
        return on_logs_press(ctx, core, &actor, &interaction).await;
    }
    let press = core.press(&actor, data).await;
    let (first, follow_target_is_followup) = first_response(&press);
    if let Err(e) = interaction.create_response(&ctx.http, first).await {
        tracing::warn!(error = %short(&e), "discord: answering a button failed");
        return;
    }
    let mut followup_id = None;
    if follow_target_is_followup && let Some(reply) = &press.message {
        let rendered = render::reply(reply);
        let followup = CreateInteractionResponseFollowup::new()
            .embed(embed(&rendered))
            .components(components(&rendered));
        match interaction.create_followup(&ctx.http, followup).await {
            Ok(sent) => followup_id = Some(sent.id),
            Err(e) => tracing::warn!(error = %short(&e), "discord: a followup failed"),
        }
    }
    let Some(follow_up) = press.follow_up else {
        return;
    };
    if press.edit.is_none() && press.message.is_none() {
        return;
    }
    let ctx = ctx.clone();
    tokio::spawn(
        async move { edit_with_outcome(&ctx, &interaction, follow_up, followup_id).await },
    );
}

/// A Logs press by an admin: deferred, then the logs in the edited response.
async fn on_logs_press(
    ctx: &Context,
    core: &CommandCore,
    actor: &Actor,
    interaction: &ComponentInteraction,
) {
    let deferred = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
    if let Err(e) = interaction.create_response(&ctx.http, deferred).await {
        tracing::warn!(error = %short(&e), "discord: deferring a button failed");
        return;
    }
    let press = core.press(actor, &interaction.data.custom_id).await;
    let reply = press
        .message
        .unwrap_or_else(|| Reply::new(Severity::Info, press.notice));
    let rendered = render::reply(&reply);
    if let Err(e) = interaction.edit_response(&ctx.http, edit(&rendered)).await {
        tracing::warn!(error = %short(&e), "discord: editing a response failed");
    }
}

/// Every press is answered: the pressed message updated (type 7), a new message
/// (type 4), or an ephemeral notice. `true`: the new message goes in a followup,
/// since the first answer updated the pressed one.
fn first_response(press: &Press) -> (CreateInteractionResponse, bool) {
    match (&press.edit, &press.message) {
        (Some(reply), _) => (
            CreateInteractionResponse::UpdateMessage(message(reply)),
            press.message.is_some(),
        ),
        (None, Some(reply)) => (CreateInteractionResponse::Message(message(reply)), false),
        (None, None) => {
            let notice = Reply::new(Severity::Info, press.notice.clone());
            (
                CreateInteractionResponse::Message(message(&notice).ephemeral(true)),
                false,
            )
        }
    }
}

/// Edits the followup (or the response) with the outcome once it arrives.
async fn edit_with_outcome(
    ctx: &Context,
    interaction: &ComponentInteraction,
    follow_up: FollowUp,
    followup_id: Option<serenity::all::MessageId>,
) {
    let outcome = render::reply(&follow_up.await);
    let result = match followup_id {
        Some(id) => interaction
            .edit_followup(
                &ctx.http,
                id,
                CreateInteractionResponseFollowup::new()
                    .embed(embed(&outcome))
                    .components(components(&outcome)),
            )
            .await
            .map(|_| ()),
        None => interaction
            .edit_response(&ctx.http, edit(&outcome))
            .await
            .map(|_| ()),
    };
    if let Err(e) = result {
        tracing::warn!(error = %short(&e), "discord: editing with the outcome failed");
    }
}
