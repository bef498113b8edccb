//! The slash commands tutorbot registers, with their descriptions from
//! `prompts/ui.toml`. The console door reads the same definitions to parse
//! what a learner types.

use serenity::all::{
    CommandOptionType, CreateCommand, CreateCommandOption, InteractionContext, Permissions,
};

use crate::content::Catalog;

/// Every command, ready for a bulk overwrite, with the default demo bound.
/// Prefer [`Core::commands`](super::Core::commands), which knows the
/// operator's `DEMO_MAX_N`.
pub fn all(catalog: &Catalog) -> Vec<CreateCommand> {
    with_demo_max(catalog, crate::demo::DEFAULT_MAX_N as u64)
}

/// Every command, with `max_n` as the largest n the client offers.
pub fn with_demo_max(catalog: &Catalog, max_n: u64) -> Vec<CreateCommand> {
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
        demo(catalog, max_n),
        CreateCommand::new("progress").description(t.cmd_progress.as_str()),
        CreateCommand::new("help").description(t.cmd_help.as_str()),
        CreateCommand::new("my-data").description(t.cmd_my_data.as_str()),
        CreateCommand::new("forget-me").description(t.cmd_forget_me.as_str()),
        CreateCommand::new("review").description(catalog.review_texts.cmd_review.as_str()),
        remind(catalog),
        // No options: Discord's doors answer with the code form (a modal);
        // the console reads the code lines after it.
        CreateCommand::new("run").description(catalog.lab_texts.cmd_run.as_str()),
        CreateCommand::new("exercise")
            .description(catalog.lab_texts.cmd_exercise.as_str())
            .add_option(lesson_option(catalog))
            // Optional: without it, the list (a button per exercise).
            .add_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "exercise",
                    catalog.lab_texts.opt_exercise.as_str(),
                )
                .max_length(crate::content::ID_MAX as u16),
            ),
        author(catalog),
    ]
}

/// `/author upload|list|history|rollback|remove|export|role`: in servers
/// only. Visible to every member (a server's author role need not manage
/// the server); the core checks who may, every time.
fn author(catalog: &Catalog) -> CreateCommand {
    let t = &catalog.author_texts;
    let sub = |name: &str, description: &str| {
        CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
    };
    // Free text: a server's own lessons are not in the built-in list the
    // autocomplete offers.
    let lesson = || {
        CreateCommandOption::new(
            CommandOptionType::String,
            "lesson",
            catalog.texts.opt_lesson.as_str(),
        )
        .required(true)
        .max_length(crate::content::ID_MAX as u16)
    };
    CreateCommand::new("author")
        .description(t.cmd_author.as_str())
        .contexts(vec![InteractionContext::Guild])
        .add_option(
            sub("upload", t.sub_upload.as_str()).add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::Attachment,
                    "file",
                    t.opt_file.as_str(),
                )
                .required(true),
            ),
        )
        .add_option(sub("list", t.sub_list.as_str()))
        .add_option(sub("history", t.sub_history.as_str()).add_sub_option(lesson()))
        .add_option(
            sub("rollback", t.sub_rollback.as_str())
                .add_sub_option(lesson())
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Integer,
                        "version",
                        t.opt_version.as_str(),
                    )
                    .required(true)
                    .min_int_value(1)
                    .max_int_value(i32::MAX as u64),
                ),
        )
        .add_option(sub("remove", t.sub_remove.as_str()).add_sub_option(lesson()))
        .add_option(sub("export", t.sub_export.as_str()).add_sub_option(lesson()))
        .add_option(
            sub("role", t.sub_role.as_str()).add_sub_option(
                CreateCommandOption::new(CommandOptionType::Role, "role", t.opt_role.as_str())
                    .required(true),
            ),
        )
}

/// `/remind on at:<HH:MM> [timezone:<name>]` and `/remind off`.
fn remind(catalog: &Catalog) -> CreateCommand {
    let t = &catalog.review_texts;
    CreateCommand::new("remind")
        .description(t.cmd_remind.as_str())
        .add_option(
            CreateCommandOption::new(
                CommandOptionType::SubCommand,
                "on",
                t.sub_remind_on.as_str(),
            )
            .add_sub_option(
                CreateCommandOption::new(CommandOptionType::String, "at", t.opt_at.as_str())
                    .required(true)
                    .min_length(4)
                    .max_length(5),
            )
            .add_sub_option(
                CreateCommandOption::new(
                    CommandOptionType::String,
                    "timezone",
                    t.opt_timezone.as_str(),
                )
                .set_autocomplete(true)
                .max_length(64),
            ),
        )
        .add_option(CreateCommandOption::new(
            CommandOptionType::SubCommand,
            "off",
            t.sub_remind_off.as_str(),
        ))
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

/// `/demo` and its subcommands, with the bounds Discord's client enforces
/// (the core checks them again).
fn demo(catalog: &Catalog, max_n: u64) -> CreateCommand {
    let t = &catalog.demo_texts;
    let n = || {
        CreateCommandOption::new(CommandOptionType::Integer, "n", t.opt_n.as_str())
            .min_int_value(1)
            .max_int_value(max_n)
    };
    let sub = |name: &str, description: &str| {
        CreateCommandOption::new(CommandOptionType::SubCommand, name, description)
    };
    CreateCommand::new("demo")
        .description(t.cmd_demo.as_str())
        .add_option(sub("gather", t.sub_gather.as_str()).add_sub_option(n()))
        .add_option(sub("blocking", t.sub_blocking.as_str()).add_sub_option(n()))
        .add_option(
            sub("errors", t.sub_errors.as_str())
                .add_sub_option(n())
                .add_sub_option(
                    CreateCommandOption::new(
                        CommandOptionType::Integer,
                        "failures",
                        t.opt_failures.as_str(),
                    )
                    .min_int_value(0)
                    .max_int_value(max_n),
                ),
        )
        .add_option(sub("timeout", t.sub_timeout.as_str()))
        .add_option(
            sub("taskgroup", t.sub_taskgroup.as_str())
                // With one task there is nobody to cancel.
                .add_sub_option(n().min_int_value(2.min(max_n))),
        )
        .add_option(
            sub("limit", t.sub_limit.as_str())
                .add_sub_option(n())
                .add_sub_option(
                    CreateCommandOption::new(CommandOptionType::Integer, "max", t.opt_max.as_str())
                        .min_int_value(1)
                        .max_int_value(max_n),
                ),
        )
}
