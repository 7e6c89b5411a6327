//! One error type for every server function and API route. The client receives a stable
//! *code* (and, for validation, the offending fields); the UI translates codes. Internal
//! details (database messages, paths) are logged on the server and never sent.

use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

pub use crate::domain::field::FieldError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "code", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("not found")]
    NotFound,
    #[error("wrong username or password")]
    InvalidCredentials,
    #[error("too many failed sign-in attempts")]
    TooManyAttempts,
    #[error("invalid input")]
    Validation(Vec<FieldError>),
    #[error("conflict: {0}")]
    Conflict(String),
    /// Arguments that do not decode (malformed, missing, of the wrong type): the parser's text
    /// is logged, not sent.
    #[error("malformed request")]
    BadRequest,
    #[error("request too large")]
    PayloadTooLarge,
    #[error("internal error")]
    Internal,
    /// Transport-level failure of a server function (network, decoding).
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    /// The stable code the UI and API clients match on.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::InvalidCredentials => "invalid_credentials",
            AppError::TooManyAttempts => "too_many_attempts",
            AppError::Validation(_) => "validation",
            AppError::Conflict(_) => "conflict",
            AppError::BadRequest => "bad_request",
            AppError::PayloadTooLarge => "payload_too_large",
            AppError::Internal => "internal",
            AppError::Transport(_) => "transport",
        }
    }

    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::InvalidCredentials => 401,
            AppError::TooManyAttempts => 429,
            AppError::Validation(_) => 422,
            AppError::Conflict(_) => 409,
            AppError::BadRequest => 400,
            AppError::PayloadTooLarge => 413,
            AppError::Internal | AppError::Transport(_) => 500,
        }
    }

    pub fn field(field: &str, code: &str, zh: &str, en: &str) -> Self {
        AppError::Validation(vec![FieldError::new(field, code, zh, en)])
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            // On the server: the request's arguments did not decode.
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                #[cfg(feature = "ssr")]
                tracing::info!(error = %value, "server function arguments refused");
                AppError::BadRequest
            }
            other => AppError::Transport(other.to_string()),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}
