//! The admin's list of purchaser units, with the form to add one.

use super::{CreatePurchaser, PurchaserView};
use crate::components::bilingual::lz;
use crate::components::errors::{action_error, loaded, Loaded};
use crate::domain::region::Level;
use crate::i18n::*;
use leptos::prelude::*;

#[component]
pub fn UnitTable(units: Loaded<Vec<PurchaserView>>, create: ServerAction<CreatePurchaser>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card" data-testid="units">
            <h2>{lz(i18n, "采购人单位", "Purchaser units")}</h2>
            {loaded(
                units,
                move |list: Vec<PurchaserView>| {
                    let parents = list.clone();
                    view! {
                        <div class="table-wrap">
                            <table data-testid="unit-table">
                                <thead>
                                    <tr>
                                        <th>{lz(i18n, "单位名称", "Unit")}</th>
                                        <th>{lz(i18n, "层级", "Level")}</th>
                                        <th>{lz(i18n, "区划", "Region")}</th>
                                        <th>{lz(i18n, "上级单位", "Parent")}</th>
                                        <th>{lz(i18n, "统一社会信用代码", "Credit code")}</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|u| {
                                            view! {
                                                <tr>
                                                    <td>{u.name}</td>
                                                    <td>{u.level.name_zh()}</td>
                                                    <td>{format!("{}（{}）", u.region_name, u.region_code)}</td>
                                                    <td>{u.parent_name.unwrap_or_else(|| "—".into())}</td>
                                                    <td>{u.credit_code.unwrap_or_else(|| "—".into())}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                        <ActionForm action=create attr:class="form" attr:data-testid="unit-form">
                            <label>
                                <span>{lz(i18n, "单位名称", "Unit name")}</span>
                                <input type="text" name="unit[name]" required data-testid="unit-name" />
                            </label>
                            <label>
                                <span>{lz(i18n, "统一社会信用代码（可空）", "Credit code (optional)")}</span>
                                <input type="text" name="unit[credit_code]" data-testid="unit-credit_code" />
                            </label>
                            <label>
                                <span>{lz(i18n, "层级", "Level")}</span>
                                <select name="unit[level]" data-testid="unit-level">
                                    {Level::ALL
                                        .into_iter()
                                        .map(|l| view! { <option value=l.as_str()>{l.name_zh()}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <label>
                                <span>{lz(i18n, "区划代码（GB/T 2260，如320508）", "Region code (GB/T 2260, e.g. 320508)")}</span>
                                <input type="text" name="unit[region_code]" inputmode="numeric" data-testid="unit-region_code" />
                            </label>
                            <label>
                                <span>{lz(i18n, "所在地区", "Region")}</span>
                                <input type="text" name="unit[region_name]" data-testid="unit-region_name" />
                            </label>
                            <label>
                                <span>{lz(i18n, "上级单位", "Parent unit")}</span>
                                <select name="unit[parent_id]" data-testid="unit-parent">
                                    <option value="">"—"</option>
                                    {parents
                                        .into_iter()
                                        .map(|u| view! { <option value=u.id>{u.name}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <button type="submit" class="btn btn-primary" data-testid="unit-save">
                                {lz(i18n, "添加单位", "Add unit")}
                            </button>
                        </ActionForm>
                    }
                },
            )}
            {action_error(create.value())}
        </section>
    }
}
