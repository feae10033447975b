//! How an incident ended, as stored (`back to up`, `fixed by restart`: English, the
//! words every earlier version wrote and `/api/v1` returns) and as a person reads it
//! in their language. The stored text is the code: it is made here and read back here,
//! so the two cannot drift. Text another version stored is shown as it is.

use crate::domain::{RepairStep, Verdict};
use crate::i18n::{Lang, has_message};
use crate::t;

const BACK_TO: &str = "back to ";
const FIXED_BY: &str = "fixed by ";

/// The Space came back on its own (or after someone else's action) to `verdict`.
pub(super) fn back_to(verdict: Verdict) -> String {
    format!("{BACK_TO}{verdict}")
}

/// A rung of the repair ladder brought the Space back.
pub(super) fn fixed_by(step: RepairStep) -> String {
    format!("{FIXED_BY}{}", step.as_str())
}

/// A stored resolution in `lang`: `恢复为正常`, `通过重启修复`.
pub fn resolution_in(lang: Lang, stored: &str) -> String {
    if let Some(verdict) = stored.strip_prefix(BACK_TO).and_then(Verdict::parse) {
        let id = format!("verdict-{}", verdict.as_str().replace('_', "-"));
        let verdict = t!(lang, &id);
        return t!(lang, "resolution-back-to", verdict = verdict);
    }
    if let Some(step) = stored.strip_prefix(FIXED_BY) {
        let id = format!("action-kind-{step}");
        if has_message(lang, &id) {
            let step = t!(lang, &id);
            return t!(lang, "resolution-fixed-by", step = step);
        }
    }
    stored.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_words_stay_and_read_in_either_language() {
        let zh = Lang::exact("zh-CN").unwrap();
        let back = back_to(Verdict::Up);
        let fixed = fixed_by(RepairStep::FactoryRebuild);
        assert_eq!(
            (back.as_str(), fixed.as_str()),
            ("back to up", "fixed by rebuild")
        );
        assert_eq!(resolution_in(Lang::EN, &back), "back to up");
        assert_eq!(resolution_in(Lang::EN, &fixed), "fixed by rebuild");
        assert_eq!(resolution_in(zh, &back), "恢复为正常");
        assert_eq!(resolution_in(zh, &fixed), "通过重建修复");
        let sleeping = back_to(Verdict::Sleeping);
        assert_eq!(resolution_in(zh, &sleeping), "恢复为休眠");
        // Another version's words, shown as they are.
        assert_eq!(resolution_in(zh, "fixed by magic"), "fixed by magic");
        assert_eq!(resolution_in(zh, "closed by hand"), "closed by hand");
    }
}
