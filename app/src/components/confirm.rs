//! Irreversible actions ask first. The question is asked on the submit button's click, before
//! the form's own submit handler: cancelling it stops the action, and nothing is sent.

use crate::i18n::*;

/// A click handler for the submit button of an action that cannot be undone: the browser's
/// confirmation, in the user's language, names what happens and that it cannot be taken back.
pub fn confirm_first(
    i18n: leptos_i18n::I18nContext<Locale>,
    zh: &'static str,
    en: &'static str,
) -> impl Fn(leptos::ev::MouseEvent) + Clone + 'static {
    move |ev| {
        let message = if i18n.get_locale_untracked() == Locale::en { en } else { zh };
        #[cfg(feature = "hydrate")]
        {
            let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(message).ok()).unwrap_or(true);
            if !confirmed {
                ev.prevent_default();
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, message);
    }
}
