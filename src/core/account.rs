//! What we store about a learner: `/my-data` shows it, `/forget-me` deletes it.

use serenity::all::{
    ButtonStyle, CreateEmbed, CreateInteractionResponse, CreateInteractionResponseMessage,
};

use super::button::{Action, ButtonId};
use super::view::{self, COLOUR};
use super::{Answer, Core, Learner};

/// How many rows of each kind `/my-data` lists before summarising the rest.
const LIST_MAX: usize = 15;

/// `/my-data`: everything stored about the learner, read back from Postgres.
pub async fn my_data(core: &Core, who: Learner) -> Answer {
    let texts = &core.catalog.texts;
    let data = match core.store.learner_data(who.id).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "my-data read failed");
            return Answer::failed(view::notice(texts.load_failed.as_str()));
        }
    };
    if !data.known {
        return Answer::ok(view::notice(texts.my_data_nothing.as_str()));
    }
    let since = data
        .since
        .map(|t| t.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let mut out = vec![texts
        .my_data_intro
        .fill(&[("id", &who.id), ("since", &since)])];
    let more = |n: usize| texts.my_data_more.fill(&[("count", &n)]);

    out.push(texts.my_data_marks.fill(&[("count", &data.marks.len())]));
    for m in data.marks.iter().take(LIST_MAX) {
        out.push(texts.my_data_mark_line.fill(&[
            ("lesson", &m.lesson_id),
            ("objective", &m.objective_id),
            (
                "state",
                if m.ticked {
                    &texts.word_ticked
                } else {
                    &texts.word_unticked
                },
            ),
            ("date", &m.updated_at.format("%Y-%m-%d %H:%M")),
        ]));
    }
    if data.marks.len() > LIST_MAX {
        out.push(more(data.marks.len() - LIST_MAX));
    }
    out.push(
        texts
            .my_data_attempts
            .fill(&[("count", &data.attempts.len())]),
    );
    for a in data.attempts.iter().take(LIST_MAX) {
        out.push(texts.my_data_attempt_line.fill(&[
            ("lesson", &a.lesson_id),
            ("right", &a.right),
            ("answered", &a.answered),
            ("date", &a.started_at.format("%Y-%m-%d %H:%M")),
        ]));
    }
    if data.attempts.len() > LIST_MAX {
        out.push(more(data.attempts.len() - LIST_MAX));
    }
    out.push(
        texts
            .my_data_demos
            .fill(&[("count", &data.demo_runs.len())]),
    );
    for d in data.demo_runs.iter().take(LIST_MAX) {
        out.push(texts.my_data_demo_line.fill(&[
            ("demo", &d.demo),
            ("n", &d.n),
            ("date", &d.started_at.format("%Y-%m-%d %H:%M")),
        ]));
    }
    if data.demo_runs.len() > LIST_MAX {
        out.push(more(data.demo_runs.len() - LIST_MAX));
    }
    out.push(String::new());
    out.push(texts.my_data_footer.as_str().to_string());
    let embed = CreateEmbed::new()
        .title(texts.my_data_title.as_str())
        .description(view::truncate(&out.join("\n"), 4096))
        .colour(COLOUR);
    Answer::ok(CreateInteractionResponse::Message(
        CreateInteractionResponseMessage::new()
            .embed(embed)
            .ephemeral(true),
    ))
}

/// `/forget-me`: asks first, with a confirm and a cancel button.
pub fn confirm_forget(core: &Core, who: Learner) -> CreateInteractionResponse {
    let texts = &core.catalog.texts;
    view::notice_with(
        texts.forget_confirm.as_str(),
        vec![
            view::button(
                ButtonId::new(who.id, Action::ForgetConfirm).encode(),
                texts.button_forget_yes.as_str(),
                ButtonStyle::Danger,
            ),
            view::button(
                ButtonId::new(who.id, Action::ForgetCancel).encode(),
                texts.button_forget_no.as_str(),
                ButtonStyle::Secondary,
            ),
        ],
    )
}

/// The confirm button: deletes everything, then says so in place.
pub async fn forget(core: &Core, who: Learner, interaction: u64) -> Answer {
    let texts = &core.catalog.texts;
    match core.store.forget(interaction, who.id).await {
        Ok(_) => {
            tracing::info!("a learner deleted their data");
            Answer::ok(update_text(texts.forget_done.as_str()))
        }
        Err(e) => {
            tracing::warn!(error = %e, source = ?e.source, "forget failed");
            Answer::failed(view::notice(texts.save_failed.as_str()))
        }
    }
}

/// The cancel button.
pub fn cancelled(core: &Core) -> CreateInteractionResponse {
    update_text(core.catalog.texts.forget_cancelled.as_str())
}

fn update_text(text: &str) -> CreateInteractionResponse {
    CreateInteractionResponse::UpdateMessage(
        CreateInteractionResponseMessage::new()
            .content(text)
            .components(vec![]),
    )
}
