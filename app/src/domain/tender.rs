//! A tender's life: what an officer may create, the order of its states, and when bids may be
//! read. Times are epoch milliseconds from the application clock, passed in by the caller.

use super::calendar::HolidayCalendar;
use super::contact::{parse_contact, Contact, ContactInput};
use super::field::FieldError;
use super::money::Yuan;
use super::national::timeline_verdicts;
use super::scoring::{check_price_weight, price_weight_bounds, Method};
use super::template::{lint, Procedure, SchemeTemplate};
use super::verdict::Outcome;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenderStatus {
    Draft,
    /// Notice public; bids accepted until the deadline.
    Published,
    /// Bids opened (after the opening time): readable, experts score.
    Opened,
    /// Award confirmed; contract created.
    Awarded,
    /// 废标: too few bids, or too few passing qualification review; a public notice says why.
    Failed,
}

impl TenderStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TenderStatus::Draft => "draft",
            TenderStatus::Published => "published",
            TenderStatus::Opened => "opened",
            TenderStatus::Awarded => "awarded",
            TenderStatus::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            TenderStatus::Draft,
            TenderStatus::Published,
            TenderStatus::Opened,
            TenderStatus::Awarded,
            TenderStatus::Failed,
        ]
        .into_iter()
        .find(|t| t.as_str() == s)
    }
}

/// What a reader is told about a tender: its stored status, with a published tender split by
/// the clock into taking bids and closed (awaiting the opening), as [`allowed`] decides bids.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TenderPhase {
    Draft,
    #[default]
    TakingBids,
    /// 投标截止，待开标: past the bid deadline, not yet opened.
    AwaitingOpening,
    Opened,
    Awarded,
    Failed,
}

impl TenderPhase {
    /// O87 art. 39 and [`allowed`]: bids are taken until (not at) the deadline's millisecond.
    pub fn of(status: TenderStatus, now_ms: i64, bid_deadline_ms: i64) -> Self {
        match status {
            TenderStatus::Draft => TenderPhase::Draft,
            TenderStatus::Published if now_ms < bid_deadline_ms => TenderPhase::TakingBids,
            TenderStatus::Published => TenderPhase::AwaitingOpening,
            TenderStatus::Opened => TenderPhase::Opened,
            TenderStatus::Awarded => TenderPhase::Awarded,
            TenderStatus::Failed => TenderPhase::Failed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Publish,
    /// Change a draft, or amend a published tender before its bid deadline.
    Edit,
    /// Submit, resubmit, withdraw or reconfirm a bid.
    SubmitBid,
    /// Ask a clarification question.
    Ask,
    Open,
    Score,
    Award,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum TenderError {
    #[error("not allowed while the tender is {0:?}")]
    WrongState(TenderStatus),
    #[error("the bid deadline has passed")]
    DeadlinePassed,
    #[error("the opening time has not come")]
    NotYetOpen,
}

impl TenderError {
    pub fn code(&self) -> &'static str {
        match self {
            TenderError::WrongState(_) => "tender_wrong_state",
            TenderError::DeadlinePassed => "bid_deadline_passed",
            TenderError::NotYetOpen => "opening_time_not_reached",
        }
    }
}

/// The one place that decides whether an action fits the tender's state and the clock.
/// Bids are accepted up to (not including) the deadline's millisecond; opening needs the
/// opening time to have come (O87 art. 39: bids are opened at the time the documents set).
pub fn allowed(
    status: TenderStatus,
    action: Action,
    now_ms: i64,
    bid_deadline_ms: i64,
    opening_ms: i64,
) -> Result<(), TenderError> {
    use TenderStatus::*;
    match (action, status) {
        (Action::Publish, Draft) | (Action::Edit, Draft) => Ok(()),
        (Action::Edit, Published) | (Action::Ask, Published) if now_ms < bid_deadline_ms => Ok(()),
        (Action::Edit, Published) | (Action::Ask, Published) => Err(TenderError::DeadlinePassed),
        (Action::SubmitBid, Published) if now_ms < bid_deadline_ms => Ok(()),
        (Action::SubmitBid, Published) => Err(TenderError::DeadlinePassed),
        (Action::Open, Published) if now_ms >= opening_ms => Ok(()),
        (Action::Open, Published) => Err(TenderError::NotYetOpen),
        (Action::Score, Opened) | (Action::Award, Opened) => Ok(()),
        (_, s) => Err(TenderError::WrongState(s)),
    }
}

/// Sealed until opened: a bid's price and file are readable only once the officer has opened
/// the bids, which itself needs the opening time to have come. Applies to every role.
pub fn bids_readable(status: TenderStatus) -> bool {
    matches!(status, TenderStatus::Opened | TenderStatus::Awarded | TenderStatus::Failed)
}

/// Experts see bidders as 投标人 A, B, C… in the order the aliases were given at opening.
pub fn alias(index: usize) -> String {
    let mut n = index;
    let mut s = String::new();
    loop {
        s.insert(0, (b'A' + (n % 26) as u8) as char);
        if n < 26 {
            break;
        }
        n = n / 26 - 1;
    }
    s
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CriterionInput {
    pub name: String,
    pub max_points: String,
    /// 评分细则: how the points are given.
    #[serde(default)]
    pub guidance: String,
    /// Objective criteria (facts checked against documents) must be scored alike by every expert.
    #[serde(default)]
    pub objective: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LotInput {
    pub name: String,
    /// Budget of each contract year, in yuan: one amount for every year, or one per year
    /// separated by “/” (`60万/100万`).
    pub budget: String,
}

/// What an officer types to create or amend a tender; every field is text until parsed. A
/// missing field reads as empty, so it is reported by the parser like any other bad field.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TenderInput {
    /// The scheme template the tender follows (`suzhou-street-4plus1`, …).
    #[serde(default)]
    pub template_id: String,
    /// `open_tender`, `competitive_consultation`, `application_review`, `expert_vote`;
    /// empty means the template's procedure.
    #[serde(default)]
    pub method: String,
    pub title: String,
    pub buyer: String,
    /// The city or county the tender is for (苏州市, 深圳市福田区); empty means the template's.
    #[serde(default)]
    pub region: String,
    /// Budget of each contract year in yuan (one amount, or one per year separated by “/”) when
    /// there are no lots; ignored when lots are given.
    #[serde(default)]
    pub budget: String,
    #[serde(default)]
    pub lots: Vec<LotInput>,
    /// Fixed-price or state-priced: price is not scored (O87 art. 55).
    #[serde(default)]
    pub fixed_price: bool,
    /// Each lot has its own technical proposal, scored on its own (only with two lots or more).
    #[serde(default)]
    pub proposals_per_lot: bool,
    /// Each lot is reviewed by its own panel (only with two lots or more).
    #[serde(default)]
    pub panels_per_lot: bool,
    /// Dates the tender documents are available, `2026-12-01`; empty means from publication
    /// day until the bid deadline's day.
    #[serde(default)]
    pub documents_from: String,
    #[serde(default)]
    pub documents_until: String,
    /// Last moment for clarification questions, Beijing time; empty means none asked for.
    #[serde(default)]
    pub clarify_until: String,
    /// Beijing wall-clock time, `2026-12-01T09:30`.
    pub bid_deadline: String,
    pub opening_time: String,
    #[serde(default)]
    pub price_weight_pct: String,
    pub criteria: Vec<CriterionInput>,
    /// The officer's reason for publishing despite the template linter's warnings.
    #[serde(default)]
    pub lint_override: String,
    /// The notice's contact block (O87 art. 13).
    #[serde(default)]
    pub contact: ContactInput,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub name: String,
    pub max_points: Decimal,
    pub guidance: String,
    pub objective: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lot {
    pub name: String,
    /// Budget for the whole contract term: the sum of `by_year`. A bid's price for the lot is
    /// its price for the whole term and may not exceed this (O87 art. 63).
    pub budget: Yuan,
    /// Budget of each contract year (Suzhou: 60万 in year 1, 100万 in year 2).
    #[serde(default)]
    pub by_year: Vec<Yuan>,
}

impl Lot {
    /// The lot's budgets as notices state them: each year's, then the total for the term.
    pub fn budget_summary(&self, en: bool) -> String {
        let years: Vec<String> = self
            .by_year
            .iter()
            .enumerate()
            .map(|(i, y)| if en { format!("year {}: {y}", i + 1) } else { format!("第{}年{y}", i + 1) })
            .collect();
        match (years.len(), en) {
            (0 | 1, false) => format!("预算{}", self.budget),
            (0 | 1, true) => format!("budget {}", self.budget),
            (_, false) => format!("预算{}，服务期合计{}", years.join("，"), self.budget),
            (_, true) => format!("budget {}; {} for the term", years.join(", "), self.budget),
        }
    }

    /// `60万/100万`, or `30万` when every year has the same budget: as the officer types it.
    pub fn by_year_text(&self) -> String {
        match self.by_year.as_slice() {
            [] => self.budget.to_string(),
            [first, rest @ ..] if rest.iter().all(|y| y == first) => first.to_string(),
            years => years.iter().map(|y| y.to_string()).collect::<Vec<_>>().join("/"),
        }
    }
}

/// A tender as the rules accept it. Stored whole as each version's snapshot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidTender {
    pub template_id: String,
    pub method: Procedure,
    pub title: String,
    pub buyer: String,
    /// The city or county the tender is for, for the public board's filter.
    #[serde(default)]
    pub region: String,
    /// Sum of the lots' budgets for the whole contract term.
    pub budget: Yuan,
    pub lots: Vec<Lot>,
    pub fixed_price: bool,
    /// A bid carries one technical proposal per lot it bids for, and the panel scores each
    /// lot's proposals apart; otherwise one proposal answers every lot of the bid.
    #[serde(default)]
    pub proposals_per_lot: bool,
    /// Each lot has its own evaluation panel, drawn, scoring and reporting apart (issue 12: "per
    /// lot where lots are reviewed apart"); otherwise one panel reviews every lot.
    #[serde(default)]
    pub panels_per_lot: bool,
    pub documents_from: NaiveDate,
    pub documents_until: NaiveDate,
    pub clarify_until_ms: Option<i64>,
    pub bid_deadline_ms: i64,
    pub opening_ms: i64,
    /// Zero for fixed-price tenders and calls for applications.
    pub price_weight_pct: Decimal,
    pub criteria: Vec<Criterion>,
    pub lint_override: Option<String>,
    /// Contact person, telephone, address and any agency (O87 art. 13); none on tenders
    /// stored before the notice carried them.
    #[serde(default)]
    pub contact: Option<Contact>,
}

impl ValidTender {
    /// Price is scored only under a procurement method and when the price is not fixed.
    pub fn price_scored(&self) -> bool {
        self.method.procurement_method().is_some() && !self.fixed_price
    }
}

fn err(field: &str, code: &str, zh: &str, en: &str) -> FieldError {
    FieldError::new(field, code, zh, en)
}

fn parse_method(s: &str, template: &SchemeTemplate) -> Option<Procedure> {
    match s.trim() {
        "" => Some(template.procedure),
        "open_tender" => Some(Procedure::OpenTender),
        "competitive_consultation" => Some(Procedure::CompetitiveConsultation),
        "application_review" => Some(Procedure::ApplicationReview),
        "expert_vote" => Some(Procedure::ExpertVote),
        _ => None,
    }
}

fn parse_points(text: &str) -> Option<Decimal> {
    match text.trim().parse::<Decimal>() {
        Ok(p) if p > Decimal::ZERO && p.normalize().scale() <= 2 => Some(p),
        _ => None,
    }
}

fn parse_budget(field: &str, text: &str, errors: &mut Vec<FieldError>) -> Option<Yuan> {
    match Yuan::parse(text) {
        Ok(b) if b.fen() > 0 => Some(b),
        Ok(_) => {
            errors.push(err(field, "budget_positive", "预算须大于零", "The budget must be positive"));
            None
        }
        Err(e) => {
            errors.push(err(
                field,
                e.code(),
                "预算金额无效（最多两位小数，可写“60万”）",
                "Invalid budget (at most two decimals; 60万 is accepted)",
            ));
            None
        }
    }
}

/// A lot's budgets for `years` contract years: one amount for every year, or exactly one per year
/// separated by “/”.
fn parse_budgets(field: &str, text: &str, years: u8, errors: &mut Vec<FieldError>) -> Option<Vec<Yuan>> {
    let parts: Vec<&str> = text.split(['/', '／']).collect();
    let years = usize::from(years.max(1));
    if parts.len() != 1 && parts.len() != years {
        errors.push(FieldError::new(
            field,
            "budget_years",
            &format!("服务期为{years}年：填写一个每年相同的预算，或用“/”分隔的{years}个年度预算"),
            &format!(
                "The contract runs {years} years: give one budget for every year, or {years} budgets separated by “/”"
            ),
        ));
        return None;
    }
    let before = errors.len();
    let amounts: Vec<Yuan> = parts.iter().filter_map(|p| parse_budget(field, p, errors)).collect();
    if errors.len() > before {
        return None;
    }
    Some(if amounts.len() == 1 { vec![amounts[0]; years] } else { amounts })
}

fn lot(name: String, by_year: Vec<Yuan>) -> Lot {
    Lot { name, budget: Yuan::from_fen(by_year.iter().map(|y| y.fen()).sum()), by_year }
}

/// Criteria rows the officer left entirely blank are not criteria.
/// The criteria rows the officer filled in, each with its position in the form (blank rows in
/// between are skipped, so a message must name the form's row, not the n-th filled one).
fn criteria_rows(input: &TenderInput) -> Vec<(usize, &CriterionInput)> {
    input
        .criteria
        .iter()
        .enumerate()
        .filter(|(_, c)| !(c.name.trim().is_empty() && c.max_points.trim().is_empty() && c.guidance.trim().is_empty()))
        .collect()
}

/// Parses an officer's input into a valid tender under `template`, reporting every bad field at
/// once. Criteria points plus the price weight make 100 (O87 art. 55); the price weight stays
/// within the method's bounds (O87 art. 55, C214 art. 24); the timeline keeps the statutory
/// minimums in Chinese working days (Reg. art. 31, Law art. 35, C214 art. 10); the template
/// linter's warnings need a written override (Reg. art. 20, O87 art. 17).
pub fn parse_tender(
    input: &TenderInput,
    now_ms: i64,
    template: &SchemeTemplate,
    cal: &HolidayCalendar,
) -> Result<ValidTender, Vec<FieldError>> {
    parse_tender_since(input, now_ms, None, template, cal)
}

/// [`parse_tender`] for an amendment: the documents may have been available since
/// `documents_since`, before today.
pub fn parse_tender_since(
    input: &TenderInput,
    now_ms: i64,
    documents_since: Option<NaiveDate>,
    template: &SchemeTemplate,
    cal: &HolidayCalendar,
) -> Result<ValidTender, Vec<FieldError>> {
    let mut errors = Vec::new();
    let method = parse_method(&input.method, template);
    if method.is_none() {
        errors.push(err("method", "method_unknown", "请选择采购方式", "Choose the procurement method"));
    }
    if let Some(m) = method {
        // A procurement template cannot become a call for applications and back.
        if m.procurement_method().is_some() != template.procedure.procurement_method().is_some() {
            errors.push(err(
                "method",
                "method_mismatch",
                "该方案模板不适用此采购方式",
                "This scheme template does not fit that method",
            ));
        }
    }
    let title = input.title.trim().to_string();
    if title.chars().count() < 2 || title.chars().count() > 100 {
        errors.push(err("title", "title_length", "项目名称须为 2–100 个字", "Title must be 2–100 characters"));
    }
    let buyer = input.buyer.trim().to_string();
    if buyer.is_empty() || buyer.chars().count() > 100 {
        errors.push(err("buyer", "buyer_required", "请填写采购人", "Enter the buyer"));
    }
    let contact = match parse_contact(&input.contact) {
        Ok(c) => Some(c),
        Err(e) => {
            errors.extend(e);
            None
        }
    };
    let region = match input.region.trim() {
        "" => template.region.as_ref().map(|r| r.zh.clone()).unwrap_or_default(),
        r => r.to_string(),
    };
    if region.chars().count() > 40 {
        errors.push(err(
            "region",
            "region_length",
            "地区不超过40个字（如“苏州市”“深圳市福田区”）",
            "The region takes at most 40 characters (e.g. 苏州市)",
        ));
    }
    let lot_rows: Vec<(usize, &LotInput)> = input
        .lots
        .iter()
        .enumerate()
        .filter(|(_, l)| !(l.name.trim().is_empty() && l.budget.trim().is_empty()))
        .collect();
    let mut lots = Vec::new();
    if lot_rows.is_empty() {
        if let Some(b) = parse_budgets("budget", &input.budget, template.contract_years, &mut errors) {
            lots.push(lot(title.clone(), b));
        }
    } else {
        if lot_rows.len() > 50 {
            errors.push(err("lots", "lots_count", "标段不得超过50个", "At most 50 lots"));
        }
        for (i, l) in &lot_rows {
            let name = l.name.trim().to_string();
            if name.is_empty() || name.chars().count() > 100 {
                errors.push(err(
                    &format!("lots[{i}].name"),
                    "lot_name_required",
                    "请填写标段（社区）名称",
                    "Name the lot (community)",
                ));
            } else if lots.iter().any(|x: &Lot| x.name == name) {
                errors.push(err(
                    &format!("lots[{i}].name"),
                    "lot_name_duplicate",
                    "标段名称重复",
                    "Two lots have the same name",
                ));
            }
            if let Some(b) =
                parse_budgets(&format!("lots[{i}].budget"), &l.budget, template.contract_years, &mut errors)
            {
                lots.push(lot(name, b));
            }
        }
    }
    let budget = Yuan::from_fen(lots.iter().map(|l| l.budget.fen()).sum());
    if input.proposals_per_lot && lot_rows.len() < 2 {
        errors.push(err(
            "proposals_per_lot",
            "proposals_per_lot_single_lot",
            "只有一个标段时，技术方案无需按标段分别提交",
            "With one lot there is nothing to split: proposals per lot need two lots or more",
        ));
    }
    if input.panels_per_lot && lot_rows.len() < 2 {
        errors.push(err(
            "panels_per_lot",
            "panels_per_lot_single_lot",
            "只有一个标段时，无需分标段组建评审委员会",
            "With one lot there is nothing to split: panels per lot need two lots or more",
        ));
    }

    let deadline = super::time::parse_shanghai_local(&input.bid_deadline).map(|t| t.timestamp_millis());
    let opening = super::time::parse_shanghai_local(&input.opening_time).map(|t| t.timestamp_millis());
    match deadline {
        None => errors.push(err(
            "bid_deadline",
            "time_invalid",
            "请填写投标截止时间（北京时间）",
            "Enter the bid deadline (Beijing time)",
        )),
        Some(d) if d <= now_ms => errors.push(err(
            "bid_deadline",
            "time_in_past",
            "投标截止时间须晚于当前时间",
            "The bid deadline must be in the future",
        )),
        _ => {}
    }
    match (deadline, opening) {
        (_, None) => errors.push(err(
            "opening_time",
            "time_invalid",
            "请填写开标时间（北京时间）",
            "Enter the opening time (Beijing time)",
        )),
        (Some(d), Some(o)) if o < d => errors.push(err(
            "opening_time",
            "opening_before_deadline",
            "开标时间不得早于投标截止时间",
            "Opening cannot be before the bid deadline",
        )),
        _ => {}
    }
    let clarify = match input.clarify_until.trim() {
        "" => None,
        text => match super::time::parse_shanghai_local(text).map(|t| t.timestamp_millis()) {
            None => {
                errors.push(err(
                    "clarify_until",
                    "time_invalid",
                    "澄清截止时间格式无效（北京时间）",
                    "Invalid clarification deadline (Beijing time)",
                ));
                None
            }
            Some(c) if deadline.is_some_and(|d| c >= d) => {
                errors.push(err(
                    "clarify_until",
                    "clarify_after_deadline",
                    "澄清截止时间须早于投标截止时间",
                    "Questions must close before the bid deadline",
                ));
                None
            }
            Some(c) => Some(c),
        },
    };
    let today = super::time::from_millis(now_ms).map(|t| t.with_timezone(&super::time::shanghai()).date_naive());
    let parse_date = |field: &str,
                      text: &str,
                      fallback: Option<NaiveDate>,
                      errors: &mut Vec<FieldError>|
     -> Option<NaiveDate> {
        match text.trim() {
            "" => fallback,
            t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
                Ok(d) => Some(d),
                Err(_) => {
                    errors.push(err(field, "date_invalid", "日期格式应为 2026-12-01", "Dates look like 2026-12-01"));
                    None
                }
            },
        }
    };
    let deadline_day =
        deadline.and_then(super::time::from_millis).map(|t| t.with_timezone(&super::time::shanghai()).date_naive());
    let documents_from = parse_date("documents_from", &input.documents_from, today, &mut errors);
    let documents_until = parse_date("documents_until", &input.documents_until, deadline_day, &mut errors);
    if let (Some(f), Some(t)) = (documents_from, today) {
        let floor = documents_since.map_or(t, |d| d.min(t));
        if f < floor && !input.documents_from.trim().is_empty() {
            errors.push(err(
                "documents_from",
                "date_in_past",
                "招标文件发售起始日不得早于今天",
                "Documents cannot become available before today",
            ));
        }
    }
    if let (Some(f), Some(u)) = (documents_from, documents_until) {
        if u < f {
            errors.push(err(
                "documents_until",
                "until_before_from",
                "招标文件发售截止日不得早于起始日",
                "The documents' last day cannot be before their first",
            ));
        }
    }
    // Statutory minimums apply to procurement; calls for applications follow their own notices.
    if let (Some(Some(m)), Some(f), Some(u), Some(d)) =
        (method.map(|m| m.procurement_method()), documents_from, documents_until, deadline_day)
    {
        for v in timeline_verdicts(m, f, u, d, cal) {
            if v.outcome == Outcome::Fail {
                let field = if v.rule.ends_with("documents_available") { "documents_until" } else { "bid_deadline" };
                errors.push(v.field_error(field, &v.rule));
            }
        }
    }

    let fixed_price = input.fixed_price;
    let price_scored = method.is_some_and(|m| m.procurement_method().is_some()) && !fixed_price;
    let weight = if price_scored {
        match input.price_weight_pct.trim().parse::<Decimal>() {
            Ok(w) => {
                match check_price_weight(method.and_then(|m| m.procurement_method()).unwrap_or(Method::OpenTender), w) {
                    Ok(()) => Some(w),
                    Err(_) => {
                        let (lo, hi) = price_weight_bounds(
                            method.and_then(|m| m.procurement_method()).unwrap_or(Method::OpenTender),
                        );
                        errors.push(FieldError {
                            field: "price_weight_pct".into(),
                            code: "price_weight_out_of_bounds".into(),
                            message_zh: format!(
                                "服务项目价格分权重须在{}%–{}%之间（依据：《政府采购货物和服务招标投标管理办法》第五十五条；《政府采购竞争性磋商采购方式管理暂行办法》第二十四条）",
                                lo.normalize(),
                                hi.normalize()
                            ),
                            message_en: format!(
                                "For services the price weight must be {}–{} % (O87 art. 55; C214 art. 24)",
                                lo.normalize(),
                                hi.normalize()
                            ),
                        });
                        None
                    }
                }
            }
            Err(_) => {
                errors.push(err(
                    "price_weight_pct",
                    "not_a_number",
                    "价格权重须为数字",
                    "The price weight must be a number",
                ));
                None
            }
        }
    } else {
        Some(Decimal::ZERO)
    };
    let mut criteria = Vec::new();
    let rows = criteria_rows(input);
    // A call for applications is reviewed against its conditions and may have no scored criteria.
    let min_criteria = usize::from(method.is_none_or(|m| m.procurement_method().is_some()));
    if !(min_criteria..=30).contains(&rows.len()) {
        errors.push(err("criteria", "criteria_count", "评分因素须为 1–30 项", "Give 1–30 scoring criteria"));
    }
    for &(i, c) in &rows {
        // Messages name the row: a form has several, and a row may hold only guidance.
        let row = i + 1;
        let name = c.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 100 {
            errors.push(err(
                &format!("criteria[{i}].name"),
                "criterion_name_required",
                &format!("第{row}项评分因素：请填写名称（不超过100字），或清空该行"),
                &format!("Criterion {row}: give its name (up to 100 characters), or clear the row"),
            ));
        }
        if c.guidance.chars().count() > 2000 {
            errors.push(err(
                &format!("criteria[{i}].guidance"),
                "guidance_too_long",
                &format!("第{row}项评分因素：评分细则不得超过2000字"),
                &format!("Criterion {row}: scoring guidance is limited to 2,000 characters"),
            ));
        }
        match parse_points(&c.max_points) {
            Some(p) => criteria.push(Criterion {
                name,
                max_points: p,
                guidance: c.guidance.trim().to_string(),
                objective: c.objective,
            }),
            None => errors.push(err(
                &format!("criteria[{i}].max_points"),
                "points_invalid",
                &format!("第{row}项评分因素：分值须为大于零的数（最多两位小数）"),
                &format!("Criterion {row}: points must be a positive number (two decimals at most)"),
            )),
        }
    }
    if let Some(w) = weight {
        if criteria.len() == rows.len() && !rows.is_empty() {
            let sum: Decimal = criteria.iter().map(|c| c.max_points).sum::<Decimal>() + w;
            if sum != Decimal::from(100) {
                errors.push(FieldError {
                    field: "criteria".into(),
                    code: "points_total".into(),
                    message_zh: format!("评分因素分值与价格权重合计须为100（现为{}）", sum.normalize()),
                    message_en: format!(
                        "Criteria points plus the price weight must total 100 (they total {})",
                        sum.normalize()
                    ),
                });
            }
        }
    }
    let warnings = lint(template);
    let lint_override = input.lint_override.trim().to_string();
    if !warnings.is_empty() && lint_override.chars().count() < 10 {
        errors.push(FieldError {
            field: "lint_override".into(),
            code: "lint_override_required".into(),
            message_zh: format!("模板有{}项合规提示，须写明不少于10个字的依据方可继续", warnings.len()),
            message_en: format!(
                "The template has {} compliance warning(s); give a written basis of at least 10 characters to continue",
                warnings.len()
            ),
        });
    }
    match (method, documents_from, documents_until, deadline, opening, weight, errors.is_empty()) {
        (Some(method), Some(documents_from), Some(documents_until), Some(d), Some(o), Some(w), true) => {
            Ok(ValidTender {
                template_id: template.id.clone(),
                method,
                title,
                buyer,
                region,
                budget,
                lots,
                fixed_price,
                proposals_per_lot: input.proposals_per_lot,
                panels_per_lot: input.panels_per_lot,
                documents_from,
                documents_until,
                clarify_until_ms: clarify,
                bid_deadline_ms: d,
                opening_ms: o,
                price_weight_pct: w,
                criteria,
                lint_override: (!warnings.is_empty()).then_some(lint_override),
                contact,
            })
        }
        _ => Err(errors),
    }
}

/// The organisation's name without its leading place names (苏州市吴中区和谐社会工作服务中心 →
/// 和谐社会工作服务中心): how a bidder usually writes its own name.
fn core_name(org: &str) -> &str {
    let mut rest = org;
    loop {
        let next = ["省", "自治区", "市", "区", "县", "镇", "街道"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| i + m.len()))
            .min();
        match next {
            // Only a short place prefix (≤ 4 characters before the marker) is stripped.
            Some(i) if rest[..i].chars().count() <= 5 && rest[i..].chars().count() >= 4 => rest = &rest[i..],
            _ => return rest,
        }
    }
}

/// 暗标 (blind technical proposal, O87 art. 48 verify): the text — a file name — must not carry
/// the bidder's full name, its name without place names, or its credit code.
pub fn identifies_bidder(text: &str, org_name: &str, credit_code: Option<&str>) -> bool {
    let org = org_name.trim();
    let core = core_name(org);
    let code = credit_code.unwrap_or("").trim();
    (org.chars().count() >= 2 && text.contains(org))
        || (core.chars().count() >= 4 && text.contains(core))
        || (!code.is_empty() && text.to_uppercase().contains(code))
}

/// The input that reproduces a valid tender, for the amendment form.
pub fn to_input(t: &ValidTender) -> TenderInput {
    let local = |ms: i64| {
        super::time::from_millis(ms)
            .map(|x| x.with_timezone(&super::time::shanghai()).format("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    };
    TenderInput {
        template_id: t.template_id.clone(),
        method: procedure_str(t.method).into(),
        title: t.title.clone(),
        buyer: t.buyer.clone(),
        region: t.region.clone(),
        budget: t.lots.first().map(Lot::by_year_text).unwrap_or_default(),
        lots: if t.lots.len() == 1 && t.lots[0].name == t.title {
            vec![]
        } else {
            t.lots.iter().map(|l| LotInput { name: l.name.clone(), budget: l.by_year_text() }).collect()
        },
        fixed_price: t.fixed_price,
        proposals_per_lot: t.proposals_per_lot,
        panels_per_lot: t.panels_per_lot,
        documents_from: t.documents_from.to_string(),
        documents_until: t.documents_until.to_string(),
        clarify_until: t.clarify_until_ms.map(local).unwrap_or_default(),
        bid_deadline: local(t.bid_deadline_ms),
        opening_time: local(t.opening_ms),
        price_weight_pct: if t.price_scored() { t.price_weight_pct.normalize().to_string() } else { String::new() },
        criteria: t
            .criteria
            .iter()
            .map(|c| CriterionInput {
                name: c.name.clone(),
                max_points: c.max_points.normalize().to_string(),
                guidance: c.guidance.clone(),
                objective: c.objective,
            })
            .collect(),
        lint_override: t.lint_override.clone().unwrap_or_default(),
        contact: t
            .contact
            .as_ref()
            .map(|c| ContactInput {
                person: c.person.clone(),
                phone: c.phone.as_str().to_string(),
                address: c.address.clone(),
                agency: c.agency.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
                agency_phone: c.agency.as_ref().map(|a| a.phone.as_str().to_string()).unwrap_or_default(),
            })
            .unwrap_or_default(),
    }
}

pub fn procedure_str(p: Procedure) -> &'static str {
    match p {
        Procedure::OpenTender => "open_tender",
        Procedure::CompetitiveConsultation => "competitive_consultation",
        Procedure::ApplicationReview => "application_review",
        Procedure::ExpertVote => "expert_vote",
    }
}

/// A template's defaults as a starting form: its criteria with guidance and its price weight.
pub fn input_from_template(t: &SchemeTemplate) -> TenderInput {
    TenderInput {
        template_id: t.id.clone(),
        method: procedure_str(t.procedure).into(),
        region: t.region.as_ref().map(|r| r.zh.clone()).unwrap_or_default(),
        fixed_price: t.price_weight_pct.is_none(),
        price_weight_pct: t.price_weight_pct.map(|w| w.normalize().to_string()).unwrap_or_default(),
        criteria: t
            .criteria
            .iter()
            .map(|c| CriterionInput {
                name: c.name.zh.clone(),
                max_points: c.max_points.normalize().to_string(),
                guidance: c.guidance.zh.clone(),
                objective: c.objective,
            })
            .collect(),
        ..TenderInput::default()
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_published_tender_reads_closed_from_its_deadline_on() {
        use super::{allowed, Action, TenderPhase, TenderStatus};
        let deadline = 1_800_000_000_000;
        assert_eq!(TenderPhase::of(TenderStatus::Published, deadline - 1, deadline), TenderPhase::TakingBids);
        assert_eq!(TenderPhase::of(TenderStatus::Published, deadline, deadline), TenderPhase::AwaitingOpening);
        assert_eq!(TenderPhase::of(TenderStatus::Opened, deadline - 1, deadline), TenderPhase::Opened);
        assert_eq!(TenderPhase::of(TenderStatus::Draft, deadline + 1, deadline), TenderPhase::Draft);
        // The label and the rule agree at the boundary.
        for now in [deadline - 1, deadline, deadline + 1] {
            let taking = TenderPhase::of(TenderStatus::Published, now, deadline) == TenderPhase::TakingBids;
            assert_eq!(taking, allowed(TenderStatus::Published, Action::SubmitBid, now, deadline, deadline).is_ok());
        }
    }

    use super::*;

    use crate::domain::template::builtin_by_id;

    const NOW: i64 = 1_795_000_000_000; // 2026-11-18 (Wednesday) 12:26 Beijing

    fn cal() -> HolidayCalendar {
        HolidayCalendar::builtin()
    }

    fn street() -> SchemeTemplate {
        builtin_by_id("suzhou-street-4plus1").unwrap()
    }

    fn input() -> TenderInput {
        TenderInput {
            contact: crate::domain::contact::ContactInput::sample(),
            template_id: "suzhou-street-4plus1".into(),
            method: "open_tender".into(),
            title: "姑苏区双塔街道“4+1”综合包".into(),
            buyer: "苏州市民政局".into(),
            budget: "60万".into(),
            bid_deadline: "2026-12-20T09:30".into(),
            opening_time: "2026-12-20T09:30".into(),
            price_weight_pct: "20".into(),
            criteria: vec![
                CriterionInput {
                    name: "服务方案".into(),
                    max_points: "50".into(),
                    guidance: "完整、可行".into(),
                    objective: false,
                },
                CriterionInput {
                    name: "团队配备".into(),
                    max_points: "30".into(),
                    guidance: String::new(),
                    objective: true,
                },
            ],
            lint_override: "苏州市民政局文件明确要求民办非企业单位".into(),
            ..Default::default()
        }
    }

    fn parse(i: &TenderInput) -> Result<ValidTender, Vec<FieldError>> {
        parse_tender(i, NOW, &street(), &cal())
    }

    fn codes(i: &TenderInput) -> Vec<String> {
        parse(i).unwrap_err().into_iter().map(|e| e.code).collect()
    }

    #[test]
    fn a_complete_tender_parses() {
        let t = parse(&input()).unwrap();
        // 60万 a year for the street template's two contract years.
        assert_eq!(t.budget.fen(), 120_000_000);
        assert_eq!(t.lots[0].by_year, [Yuan::from_fen(60_000_000); 2]);
        assert_eq!(t.lots.len(), 1);
        assert_eq!(t.opening_ms, t.bid_deadline_ms);
        assert_eq!(t.criteria.len(), 2);
        assert!(t.criteria[1].objective);
        assert_eq!(t.documents_from.to_string(), "2026-11-18");
        assert_eq!(t.documents_until.to_string(), "2026-12-20");
        assert!(t.lint_override.is_some());
        assert_eq!(t.region, "苏州市", "the template's region when none is typed");
        assert_eq!(parse(&to_input(&t)).unwrap(), t);
        let county = TenderInput { region: " 苏州市姑苏区 ".into(), ..input() };
        assert_eq!(parse(&county).unwrap().region, "苏州市姑苏区");
    }

    #[test]
    fn every_bad_field_is_reported() {
        let mut i = input();
        i.title = "x".into();
        i.budget = "0.001".into();
        i.opening_time = "2026-12-19T09:30".into();
        i.price_weight_pct = "5".into();
        let fields: Vec<String> = parse(&i).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["title", "budget", "opening_time", "price_weight_pct"]);
    }

    #[test]
    fn each_contract_year_may_have_its_own_budget() {
        // Seed 002: the street's year 1 is 60万 (3 communities), year 2 is 100万 (6 communities).
        let mut i = input();
        i.lots = vec![LotInput { name: "双塔街道".into(), budget: "60万/100万".into() }];
        let t = parse(&i).unwrap();
        assert_eq!(t.lots[0].by_year, [Yuan::from_fen(60_000_000), Yuan::from_fen(100_000_000)]);
        assert_eq!(t.lots[0].budget.fen(), 160_000_000);
        assert_eq!(
            t.lots[0].budget_summary(false),
            "预算第1年¥600,000.00，第2年¥1,000,000.00，服务期合计¥1,600,000.00"
        );
        assert_eq!(parse(&to_input(&t)).unwrap(), t);
        // Three amounts for a two-year contract, or a bad one among them, are refused.
        i.lots[0].budget = "60万/100万/100万".into();
        assert_eq!(codes(&i), ["budget_years"]);
        i.lots[0].budget = "60万/0".into();
        assert_eq!(codes(&i), ["budget_positive"]);
    }

    #[test]
    fn lots_carry_their_own_budgets() {
        let mut i = input();
        i.lots = vec![
            LotInput { name: "双塔社区".into(), budget: "20万".into() },
            LotInput { name: "".into(), budget: "".into() },
            LotInput { name: "沧浪新城社区".into(), budget: "200000".into() },
        ];
        let t = parse(&i).unwrap();
        assert_eq!(t.lots.len(), 2);
        assert_eq!(t.budget.fen(), 80_000_000);
        i.lots[2].name = "双塔社区".into();
        assert_eq!(codes(&i), ["lot_name_duplicate"]);
    }

    #[test]
    fn blank_criterion_rows_are_ignored() {
        let mut i = input();
        i.criteria.push(CriterionInput { name: " ".into(), max_points: "".into(), ..Default::default() });
        assert_eq!(parse(&i).unwrap().criteria.len(), 2);
    }

    #[test]
    fn a_row_with_only_guidance_is_named_in_its_error() {
        let mut i = input();
        i.criteria.push(CriterionInput { guidance: "上一模板留下的细则".into(), ..Default::default() });
        let errors = parse(&i).unwrap_err();
        let e = errors.iter().find(|e| e.code == "criterion_name_required").expect("the row is refused");
        assert_eq!(e.field, "criteria[2].name");
        assert!(e.message_zh.starts_with("第3项评分因素"), "{}", e.message_zh);
        assert!(e.message_en.starts_with("Criterion 3"), "{}", e.message_en);
    }

    #[test]
    fn an_error_after_a_blank_row_names_the_forms_row() {
        // Rows 3 and 4 blank, row 5 holds only guidance: the message is about row 5.
        let mut i = input();
        i.criteria.push(CriterionInput::default());
        i.criteria.push(CriterionInput::default());
        i.criteria.push(CriterionInput { guidance: "隐藏行里的细则".into(), ..Default::default() });
        let errors = parse(&i).unwrap_err();
        let e = errors.iter().find(|e| e.code == "criterion_name_required").expect("the row is refused");
        assert_eq!(e.field, "criteria[4].name");
        assert!(e.message_zh.starts_with("第5项评分因素"), "{}", e.message_zh);
    }

    #[test]
    fn points_must_total_one_hundred() {
        let mut i = input();
        i.criteria[1].max_points = "29.5".into();
        let e = parse(&i).unwrap_err();
        assert_eq!(e[0].code, "points_total");
        assert!(e[0].message_zh.contains("99.5"));
    }

    #[test]
    fn panels_per_lot_need_two_lots() {
        let mut i = input();
        i.panels_per_lot = true;
        assert_eq!(codes(&i), ["panels_per_lot_single_lot"]);
        i.lots = vec![
            LotInput { name: "双塔社区".into(), budget: "30万".into() },
            LotInput { name: "定慧寺社区".into(), budget: "30万".into() },
        ];
        let t = parse(&i).unwrap();
        assert!(t.panels_per_lot && !t.proposals_per_lot);
        assert!(to_input(&t).panels_per_lot);
        // A tender stored before the choice existed has one panel for all its lots.
        let mut stored = serde_json::to_value(&t).unwrap();
        stored.as_object_mut().unwrap().remove("panels_per_lot");
        assert!(!serde_json::from_value::<ValidTender>(stored).unwrap().panels_per_lot);
    }

    #[test]
    fn proposals_per_lot_need_two_lots() {
        let mut i = input();
        i.proposals_per_lot = true;
        assert_eq!(codes(&i), ["proposals_per_lot_single_lot"]);
        i.lots = vec![
            LotInput { name: "双塔社区".into(), budget: "30万".into() },
            LotInput { name: "定慧寺社区".into(), budget: "30万".into() },
        ];
        let t = parse(&i).unwrap();
        assert!(t.proposals_per_lot);
        // The amendment form gives it back as it was.
        assert!(to_input(&t).proposals_per_lot);
        // A tender stored before the choice existed takes one proposal for all lots.
        let mut stored = serde_json::to_value(&t).unwrap();
        stored.as_object_mut().unwrap().remove("proposals_per_lot");
        assert!(!serde_json::from_value::<ValidTender>(stored).unwrap().proposals_per_lot);
    }

    #[test]
    fn a_fixed_price_scores_no_price() {
        let mut i = input();
        i.fixed_price = true;
        i.price_weight_pct = "".into();
        assert_eq!(codes(&i), ["points_total"]);
        i.criteria[0].max_points = "70".into();
        let t = parse(&i).unwrap();
        assert!(!t.price_scored());
        assert_eq!(t.price_weight_pct, Decimal::ZERO);
    }

    #[test]
    fn consultation_caps_the_price_weight_at_thirty() {
        let mut i = input();
        i.method = "competitive_consultation".into();
        i.price_weight_pct = "31".into();
        i.criteria[0].max_points = "39".into();
        assert_eq!(codes(&i), ["price_weight_out_of_bounds"]);
        i.price_weight_pct = "30".into();
        i.criteria[0].max_points = "40".into();
        assert!(parse(&i).is_ok());
    }

    #[test]
    fn twenty_days_from_the_documents_to_the_deadline() {
        // Documents from 2026-11-18: the deadline may fall on 2026-12-08 at the earliest (Law art. 35).
        let mut i = input();
        i.bid_deadline = "2026-12-08T09:00".into();
        i.opening_time = "2026-12-08T09:00".into();
        assert!(parse(&i).is_ok());
        i.bid_deadline = "2026-12-07T17:00".into();
        let e = parse(&i).unwrap_err();
        assert_eq!(e[0].code, "national.timeline.bid_period");
        assert!(e[0].message_zh.contains("《中华人民共和国政府采购法》第三十五条"), "{}", e[0].message_zh);
        assert!(e[0].message_en.contains("Law art. 35"), "{}", e[0].message_en);
        // Documents available Wed 18 → Mon 23 Nov: 4 working days (Reg. art. 31 asks for 5).
        let mut i = input();
        i.documents_until = "2026-11-23".into();
        assert_eq!(codes(&i), ["national.timeline.documents_available"]);
        i.documents_until = "2026-11-24".into();
        assert!(parse(&i).is_ok());
    }

    #[test]
    fn the_linter_needs_a_written_override() {
        let mut i = input();
        i.lint_override = "因为".into();
        assert_eq!(codes(&i), ["lint_override_required"]);
    }

    #[test]
    fn a_call_for_applications_has_no_price_and_no_procurement_timeline() {
        let t = builtin_by_id("shenzhen-demonstration-site").unwrap();
        let mut i = input_from_template(&t);
        i.title = "2026年社区民生微实事示范点申报".into();
        i.buyer = "深圳市民政局".into();
        i.contact = crate::domain::contact::ContactInput::sample();
        i.budget = "15万".into();
        i.bid_deadline = "2026-11-25T17:00".into();
        i.opening_time = "2026-11-26T09:00".into();
        let v = parse_tender(&i, NOW, &t, &cal()).unwrap();
        assert!(!v.price_scored());
        i.method = "open_tender".into();
        assert_eq!(parse_tender(&i, NOW, &t, &cal()).unwrap_err()[0].code, "method_mismatch");
    }

    #[test]
    fn a_blind_proposal_names_no_bidder() {
        let org = "苏州市吴中区和谐社会工作服务中心";
        assert!(identifies_bidder("和谐社会工作服务中心方案.pdf", org, None));
        assert!(identifies_bidder("苏州市吴中区和谐社会工作服务中心.pdf", org, None));
        assert!(identifies_bidder("x-52320508mj59135795.pdf", org, Some("52320508MJ59135795")));
        assert!(!identifies_bidder("技术方案.pdf", org, Some("52320508MJ59135795")));
        assert!(!identifies_bidder("和谐社区服务方案.pdf", org, None));
    }

    #[test]
    fn clarification_closes_before_the_deadline() {
        let mut i = input();
        i.clarify_until = "2026-12-20T09:30".into();
        assert_eq!(codes(&i), ["clarify_after_deadline"]);
        i.clarify_until = "2026-12-10T17:00".into();
        assert!(parse(&i).unwrap().clarify_until_ms.is_some());
    }

    #[test]
    fn the_deadline_is_exclusive_to_the_millisecond() {
        let (d, o) = (NOW + 1000, NOW + 2000);
        assert!(allowed(TenderStatus::Published, Action::SubmitBid, d - 1, d, o).is_ok());
        assert_eq!(allowed(TenderStatus::Published, Action::SubmitBid, d, d, o), Err(TenderError::DeadlinePassed));
        assert_eq!(allowed(TenderStatus::Published, Action::Open, o - 1, d, o), Err(TenderError::NotYetOpen));
        assert!(allowed(TenderStatus::Published, Action::Open, o, d, o).is_ok());
        assert_eq!(
            allowed(TenderStatus::Draft, Action::SubmitBid, NOW, d, o),
            Err(TenderError::WrongState(TenderStatus::Draft))
        );
        assert_eq!(
            allowed(TenderStatus::Awarded, Action::Award, NOW, d, o),
            Err(TenderError::WrongState(TenderStatus::Awarded))
        );
    }

    #[test]
    fn sealed_until_opened() {
        assert!(!bids_readable(TenderStatus::Draft));
        assert!(!bids_readable(TenderStatus::Published));
        assert!(bids_readable(TenderStatus::Opened));
        assert!(bids_readable(TenderStatus::Awarded));
    }

    #[test]
    fn aliases_run_a_to_z_then_aa() {
        assert_eq!(alias(0), "A");
        assert_eq!(alias(2), "C");
        assert_eq!(alias(25), "Z");
        assert_eq!(alias(26), "AA");
    }
}
