//! `/history space`: a Space's last incidents and actions, times in `TZ` (the offset
//! said once, in the title), words in the reader's language, resolutions too (read
//! back from their stored words). Causes and Hub answers are shown as stored.

use super::status::short;
use super::words::{self, internal, span};
use super::{Block, CommandCore, Reply, Severity};
use crate::domain::{SpaceId, reason_in};
use crate::i18n::Lang;
use crate::t;
use crate::view::{self, Reach};

impl CommandCore {
    pub(super) async fn history(&self, lang: Lang, id: SpaceId) -> Reply {
        let now = self.monitor.now();
        let reach = Reach::Latest {
            incidents: 5,
            actions: 10,
            checks: 0,
        };
        let (incidents, actions) = match view::history(&self.monitor, &id, reach).await {
            Ok(history) => (history.incidents, history.actions),
            Err(e) => return internal(lang, &format!("cannot read the history of {id}"), &e),
        };
        let title = t!(
            lang,
            "chat-history-title",
            space = id.to_string(),
            offset = self.offset(now)
        );
        let mut reply = Reply::new(Severity::Info, title);
        if incidents.is_empty() && actions.is_empty() {
            return reply.text(t!(lang, "chat-history-empty"));
        }
        let incident_lines: Vec<String> = incidents
            .iter()
            .map(|i| {
                let lasted = span(lang, i.duration(now));
                let state = match &i.resolution {
                    Some(r) => t!(
                        lang,
                        "chat-history-lasted",
                        lasted = lasted,
                        resolution = crate::monitor::resolution_in(lang, r.as_str())
                    ),
                    None => t!(lang, "chat-history-open", lasted = lasted),
                };
                t!(
                    lang,
                    "chat-history-incident",
                    at = self.short_time(i.opened()),
                    verdict = words::verdict_code(lang, &i.verdict),
                    cause = short(
                        &i.cause
                            .as_deref()
                            .map_or("-".into(), |c| reason_in(lang, c))
                    ),
                    state = state
                )
            })
            .collect();
        let action_lines: Vec<String> = actions
            .iter()
            .map(|a| {
                let kind = a.kind.to_string();
                let result = match a.result.as_deref() {
                    Some(result) => words::stored_word(lang, "action-result", result)
                        .unwrap_or_else(|| result.to_owned()),
                    None => t!(lang, "action-in-progress"),
                };
                t!(
                    lang,
                    "chat-history-action",
                    at = self.short_time(a.started()),
                    kind = words::stored_word(lang, "action-kind", &kind).unwrap_or(kind),
                    actor = a.actor.to_string(),
                    result = result
                )
            })
            .collect();
        if !incident_lines.is_empty() {
            reply = reply
                .text(t!(lang, "chat-history-incidents"))
                .block(Block::Code(incident_lines));
        }
        if !action_lines.is_empty() {
            reply = reply
                .text(t!(lang, "chat-history-actions"))
                .block(Block::Code(action_lines));
        }
        reply
    }
}
