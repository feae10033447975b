//! `GET /`: every watched Space at a glance, built to stay light at 1,000 Spaces.
//! Spaces that need attention first, as cards (verdict, stage, error, open incident);
//! then every Space grouped by owner, one compact row each (verdict, stage, hardware,
//! last check, uptime, the 90-day bar as a few runs of colour, live CPU, memory and
//! network in and out; for a signed-in user restart and rebuild buttons, the Space
//! page's forms); recent incidents and actions below. A filter box narrows the list by name: on the
//! server with `?q=` (no script needed), as you type with `live.js`.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use maud::{Markup, html};

use super::filter::{Filter, needs_attention};
use super::layout::{Frame, Viewer, page};
use super::parts::{bar_average, mini_bar, pct, reason, verdict_badge};
use super::site::Site;
use super::space::action_form;
use super::ui::Ui;
use crate::commands::catalogue::space_actions;
use crate::domain::{ActionActor, ActionState, Verdict};
use crate::monitor::SchedulerSnapshot;
use crate::store::{ActionRow, DayUptime, Flash, IncidentRow};
use crate::t;
use crate::view::SpaceRow;

/// The actions each overview row offers a signed-in user.
const ROW_ACTIONS: [&str; 2] = ["restart", "rebuild"];

pub(crate) struct StatusData {
    pub ui: Ui,
    pub now: DateTime<Utc>,
    pub rows: Vec<SpaceRow>,
    /// 90-day bars by lowercased `owner/name`.
    pub bars: std::sync::Arc<crate::view::Bars>,
    pub empty_bar: Vec<DayUptime>,
    pub incidents: Vec<IncidentRow>,
    pub actions: Vec<ActionRow>,
    pub scheduler: SchedulerSnapshot,
    /// `?q=`, `?verdict=`, `?page=`: which Spaces the list shows.
    pub filter: Filter,
    /// On an owner's page (`/owner/{owner}`): the owner, whose Spaces alone are `rows`.
    pub owner: Option<String>,
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
    let ui = &d.ui;
    let parts: Vec<String> = counts
        .iter()
        .map(|(v, n)| format!("{n} {}", ui.verdict(v.as_str())))
        .collect();
    html! {
        p.summary {
            (t!(ui.lang, "summary-watched", count = d.rows.len()))
            @if !parts.is_empty() { (ui.t("list-colon")) (parts.join(&ui.t("list-separator"))) }
            @if let Some(end) = d.scheduler.last_cycle_end { " · " (ui.t("summary-last-check")) " " (ui.when(d.now, end)) }
            @if let Some(next) = d.scheduler.next_tick { " · " (ui.t("summary-next")) " " (ui.when(d.now, next)) }
        }
    }
}

fn banner(d: &StatusData) -> Markup {
    let attention = d.rows.iter().filter(|r| needs_attention(r)).count();
    let ui = &d.ui;
    html! {
        @if d.rows.is_empty() {
            div.banner { (ui.t("banner-nothing-watched")) }
        } @else if attention == 0 {
            div.banner.ok { (ui.t("banner-all-fine")) }
        } @else {
            div.banner.bad { (t!(ui.lang, "banner-attention-of", count = attention, total = d.rows.len())) }
        }
    }
}

fn bar<'a>(d: &'a StatusData, row: &SpaceRow) -> std::borrow::Cow<'a, [DayUptime]> {
    d.bars.get(&row.id.key()).map_or(
        std::borrow::Cow::Borrowed(&d.empty_bar[..]),
        std::borrow::Cow::Owned,
    )
}

/// A Space that needs attention: what is wrong, since when.
pub(super) fn problem_card(d: &StatusData, row: &SpaceRow) -> Markup {
    let name = row.id.to_string();
    let state = row.state.as_ref();
    let days = bar(d, row);
    let ui = &d.ui;
    html! {
        article.card.space.alert data-space=(name) {
            div.card-head {
                (space_link(d.site, &name, &name))
                (verdict_badge(ui, state.map(|s| s.verdict)))
            }
            p.meta {
                span.mono { (state.and_then(|s| s.stage.as_ref()).map_or("–", |s| s.as_str())) }
                " · " span translate="no" { (state.and_then(|s| s.hardware.as_deref()).unwrap_or("–")) }
                @if let Some(s) = state { " · " (ui.t("card-checked")) " " (ui.when(d.now, s.last_check)) }
                " · " (ui.t("uptime-24h")) " " (pct(row.uptime.h24))
                @if d.site.is_live() { span.live data-label=(ui.t("live-label")) {} }
            }
            @if let Some(i) = &row.incident {
                p { (ui.t("card-incident-since")) " " (ui.when(d.now, i.opened())) " (" (ui.span(i.duration(d.now))) ")"
                    @if let Some(cause) = &i.cause { (ui.t("list-colon")) (reason(ui, cause)) } }
            }
            @if let Some(error) = state.and_then(|s| s.error.as_deref()) {
                p.error { (reason(ui, error)) }
            }
            (mini_bar(ui, &days, bar_average(&days)))
        }
    }
}

/// One compact row. Columns marked `m` hide on a narrow screen, `p` and the 90-day
/// bar (`b`) on a phone too (the Space's page has them).
fn space_row(d: &StatusData, viewer: &Viewer, row: &SpaceRow) -> Markup {
    let name = row.id.to_string();
    let state = row.state.as_ref();
    let days = bar(d, row);
    let ui = &d.ui;
    html! {
        tr.bad[needs_attention(row)] data-space=(name) {
            td { (space_link(d.site, &name, row.id.name())) }
            td { (verdict_badge(ui, state.map(|s| s.verdict))) }
            td.mono.m { (state.and_then(|s| s.stage.as_ref()).map_or("–", |s| s.as_str())) }
            td.m translate="no" { (state.and_then(|s| s.hardware.as_deref()).unwrap_or("–")) }
            td.p { @if let Some(s) = state { (ui.when(d.now, s.last_check)) } @else { "–" } }
            td { (pct(row.uptime.h24)) }
            td.m { (pct(row.uptime.d7)) }
            td.m { (pct(row.uptime.d30)) }
            td.b { (mini_bar(ui, &days, bar_average(&days))) }
            @if d.site.is_live() { td.live { "–" } }
            @if let (true, Viewer::SignedIn(session)) = (d.site.is_live() && acts(viewer), viewer) {
                td.row-actions {
                    @for spec in space_actions().filter(|s| ROW_ACTIONS.contains(&s.name)) {
                        (action_form(ui, &name, &session.csrf, spec))
                    }
                }
            }
        }
    }
}

pub(super) fn owner_groups<'a>(rows: &[&'a SpaceRow]) -> Vec<(String, Vec<&'a SpaceRow>)> {
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

/// Whether `viewer` gets action buttons: signed in, and not a viewer (`WEB_VIEWERS`).
fn acts(viewer: &Viewer) -> bool {
    matches!(viewer, Viewer::SignedIn(session) if session.may_act())
}

pub(super) fn owner_section(
    d: &StatusData,
    viewer: &Viewer,
    owner: &str,
    rows: &[&SpaceRow],
) -> Markup {
    let bad = rows.iter().filter(|r| needs_attention(r)).count();
    let ui = &d.ui;
    let signed_in = d.site.is_live() && acts(viewer);
    html! {
        section.owner data-owner=(owner) {
            h3 {
                (owner) " "
                small { (t!(ui.lang, "owner-spaces", count = rows.len()))
                    @if bad > 0 { " · " span.bad-count { (t!(ui.lang, "owner-need-attention", count = bad)) } } }
            }
            div.table-wrap { table.rows {
                thead { tr {
                    th { (ui.t("col-space")) } th { (ui.t("col-verdict")) } th.m { (ui.t("col-stage")) }
                    th.m { (ui.t("col-hardware")) } th.p { (ui.t("col-checked")) }
                    th { (ui.t("uptime-24h")) } th.m { (ui.t("uptime-7d")) } th.m { (ui.t("uptime-30d")) }
                    th.b { (ui.t("col-90-days")) }
                    @if d.site.is_live() { th title=(ui.t("live-title")) { (ui.t("col-live")) } }
                    @if signed_in { th { (ui.t("col-actions")) } }
                } }
                tbody { @for row in rows { (space_row(d, viewer, row)) } }
            } }
        }
    }
}

fn filter_box(d: &StatusData, shown: usize) -> Markup {
    let ui = &d.ui;
    html! {
        @if d.site.is_live() {
            @let base = super::collapse::base(d);
            form.filter method="get" action=(base) role="search" {
                input #filter type="search" name="q" value=[d.filter.q.as_deref()]
                    placeholder=(ui.t("filter-placeholder")) aria-label=(ui.t("filter-label")) autocomplete="off";
                @if super::collapse::applies(d) { (super::collapse::verdict_select(d)) }
                button type="submit" { (ui.t("filter-button")) }
                @if d.filter.narrows() {
                    " " span.summary { (t!(ui.lang, "filter-shown", shown = shown, total = d.rows.len())) " · " a href=(base) { (ui.t("filter-show-all")) } }
                }
            }
        }
    }
}

pub(crate) fn incidents_table(
    ui: &Ui,
    site: Site,
    now: DateTime<Utc>,
    incidents: &[IncidentRow],
    with_space: bool,
) -> Markup {
    html! {
        @if incidents.is_empty() {
            p.empty { (ui.t("incidents-none")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    @if with_space { th { (ui.t("col-space")) } }
                    th { (ui.t("col-opened")) } th { (ui.t("col-verdict")) } th { (ui.t("col-lasted")) }
                    th { (ui.t("col-cause")) } th { (ui.t("col-resolution")) }
                } }
                tbody { @for i in incidents { tr {
                    @if with_space { td { (space_link(site, &i.space_id, &i.space_id)) } }
                    td { (ui.when(now, i.opened())) }
                    td { span class={ "badge v-" (i.verdict) } { (ui.verdict(&i.verdict)) } }
                    td { (ui.span(i.duration(now))) @if i.closed_ms.is_none() { " " (ui.t("incident-open")) } }
                    // The Hub's error when it opened: outside text.
                    td.wrap { (i.cause.as_deref().map_or(html! { "–" }, |c| reason(ui, c))) }
                    // Stored English prose ("back to up"); see `stored` in style.css.
                    td.wrap { (i.resolution.as_deref().map_or("–".into(), |r| crate::monitor::resolution_in(ui.lang, r))) }
                } } }
            } }
        }
    }
}

/// Who acted: spacewarden's own actors by name, a person as where they asked from and
/// who (`web:ops`, `网页:ops`), another version's word as stored.
fn actor(ui: &Ui, actor: &ActionActor) -> String {
    match actor {
        ActionActor::Person(person) => {
            let via = ui.word("action-via", person.via().as_str());
            t!(ui.lang, "action-person", via = via, user = person.user())
        }
        ActionActor::Other(text) => text.clone(),
        _ => ui.word("action-actor", actor.as_str()),
    }
}

pub(crate) fn actions_table(
    ui: &Ui,
    site: Site,
    now: DateTime<Utc>,
    actions: &[ActionRow],
    with_space: bool,
) -> Markup {
    html! {
        @if actions.is_empty() {
            p.empty { (ui.t("actions-none")) }
        } @else {
            div.table-wrap { table {
                thead { tr {
                    th { (ui.t("col-started")) }
                    @if with_space { th { (ui.t("col-space")) } }
                    th { (ui.t("col-action")) } th { (ui.t("col-by")) } th { (ui.t("col-result")) } th { (ui.t("col-detail")) }
                } }
                tbody { @for a in actions { tr {
                    td { (ui.when(now, a.started())) }
                    @if with_space { td { (space_link(site, &a.space_id, &a.space_id)) } }
                    td { (ui.word("action-kind", a.kind.as_str())) }
                    td { (actor(ui, &a.actor)) " (" (ui.word("action-trigger", a.trigger.as_str())) ")" }
                    td.result { @match a.result.as_deref() {
                        Some(result) => (ui.word("action-result", result)),
                        None if a.state == ActionState::Done => "–",
                        None => (ui.t("action-in-progress")),
                    } }
                    td.wrap { (a.detail.as_deref().map_or(html! { "–" }, |d| reason(ui, d))) }
                } } }
            } }
        }
    }
}

pub(crate) fn render(d: &StatusData, viewer: &Viewer, flash: Option<&Flash>) -> Markup {
    let shown: Vec<&SpaceRow> = d.rows.iter().filter(|r| d.filter.keeps(r)).collect();
    let problems: Vec<&SpaceRow> = shown
        .iter()
        .copied()
        .filter(|r| needs_attention(r))
        .collect();
    let ui = &d.ui;
    let title = match &d.owner {
        Some(owner) => t!(ui.lang, "scale-owner-title", owner = owner.clone()),
        None => ui.t("status-title"),
    };
    let mut frame = Frame::new(ui, d.site, &title, d.now, viewer);
    frame.flash = flash;
    page(
        frame,
        html! {
            h1 { (title) }
            (banner(d))
            (super::costs::token_notices(ui, &d.tokens))
            (summary_line(d))
            (filter_box(d, shown.len()))
            div #spaces data-live=[d.site.is_live().then_some("/live")] data-live-title=(ui.t("live-title")) {
                @if super::collapse::applies(d) {
                    (super::collapse::spaces(d, viewer, &shown))
                } @else {
                @if !problems.is_empty() {
                    h2 { (ui.t("status-needs-attention")) }
                    div.cards { @for row in &problems { (problem_card(d, row)) } }
                }
                h2 { (ui.t("status-spaces")) }
                @if d.rows.is_empty() {
                    p.empty { (ui.t("status-none-watched")) }
                } @else if shown.is_empty() {
                    p.empty { (ui.t("status-none-match")) }
                } @else {
                    @for (owner, rows) in owner_groups(&shown) { (owner_section(d, viewer, &owner, &rows)) }
                }
                }
            }
            // The costs are the whole install's: the front page's.
            @if d.owner.is_none() { (super::costs::section(ui, &d.costs)) }
            h2 { (ui.t("status-recent-incidents")) }
            (incidents_table(ui, d.site, d.now, &d.incidents, true))
            h2 { (ui.t("status-recent-actions")) }
            (actions_table(ui, d.site, d.now, &d.actions, true))
        },
    )
}
