//! The questions-and-answers section of a tender's pages.

use super::{clarifications, AnswerQuestion, AskQuestion, ClarificationView};
use crate::components::bilingual::lz;
use crate::components::errors::{action_error, loaded};
use crate::domain::time::format_shanghai;
use crate::error::AppError;
use crate::i18n::*;
use leptos::prelude::*;

/// The Q&A section's resource and actions, made by the page: resources created inside the role
/// guard's children lost their owner on the server and broke hydration.
#[derive(Clone, Copy)]
pub struct QaState {
    list: Resource<Result<Vec<ClarificationView>, AppError>>,
    ask: ServerAction<AskQuestion>,
    reply: ServerAction<AnswerQuestion>,
}

impl QaState {
    pub fn new(id: impl Fn() -> String + Copy + Send + Sync + 'static) -> Self {
        let ask = ServerAction::<AskQuestion>::new();
        let reply = ServerAction::<AnswerQuestion>::new();
        let list =
            Resource::new(move || (id(), ask.version().get(), reply.version().get()), |(id, _, _)| clarifications(id));
        Self { list, ask, reply }
    }
}

/// Questions and published answers; bidders may ask (`can_ask`), officers answer (`can_answer`).
#[component]
pub fn Clarifications(id: String, qa: QaState, can_ask: bool, can_answer: bool) -> impl IntoView {
    let i18n = use_i18n();
    let QaState { list, ask, reply } = qa;
    view! {
        <section class="card" data-testid="clarifications">
            <h2>{t!(i18n, tender.clarifications)}</h2>
            {loaded(
                list,
                move |items: Vec<ClarificationView>| {
                    if items.is_empty() {
                        return view! { <p>{t!(i18n, tender.no_questions)}</p> }.into_any();
                    }
                    view! {
                        <ol class="qa">
                            {items
                                .into_iter()
                                .enumerate()
                                .map(|(i, q)| {
                                    let qid = q.id.clone();
                                    view! {
                                        <li data-testid=format!("qa-{i}")>
                                            <p>
                                                <strong>{t!(i18n, tender.question)}"："</strong>
                                                {q.question.clone()}
                                                " "
                                                <span class="hint">
                                                    {format_shanghai(q.asked_at)}
                                                    {q
                                                        .mine
                                                        .then(|| {
                                                            view! {
                                                                " · "
                                                                {t!(i18n, tender.mine)}
                                                            }
                                                        })}
                                                </span>
                                            </p>
                                            {match q.answer.clone() {
                                                Some(a) => {
                                                    view! {
                                                        <p>
                                                            <strong>{t!(i18n, tender.answer)}"："</strong>
                                                            {a}
                                                        </p>
                                                    }
                                                        .into_any()
                                                }
                                                None if can_answer => {
                                                    view! {
                                                        <ActionForm action=reply attr:class="inline-form">
                                                            <input type="hidden" name="question_id" value=qid.clone() />
                                                            <textarea
                                                                name="answer"
                                                                rows="2"
                                                                data-testid=format!("qa-answer-{i}")
                                                            ></textarea>
                                                            <button
                                                                type="submit"
                                                                class="btn"
                                                                data-testid=format!("qa-submit-{i}")
                                                            >
                                                                {t!(i18n, tender.submit_answer)}
                                                            </button>
                                                        </ActionForm>
                                                    }
                                                        .into_any()
                                                }
                                                None => {
                                                    view! { <p class="hint">{t!(i18n, tender.pending)}</p> }.into_any()
                                                }
                                            }}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ol>
                    }
                        .into_any()
                },
            )}
            {action_error(reply.value())}
            {can_ask
                .then(|| {
                    view! {
                        <ActionForm action=ask attr:class="form">
                            <input type="hidden" name="id" value=id.clone() />
                            <label>
                                <span>{t!(i18n, tender.ask)}</span>
                                <textarea name="question" rows="3" data-testid="qa-question"></textarea>
                            </label>
                            <button type="submit" class="btn" data-testid="qa-ask">
                                {lz(i18n, "提交问题（公开答复）", "Send the question (answered publicly)")}
                            </button>
                        </ActionForm>
                    }
                })}
            {action_error(ask.value())}
        </section>
    }
}
