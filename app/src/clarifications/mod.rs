//! Clarification questions (澄清) on a published tender: bidders ask, an officer answers, and the
//! answer is published to everyone without the asker's identity.

pub mod qa;
#[cfg(feature = "ssr")]
pub mod server;

use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A clarification question and its published answer; the asker is never named.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClarificationView {
    pub id: String,
    pub question: String,
    pub asked_at: i64,
    pub answer: Option<String>,
    pub answered_at: Option<i64>,
    /// Asked by the viewer.
    pub mine: bool,
}

/// Questions and answers of a published tender (no sign-in needed for the answered ones).
#[server(endpoint = "clarifications")]
pub async fn clarifications(id: String) -> Result<Vec<ClarificationView>, AppError> {
    use crate::server::auth;
    let viewer = auth::current_user().await?;
    server::list(&auth::state()?.db, viewer.as_ref(), &id).await.inspect_err(auth::set_status)
}

#[server(endpoint = "ask_question")]
pub async fn ask_question(id: String, question: String) -> Result<String, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let bidder = auth::require(&[Role::Bidder]).await?;
    let state = auth::state()?;
    server::ask(&state.db, &bidder, &id, &question, state.now_ms()).await.inspect_err(auth::set_status)
}

#[server(endpoint = "answer_question")]
pub async fn answer_question(question_id: String, answer: String) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let officer = auth::require(&[Role::Officer]).await?;
    let state = auth::state()?;
    server::answer(&state.db, &officer, &question_id, &answer, state.now_ms()).await.inspect_err(auth::set_status)
}
