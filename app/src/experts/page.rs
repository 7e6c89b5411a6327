//! The expert's own profile form, and the pool manager's view of the pool with the import.

use super::{ImportExperts, ImportExpertsFile, ImportedExpert, OwnExpertProfile, PoolExpert, SaveExpertProfile};
use crate::components::bilingual::lz;
use crate::components::errors::{action_error, loaded, Loaded};
use crate::domain::evaluation::Category;
use crate::domain::time::format_shanghai;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// The declarations every draw and recusal check relies on, kept current by the expert.
#[component]
pub fn ExpertProfileForm(profile: Loaded<OwnExpertProfile>, save: ServerAction<SaveExpertProfile>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="expert-profile">
            <h2>{lz(i18n, "专家信息与利害关系申明", "Expert profile and declarations")}</h2>
            <p class="hint">
                {lz(
                    i18n,
                    "抽取专家时，系统按以下申明自动排除与投标人存在利害关系的专家，不向专家透露投标人（《政府采购法实施条例》第九条）。",
                    "At each draw the system excludes experts whose declarations conflict with a bidder, without naming the bidder (Reg. art. 9).",
                )}
            </p>
            {loaded(
                profile,
                move |p: OwnExpertProfile| {
                    let v = p.input.clone();
                    let chosen = v.categories.join(",");
                    view! {
                        <ActionForm action=save attr:class="form" attr:data-testid="expert-profile-form">
                            <label>
                                <span>
                                    {lz(i18n, "身份证号码", "Citizen ID number")}
                                    {p.masked_id.clone().map(|m| format!("（{m}，不改可留空）"))}
                                </span>
                                <input type="text" name="input[id_number]" data-testid="expert-id_number" />
                            </label>
                            <fieldset>
                                <legend>{lz(i18n, "专业类别", "Categories")}</legend>
                                {Category::ALL
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, c)| {
                                        let checked = chosen.split(',').any(|x| x == c.as_str());
                                        view! {
                                            <label class="check">
                                                <input
                                                    type="checkbox"
                                                    name=format!("input[categories][{i}]")
                                                    value=c.as_str()
                                                    checked=checked
                                                    data-testid=format!("expert-category-{}", c.as_str())
                                                />
                                                <span>{c.name_zh()}</span>
                                            </label>
                                        }
                                    })
                                    .collect_view()}
                            </fieldset>
                            <label>
                                <span>{lz(i18n, "所在地区区划代码（如320500）", "Region code (e.g. 320500)")}</span>
                                <input type="text" name="input[region_code]" value=v.region_code.clone() data-testid="expert-region_code" />
                            </label>
                            <label>
                                <span>{lz(i18n, "现工作单位", "Current employer")}</span>
                                <input type="text" name="input[employer]" value=v.employer.clone() data-testid="expert-employer" />
                            </label>
                            <label>
                                <span>{lz(i18n, "现工作单位统一社会信用代码", "Employer's credit code")}</span>
                                <input type="text" name="input[employer_credit_code]" value=v.employer_credit_code.clone() />
                            </label>
                            <label>
                                <span>
                                    {lz(
                                        i18n,
                                        "近三年曾任职单位（每行：单位名称|统一社会信用代码|离职日期）",
                                        "Employers of the last three years (one per line: name|credit code|left on)",
                                    )}
                                </span>
                                <textarea name="input[past_employers]" rows="3" data-testid="expert-past_employers">
                                    {v.past_employers.clone()}
                                </textarea>
                            </label>
                            <label>
                                <span>
                                    {lz(
                                        i18n,
                                        "本人或近亲属担任董事、监事、法定代表人或控制的单位（每行：单位名称|统一社会信用代码）",
                                        "Organisations where you or a close relative hold office or control (name|credit code per line)",
                                    )}
                                </span>
                                <textarea name="input[interests]" rows="3" data-testid="expert-interests">
                                    {v.interests.clone()}
                                </textarea>
                            </label>
                            <label>
                                <span>{lz(i18n, "不能参加评审的日期（YYYY-MM-DD，逗号分隔）", "Days you cannot review (YYYY-MM-DD, comma-separated)")}</span>
                                <input type="text" name="input[blackout]" value=v.blackout.clone() data-testid="expert-blackout" />
                            </label>
                            <label class="check">
                                <input type="checkbox" name="input[available]" value="true" checked=v.available />
                                <span>{lz(i18n, "参加抽取", "Available for draws")}</span>
                            </label>
                            <button type="submit" class="btn btn-primary" data-testid="expert-profile-save">
                                {lz(i18n, "保存", "Save")}
                            </button>
                            {p.updated_at.map(|t| view! { <p class="hint">{format_shanghai(t)}</p> })}
                        </ActionForm>
                    }
                },
            )}
            {action_error(save.value())}
        </section>
    }
}

/// The answer to the latest file import, numbered so the pool reloads after each one.
pub type FileImport = RwSignal<Option<(usize, Result<Vec<ImportedExpert>, AppError>)>>;

/// The pool as its manager sees it, and the import (pasted CSV, or an .xlsx / .csv file).
#[component]
pub fn PoolSection(
    pool: Loaded<Vec<PoolExpert>>,
    import: ServerAction<ImportExperts>,
    file_import: FileImport,
) -> impl IntoView {
    let i18n = use_i18n();
    let sending = RwSignal::new(false);
    let on_file = move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            ev.prevent_default();
            let Some(form) = ev.target().map(|t| t.unchecked_into::<web_sys::HtmlFormElement>()) else { return };
            let Ok(data) = web_sys::FormData::new_with_form(&form) else { return };
            sending.set(true);
            leptos::task::spawn_local(async move {
                let answer = super::import_experts_file(data.into()).await;
                sending.set(false);
                file_import.update(|s| *s = Some((s.as_ref().map_or(0, |(n, _)| n + 1), answer)));
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, sending);
    };
    let file_answer = move || file_import.get().map(|(_, answer)| answer);
    let file_action = <ImportExpertsFile as server_fn::ServerFn>::PATH;
    view! {
        <section class="card" data-testid="expert-pool">
            <h2>{lz(i18n, "评审专家库", "Expert pool")}</h2>
            {loaded(
                pool,
                move |list: Vec<PoolExpert>| {
                    view! {
                        <div class="table-wrap">
                            <table data-testid="pool-table">
                                <thead>
                                    <tr>
                                        <th>{lz(i18n, "专家", "Expert")}</th>
                                        <th>{lz(i18n, "身份证号码", "ID number")}</th>
                                        <th>{lz(i18n, "专业类别", "Categories")}</th>
                                        <th>{lz(i18n, "地区", "Region")}</th>
                                        <th>{lz(i18n, "工作单位", "Employer")}</th>
                                        <th>{lz(i18n, "可抽取", "In the pool")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|e| {
                                            view! {
                                                <tr>
                                                    <td>{format!("{}（{}）", e.name, e.username)}</td>
                                                    <td>{e.masked_id}</td>
                                                    <td>{e.categories.iter().map(|c| c.name_zh()).collect::<Vec<_>>().join("、")}</td>
                                                    <td>{e.region_code.unwrap_or_else(|| "—".into())}</td>
                                                    <td>{e.employer}</td>
                                                    <td>{if e.available { "✓" } else { "—" }}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    }
                },
            )}
            <ActionForm action=import attr:class="form" attr:data-testid="pool-import">
                <label>
                    <span>
                        {lz(
                            i18n,
                            "导入（CSV，首行：username,name,id_number,categories,region_code,employer,employer_credit_code,past_employers,interests）",
                            "Import (CSV; first line: username,name,id_number,categories,region_code,employer,employer_credit_code,past_employers,interests)",
                        )}
                    </span>
                    <textarea name="csv" rows="5" data-testid="pool-csv"></textarea>
                </label>
                <button type="submit" class="btn" data-testid="pool-import-submit">
                    {lz(i18n, "导入", "Import")}
                </button>
            </ActionForm>
            {move || import.value().get().and_then(Result::ok).map(imported_list)}
            {action_error(import.value())}
            <form
                method="post"
                action=file_action
                enctype="multipart/form-data"
                class="form"
                data-testid="pool-import-file"
                on:submit=on_file
            >
                <label>
                    <span>
                        {lz(
                            i18n,
                            "或上传文件导入：Excel 工作簿（.xlsx，第一个工作表）或 CSV，首行列名同上，不超过1 MB",
                            "Or import a file: an Excel workbook (.xlsx, its first sheet) or CSV, the same columns in the first row, up to 1 MB",
                        )}
                    </span>
                    <input
                        type="file"
                        name="file"
                        accept=".xlsx,.csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet,text/csv"
                        data-testid="pool-file"
                    />
                </label>
                <button type="submit" class="btn" data-testid="pool-import-file-submit" disabled=move || sending.get()>
                    {move || {
                        if sending.get() { lz(i18n, "导入中…", "Importing…")() } else { lz(i18n, "上传并导入", "Upload and import")() }
                    }}
                </button>
            </form>
            {move || file_answer().and_then(Result::ok).map(imported_list)}
            {action_error(Signal::derive(file_answer))}
        </section>
    }
}

/// The experts an import made or updated; a new account's initial password is shown this once.
fn imported_list(made: Vec<ImportedExpert>) -> impl IntoView {
    view! {
        <ul class="notice notice-ok" data-testid="pool-imported">
            {made
                .into_iter()
                .map(|m| {
                    view! {
                        <li>
                            {m.name}"（"{m.username}"）"
                            {m.initial_password.map(|p| format!(" 初始密码 / initial password: {p}"))}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
