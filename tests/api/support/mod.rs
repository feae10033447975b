//! Test doubles and helpers shared by the integration suites.

pub mod app;
pub mod daemon;
pub mod fake_hub;
pub mod process;
pub mod webhook;
