//! `Chat`'s Telegram side: the fake Bot API, an admin writing privately, a member in
//! the allowed supergroup (where alerts go too), a stranger with the admin's username.

use super::{Answer, Place, Posted, WAIT, Who};
use crate::support::app::App;
use crate::support::fake_telegram::{ChatSpec, FakeTelegram, SentMessage, TgUser};

const TOKEN: &str = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
pub const ADMIN: i64 = 1111;
pub const MEMBER: i64 = 2222;
pub const STRANGER: i64 = 3333;
/// The allowed supergroup: members read here, alerts arrive here.
pub const GROUP: i64 = -1001234567890;
/// Telegram's limit on a message's text.
const MAX_TEXT: usize = 4096;

pub(super) struct TgSide {
    pub tg: FakeTelegram,
}

impl TgSide {
    pub async fn start() -> TgSide {
        let tg = FakeTelegram::start(TOKEN).await;
        tg.add_chat(ChatSpec::supergroup(GROUP, "ops"));
        TgSide { tg }
    }

    pub fn env(&self, app: App) -> App {
        app.env("TELEGRAM_BOT_TOKEN", TOKEN)
            .env("TELEGRAM_API_URL", &self.tg.url())
            .env("TELEGRAM_ADMIN_IDS", &ADMIN.to_string())
            .env("TELEGRAM_CHAT_IDS", &GROUP.to_string())
    }

    /// Sends the command where `who` writes and waits for the next message there.
    pub async fn ask(&self, who: Who, command: &str) -> Answer {
        let (chat, user) = user(who);
        // In a group, privacy mode lets through only commands addressed to the bot.
        let command = match (chat == GROUP, command.split_once(' ')) {
            (false, _) => command.to_owned(),
            (true, Some((name, rest))) => format!("{name}@spacewarden_bot {rest}"),
            (true, None) => format!("{command}@spacewarden_bot"),
        };
        let before = self.tg.sent(chat).len();
        self.tg.push_message(chat, &user, &command);
        let sent = self.tg.wait_for_sent(chat, before + 1, WAIT).await;
        answer_of(sent[before].clone())
    }

    /// Presses a button and waits for its answer and the message as the press
    /// edited it.
    pub async fn press(&self, who: Who, answer: &Answer, label: &str) -> Answer {
        let Place::Telegram { chat, message_id } = answer.place else {
            unreachable!("a Telegram answer")
        };
        let data = data_of(answer, label);
        let (answers, edits) = (self.tg.callback_answers().len(), self.tg.edits(chat).len());
        self.tg.push_callback(chat, message_id, &user(who).1, &data);
        self.tg.wait_for_callback_answers(answers + 1, WAIT).await;
        let edit = self.tg.wait_for_edit(chat, edits + 1, WAIT).await[edits].clone();
        let sent = SentMessage {
            raw_text: edit.raw_text.unwrap_or_default(),
            parse_mode: edit.parse_mode,
            text: edit.text.unwrap_or_default(),
            reply_markup: edit.reply_markup,
            ..answer.telegram.clone().expect("the message pressed")
        };
        answer_of(sent)
    }

    /// Alerts go to the group; in these tests nobody asks there while alerts arrive.
    pub fn alerts(&self) -> Vec<Posted> {
        self.tg
            .sent(GROUP)
            .into_iter()
            .map(|m| Posted {
                text: m.text.clone(),
                loud: !m.disable_notification,
                buttons: buttons(&m).into_iter().map(|(label, _)| label).collect(),
                discord: None,
            })
            .collect()
    }

    /// The fake parses every message like Telegram and refuses bad ones, so what it
    /// recorded was accepted; the size limit is checked on all of them.
    pub fn all_accepted(&self) {
        for message in self.tg.all_sent() {
            assert!(message.raw_text.chars().count() <= MAX_TEXT);
        }
    }
}

fn answer_of(sent: SentMessage) -> Answer {
    Answer {
        text: sent.text.clone(),
        private: false,
        deferred: false,
        buttons: buttons(&sent),
        place: Place::Telegram {
            chat: sent.chat_id,
            message_id: sent.message_id,
        },
        telegram: Some(sent),
        discord: None,
    }
}

/// The inline keyboard's buttons: label and callback data.
fn buttons(message: &SentMessage) -> Vec<(String, String)> {
    let Some(markup) = &message.reply_markup else {
        return Vec::new();
    };
    markup["inline_keyboard"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row.as_array().cloned().unwrap_or_default())
        .filter_map(|b| {
            Some((
                b["text"].as_str()?.to_owned(),
                b["callback_data"].as_str()?.to_owned(),
            ))
        })
        .collect()
}

fn data_of(answer: &Answer, label: &str) -> String {
    answer
        .buttons
        .iter()
        .find(|(l, _)| l == label)
        .map(|(_, data)| data.clone())
        .unwrap_or_else(|| panic!("no button {label} in {:?}", answer.buttons))
}

/// Where `who` writes, and as whom.
pub fn user(who: Who) -> (i64, TgUser) {
    match who {
        Who::Admin => (ADMIN, TgUser::named(ADMIN, "ops_lead")),
        Who::Member => (GROUP, TgUser::named(MEMBER, "someone")),
        Who::Impostor => (STRANGER, TgUser::named(STRANGER, "ops_lead")),
    }
}

pub fn destination() -> String {
    format!("telegram:{GROUP}")
}

pub fn within_limits(answer: &Answer) {
    let sent = answer.telegram.as_ref().expect("a message");
    assert!(sent.raw_text.chars().count() <= MAX_TEXT);
}

pub fn token() -> (&'static str, &'static str) {
    (
        TOKEN,
        TOKEN.split_once(':').map_or(TOKEN, |(_, secret)| secret),
    )
}
