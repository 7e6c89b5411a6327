//! Rule citations as readers are shown them. The rules carry short working references ("seed 002
//! 附件1 一.1", "MoF Order 87 art. 47 (verify)"); the Chinese UI and the formal documents name the
//! instrument as Chinese legal citations do (《政府采购货物和服务招标投标管理办法》第四十七条),
//! English readers get the reference without the working marks. "(verify)" is for the code and
//! its documentation, never for a reader.

/// The seed documents by number: (Chinese title, English title).
const SEEDS: [(&str, &str); 5] = [
    ("《东莞市社区综合服务中心示范点建设实施方案》", "Dongguan community service centre demonstration plan (2011)"),
    ("《省级城乡社区治理和服务创新实验区建设工作方案》", "Shandong provincial experimental-zone work plan (2019)"),
    ("《关于全面推进社区服务社会化的试点方案》", "Suzhou pilot plan for socialised community services (2016)"),
    ("《深圳市“社区建设示范点”项目实施方案》", "Shenzhen community demonstration-site plan (2014)"),
    ("《河南省社区服务体系建设规划（2011—2015年）》", "Henan community service system plan 2011–2015"),
];

/// Shenzhen's seed holds two documents: the plan (方案) and its detailed rules (细则).
const SHENZHEN_RULES_ZH: &str = "《深圳市“社区建设示范点”项目选择及管理实施细则》";

/// National instruments: (working prefix, Chinese title).
const NATIONAL: [(&str, &str); 6] = [
    ("MoF Order 87 art. ", "《政府采购货物和服务招标投标管理办法》"),
    ("O87 art. ", "《政府采购货物和服务招标投标管理办法》"),
    ("Reg. art. ", "《中华人民共和国政府采购法实施条例》"),
    ("Law art. ", "《中华人民共和国政府采购法》"),
    ("Cai Ku [2014] 214 art. ", "《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）"),
    ("Tendering Law art. ", "《中华人民共和国招标投标法》"),
];

/// A citation for the Chinese UI and documents.
pub fn zh(citation: &str) -> String {
    parts(citation).map(part_zh).collect::<Vec<_>>().join("；")
}

/// A citation for English readers: the working reference without its "(verify)" marks, seeds
/// by their titles.
pub fn en(citation: &str) -> String {
    parts(citation).map(part_en).collect::<Vec<_>>().join("; ")
}

fn parts(citation: &str) -> impl Iterator<Item = &str> {
    citation.split("; ").map(|p| p.trim().trim_end_matches("(verify)").trim()).filter(|p| !p.is_empty())
}

fn seed(part: &str) -> Option<(usize, &str)> {
    let rest = part.strip_prefix("seed ")?;
    let n: usize = rest.get(..3)?.parse().ok()?;
    (n < SEEDS.len()).then_some(())?;
    let rest = &rest[3..];
    // "seed 002_bb0f….txt (苏州, 2016)": the file itself, no section.
    let section = if rest.starts_with('_') { "" } else { rest.trim() };
    Some((n, section))
}

fn part_zh(part: &str) -> String {
    if let Some((n, section)) = seed(part) {
        if n == 3 {
            if let Some(s) = section.strip_prefix("细则") {
                return format!("{SHENZHEN_RULES_ZH}{}", s.trim());
            }
            if let Some(s) = section.strip_prefix("方案") {
                return format!("{}{}", SEEDS[3].0, s.trim());
            }
        }
        return format!("{}{section}", SEEDS[n].0);
    }
    for (prefix, title) in NATIONAL {
        if let Some(articles) = part.strip_prefix(prefix) {
            return format!("{title}{}", articles_zh(articles));
        }
    }
    if let Some(rest) = part.strip_prefix("Cai Ku [") {
        // "Cai Ku [2015] 124" → 财库〔2015〕124号
        if let Some((year, number)) = rest.split_once("] ") {
            return format!("财库〔{year}〕{number}号");
        }
    }
    if part.starts_with("GB 32100-2015") {
        return "《法人和其他组织统一社会信用代码编码规则》（GB 32100—2015）".into();
    }
    part.to_string()
}

fn part_en(part: &str) -> String {
    match seed(part) {
        Some((n, "")) => SEEDS[n].1.to_string(),
        Some((n, section)) => format!("{}, {section}", SEEDS[n].1),
        None => part.to_string(),
    }
}

/// "43" → 第四十三条; "43–44" → 第四十三条至第四十四条; anything else is kept after 第…条 fails.
fn articles_zh(articles: &str) -> String {
    let one = |a: &str| a.trim().parse::<u32>().ok().map(|n| format!("第{}条", numeral(n)));
    if let Some((from, to)) = articles.split_once('–').or_else(|| articles.split_once('-')) {
        if let (Some(a), Some(b)) = (one(from), one(to)) {
            return format!("{a}至{b}");
        }
    }
    one(articles).unwrap_or_else(|| articles.to_string())
}

/// Chinese numerals for article numbers (1–999), as statutes write them: 十, 十一, 二十, 一百零五.
fn numeral(n: u32) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (h, t, u) = (n / 100, n / 10 % 10, n % 10);
    let mut s = String::new();
    if h > 0 {
        s.push_str(DIGITS[h as usize]);
        s.push('百');
    }
    match (h, t) {
        (_, 0) if u > 0 && h > 0 => s.push('零'),
        (0, 1) => s.push('十'),
        (_, 0) => {}
        _ => {
            s.push_str(DIGITS[t as usize]);
            s.push('十');
        }
    }
    if u > 0 {
        s.push_str(DIGITS[u as usize]);
    }
    if n == 0 {
        s.push('零');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statutes_are_cited_by_title_and_chinese_article_numbers() {
        assert_eq!(zh("MoF Order 87 art. 47"), "《政府采购货物和服务招标投标管理办法》第四十七条");
        assert_eq!(zh("O87 art. 44 (verify)"), "《政府采购货物和服务招标投标管理办法》第四十四条");
        assert_eq!(zh("Reg. art. 20"), "《中华人民共和国政府采购法实施条例》第二十条");
        assert_eq!(zh("Law art. 35"), "《中华人民共和国政府采购法》第三十五条");
        assert_eq!(
            zh("Law art. 52; Reg. art. 53"),
            "《中华人民共和国政府采购法》第五十二条；《中华人民共和国政府采购法实施条例》第五十三条"
        );
        assert_eq!(
            zh("MoF Order 87 art. 43–44; Cai Ku [2015] 124 (verify)"),
            "《政府采购货物和服务招标投标管理办法》第四十三条至第四十四条；财库〔2015〕124号"
        );
        assert_eq!(
            zh("Cai Ku [2014] 214 art. 10 (verify)"),
            "《政府采购竞争性磋商采购方式管理暂行办法》（财库〔2014〕214号）第十条"
        );
    }

    #[test]
    fn seeds_are_cited_by_their_documents() {
        assert_eq!(zh("seed 002 附件1 一.1"), "《关于全面推进社区服务社会化的试点方案》附件1 一.1");
        assert_eq!(zh("seed 003 细则 二(一)"), "《深圳市“社区建设示范点”项目选择及管理实施细则》二(一)");
        assert_eq!(zh("seed 003 方案 三(三)、四"), "《深圳市“社区建设示范点”项目实施方案》三(三)、四");
        assert_eq!(zh("seed 002_bb0fccbaf38573ac.txt (苏州, 2016)"), "《关于全面推进社区服务社会化的试点方案》");
        assert_eq!(
            zh("seed 001 八(一); GB 32100-2015 (code 11: 机关)"),
            "《省级城乡社区治理和服务创新实验区建设工作方案》八(一)；《法人和其他组织统一社会信用代码编码规则》（GB 32100—2015）"
        );
        assert_eq!(en("seed 002 附件1 一.1"), "Suzhou pilot plan for socialised community services (2016), 附件1 一.1");
        assert_eq!(en("MoF Order 87 art. 17 (verify)"), "MoF Order 87 art. 17");
    }

    #[test]
    fn no_working_mark_reaches_a_reader() {
        for c in ["O87 art. 27 (verify)", "seed 000 附件1 (一)", "seed 001 申报表", "seed 003", "Reg. art. 43"] {
            for shown in [zh(c), en(c)] {
                assert!(!shown.contains("verify") && !shown.contains("seed"), "{c} → {shown}");
            }
            assert!(!zh(c).contains("art."), "{c}");
        }
    }

    #[test]
    fn article_numbers_read_as_statutes_write_them() {
        let cases = [
            (1, "一"),
            (10, "十"),
            (11, "十一"),
            (20, "二十"),
            (47, "四十七"),
            (100, "一百"),
            (105, "一百零五"),
            (110, "一百一十"),
        ];
        for (n, zh) in cases {
            assert_eq!(numeral(n), zh, "{n}");
        }
    }
}
