//! Long polling and the handlers: a message with a command → the command core → reply
//! (split, HTML); a button press → answered every time → the message edited. Replies
//! with a follow-up (a restart's outcome) are edited when it arrives.

use std::time::Duration;

use teloxide::payloads::{
    AnswerCallbackQuerySetters, EditMessageTextSetters, GetUpdatesSetters, SendMessageSetters,
};
use teloxide::prelude::Requester;
use teloxide::types::{
    CallbackQuery, ChatId, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions, Me,
    Message, MessageId, ParseMode, UpdateKind,
};
use teloxide::{ApiError, RequestError};
use tokio_util::sync::CancellationToken;

use super::TgBot;
use super::render::{self, TgMessage};
use crate::commands::{Actor, CommandCore, FollowUp, Platform, Reply, parse};

const POLL_TIMEOUT_SECS: u32 = 10;

/// Runs until cancelled. Telegram outages are waited out with backoff; only a refused
/// token ends it (the rest of spacewarden keeps running).
pub async fn run_telegram(
    bot: TgBot,
    core: CommandCore,
    cancel: CancellationToken,
) -> crate::supervise::PartResult {
    let Some(me) = connect(&bot, &cancel).await.map_err(|e| e.to_string())? else {
        return Ok(());
    };
    let username = me.username.clone().unwrap_or_default();
    tracing::info!(bot = %username, "telegram: connected");
    prepare(&bot, &core).await;
    let mut offset = read_offset(&core).await;
    let mut failures: u32 = 0;
    loop {
        let request = bot.get_updates().offset(offset).timeout(POLL_TIMEOUT_SECS);
        let updates = tokio::select! {
            () = cancel.cancelled() => return Ok(()),
            result = request => result,
        };
        let updates = match updates {
            Ok(updates) => {
                failures = 0;
                updates
            }
            Err(e) => {
                failures += 1;
                let wait = Duration::from_secs(u64::from(failures.min(6)).pow(2).max(1));
                tracing::warn!(error = %e, retry_in_s = wait.as_secs(), "telegram: getUpdates failed");
                tokio::select! {
                    () = cancel.cancelled() => return Ok(()),
                    () = tokio::time::sleep(wait) => {}
                }
                continue;
            }
        };
        let before = offset;
        for update in &updates {
            offset = offset.max(
                i32::try_from(update.id.0)
                    .unwrap_or(i32::MAX)
                    .saturating_add(1),
            );
        }
        // Saved before the commands run: a leader that dies mid-command leaves it
        // unanswered rather than run twice (its Hub call, if any, is resumed by polling).
        if offset != before {
            save_offset(&core, offset).await;
        }
        for update in updates {
            handle(&bot, &core, &username, update);
        }
    }
}

/// Telegram refused the bot token: final, the part stops (the rest keeps running).
#[derive(Debug, thiserror::Error)]
#[error("TELEGRAM_BOT_TOKEN was refused by Telegram")]
struct TokenRefused;

/// `getMe` until it answers (`None` when cancelled first); a refused token is final.
async fn connect(bot: &TgBot, cancel: &CancellationToken) -> Result<Option<Me>, TokenRefused> {
    loop {
        match bot.get_me().await {
            Ok(me) => return Ok(Some(me)),
            Err(RequestError::Api(ApiError::InvalidToken)) => {
                return Err(TokenRefused);
            }
            Err(e) => {
                tracing::warn!(error = %e, "telegram: getMe failed; retrying");
                tokio::select! {
                    () = cancel.cancelled() => return Ok(None),
                    () = tokio::time::sleep(Duration::from_secs(5)) => {}
                }
            }
        }
    }
}

/// The offset lives in the store: a replica that takes over (or this process after a
/// restart) starts after the updates already handled, so no command runs twice.
async fn read_offset(core: &CommandCore) -> i32 {
    match core.monitor().store().meta(OFFSET_KEY).await {
        Ok(saved) => saved
            .and_then(|saved| saved_offset(&saved, core.monitor().now()))
            .unwrap_or(0),
        Err(e) => {
            tracing::warn!(error = %e, "telegram: cannot read the saved update offset");
            0
        }
    }
}

async fn save_offset(core: &CommandCore, offset: i32) {
    let saved = format!("{offset} {}", core.monitor().now().timestamp_millis());
    if let Err(e) = core
        .monitor()
        .store()
        .set_meta_once(OFFSET_KEY, &saved)
        .await
    {
        tracing::warn!(error = %e, "telegram: cannot save the update offset");
    }
}

/// A message or a button press, each handled in a task of its own so a slow command
/// never holds up the poll.
fn handle(bot: &TgBot, core: &CommandCore, username: &str, update: teloxide::types::Update) {
    let (bot, core, username) = (bot.clone(), core.clone(), username.to_owned());
    match update.kind {
        UpdateKind::Message(message) => {
            tokio::spawn(async move { on_message(&bot, &core, &username, message).await });
        }
        UpdateKind::CallbackQuery(query) => {
            tokio::spawn(async move { on_press(&bot, &core, query).await });
        }
        _ => {}
    }
}

/// The `meta` key of the next getUpdates offset, saved as `<offset> <ms>`.
const OFFSET_KEY: &str = "telegram_offset";
/// A saved offset older than this is not used: it only matters for the last batch a
/// leader fetched but did not confirm, and Telegram picks the next update id at
/// random after a quiet week, so an old offset could skip new updates.
const OFFSET_FRESH_MS: i64 = 10 * 60 * 1000;

fn saved_offset(saved: &str, now: chrono::DateTime<chrono::Utc>) -> Option<i32> {
    let (offset, at) = saved.split_once(' ')?;
    let age = now
        .timestamp_millis()
        .checked_sub(at.parse::<i64>().ok()?)?;
    (0..OFFSET_FRESH_MS)
        .contains(&age)
        .then(|| offset.parse().ok())
        .flatten()
}

/// Drops a webhook if one is set (polling and webhooks exclude each other) and sets
/// the command menu. Failures are cosmetic: logged, never fatal.
async fn prepare(bot: &TgBot, core: &CommandCore) {
    match bot.get_webhook_info().await {
        Ok(info) if info.url.is_some() => {
            if let Err(e) = bot.delete_webhook().await {
                tracing::warn!(error = %e, "telegram: deleteWebhook failed");
            }
        }
        Ok(_) => {}
        Err(e) => tracing::warn!(error = %e, "telegram: getWebhookInfo failed"),
    }
    super::menu::set_all(bot, core).await;
}

/// The reader's language: the chat's `/lang` choice, else the user's `language_code`,
/// else `SPACEWARDEN_LANG`.
async fn reader(core: &CommandCore, user: &teloxide::types::User, chat: Option<i64>) -> Actor {
    let id = i64::try_from(user.id.0).unwrap_or(i64::MAX);
    let own = user.language_code.as_deref();
    let lang = core.reader_lang(Platform::Telegram, chat, own).await;
    let mut actor = Actor::telegram(id, chat.unwrap_or(0)).in_lang(lang);
    actor.chat_id = chat;
    actor
}

fn markup(message: &TgMessage) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(message.keyboard.iter().map(|row| {
        row.iter()
            .map(|(label, data)| InlineKeyboardButton::callback(label.clone(), data.clone()))
            .collect::<Vec<_>>()
    }))
}

/// Sends a reply (split as needed); returns the id of the last message.
async fn send(bot: &TgBot, chat: ChatId, reply: &Reply) -> Option<MessageId> {
    let mut last = None;
    for message in render::reply(reply) {
        bot.pace(chat.0).await;
        let mut request = bot
            .send_message(chat, message.html.clone())
            .parse_mode(ParseMode::Html)
            .link_preview_options(no_preview());
        if !message.keyboard.is_empty() {
            request = request.reply_markup(markup(&message));
        }
        match request.await {
            Ok(sent) => last = Some(sent.id),
            Err(e) => {
                tracing::warn!(error = %e, "telegram: sendMessage failed");
                return last;
            }
        }
    }
    last
}

/// Replaces a message's text and buttons (no buttons: the keyboard goes away).
async fn edit(bot: &TgBot, chat: ChatId, id: MessageId, reply: &Reply) {
    let message = render::single(reply);
    let mut request = bot
        .edit_message_text(chat, id, message.html.clone())
        .parse_mode(ParseMode::Html)
        .link_preview_options(no_preview());
    if !message.keyboard.is_empty() {
        request = request.reply_markup(markup(&message));
    }
    match request.await {
        Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => {}
        Err(e) => tracing::warn!(error = %e, "telegram: editMessageText failed"),
    }
}

fn no_preview() -> LinkPreviewOptions {
    LinkPreviewOptions {
        is_disabled: true,
        url: None,
        prefer_small_media: false,
        prefer_large_media: false,
        show_above_text: false,
    }
}

fn follow(bot: &TgBot, chat: ChatId, id: MessageId, follow_up: FollowUp) {
    let bot = bot.clone();
    tokio::spawn(async move {
        let outcome = follow_up.await;
        edit(&bot, chat, id, &outcome).await;
    });
}

async fn on_message(bot: &TgBot, core: &CommandCore, username: &str, message: Message) {
    let (Some(text), Some(from)) = (message.text(), message.from.as_ref()) else {
        return;
    };
    let Some(parsed) = parse(text, Some(username)) else {
        return; // not a command, or one for another bot
    };
    let actor = reader(core, from, Some(message.chat.id.0)).await;
    let response = match parsed {
        Ok(command) => core.execute(&actor, command).await,
        Err(error) => core.parse_error(&actor, text, error).await,
    };
    let sent = send(bot, message.chat.id, &response.reply).await;
    if let (Some(id), Some(follow_up)) = (sent, response.follow_up) {
        follow(bot, message.chat.id, id, follow_up);
    }
}

async fn on_press(bot: &TgBot, core: &CommandCore, query: CallbackQuery) {
    let chat = query.message.as_ref().map(|m| m.chat().id);
    let pressed = query.message.as_ref().map(|m| m.id());
    let actor = reader(core, &query.from, chat.map(|c| c.0)).await;
    let press = match (&query.data, chat) {
        (Some(data), Some(_)) => Some(core.press(&actor, data).await),
        _ => None,
    };
    let notice: String = press.as_ref().map_or_else(
        || crate::t!(actor.lang, "chat-button-invalid"),
        |p| p.notice.chars().take(190).collect(),
    );
    // Every press is answered, or the user's client keeps spinning.
    if let Err(e) = bot
        .answer_callback_query(query.id.clone())
        .text(notice)
        .await
    {
        tracing::warn!(error = %e, "telegram: answerCallbackQuery failed");
    }
    let (Some(press), Some(chat), Some(pressed)) = (press, chat, pressed) else {
        return;
    };
    if let Some(reply) = &press.edit {
        edit(bot, chat, pressed, reply).await;
    }
    let mut target = pressed;
    if let Some(reply) = &press.message
        && let Some(id) = send(bot, chat, reply).await
    {
        target = id;
    }
    if let Some(follow_up) = press.follow_up {
        follow(bot, chat, target, follow_up);
    }
}
