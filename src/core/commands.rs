//! The slash commands tutorbot registers, with their descriptions from
//! `prompts/ui.toml`. The console door reads the same definitions to parse
//! what a learner types.

use serenity::all::{CommandOptionType, CreateCommand, CreateCommandOption};

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
        CreateCommand::new("progress").description(t.cmd_progress.as_str()),
        CreateCommand::new("help").description(t.cmd_help.as_str()),
        CreateCommand::new("my-data").description(t.cmd_my_data.as_str()),
        CreateCommand::new("forget-me").description(t.cmd_forget_me.as_str()),
    ]
}
