//! The space list of a large install (more than `COLLAPSE_ABOVE` watched Spaces, live
//! pages only): what needs attention, then one line per owner ("owner123: 100 up")
//! linking to the owner's page (`/owner/{owner}`). A filter (`?q=`, `?verdict=`) or an
//! owner's page lists the matching Spaces as rows, `PAGE_ROWS` a page (the owner lines
//! go `OWNER_LINES` a page, for many owners of few Spaces each). This is what keeps
//! `GET /` at 10,000 Spaces near 100 KB instead of 7 MB; a smaller install sees the
//! whole list, as before (`status::render`).

use std::collections::BTreeMap;

use maud::{Markup, html};

use super::filter::{
    Filter, OWNER_LINES, PAGE_ROWS, PROBLEM_CARDS, VerdictFilter, needs_attention, page_of,
};
use super::layout::Viewer;
use super::status::{StatusData, owner_groups, owner_section, problem_card};
use crate::domain::Verdict;
use crate::t;
use crate::view::SpaceRow;

/// Whether `d` is shown collapsed: a live page over the threshold. A static report
/// has no owner pages to link to, so it keeps the whole list.
pub(super) fn applies(d: &StatusData) -> bool {
    d.site.is_live() && d.rows.len() > super::filter::COLLAPSE_ABOVE
}

/// The page's own path: `/` or the owner's page.
pub(super) fn base(d: &StatusData) -> String {
    match &d.owner {
        Some(owner) => format!("/owner/{owner}"),
        None => "/".to_owned(),
    }
}

/// The inside of `#spaces` for a collapsed page; `shown` is what the filter kept.
pub(super) fn spaces(d: &StatusData, viewer: &Viewer, shown: &[&SpaceRow]) -> Markup {
    if d.owner.is_some() || d.filter.narrows() {
        rows(d, viewer, shown)
    } else {
        front(d)
    }
}

/// The unfiltered front page: problem cards (the first `PROBLEM_CARDS`), then owners.
fn front(d: &StatusData) -> Markup {
    let ui = &d.ui;
    let problems: Vec<&SpaceRow> = d.rows.iter().filter(|r| needs_attention(r)).collect();
    let more = problems.len().saturating_sub(PROBLEM_CARDS);
    let attention = Filter {
        verdict: Some(VerdictFilter::Attention),
        ..Filter::default()
    };
    let lines = owner_lines(&d.rows);
    let (slice, page, pages) = page_of(&lines, d.filter.page, OWNER_LINES);
    html! {
        @if !problems.is_empty() {
            h2 { (ui.t("status-needs-attention")) }
            div.cards { @for row in problems.iter().take(PROBLEM_CARDS) { (problem_card(d, row)) } }
            @if more > 0 {
                p.more { (t!(ui.lang, "scale-attention-more", count = more)) " "
                    a href=(attention.link("/", 1)) { (ui.t("scale-show-them")) } }
            }
        }
        h2 { (ui.t("scale-owners")) }
        ul.owner-lines { @for line in slice { (owner_line(d, line)) } }
        (pager(d, page, pages))
    }
}

/// Links to the previous and next page, when there is more than one.
fn pager(d: &StatusData, page: usize, pages: usize) -> Markup {
    let ui = &d.ui;
    let base = base(d);
    html! {
        @if pages > 1 {
            nav.pager aria-label=(ui.t("scale-pages")) {
                @if page > 1 { a rel="prev" href=(d.filter.link(&base, page - 1)) { (ui.t("scale-previous")) } " " }
                span { (t!(ui.lang, "scale-page-of", page = page, pages = pages)) }
                @if page < pages { " " a rel="next" href=(d.filter.link(&base, page + 1)) { (ui.t("scale-next")) } }
            }
        }
    }
}

/// One owner's Spaces counted by verdict.
struct OwnerLine {
    owner: String,
    counts: Vec<(Verdict, usize)>,
    pending: usize,
    attention: usize,
}

/// Every owner, those with something needing attention first, then by name.
fn owner_lines(rows: &[SpaceRow]) -> Vec<OwnerLine> {
    let mut owners: BTreeMap<String, (String, [usize; 9], usize, usize)> = BTreeMap::new();
    for row in rows {
        let entry = owners
            .entry(row.id.owner().to_ascii_lowercase())
            .or_insert_with(|| (row.id.owner().to_owned(), [0; 9], 0, 0));
        match &row.state {
            Some(state) => {
                let i = Verdict::ALL.iter().position(|v| *v == state.verdict);
                entry.1[i.unwrap_or(0)] += 1;
            }
            None => entry.2 += 1,
        }
        entry.3 += usize::from(needs_attention(row));
    }
    let mut lines: Vec<OwnerLine> = owners
        .into_values()
        .map(|(owner, counts, pending, attention)| OwnerLine {
            owner,
            counts: Verdict::ALL
                .into_iter()
                .zip(counts)
                .filter(|(_, n)| *n > 0)
                .collect(),
            pending,
            attention,
        })
        .collect();
    lines.sort_by_key(|line| line.attention == 0);
    lines
}

fn owner_line(d: &StatusData, line: &OwnerLine) -> Markup {
    let ui = &d.ui;
    let mut parts: Vec<String> = line
        .counts
        .iter()
        .map(|(v, n)| {
            t!(
                ui.lang,
                "scale-owner-count",
                count = *n,
                verdict = ui.verdict(v.as_str())
            )
        })
        .collect();
    if line.pending > 0 {
        let pending = ui.t("verdict-pending");
        parts.push(t!(
            ui.lang,
            "scale-owner-count",
            count = line.pending,
            verdict = pending
        ));
    }
    html! {
        li.bad[line.attention > 0] data-owner=(line.owner) {
            a href={ "/owner/" (line.owner) } { (line.owner) }
            (ui.t("list-colon")) (parts.join(&ui.t("list-separator")))
        }
    }
}

/// The matching Spaces as rows, grouped by owner, a page at a time.
fn rows(d: &StatusData, viewer: &Viewer, shown: &[&SpaceRow]) -> Markup {
    let ui = &d.ui;
    let (slice, page, pages) = page_of(shown, d.filter.page, PAGE_ROWS);
    html! {
        h2 { (ui.t("status-spaces")) }
        @if shown.is_empty() {
            p.empty { (ui.t("status-none-match")) }
        } @else {
            @for (owner, rows) in owner_groups(slice) { (owner_section(d, viewer, &owner, &rows)) }
            (pager(d, page, pages))
        }
    }
}

/// The verdict choice beside the name box, on a collapsed page.
pub(super) fn verdict_select(d: &StatusData) -> Markup {
    let ui = &d.ui;
    let chosen = d.filter.verdict;
    let option = |filter: VerdictFilter, text: String| {
        html! { option value=(filter.as_str()) selected[chosen == Some(filter)] { (text) } }
    };
    html! {
        select name="verdict" aria-label=(ui.t("scale-verdict-label")) {
            option value="" selected[chosen.is_none()] { (ui.t("scale-verdict-all")) }
            (option(VerdictFilter::Attention, ui.t("status-needs-attention")))
            @for v in Verdict::ALL { (option(VerdictFilter::Is(v), ui.verdict(v.as_str()))) }
            (option(VerdictFilter::Pending, ui.t("verdict-pending")))
        }
    }
}
