//! Test doubles and helpers shared by the integration suites.

pub mod app;
pub mod fake_hub;
