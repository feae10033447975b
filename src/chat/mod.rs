//! Chat adapters: each renders `Reply` and `Alert` values in its platform's format and
//! turns the platform's updates into `Command`s for the command core. Platform crates
//! (teloxide, serenity) are imported only below this folder.

pub mod discord;
pub mod telegram;
