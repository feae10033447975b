//! The token self-test at startup: `whoami` once for each distinct token the watch list
//! uses, so a token that cannot restart an owner's Spaces is reported before the first
//! repair fails on it. Reported once: in the log, in `/status` and on the page.
//!
//! A token cannot restart an owner's Spaces when the Hub refuses it (401), when its role
//! is `read`, or when the owner is neither its user nor one of its organizations (the
//! Hub answers 403 to a restart by someone else). A fine-grained token's scopes are not
//! in the documented `whoami` answer, so it is judged by its user and organizations like
//! any other. A Hub that cannot answer now (429, 5xx) reports nothing.
//!
//! The sentence is written from the verdict in the reader's language
//! (`TokenVerdict::sentence_in`); the English one is kept in `problem` for the log.

use std::collections::BTreeMap;

use super::Monitor;
use crate::domain::WatchTarget;
use crate::hub::{HubError, WhoAmI, credential_key};
use crate::i18n::Lang;
use crate::t;

/// One owner whose Spaces its token cannot restart, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenProblem {
    pub owner: String,
    /// The sentence in English (the log's, and any reader without a language).
    pub problem: String,
    /// What it was judged: the sentence in a reader's language is written from this.
    pub verdict: TokenVerdict,
}

impl Monitor {
    /// Runs the self-test, logs and keeps what it found (see `token_problems`).
    pub async fn check_tokens(&self) -> Vec<TokenProblem> {
        let config = &self.inner.config;
        let mut owners: Vec<String> = config
            .watch
            .iter()
            .map(|t| match t {
                WatchTarget::Space(id) => id.owner().to_owned(),
                WatchTarget::Owner(owner) => owner.clone(),
            })
            .collect();
        owners.sort_by_key(|o| o.to_ascii_lowercase());
        owners.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
        // One whoami per distinct token: the endpoint is heavily rate-limited.
        let mut answers: BTreeMap<u64, Result<WhoAmI, HubError>> = BTreeMap::new();
        let mut problems = Vec::new();
        for owner in owners {
            let answer = match config.token_for(&owner) {
                None => None,
                Some(token) => {
                    let key = credential_key(Some(token));
                    if let std::collections::btree_map::Entry::Vacant(slot) = answers.entry(key) {
                        slot.insert(self.inner.hub.whoami(token).await);
                    }
                    answers.get(&key)
                }
            };
            let verdict = TokenVerdict::judge(&owner, answer);
            if let TokenVerdict::Unanswered(why) = &verdict {
                // Nothing is known: a Hub busy now must not raise a notice on the page.
                tracing::info!(owner, error = %why, "token self-test: the Hub could not answer now");
            } else if verdict.severity(Severity::Problem) == Severity::Problem {
                let problem = verdict.sentence(&owner);
                problems.push(TokenProblem {
                    owner,
                    problem,
                    verdict,
                });
            }
        }
        for p in &problems {
            tracing::warn!(owner = %p.owner, "token self-test: {}", p.problem);
        }
        *self
            .inner
            .token_problems
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = problems.clone();
        problems
    }

    /// What the startup self-test found (empty before it ran, and when all is well).
    pub fn token_problems(&self) -> Vec<TokenProblem> {
        self.inner
            .token_problems
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }
}

/// What a token's `whoami` answer says about restarting one owner's Spaces: the one
/// judgment that the startup self-test and `spacewarden doctor` both print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenVerdict {
    /// No token at all for this owner: checked anonymously, never restarted.
    Missing,
    /// The Hub refuses the token (401).
    Refused,
    /// The Hub could not answer now (429, 5xx, network): nothing is known.
    Unanswered(String),
    /// The token's role is `read`.
    ReadOnly { user: String },
    /// The token is someone else's, outside the owner's organization.
    NotTheirs { user: String },
    /// The token is the owner's own.
    Own,
    /// The token's user is a member of the owner's organization.
    Member,
}

/// How much a verdict matters where it is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Fine,
    /// Works, but probably not as meant (or not known now).
    Warning,
    /// A restart of these Spaces would fail.
    Problem,
}

impl TokenVerdict {
    /// Judges `owner`'s token from the `whoami` answer for it (`None`: no token).
    pub fn judge(owner: &str, answer: Option<&Result<WhoAmI, HubError>>) -> TokenVerdict {
        let me = match answer {
            None => return TokenVerdict::Missing,
            Some(Ok(me)) => me,
            Some(Err(HubError::Unauthorized(_))) => return TokenVerdict::Refused,
            Some(Err(e)) => return TokenVerdict::Unanswered(e.summary()),
        };
        let user = me.name.clone();
        if me.token_role.as_deref() == Some("read") {
            TokenVerdict::ReadOnly { user }
        } else if me.name.eq_ignore_ascii_case(owner) {
            TokenVerdict::Own
        } else if me.orgs.iter().any(|o| o.eq_ignore_ascii_case(owner)) {
            TokenVerdict::Member
        } else {
            TokenVerdict::NotTheirs { user }
        }
    }

    /// How much it matters. `missing` is the one intended difference between the two
    /// readers: no token at all is a problem for the daemon, which was asked to keep
    /// these Spaces up, but only a warning for `doctor`, where an anonymous watch list is
    /// a legitimate choice.
    pub fn severity(&self, missing: Severity) -> Severity {
        match self {
            TokenVerdict::Missing => missing,
            TokenVerdict::Unanswered(_) => Severity::Warning,
            TokenVerdict::Refused
            | TokenVerdict::ReadOnly { .. }
            | TokenVerdict::NotTheirs { .. } => Severity::Problem,
            TokenVerdict::Own | TokenVerdict::Member => Severity::Fine,
        }
    }

    /// The sentence in English, without the owner's name in front. Never token text.
    pub fn sentence(&self, owner: &str) -> String {
        self.sentence_in(Lang::EN, owner)
    }

    /// The sentence in `lang` (message ids `token-verdict-*`).
    pub fn sentence_in(&self, lang: Lang, owner: &str) -> String {
        match self {
            TokenVerdict::Missing => t!(lang, "token-verdict-missing", owner = owner),
            TokenVerdict::Refused => t!(lang, "token-verdict-refused"),
            TokenVerdict::Unanswered(why) => {
                t!(lang, "token-verdict-unanswered", why = why.as_str())
            }
            TokenVerdict::ReadOnly { user } => {
                t!(lang, "token-verdict-read-only", user = user.as_str())
            }
            TokenVerdict::NotTheirs { user } => t!(
                lang,
                "token-verdict-not-theirs",
                user = user.as_str(),
                owner = owner
            ),
            TokenVerdict::Own => t!(lang, "token-verdict-own", owner = owner),
            TokenVerdict::Member => t!(lang, "token-verdict-member", owner = owner),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    /// The English sentence is the one the log and `/status` always printed; the
    /// Chinese one is written from the same verdict.
    #[test]
    fn the_sentence_reads_in_either_language() {
        let zh = Lang::exact("zh-CN").unwrap();
        let missing = TokenVerdict::Missing;
        assert_eq!(
            missing.sentence("alice"),
            "no token, a read-only fallback: its public Spaces are checked anonymously, \
             none can be restarted (set HF_USER=alice:<token> or HF_TOKEN)"
        );
        let read_only = TokenVerdict::ReadOnly { user: "bob".into() };
        assert_eq!(
            read_only.sentence("alice"),
            "bob's token is read-only, so its Spaces are checked but cannot be restarted, \
             rebuilt or paused; use a token with the write role"
        );
        assert_eq!(
            read_only.sentence_in(zh, "alice"),
            "bob 的令牌是只读的：其 Space 可以检查，但无法重启、重建或暂停；请使用具有 write 权限的令牌"
        );
        assert_eq!(
            TokenVerdict::Refused.sentence_in(zh, "alice"),
            "Hugging Face 拒绝了该令牌（401）：请创建新令牌"
        );
    }

    fn me(name: &str, role: Option<&str>, orgs: &[&str]) -> Result<WhoAmI, HubError> {
        Ok(WhoAmI {
            name: name.into(),
            kind: "user".into(),
            orgs: orgs.iter().map(|o| (*o).to_owned()).collect(),
            token_role: role.map(str::to_owned),
        })
    }

    /// An answer, its verdict, its severity for the daemon and for `doctor`.
    type Row = (
        Option<Result<WhoAmI, HubError>>,
        TokenVerdict,
        Severity,
        Severity,
    );

    /// The one table both the startup self-test and `doctor` print from.
    #[test]
    fn verdicts_and_their_severity_for_the_daemon_and_doctor() {
        use Severity::{Fine, Problem, Warning};
        let refused = Err(HubError::Unauthorized("no".into()));
        let busy = Err(HubError::RateLimited {
            retry_after: Duration::from_secs(1),
        });
        let rows: [Row; 7] = [
            (None, TokenVerdict::Missing, Problem, Warning),
            (Some(refused), TokenVerdict::Refused, Problem, Problem),
            (
                Some(me("Alice", Some("write"), &[])),
                TokenVerdict::Own,
                Fine,
                Fine,
            ),
            (
                Some(me("carol", None, &["Team"])),
                TokenVerdict::Member,
                Fine,
                Fine,
            ),
            (
                Some(me("alice", Some("read"), &[])),
                TokenVerdict::ReadOnly {
                    user: "alice".into(),
                },
                Problem,
                Problem,
            ),
            (
                Some(me("bob", Some("write"), &["other"])),
                TokenVerdict::NotTheirs { user: "bob".into() },
                Problem,
                Problem,
            ),
            (
                Some(busy),
                TokenVerdict::Unanswered(String::new()),
                Warning,
                Warning,
            ),
        ];
        for (answer, verdict, daemon, doctor) in rows {
            let owner = if verdict == TokenVerdict::Member {
                "team"
            } else {
                "alice"
            };
            let got = TokenVerdict::judge(owner, answer.as_ref());
            match (&got, &verdict) {
                (TokenVerdict::Unanswered(_), TokenVerdict::Unanswered(_)) => {}
                _ => assert_eq!(got, verdict, "{answer:?}"),
            }
            assert_eq!(got.severity(Severity::Problem), daemon, "{got:?}");
            assert_eq!(got.severity(Severity::Warning), doctor, "{got:?}");
            assert!(!got.sentence(owner).is_empty());
        }
    }
}
