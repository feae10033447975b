//! What tests read back: messages the bot sent, its edits, callback
//! answers, command menus and every HTTP call, plus `wait_for_*` helpers
//! that wait (on tokio's clock, woken by each recorded call) until the bot
//! has done enough, and panic with what it did do when it has not.

use std::time::Duration;

use serde_json::Value;

use super::FakeTelegram;
use super::records::{CallbackAnswer, CommandSet, EditRecord, LoggedCall, SentMessage};
use super::state::State;

impl FakeTelegram {
    fn read<R>(&self, f: impl FnOnce(&State) -> R) -> R {
        f(&self.shared().lock())
    }

    /// Messages the bot sent to `chat_id`, oldest first.
    pub fn sent(&self, chat_id: i64) -> Vec<SentMessage> {
        self.read(|st| {
            st.sent
                .iter()
                .filter(|m| m.chat_id == chat_id)
                .cloned()
                .collect()
        })
    }

    pub fn all_sent(&self) -> Vec<SentMessage> {
        self.read(|st| st.sent.clone())
    }

    /// Accepted edits of messages in `chat_id`, oldest first.
    pub fn edits(&self, chat_id: i64) -> Vec<EditRecord> {
        self.read(|st| {
            st.edits
                .iter()
                .filter(|e| e.chat_id == chat_id)
                .cloned()
                .collect()
        })
    }

    /// A message's text as users see it now (after edits).
    pub fn message_text(&self, chat_id: i64, message_id: i64) -> Option<String> {
        self.read(|st| {
            st.messages
                .get(&(chat_id, message_id))
                .map(|m| m.text.clone())
        })
    }

    /// A message's inline keyboard now (`None` once an edit removed it).
    pub fn message_markup(&self, chat_id: i64, message_id: i64) -> Option<Value> {
        self.read(|st| {
            st.messages
                .get(&(chat_id, message_id))
                .and_then(|m| m.markup.clone())
        })
    }

    /// Accepted `answerCallbackQuery` calls, oldest first.
    pub fn callback_answers(&self) -> Vec<CallbackAnswer> {
        self.read(|st| st.answers.clone())
    }

    /// Callback queries pushed but never answered (the client would spin).
    pub fn unanswered_callbacks(&self) -> Vec<String> {
        self.read(|st| {
            st.callback_order
                .iter()
                .filter(|id| st.callbacks.get(*id) == Some(&false))
                .cloned()
                .collect()
        })
    }

    /// The command menus currently set, one per scope and language.
    pub fn commands(&self) -> Vec<CommandSet> {
        self.read(|st| st.commands.clone())
    }

    /// Every call received, in arrival order.
    pub fn requests(&self) -> Vec<LoggedCall> {
        self.read(|st| st.log.clone())
    }

    /// Calls of one method (any case).
    pub fn requests_to(&self, method: &str) -> Vec<LoggedCall> {
        let method = method.to_ascii_lowercase();
        self.read(|st| {
            st.log
                .iter()
                .filter(|c| c.method == method)
                .cloned()
                .collect()
        })
    }

    /// Updates Telegram would not have delivered (privacy mode, or kinds
    /// the bot left out of `allowed_updates`), with the reason.
    pub fn dropped_updates(&self) -> Vec<String> {
        self.read(|st| st.dropped.clone())
    }

    /// Updates queued and not yet confirmed by an offset.
    pub fn pending_updates(&self) -> usize {
        self.read(|st| st.queue.len())
    }

    /// Waits until the bot sent at least `n` messages to `chat_id`; returns
    /// them all.
    pub async fn wait_for_sent(
        &self,
        chat_id: i64,
        n: usize,
        timeout: Duration,
    ) -> Vec<SentMessage> {
        let what = format!("{n} message(s) sent to chat {chat_id}");
        self.wait_until(&what, timeout, |st| {
            let sent: Vec<SentMessage> = st
                .sent
                .iter()
                .filter(|m| m.chat_id == chat_id)
                .cloned()
                .collect();
            (sent.len() >= n).then_some(sent)
        })
        .await
    }

    /// Waits until at least `n` edits in `chat_id` were accepted.
    pub async fn wait_for_edit(
        &self,
        chat_id: i64,
        n: usize,
        timeout: Duration,
    ) -> Vec<EditRecord> {
        let what = format!("{n} edit(s) in chat {chat_id}");
        self.wait_until(&what, timeout, |st| {
            let edits: Vec<EditRecord> = st
                .edits
                .iter()
                .filter(|e| e.chat_id == chat_id)
                .cloned()
                .collect();
            (edits.len() >= n).then_some(edits)
        })
        .await
    }

    /// Waits until at least `n` callback queries were answered.
    pub async fn wait_for_callback_answers(
        &self,
        n: usize,
        timeout: Duration,
    ) -> Vec<CallbackAnswer> {
        let what = format!("{n} callback answer(s)");
        self.wait_until(&what, timeout, |st| {
            (st.answers.len() >= n).then(|| st.answers.clone())
        })
        .await
    }

    /// Waits until `method` (any case) was called at least `n` times.
    pub async fn wait_for_requests(
        &self,
        method: &str,
        n: usize,
        timeout: Duration,
    ) -> Vec<LoggedCall> {
        let method = method.to_ascii_lowercase();
        let what = format!("{n} call(s) of {method}");
        self.wait_until(&what, timeout, |st| {
            let calls: Vec<LoggedCall> = st
                .log
                .iter()
                .filter(|c| c.method == method)
                .cloned()
                .collect();
            (calls.len() >= n).then_some(calls)
        })
        .await
    }

    async fn wait_until<T>(
        &self,
        what: &str,
        timeout: Duration,
        check: impl Fn(&State) -> Option<T>,
    ) -> T {
        let shared = self.shared();
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = shared.activity.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            if let Some(found) = check(&shared.lock()) {
                return found;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let st = shared.lock();
                let calls: Vec<String> = st
                    .log
                    .iter()
                    .map(|c| format!("{} -> {:?}", c.method, c.status))
                    .collect();
                let sent: Vec<(i64, &str)> = st
                    .sent
                    .iter()
                    .map(|m| (m.chat_id, m.text.as_str()))
                    .collect();
                panic!(
                    "fake telegram: timed out after {timeout:?} waiting for {what}\n\
                     sent so far: {sent:?}\ncalls so far: {calls:?}\n\
                     updates not delivered: {:?}",
                    st.dropped
                );
            }
        }
    }
}
