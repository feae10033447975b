//! Test doubles and helpers shared by the integration suites.

pub mod app;
pub mod chat;
pub mod daemon;
pub mod english;
pub mod fake_channels;
pub mod fake_discord;
pub mod fake_hub;
pub mod fake_oidc;
pub mod fake_telegram;
pub mod postgres;
pub mod process;
pub mod replicas;
pub mod soak;
pub mod web;
pub mod webhook;
