//! What is measured inside the process, without HTTP: the review's diagnostics and ranking in the
//! domain, and the award notice and evaluation report PDFs.

use app::domain::evaluation::diagnostics::{self, Sheets};
use app::domain::evaluation::report::{Note, RankedBid, Report, ReportBidder, ReportLot, ReportMember};
use app::domain::money::Yuan;
use app::domain::scoring;
use rust_decimal::Decimal;
use std::time::{Duration, Instant};

/// A fixed pseudo-random sequence (xorshift64*), so every run scores the same sheets.
pub struct Sequence(u64);

impl Sequence {
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The median of `runs` timings of `f`, after one run to warm caches.
pub fn median_time<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut out = f();
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        out = std::hint::black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], out)
}

pub struct ScoringRun {
    pub experts: usize,
    pub bids: usize,
    pub criteria: usize,
    pub time: Duration,
    pub flags: usize,
}

/// Diagnostics (O87 art. 64) and totals and ranking (O87 art. 55/57) of complete sheets:
/// `experts` members scoring `bids` bids on `criteria` criteria of 100/`criteria` points each
/// (the last five objective), with some scores far from the others.
pub fn scoring(experts: usize, bids: usize, criteria: usize, runs: usize) -> ScoringRun {
    let mut seq = Sequence::new(7);
    let max = Decimal::from(100) / Decimal::from(criteria as u64);
    let max = max.round_dp(2);
    let diag_criteria: Vec<diagnostics::Criterion> = (0..criteria)
        .map(|c| diagnostics::Criterion {
            name: format!("评分因素{}", c + 1),
            max_points: max,
            objective: c + 5 >= criteria,
        })
        .collect();
    let score_criteria: Vec<scoring::Criterion> =
        (0..criteria).map(|c| scoring::Criterion { id: format!("c{c}"), max_points: max }).collect();
    let bid_names: Vec<String> = (0..bids).map(|b| format!("B{b:03}")).collect();
    // Each bid has a quality; members score near it (±8 % of the points), and about one score
    // in a hundred is far off, as the diagnostics expect of a real panel.
    let quality: Vec<u64> = (0..bids).map(|_| 50 + seq.below(46)).collect();
    let scores: Vec<Vec<Vec<Decimal>>> = (0..experts)
        .map(|_| {
            (0..bids)
                .map(|b| {
                    (0..criteria)
                        .map(|c| {
                            let pct = if c + 5 >= criteria {
                                // Objective: the same for everyone, from the bid alone.
                                (b % 5) as u64 * 25
                            } else if seq.below(100) == 0 {
                                seq.below(101)
                            } else {
                                (quality[b] + seq.below(17)).saturating_sub(8).min(100)
                            };
                            (max * Decimal::from(pct) / Decimal::from(100)).round_dp(2)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    let sheets =
        Sheets { members: (0..experts).map(|e| format!("E{e:02}")).collect(), bids: bid_names.clone(), scores };
    let prices: Vec<(String, Decimal)> =
        bid_names.iter().map(|b| (b.clone(), Decimal::from(500_000 + seq.below(300_000)))).collect();
    let (time, flags) = median_time(runs, || {
        let d = diagnostics::diagnose(&diag_criteria, &sheets, 20);
        let totals = scoring::totals(&score_criteria, &prices, &sheets.scores, Some(Decimal::from(20)))
            .expect("the generated sheets are complete and in range");
        let ranked = scoring::rank(totals);
        assert_eq!(ranked.len(), bids);
        d.flags.len()
    });
    ScoringRun { experts, bids, criteria, time, flags }
}

pub struct PdfRun {
    pub name: &'static str,
    pub pages_of: String,
    pub time: Duration,
    pub bytes: usize,
}

/// The 中标通知书 of a two-lot award and a full 评审报告 (7 members, 20 bidders, 30 criteria,
/// two lots ranked), typeset with the embedded CJK font subset.
pub fn pdfs(runs: usize) -> Vec<PdfRun> {
    let notice = app::contracts::server::AwardNotice {
        tender_id: "bench".into(),
        project_no: "320500-2026-0001".into(),
        title: "双塔街道“4+1”社区服务综合包".into(),
        buyer: "苏州市姑苏区双塔街道办事处".into(),
        winner: "苏州市姑苏区阳光社会工作服务社".into(),
        winner_org_id: "org".into(),
        lots: vec![
            app::contracts::server::AwardedLot { lot: "双塔社区".into(), price: Yuan::from_fen(29_000_000) },
            app::contracts::server::AwardedLot { lot: "定慧寺社区".into(), price: Yuan::from_fen(49_500_000) },
        ],
        price: Yuan::from_fen(78_500_000),
        awarded_at: 1_796_000_000_000,
    };
    let (time, bytes) = median_time(runs, || server::documents::award_notices_pdf(std::slice::from_ref(&notice)));
    let award =
        PdfRun { name: "中标通知书 award notice", pages_of: "1 winner, 2 lots".into(), time, bytes: bytes.len() };

    let bidders: Vec<ReportBidder> = (0..20)
        .map(|i| ReportBidder {
            alias: format!("{}", (b'A' + i as u8) as char),
            name: format!("苏州市第{}社会工作服务中心", i + 1),
            lots: vec!["双塔社区".into(), "定慧寺社区".into()],
        })
        .collect();
    let ranking: Vec<RankedBid> = bidders
        .iter()
        .enumerate()
        .map(|(i, b)| RankedBid {
            rank: i + 1,
            alias: b.alias.clone(),
            name: b.name.clone(),
            price: format!("{}", 290_000 - i * 1000),
            technical: format!("{:.2}", 78.5 - i as f64 * 0.7),
            price_points: format!("{:.2}", 19.0 - i as f64 * 0.1),
            total: format!("{:.2}", 97.5 - i as f64 * 0.8),
        })
        .collect();
    let content = Report {
        version: 1,
        version_reason: None,
        tender_id: "bench".into(),
        title: "双塔街道“4+1”社区服务综合包".into(),
        buyer: "苏州市姑苏区双塔街道办事处".into(),
        media: "中国政府采购网、江苏政府采购网".into(),
        opened_at: "2026年12月22日 09:30".into(),
        place: "苏州市公共资源交易中心第三开标室".into(),
        bidders,
        panel: (0..7)
            .map(|i| ReportMember {
                name: format!("专家{}", i + 1),
                role_zh: if i == 6 { "采购人代表".into() } else { "评审专家".into() },
                leader: i == 0,
                self_selected: false,
            })
            .collect(),
        method_zh: "综合评分法".into(),
        criteria: (0..30).map(|c| (format!("评分因素{}：服务方案的完整性与可行性", c + 1), "2.67".into())).collect(),
        price_weight: "20%".into(),
        invalid: vec![("U".into(), "未按招标文件要求提供资格证明文件".into())],
        lots: ["双塔社区", "定慧寺社区"]
            .iter()
            .map(|l| ReportLot { lot: (*l).into(), failed: None, ranking: ranking.clone() })
            .collect(),
        notes: (0..10)
            .map(|i| Note {
                kind_zh: "评分修改".into(),
                text: format!("专家{}按第六十四条更正评分因素{}的分值", i % 7 + 1, i + 1),
            })
            .collect(),
    };
    let view = app::evaluation::ReportView {
        version: 1,
        content_hash: app::domain::evaluation::report::content_hash(&content),
        content,
        signatures: (0..7)
            .map(|i| app::evaluation::SignatureView {
                member: format!("专家{}", i + 1),
                signed_at: Some(1_796_000_000_000),
                dissent: None,
            })
            .collect(),
        complete: true,
    };
    let (time, bytes) = median_time(runs, || server::documents::evaluation_report_pdf(&view, "320500-2026-0001"));
    let report = PdfRun {
        name: "评审报告 evaluation report",
        pages_of: "7 members, 20 bidders, 30 criteria, 2 lots".into(),
        time,
        bytes: bytes.len(),
    };
    vec![award, report]
}
