//! Chat adapters: each renders `Reply` and `Alert` values in its platform's format and
//! turns the platform's updates into `Command`s for the command core. Platform crates
//! (teloxide, serenity) are imported only below this folder and, for sending alerts, in
//! their destination file under `alerts/destinations/` (which borrows the rendering
//! and the Telegram client from here; nothing here imports a destination).

pub mod discord;
pub mod telegram;

use crate::domain::Verdict;

/// The emoji shown beside a verdict in every chat.
pub fn verdict_emoji(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Up => "🟢",
        Verdict::Down => "🔴",
        Verdict::Degraded => "🟠",
        Verdict::BrokenConfig => "⛔",
        Verdict::Starting => "🔵",
        Verdict::Sleeping => "💤",
        Verdict::Paused => "⏸",
        Verdict::UnknownStage => "❔",
        Verdict::Unreachable => "⚪",
    }
}
