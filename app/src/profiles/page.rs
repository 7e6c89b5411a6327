//! The organisation's profile and staff roster (机构资料与人员名册), kept once and declared with
//! every bid. ID numbers come back masked.

use crate::components::errors::{action_error, loaded};
use crate::components::guard::RequireRole;
use crate::domain::profile::{Certificate, Education, LegalForm, Major, RegistrationLevel};
use crate::i18n::*;
use crate::identity::Role;
use crate::tenders::*;
use leptos::prelude::*;

/// A label in the user's language, for option lists that are data rather than UI text.
pub fn lz(
    i18n: leptos_i18n::I18nContext<Locale>,
    zh: &'static str,
    en: &'static str,
) -> impl Fn() -> &'static str + Send + Sync + Copy + 'static {
    move || if i18n.get_locale() == Locale::en { en } else { zh }
}

pub const LEGAL_FORMS: [(&str, &str, &str); 4] = [
    ("private_non_enterprise", "民办非企业单位（社会服务机构）", "Private non-enterprise unit"),
    ("social_group", "社会团体", "Social group"),
    ("foundation", "基金会", "Foundation"),
    ("company", "企业", "Company"),
];
pub const LEVELS: [(&str, &str, &str); 5] = [
    ("below_county", "街道/乡镇备案", "Street/township filing"),
    ("county", "县（区）级", "County"),
    ("city", "市级", "City"),
    ("province", "省级", "Province"),
    ("national", "全国", "National"),
];
pub const EDUCATION: [(&str, &str, &str); 6] = [
    ("none", "无", "None"),
    ("secondary", "中专/高中", "Secondary"),
    ("junior_college", "大专", "Junior college"),
    ("bachelor", "本科", "Bachelor"),
    ("master", "硕士", "Master"),
    ("doctorate", "博士", "Doctorate"),
];
pub const MAJORS: [(&str, &str, &str); 3] =
    [("social_work", "社会工作", "Social work"), ("sociology", "社会学", "Sociology"), ("other", "其他", "Other")];
pub const CERTIFICATES: [(&str, &str, &str); 4] = [
    ("", "无证书", "None"),
    ("assistant", "助理社会工作师", "Assistant social worker"),
    ("social_worker", "社会工作师", "Social worker"),
    ("senior", "高级社会工作师", "Senior social worker"),
];

fn key<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

pub fn certificate_label(i18n: leptos_i18n::I18nContext<Locale>, c: Option<Certificate>) -> &'static str {
    let k = c.map(key).unwrap_or_default();
    let (_, zh, en) = CERTIFICATES.iter().find(|(x, _, _)| *x == k).copied().unwrap_or(CERTIFICATES[0]);
    lz(i18n, zh, en)()
}

#[component]
fn Select(
    name: String,
    options: &'static [(&'static str, &'static str, &'static str)],
    selected: String,
    testid: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <select name=name data-testid=testid>
            {options.iter().map(|(k, zh, en)| view! { <option value=*k selected=selected == *k>{lz(i18n, zh, en)}</option> }).collect_view()}
        </select>
    }
}

#[component]
pub fn ProfilePage() -> impl IntoView {
    let i18n = use_i18n();
    let save = ServerAction::<SaveProfile>::new();
    let add = ServerAction::<AddStaff>::new();
    let remove = ServerAction::<RemoveStaff>::new();
    let data =
        Resource::new(move || (save.version().get(), add.version().get(), remove.version().get()), |_| my_profile());
    let check = move |name: &'static str, label: (&'static str, &'static str), checked: bool| {
        view! {
            <label class="check"><input type="checkbox" name=name value="true" checked=checked data-testid=name.replace(['[', ']'], "-") /><span>{lz(i18n, label.0, label.1)}</span></label>
        }
    };
    view! {
        <RequireRole roles=&[Role::Bidder]>
            <h1>{lz(i18n, "机构资料与人员名册", "Organisation profile and staff roster")}</h1>
            {loaded(data, move |v: ProfileView| {
                let p = v.profile.clone();
                let legal = p.as_ref().map(|p| key::<LegalForm>(p.legal_form)).unwrap_or_default();
                let level = p.as_ref().map(|p| key::<RegistrationLevel>(p.registration_level)).unwrap_or_default();
                let board = |f: fn(&Option<Certificate>) -> bool| p.as_ref().map(|p| p.board.iter().filter(|c| f(c)).count().to_string()).unwrap_or_default();
                let (board_sw, board_assistant, board_other) = (
                    board(|c| matches!(c, Some(c) if *c >= Certificate::SocialWorker)),
                    board(|c| *c == Some(Certificate::Assistant)),
                    board(|c| c.is_none()),
                );
                let (civil, scope, region) = (
                    p.as_ref().is_some_and(|p| p.civil_affairs_registration),
                    p.as_ref().is_some_and(|p| p.social_work_scope),
                    p.as_ref().map(|p| p.region.clone()).unwrap_or_default(),
                );
                view! {
                    <ActionForm action=save attr:class="form card" attr:data-testid="profile-form">
                        <h2>{lz(i18n, "机构资料", "Organisation")}</h2>
                        <label><span>{lz(i18n, "组织形式", "Legal form")}</span><Select name="input[legal_form]".into() options=&LEGAL_FORMS selected=legal testid="profile-legal_form".into() /></label>
                        <label><span>{lz(i18n, "登记层级", "Registration level")}</span><Select name="input[registration_level]".into() options=&LEVELS selected=level testid="profile-registration_level".into() /></label>
                        {check("input[civil_affairs_registration]", ("在民政部门登记", "Registered with civil affairs"), civil)}
                        {check("input[social_work_scope]", ("业务范围含社会工作服务", "Business scope includes social-work services"), scope)}
                        <label><span>{lz(i18n, "登记地", "Registered in")}</span><input type="text" name="input[region]" value=region data-testid="profile-region" /></label>
                        <label><span>{lz(i18n, "理事中持社会工作师及以上证书人数", "Board members with 社会工作师 or higher")}</span>
                            <input type="text" inputmode="numeric" name="input[board_social_workers]" value=board_sw /></label>
                        <label><span>{lz(i18n, "理事中持助理社会工作师证书人数", "Board members with 助理社会工作师")}</span>
                            <input type="text" inputmode="numeric" name="input[board_assistants]" value=board_assistant /></label>
                        <label><span>{lz(i18n, "其他理事人数", "Other board members")}</span>
                            <input type="text" inputmode="numeric" name="input[board_others]" value=board_other /></label>
                        <button type="submit" class="btn btn-primary" data-testid="profile-save">{t!(i18n, common.save)}</button>
                    </ActionForm>
                    <section class="card">
                        <h2>{lz(i18n, "人员名册", "Staff roster")}</h2>
                        <div class="table-wrap"><table data-testid="roster">
                            <thead><tr>
                                <th>{lz(i18n, "姓名", "Name")}</th><th>{lz(i18n, "身份证号", "ID number")}</th><th>{lz(i18n, "学历/专业", "Education / major")}</th>
                                <th>{lz(i18n, "证书", "Certificate")}</th><th>{lz(i18n, "全职/合同月数", "Full-time / contract months")}</th><th>{lz(i18n, "实务经验（月）", "Practice (months)")}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {v.roster.into_iter().map(|m| {
                                    let edu = EDUCATION.iter().find(|(k, _, _)| *k == key::<Education>(m.person.education)).map(|(_, zh, en)| lz(i18n, zh, en));
                                    let major = MAJORS.iter().find(|(k, _, _)| *k == key::<Major>(m.person.major)).map(|(_, zh, en)| lz(i18n, zh, en));
                                    let cert = m.person.certificate;
                                    view! { <tr>
                                        <td>{m.person.name.clone()}</td><td><code>{m.id_number.clone()}</code></td>
                                        <td>{move || format!("{} / {}", edu.map(|f| f()).unwrap_or_default(), major.map(|f| f()).unwrap_or_default())}</td>
                                        <td>{move || certificate_label(i18n, cert)}" "{m.certificate_number.clone()}" "{m.certificate_expiry.map(|d| d.to_string()).unwrap_or_default()}</td>
                                        <td>{if m.person.full_time { "✓ " } else { "" }}{m.person.contract_months}</td><td>{m.person.practice_months}</td>
                                        <td><ActionForm action=remove><input type="hidden" name="staff_id" value=m.id.clone() /><button type="submit" class="btn">{lz(i18n, "移出名册", "Remove")}</button></ActionForm></td>
                                    </tr> }
                                }).collect_view()}
                            </tbody>
                        </table></div>
                        {action_error(remove.value())}
                    </section>
                }
            })}
            {action_error(save.value())}
            <ActionForm action=add attr:class="form card" attr:data-testid="staff-form">
                <h2>{lz(i18n, "添加人员", "Add a person")}</h2>
                <label><span>{lz(i18n, "姓名", "Name")}</span><input type="text" name="person[name]" data-testid="staff-name" /></label>
                <label><span>{lz(i18n, "身份证号", "Citizen ID number")}</span><input type="text" name="person[id_number]" data-testid="staff-id_number" /></label>
                <label><span>{lz(i18n, "学历", "Education")}</span><Select name="person[education]".into() options=&EDUCATION selected="bachelor".into() testid="staff-education".into() /></label>
                <label><span>{lz(i18n, "专业", "Major")}</span><Select name="person[major]".into() options=&MAJORS selected="social_work".into() testid="staff-major".into() /></label>
                <label><span>{lz(i18n, "职业水平证书", "Certificate")}</span><Select name="person[certificate]".into() options=&CERTIFICATES selected=String::new() testid="staff-certificate".into() /></label>
                <label><span>{lz(i18n, "证书编号", "Certificate number")}</span><input type="text" name="person[certificate_number]" data-testid="staff-certificate_number" /></label>
                <label><span>{lz(i18n, "证书有效期至", "Certificate valid until")}</span><input type="text" name="person[certificate_expiry]" placeholder="2029-12-31" data-testid="staff-certificate_expiry" /></label>
                {check("person[full_time]", ("全职", "Full-time"), true)}
                <label><span>{lz(i18n, "劳动合同期限（月）", "Contract (months)")}</span><input type="text" inputmode="numeric" name="person[contract_months]" data-testid="staff-contract_months" /></label>
                {check("person[social_insurance]", ("缴纳社会保险", "Social insurance paid"), true)}
                <label><span>{lz(i18n, "社会工作实务经验（月）", "Social-work practice (months)")}</span><input type="text" inputmode="numeric" name="person[practice_months]" data-testid="staff-practice_months" /></label>
                <label><span>{lz(i18n, "相关工作经验（月，项目主管）", "Related experience (months, manager)")}</span><input type="text" inputmode="numeric" name="person[related_months]" /></label>
                {check("person[local]", ("本土人员", "Local"), true)}
                {check("person[jiangsu_registered]", ("已在江苏省社工信息系统登记", "Registered in the Jiangsu social-work system"), false)}
                {check("person[supervision_norms]", ("能按督导服务规范开展督导", "Can supervise per the supervision norms"), false)}
                <label><span>{lz(i18n, "高校社工教师：主持项目数", "University teacher: projects led")}</span><input type="text" inputmode="numeric" name="person[teacher_projects]" /></label>
                <label><span>{lz(i18n, "高校社工教师：项目总月数", "University teacher: project months")}</span><input type="text" inputmode="numeric" name="person[teacher_months]" /></label>
                {check("person[overseas_registration]", ("境外社工：注册证书", "Overseas: registration certificate"), false)}
                {check("person[overseas_practice]", ("境外社工：执业证明", "Overseas: practice proof"), false)}
                <button type="submit" class="btn btn-primary" data-testid="staff-save">{lz(i18n, "加入名册", "Add to roster")}</button>
            </ActionForm>
            {action_error(add.value())}
        </RequireRole>
    }
}

/// Verdicts as list items, rule by rule with the citation; `data-rule`/`data-outcome` let tests
/// and styles find them.
pub fn verdict_items(
    i18n: leptos_i18n::I18nContext<Locale>,
    verdicts: Vec<crate::domain::verdict::Verdict>,
) -> impl IntoView {
    use crate::domain::verdict::Outcome;
    verdicts
        .into_iter()
        .map(|v| {
            let outcome = match v.outcome {
                Outcome::Pass => "pass",
                Outcome::Fail => "fail",
                Outcome::Warning => "warning",
            };
            let class = if v.outcome == Outcome::Fail { "verdict-fail" } else { "verdict-pass" };
            let (zh, en) = (v.message_zh.clone(), v.message_en.clone());
            view! { <li class=class data-rule=v.rule.clone() data-outcome=outcome>{move || if i18n.get_locale() == Locale::en { en.clone() } else { zh.clone() }}" （"{v.citation.clone()}"）"</li> }
        })
        .collect_view()
}

/// The team chooser of the bid form: for each lot the bidder chooses, a manager, supervisors and
/// the full-time staff of each contract year from the roster, with the template's qualification
/// and team rules judged in the browser as the bidder chooses. Ticking a year's staff also ticks
/// the later years (teams usually grow); unticking touches that year only. The inputs belong to
/// the surrounding bid form (`manager_N`, `supervisor_N`, `staff_N_yY` for lot N, year Y).
#[component]
pub fn TeamPicker(form: BidFormView, lots: Vec<String>, chosen: RwSignal<Vec<usize>>) -> impl IntoView {
    use crate::domain::roster::{verdicts, Declaration, LotTeam, TeamChoice};
    let i18n = use_i18n();
    let Some(profile) = form.profile.clone() else {
        return view! {
            <p class="notice notice-error" data-testid="profile-missing">
                {lz(i18n, "尚未登记机构资料和人员名册，资格与团队要求无法核对。", "No organisation profile or roster yet: qualification and team rules cannot be checked.")}" "
                <a href="/bidder/profile">{t!(i18n, common.profile_link)}</a>
            </p>
        }
        .into_any();
    };
    let years = form.contract_years.max(1);
    let empty = TeamChoice { later_staff: vec![Vec::new(); usize::from(years) - 1], ..Default::default() };
    let teams = RwSignal::new(vec![empty; lots.len()]);
    // Year `y`'s staff list of a lot (year 1 is `staff`).
    fn year_list(t: &mut TeamChoice, y: u8) -> &mut Vec<String> {
        if y <= 1 {
            &mut t.staff
        } else {
            &mut t.later_staff[usize::from(y) - 2]
        }
    }
    let tick_staff = move |lot: usize, id: String, year: u8, on: bool| {
        teams.update(|all| {
            let t = &mut all[lot];
            let last = if on { years } else { year };
            for y in year..=last {
                let l = year_list(t, y);
                l.retain(|x| *x != id);
                if on {
                    l.push(id.clone());
                }
            }
        })
    };
    let tick_supervisor = move |lot: usize, id: String, on: bool| {
        teams.update(|all| {
            let l = &mut all[lot].supervisors;
            l.retain(|x| *x != id);
            if on {
                l.push(id);
            }
        })
    };
    let form_for_verdicts = form.clone();
    let lot_names = lots.clone();
    let judged = Memo::new(move |_| {
        let chosen_teams: Vec<LotTeam> = chosen
            .get()
            .into_iter()
            .filter_map(|i| Some(LotTeam { lot: lot_names.get(i)?.clone(), team: teams.with(|t| t.get(i).cloned())? }))
            .collect();
        let d = Declaration { profile: profile.clone(), roster: form_for_verdicts.roster.clone(), teams: chosen_teams };
        verdicts(
            &form_for_verdicts.qualification,
            &form_for_verdicts.team_rules,
            form_for_verdicts.contract_years,
            &d,
            form_for_verdicts.deadline,
        )
    });
    let year_heads = move || {
        (1..=years).map(|y| view! { <th>{move || if i18n.get_locale() == Locale::en { format!("Staff, year {y}") } else { format!("第{y}年服务人员") }}</th> }).collect_view()
    };
    view! {
        {lots.into_iter().enumerate().map(|(lot, name)| view! {
            <fieldset class="team" hidden=move || !chosen.get().contains(&lot) data-testid=format!("team-{lot}")>
                <legend>{move || format!("{}：{}", lz(i18n, "投标团队（从人员名册选择）", "Proposed team (from the roster)")(), name)}</legend>
                <div class="table-wrap"><table>
                    <thead><tr>
                        <th>{lz(i18n, "姓名", "Name")}</th><th>{lz(i18n, "证书", "Certificate")}</th>
                        <th>{lz(i18n, "项目主管", "Manager")}</th><th>{lz(i18n, "督导", "Supervisor")}</th>
                        {year_heads()}
                    </tr></thead>
                    <tbody>
                        {form.roster.iter().enumerate().map(|(i, m)| {
                            let (id_m, id_s) = (m.id.clone(), m.id.clone());
                            let cert = m.person.certificate;
                            view! { <tr>
                                <td>{m.person.name.clone()}</td><td>{move || certificate_label(i18n, cert)}</td>
                                <td><input type="radio" name=format!("manager_{lot}") value=m.id.clone() data-testid=format!("team-{lot}-manager-{i}")
                                    on:change=move |_| teams.update(|t| t[lot].manager = Some(id_m.clone())) /></td>
                                <td><input type="checkbox" name=format!("supervisor_{lot}") value=m.id.clone() data-testid=format!("team-{lot}-supervisor-{i}")
                                    on:change=move |ev| tick_supervisor(lot, id_s.clone(), event_target_checked(&ev)) /></td>
                                {(1..=years).map(|y| {
                                    let (id_c, id_t) = (m.id.clone(), m.id.clone());
                                    view! {
                                        <td><input type="checkbox" name=format!("staff_{lot}_y{y}") value=m.id.clone() data-testid=format!("team-{lot}-staff-{i}-y{y}")
                                            prop:checked=move || teams.with(|t| t[lot].staff_in(y).contains(&id_c))
                                            on:change=move |ev| tick_staff(lot, id_t.clone(), y, event_target_checked(&ev)) /></td>
                                    }
                                }).collect_view()}
                            </tr> }
                        }).collect_view()}
                    </tbody>
                </table></div>
            </fieldset>
        }).collect_view()}
        <section class="verdicts" data-testid="live-verdicts">
            <h3>{lz(i18n, "资格与团队要求（实时核对，提交后由采购人审查）", "Qualification and team rules (checked as you choose; the purchaser decides at review)")}</h3>
            <ul class="verdicts">
                {move || verdict_items(i18n, judged.get())}
            </ul>
        </section>
    }
    .into_any()
}
