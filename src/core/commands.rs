//! The slash commands tutorbot registers, with their descriptions from
//! `prompts/ui.toml`. The console door reads the same definitions to parse
//! what a learner types.

use serenity::all::{
    CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext, Permissions,
};

use crate::content::Catalog;

/// Every command, ready for a bulk overwrite.
pub fn all(catalog: &Catalog) -> Vec<CreateCommand> {
    let t = &catalog.texts;
    vec![
        CreateCommand::new("lesson")
            .description(t.cmd_lesson.as_str())
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "lesson",
                    t.opt_lesson.as_str(),
                )
                .required(true)
                .set_autocomplete(true),
            ),
        CreateCommand::new("quiz")
            .description(t.cmd_quiz.as_str())
            .add_option(lesson_option(catalog)),
        CreateCommand::new("quiz-stats")
            .description(t.cmd_quiz_stats.as_str())
            .add_option(lesson_option(catalog))
            // Hidden from members who cannot manage the server; the core
            // checks the permission again, since clients can be forged.
            .default_member_permissions(Permissions::MANAGE_GUILD)
            .contexts(vec![InteractionContext::Guild]),
        CreateCommand::new("progress").description(t.cmd_progress.as_str()),
        CreateCommand::new("help").description(t.cmd_help.as_str()),
        CreateCommand::new("my-data").description(t.cmd_my_data.as_str()),
        CreateCommand::new("forget-me").description(t.cmd_forget_me.as_str()),
    ]
}

/// The `lesson` option every lesson command takes, with autocomplete.
fn lesson_option(catalog: &Catalog) -> CreateCommandOption {
    CreateCommandOption::new(
        CommandOptionType::String,
        "lesson",
        catalog.texts.opt_lesson.as_str(),
    )
    .required(true)
    .set_autocomplete(true)
}
