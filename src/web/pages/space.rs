//! `GET /space/{owner}/{name}`: one Space: its state, uptime bar, the CPU/memory
//! sparklines of the last live-metrics samples read (by `/metrics` in chat), its
//! incident history, actions and latest checks. Read-only: no buttons.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::layout::page;
use super::parts::{bar_average, clock, pct, span, sparkline, uptime_bar, verdict_badge, when};
use super::site::Site;
use super::status::{actions_table, incidents_table};
use crate::store::{ActionRow, CheckRow, DayUptime, IncidentRow};
use crate::web::Sample;
use crate::web::overview::SpaceRow;

pub(super) struct SpaceData {
    pub now: DateTime<Utc>,
    pub row: SpaceRow,
    pub app_url: Option<String>,
    pub bar: Vec<DayUptime>,
    pub samples: Vec<Sample>,
    pub incidents: Vec<IncidentRow>,
    pub actions: Vec<ActionRow>,
    pub checks: Vec<CheckRow>,
    pub site: Site,
}

fn gib(bytes: u64) -> String {
    format!("{:.2} GiB", bytes as f64 / (1u64 << 30) as f64)
}

fn metrics(d: &SpaceData) -> Markup {
    let Some(last) = d.samples.last() else {
        return html! {
            p.empty { "No live metrics read yet. They appear here after /metrics "
                (d.row.id.to_string()) " is asked in chat." }
        };
    };
    let cpu: Vec<f64> = d.samples.iter().map(|s| s.cpu_pct).collect();
    let memory: Vec<f64> = d.samples.iter().map(|s| s.memory_used as f64).collect();
    let total = d.samples.iter().map(|s| s.memory_total).max().unwrap_or(0) as f64;
    html! {
        div.spark {
            div.card {
                div.card-head { span { "CPU" } span.now { (format!("{:.0} %", last.cpu_pct)) } }
                (sparkline(&cpu, 100.0, "CPU usage, last samples"))
            }
            div.card {
                div.card-head {
                    span { "Memory" }
                    span.now { (gib(last.memory_used)) " / " (gib(last.memory_total)) }
                }
                (sparkline(&memory, total, "Memory used, last samples"))
            }
        }
        p.summary { (d.samples.len()) " samples, the last read " (when(d.now, last.at)) }
    }
}

fn checks_table(checks: &[CheckRow]) -> Markup {
    html! {
        @if checks.is_empty() {
            p.empty { "No checks stored." }
        } @else {
            div.table-wrap { table {
                thead { tr { th { "When" } th { "Stage" } th { "Verdict" } th { "Probe" } th { "Error" } } }
                tbody { @for c in checks { tr {
                    td { (clock(c.at())) }
                    td.mono { (c.stage.as_deref().unwrap_or("–")) }
                    td { span class={ "badge v-" (c.verdict) } { (c.verdict.replace('_', " ")) } }
                    td { @match (c.probe_status, c.probe_latency_ms) {
                        (Some(status), Some(ms)) => { (status) " in " (format!("{ms:.0}")) " ms" }
                        (None, Some(ms)) => { "no answer (" (format!("{ms:.0}")) " ms)" }
                        _ => { "–" }
                    } }
                    td.wrap { (c.error.as_deref().unwrap_or("–")) }
                } } }
            } }
        }
    }
}

pub(super) fn render(d: &SpaceData) -> Markup {
    let name = d.row.id.to_string();
    let state = d.row.state.as_ref();
    page(
        d.site,
        &name,
        d.now,
        html! {
            p { a href=(d.site.home()) { "← all Spaces" } }
            div.card-head { h1 { (name) } (verdict_badge(state.map(|s| s.verdict))) }
            dl.facts {
                div { dt { "Stage" } dd.mono { (state.and_then(|s| s.stage.as_ref()).map_or("–", |s| s.as_str())) } }
                div { dt { "In stage since" } dd { @if let Some(at) = state.and_then(|s| s.stage_since) { (when(d.now, at)) } @else { "–" } } }
                div { dt { "Hardware" } dd { (state.and_then(|s| s.hardware.as_deref()).unwrap_or("–")) } }
                div { dt { "Last check" } dd { @if let Some(s) = state { (when(d.now, s.last_check)) } @else { "–" } } }
                div { dt { "Uptime 24 h" } dd { (pct(d.row.uptime.h24)) } }
                div { dt { "Uptime 7 d" } dd { (pct(d.row.uptime.d7)) } }
                div { dt { "Uptime 30 d" } dd { (pct(d.row.uptime.d30)) } }
                div { dt { "Last keep-alive visit" } dd { @if let Some(at) = state.and_then(|s| s.last_visit) { (when(d.now, at)) } @else { "–" } } }
                @if let Some(url) = &d.app_url {
                    div.wide { dt { "App" } dd { a href=(url) rel="noopener noreferrer" { (url) } } }
                }
                @if state.is_some_and(|s| s.gave_up) {
                    div { dt { "Repairs" } dd { "gave up: needs a human" } }
                }
                @if let Some(until) = state.and_then(|s| s.muted_until).filter(|u| *u > d.now) {
                    div { dt { "Alerts muted" } dd { "until " (when(d.now, until)) } }
                }
            }
            @if let Some(cause) = state.and_then(|s| s.cause.as_ref()) {
                div.card.alert {
                    strong { "Cause: " span.mono { (cause.code.as_str()) } } " — " (cause.summary)
                    @if !cause.evidence.is_empty() { p.mono { (cause.evidence) } }
                }
            }
            @if let Some(error) = state.and_then(|s| s.error.as_deref()) {
                p.error { (error) }
            }
            @if let Some(i) = &d.row.incident {
                div.card.alert {
                    strong { "Open incident" } " since " (when(d.now, i.opened())) " (" (span(i.duration(d.now))) ")"
                    @if let Some(cause) = &i.cause { p.error { (cause) } }
                }
            }
            h2 { "Uptime, last 90 days" }
            div.card { (uptime_bar(&d.bar, bar_average(&d.bar))) }
            // A static report has no samples: they live in the daemon's memory.
            @if d.site.is_live() {
                h2 { "Live metrics" }
                (metrics(d))
            }
            h2 { "Incidents" }
            (incidents_table(d.site, d.now, &d.incidents, false))
            h2 { "Actions" }
            (actions_table(d.site, d.now, &d.actions, false))
            h2 { "Latest checks" }
            (checks_table(&d.checks))
        },
    )
}
