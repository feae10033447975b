//! `GET /space/{owner}/{name}`: one Space: its state; for a signed-in user the
//! actions (a button per action of the command catalogue); live CPU, memory, download
//! and upload with sparklines (drawn from the last samples seen, then kept moving by
//! `live.js` from `/space/{owner}/{name}/live`); the 90-day bar a cell per day; its
//! incidents, actions and latest checks.

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::layout::{Frame, Viewer, page};
use super::parts::{bar_average, bytes, pct, rate, reason, sparkline, uptime_bar, verdict_badge};
use super::site::Site;
use super::status::{actions_table, incidents_table};
use super::ui::Ui;
use crate::commands::catalogue::{ArgKind, MUTE_CHOICES, Spec, space_actions};
use crate::domain::ActionState;
use crate::store::{ActionRow, CheckRow, DayUptime, Flash, IncidentRow};
use crate::t;
use crate::view::SpaceRow;
use crate::web::Sample;

pub(crate) struct SpaceData {
    pub ui: Ui,
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

/// `Restart`, `Rebuild…` (it asks first): the message `button-<action>`.
pub(super) fn button_label(ui: &Ui, name: &str, confirm: bool) -> String {
    let mut label = ui.word("button", name);
    if confirm {
        label.push('…');
    }
    label
}

/// What an action does, for its button's tooltip: `command-<action>-description`.
pub(super) fn description(ui: &Ui, spec: &Spec) -> String {
    let id = format!("command-{}-description", spec.name);
    if crate::i18n::has_message(ui.lang, &id) {
        ui.t(&id)
    } else {
        spec.description.to_owned()
    }
}

/// One action's form: the session's CSRF token, a mute's duration, the button. The
/// Space page and each overview row use it; rebuild's leads to the confirm form.
pub(super) fn action_form(ui: &Ui, space: &str, csrf: &str, spec: &Spec) -> Markup {
    html! {
        form.act method="post" action={ "/space/" (space) "/" (spec.name) } {
            input type="hidden" name="csrf" value=(csrf);
            @if spec.args.iter().any(|a| a.kind == ArgKind::Duration) {
                select name="duration" aria-label=(ui.t("mute-for")) {
                    @for choice in MUTE_CHOICES {
                        option value=(choice) selected[choice == "1h"] {
                            (crate::domain::parse_duration(choice).map_or_else(|_| choice.to_owned(), |d| ui.round_span(d)))
                        }
                    }
                }
            }
            button type="submit" class={ "btn" @if spec.confirm { " danger" } }
                title=(description(ui, spec)) data-action=(spec.name) data-space=(space) {
                (button_label(ui, spec.name, spec.confirm))
            }
        }
    }
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
    let ui = &d.ui;
    html! {
        @match viewer {
            Viewer::SignedIn(session) if !session.may_act() => {}
            Viewer::SignedIn(session) => {
                div.actions role="group" aria-label=(ui.t("col-actions")) {
                    @for spec in space_actions().filter(|spec| page_can_fill(spec)) {
                        (action_form(ui, &name, &session.csrf, spec))
                    }
                }
            }
            Viewer::Visitor { sign_in: true } => {
                p.summary { a href={ "/login?next=/space/" (name) } { (ui.t("header-sign-in")) } " " (ui.t("space-sign-in-to-act")) }
            }
            Viewer::Visitor { sign_in: false } => {}
        }
    }
}

/// A live figure: its value now, its sparkline, and the values drawn (`live.js`
/// continues the line from them).
fn figure(ui: &Ui, id: &str, label: &str, now: String, values: &[f64], max: f64) -> Markup {
    let seed: Vec<String> = values.iter().map(|v| format!("{v:.1}")).collect();
    html! {
        div.card data-values=(seed.join(" ")) {
            div.card-head { span { (label) } span.now #(id) { (now) } }
            (sparkline(values, max, &t!(ui.lang, "live-sparkline", figure = label)))
        }
    }
}

fn metrics(d: &SpaceData) -> Markup {
    let ui = &d.ui;
    let src = format!("/space/{}/live", d.row.id);
    let last = d.samples.last();
    let cpu: Vec<f64> = d.samples.iter().map(|s| s.cpu_pct).collect();
    let memory: Vec<f64> = d.samples.iter().map(|s| s.memory_used as f64).collect();
    let total = d.samples.iter().map(|s| s.memory_total).max().unwrap_or(0) as f64;
    let rx: Vec<f64> = d.samples.iter().map(|s| s.rx_bps).collect();
    let tx: Vec<f64> = d.samples.iter().map(|s| s.tx_bps).collect();
    let top = |v: &[f64]| v.iter().copied().fold(0.0, f64::max);
    html! {
        section #live data-src=(src) data-live-label=(ui.t("live-label"))
            data-msg-connecting=(ui.t("live-connecting")) data-msg-retrying=(ui.t("live-retrying"))
            data-msg-unavailable=(ui.t("live-unavailable")) data-msg-busy=(ui.t("live-busy")) {
            div.spark {
                (figure(ui, "live-cpu", "CPU", last.map_or("–".into(), |s| format!("{:.0} %", s.cpu_pct)), &cpu, 100.0))
                (figure(ui, "live-memory", &ui.t("live-memory"), last.map_or("–".into(), |s| format!("{} / {}", bytes(s.memory_used), bytes(s.memory_total))), &memory, total))
                (figure(ui, "live-rx", &ui.t("live-download"), last.map_or("–".into(), |s| rate(s.rx_bps)), &rx, top(&rx)))
                (figure(ui, "live-tx", &ui.t("live-upload"), last.map_or("–".into(), |s| rate(s.tx_bps)), &tx, top(&tx)))
            }
            p.summary #live-state {
                @match last {
                    Some(last) => { (t!(ui.lang, "live-samples", count = d.samples.len())) " " (ui.when(d.now, last.at)) }
                    None => { (ui.t("live-none")) }
                }
            }
        }
    }
}

/// The latest checks, each to the second in the zone; the zone's offset (now) heads the
/// column, and each time's own offset is on hover.
fn checks_table(ui: &Ui, now: chrono::DateTime<chrono::Utc>, checks: &[CheckRow]) -> Markup {
    html! {
        @if checks.is_empty() {
            p.empty { (ui.t("checks-none")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th { (ui.t("col-when")) " (" (ui.zone.offset_label(now)) ")" } th { (ui.t("col-stage")) } th { (ui.t("col-verdict")) }
                    th { (ui.t("col-probe")) } th { (ui.t("col-error")) }
                } }
                tbody { @for c in checks { tr {
                    td { (ui.clock(c.at())) }
                    td.mono { (c.stage.as_deref().unwrap_or("–")) }
                    td { span class={ "badge v-" (c.verdict) } { (ui.verdict(&c.verdict)) } }
                    td { @match (c.probe_status, c.probe_latency_ms) {
                        (Some(status), Some(ms)) => { (t!(ui.lang, "probe-answer", status = status, ms = format!("{ms:.0}"))) }
                        (None, Some(ms)) => { (t!(ui.lang, "probe-no-answer", ms = format!("{ms:.0}"))) }
                        _ => { "–" }
                    } }
                    td.wrap { (c.error.as_deref().map_or(html! { "–" }, |e| reason(ui, e))) }
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
    let ui = &d.ui;
    let mut frame = Frame::new(ui, d.site, &name, d.now, viewer);
    frame.flash = flash;
    frame.refresh = (d.site.is_live() && action_running(d)).then_some(5);
    page(
        frame,
        html! {
            p { a href=(d.site.home()) { "← " (ui.t("space-all-spaces")) } }
            div.card-head { h1 { (name) } (verdict_badge(ui, d.row.state.as_ref().map(|s| s.verdict))) }
            @if d.site.is_live() { (actions_panel(d, viewer)) }
            (facts(d))
            (problems(d))
            // A static report has no samples: they live in the daemon's memory.
            @if d.site.is_live() {
                h2 { (ui.t("space-live-metrics")) }
                (metrics(d))
            }
            h2 { (ui.t("space-uptime-90")) }
            div.card { (uptime_bar(ui, &d.bar, bar_average(&d.bar))) }
            h2 { (ui.t("space-incidents")) }
            (incidents_table(ui, d.site, d.now, &d.incidents, false))
            h2 { (ui.t("space-actions")) }
            (actions_table(ui, d.site, d.now, &d.actions, false))
            h2 { (ui.t("space-latest-checks")) }
            (checks_table(ui, d.now, &d.checks))
        },
    )
}

/// The Space's state as a list of facts.
fn facts(d: &SpaceData) -> Markup {
    let (ui, now) = (&d.ui, d.now);
    let state = d.row.state.as_ref();
    let at = |t: Option<chrono::DateTime<chrono::Utc>>| html! { @if let Some(t) = t { (ui.when(now, t)) } @else { "–" } };
    html! {
        dl.facts {
            div { dt { (ui.t("col-stage")) } dd.mono { (state.and_then(|s| s.stage.as_ref()).map_or("–", |s| s.as_str())) } }
            div { dt { (ui.t("fact-stage-since")) } dd { (at(state.and_then(|s| s.stage_since))) } }
            div { dt { (ui.t("col-hardware")) } dd translate="no" { (state.and_then(|s| s.hardware.as_deref()).unwrap_or("–")) } }
            div { dt { (ui.t("fact-last-check")) } dd { (at(state.map(|s| s.last_check))) } }
            div { dt { (ui.t("fact-uptime")) " " (ui.t("uptime-24h")) } dd { (pct(d.row.uptime.h24)) } }
            div { dt { (ui.t("fact-uptime")) " " (ui.t("uptime-7d")) } dd { (pct(d.row.uptime.d7)) } }
            div { dt { (ui.t("fact-uptime")) " " (ui.t("uptime-30d")) } dd { (pct(d.row.uptime.d30)) } }
            div { dt { (ui.t("fact-last-visit")) } dd { (at(state.and_then(|s| s.last_visit))) } }
            @if let Some(url) = &d.app_url {
                div.wide { dt { (ui.t("fact-app")) } dd translate="no" { a href=(url) rel="noopener noreferrer" { (url) } } }
            }
            @if state.is_some_and(|s| s.gave_up) {
                div { dt { (ui.t("fact-repairs")) } dd { (ui.t("fact-gave-up")) } }
            }
            @if let Some(until) = state.and_then(|s| s.muted_until).filter(|u| *u > now) {
                div { dt { (ui.t("fact-muted")) } dd { (ui.t("fact-muted-until")) " " (ui.when(now, until)) } }
            }
        }
    }
}

/// What is wrong: the cause found in the logs, the Hub's error, the open incident.
/// The cause's summary and evidence, and the Hub's error, are outside or stored text,
/// shown as they are.
fn problems(d: &SpaceData) -> Markup {
    let (ui, now) = (&d.ui, d.now);
    let state = d.row.state.as_ref();
    html! {
        @if let Some(cause) = state.and_then(|s| s.cause.as_ref()) {
            div.card.alert {
                strong { (ui.t("cause-label")) (ui.t("list-colon")) span.mono translate="no" { (cause.code.as_str()) } }
                " — " span.stored { (cause.summary) }
                // Log lines: outside text.
                @if !cause.evidence.is_empty() { p.mono translate="no" { (cause.evidence) } }
            }
        }
        @if let Some(error) = state.and_then(|s| s.error.as_deref()) {
            p.error { (reason(ui, error)) }
        }
        @if let Some(i) = &d.row.incident {
            div.card.alert {
                strong { (ui.t("incident-open-title")) } " " (ui.t("incident-since")) " " (ui.when(now, i.opened())) " (" (ui.span(i.duration(now))) ")"
                @if let Some(cause) = &i.cause { p.error { (reason(ui, cause)) } }
            }
        }
    }
}
