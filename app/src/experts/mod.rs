//! The expert pool (专家库): experts keep their own profile and declarations current (categories,
//! region, employers of the last three years, organisations they or close relatives hold office
//! in, days they cannot review); the pool manager (admin) sees the pool and imports it.

pub mod page;
#[cfg(feature = "ssr")]
pub mod server;

use crate::domain::evaluation::pool::ExpertInput;
use crate::domain::evaluation::Category;
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// An expert of the pool as the pool manager sees it (the ID number masked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolExpert {
    pub user_id: String,
    pub username: String,
    pub name: String,
    pub masked_id: String,
    pub categories: Vec<Category>,
    pub region_code: Option<String>,
    pub employer: String,
    /// In the pool (the expert's own flag) and the account is active.
    pub available: bool,
    pub updated_at: Option<i64>,
}

/// The expert's own profile form: what is on file, the ID number masked (left empty, it stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnExpertProfile {
    pub input: ExpertInput,
    pub masked_id: Option<String>,
    pub updated_at: Option<i64>,
}

/// One account made by an import; the initial password is shown once, to the pool manager.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedExpert {
    pub username: String,
    pub name: String,
    pub initial_password: Option<String>,
}

#[server(endpoint = "my_expert_profile")]
pub async fn my_expert_profile() -> Result<OwnExpertProfile, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let expert = auth::require(&[Role::Expert]).await?;
    server::mine(&auth::state()?.db, &expert.id).await
}

#[server(endpoint = "save_expert_profile")]
pub async fn save_expert_profile(input: ExpertInput) -> Result<(), AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let expert = auth::require(&[Role::Expert]).await?;
    let state = auth::state()?;
    server::save(&state.db, &expert, &input, state.now_ms()).await.inspect_err(auth::set_status)
}

/// The pool, for its manager.
#[server(endpoint = "expert_pool")]
pub async fn expert_pool() -> Result<Vec<PoolExpert>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    auth::require(&[Role::Admin]).await?;
    server::pool_view(&auth::state()?.db).await
}

/// Imports experts from CSV (columns in `domain::evaluation::pool::IMPORT_COLUMNS`): new accounts
/// get an initial password, existing experts' profiles are replaced. All or nothing.
#[server(endpoint = "import_experts")]
pub async fn import_experts(csv: String) -> Result<Vec<ImportedExpert>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let admin = auth::require(&[Role::Admin]).await?;
    let state = auth::state()?;
    let rows = crate::domain::evaluation::pool::parse_import(&csv).map_err(AppError::Validation);
    server::import(&state.db, &admin, rows?, state.now_ms()).await.inspect_err(auth::set_status)
}

/// Imports experts from an uploaded file, the field `file`: an Excel workbook (.xlsx, its first
/// sheet) or a CSV file, with the columns of [`import_experts`]. All or nothing.
#[server(endpoint = "import_experts_file", input = server_fn::codec::MultipartFormData)]
pub async fn import_experts_file(data: server_fn::codec::MultipartData) -> Result<Vec<ImportedExpert>, AppError> {
    use crate::identity::Role;
    use crate::server::auth;
    let admin = auth::require(&[Role::Admin]).await?;
    let state = auth::state()?;
    let result = async {
        let bytes = server::read_import_file(data).await?;
        let rows = server::file_rows(&bytes)?;
        server::import(&state.db, &admin, rows, state.now_ms()).await
    };
    result.await.inspect_err(auth::set_status)
}
