//! Generated documents (PDF) with Chinese text, from an embedded CJK font (WenQuanYi Micro Hei,
//! Apache-2.0, shipped in `server/assets/fonts` with its licence). Fonts are subset on save.

use app::domain::time::format_shanghai;
use app::domain::money::Yuan;
use app::server::tenders::AwardNotice;
use app::domain::template::Procedure;
use app::tenders::{OpeningRecordView, TenderView};
use printpdf::{Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem};
use std::sync::OnceLock;

const CJK_FONT: &[u8] = include_bytes!("../assets/fonts/wqy-microhei.ttc");

fn font() -> &'static ParsedFont {
    static FONT: OnceLock<ParsedFont> = OnceLock::new();
    FONT.get_or_init(|| ParsedFont::from_bytes(CJK_FONT, 0, &mut Vec::new()).expect("the embedded CJK font parses"))
}

/// Breaks text into lines of at most `width` characters (PDF has no automatic wrapping).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(width).map(|c| c.iter().collect()).collect()
}

/// A4 pages with a top-down cursor; a line that would fall below the bottom margin starts a
/// new page (PDF has no flowing text).
struct Pages {
    font: printpdf::FontId,
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Pages {
    const TOP: f32 = 270.0;
    const BOTTOM: f32 = 20.0;

    fn text(&mut self, text: &str, size: f32, x: f32, advance: f32) {
        if self.y < Self::BOTTOM {
            self.pages.push(Vec::new());
            self.y = Self::TOP;
        }
        let ops = self.pages.last_mut().expect("there is always a page");
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(size) });
        ops.push(Op::SetTextCursor { pos: Point { x: Mm(x).into(), y: Mm(self.y).into() } });
        ops.push(Op::ShowText { items: vec![TextItem::Text(text.to_string())] });
        ops.push(Op::EndTextSection);
        self.y -= advance;
    }
}

/// A document: a centred-ish heading, wrapped paragraphs, then `label：value` lines and a
/// right-hand signature block, on as many A4 pages as it needs.
fn render(heading: &str, paragraphs: &[String], facts: &[(&str, String)], signature: &[String]) -> Vec<u8> {
    let mut doc = PdfDocument::new(heading);
    let font = doc.add_font(font());
    let mut p = Pages { font, pages: vec![Vec::new()], y: 260.0 };
    p.text(heading, 24.0, 105.0 - heading.chars().count() as f32 * 4.3, 20.0);
    for para in paragraphs {
        for l in wrap(para, 34) {
            p.text(&l, 12.0, 25.0, 8.0);
        }
        p.y -= 4.0;
    }
    p.y -= 6.0;
    for (label, value) in facts {
        for l in wrap(&format!("{label}：{value}"), 34) {
            p.text(&l, 12.0, 25.0, 9.0);
        }
    }
    p.y -= 12.0;
    for s in signature {
        p.text(s, 12.0, 110.0, 9.0);
    }
    let pages = p.pages.into_iter().map(|ops| PdfPage::new(Mm(210.0), Mm(297.0), ops)).collect();
    doc.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new())
}

/// 招标公告 (tender notice) of the current version: what is bought, lots, timeline, how bids are
/// scored, and the amendments so far.
pub fn tender_notice_pdf(v: &TenderView) -> Vec<u8> {
    let s = &v.spec;
    let method = match s.method {
        Procedure::OpenTender => "公开招标",
        Procedure::CompetitiveConsultation => "竞争性磋商",
        Procedure::ApplicationReview => "申报评审",
        Procedure::ExpertVote => "专家评审投票",
    };
    let heading = if s.method.procurement_method().is_some() { "招标公告" } else { "申报通知" };
    let mut paragraphs = vec![format!("{}就“{}”项目采用{}方式采购社会工作服务，欢迎符合条件的供应商参加。", s.buyer, s.title, method)];
    paragraphs.push(format!("预算（每年）：{}，共{}个标段：", s.budget, s.lots.len()));
    for (i, l) in s.lots.iter().enumerate() {
        paragraphs.push(format!("标段{}：{}，预算{}/年", i + 1, l.name, l.budget));
    }
    paragraphs.push(format!("招标文件提供期限：{} 至 {}", s.documents_from, s.documents_until));
    if let Some(c) = s.clarify_until_ms {
        paragraphs.push(format!("澄清提问截止：{}（北京时间）", format_shanghai(c)));
    }
    paragraphs.push(format!("投标截止时间：{}（北京时间）；开标时间：{}（北京时间）", format_shanghai(s.bid_deadline_ms), format_shanghai(s.opening_ms)));
    paragraphs.push(if s.price_scored() { format!("评标方法：综合评分法，价格分权重{}%。", s.price_weight_pct.normalize()) } else { "评标方法：固定价格，不评价格分。".to_string() });
    for c in &v.criteria {
        paragraphs.push(format!("· {}（{}分{}）{}", c.name, c.max_points.normalize(), if c.objective { "，客观分" } else { "" }, c.guidance));
    }
    for ver in v.versions.iter().filter(|x| x.version > 1) {
        paragraphs.push(format!("更正公告（第{}版，{}）：{}", ver.version, format_shanghai(ver.published_at), ver.reason));
    }
    render(heading, &paragraphs, &[("项目编号", v.summary.id.clone()), ("公告版本", format!("第{}版", v.version))], &[format!("采购人：{}", s.buyer)])
}

/// 中标通知书 (award notice). Law art. 46: the contract is signed within 30 days of the notice.
pub fn award_notice_pdf(n: &AwardNotice) -> Vec<u8> {
    let date = format_shanghai(n.awarded_at);
    render(
        "中标通知书",
        &[
            format!("致：{}", n.winner),
            format!(
                "经评审委员会评审并经采购人确认，贵单位为“{}”项目的中标人，中标金额为人民币 {} 元。请于本通知书发出之日起三十日内，按照招标文件和投标文件与采购人订立政府采购合同。",
                n.title, n.price
            ),
        ],
        &[
            ("项目名称", n.title.clone()),
            ("采购人", n.buyer.clone()),
            ("中标人", n.winner.clone()),
            ("中标金额", format!("{}（人民币）", n.price)),
            ("确认时间", format!("{date}（北京时间）")),
            ("项目编号", n.tender_id.clone()),
        ],
        &[format!("采购人：{}", n.buyer), date.chars().take(10).collect()],
    )
}

/// 开标一览表 (opening record): each bid's organisation, lots and prices, submission time and the
/// SHA-256 of each document as the bidder's receipt showed it.
pub fn opening_record_pdf(r: &OpeningRecordView) -> Vec<u8> {
    let mut paragraphs = vec![format!("项目名称：{}", r.title), format!("采购人：{}", r.buyer), format!("开标时间：{}（北京时间）", format_shanghai(r.opened_at))];
    if r.rows.is_empty() {
        paragraphs.push("截至投标截止时间，未收到投标文件。".to_string());
    }
    for (i, row) in r.rows.iter().enumerate() {
        let lots = row
            .lots
            .iter()
            .map(|(lot, fen)| if r.fixed_price { format!("{lot}（接受固定价格{}元）", Yuan::from_fen(*fen)) } else { format!("{lot}：{}元", Yuan::from_fen(*fen)) })
            .collect::<Vec<_>>()
            .join("；");
        paragraphs.push(format!("{}. {} —— {}；递交时间 {}", i + 1, row.org_name, lots, format_shanghai(row.submitted_at)));
        for f in &row.files {
            let kind = if f.kind == "technical" { "技术方案" } else { "资格证明" };
            paragraphs.push(format!("{kind} {}：SHA-256 {}", f.file_name, f.sha256));
        }
    }
    render("开标一览表", &paragraphs, &[("投标人数量", r.rows.len().to_string()), ("项目编号", r.tender_id.clone())], &[format!("采购人：{}", r.buyer)])
}

/// A demo bid's technical proposal (demo data only). It names no bidder: it is judged blind.
pub fn demo_proposal_pdf(tender: &str) -> Vec<u8> {
    render(
        "技术方案（演示）",
        &[format!("本文件为采评演示数据，代表对“{tender}”项目提交的技术方案（暗标，不含投标人信息）。"), "服务方案、团队配备与督导安排详见正文。".to_string()],
        &[("项目", tender.to_string())],
        &[],
    )
}

/// A demo bid's qualification documents (demo data only).
pub fn demo_qualification_pdf(org: &str) -> Vec<u8> {
    render("资格证明文件（演示）", &[format!("{org}的登记证书、财务状况、社保缴纳及无重大违法记录声明（演示数据）。")], &[("投标人", org.to_string())], &[org.to_string()])
}
