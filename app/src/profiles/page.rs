//! The organisation's profile and staff roster (机构资料与人员名册), kept once and declared with
//! every bid. ID numbers come back masked.

use super::{my_profile, AddStaff, ProfileView, RemoveStaff, SaveProfile};
use crate::components::bilingual::lz;
use crate::components::errors::{action_error, loaded};
use crate::components::guard::RequireRole;
use crate::domain::profile::{Certificate, Education, LegalForm, Major, RegistrationLevel};
use crate::i18n::*;
use crate::identity::Role;
use leptos::prelude::*;

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
            {options
                .iter()
                .map(|(k, zh, en)| {
                    view! {
                        <option value=*k selected=selected == *k>
                            {lz(i18n, zh, en)}
                        </option>
                    }
                })
                .collect_view()}
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
            <label class="check">
                <input
                    type="checkbox"
                    name=name
                    value="true"
                    checked=checked
                    data-testid=name.replace(['[', ']'], "-")
                />
                <span>{lz(i18n, label.0, label.1)}</span>
            </label>
        }
    };
    view! {
        <RequireRole roles=&[Role::Bidder]>
            <h1>{lz(i18n, "机构资料与人员名册", "Organisation profile and staff roster")}</h1>
            {loaded(
                data,
                move |v: ProfileView| {
                    let p = v.profile.clone();
                    let legal = p.as_ref().map(|p| key::<LegalForm>(p.legal_form)).unwrap_or_default();
                    let level = p.as_ref().map(|p| key::<RegistrationLevel>(p.registration_level)).unwrap_or_default();
                    let board = |f: fn(&Option<Certificate>) -> bool| {
                        p.as_ref().map(|p| p.board.iter().filter(|c| f(c)).count().to_string()).unwrap_or_default()
                    };
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
                            <label>
                                <span>{lz(i18n, "组织形式", "Legal form")}</span>
                                <Select
                                    name="input[legal_form]".into()
                                    options=&LEGAL_FORMS
                                    selected=legal
                                    testid="profile-legal_form".into()
                                />
                            </label>
                            <label>
                                <span>{lz(i18n, "登记层级", "Registration level")}</span>
                                <Select
                                    name="input[registration_level]".into()
                                    options=&LEVELS
                                    selected=level
                                    testid="profile-registration_level".into()
                                />
                            </label>
                            {check(
                                "input[civil_affairs_registration]",
                                ("在民政部门登记", "Registered with civil affairs"),
                                civil,
                            )}
                            {check(
                                "input[social_work_scope]",
                                ("业务范围含社会工作服务", "Business scope includes social-work services"),
                                scope,
                            )}
                            <label>
                                <span>{lz(i18n, "登记地", "Registered in")}</span>
                                <input type="text" name="input[region]" value=region data-testid="profile-region" />
                            </label>
                            <label>
                                <span>
                                    {lz(
                                        i18n,
                                        "理事中持社会工作师及以上证书人数",
                                        "Board members with 社会工作师 or higher",
                                    )}
                                </span>
                                <input
                                    type="text"
                                    inputmode="numeric"
                                    name="input[board_social_workers]"
                                    value=board_sw
                                />
                            </label>
                            <label>
                                <span>
                                    {lz(
                                        i18n,
                                        "理事中持助理社会工作师证书人数",
                                        "Board members with 助理社会工作师",
                                    )}
                                </span>
                                <input
                                    type="text"
                                    inputmode="numeric"
                                    name="input[board_assistants]"
                                    value=board_assistant
                                />
                            </label>
                            <label>
                                <span>{lz(i18n, "其他理事人数", "Other board members")}</span>
                                <input type="text" inputmode="numeric" name="input[board_others]" value=board_other />
                            </label>
                            <button type="submit" class="btn btn-primary" data-testid="profile-save">
                                {t!(i18n, common.save)}
                            </button>
                        </ActionForm>
                        <section class="card">
                            <h2>{lz(i18n, "人员名册", "Staff roster")}</h2>
                            <div class="table-wrap">
                                <table data-testid="roster">
                                    <thead>
                                        <tr>
                                            <th>{lz(i18n, "姓名", "Name")}</th>
                                            <th>{lz(i18n, "身份证号", "ID number")}</th>
                                            <th>{lz(i18n, "学历/专业", "Education / major")}</th>
                                            <th>{lz(i18n, "证书", "Certificate")}</th>
                                            <th>{lz(i18n, "全职/合同月数", "Full-time / contract months")}</th>
                                            <th>{lz(i18n, "实务经验（月）", "Practice (months)")}</th>
                                            <th></th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {v
                                            .roster
                                            .into_iter()
                                            .map(|m| {
                                                let edu = EDUCATION
                                                    .iter()
                                                    .find(|(k, _, _)| *k == key::<Education>(m.person.education))
                                                    .map(|(_, zh, en)| lz(i18n, zh, en));
                                                let major = MAJORS
                                                    .iter()
                                                    .find(|(k, _, _)| *k == key::<Major>(m.person.major))
                                                    .map(|(_, zh, en)| lz(i18n, zh, en));
                                                let cert = m.person.certificate;
                                                view! {
                                                    <tr>
                                                        <td>{m.person.name.clone()}</td>
                                                        <td>
                                                            <code>{m.id_number.clone()}</code>
                                                        </td>
                                                        <td>
                                                            {move || {
                                                                format!(
                                                                    "{} / {}",
                                                                    edu.map(|f| f()).unwrap_or_default(),
                                                                    major.map(|f| f()).unwrap_or_default(),
                                                                )
                                                            }}
                                                        </td>
                                                        <td>
                                                            {move || certificate_label(i18n, cert)}" "
                                                            {m.certificate_number.clone()}" "
                                                            {m
                                                                .certificate_expiry
                                                                .map(|d| d.to_string())
                                                                .unwrap_or_default()}
                                                        </td>
                                                        <td>
                                                            {if m.person.full_time { "✓ " } else { "" }}
                                                            {m.person.contract_months}
                                                        </td>
                                                        <td>{m.person.practice_months}</td>
                                                        <td>
                                                            <ActionForm action=remove>
                                                                <input type="hidden" name="staff_id" value=m.id.clone() />
                                                                <button type="submit" class="btn">
                                                                    {lz(i18n, "移出名册", "Remove")}
                                                                </button>
                                                            </ActionForm>
                                                        </td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            {action_error(remove.value())}
                        </section>
                    }
                },
            )}
            {action_error(save.value())}
            <ActionForm action=add attr:class="form card" attr:data-testid="staff-form">
                <h2>{lz(i18n, "添加人员", "Add a person")}</h2>
                <label>
                    <span>{lz(i18n, "姓名", "Name")}</span>
                    <input type="text" name="person[name]" data-testid="staff-name" />
                </label>
                <label>
                    <span>{lz(i18n, "身份证号", "Citizen ID number")}</span>
                    <input type="text" name="person[id_number]" data-testid="staff-id_number" />
                </label>
                <label>
                    <span>{lz(i18n, "学历", "Education")}</span>
                    <Select
                        name="person[education]".into()
                        options=&EDUCATION
                        selected="bachelor".into()
                        testid="staff-education".into()
                    />
                </label>
                <label>
                    <span>{lz(i18n, "专业", "Major")}</span>
                    <Select
                        name="person[major]".into()
                        options=&MAJORS
                        selected="social_work".into()
                        testid="staff-major".into()
                    />
                </label>
                <label>
                    <span>{lz(i18n, "职业水平证书", "Certificate")}</span>
                    <Select
                        name="person[certificate]".into()
                        options=&CERTIFICATES
                        selected=String::new()
                        testid="staff-certificate".into()
                    />
                </label>
                <label>
                    <span>{lz(i18n, "证书编号", "Certificate number")}</span>
                    <input type="text" name="person[certificate_number]" data-testid="staff-certificate_number" />
                </label>
                <label>
                    <span>{lz(i18n, "证书有效期至", "Certificate valid until")}</span>
                    <input
                        type="text"
                        name="person[certificate_expiry]"
                        placeholder="2029-12-31"
                        data-testid="staff-certificate_expiry"
                    />
                </label>
                {check("person[full_time]", ("全职", "Full-time"), true)}
                <label>
                    <span>{lz(i18n, "劳动合同期限（月）", "Contract (months)")}</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        name="person[contract_months]"
                        data-testid="staff-contract_months"
                    />
                </label>
                {check("person[social_insurance]", ("缴纳社会保险", "Social insurance paid"), true)}
                <label>
                    <span>{lz(i18n, "社会工作实务经验（月）", "Social-work practice (months)")}</span>
                    <input
                        type="text"
                        inputmode="numeric"
                        name="person[practice_months]"
                        data-testid="staff-practice_months"
                    />
                </label>
                <label>
                    <span>
                        {lz(i18n, "相关工作经验（月，项目主管）", "Related experience (months, manager)")}
                    </span>
                    <input type="text" inputmode="numeric" name="person[related_months]" />
                </label>
                {check("person[local]", ("本土人员", "Local"), true)}
                {check(
                    "person[jiangsu_registered]",
                    ("已在江苏省社工信息系统登记", "Registered in the Jiangsu social-work system"),
                    false,
                )}
                {check(
                    "person[supervision_norms]",
                    ("能按督导服务规范开展督导", "Can supervise per the supervision norms"),
                    false,
                )}
                <label>
                    <span>{lz(i18n, "高校社工教师：主持项目数", "University teacher: projects led")}</span>
                    <input type="text" inputmode="numeric" name="person[teacher_projects]" />
                </label>
                <label>
                    <span>
                        {lz(i18n, "高校社工教师：项目总月数", "University teacher: project months")}
                    </span>
                    <input type="text" inputmode="numeric" name="person[teacher_months]" />
                </label>
                {check(
                    "person[overseas_registration]",
                    ("境外社工：注册证书", "Overseas: registration certificate"),
                    false,
                )}
                {check("person[overseas_practice]", ("境外社工：执业证明", "Overseas: practice proof"), false)}
                <button type="submit" class="btn btn-primary" data-testid="staff-save">
                    {lz(i18n, "加入名册", "Add to roster")}
                </button>
            </ActionForm>
            {action_error(add.value())}
        </RequireRole>
    }
}
