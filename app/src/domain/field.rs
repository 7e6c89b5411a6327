//! A field-level input problem, in both languages; the domain reports these and the edge
//! sends them as they are.

use serde::{Deserialize, Serialize};

/// A field-level validation problem: which input, which rule, and both languages' text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub code: String,
    pub message_zh: String,
    pub message_en: String,
}

impl FieldError {
    pub fn new(field: &str, code: &str, message_zh: &str, message_en: &str) -> Self {
        Self {
            field: field.to_string(),
            code: code.to_string(),
            message_zh: message_zh.to_string(),
            message_en: message_en.to_string(),
        }
    }
}
