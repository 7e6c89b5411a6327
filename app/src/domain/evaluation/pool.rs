//! The expert pool (专家库): what an expert declares and keeps current, parsed from a form or
//! from the pool manager's CSV import.

use super::conflict::{Employment, ExpertDeclaration, OrgRef};
use super::Category;
use crate::domain::field::FieldError;
use crate::domain::region::RegionCode;
use crate::domain::roster::id_number_valid;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// An expert's profile as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertInput {
    pub id_number: String,
    /// Category codes or Chinese names.
    #[serde(default)]
    pub categories: Vec<String>,
    #[serde(default)]
    pub region_code: String,
    #[serde(default)]
    pub employer: String,
    #[serde(default)]
    pub employer_credit_code: String,
    /// Former employers of the last three years, one per line: `name|credit code|until (YYYY-MM-DD)`.
    #[serde(default)]
    pub past_employers: String,
    /// Organisations where the expert or a close relative holds office or control, one per line:
    /// `name|credit code`.
    #[serde(default)]
    pub interests: String,
    /// Days the expert cannot review, separated by commas or spaces.
    #[serde(default)]
    pub blackout: String,
    #[serde(default)]
    pub available: bool,
}

/// A profile whose fields parsed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExpertProfile {
    pub categories: Vec<Category>,
    pub region_code: Option<String>,
    pub declaration: ExpertDeclaration,
    pub blackout: Vec<NaiveDate>,
    pub available: bool,
}

impl ExpertProfile {
    pub fn employer(&self) -> String {
        self.declaration.employments.iter().find(|e| e.until.is_none()).map(|e| e.org.name.clone()).unwrap_or_default()
    }
}

fn lines(s: &str) -> impl Iterator<Item = &str> {
    s.split(['\n', ';', '；']).map(str::trim).filter(|l| !l.is_empty())
}

/// Parses an expert's profile; every bad field is reported at once. `name` is the account's.
pub fn parse_profile(name: &str, input: &ExpertInput) -> Result<ExpertProfile, Vec<FieldError>> {
    let mut errors = Vec::new();
    let id = input.id_number.trim().to_uppercase();
    if !id_number_valid(&id) {
        errors.push(FieldError::new(
            "id_number",
            "id_number_invalid",
            "身份证号码无效（18位，校验位须正确）",
            "Invalid citizen ID number (18 characters with a valid check character)",
        ));
    }
    let mut categories = Vec::new();
    for c in input.categories.iter().flat_map(|c| c.split([',', '，', '、'])).map(str::trim).filter(|c| !c.is_empty())
    {
        match Category::parse(c) {
            Some(cat) if !categories.contains(&cat) => categories.push(cat),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "categories",
                "category_unknown",
                &format!("专业类别“{c}”不存在"),
                &format!("No category “{c}”"),
            )),
        }
    }
    if categories.is_empty() && !errors.iter().any(|e| e.field == "categories") {
        errors.push(FieldError::new(
            "categories",
            "category_required",
            "请至少选择一个专业类别",
            "Choose at least one category",
        ));
    }
    let region_code = match input.region_code.trim() {
        "" => None,
        r => match RegionCode::parse(r) {
            Ok(r) => Some(r.as_str().to_string()),
            Err(e) => {
                errors.push(FieldError::new(
                    "region_code",
                    e.code(),
                    "区划代码须为6位或9位数字（GB/T 2260）",
                    "A region code has 6 or 9 digits (GB/T 2260)",
                ));
                None
            }
        },
    };
    let mut employments = Vec::new();
    if !input.employer.trim().is_empty() {
        employments.push(Employment {
            org: OrgRef { name: input.employer.trim().into(), credit_code: input.employer_credit_code.trim().into() },
            until: None,
        });
    }
    for (i, line) in lines(&input.past_employers).enumerate() {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        let until = parts.get(2).filter(|d| !d.is_empty()).map(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d"));
        match (parts.first().filter(|n| !n.is_empty()), until) {
            (Some(name), Some(Ok(until))) => employments.push(Employment {
                org: OrgRef { name: name.to_string(), credit_code: parts.get(1).unwrap_or(&"").to_string() },
                until: Some(until),
            }),
            _ => errors.push(FieldError::new(
                "past_employers",
                "past_employer_invalid",
                &format!("第{}行须为“单位名称|统一社会信用代码|离职日期（YYYY-MM-DD）”", i + 1),
                &format!("Line {} must be “name|credit code|left on (YYYY-MM-DD)”", i + 1),
            )),
        }
    }
    let mut interests = Vec::new();
    for (i, line) in lines(&input.interests).enumerate() {
        let parts: Vec<&str> = line.split(['|', '｜']).map(str::trim).collect();
        if parts.first().is_none_or(|n| n.is_empty()) && parts.get(1).is_none_or(|c| c.is_empty()) {
            errors.push(FieldError::new(
                "interests",
                "interest_invalid",
                &format!("第{}行须为“单位名称|统一社会信用代码”", i + 1),
                &format!("Line {} must be “name|credit code”", i + 1),
            ));
            continue;
        }
        interests.push(OrgRef { name: parts[0].to_string(), credit_code: parts.get(1).unwrap_or(&"").to_string() });
    }
    let mut blackout = Vec::new();
    for d in input.blackout.split([',', '，', ' ', '\n', '、']).map(str::trim).filter(|d| !d.is_empty()) {
        match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => blackout.push(d),
            Err(_) => errors.push(FieldError::new(
                "blackout",
                "date_invalid",
                &format!("日期“{d}”无效（YYYY-MM-DD）"),
                &format!("Invalid date “{d}” (YYYY-MM-DD)"),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(ExpertProfile {
        categories,
        region_code,
        declaration: ExpertDeclaration { name: name.trim().to_string(), id_number: id, employments, interests },
        blackout,
        available: input.available,
    })
}

/// One row of the pool manager's import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// The line (or spreadsheet row) it came from, counting from 1.
    pub line: usize,
    pub username: String,
    pub name: String,
    pub input: ExpertInput,
}

/// The import's columns, in order (the first line of the file names them).
pub const IMPORT_COLUMNS: [&str; 9] = [
    "username",
    "name",
    "id_number",
    "categories",
    "region_code",
    "employer",
    "employer_credit_code",
    "past_employers",
    "interests",
];

/// Splits one CSV line (RFC 4180 quoting).
fn csv_fields(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', true) => quoted = false,
            ('"', false) if field.is_empty() => quoted = true,
            (',', false) => out.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    out.push(field);
    out
}

/// Parses the pool manager's CSV (UTF-8, header line first, columns [`IMPORT_COLUMNS`]).
pub fn parse_import(text: &str) -> Result<Vec<ImportRow>, Vec<FieldError>> {
    let text = text.trim_start_matches('\u{feff}');
    parse_import_rows(text.lines().enumerate().map(|(i, l)| (i + 1, csv_fields(l))))
}

/// Checks the import's rows, each with its line (or spreadsheet row) number, the first naming the
/// columns [`IMPORT_COLUMNS`]: every row is checked like the expert's own form and errors name
/// their line. Empty rows are skipped. Nothing is imported from a file with any error.
pub fn parse_import_rows(
    rows: impl IntoIterator<Item = (usize, Vec<String>)>,
) -> Result<Vec<ImportRow>, Vec<FieldError>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let mut lines = rows.into_iter().filter(|(_, f)| f.iter().any(|c| !c.trim().is_empty()));
    let Some((_, header)) = lines.next() else {
        return Err(vec![FieldError::new("file", "import_empty", "导入文件为空", "The import file is empty")]);
    };
    let header: Vec<String> = header.into_iter().map(|h| h.trim().to_lowercase()).collect();
    let named = header.iter().map(String::as_str).take_while(|h| !h.is_empty()).collect::<Vec<_>>();
    if named != IMPORT_COLUMNS {
        return Err(vec![FieldError::new(
            "file",
            "import_columns",
            &format!("首行须为列名：{}", IMPORT_COLUMNS.join(",")),
            &format!("The first line must name the columns: {}", IMPORT_COLUMNS.join(",")),
        )]);
    }
    for (n, f) in lines {
        let get = |i: usize| f.get(i).map(|s| s.trim().to_string()).unwrap_or_default();
        let row = ImportRow {
            line: n,
            username: get(0),
            name: get(1),
            input: ExpertInput {
                id_number: get(2),
                categories: vec![get(3)],
                region_code: get(4),
                employer: get(5),
                employer_credit_code: get(6),
                past_employers: get(7),
                interests: get(8),
                blackout: String::new(),
                available: true,
            },
        };
        if let Err(e) = parse_profile(&row.name, &row.input) {
            errors.extend(e.into_iter().map(|e| FieldError {
                field: format!("line[{n}].{}", e.field),
                message_zh: format!("第{n}行：{}", e.message_zh),
                message_en: format!("Line {n}: {}", e.message_en),
                ..e
            }));
        }
        out.push(row);
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "32050219700101123X";

    fn valid_id() -> String {
        let first = &ID[..17];
        format!("{first}{}", crate::domain::roster::id_check_character(first).unwrap())
    }

    fn input() -> ExpertInput {
        ExpertInput {
            id_number: valid_id(),
            categories: vec!["公益服务类, social_work".into()],
            region_code: "320500".into(),
            employer: "苏州大学".into(),
            past_employers: "苏州市姑苏区阳光社会工作服务社|52320508MJ59123453|2024-06-30".into(),
            interests: "|52320594MJ5967890H".into(),
            blackout: "2026-12-24, 2026-12-25".into(),
            available: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_complete_profile_parses() {
        let p = parse_profile("周专家", &input()).unwrap();
        assert_eq!(p.categories, [Category::PublicWelfare, Category::SocialWork]);
        assert_eq!(p.employer(), "苏州大学");
        assert_eq!(p.declaration.employments.len(), 2);
        assert_eq!(p.declaration.interests[0].credit_code, "52320594MJ5967890H");
        assert_eq!(p.blackout.len(), 2);
    }

    #[test]
    fn every_bad_field_is_reported() {
        let bad = ExpertInput {
            id_number: "123".into(),
            categories: vec!["engineering".into()],
            region_code: "9".into(),
            past_employers: "某单位|".into(),
            blackout: "明天".into(),
            ..Default::default()
        };
        let fields: Vec<String> = parse_profile("x", &bad).unwrap_err().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["id_number", "categories", "region_code", "past_employers", "blackout"]);
    }

    #[test]
    fn the_import_checks_every_line_and_names_it() {
        let header = IMPORT_COLUMNS.join(",");
        let good = format!("{header}\nexpert-a,甲专家,{},\"公益服务类,社会工作\",320500,苏州大学,,,\n", valid_id());
        let rows = parse_import(&good).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(parse_profile(&rows[0].name, &rows[0].input).unwrap().categories.len(), 2);
        let bad =
            format!("{header}\nexpert-a,甲专家,{},公益服务类,,,,,\nexpert-b,乙专家,123,公益服务类,,,,,\n", valid_id());
        let e = parse_import(&bad).unwrap_err();
        assert_eq!(e[0].field, "line[3].id_number");
        assert!(e[0].message_zh.starts_with("第3行"));
        assert_eq!(parse_import("name,username\n").unwrap_err()[0].code, "import_columns");
    }

    #[test]
    fn spreadsheet_rows_keep_their_row_numbers_and_may_trail_empty_cells() {
        let cells = |c: &[&str]| c.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut header = cells(&IMPORT_COLUMNS);
        header.extend(cells(&["", ""]));
        let id = valid_id();
        let rows = vec![
            (1, header),
            (2, cells(&["expert-a", "甲专家", &id, "社会工作"])),
            (3, cells(&["", "", ""])),
            (4, cells(&["expert-b", "乙专家", "1", "社会工作"])),
        ];
        let e = parse_import_rows(rows.clone()).unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "line[4].id_number");
        let ok = parse_import_rows(rows.into_iter().take(3)).unwrap();
        assert_eq!((ok.len(), ok[0].line, ok[0].input.region_code.as_str()), (1, 2, ""));
        assert_eq!(parse_import_rows(vec![(1, cells(&["", ""]))]).unwrap_err()[0].code, "import_empty");
        let mut extra = cells(&IMPORT_COLUMNS);
        extra.push("notes".into());
        assert_eq!(parse_import_rows(vec![(1, extra)]).unwrap_err()[0].code, "import_columns");
    }
}
