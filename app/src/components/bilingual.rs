//! Text that is data rather than UI strings (option lists, server messages), shown in the
//! user's language.

use crate::i18n::*;

/// A fixed label in the user's language.
pub fn lz(
    i18n: leptos_i18n::I18nContext<Locale>,
    zh: &'static str,
    en: &'static str,
) -> impl Fn() -> &'static str + Send + Sync + Copy + 'static {
    move || if i18n.get_locale() == Locale::en { en } else { zh }
}

/// A message that came with both languages (a verdict, a server message).
pub fn localized(
    i18n: leptos_i18n::I18nContext<Locale>,
    zh: String,
    en: String,
) -> impl Fn() -> String + Send + Sync + 'static {
    move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }
}
