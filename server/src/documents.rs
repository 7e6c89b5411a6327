//! Generated documents (PDF) with Chinese text, from an embedded CJK font (WenQuanYi Micro Hei,
//! Apache-2.0, shipped in `server/assets/fonts` with its licence). Fonts are subset on save.

use crate::typeset;
use app::contracts::server::AwardNotice;
use app::domain::citation;
use app::domain::money::Yuan;
use app::domain::qualification::requirement_zh;
use app::domain::template::{ApplicantKind, Procedure, SchemeTemplate};
use app::domain::time::{date_zh, format_shanghai};
use app::opening::OpeningRecordView;
use app::tenders::TenderView;
use printpdf::{
    Line, LinePoint, Mm, Op, ParsedFont, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};
use std::sync::OnceLock;

const CJK_FONT: &[u8] = include_bytes!("../assets/fonts/wqy-microhei.ttc");

fn font() -> &'static ParsedFont {
    static FONT: OnceLock<ParsedFont> = OnceLock::new();
    FONT.get_or_init(|| ParsedFont::from_bytes(CJK_FONT, 0, &mut Vec::new()).expect("the embedded CJK font parses"))
}

/// Millimetres per point.
const MM_PER_PT: f32 = 0.3528;

/// GB/T 9704-2012 §5.2.1 page layout on A4: top margin 37 mm, left margin 28 mm, a text block
/// of 156 mm × 225 mm; the page number sits 7 mm below the text block.
mod page {
    pub const WIDTH: f32 = 210.0;
    pub const HEIGHT: f32 = 297.0;
    pub const LEFT: f32 = 28.0;
    pub const TEXT_WIDTH: f32 = 156.0;
    pub const TOP: f32 = HEIGHT - 37.0;
    pub const BOTTOM: f32 = TOP - 225.0;
    pub const NUMBER_BASELINE: f32 = BOTTOM - 7.0 - 4.0;
}

/// The width of `text` set at `size` points, in millimetres.
fn width_mm(text: &str, size: f32) -> f32 {
    typeset::text_width(text) * size * MM_PER_PT
}

/// How many ems of a font of `size` points fit the text block.
fn measure(size: f32) -> f32 {
    page::TEXT_WIDTH / (size * MM_PER_PT)
}

/// Where a line sits across the text block.
#[derive(Clone, Copy)]
enum Align {
    Left,
    Centre,
    /// Flush right, two ems in (where a signature and date go).
    Right,
}

/// A4 pages with a top-down cursor; a line that would fall below the text block starts a new
/// page (PDF has no flowing text). `first_page` is where the current document began, so each
/// document of a combined PDF is numbered from 1.
struct Pages {
    font: printpdf::FontId,
    pages: Vec<Vec<Op>>,
    first_page: usize,
    y: f32,
}

impl Pages {
    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = page::TOP - 6.0;
    }

    fn put(&mut self, text: &str, size: f32, x: f32, y: f32) {
        let ops = self.pages.last_mut().expect("there is always a page");
        ops.push(Op::StartTextSection);
        ops.push(Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(size) });
        ops.push(Op::SetTextCursor { pos: Point { x: Mm(x).into(), y: Mm(y).into() } });
        ops.push(Op::ShowText { items: vec![TextItem::Text(text.to_string())] });
        ops.push(Op::EndTextSection);
    }

    /// One line, then the cursor moves down by `advance` millimetres.
    fn line(&mut self, text: &str, size: f32, align: Align, advance: f32) {
        if self.y < page::BOTTOM {
            self.new_page();
        }
        let x = match align {
            Align::Left => page::LEFT,
            Align::Centre => page::LEFT + (page::TEXT_WIDTH - width_mm(text, size)) / 2.0,
            Align::Right => page::LEFT + page::TEXT_WIDTH - width_mm(text, size) - 2.0 * size * MM_PER_PT,
        };
        let y = self.y;
        self.put(text, size, x, y);
        self.y -= advance;
    }

    /// `text` broken into lines that fit the text block (see [`typeset::lines`]).
    fn paragraph(&mut self, text: &str, size: f32, align: Align, leading: f32) {
        for l in typeset::lines(text, measure(size)) {
            self.line(&l, size, align, leading);
        }
    }

    fn rule(&mut self, from: (f32, f32), to: (f32, f32)) {
        let point = |(x, y): (f32, f32)| LinePoint { p: Point { x: Mm(x).into(), y: Mm(y).into() }, bezier: false };
        let ops = self.pages.last_mut().expect("there is always a page");
        ops.push(Op::SetOutlineThickness { pt: Pt(0.6) });
        ops.push(Op::DrawLine { line: Line { points: vec![point(from), point(to)], is_closed: false } });
    }

    /// A ruled table; a row that does not fit starts a new page, where the header is repeated.
    fn table(&mut self, t: &Table, size: f32) {
        let leading = size * MM_PER_PT * 1.45;
        let pad = 1.5;
        let cells = |row: &[String]| -> Vec<Vec<String>> {
            row.iter()
                .zip(&t.widths)
                .map(|(text, w)| typeset::lines(text, (w - 2.0 * pad) / (size * MM_PER_PT)))
                .collect()
        };
        let header = cells(&t.header);
        let draw = |p: &mut Pages, row: &[Vec<String>]| {
            let height = row.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * pad;
            let top = p.y;
            let mut x = page::LEFT;
            for (lines, w) in row.iter().zip(&t.widths) {
                for (i, l) in lines.iter().enumerate() {
                    p.put(l, size, x + pad, top - pad - size * MM_PER_PT * 0.85 - i as f32 * leading);
                }
                p.rule((x, top), (x, top - height));
                x += w;
            }
            p.rule((x, top), (x, top - height));
            p.rule((page::LEFT, top), (x, top));
            p.rule((page::LEFT, top - height), (x, top - height));
            p.y = top - height;
        };
        self.y += leading / 2.0;
        draw(self, &header);
        for row in &t.rows {
            let row = cells(row);
            let height = row.iter().map(Vec::len).max().unwrap_or(1) as f32 * leading + 2.0 * pad;
            if self.y - height < page::BOTTOM {
                self.new_page();
                draw(self, &header);
            }
            draw(self, &row);
        }
        self.y -= leading;
    }

    /// GB/T 9704 §7.5: the page number as `— 1 —`, odd pages flush right and even pages flush
    /// left, one em in; each document counted from its own first page.
    fn number_pages(&mut self) {
        const SIZE: f32 = 14.0;
        for i in self.first_page..self.pages.len() {
            let n = i - self.first_page + 1;
            let text = format!("— {n} —");
            let x = if n % 2 == 1 {
                page::LEFT + page::TEXT_WIDTH - width_mm(&text, SIZE) - SIZE * MM_PER_PT
            } else {
                page::LEFT + SIZE * MM_PER_PT
            };
            let ops = &mut self.pages[i];
            ops.push(Op::StartTextSection);
            ops.push(Op::SetFont { font: PdfFontHandle::External(self.font.clone()), size: Pt(SIZE) });
            ops.push(Op::SetTextCursor { pos: Point { x: Mm(x).into(), y: Mm(page::NUMBER_BASELINE).into() } });
            ops.push(Op::ShowText { items: vec![TextItem::Text(text)] });
            ops.push(Op::EndTextSection);
        }
    }
}

/// A document's parts: a heading, paragraphs (“# …” is a chapter heading; a paragraph of prose
/// is indented two ems, GB/T 9704 §7.3.3), then `label：value` lines and a signature block set
/// flush right, below the space left for the seal.
struct Doc<'a> {
    heading: &'a str,
    paragraphs: &'a [String],
    /// A table after the paragraphs, and the paragraphs that follow it.
    table: Option<(&'a Table, &'a [String])>,
    facts: &'a [(&'a str, String)],
    signature: &'a [String],
}

/// A ruled table set after the paragraphs: column widths in millimetres (summing to the text
/// block's width) and cells that wrap within their column.
struct Table {
    widths: Vec<f32>,
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

/// The body text of a document.
///
/// GB/T 9704-2012 §5.2.1 sets official documents (公文: the notice, the award letter) in 3号
/// (16 pt) on a grid of 22 lines of 28 characters; the long working documents (the tender
/// document, the opening record, the evaluation report) are not 公文 and use 小四 (12 pt), as
/// tender documents commonly do. The face stays the embedded WenQuanYi Micro Hei: the standard's
/// 仿宋 has no freely licensed Simplified Chinese cut covering GB 2312 that could be embedded
/// (Debian's cwTeX 仿宋 is a Traditional Chinese font) (verify with the purchaser whether a
/// licensed 仿宋 should be supplied).
#[derive(Clone, Copy)]
enum Body {
    Official,
    Working,
}

impl Body {
    fn size(self) -> f32 {
        match self {
            Body::Official => 16.0,
            Body::Working => 12.0,
        }
    }

    /// The distance between baselines, in millimetres; official text sits on the 22-line grid.
    fn leading(self) -> f32 {
        match self {
            Body::Official => 225.0 / 22.0,
            Body::Working => 7.5,
        }
    }

    /// Extra space after a paragraph: none on the official grid, where paragraphs are told apart
    /// by their indent alone.
    fn gap(self) -> f32 {
        match self {
            Body::Official => 0.0,
            Body::Working => 2.0,
        }
    }
}

/// A document on as many A4 pages as it needs.
fn render(heading: &str, paragraphs: &[String], facts: &[(&str, String)], signature: &[String], body: Body) -> Vec<u8> {
    render_all(heading, &[Doc { heading, paragraphs, table: None, facts, signature }], body)
}

/// Whether a paragraph is prose (indented) rather than a list item or a continued line.
fn is_prose(para: &str) -> bool {
    // A salutation (`单位名称：`) stands flush left, as do list items.
    !para.starts_with(['·', ' ', '　']) && !para.starts_with(|c: char| c.is_ascii_digit()) && !para.ends_with('：')
}

/// Several documents in one PDF, each starting on a new page and numbered from 1.
fn render_all(title: &str, docs: &[Doc<'_>], body: Body) -> Vec<u8> {
    let (size, leading) = (body.size(), body.leading());
    let mut pdf = PdfDocument::new(title);
    let font = pdf.add_font(font());
    let mut p = Pages { font, pages: Vec::new(), first_page: 0, y: 0.0 };
    for d in docs {
        p.first_page = p.pages.len();
        p.new_page();
        p.paragraph(d.heading, 22.0, Align::Centre, 12.0);
        p.y -= 4.0;
        for para in d.paragraphs {
            if let Some(h) = para.strip_prefix("# ") {
                p.y -= 3.0;
                p.paragraph(h, 15.0, Align::Left, 9.0);
                p.y -= 1.0;
                continue;
            }
            if is_prose(para) {
                p.paragraph(&format!("　　{para}"), size, Align::Left, leading);
            } else {
                p.paragraph(para, size, Align::Left, leading);
            }
            p.y -= body.gap();
        }
        if let Some((t, after)) = d.table {
            p.table(t, 10.0);
            for para in after {
                p.paragraph(para, size, Align::Left, leading);
            }
        }
        p.y -= 4.0;
        for (label, value) in d.facts {
            p.paragraph(&format!("{label}：{value}"), size, Align::Left, leading);
        }
        if !d.signature.is_empty() {
            // Room for the seal over the signature (GB/T 9704 §7.4.2), on the same page.
            p.y -= 22.0;
            if p.y - leading * (d.signature.len() as f32) < page::BOTTOM {
                p.new_page();
                p.y -= 22.0;
            }
            for s in d.signature {
                p.line(s, size, Align::Right, leading);
            }
        }
        p.number_pages();
    }
    let pages = p.pages.into_iter().map(|ops| PdfPage::new(Mm(page::WIDTH), Mm(page::HEIGHT), ops)).collect();
    pdf.with_pages(pages).save(&PdfSaveOptions::default(), &mut Vec::new())
}

fn method_zh(m: Procedure) -> &'static str {
    match m {
        Procedure::OpenTender => "公开招标",
        Procedure::CompetitiveConsultation => "竞争性磋商",
        Procedure::ApplicationReview => "申报评审",
        Procedure::ExpertVote => "专家评审投票",
    }
}

/// The notice's body: what is bought, lots, timeline, how bids are scored, the amendments.
fn notice_paragraphs(v: &TenderView) -> Vec<String> {
    let s = &v.spec;
    let mut paragraphs = vec![format!(
        "{}就“{}”项目采用{}方式采购社会工作服务，欢迎符合条件的供应商参加。",
        s.buyer,
        s.title,
        method_zh(s.method)
    )];
    paragraphs.push(format!("预算（服务期合计）：{}，共{}个标段：", s.budget, s.lots.len()));
    for (i, l) in s.lots.iter().enumerate() {
        paragraphs.push(format!("标段{}：{}，{}", i + 1, l.name, l.budget_summary(false)));
    }
    paragraphs.push(format!(
        "获取招标文件：{} 至 {}，在本平台该项目页面在线免费下载（招标文件售价：0元）。",
        s.documents_from, s.documents_until
    ));
    if let Some(c) = s.clarify_until_ms {
        paragraphs.push(format!("澄清提问截止：{}（北京时间）", format_shanghai(c)));
    }
    paragraphs.push(format!(
        "投标截止时间：{}（北京时间）；开标时间：{}（北京时间）",
        format_shanghai(s.bid_deadline_ms),
        format_shanghai(s.opening_ms)
    ));
    paragraphs.push("开标地点：本平台在线开标，投标人无需到场。".to_string());
    // O87 art. 13 (一)、(八): who publishes, whom to call.
    if let Some(c) = &s.contact {
        paragraphs.push(format!(
            "采购人：{}；地址：{}；项目联系人：{}；联系电话：{}。",
            s.buyer,
            c.address,
            c.person,
            c.phone.as_str()
        ));
        paragraphs.push(match &c.agency {
            Some(a) => format!("采购代理机构：{}；联系电话：{}。", a.name, a.phone.as_str()),
            None => "本项目未委托采购代理机构。".to_string(),
        });
    }
    paragraphs.push(if s.price_scored() {
        format!("评标方法：综合评分法，价格分权重{}%。", s.price_weight_pct.normalize())
    } else {
        "评标方法：固定价格，不评价格分。".to_string()
    });
    for c in &v.criteria {
        paragraphs.push(format!(
            "· {}（{}分{}）{}",
            c.name,
            c.max_points.normalize(),
            if c.objective { "，客观分" } else { "" },
            c.guidance
        ));
    }
    for ver in v.versions.iter().filter(|x| x.version > 1) {
        paragraphs.push(format!(
            "更正公告（第{}版，{}）：{}",
            ver.version,
            format_shanghai(ver.published_at),
            ver.reason
        ));
    }
    paragraphs
}

/// 招标公告 (tender notice) of the current version.
pub fn tender_notice_pdf(v: &TenderView, preview: bool) -> Vec<u8> {
    let s = &v.spec;
    let heading = if s.method.procurement_method().is_some() { "招标公告" } else { "申报通知" };
    let mut paragraphs = preview_mark(preview);
    paragraphs.extend(notice_paragraphs(v));
    render(
        heading,
        &paragraphs,
        &[("项目编号", v.summary.project_no.clone()), ("公告版本", format!("第{}版", v.version))],
        &issuer(v),
        Body::Official,
    )
}

/// The first line of a draft's preview, so a printed preview is never taken for the notice.
fn preview_mark(preview: bool) -> Vec<String> {
    if preview {
        vec!["【草稿预览】本文件尚未发布，不具有效力；以发布后的正式文件为准。".to_string()]
    } else {
        Vec::new()
    }
}

/// The issuing purchaser and the date the current version was published (none for a draft).
fn issuer(v: &TenderView) -> Vec<String> {
    let mut lines = vec![format!("采购人：{}", v.spec.buyer)];
    lines.extend(v.versions.iter().find(|x| x.version == v.version).map(|x| date_zh(x.published_at)));
    lines
}

/// 招标文件 (tender document) of the current version: the notice, instructions to bidders, the
/// template's qualification and team requirements, the scoring method, the service content with
/// its targets, obligations, payments and evaluations, and the attachments with their hashes.
pub fn tender_document_pdf(v: &TenderView, t: &SchemeTemplate, preview: bool) -> Vec<u8> {
    let s = &v.spec;
    let call = s.method.procurement_method().is_none();
    let mut p = preview_mark(preview);
    p.push("# 第一章 招标公告".to_string());
    p.extend(notice_paragraphs(v));

    p.push("# 第二章 投标人须知".into());
    p.push(format!("申请主体：{}。", applicant_zh(t.applicant)));
    p.push(format!("服务期：{}年；每个标段为一个{}。", t.contract_years, t.lot_unit.zh));
    if !call {
        p.push("报价为各标段服务期总价（含全部服务年度），不得超过该标段服务期预算合计，否则投标无效（政府采购货物和服务招标投标管理办法第六十三条）。".into());
    }
    p.push("投标文件分两部分，均为PDF文件或zip压缩包（单个文件不超过20MB，每份投标合计不超过40MB）：技术方案与资格证明文件。".into());
    if call {
        p.push("申报单位须在系统中填写申报表，并上传实验方案或申报方案（技术文件）及证明材料（资格文件）。".into());
    } else {
        p.push("技术方案实行暗标评审：文件及压缩包内的文件名、文件内容均不得出现投标人名称、统一社会信用代码或其他可识别投标人身份的信息，否则系统拒收或按无效投标处理。".into());
    }
    p.push("投标文件在开标前加密保存，任何人（含采购人和系统管理员）在开标时间前均无法读取；回执载明每个文件的SHA-256摘要和递交时间。投标截止前可撤回、重新递交；截止后不得更改。".into());
    p.push(
        "实质性更正公告发布后，已递交的投标须由投标人重新确认；更正距投标截止不足法定期限的，截止时间相应顺延。".into(),
    );
    p.push("各标段分别评审、分别排序、分别确定中标人，价格分按该标段的报价计算；投标人可投多个标段。某一标段投标截止后提交投标的供应商不足3家，或资格审查合格的不足3家的，该标段废标并公告理由，其他标段继续评审；全部标段废标的，本项目废标。".into());
    p.push("同一社工或督导（以身份证号或证书编号识别）不得在本项目不同投标中重复承诺，亦不得与在履行合同中的承诺重复，否则将在资格审查中标注。".into());

    p.push(format!("# 第三章 {}要求", if call { "申报条件" } else { "资格" }));
    if t.qualification.is_empty() {
        p.push(if call {
            "申报条件见申报表各项要求。".into()
        } else {
            "无特定资格条件（法定条件除外）。".into()
        });
    }
    for (i, r) in t.qualification.iter().enumerate() {
        p.push(format!("{}. {}（依据：{}）", i + 1, requirement_zh(&r.rule), citation::zh(&r.citation)));
    }
    if !t.team.is_empty() {
        p.push("# 第四章 项目团队要求".into());
        for (i, r) in t.team.iter().enumerate() {
            p.push(format!("{}. {}（依据：{}）", i + 1, requirement_zh(&r.rule), citation::zh(&r.citation)));
        }
        p.push(
            "社工证书须在投标截止日有效；投标时从本机构人员名册中选定项目主管、督导和员工，系统保存投标时的声明快照。"
                .into(),
        );
    }

    p.push("# 第五章 评审办法".into());
    if s.price_scored() {
        p.push(format!("综合评分法：价格分权重{}%，以满足招标文件要求且投标价格最低的投标报价为评标基准价，其他投标人的价格分统一按照下列公式计算：投标报价得分=(评标基准价/投标报价)×价格权值×100（政府采购货物和服务招标投标管理办法第五十五条）。", s.price_weight_pct.normalize()));
    } else if !call {
        p.push("固定价格采购，不评价格分；评审只比较服务方案与能力。".into());
    }
    for (i, c) in v.criteria.iter().enumerate() {
        p.push(format!(
            "{}. {}：{}分{}。评分细则：{}",
            i + 1,
            c.name,
            c.max_points.normalize(),
            if c.objective { "（客观分，各评委评分应一致）" } else { "" },
            if c.guidance.is_empty() { "—" } else { &c.guidance }
        ));
    }

    p.push("# 第六章 服务内容与要求".into());
    for item in &t.service_items {
        p.push(format!("· {}（{}）", item.name.zh, if item.mandatory { "必选" } else { "可选" }));
        for target in &item.targets {
            p.push(format!("    {} 不少于 {} {}", per_zh(&target.per), target.min.normalize(), target.unit.zh));
        }
    }
    if !t.obligations.is_empty() {
        p.push("履约承诺（按服务年度）：".into());
        for o in &t.obligations {
            let years: Vec<String> =
                o.min_by_year.iter().enumerate().map(|(i, m)| format!("第{}年{}", i + 1, m.normalize())).collect();
            p.push(format!(
                "· {}：{}{}（依据：{}）",
                o.name.zh,
                years.join("，"),
                o.unit.zh,
                citation::zh(&o.citation)
            ));
        }
    }
    if !t.payments.is_empty() {
        p.push("付款安排：".into());
        for pay in &t.payments {
            p.push(format!("· {}：{}%", pay.trigger.zh, pay.pct.normalize()));
        }
    }
    if !t.evaluations.is_empty() {
        p.push("考核评估：".into());
        for e in &t.evaluations {
            p.push(format!("· 第{}年：{}", e.contract_year, e.consequence.zh));
        }
    }

    p.push("# 第七章 附件".into());
    if v.attachments.is_empty() {
        p.push("无。".into());
    }
    for a in &v.attachments {
        p.push(format!("{}（{}字节）SHA-256 {}", a.file_name, a.file_size, a.sha256));
    }
    let heading = if call { "申报指南" } else { "招标文件" };
    render(
        heading,
        &p,
        &[
            ("方案模板", format!("{}（{}）", t.name.zh, citation::zh(&t.source))),
            ("项目编号", v.summary.project_no.clone()),
            ("文件版本", format!("第{}版", v.version)),
        ],
        &issuer(v),
        Body::Working,
    )
}

fn applicant_zh(a: ApplicantKind) -> &'static str {
    match a {
        ApplicantKind::Ngo => "依法登记的社会工作服务机构等社会组织",
        ApplicantKind::ResidentsCommittee => "社区居民委员会",
        ApplicantKind::CountyGovernment => "县级人民政府（市辖区、县级市）",
    }
}

fn per_zh(per: &str) -> &'static str {
    match per {
        "year" => "每年",
        "month" => "每月",
        "community_year" => "每个社区每年",
        _ => "合同期内",
    }
}

/// 中标通知书 (award notices), one per winner and page. Law art. 46: the contract is signed
/// within 30 days of the notice.
pub fn award_notices_pdf(notices: &[AwardNotice]) -> Vec<u8> {
    /// One notice's text, kept while the pages borrow it.
    struct Notice {
        paragraphs: Vec<String>,
        facts: Vec<(&'static str, String)>,
        signature: Vec<String>,
    }
    let parts: Vec<Notice> = notices
        .iter()
        .map(|n| {
            let date = format_shanghai(n.awarded_at);
            let lots = n
                .lots
                .iter()
                .map(|l| format!("“{}”（中标金额人民币{}，{}）", l.lot, l.price.capitals(), l.price))
                .collect::<Vec<_>>()
                .join("、");
            let paragraphs = vec![
                format!("{}：", n.winner),
                format!(
                    "经评审委员会评审并经采购人确认，贵单位为“{}”项目{}的中标人，中标金额合计人民币{}（{}）。请于本通知书发出之日起三十日内，按照招标文件和投标文件与采购人就各标段分别订立政府采购合同。",
                    n.title,
                    lots,
                    n.price.capitals(),
                    n.price
                ),
                "特此通知。".to_string(),
            ];
            let facts = vec![
                ("项目编号", n.project_no.clone()),
                ("项目名称", n.title.clone()),
                ("采购人", n.buyer.clone()),
                ("中标人", n.winner.clone()),
                ("中标标段", n.lots.iter().map(|l| l.lot.clone()).collect::<Vec<_>>().join("、")),
                ("中标金额", format!("人民币{}（{}）", n.price.capitals(), n.price)),
                ("确认时间", format!("{date}（北京时间）")),
            ];
            Notice { paragraphs, facts, signature: vec![format!("采购人（盖章）：{}", n.buyer), date_zh(n.awarded_at)] }
        })
        .collect();
    let docs: Vec<Doc<'_>> = parts
        .iter()
        .map(|n| Doc {
            heading: "中标通知书",
            paragraphs: &n.paragraphs,
            table: None,
            facts: &n.facts,
            signature: &n.signature,
        })
        .collect();
    render_all("中标通知书", &docs, Body::Official)
}

/// 评审报告 (evaluation report), O87 art. 58: its six items, the record of the review and every
/// member's signature with the hash it binds.
pub fn evaluation_report_pdf(v: &app::evaluation::ReportView, project_no: &str) -> Vec<u8> {
    let r = &v.content;
    let mut p = vec![
        format!("项目名称：{}", r.title),
        format!("采购人：{}", r.buyer),
        format!(
            "报告版本：第{}版{}",
            r.version,
            r.version_reason.as_deref().map(|x| format!("（{x}）")).unwrap_or_default()
        ),
        "# 一、公告媒体、开标日期和地点".into(),
        format!("招标公告发布媒体：{}；开标时间：{}（北京时间）；地点：{}。", r.media, r.opened_at, r.place),
        "# 二、投标人名单和评审委员会成员名单".into(),
        format!(
            "投标人：{}。",
            r.bidders
                .iter()
                .map(|b| format!("{}（代号{}，{}）", b.name, b.alias, b.lots.join("、")))
                .collect::<Vec<_>>()
                .join("；")
        ),
        format!(
            "评审委员会：{}。",
            r.panel
                .iter()
                .map(|m| format!(
                    "{}（{}{}{}）",
                    m.name,
                    m.role_zh,
                    if m.leader { "，组长" } else { "" },
                    if m.self_selected { "，自行选定" } else { "" }
                ))
                .collect::<Vec<_>>()
                .join("、")
        ),
        "# 三、评审方法和标准".into(),
        format!(
            "评审方法：{}；价格权重：{}；评分因素：{}。",
            r.method_zh,
            r.price_weight,
            r.criteria.iter().map(|(n, m)| format!("{n}（{m}分）")).collect::<Vec<_>>().join("、")
        ),
        "# 四、开标记录和评审情况，无效投标及原因".into(),
    ];
    if r.invalid.is_empty() {
        p.push("无无效投标。".into());
    }
    for (name, reason) in &r.invalid {
        p.push(format!("{name}：{reason}"));
    }
    p.push("# 五、评审结果".into());
    for l in &r.lots {
        match &l.failed {
            Some(f) => p.push(format!("{}：{}", l.lot, f)),
            None => {
                p.push(format!("{}：", l.lot));
                for b in &l.ranking {
                    p.push(format!(
                        "第{}名 {}（代号{}）报价{}元，技术得分{}，价格得分{}，总分{}",
                        b.rank, b.name, b.alias, b.price, b.technical, b.price_points, b.total
                    ));
                }
            }
        }
    }
    p.push("# 六、其他需要说明的情况".into());
    if r.notes.is_empty() {
        p.push("无。".into());
    }
    for n in &r.notes {
        p.push(format!("【{}】{}", n.kind_zh, n.text));
    }
    p.push("# 签署".into());
    for s in &v.signatures {
        p.push(format!(
            "{}：{}{}",
            s.member,
            s.signed_at.map(format_shanghai).unwrap_or_else(|| "未签署".into()),
            s.dissent.as_deref().map(|d| format!("，不同意见：{d}")).unwrap_or_default()
        ));
    }
    let facts = vec![("内容哈希（SHA-256）", v.content_hash.clone()), ("项目编号", project_no.to_string())];
    render("评审报告", &p, &facts, &["评审委员会全体成员签署".to_string()], Body::Working)
}

/// 开标一览表 (opening record): each bid's organisation, lots and prices, submission time and the
/// SHA-256 of each document as the bidder's receipt showed it.
pub fn opening_record_pdf(r: &OpeningRecordView) -> Vec<u8> {
    let mut paragraphs = vec![
        format!("项目名称：{}", r.title),
        format!("项目编号：{}", r.project_no),
        format!("采购人：{}", r.buyer),
        format!("开标时间：{}（北京时间）", format_shanghai(r.opened_at)),
    ];
    if r.rows.is_empty() {
        paragraphs.push("截至投标截止时间，未收到投标文件。".to_string());
    }
    let rows = r
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let lots = row
                .lots
                .iter()
                .map(|l| {
                    let price = Yuan::from_fen(l.price_fen);
                    if r.fixed_price {
                        format!("{}：接受固定价格{}", l.lot, price)
                    } else {
                        format!("{}：{}", l.lot, price)
                    }
                })
                .collect::<Vec<_>>()
                .join("；");
            vec![(i + 1).to_string(), row.org_name.clone(), lots, format_shanghai(row.submitted_at)]
        })
        .collect();
    let table = Table {
        widths: vec![10.0, 64.0, 52.0, 30.0],
        header: ["序号", "投标人", if r.fixed_price { "标段及价格" } else { "标段及投标报价" }, "递交时间（北京时间）"]
            .map(String::from)
            .to_vec(),
        rows,
    };
    // The digests each bidder's receipt showed, after the table: too long for a column.
    let mut files = Vec::new();
    if !r.rows.is_empty() {
        files.push("投标文件摘要（SHA-256，与投标回执一致）：".to_string());
    }
    for (i, row) in r.rows.iter().enumerate() {
        for f in &row.files {
            let kind = match (f.kind, f.lot) {
                (app::bids::FileKind::Technical, Some(l)) => format!("技术方案（第{}标段）", l + 1),
                (app::bids::FileKind::Technical, None) => "技术方案".into(),
                (app::bids::FileKind::Qualification, _) => "资格证明".into(),
            };
            files.push(format!("{}. {kind} {}：{}", i + 1, f.file_name, f.sha256));
        }
    }
    let facts: Vec<(&str, String)> = vec![("投标人数量", r.rows.len().to_string())];
    let signature = vec![
        "记录人（签字）：＿＿＿＿＿＿".to_string(),
        "监督人（签字）：＿＿＿＿＿＿".to_string(),
        format!("采购人（盖章）：{}", r.buyer),
        date_zh(r.opened_at),
    ];
    let doc = Doc {
        heading: "开标一览表",
        paragraphs: &paragraphs,
        table: Some((&table, &files)),
        facts: &facts,
        signature: &signature,
    };
    render_all("开标一览表", &[doc], Body::Working)
}

/// A demo bid's technical proposal (demo data only). It names no bidder: it is judged blind.
pub fn demo_proposal_pdf(tender: &str) -> Vec<u8> {
    render(
        "技术方案（演示）",
        &[
            format!("本文件为采评演示数据，代表对“{tender}”项目提交的技术方案（暗标，不含投标人信息）。"),
            "服务方案、团队配备与督导安排详见正文。".to_string(),
        ],
        &[("项目", tender.to_string())],
        &[],
        Body::Working,
    )
}

/// A demo bid's qualification documents (demo data only).
pub fn demo_qualification_pdf(org: &str) -> Vec<u8> {
    render(
        "资格证明文件（演示）",
        &[format!("{org}的登记证书、财务状况、社保缴纳及无重大违法记录声明（演示数据）。")],
        &[("投标人", org.to_string())],
        &[org.to_string()],
        Body::Working,
    )
}
