//! The fake's memory: chats, stored messages, the update queue, injected
//! failures and everything recorded for assertions, behind one
//! `std::sync::Mutex` that is never held across an `.await`. Also how a
//! `chat_id` argument resolves to a chat, as the server resolves it.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard};

use serde_json::Value;
use tokio::sync::{Notify, oneshot};
use tokio::time::Instant;

use super::entities::Entity;
use super::limits::Limits;
use super::records::{
    CallbackAnswer, ChatSpec, CommandSet, EditRecord, LoggedCall, SentMessage, TgUser,
};
use super::reply::{ApiError, Failure};

/// Real update ids start at a random large number; a fixed one keeps runs
/// reproducible while catching code that assumes small ids.
const FIRST_UPDATE_ID: i64 = 600_000_001;

pub(crate) struct Shared {
    state: Mutex<State>,
    /// A new update was queued, a held poll was superseded, or the fake is
    /// closing: held `getUpdates` calls re-check.
    pub(crate) updates: Notify,
    /// Something was recorded: `wait_for_*` helpers re-check.
    pub(crate) activity: Notify,
    pub(crate) token: String,
    pub(crate) bot_id: i64,
    pub(crate) closed: AtomicBool,
}

impl Shared {
    pub(crate) fn new(token: &str, bot_id: i64) -> Shared {
        Shared {
            state: Mutex::new(State::new()),
            updates: Notify::new(),
            activity: Notify::new(),
            token: token.to_string(),
            bot_id,
            closed: AtomicBool::new(false),
        }
    }

    /// A panicking test thread must not poison the fake for the others.
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn touched(&self) {
        self.activity.notify_waiters();
    }
}

/// Who wrote a stored message.
#[derive(Clone, Debug)]
pub(crate) enum Sender {
    Bot,
    User(TgUser),
}

/// A message as Telegram keeps it (current content, after edits).
#[derive(Clone, Debug)]
pub(crate) struct Stored {
    pub(crate) chat_id: i64,
    pub(crate) message_id: i64,
    pub(crate) sender: Sender,
    pub(crate) date: i64,
    pub(crate) edit_date: Option<i64>,
    pub(crate) text: String,
    pub(crate) entities: Vec<Entity>,
    /// Normalized inline keyboard (the only markup a message keeps).
    pub(crate) markup: Option<Value>,
    pub(crate) link_preview: Option<Value>,
    pub(crate) thread_id: Option<i64>,
    pub(crate) reply_to: Option<i64>,
}

pub(crate) struct BotProfile {
    pub(crate) first_name: String,
    pub(crate) username: String,
    /// Privacy mode: in groups only commands reach the bot.
    pub(crate) privacy: bool,
}

/// Long-poll bookkeeping (see `updates::get_updates`).
#[derive(Default)]
pub(crate) struct Poll {
    /// The one held `getUpdates`; a newer one makes it answer 409.
    pub(crate) waiter: Option<(u64, oneshot::Sender<()>)>,
    pub(crate) next_waiter: u64,
    pub(crate) prev_offset: Option<i64>,
    pub(crate) prev_start: Option<Instant>,
    pub(crate) spin_guard: bool,
}

pub(crate) struct Queued {
    pub(crate) id: i64,
    pub(crate) body: Value,
}

pub(crate) struct MethodFailure {
    pub(crate) method: String,
    pub(crate) remaining: u32,
    pub(crate) failure: Failure,
}

pub(crate) struct State {
    pub(crate) bot: BotProfile,
    pub(crate) down: bool,
    pub(crate) strict_chats: bool,
    pub(crate) chats: BTreeMap<i64, ChatSpec>,
    pub(crate) chat_failures: HashMap<i64, Failure>,
    pub(crate) method_failures: Vec<MethodFailure>,
    pub(crate) messages: BTreeMap<(i64, i64), Stored>,
    next_message_id: HashMap<i64, i64>,
    pub(crate) queue: VecDeque<Queued>,
    /// The id the next update gets (the queue's tail).
    pub(crate) next_update_id: i64,
    /// `None`: the default set (all but chat_member and reactions).
    pub(crate) allowed_updates: Option<Vec<String>>,
    /// Updates Telegram would not deliver, with the reason (for test output).
    pub(crate) dropped: Vec<String>,
    pub(crate) poll: Poll,
    pub(crate) webhook_url: String,
    /// Callback query id → answered yet.
    pub(crate) callbacks: HashMap<String, bool>,
    pub(crate) callback_order: Vec<String>,
    next_callback: i64,
    pub(crate) sent: Vec<SentMessage>,
    pub(crate) edits: Vec<EditRecord>,
    pub(crate) answers: Vec<CallbackAnswer>,
    pub(crate) commands: Vec<CommandSet>,
    pub(crate) log: Vec<LoggedCall>,
    pub(crate) limits: Limits,
}

impl State {
    fn new() -> State {
        State {
            bot: BotProfile {
                first_name: "SpaceWarden".into(),
                username: "spacewarden_bot".into(),
                privacy: true,
            },
            down: false,
            strict_chats: false,
            chats: BTreeMap::new(),
            chat_failures: HashMap::new(),
            method_failures: Vec::new(),
            messages: BTreeMap::new(),
            next_message_id: HashMap::new(),
            queue: VecDeque::new(),
            next_update_id: FIRST_UPDATE_ID,
            allowed_updates: None,
            dropped: Vec::new(),
            poll: Poll {
                spin_guard: true,
                ..Poll::default()
            },
            webhook_url: String::new(),
            callbacks: HashMap::new(),
            callback_order: Vec::new(),
            next_callback: 0,
            sent: Vec::new(),
            edits: Vec::new(),
            answers: Vec::new(),
            commands: Vec::new(),
            log: Vec::new(),
            limits: Limits::default(),
        }
    }

    /// The chat with this id: registered, or inferred from the id's shape
    /// (and then remembered).
    pub(crate) fn chat_or_inferred(&mut self, id: i64) -> ChatSpec {
        self.chats
            .entry(id)
            .or_insert_with(|| ChatSpec::inferred(id))
            .clone()
    }

    /// Resolves a `chat_id` argument (already known to be non-empty) the
    /// way the server does: a number or an `@username`; 0, garbage, unknown
    /// usernames and chats the test marked `ChatNotFound` are "chat not
    /// found".
    pub(crate) fn resolve_chat(&mut self, arg: &str) -> Result<ChatSpec, ApiError> {
        let not_found = || ApiError::bad("chat not found");
        let arg = arg.trim();
        let spec = if let Some(name) = arg.strip_prefix('@') {
            self.chats
                .values()
                .find(|c| {
                    c.username
                        .as_deref()
                        .is_some_and(|u| u.eq_ignore_ascii_case(name))
                })
                .cloned()
                .ok_or_else(not_found)?
        } else {
            let id: i64 = arg.parse().map_err(|_| not_found())?;
            if id == 0 || (self.strict_chats && !self.chats.contains_key(&id)) {
                return Err(not_found());
            }
            self.chat_or_inferred(id)
        };
        if self.chat_failures.get(&spec.id) == Some(&Failure::ChatNotFound) {
            return Err(not_found());
        }
        Ok(spec)
    }

    /// A failure injected for this chat, other than "not found" (which
    /// `resolve_chat` answers earlier, as the server does).
    pub(crate) fn chat_failure(&self, chat: &ChatSpec) -> Result<(), ApiError> {
        match self.chat_failures.get(&chat.id) {
            Some(Failure::ChatNotFound) | None => Ok(()),
            Some(f) => Err(f.to_error(chat.kind)),
        }
    }

    /// Consumes one injected failure for `method` (lowercase), if any.
    pub(crate) fn take_method_failure(&mut self, method: &str) -> Option<Failure> {
        let i = self
            .method_failures
            .iter()
            .position(|f| f.method == method && f.remaining > 0)?;
        let f = &mut self.method_failures[i];
        f.remaining -= 1;
        let failure = f.failure.clone();
        if f.remaining == 0 {
            self.method_failures.remove(i);
        }
        Some(failure)
    }

    /// Message ids count up per chat, shared by users and the bot.
    pub(crate) fn alloc_message_id(&mut self, chat_id: i64) -> i64 {
        let next = self.next_message_id.entry(chat_id).or_insert(1);
        let id = *next;
        *next += 1;
        id
    }

    /// Queues an update of `kind` ("message", "callback_query", …) unless the
    /// bot excluded that kind with `allowed_updates`; Telegram does not keep
    /// excluded updates at all.
    pub(crate) fn queue_update(&mut self, kind: &str, payload: Value) -> Option<i64> {
        if !self.update_allowed(kind) {
            let allowed = self.allowed_updates.clone().unwrap_or_default();
            self.dropped.push(format!(
                "{kind} update: the bot's allowed_updates are {allowed:?}"
            ));
            return None;
        }
        let id = self.next_update_id;
        self.next_update_id += 1;
        let mut body = serde_json::json!({ "update_id": id });
        body[kind] = payload;
        self.queue.push_back(Queued { id, body });
        Some(id)
    }

    fn update_allowed(&self, kind: &str) -> bool {
        match &self.allowed_updates {
            Some(list) => list.iter().any(|k| k == kind),
            None => !matches!(
                kind,
                "chat_member" | "message_reaction" | "message_reaction_count"
            ),
        }
    }

    /// Callback query ids are decimal int64 strings, like the real ones.
    pub(crate) fn alloc_callback_id(&mut self) -> String {
        self.next_callback += 1;
        let id = (4_611_686_018_427_387_904_i64 + self.next_callback * 7919).to_string();
        self.callbacks.insert(id.clone(), false);
        self.callback_order.push(id.clone());
        id
    }
}
