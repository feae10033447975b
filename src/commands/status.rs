//! Read commands: `/status` (counts first, problems first, paged), `/status space` (one
//! Space in detail), `/spaces` (the watch list, paged). Every word is a message id in
//! the reader's language; stage names, hardware flavors and outside text (a Hub
//! error) stay as they are.

use std::sync::Arc;

use super::words::{self, ago, internal};
use super::{Block, Button, ButtonAction, ButtonStyle, CommandCore, Reply, Severity, SpaceLine};
use crate::domain::{SpaceId, Verdict, reason_in};
use crate::i18n::Lang;
use crate::store::{SpaceState, Uptime};
use crate::t;
use crate::view;

/// Lines per page: well inside Telegram's 4096 characters and Discord's limits.
pub const PAGE_SIZE: usize = 25;
const DETAIL_WIDTH: usize = 80;

/// Problems first, worst first.
fn rank(verdict: Verdict) -> u8 {
    match verdict {
        Verdict::Down => 0,
        Verdict::BrokenConfig => 1,
        Verdict::Degraded => 2,
        Verdict::UnknownStage => 3,
        Verdict::Unreachable => 4,
        Verdict::Starting => 5,
        Verdict::Sleeping => 6,
        Verdict::Paused => 7,
        Verdict::Up => 8,
    }
}

pub(super) fn short(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= DETAIL_WIDTH {
        return flat;
    }
    let cut: String = flat.chars().take(DETAIL_WIDTH - 1).collect();
    format!("{cut}…")
}

fn line(lang: Lang, state: &SpaceState) -> SpaceLine {
    let mut detail = state
        .stage
        .as_ref()
        .map(|s| s.to_string())
        .unwrap_or_else(|| "-".into());
    if let Some(error) = &state.error {
        detail.push_str(": ");
        detail.push_str(&short(&reason_in(lang, error)));
    }
    SpaceLine {
        space: state.space.to_string(),
        verdict: state.verdict,
        verdict_text: words::verdict(lang, state.verdict),
        detail,
    }
}

fn pct(value: Option<f64>) -> String {
    value.map_or("–".into(), |v| format!("{:.2} %", v * 100.0))
}

fn pager(lang: Lang, spaces: bool, page: usize, pages: usize) -> Vec<Button> {
    let mut row = Vec::new();
    if page > 0 {
        row.push(Button::new(
            t!(lang, "chat-page-prev"),
            ButtonAction::Page {
                spaces,
                page: (page - 1) as u32,
            },
            ButtonStyle::Secondary,
        ));
    }
    if page + 1 < pages {
        row.push(Button::new(
            t!(lang, "chat-page-next"),
            ButtonAction::Page {
                spaces,
                page: (page + 1) as u32,
            },
            ButtonStyle::Secondary,
        ));
    }
    row
}

impl CommandCore {
    /// The watched Spaces' states (the read model applies the watch-list rule).
    async fn states(&self, lang: Lang) -> Result<Vec<Arc<SpaceState>>, Reply> {
        view::watched_states(&self.monitor)
            .await
            .map_err(|e| internal(lang, "cannot read the Spaces", &e))
    }

    /// `/status`: counts by verdict, then the Spaces that are not up, worst first, a
    /// page at a time; the up ones are only counted.
    pub(super) async fn overview(&self, lang: Lang, page: usize) -> Reply {
        let mut states = match self.states(lang).await {
            Ok(states) => states,
            Err(reply) => return reply,
        };
        if states.is_empty() {
            return Reply::new(Severity::Info, t!(lang, "chat-status-none-checked"));
        }
        states.sort_by(|a, b| {
            rank(a.verdict)
                .cmp(&rank(b.verdict))
                .then(a.space.cmp(&b.space))
        });
        let counts: Vec<String> = Verdict::ALL
            .iter()
            .filter_map(|v| {
                let n = states.iter().filter(|s| s.verdict == *v).count();
                (n > 0).then(|| {
                    t!(
                        lang,
                        "chat-status-count",
                        count = n,
                        verdict = words::verdict(lang, *v)
                    )
                })
            })
            .collect();
        let problems: Vec<&SpaceState> = states
            .iter()
            .map(|s| &**s)
            .filter(|s| s.verdict != Verdict::Up)
            .collect();
        let worst = states.first().map_or(Verdict::Up, |s| s.verdict);
        let severity = if problems.is_empty() {
            Severity::Good
        } else {
            Severity::of(worst)
        };
        let title = t!(
            lang,
            "chat-status-title",
            total = states.len(),
            counts = counts.join(" · ")
        );
        let mut reply = Reply::new(severity, title);
        // Found by the token self-test at startup: repairs of these owners' Spaces fail.
        let tokens = self.monitor.token_problems();
        if !tokens.is_empty() {
            reply = reply.block(Block::Fields(
                tokens
                    .into_iter()
                    .map(|t| {
                        let problem = t.verdict.sentence_in(lang, &t.owner);
                        (t!(lang, "chat-status-token", owner = t.owner), problem)
                    })
                    .collect(),
            ));
        }
        if problems.is_empty() {
            return reply.text(t!(lang, "chat-status-all-up"));
        }
        reply = reply.text(t!(lang, "chat-status-attention", count = problems.len()));
        let pages = problems.len().div_ceil(PAGE_SIZE);
        let page = page.min(pages - 1);
        let shown: Vec<SpaceLine> = problems
            .iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|s| line(lang, s))
            .collect();
        reply = reply.block(Block::Spaces(shown));
        let up = states.len() - problems.len();
        let mut footer = Vec::new();
        if pages > 1 {
            footer.push(t!(
                lang,
                "chat-status-problems-page",
                page = page + 1,
                pages = pages
            ));
        }
        if up > 0 {
            footer.push(t!(lang, "chat-status-more-up", count = up));
        }
        if !footer.is_empty() {
            reply = reply.text(footer.join(" · "));
        }
        reply.buttons(pager(lang, false, page, pages))
    }

    /// `/spaces`: every Space with its verdict, a page at a time.
    pub(super) async fn space_list(&self, lang: Lang, page: usize) -> Reply {
        let states = match self.states(lang).await {
            Ok(states) => states,
            Err(reply) => return reply,
        };
        let watched: Vec<String> = self
            .monitor
            .config()
            .watch
            .iter()
            .map(|t| t.to_string())
            .collect();
        let mut reply = Reply::new(
            Severity::Info,
            t!(
                lang,
                "chat-spaces-title",
                watched = watched.join(", "),
                count = states.len()
            ),
        );
        if states.is_empty() {
            return reply;
        }
        let pages = states.len().div_ceil(PAGE_SIZE);
        let page = page.min(pages - 1);
        let shown: Vec<SpaceLine> = states
            .iter()
            .skip(page * PAGE_SIZE)
            .take(PAGE_SIZE)
            .map(|s| line(lang, s))
            .collect();
        reply = reply.block(Block::Spaces(shown));
        if pages > 1 {
            reply = reply.text(t!(lang, "chat-page-of", page = page + 1, pages = pages));
        }
        reply.buttons(pager(lang, true, page, pages))
    }

    /// `/status space`: stage, hardware, last check, uptime, the open incident.
    pub(super) async fn detail(&self, lang: Lang, id: SpaceId) -> Reply {
        let now = self.monitor.now();
        let row = match view::space_detail(&self.monitor, &id).await {
            Ok(Some(row)) => row,
            // `resolve` let only watched Spaces through.
            Ok(None) => return Reply::error(t!(lang, "chat-not-watched", space = id.to_string())),
            Err(e) => return internal(lang, &format!("cannot read {id}"), &e),
        };
        let Some(state) = row.state else {
            return Reply::new(
                Severity::Info,
                t!(lang, "chat-detail-unchecked", space = id.to_string()),
            );
        };
        let name = |id: &str| t!(lang, id);
        let mut fields = vec![
            (
                name("chat-detail-verdict"),
                words::verdict(lang, state.verdict),
            ),
            (
                name("chat-detail-stage"),
                state
                    .stage
                    .as_ref()
                    .map_or_else(|| name("chat-detail-stage-unknown"), |s| s.to_string()),
            ),
            (
                name("chat-detail-hardware"),
                state.hardware.clone().unwrap_or_else(|| "–".into()),
            ),
            (
                name("chat-detail-last-check"),
                ago(lang, now - state.last_check),
            ),
            (name("chat-detail-uptime"), uptime_line(&row.uptime)),
        ];
        if let Some(until) = state.muted_until.filter(|u| *u > now) {
            fields.push((name("chat-detail-muted-until"), self.absolute(until)));
        }
        if let Some(cause) = &state.cause {
            fields.push((
                name("chat-detail-cause"),
                format!("{}: {}", cause.code, short(&cause.summary)),
            ));
        }
        if let Some(incident) = &row.incident {
            let cause = incident
                .root_cause()
                .map(|c| c.code.to_string())
                .or_else(|| {
                    incident
                        .cause
                        .as_deref()
                        .map(|c| short(&reason_in(lang, c)))
                })
                .unwrap_or_else(|| words::verdict_code(lang, &incident.verdict));
            let since = t!(
                lang,
                "chat-detail-incident-since",
                at = self.absolute(incident.opened()),
                ago = ago(lang, now - incident.opened()),
                cause = cause
            );
            fields.push((name("chat-detail-incident"), since));
        }
        let mut reply =
            Reply::new(Severity::of(state.verdict), id.to_string()).block(Block::Fields(fields));
        let evidence = state
            .cause
            .as_ref()
            .map(|c| &c.evidence)
            .filter(|e| !e.is_empty());
        match (evidence, &state.error) {
            // The line that says why, rather than the whole errorMessage.
            (Some(evidence), _) => reply = reply.block(Block::Code(vec![short(evidence)])),
            (None, Some(error)) => {
                reply = reply.block(Block::Code(vec![short(&reason_in(lang, error))]));
            }
            (None, None) => {}
        }
        reply
    }
}

fn uptime_line(uptime: &Uptime) -> String {
    format!(
        "{} / {} / {}",
        pct(uptime.h24),
        pct(uptime.d7),
        pct(uptime.d30)
    )
}
