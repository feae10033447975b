//! Alert destinations that need no chat platform: the log and a JSON webhook. One file
//! per destination; Telegram and Discord live with their adapters in `chat/`.

mod log;
mod webhook;

pub use log::LogNotifier;
pub use webhook::WebhookNotifier;
