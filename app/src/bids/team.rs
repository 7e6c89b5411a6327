//! The bid form's team chooser.

use super::BidFormView;
use crate::components::bilingual::lz;
use crate::components::verdicts::verdict_items;
use crate::i18n::*;
use crate::profiles::page::certificate_label;
use leptos::prelude::*;

/// The team chooser of the bid form: for each lot the bidder chooses, a manager, supervisors and
/// the full-time staff of each contract year from the roster, with the template's qualification
/// and team rules judged in the browser as the bidder chooses. Ticking a year's staff also ticks
/// the later years (teams usually grow); unticking touches that year only. The inputs belong to
/// the surrounding bid form (`manager_N`, `supervisor_N`, `staff_N_yY` for lot N, year Y).
/// The number of failed rules is written to `failing` as it changes.
#[component]
pub fn TeamPicker(
    form: BidFormView,
    lots: Vec<String>,
    chosen: RwSignal<Vec<usize>>,
    /// How many rules the chosen team and profile fail, for the warning before submitting.
    failing: RwSignal<usize>,
) -> impl IntoView {
    use crate::domain::roster::{verdicts, Declaration, LotTeam, TeamChoice};
    let i18n = use_i18n();
    let Some(profile) = form.profile.clone() else {
        return view! {
            <p class="notice notice-error" data-testid="profile-missing">
                {lz(
                    i18n,
                    "尚未登记机构资料和人员名册，资格与团队要求无法核对。",
                    "No organisation profile or roster yet: qualification and team rules cannot be checked.",
                )}
                " "
                <a href="/bidder/profile">{t!(i18n, common.profile_link)}</a>
            </p>
        }
        .into_any();
    };
    let years = form.contract_years.max(1);
    let empty = TeamChoice { later_staff: vec![Vec::new(); usize::from(years) - 1], ..Default::default() };
    // A resubmission starts from the standing bid's teams.
    let mut start = vec![empty; lots.len()];
    for (lot, team) in form.current.iter().flat_map(|c| c.teams.iter()) {
        if let Some(slot) = start.get_mut(*lot) {
            // Spelt out year by year, as the picker keeps it.
            let later_staff = (2..=years).map(|y| team.staff_in(y).to_vec()).collect();
            *slot = TeamChoice { later_staff, ..team.clone() };
        }
    }
    let teams = RwSignal::new(start);
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
    Effect::new(move |_| {
        let n = judged.with(|v| v.iter().filter(|x| x.outcome == crate::domain::verdict::Outcome::Fail).count());
        failing.set(n);
    });
    let lot_names_for_rows = lots.clone();
    let year_heads = move || {
        (1..=years)
            .map(|y| {
                view! {
                    <th>
                        {move || {
                            if i18n.get_locale() == Locale::en {
                                format!("Staff, year {y}")
                            } else {
                                format!("第{y}年服务人员")
                            }
                        }}
                    </th>
                }
            })
            .collect_view()
    };
    view! {
        {lots
            .into_iter()
            .enumerate()
            .map(|(lot, name)| {
                view! {
                    <fieldset
                        class="team"
                        hidden=move || !chosen.get().contains(&lot)
                        data-testid=format!("team-{lot}")
                    >
                        <legend>
                            {move || {
                                format!(
                                    "{}：{}",
                                    lz(
                                        i18n,
                                        "投标团队（从人员名册选择）",
                                        "Proposed team (from the roster)",
                                    )(),
                                    name,
                                )
                            }}
                        </legend>
                        <div class="table-wrap">
                            <table>
                                <thead>
                                    <tr>
                                        <th>{lz(i18n, "姓名", "Name")}</th>
                                        <th>{lz(i18n, "证书", "Certificate")}</th>
                                        <th>{lz(i18n, "社工经验（月）", "Practice (months)")}</th>
                                        <th>{lz(i18n, "劳动合同（月）", "Contract (months)")}</th>
                                        <th>{lz(i18n, "项目主管", "Manager")}</th>
                                        <th>{lz(i18n, "督导", "Supervisor")}</th>
                                        {year_heads()}
                                    </tr>
                                </thead>
                                <tbody>
                                    {form
                                        .roster
                                        .iter()
                                        .enumerate()
                                        .map(|(i, m)| {
                                            let (id_m, id_s) = (m.id.clone(), m.id.clone());
                                            let cert = m.person.certificate;
                                            let person = m.person.name.clone();
                                            // Nobody serves two lots of one bid: a person already in
                                            // another chosen lot's team is greyed out here.
                                            let other_lot = {
                                                let id = m.id.clone();
                                                let names = lot_names_for_rows.clone();
                                                Memo::new(move |_| {
                                                    let chosen_now = chosen.get();
                                                    teams.with(|t| {
                                                        t.iter()
                                                            .enumerate()
                                                            .find(|(j, team)| {
                                                                *j != lot
                                                                    && chosen_now.contains(j)
                                                                    && team.everyone().contains(&&id)
                                                            })
                                                            .and_then(|(j, _)| names.get(j).cloned())
                                                    })
                                                })
                                            };
                                            let taken = move || other_lot.with(Option::is_some);
                                            // Each box names its person and role for screen readers.
                                            let label = move |zh: &str, en: &str| {
                                                if i18n.get_locale() == Locale::en {
                                                    format!("{person}: {en}")
                                                } else {
                                                    format!("{person}：{zh}")
                                                }
                                            };
                                            view! {
                                                <tr
                                                    class:taken=taken
                                                    data-testid=format!("team-{lot}-row-{i}")
                                                    title=move || {
                                                        other_lot
                                                            .get()
                                                            .map(|l| {
                                                                if i18n.get_locale() == Locale::en {
                                                                    format!("Already in the team of {l}")
                                                                } else {
                                                                    format!("已在【{l}】团队中")
                                                                }
                                                            })
                                                    }
                                                >
                                                    <td>{m.person.name.clone()}</td>
                                                    <td>{move || certificate_label(i18n, cert)}</td>
                                                    <td class="num">{m.person.practice_months}</td>
                                                    <td class="num">{m.person.contract_months}</td>
                                                    <td>
                                                        <input
                                                            type="radio"
                                                            name=format!("manager_{lot}")
                                                            value=m.id.clone()
                                                            data-testid=format!("team-{lot}-manager-{i}")
                                                            disabled=taken
                                                            prop:checked={
                                                                let id = m.id.clone();
                                                                move || teams.with(|t| t[lot].manager.as_ref() == Some(&id))
                                                            }
                                                            aria-label={
                                                                let label = label.clone();
                                                                move || label("项目主管", "manager")
                                                            }
                                                            on:change=move |_| {
                                                                teams.update(|t| t[lot].manager = Some(id_m.clone()))
                                                            }
                                                        />
                                                    </td>
                                                    <td>
                                                        <input
                                                            type="checkbox"
                                                            name=format!("supervisor_{lot}")
                                                            value=m.id.clone()
                                                            data-testid=format!("team-{lot}-supervisor-{i}")
                                                            disabled=taken
                                                            prop:checked={
                                                                let id = m.id.clone();
                                                                move || teams.with(|t| t[lot].supervisors.contains(&id))
                                                            }
                                                            aria-label={
                                                                let label = label.clone();
                                                                move || label("督导", "supervisor")
                                                            }
                                                            on:change=move |ev| tick_supervisor(
                                                                lot,
                                                                id_s.clone(),
                                                                event_target_checked(&ev),
                                                            )
                                                        />
                                                    </td>
                                                    {(1..=years)
                                                        .map(|y| {
                                                            let (id_c, id_t) = (m.id.clone(), m.id.clone());
                                                            let label = label.clone();
                                                            view! {
                                                                <td>
                                                                    <input
                                                                        type="checkbox"
                                                                        name=format!("staff_{lot}_y{y}")
                                                                        value=m.id.clone()
                                                                        data-testid=format!("team-{lot}-staff-{i}-y{y}")
                                                                        disabled=taken
                                                                        aria-label=move || {
                                                                            label(
                                                                                &format!("第{y}年服务人员"),
                                                                                &format!("staff, year {y}"),
                                                                            )
                                                                        }
                                                                        prop:checked=move || {
                                                                            teams.with(|t| t[lot].staff_in(y).contains(&id_c))
                                                                        }
                                                                        on:change=move |ev| tick_staff(
                                                                            lot,
                                                                            id_t.clone(),
                                                                            y,
                                                                            event_target_checked(&ev),
                                                                        )
                                                                    />
                                                                </td>
                                                            }
                                                        })
                                                        .collect_view()}
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </fieldset>
                }
            })
            .collect_view()}
        <section class="verdicts" data-testid="live-verdicts">
            <h3>
                {lz(
                    i18n,
                    "资格与团队要求（实时核对，提交后由采购人审查）",
                    "Qualification and team rules (checked as you choose; the purchaser decides at review)",
                )}
            </h3>
            <ul class="verdicts">{move || verdict_items(i18n, judged.get())}</ul>
        </section>
    }
    .into_any()
}
