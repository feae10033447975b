//! `GET /`: every watched Space at a glance, built to stay light at 1,000 Spaces.
//! Spaces that need attention first, as cards (verdict, stage, error, open incident);
//! then every Space grouped by owner, one compact row each (verdict, stage, hardware,
//! last check, uptime, the 90-day bar as a few runs of colour, live CPU and memory);
//! recent incidents and actions below. A filter box narrows the list by name: on the
//! server with `?q=` (no script needed), as you type with `live.js`.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::layout::{Frame, Viewer, page};
use super::parts::{bar_average, mini_bar, pct, span, verdict_badge, when};
use super::site::Site;
use crate::domain::{ActionState, Verdict};
use crate::monitor::SchedulerSnapshot;
use crate::store::{ActionRow, DayUptime, Flash, IncidentRow};
use crate::view::SpaceRow;

pub(crate) struct StatusData {
    pub now: DateTime<Utc>,
    pub rows: Vec<SpaceRow>,
    /// 90-day bars by lowercased `owner/name`.
    pub bars: HashMap<String, Vec<DayUptime>>,
    pub empty_bar: Vec<DayUptime>,
    pub incidents: Vec<IncidentRow>,
    pub actions: Vec<ActionRow>,
    pub scheduler: SchedulerSnapshot,
    /// `?q=`: only Spaces whose name contains it (case-insensitive).
    pub filter: Option<String>,
    pub site: Site,
    pub costs: super::costs::CostView,
    pub tokens: Vec<crate::monitor::TokenProblem>,
}

/// The link to a Space's own page, showing `text` (the text alone where the site has
/// no such page); `SpaceId` parts are `[A-Za-z0-9_.-]`, safe in a path.
pub(super) fn space_link(site: Site, space: &str, text: &str) -> Markup {
    html! {
        @if let Some(href) = site.space_page(space) { a href=(href) { (text) } }
        @else { span.space { (text) } }
    }
}

fn needs_attention(row: &SpaceRow) -> bool {
    row.incident.is_some()
        || row
            .state
            .as_ref()
            .is_some_and(|s| s.verdict.needs_attention())
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
    let attention = d.rows.iter().filter(|r| needs_attention(r)).count();
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

fn bar<'a>(d: &'a StatusData, row: &SpaceRow) -> &'a [DayUptime] {
    d.bars.get(&row.id.key()).unwrap_or(&d.empty_bar)
}

/// A Space that needs attention: what is wrong, since when.
fn problem_card(d: &StatusData, row: &SpaceRow) -> Markup {
    let name = row.id.to_string();
    let state = row.state.as_ref();
    let days = bar(d, row);
    html! {
        article.card.space.alert data-space=(name) {
            div.card-head {
                (space_link(d.site, &name, &name))
                (verdict_badge(state.map(|s| s.verdict)))
            }
            p.meta {
                span.mono { (state.and_then(|s| s.stage.as_ref()).map_or("–", |s| s.as_str())) }
                " · " (state.and_then(|s| s.hardware.as_deref()).unwrap_or("–"))
                @if let Some(s) = state { " · checked " (when(d.now, s.last_check)) }
                " · 24 h " (pct(row.uptime.h24))
                @if d.site.is_live() { span.live {} }
            }
            @if let Some(i) = &row.incident {
                p { "Incident since " (when(d.now, i.opened())) " (" (span(i.duration(d.now))) ")"
                    @if let Some(cause) = &i.cause { ": " (cause) } }
            }
            @if let Some(error) = state.and_then(|s| s.error.as_deref()) {
                p.error { (error) }
            }
            (mini_bar(days, bar_average(days)))
        }
    }
}

/// One compact row. Columns marked `m` hide on a narrow screen, `p` and the 90-day
/// bar (`b`) on a phone too (the Space's page has them).
fn space_row(d: &StatusData, row: &SpaceRow) -> Markup {
    let name = row.id.to_string();
    let state = row.state.as_ref();
    let days = bar(d, row);
    html! {
        tr.bad[needs_attention(row)] data-space=(name) {
            td { (space_link(d.site, &name, row.id.name())) }
            td { (verdict_badge(state.map(|s| s.verdict))) }
            td.mono.m { (state.and_then(|s| s.stage.as_ref()).map_or("–", |s| s.as_str())) }
            td.m { (state.and_then(|s| s.hardware.as_deref()).unwrap_or("–")) }
            td.p { @if let Some(s) = state { (when(d.now, s.last_check)) } @else { "–" } }
            td { (pct(row.uptime.h24)) }
            td.m { (pct(row.uptime.d7)) }
            td.m { (pct(row.uptime.d30)) }
            td.b { (mini_bar(days, bar_average(days))) }
            @if d.site.is_live() { td.live { "–" } }
        }
    }
}

fn owner_groups<'a>(rows: &[&'a SpaceRow]) -> Vec<(String, Vec<&'a SpaceRow>)> {
    let mut groups: BTreeMap<String, Vec<&SpaceRow>> = BTreeMap::new();
    for row in rows {
        groups
            .entry(row.id.owner().to_ascii_lowercase())
            .or_default()
            .push(row);
    }
    let mut groups: Vec<(String, Vec<&SpaceRow>)> = groups
        .into_values()
        .map(|mut rows| {
            rows.sort_by_key(|r| (!needs_attention(r), r.id.key()));
            (rows[0].id.owner().to_owned(), rows)
        })
        .collect();
    // Owners with a problem first; `sort_by_key` keeps name order otherwise.
    groups.sort_by_key(|(_, rows)| !rows.iter().any(|r| needs_attention(r)));
    groups
}

fn owner_section(d: &StatusData, owner: &str, rows: &[&SpaceRow]) -> Markup {
    let bad = rows.iter().filter(|r| needs_attention(r)).count();
    html! {
        section.owner data-owner=(owner) {
            h3 {
                (owner) " "
                small { (rows.len()) @if rows.len() == 1 { " Space" } @else { " Spaces" }
                    @if bad > 0 { " · " span.bad-count { (bad) " need attention" } } }
            }
            div.table-wrap { table.rows {
                thead { tr {
                    th { "Space" } th { "Verdict" } th.m { "Stage" } th.m { "Hardware" } th.p { "Checked" }
                    th { "24 h" } th.m { "7 d" } th.m { "30 d" } th.b { "90 days" }
                    @if d.site.is_live() { th { "Live" } }
                } }
                tbody { @for row in rows { (space_row(d, row)) } }
            } }
        }
    }
}

fn filter_box(d: &StatusData, shown: usize) -> Markup {
    html! {
        @if d.site.is_live() {
            form.filter method="get" action="/" role="search" {
                input #filter type="search" name="q" value=[d.filter.as_deref()]
                    placeholder="Filter by name" aria-label="Filter Spaces by name" autocomplete="off";
                button type="submit" { "Filter" }
                @if d.filter.is_some() {
                    " " span.summary { (shown) " of " (d.rows.len()) " shown · " a href="/" { "show all" } }
                }
            }
        }
    }
}

pub(crate) fn incidents_table(
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
                    @if with_space { td { (space_link(site, &i.space_id, &i.space_id)) } }
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

pub(crate) fn actions_table(
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
                    @if with_space { td { (space_link(site, &a.space_id, &a.space_id)) } }
                    td { (a.kind) }
                    td { (a.actor) " (" (a.trigger) ")" }
                    td.result { (a.result.as_deref().unwrap_or(if a.state == ActionState::Done { "–" } else { "in progress" })) }
                    td.wrap { (a.detail.as_deref().unwrap_or("–")) }
                } } }
            } }
        }
    }
}

pub(crate) fn render(d: &StatusData, viewer: &Viewer, flash: Option<&Flash>) -> Markup {
    let needle = d.filter.as_deref().map(str::to_ascii_lowercase);
    let shown: Vec<&SpaceRow> = d
        .rows
        .iter()
        .filter(|r| needle.as_deref().is_none_or(|q| r.id.key().contains(q)))
        .collect();
    let problems: Vec<&SpaceRow> = shown
        .iter()
        .copied()
        .filter(|r| needs_attention(r))
        .collect();
    let mut frame = Frame::new(d.site, "Status", d.now, viewer);
    frame.flash = flash;
    page(
        frame,
        html! {
            h1 { "Status" }
            (banner(d))
            (super::costs::token_notices(&d.tokens))
            (summary_line(d))
            (filter_box(d, shown.len()))
            div #spaces data-live=[d.site.is_live().then_some("/live")] {
                @if !problems.is_empty() {
                    h2 { "Needs attention" }
                    div.cards { @for row in &problems { (problem_card(d, row)) } }
                }
                h2 { "Spaces" }
                @if d.rows.is_empty() {
                    p.empty { "No Space is watched." }
                } @else if shown.is_empty() {
                    p.empty { "No Space matches the filter." }
                } @else {
                    @for (owner, rows) in owner_groups(&shown) { (owner_section(d, &owner, &rows)) }
                }
            }
            (super::costs::section(&d.costs))
            h2 { "Recent incidents" }
            (incidents_table(d.site, d.now, &d.incidents, true))
            h2 { "Recent actions" }
            (actions_table(d.site, d.now, &d.actions, true))
        },
    )
}
