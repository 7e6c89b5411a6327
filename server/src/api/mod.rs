//! The versioned JSON API under `/api/v1`. One module per resource, each exporting its
//! `router()`; the catalogue below feeds both the OpenAPI document and the route × role tests.

mod audit;
mod bids;
mod calc;
mod calendar;
mod contracts;
mod evaluation;
pub mod files;
mod health;
mod low_price;
mod openapi;
mod opening;
mod session;
mod templates;
mod tenders;
mod test_clock;
mod users;

use app::error::AppError;
use app::identity::{Role, SessionUser};
use app::server::auth;
use app::server::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde_json::json;

pub fn router(state: &AppState) -> Router<AppState> {
    let api = Router::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(session::router())
        .merge(users::router())
        .merge(audit::router())
        .merge(templates::router())
        .merge(calc::router())
        .merge(calendar::router())
        .merge(tenders::router())
        .merge(bids::router())
        .merge(opening::router())
        .merge(contracts::router())
        .merge(evaluation::router())
        .merge(low_price::router());
    if state.settings.test_mode {
        api.merge(test_clock::router())
    } else {
        api
    }
}

pub use app::identity::Access;

/// One documented route of the JSON API.
#[derive(Debug, Clone, Copy)]
pub struct RouteDoc {
    pub method: &'static str,
    /// Path below `/api/v1`.
    pub path: &'static str,
    pub summary: &'static str,
    pub access: Access,
    /// Only mounted when the server runs with `--test-mode`.
    pub test_mode_only: bool,
    /// An example request body (JSON), shown in the OpenAPI document and sent by the route tests.
    pub example: Option<&'static str>,
}

pub const ROUTES: &[RouteDoc] = &[
    RouteDoc { method: "get", path: "/health", summary: "Liveness, build version and database backend", access: Access::Public, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/openapi.json", summary: "This OpenAPI document", access: Access::Public, test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/session", summary: "Sign in (sets the session cookie)", access: Access::Public, test_mode_only: false, example: Some("{\"username\": \"officer\", \"password\": \"caiping-demo\"}") },
    RouteDoc { method: "delete", path: "/session", summary: "Sign out", access: Access::AnySignedIn, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/me", summary: "The signed-in user", access: Access::AnySignedIn, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/users", summary: "List accounts", access: Access::Roles(&[Role::Admin]), test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/users", summary: "Create an account", access: Access::Roles(&[Role::Admin]), test_mode_only: false, example: Some("{\"username\": \"new.expert\", \"display_name\": \"新专家\", \"role\": \"expert\", \"org_id\": null, \"password\": \"0123456789abc\"}") },
    RouteDoc { method: "get", path: "/audit", summary: "Latest audit-log entries", access: Access::Roles(&[Role::Auditor, Role::Admin]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/templates", summary: "Scheme templates shipped with caiping", access: Access::AnySignedIn, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/templates/{id}", summary: "One template with the linter's warnings", access: Access::AnySignedIn, test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/templates", summary: "Store a template derived from another (validated)", access: Access::Roles(&[Role::Officer, Role::Admin]), test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/templates/validate", summary: "Validate a derived template (errors by field, lint warnings)", access: Access::Roles(&[Role::Officer, Role::Admin]), test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/calc/qualification", summary: "Organisation and team against a template's rules", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"template\": \"suzhou-street-4plus1\", \"organisation\": {\"legal_form\": \"private_non_enterprise\", \"registration_level\": \"county\", \"civil_affairs_registration\": true, \"social_work_scope\": true, \"board\": [\"social_worker\", null], \"staff\": []}}") },
    RouteDoc { method: "post", path: "/calc/scores", summary: "Mean expert scores plus price points, ranked", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"method\": \"open_tender\", \"criteria\": [{\"id\": \"plan\", \"max_points\": \"80\"}], \"bids\": [{\"bid\": \"A\", \"price\": \"600000\"}, {\"bid\": \"B\", \"price\": \"630000\"}], \"expert_scores\": [[[\"70\"], [\"75\"]], [[\"72\"], [\"74\"]]], \"price_weight_pct\": \"20\"}") },
    RouteDoc { method: "post", path: "/calc/dongguan/composite", summary: "Dongguan composite score and star rating", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"indicator_score\": \"90\", \"service_person_times\": \"2500\", \"resident_population\": \"10000\", \"satisfaction_pct\": \"80\"}") },
    RouteDoc { method: "post", path: "/calc/dongguan/subsidy", summary: "Dongguan city subsidy per site", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"renovated_area_m2\": \"1500\", \"operator_cost_yuan\": \"700000\"}") },
    RouteDoc { method: "post", path: "/calc/shenzhen/application", summary: "Shenzhen eligibility, project selection and grant", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"premises_available\": true, \"residents_consulted\": 100, \"residents_agreeing\": 51, \"centre_operating_months\": 12, \"selected\": [\"residents-council\", \"community-web\", \"stress-room\", \"family-education\", \"waste-sorting\", \"elderly-alarm\", \"women-children\", \"health-checks\", \"clothes-recycling\", \"parcel-lockers\"], \"district_matches\": true}") },
    RouteDoc { method: "post", path: "/calc/henan/norms", summary: "Henan staffing and facility norms", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"households\": 1500, \"temporary_residents\": 1000, \"residents\": 4500, \"kind\": \"urban_community\"}") },
    RouteDoc { method: "post", path: "/calc/deadline", summary: "Statutory deadline in Chinese working days", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"step\": \"objection\", \"from\": \"2026-11-23\"}") },
    RouteDoc { method: "post", path: "/calc/timeline", summary: "Check a tender timeline against the statutory minimums", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"method\": \"open_tender\", \"documents_from\": \"2026-11-02\", \"documents_until\": \"2026-11-09\", \"bid_deadline\": \"2026-11-22\"}") },
    RouteDoc { method: "post", path: "/calc/panel", summary: "Check an evaluation panel's composition", access: Access::AnySignedIn, test_mode_only: false, example: Some("{\"panel\": {\"purchaser_representatives\": 1, \"experts\": 4}, \"context\": {\"method\": \"open_tender\", \"budget_yuan\": \"600000\", \"complex_or_high_impact\": false}}") },
    RouteDoc { method: "get", path: "/calendar", summary: "Working-day calendar in force (shipped and added years)", access: Access::AnySignedIn, test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/calendar", summary: "Add the holiday notice of a new year", access: Access::Roles(&[Role::Admin]), test_mode_only: false, example: Some("{\"calendar_toml\": \"[[year]]\\nyear = 2027\\nsource = \\\"国务院办公厅关于2027年部分节假日安排的通知\\\"\\nholidays = [\\\"2027-01-01\\\"]\\nworking_weekends = []\\n\"}") },
    RouteDoc { method: "post", path: "/tenders/{id}/bids", summary: "Submit or replace a sealed bid before the deadline (multipart: lot (repeated), price_<lot>, technical and qualification as PDF or zip); prices and files are encrypted until the opening", access: Access::Roles(&[Role::Bidder]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/bids/{bid_id}/files/{kind}", summary: "A bid's document (technical or qualification), decrypted, once the bids are open; the tender's own purchaser side only", access: Access::Roles(&[Role::Officer, Role::Auditor]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/bids/{bid_id}/files/{kind}/{lot}", summary: "A lot's own technical proposal (tenders that take one per lot), decrypted, once the bids are open; the tender's own purchaser side only", access: Access::Roles(&[Role::Officer, Role::Auditor]), test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/tenders/{id}/attachments", summary: "Attach a document (multipart file: PDF or zip) to a draft tender", access: Access::Roles(&[Role::Officer]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/attachments/{sha256}", summary: "A tender's attachment; public once published", access: Access::Public, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/document.pdf", summary: "The tender document (招标文件: instructions, requirements, scoring, service content, attachments) of the current version as PDF; public once published, and a draft's preview for its own purchaser side", access: Access::Public, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders", summary: "Published notices, newest first, a page of 50 at a time: ?q= (project number, title, buyer, region or scheme), status, region, scheme, after (the previous page's next)", access: Access::Public, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/notice.pdf", summary: "The tender notice (招标公告) of the current version as PDF; public once published, and a draft's preview for its own purchaser side", access: Access::Public, test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/opening-record.pdf", summary: "The opening record (开标一览表) as PDF once opened; purchaser side, and bidders of that tender", access: Access::Roles(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/award-notice.pdf", summary: "The award notice (PDF) after the award; purchaser side, and bidders of the winning organisation only", access: Access::Roles(&[Role::Officer, Role::Auditor, Role::Admin, Role::Bidder]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/review/{alias}/proposal", summary: "A technical proposal by alias for a member of the tender's panel who signed the declaration: a PDF inline, a zip package as a list of its files ({id} names the review: the tender's id, or `{tender}-{n}` for lot n's own panel where each lot has one)", access: Access::Roles(&[Role::Expert, Role::Officer]), test_mode_only: false, example: None },
    RouteDoc { method: "post", path: "/tenders/{id}/low-price/{lot}/explanation", summary: "O87 art. 60: the bidder's written explanation of its price in a lot, with its evidence (multipart: explanation, evidence, file × up to 5 PDFs naming neither the organisation nor its people), before the time the panel set", access: Access::Roles(&[Role::Bidder]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/low-price/{alias}/{lot}/evidence/{seq}", summary: "An evidence PDF of a price explanation by alias, for a member of the panel who may read the bids, or the tender's own purchaser side and auditors ({id} names the review: the tender's id, or `{tender}-{n}` for lot n's own panel where each lot has one)", access: Access::Roles(&[Role::Expert, Role::Officer, Role::Auditor]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/review/{alias}/proposal/{entry}", summary: "One file of a technical proposal's zip package, for a member of the panel ({id} names the review: the tender's id, or `{tender}-{n}` for lot n's own panel where each lot has one)", access: Access::Roles(&[Role::Expert, Role::Officer]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/report.pdf", summary: "The evaluation report (评审报告) as PDF once every member signed; the tender's own purchaser side and its supervisors ({id} names the review: the tender's id, or `{tender}-{n}` for lot n's own panel where each lot has one)", access: Access::Roles(&[Role::Officer, Role::Auditor, Role::Admin]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/tenders/{id}/scores.xlsx", summary: "The score summary (评分汇总表: each member's points per bidder and criterion, each lot's ranking, the O87 art. 64 corrections) as XLSX once every member signed the report; the tender's own purchaser side and its supervisors ({id} names the review: the tender's id, or `{tender}-{n}` for lot n's own panel where each lot has one)", access: Access::Roles(&[Role::Officer, Role::Auditor, Role::Admin]), test_mode_only: false, example: None },
    RouteDoc { method: "get", path: "/test/clock", summary: "TEST MODE ONLY: read the application clock", access: Access::Public, test_mode_only: true, example: None },
    RouteDoc { method: "post", path: "/test/clock", summary: "TEST MODE ONLY: move the application clock", access: Access::Public, test_mode_only: true, example: Some("{\"advance_ms\": 1000}") },
];

/// An `AppError` on its way out of the JSON API: the status, a stable code, and for
/// validation the fields. Internal details were logged where they happened.
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let fields = match &self.0 {
            AppError::Validation(f) => f.clone(),
            _ => Vec::new(),
        };
        let body = json!({ "error": { "code": self.0.code(), "message": self.0.to_string(), "fields": fields } });
        (status, Json(body)).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// A JSON body whose syntax or shape errors come back as structured validation errors
/// (field `body`) instead of axum's plain-text rejection.
pub struct ApiJson<T>(pub T);

impl<T, S> axum::extract::FromRequest<S> for ApiJson<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(ApiJson(v)),
            Err(rejection) => Err(ApiError(AppError::Validation(vec![app::error::FieldError {
                field: "body".into(),
                code: "invalid_json".into(),
                message_zh: "请求内容不是有效的 JSON 或字段有误".into(),
                message_en: rejection.body_text(),
            }]))),
        }
    }
}

/// The signed-in caller; rejects anonymous requests with 401.
pub struct Caller(pub SessionUser);

impl Caller {
    /// 403 unless the caller has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<&SessionUser, ApiError> {
        auth::check_role(&self.0, roles)?;
        Ok(&self.0)
    }
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match auth::user_from_headers(state, &parts.headers).await? {
            Some(user) => Ok(Caller(user)),
            None => Err(ApiError(AppError::Unauthenticated)),
        }
    }
}
