//! The evaluation's score summary as an XLSX workbook (issue 12), for the purchaser to file with
//! the signed report: one sheet of every member's points (member × bidder × criterion), one of
//! each lot's ranking, and one of the corrections and confirmations with their O87 art. 64
//! reasons. Headings are Chinese, as the report is.

use app::evaluation::server::ScoreSummary;
use rust_decimal::Decimal;
use rust_xlsxwriter::{DocProperties, Format, Workbook, Worksheet, XlsxError};

/// Builds the workbook.
pub fn score_summary_xlsx(s: &ScoreSummary) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    // The title only: no author or company, the file names no one but the bidders it ranks.
    book.set_properties(&DocProperties::new().set_title(format!("{} 评分汇总表", s.title)));
    let bold = Format::new().set_bold();
    let points = Format::new().set_num_format("0.00");
    let money = Format::new().set_num_format("#,##0.00");

    let sheet = book.add_worksheet().set_name("评分明细")?;
    title(sheet, &bold, &format!("{} 评分明细（评审报告第{}版）", s.title, s.report_version))?;
    let mut head = vec!["评审成员".to_string(), "身份".into(), "代号".into(), "标段".into(), "投标人".into()];
    head.extend(s.criteria.iter().map(|(name, max)| format!("{name}（{}分）", max.normalize())));
    head.push("合计".into());
    header(sheet, &bold, 2, &head)?;
    const FIRST_POINTS: u16 = 5;
    let mut row = 3;
    for m in &s.sheets {
        for r in &m.rows {
            sheet.write_string(row, 0, &m.member)?;
            sheet.write_string(row, 1, m.role_zh)?;
            sheet.write_string(row, 2, &r.key)?;
            // A filter on this column gives one lot's scores; a bid's one proposal counts for
            // every lot it bids for.
            sheet.write_string(row, 3, r.lot.as_deref().unwrap_or("所投各标段通用"))?;
            sheet.write_string(row, 4, &r.bidder)?;
            for (i, p) in r.points.iter().enumerate() {
                sheet.write_with_format(row, FIRST_POINTS + i as u16, *p, &points)?;
            }
            let total: Decimal = r.points.iter().copied().sum();
            sheet.write_with_format(row, FIRST_POINTS + r.points.len() as u16, total, &points)?;
            row += 1;
        }
    }
    widths(sheet, &[12.0, 10.0, 6.0, 16.0, 34.0])?;
    sheet.set_freeze_panes(3, FIRST_POINTS)?;

    let sheet = book.add_worksheet().set_name("排名")?;
    title(sheet, &bold, &format!("{} 各包评审结果", s.title))?;
    header(
        sheet,
        &bold,
        2,
        &[
            "包".into(),
            "名次".into(),
            "代号".into(),
            "投标人".into(),
            "报价（元）".into(),
            "技术得分".into(),
            "价格分".into(),
            "总分".into(),
            "并列".into(),
        ],
    )?;
    let mut row = 3;
    for lot in &s.lots {
        if let Some(reason) = &lot.failed {
            sheet.write_string(row, 0, &lot.lot)?;
            sheet.write_string(row, 3, format!("废标：{reason}"))?;
            row += 1;
            continue;
        }
        for r in &lot.rows {
            sheet.write_string(row, 0, &lot.lot)?;
            sheet.write_number(row, 1, r.rank as u32)?;
            sheet.write_string(row, 2, &r.alias)?;
            sheet.write_string(row, 3, &r.org_name)?;
            sheet.write_with_format(row, 4, r.price, &money)?;
            sheet.write_with_format(row, 5, r.technical, &points)?;
            sheet.write_with_format(row, 6, r.price_points, &points)?;
            sheet.write_with_format(row, 7, r.total, &points)?;
            if r.tied {
                sheet.write_string(row, 8, "是")?;
            }
            row += 1;
        }
    }
    widths(sheet, &[14.0, 6.0, 6.0, 34.0, 14.0, 10.0, 10.0, 10.0, 6.0])?;

    let sheet = book.add_worksheet().set_name("更正与说明")?;
    title(sheet, &bold, "评分更正与书面说明（《政府采购货物和服务招标投标管理办法》第六十四条）")?;
    header(
        sheet,
        &bold,
        2,
        &[
            "评审成员".into(),
            "代号".into(),
            "评分因素".into(),
            "处理".into(),
            "理由".into(),
            "原分".into(),
            "现分".into(),
            "说明".into(),
            "时间".into(),
        ],
    )?;
    for (i, a) in s.answers.iter().enumerate() {
        let row = 3 + i as u32;
        sheet.write_string(row, 0, &a.member)?;
        sheet.write_string(row, 1, &a.alias)?;
        sheet.write_string(row, 2, &a.criterion_name)?;
        sheet.write_string(row, 3, if a.kind == "correct" { "更正" } else { "保留并说明" })?;
        sheet.write_string(row, 4, a.reason.as_deref().unwrap_or(""))?;
        sheet.write_with_format(row, 5, a.from, &points)?;
        sheet.write_with_format(row, 6, a.to, &points)?;
        sheet.write_string(row, 7, &a.note)?;
        sheet.write_string(row, 8, app::domain::time::format_shanghai(a.at))?;
    }
    widths(sheet, &[12.0, 6.0, 16.0, 10.0, 30.0, 8.0, 8.0, 40.0, 18.0])?;
    book.save_to_buffer()
}

fn title(sheet: &mut Worksheet, bold: &Format, text: &str) -> Result<(), XlsxError> {
    sheet.write_string_with_format(0, 0, text, bold)?;
    Ok(())
}

fn header(sheet: &mut Worksheet, bold: &Format, row: u32, cells: &[String]) -> Result<(), XlsxError> {
    for (i, c) in cells.iter().enumerate() {
        sheet.write_string_with_format(row, i as u16, c, bold)?;
    }
    Ok(())
}

fn widths(sheet: &mut Worksheet, widths: &[f64]) -> Result<(), XlsxError> {
    for (i, w) in widths.iter().enumerate() {
        sheet.set_column_width(i as u16, *w)?;
    }
    Ok(())
}
