//! The domain calculators over HTTP. Request and response bodies are the domain types; every
//! answer comes from the same functions the browser runs.

use super::{ApiError, ApiJson, ApiResult, Caller};
use app::domain::dongguan::{self, AnnualEvaluation, SubsidyRequest};
use app::domain::henan::{self, CommunityFacts};
use app::domain::national::{self, Panel, PanelContext, Step};
use app::domain::profile::{Organisation, Team};
use app::domain::qualification::{evaluate_org, evaluate_team};
use app::domain::scoring::{self, Criterion, Method};
use app::domain::shenzhen::{self, Application};
use app::domain::template::builtin_by_id;
use app::domain::verdict::{all_pass, Verdict};
use app::error::AppError;
use app::server::state::AppState;
use axum::extract::State;
use axum::routing::post;
use axum::{Json, Router};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/calc/qualification", post(qualification))
        .route("/calc/scores", post(scores))
        .route("/calc/dongguan/composite", post(dongguan_composite))
        .route("/calc/dongguan/subsidy", post(dongguan_subsidy))
        .route("/calc/shenzhen/application", post(shenzhen_application))
        .route("/calc/henan/norms", post(henan_norms))
        .route("/calc/deadline", post(deadline))
        .route("/calc/timeline", post(timeline))
        .route("/calc/panel", post(panel))
}

fn invalid(field: &str, code: &str, zh: &str, en: String) -> AppError {
    AppError::Validation(vec![app::error::FieldError {
        field: field.into(),
        code: code.into(),
        message_zh: zh.into(),
        message_en: en,
    }])
}

fn template(id: &str) -> Result<app::domain::template::SchemeTemplate, AppError> {
    builtin_by_id(id)
        .ok_or_else(|| invalid("template", "unknown_template", "未知的方案模板", format!("Unknown template `{id}`")))
}

#[derive(Serialize)]
struct Verdicts {
    passed: bool,
    verdicts: Vec<Verdict>,
}

fn verdicts(v: Vec<Verdict>) -> Json<Verdicts> {
    Json(Verdicts { passed: all_pass(&v), verdicts: v })
}

#[derive(Deserialize)]
struct QualificationRequest {
    template: String,
    organisation: Organisation,
    team: Option<Team>,
}

/// Organisation (and, when given, team) against a template's rules.
async fn qualification(_: Caller, ApiJson(r): ApiJson<QualificationRequest>) -> ApiResult<Json<Verdicts>> {
    let t = template(&r.template)?;
    let mut v = evaluate_org(&t.qualification, &r.organisation);
    if let Some(team) = &r.team {
        v.extend(evaluate_team(&t.team, team));
    }
    Ok(verdicts(v))
}

#[derive(Deserialize)]
struct BidPrice {
    bid: String,
    price: Decimal,
}

#[derive(Deserialize)]
struct ScoresRequest {
    method: Method,
    criteria: Vec<Criterion>,
    bids: Vec<BidPrice>,
    /// `expert_scores[expert][bid][criterion]`
    expert_scores: Vec<Vec<Vec<Decimal>>>,
    /// Absent for a fixed-price tender.
    price_weight_pct: Option<Decimal>,
}

/// Mean of the experts' scores plus price points, ranked (O87 art. 55, 57).
async fn scores(_: Caller, ApiJson(r): ApiJson<ScoresRequest>) -> ApiResult<Json<Value>> {
    if let Some(w) = r.price_weight_pct {
        scoring::check_price_weight(r.method, w).map_err(|e| {
            invalid(
                "price_weight_pct",
                "price_weight_out_of_bounds",
                "价格分权重超出该采购方式允许的范围",
                e.to_string(),
            )
        })?;
    }
    let bids: Vec<(String, Decimal)> = r.bids.into_iter().map(|b| (b.bid, b.price)).collect();
    let totals = scoring::totals(&r.criteria, &bids, &r.expert_scores, r.price_weight_pct)
        .map_err(|e| invalid("expert_scores", "invalid_scores", "评分数据有误", e.to_string()))?;
    let ranked: Vec<Value> = scoring::rank(totals)
        .into_iter()
        .map(|r| {
            json!({
                "bid": r.total.bid, "rank": r.rank, "tied": r.tied,
                "technical": scoring::display(r.total.technical), "price_points": scoring::display(r.total.price_points),
                "total": scoring::display(r.total.total), "total_exact": r.total.total, "price": r.total.price,
            })
        })
        .collect();
    Ok(Json(
        json!({ "ranking": ranked, "rounding": "shown to 2 decimals, half away from zero; ranked on exact totals" }),
    ))
}

async fn dongguan_composite(_: Caller, ApiJson(e): ApiJson<AnnualEvaluation>) -> ApiResult<Json<Value>> {
    let c = dongguan::composite(&e).map_err(|err| match &err {
        dongguan::DongguanError::OutOfRange { field, .. } => {
            invalid(field, "out_of_range", "数值超出允许范围", err.to_string())
        }
        dongguan::DongguanError::NoResidents => {
            invalid("resident_population", "must_be_positive", "常住人口须大于零", err.to_string())
        }
    })?;
    Ok(Json(json!({ "composite": c, "consequences": c.stars.consequences() })))
}

async fn dongguan_subsidy(_: Caller, ApiJson(r): ApiJson<SubsidyRequest>) -> ApiResult<Json<dongguan::Subsidy>> {
    let s =
        dongguan::subsidy(&r).map_err(|err| invalid("body", "out_of_range", "数值超出允许范围", err.to_string()))?;
    Ok(Json(s))
}

async fn shenzhen_application(_: Caller, ApiJson(a): ApiJson<Application>) -> ApiResult<Json<Value>> {
    let t = template("shenzhen-demonstration-site")?;
    let v = shenzhen::application_verdicts(&t, &a);
    Ok(Json(json!({ "passed": all_pass(&v), "verdicts": v, "grant": shenzhen::grant(&t, &a) })))
}

async fn henan_norms(_: Caller, ApiJson(f): ApiJson<CommunityFacts>) -> ApiResult<Json<Value>> {
    Ok(Json(
        json!({ "norms": henan::norms(&f), "rounding": "staff rounded up per started block of 300 households / 1,000 temporary residents; areas exact" }),
    ))
}

#[derive(Deserialize)]
struct DeadlineRequest {
    step: Step,
    from: NaiveDate,
}

async fn deadline(
    State(state): State<AppState>,
    _: Caller,
    ApiJson(r): ApiJson<DeadlineRequest>,
) -> ApiResult<Json<Value>> {
    let errors = national::timeline_input_errors(&[("from", r.from)]);
    if !errors.is_empty() {
        return Err(ApiError(AppError::Validation(errors)));
    }
    let cal = app::schemes::calendar::load(&state.db).await?;
    let (days, citation) = r.step.limit();
    let due = national::deadline(r.step, r.from, &cal);
    Ok(Json(
        json!({ "step": r.step, "from": r.from, "deadline": due, "limit": days, "citation": citation, "calendar_covers_year": cal.knows_year(chrono::Datelike::year(&due)) }),
    ))
}

#[derive(Deserialize)]
struct TimelineRequest {
    method: Method,
    documents_from: NaiveDate,
    documents_until: NaiveDate,
    bid_deadline: NaiveDate,
}

async fn timeline(
    State(state): State<AppState>,
    _: Caller,
    ApiJson(r): ApiJson<TimelineRequest>,
) -> ApiResult<Json<Verdicts>> {
    let errors = national::timeline_input_errors(&[
        ("documents_from", r.documents_from),
        ("documents_until", r.documents_until),
        ("bid_deadline", r.bid_deadline),
    ]);
    if !errors.is_empty() {
        return Err(ApiError(AppError::Validation(errors)));
    }
    let cal = app::schemes::calendar::load(&state.db).await?;
    Ok(verdicts(national::timeline_verdicts(r.method, r.documents_from, r.documents_until, r.bid_deadline, &cal)))
}

#[derive(Deserialize)]
struct PanelRequest {
    panel: Panel,
    context: PanelContext,
}

async fn panel(_: Caller, ApiJson(r): ApiJson<PanelRequest>) -> ApiResult<Json<Verdicts>> {
    Ok(verdicts(national::panel_verdicts(&r.panel, &r.context)))
}
