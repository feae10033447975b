//! The command menu (`setMyCommands`), from the catalogue: read commands for everyone,
//! every command in each admin's private chat; once in English for every language
//! without a menu of its own (`language_code` empty), then once per other language file
//! under its two-letter ISO 639-1 code (`zh`), as the Bot API takes it. Cosmetic: a
//! failing call is logged and changes nothing else.

use teloxide::payloads::SetMyCommandsSetters;
use teloxide::prelude::Requester;
use teloxide::types::{BotCommand, BotCommandScope, ChatId, Recipient};

use super::TgBot;
use crate::commands::{CATALOGUE, CommandCore, Role};
use crate::i18n::Lang;

/// Every menu, English first.
pub(super) async fn set_all(bot: &TgBot, core: &CommandCore) {
    for lang in Lang::all() {
        let code = menu_code(lang);
        if lang != Lang::EN && code.is_empty() {
            continue;
        }
        set_menus(bot, core, lang, &code).await;
    }
}

/// The `language_code` of `lang`'s menu: `""` (everyone else) for English, else the
/// tag's two-letter ISO 639-1 language (`zh-CN` → `zh`); `""` when it has none.
fn menu_code(lang: Lang) -> String {
    if lang == Lang::EN {
        return String::new();
    }
    let primary = lang.tag().split('-').next().unwrap_or("");
    match primary.len() == 2 && primary.bytes().all(|b| b.is_ascii_alphabetic()) {
        true => primary.to_ascii_lowercase(),
        false => String::new(),
    }
}

/// The menus in `lang` from the catalogue: what readers may use for everyone, the full
/// list in each admin's private chat.
async fn set_menus(bot: &TgBot, core: &CommandCore, lang: Lang, code: &str) {
    let menu = |all: bool| {
        CATALOGUE
            .iter()
            .filter(|spec| all || spec.role <= Role::Reader)
            .map(|spec| BotCommand::new(spec.name, spec.description_in(lang)))
            .collect::<Vec<_>>()
    };
    if let Err(e) = bot.set_my_commands(menu(false)).language_code(code).await {
        tracing::warn!(error = %e, lang = %lang, "telegram: setMyCommands failed (the menu is cosmetic)");
    }
    for admin_id in &core.access().telegram_admins {
        let scope = BotCommandScope::Chat {
            chat_id: Recipient::Id(ChatId(*admin_id)),
        };
        let request = bot
            .set_my_commands(menu(true))
            .scope(scope)
            .language_code(code);
        if let Err(e) = request.await {
            tracing::warn!(error = %e, lang = %lang, "telegram: setMyCommands for an admin failed (cosmetic)");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_s_menu_code_is_two_letters_or_empty() {
        assert_eq!(menu_code(Lang::EN), "");
        assert_eq!(menu_code(Lang::exact("zh-CN").unwrap()), "zh");
    }
}
