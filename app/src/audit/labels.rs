//! What the audit log's codes mean to a reader: each action and each kind of object in Chinese
//! and English. The codes stay in the database (the hash chain covers them); readers see these.
//! A test reads the sources and checks that every action the code records has its entry here.

/// (code, Chinese, English) for every action the application records.
pub const ACTIONS: &[(&str, &str, &str)] = &[
    ("session.sign_in", "登录", "Signed in"),
    ("session.sign_out", "退出登录", "Signed out"),
    ("user.create", "创建账号", "Created an account"),
    ("user.activate", "启用账号", "Reactivated an account"),
    ("user.deactivate", "停用账号", "Deactivated an account"),
    ("organisation.create", "创建机构", "Created an organisation"),
    ("organisation.register", "机构自行注册", "Organisation registered itself"),
    ("organisation.approve", "机构注册审核通过", "Approved an organisation's registration"),
    ("organisation.refuse", "机构注册不予通过", "Refused an organisation's registration"),
    ("organisation.profile", "更新机构档案", "Updated the organisation profile"),
    ("staff.add", "添加人员", "Added a staff member"),
    ("staff.remove", "移除人员", "Removed a staff member"),
    ("purchaser.create", "创建采购人单位", "Created a purchaser unit"),
    ("expert.import", "导入评审专家", "Imported experts"),
    ("expert.profile", "更新专家信息", "Updated an expert's declarations"),
    ("template.create", "创建方案模板", "Created a scheme template"),
    ("calendar.add_year", "添加节假日安排", "Added a year's holiday calendar"),
    ("tender.create", "新建招标项目", "Created a tender"),
    ("tender.edit_draft", "修改招标草稿", "Edited a draft tender"),
    ("tender.attach", "上传招标附件", "Attached a tender document"),
    ("tender.publish", "发布招标公告", "Published the notice"),
    ("tender.amend", "发布更正公告", "Published a correction"),
    ("tender.open", "开标", "Opened the bids"),
    ("tender.review_done", "完成资格审查", "Concluded the qualification review"),
    ("tender.award", "确定中标人", "Awarded the tender"),
    ("tender.fail", "项目废标", "Declared the tender failed"),
    ("demo.timeline_moved", "演示数据调整时间", "Demo timeline moved"),
    ("bid.submit", "递交投标文件", "Submitted a bid"),
    ("bid.resubmit", "重新递交投标文件", "Replaced a bid"),
    ("bid.withdraw", "撤回投标", "Withdrew a bid"),
    ("bid.reconfirm", "确认投标（更正后）", "Reconfirmed a bid after a correction"),
    ("bid.review", "资格审查结论", "Recorded a qualification verdict"),
    ("clarification.ask", "提出澄清问题", "Asked a question"),
    ("clarification.answer", "答复澄清问题", "Answered a question"),
    ("panel.plan", "设定评审委员会组成", "Set the panel plan"),
    ("panel.draw", "抽取评审专家", "Drew the panel"),
    ("panel.accept", "专家接受邀请", "An expert accepted"),
    ("panel.decline", "专家谢绝邀请", "An expert declined"),
    ("panel.declare", "专家签署回避声明", "An expert signed the conflict declaration"),
    ("panel.recuse", "评审专家回避", "A member was recused"),
    ("panel.replace", "替补评审专家", "A member was replaced"),
    ("panel.leader", "推选评审组长", "Chose the panel leader"),
    ("compliance.submit", "提交符合性审查意见", "Submitted the compliance review"),
    ("compliance.conclude", "符合性审查结束", "The compliance review concluded"),
    ("rereview.start", "组织原评审委员会重新评审", "Convened the panel for a re-review"),
    ("rereview.close", "重新评审结束", "The re-review closed"),
    ("low_price.request", "要求投标人说明异常低价", "Asked a bidder to explain a low price"),
    ("low_price.explain", "投标人说明报价合理性", "A bidder explained its price"),
    ("low_price.decide", "异常低价审查结论", "The panel concluded a low-price review"),
    ("panel.self_select", "自行选定评审专家", "Chose an expert (O87 art. 48)"),
    ("panel.confirm_no_conflict", "专家确认无利害关系", "A member confirmed no conflict"),
    ("recusal.request", "投标人申请回避", "A bidder asked for a recusal"),
    ("scores.submit", "提交评分表", "Submitted a score sheet"),
    ("scores.correct", "修正评分", "Corrected a score"),
    ("scores.confirm", "确认评分并说明", "Confirmed a score with an explanation"),
    ("tie.draw", "得分相同抽签", "Drew lots between tied bids"),
    ("report.assemble", "生成评审报告", "Assembled the evaluation report"),
    ("report.sign", "签署评审报告", "Signed the evaluation report"),
    ("obligation.record", "登记履约情况", "Recorded contract performance"),
];

/// (code, Chinese, English) for the kinds of object an entry concerns.
pub const ENTITIES: &[(&str, &str, &str)] = &[
    ("tender", "招标项目", "Tender"),
    ("review", "分标段评审", "A lot's review"),
    ("bid", "投标", "Bid"),
    ("user", "账号", "Account"),
    ("organisation", "机构", "Organisation"),
    ("purchaser", "采购人单位", "Purchaser unit"),
    ("clarification", "澄清问题", "Question"),
    ("contract", "合同", "Contract"),
    ("scheme_template", "方案模板", "Scheme template"),
    ("holiday_year", "节假日安排", "Holiday calendar"),
];

fn lookup(table: &'static [(&str, &str, &str)], code: &str, english: bool) -> Option<&'static str> {
    table.iter().find(|(c, _, _)| *c == code).map(|(_, zh, en)| if english { *en } else { *zh })
}

/// The action as a reader says it; an unknown code (from a newer version) is shown as it is.
pub fn action(code: &str, english: bool) -> String {
    lookup(ACTIONS, code, english).map(str::to_string).unwrap_or_else(|| code.to_string())
}

/// The kind of object, e.g. 招标项目.
pub fn entity(code: &str, english: bool) -> String {
    lookup(ENTITIES, code, english).map(str::to_string).unwrap_or_else(|| code.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_has_one_entry_and_both_languages() {
        for table in [ACTIONS, ENTITIES] {
            for (i, (code, zh, en)) in table.iter().enumerate() {
                assert!(table[i + 1..].iter().all(|(c, _, _)| c != code), "{code} twice");
                assert!(!zh.is_empty() && !en.is_empty() && !zh.is_ascii(), "{code}");
            }
        }
        assert_eq!(action("tender.open", false), "开标");
        assert_eq!(action("tender.open", true), "Opened the bids");
        assert_eq!(action("future.thing", false), "future.thing");
        assert_eq!(entity("tender", false), "招标项目");
    }

    fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// Every string literal shaped like an action code on a line that records a change.
    #[test]
    fn every_recorded_action_has_a_label() {
        let app = std::env::var_os("CARGO_MANIFEST_DIR")
            .map_or_else(|| std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")), std::path::PathBuf::from);
        let mut files = Vec::new();
        rust_files(&app.join("src"), &mut files);
        rust_files(&app.join("../server/src"), &mut files);
        let mut seen = 0;
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for line in text.lines().filter(|l| l.contains("Change::new(")) {
                for code in line.split('"').skip(1).step_by(2) {
                    let shaped = code.contains('.') && code.chars().all(|c| c.is_ascii_lowercase() || "._".contains(c));
                    if shaped {
                        seen += 1;
                        assert!(
                            ACTIONS.iter().any(|(c, _, _)| *c == code),
                            "{code} in {} has no label",
                            file.display()
                        );
                    }
                }
            }
        }
        assert!(seen >= ACTIONS.len(), "only {seen} recorded actions found: is the source tree there?");
    }
}
