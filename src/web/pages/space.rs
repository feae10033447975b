//! `GET /space/{owner}/{name}`: one Space: its state; for a signed-in user the
//! actions (a button per action of the command catalogue); live CPU, memory, download
//! and upload with sparklines (drawn from the last samples seen, then kept moving by
//! `live.js` from `/space/{owner}/{name}/live`); the 90-day bar a cell per day; its
//! incidents, actions and latest checks.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::layout::{Frame, Viewer, page};
use super::parts::{
    bar_average, bytes, clock, pct, rate, span, sparkline, uptime_bar, verdict_badge, when,
};
use super::site::Site;
use super::status::{actions_table, incidents_table};
use crate::commands::catalogue::{ArgKind, MUTE_CHOICES, Spec, space_actions};
use crate::domain::ActionState;
use crate::store::{ActionRow, CheckRow, DayUptime, Flash, IncidentRow};
use crate::view::SpaceRow;
use crate::web::Sample;

pub(crate) struct SpaceData {
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

/// `Restart`, `Rebuild…` (it asks first).
pub(super) fn button_label(name: &str, confirm: bool) -> String {
    let mut label: String = name
        .chars()
        .take(1)
        .flat_map(char::to_uppercase)
        .chain(name.chars().skip(1))
        .collect();
    if confirm {
        label.push('…');
    }
    label
}

/// Whether a form on the page can supply every argument the action needs: the Space,
/// and a mute's duration from its list. (`sleeptime` needs a value the page does not
/// offer a choice for; chat and the API take it.)
fn page_can_fill(spec: &Spec) -> bool {
    spec.args
        .iter()
        .all(|a| !a.required || matches!(a.kind, ArgKind::Space | ArgKind::Duration))
}

/// The actions panel: one form per action the catalogue offers on a Space. Each
/// posts the session's CSRF token; mute picks its duration; an action that asks first
/// (rebuild) leads to a confirm form.
fn actions_panel(d: &SpaceData, viewer: &Viewer) -> Markup {
    let name = d.row.id.to_string();
    html! {
        @match viewer {
            Viewer::SignedIn(session) => {
                div.actions role="group" aria-label="Actions" {
                    @for spec in space_actions().filter(|spec| page_can_fill(spec)) {
                        form.act method="post" action={ "/space/" (name) "/" (spec.name) } {
                            input type="hidden" name="csrf" value=(session.csrf);
                            @if spec.args.iter().any(|a| a.kind == ArgKind::Duration) {
                                select name="duration" aria-label="Mute for" {
                                    @for choice in MUTE_CHOICES {
                                        option value=(choice) selected[choice == "1h"] { (choice) }
                                    }
                                }
                            }
                            button type="submit" class={ "btn" @if spec.confirm { " danger" } }
                                title=(spec.description) data-action=(spec.name) {
                                (button_label(spec.name, spec.confirm))
                            }
                        }
                    }
                }
            }
            Viewer::Visitor { sign_in: true } => {
                p.summary { a href={ "/login?next=/space/" (name) } { "Sign in" } " to restart, rebuild, pause or mute this Space." }
            }
            Viewer::Visitor { sign_in: false } => {}
        }
    }
}

/// A live figure: its value now, its sparkline, and the values drawn (`live.js`
/// continues the line from them).
fn figure(id: &str, label: &str, now: String, values: &[f64], max: f64) -> Markup {
    let seed: Vec<String> = values.iter().map(|v| format!("{v:.1}")).collect();
    html! {
        div.card data-values=(seed.join(" ")) {
            div.card-head { span { (label) } span.now #(id) { (now) } }
            (sparkline(values, max, &format!("{label}, last samples")))
        }
    }
}

fn metrics(d: &SpaceData) -> Markup {
    let src = format!("/space/{}/live", d.row.id);
    let last = d.samples.last();
    let cpu: Vec<f64> = d.samples.iter().map(|s| s.cpu_pct).collect();
    let memory: Vec<f64> = d.samples.iter().map(|s| s.memory_used as f64).collect();
    let total = d.samples.iter().map(|s| s.memory_total).max().unwrap_or(0) as f64;
    let rx: Vec<f64> = d.samples.iter().map(|s| s.rx_bps).collect();
    let tx: Vec<f64> = d.samples.iter().map(|s| s.tx_bps).collect();
    let top = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    html! {
        section #live data-src=(src) {
            div.spark {
                (figure("live-cpu", "CPU", last.map_or("–".into(), |s| format!("{:.0} %", s.cpu_pct)), &cpu, 100.0))
                (figure("live-memory", "Memory", last.map_or("–".into(), |s| format!("{} / {}", bytes(s.memory_used), bytes(s.memory_total))), &memory, total))
                (figure("live-rx", "Download", last.map_or("–".into(), |s| rate(s.rx_bps)), &rx, top(&rx)))
                (figure("live-tx", "Upload", last.map_or("–".into(), |s| rate(s.tx_bps)), &tx, top(&tx)))
            }
            p.summary #live-state {
                @match last {
                    Some(last) => { (d.samples.len()) " samples, the last " (when(d.now, last.at)) }
                    None => { "Live figures appear here while the Space runs." }
                }
            }
        }
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

/// Whether an action on the Space is still running (started within the hour: an
/// older unfinished row waits for a restart of spacewarden, not for a reload).
fn action_running(d: &SpaceData) -> bool {
    d.actions.iter().any(|a| {
        a.state != ActionState::Done
            && crate::domain::time::elapsed(a.started(), d.now).as_secs() < 3600
    })
}

pub(crate) fn render(d: &SpaceData, viewer: &Viewer, flash: Option<&Flash>) -> Markup {
    let name = d.row.id.to_string();
    let state = d.row.state.as_ref();
    let mut frame = Frame::new(d.site, &name, d.now, viewer);
    frame.flash = flash;
    frame.refresh = (d.site.is_live() && action_running(d)).then_some(5);
    page(
        frame,
        html! {
            p { a href=(d.site.home()) { "← all Spaces" } }
            div.card-head { h1 { (name) } (verdict_badge(state.map(|s| s.verdict))) }
            @if d.site.is_live() { (actions_panel(d, viewer)) }
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
            // A static report has no samples: they live in the daemon's memory.
            @if d.site.is_live() {
                h2 { "Live metrics" }
                (metrics(d))
            }
            h2 { "Uptime, last 90 days" }
            div.card { (uptime_bar(&d.bar, bar_average(&d.bar))) }
            h2 { "Incidents" }
            (incidents_table(d.site, d.now, &d.incidents, false))
            h2 { "Actions" }
            (actions_table(d.site, d.now, &d.actions, false))
            h2 { "Latest checks" }
            (checks_table(&d.checks))
        },
    )
}
