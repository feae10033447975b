//! `GET /`: every watched Space at a glance (verdict, stage, hardware, last check,
//! uptime, 90-day bar), open incidents first, recent incidents and actions below.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::layout::page;
use super::parts::{bar_average, pct, span, uptime_bar, verdict_badge, when};
use super::site::Site;
use crate::domain::Verdict;
use crate::monitor::SchedulerSnapshot;
use crate::store::{ActionRow, DayUptime, IncidentRow};
use crate::web::overview::SpaceRow;

pub(super) struct StatusData {
    pub now: DateTime<Utc>,
    pub rows: Vec<SpaceRow>,
    /// 90-day bars by lowercased `owner/name`.
    pub bars: HashMap<String, Vec<DayUptime>>,
    pub empty_bar: Vec<DayUptime>,
    pub incidents: Vec<IncidentRow>,
    pub actions: Vec<ActionRow>,
    pub scheduler: SchedulerSnapshot,
    pub site: Site,
    pub costs: super::costs::CostView,
    pub tokens: Vec<crate::monitor::TokenProblem>,
}

/// The link to a Space's own page (its name alone where the site has none); `SpaceId`
/// parts are `[A-Za-z0-9_.-]`, safe in a path.
pub(super) fn space_link(site: Site, space: &str) -> Markup {
    html! {
        @if let Some(href) = site.space_page(space) { a href=(href) { (space) } }
        @else { span.space { (space) } }
    }
}

fn summary_line(d: &StatusData) -> Markup {
    let mut counts: Vec<(Verdict, usize)> = Verdict::ALL
        .into_iter()
        .map(|v| {
            let n = d
                .rows
                .iter()
                .filter(|r| r.state.as_ref().is_some_and(|s| s.verdict == v))
                .count();
            (v, n)
        })
        .filter(|(_, n)| *n > 0)
        .collect();
    counts.sort_by_key(|(v, _)| *v != Verdict::Up);
    let parts: Vec<String> = counts
        .iter()
        .map(|(v, n)| format!("{n} {}", v.as_str().replace('_', " ")))
        .collect();
    html! {
        p.summary {
            (d.rows.len()) " watched"
            @if !parts.is_empty() { ": " (parts.join(", ")) }
            @if let Some(end) = d.scheduler.last_cycle_end { " · last check " (when(d.now, end)) }
            @if let Some(next) = d.scheduler.next_tick { " · next " (when(d.now, next)) }
        }
    }
}

fn banner(d: &StatusData) -> Markup {
    let attention = d
        .rows
        .iter()
        .filter(|r| {
            r.incident.is_some()
                || r.state
                    .as_ref()
                    .is_some_and(|s| s.verdict.needs_attention())
        })
        .count();
    html! {
        @if d.rows.is_empty() {
            div.banner { "Nothing watched yet: set SPACES." }
        } @else if attention == 0 {
            div.banner.ok { "All watched Spaces are fine" }
        } @else {
            div.banner.bad { (attention) " of " (d.rows.len()) " Spaces need attention" }
        }
    }
}

fn space_card(d: &StatusData, row: &SpaceRow) -> Markup {
    let name = row.id.to_string();
    let bar = d.bars.get(&row.id.key()).unwrap_or(&d.empty_bar);
    let state = row.state.as_ref();
    html! {
        article.card.space.alert[row.incident.is_some()] data-space=(name) {
            div.card-head {
                (space_link(d.site, &name))
                (verdict_badge(state.map(|s| s.verdict)))
            }
            dl.facts {
                div { dt { "Stage" } dd.mono { (state.and_then(|s| s.stage.as_ref()).map_or("–", |s| s.as_str())) } }
                div { dt { "Hardware" } dd { (state.and_then(|s| s.hardware.as_deref()).unwrap_or("–")) } }
                div { dt { "Last check" } dd { @if let Some(s) = state { (when(d.now, s.last_check)) } @else { "–" } } }
                div { dt { "Uptime 24 h" } dd { (pct(row.uptime.h24)) } }
                div { dt { "7 d" } dd { (pct(row.uptime.d7)) } }
                div { dt { "30 d" } dd { (pct(row.uptime.d30)) } }
            }
            (uptime_bar(bar, bar_average(bar)))
            @if let Some(error) = state.and_then(|s| s.error.as_deref()) {
                p.error { (error) }
            }
        }
    }
}

pub(super) fn incidents_table(
    site: Site,
    now: DateTime<Utc>,
    incidents: &[IncidentRow],
    with_space: bool,
) -> Markup {
    html! {
        @if incidents.is_empty() {
            p.empty { "No incidents." }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    @if with_space { th { "Space" } }
                    th { "Opened" } th { "Verdict" } th { "Lasted" } th { "Cause" } th { "Resolution" }
                } }
                tbody { @for i in incidents { tr {
                    @if with_space { td { (space_link(site, &i.space_id)) } }
                    td { (when(now, i.opened())) }
                    td { span class={ "badge v-" (i.verdict) } { (i.verdict.replace('_', " ")) } }
                    td { (span(i.duration(now))) @if i.closed_ms.is_none() { " (open)" } }
                    td.wrap { (i.cause.as_deref().unwrap_or("–")) }
                    td.wrap { (i.resolution.as_deref().unwrap_or("–")) }
                } } }
            } }
        }
    }
}

pub(super) fn actions_table(
    site: Site,
    now: DateTime<Utc>,
    actions: &[ActionRow],
    with_space: bool,
) -> Markup {
    html! {
        @if actions.is_empty() {
            p.empty { "No actions." }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th { "Started" }
                    @if with_space { th { "Space" } }
                    th { "Action" } th { "By" } th { "Result" } th { "Detail" }
                } }
                tbody { @for a in actions { tr {
                    td { (when(now, a.started())) }
                    @if with_space { td { (space_link(site, &a.space_id)) } }
                    td { (a.kind) }
                    td { (a.actor) " (" (a.trigger) ")" }
                    td { (a.result.as_deref().unwrap_or(if a.state == "done" { "–" } else { "in progress" })) }
                    td.wrap { (a.detail.as_deref().unwrap_or("–")) }
                } } }
            } }
        }
    }
}

pub(super) fn render(d: &StatusData) -> Markup {
    let open: Vec<&SpaceRow> = d.rows.iter().filter(|r| r.incident.is_some()).collect();
    page(
        d.site,
        "Status",
        d.now,
        html! {
            h1 { "Status" }
            (banner(d))
            (super::costs::token_notices(&d.tokens))
            (summary_line(d))
            @if !open.is_empty() {
                h2 { "Open incidents" }
                div.cards { @for row in &open {
                    @if let Some(i) = &row.incident {
                        article.card.alert {
                            div.card-head {
                                (space_link(d.site, &row.id.to_string()))
                                span class={ "badge v-" (i.verdict) } { (i.verdict.replace('_', " ")) }
                            }
                            p { "Since " (when(d.now, i.opened())) " (" (span(i.duration(d.now))) ")" }
                            @if let Some(cause) = &i.cause { p.error { (cause) } }
                        }
                    }
                } }
            }
            h2 { "Spaces" }
            @if d.rows.is_empty() {
                p.empty { "No Space is watched." }
            } @else {
                div.cards { @for row in &d.rows { (space_card(d, row)) } }
            }
            (super::costs::section(&d.costs))
            h2 { "Recent incidents" }
            (incidents_table(d.site, d.now, &d.incidents, true))
            h2 { "Recent actions" }
            (actions_table(d.site, d.now, &d.actions, true))
        },
    )
}
