//! What users do: write a message, press an inline button. Each queues the
//! update Telegram would deliver (and wakes a held `getUpdates`).
//!
//! - Messages get `bot_command` entities where Telegram finds commands,
//!   including `/cmd@BotName`.
//! - Privacy mode (on by default): in groups and supergroups only messages
//!   that start with a command for this bot (`/cmd`, or `/cmd@<this bot>`)
//!   are delivered; others return `None`, as the bot would never see them.
//!   Choice where the docs are silent: the "last bot to write in the group"
//!   and "replies to the bot" rules are not modelled.
//! - A callback query carries the message as it is now (after edits), with
//!   a real `date` (0 would mean "inaccessible" to teloxide), a stable
//!   `chat_instance` per chat and a decimal int64 `id`. Pressing a button
//!   the message does not have is a test bug and panics, unless
//!   `push_callback_unchecked` is used (stale or forged presses).

use serde_json::json;

use super::FakeTelegram;
use super::entities::{Kind, find_bot_commands};
use super::markup::callback_data;
use super::messages::now_unix;
use super::records::{ChatKind, ChatSpec, TgUser};
use super::render::{message_json, user_json};
use super::state::{Sender, State, Stored};

/// Does the text start with a command meant for this bot?
fn for_this_bot(text: &str, bot_username: &str) -> bool {
    let Some(first) = find_bot_commands(text).into_iter().next() else {
        return false;
    };
    if first.offset != 0 {
        return false;
    }
    // A command is ASCII, so its UTF-16 length is its byte length.
    let command = &text[..usize::try_from(first.length).unwrap_or(0)];
    match command.split_once('@') {
        Some((_, bot)) => bot.eq_ignore_ascii_case(bot_username),
        None => true,
    }
}

impl FakeTelegram {
    /// `from` writes `text` in `chat_id` (for a private chat, `chat_id` must
    /// be `from.id`). Returns the update id, or `None` when Telegram would
    /// not deliver it (privacy mode, or excluded by `allowed_updates`).
    pub fn push_message(&self, chat_id: i64, from: &TgUser, text: &str) -> Option<i64> {
        let shared = self.shared();
        let mut st = shared.lock();
        let mut chat = st.chat_or_inferred(chat_id);
        if chat.kind == ChatKind::Private {
            assert_eq!(
                chat_id, from.id,
                "fake telegram: a private chat's id is its user's id"
            );
            chat = ChatSpec::private(from);
            st.chats.insert(chat_id, chat.clone());
        }
        let bot_username = st.bot.username.clone();
        if chat.kind != ChatKind::Private && st.bot.privacy && !for_this_bot(text, &bot_username) {
            st.dropped
                .push(format!("message {text:?} in chat {chat_id}: privacy mode"));
            return None;
        }
        let message_id = st.alloc_message_id(chat_id);
        let stored = Stored {
            chat_id,
            message_id,
            sender: Sender::User(from.clone()),
            date: now_unix(),
            edit_date: None,
            text: text.to_string(),
            entities: find_bot_commands(text)
                .into_iter()
                .filter(|e| e.kind == Kind::BotCommand)
                .collect(),
            markup: None,
            link_preview: None,
            thread_id: None,
            reply_to: None,
        };
        let payload = message_json(&st, shared.bot_id, &stored, true);
        st.messages.insert((chat_id, message_id), stored);
        let id = st.queue_update("message", payload);
        drop(st);
        shared.updates.notify_waiters();
        shared.touched();
        id
    }

    /// `from` presses the button with `data` on the bot's message
    /// `message_id` in `chat_id`. Returns the callback query id. Panics if
    /// the message (as it is now) has no such button. If the bot's
    /// `allowed_updates` exclude callback queries the press is lost, as on
    /// Telegram (see `dropped_updates`).
    pub fn push_callback(
        &self,
        chat_id: i64,
        message_id: i64,
        from: &TgUser,
        data: &str,
    ) -> String {
        self.press(chat_id, message_id, from, data, true)
    }

    /// Like `push_callback` without checking the current keyboard: a press
    /// on a button an edit already removed, or forged data.
    pub fn push_callback_unchecked(
        &self,
        chat_id: i64,
        message_id: i64,
        from: &TgUser,
        data: &str,
    ) -> String {
        self.press(chat_id, message_id, from, data, false)
    }

    fn press(
        &self,
        chat_id: i64,
        message_id: i64,
        from: &TgUser,
        data: &str,
        check: bool,
    ) -> String {
        let shared = self.shared();
        let mut st = shared.lock();
        let message = current(&st, chat_id, message_id);
        if check {
            let buttons = message
                .markup
                .as_ref()
                .map(callback_data)
                .unwrap_or_default();
            assert!(
                buttons.iter().any(|b| b == data),
                "fake telegram: message {chat_id}/{message_id} has no button with callback_data \
                 {data:?} (its buttons now: {buttons:?}); use push_callback_unchecked for stale \
                 or forged presses"
            );
        }
        let id = st.alloc_callback_id();
        let payload = json!({
            "id": id,
            "from": user_json(from),
            "message": message_json(&st, shared.bot_id, &message, true),
            "chat_instance": chat_instance(chat_id),
            "data": data,
        });
        st.queue_update("callback_query", payload);
        drop(st);
        shared.updates.notify_waiters();
        shared.touched();
        id
    }
}

fn current(st: &State, chat_id: i64, message_id: i64) -> Stored {
    let message = st
        .messages
        .get(&(chat_id, message_id))
        .unwrap_or_else(|| panic!("fake telegram: no message {message_id} in chat {chat_id}"))
        .clone();
    assert!(
        matches!(message.sender, Sender::Bot),
        "fake telegram: inline buttons exist only on the bot's messages"
    );
    message
}

/// A stable, opaque per-chat token, like Telegram's.
fn chat_instance(chat_id: i64) -> String {
    (chat_id.wrapping_mul(6_364_136_223_846_793_005) ^ 0x5bd1_e995).to_string()
}
