//! One integration-test binary (see toolchain notes: every test binary links the
//! whole stack, so the suites are modules of this one).

mod causes;
mod check_config;
mod check_hub;
mod check_repair;
mod check_verdicts;
mod command_core;
mod costs;
mod daemon_ladder;
mod daemon_run;
mod discord;
mod fake_discord_selftest;
mod fake_hub_selftest;
mod fake_telegram_selftest;
mod hub_client;
mod memory;
mod postgres_support;
mod reliability;
mod replicas;
mod report;
mod schedules;
mod soak;
mod store_full;
mod support;
mod telegram;
mod tokens;
mod uptime_gaps;
mod web_api;
mod web_browser;
mod web_limits;
mod web_live;
mod web_openapi;
mod web_process;
mod web_routes;
mod web_signin;
mod workflow;
