//! The core: one router that every door calls.
//!
//! A door turns its input into serenity's [`Interaction`] and hands it to
//! [`Core::handle`], which answers with serenity's
//! [`CreateInteractionResponse`]. The core never talks to Discord itself,
//! except through the [`Followup`] a door passes in for what comes after the
//! first answer. Everything a learner sees is built here (from `prompts/`),
//! nothing in a door.
//!
//! Layout: [`button`] packs and parses button ids; [`lesson`] serves lessons
//! and checklists; [`quiz`] runs quizzes; [`demo`] runs the live demos; [`progress`] and [`account`] serve `/progress`, `/my-data`
//! and `/forget-me`; [`commands`] declares the slash commands; [`view`] holds
//! the small helpers every view shares; [`throttle`] keeps one learner's
//! flood of clicks from reaching the store.

pub mod account;
pub mod button;
pub mod commands;
pub mod demo;
pub mod followup;
pub mod lesson;
pub mod limits;
pub mod progress;
pub mod quiz;
pub mod throttle;
pub mod view;

use std::sync::Arc;

use serenity::all::{
    CommandInteraction, ComponentInteraction, CreateAutocompleteResponse,
    CreateInteractionResponse, Interaction, ResolvedValue,
};

use crate::content::Catalog;
use crate::store::{LearnerId, Store};
pub use button::{Action, ButtonId};
pub use followup::Followup;
pub use throttle::Throttle;

/// What kind of interaction, and how it went: the labels of `/metrics`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Served as asked.
    Ok,
    /// The learner asked for something we refuse (unknown lesson, tampered
    /// or stale button, out-of-range number): a clear answer, nothing written.
    Refused,
    /// Our failure (the database, mostly): the learner was told to retry.
    Failed,
}

/// An answer plus how it went.
pub struct Answer {
    pub response: CreateInteractionResponse,
    pub outcome: Outcome,
}

impl Answer {
    fn ok(response: CreateInteractionResponse) -> Self {
        Answer {
            response,
            outcome: Outcome::Ok,
        }
    }
    fn refused(response: CreateInteractionResponse) -> Self {
        Answer {
            response,
            outcome: Outcome::Refused,
        }
    }
    fn failed(response: CreateInteractionResponse) -> Self {
        Answer {
            response,
            outcome: Outcome::Failed,
        }
    }
}

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Learner {
    pub id: LearnerId,
    pub guild: Option<u64>,
}

/// The core, shared by every door: content, store and engines.
#[derive(Clone)]
pub struct Core {
    pub catalog: Arc<Catalog>,
    pub store: Store,
    /// The demo engine; `None` answers `/demo` with "not available".
    pub demos: Option<Arc<demo::DemoService>>,
    /// The per-learner throttle; `None` serves every click.
    pub throttle: Option<Arc<Throttle>>,
}

impl Core {
    /// A core with no demos and no throttle (tests click faster than any
    /// human on purpose; [`crate::app::start`] adds both).
    pub fn new(catalog: Arc<Catalog>, store: Store) -> Self {
        Core {
            catalog,
            store,
            demos: None,
            throttle: None,
        }
    }

    /// The slash commands to register, with the operator's demo bound.
    pub fn commands(&self) -> Vec<serenity::all::CreateCommand> {
        let max_n = self
            .demos
            .as_ref()
            .map_or(commands::DEFAULT_MAX_N, |d| d.engine.config().max_n as u64);
        commands::with_demo_max(&self.catalog, max_n)
    }

    /// The same core, with demos.
    pub fn with_demos(mut self, demos: demo::DemoService) -> Self {
        self.demos = Some(Arc::new(demos));
        self
    }

    /// The same core, with a per-learner throttle.
    pub fn with_throttle(mut self, throttle: Throttle) -> Self {
        self.throttle = Some(Arc::new(throttle));
        self
    }

    /// Answers one interaction. Never panics on input; never fails: a failure
    /// becomes an answer that says so.
    pub async fn handle(&self, interaction: &Interaction, followup: Arc<dyn Followup>) -> Answer {
        if let Some(answer) = self.throttled(interaction) {
            return answer;
        }
        match interaction {
            Interaction::Ping(_) => Answer::ok(CreateInteractionResponse::Pong),
            Interaction::Command(cmd) => self.command(cmd, followup).await,
            Interaction::Autocomplete(cmd) => Answer::ok(self.autocomplete(cmd)),
            Interaction::Component(click) => self.click(click).await,
            _ => Answer::refused(view::notice(self.catalog.texts.unknown_command.as_str())),
        }
    }

    /// The answer to a learner over their limit, if they are; first, before
    /// anything reaches the store. PING is protocol and never throttled.
    fn throttled(&self, interaction: &Interaction) -> Option<Answer> {
        let throttle = self.throttle.as_ref()?;
        let learner = match interaction {
            Interaction::Command(cmd) | Interaction::Autocomplete(cmd) => cmd.user.id,
            Interaction::Component(click) => click.user.id,
            _ => return None,
        };
        if throttle.admit(learner.get()) {
            return None;
        }
        tracing::debug!(
            learner = learner.get(),
            "throttled a learner over their limit"
        );
        Some(Answer::refused(match interaction {
            // Discord shows no message for an autocomplete: no suggestions.
            Interaction::Autocomplete(_) => {
                CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new())
            }
            _ => view::notice(self.catalog.texts.slow_down.as_str()),
        }))
    }

    async fn command(&self, cmd: &CommandInteraction, followup: Arc<dyn Followup>) -> Answer {
        let who = learner_of_command(cmd);
        let texts = &self.catalog.texts;
        match cmd.data.name.as_str() {
            "lesson" => match string_option(cmd, "lesson") {
                Some(id) => lesson::open(self, who, &id),
                None => Answer::refused(view::notice(texts.lesson_missing.as_str())),
            },
            "quiz" => match string_option(cmd, "lesson") {
                Some(id) => quiz::start(self, who, &id, false).await,
                None => Answer::refused(view::notice(texts.lesson_missing.as_str())),
            },
            "quiz-stats" => match string_option(cmd, "lesson") {
                Some(id) => quiz::stats(self, cmd, &id).await,
                None => Answer::refused(view::notice(texts.lesson_missing.as_str())),
            },
            "demo" => demo::command(self, who, cmd, followup).await,
            "progress" => progress::show(self, who).await,
            "help" => Answer::ok(progress::help(self)),
            "my-data" => account::my_data(self, who).await,
            "forget-me" => Answer::ok(account::confirm_forget(self, who)),
            other => {
                tracing::warn!(command = other, "unknown command");
                Answer::refused(view::notice(
                    &texts.unknown_command.fill(&[("command", &other)]),
                ))
            }
        }
    }

    fn autocomplete(&self, cmd: &CommandInteraction) -> CreateInteractionResponse {
        let query = cmd.data.autocomplete().map(|a| a.value).unwrap_or_default();
        let mut choices = CreateAutocompleteResponse::new();
        for lesson in self.catalog.search(query) {
            choices =
                choices.add_string_choice(view::truncate(&lesson.title, 100), lesson.id.clone());
        }
        CreateInteractionResponse::Autocomplete(choices)
    }

    async fn click(&self, click: &ComponentInteraction) -> Answer {
        let who = Learner {
            id: click.user.id.get(),
            guild: click.guild_id.map(|g| g.get()),
        };
        let Ok(button) = ButtonId::parse(&click.data.custom_id) else {
            tracing::info!(learner = who.id, "refused a malformed button id");
            return Answer::refused(view::notice(self.catalog.texts.unknown_button.as_str()));
        };
        // A click on someone else's message opens the clicker's own view and
        // never changes the owner's state (nor, from their message, the clicker's).
        let own = button.owner == who.id;
        match button.action {
            Action::Section {
                lesson,
                version,
                section,
            } => lesson::section_click(self, who, own, &lesson, &version, &section),
            Action::Checklist { lesson, version } => {
                lesson::checklist_click(self, who, own, &lesson, &version).await
            }
            Action::Tick {
                lesson,
                version,
                objective,
                ticked,
            } => {
                if own {
                    lesson::tick(self, who, &lesson, &version, &objective, ticked).await
                } else {
                    lesson::checklist_click(self, who, false, &lesson, &version).await
                }
            }
            Action::ForgetConfirm if own => account::forget(self, who).await,
            Action::ForgetCancel if own => Answer::ok(account::cancelled(self)),
            Action::ForgetConfirm | Action::ForgetCancel => {
                Answer::refused(view::notice(self.catalog.texts.not_your_button.as_str()))
            }
            Action::QuizStart { lesson, version } => {
                quiz::start_click(self, who, own, &lesson, &version).await
            }
            Action::QuizAnswer {
                attempt,
                version,
                question,
                choice,
            } => quiz::answer(self, who, attempt, &version, question, choice).await,
            Action::QuizNext { attempt, version } => {
                quiz::next_click(self, who, attempt, &version).await
            }
            Action::QuizTick {
                lesson,
                version,
                objective,
            } if own => quiz::tick_click(self, who, &lesson, &version, &objective).await,
            Action::QuizTick { .. } => {
                Answer::refused(view::notice(self.catalog.texts.not_your_button.as_str()))
            }
        }
    }
}

/// The learner behind a command.
pub fn learner_of_command(cmd: &CommandInteraction) -> Learner {
    Learner {
        id: cmd.user.id.get(),
        guild: cmd.guild_id.map(|g| g.get()),
    }
}

/// A string option of a command (also inside a subcommand).
pub fn string_option(cmd: &CommandInteraction, name: &str) -> Option<String> {
    find_option(&cmd.data.options(), name).and_then(|v| match v {
        ResolvedValue::String(s) => Some(s.to_string()),
        _ => None,
    })
}

/// An integer option of a command (also inside a subcommand).
pub fn integer_option(cmd: &CommandInteraction, name: &str) -> Option<i64> {
    find_option(&cmd.data.options(), name).and_then(|v| match v {
        ResolvedValue::Integer(i) => Some(*i),
        _ => None,
    })
}

fn find_option<'a>(
    options: &'a [serenity::all::ResolvedOption<'a>],
    name: &str,
) -> Option<&'a ResolvedValue<'a>> {
    options.iter().find_map(|o| match &o.value {
        ResolvedValue::SubCommand(inner) | ResolvedValue::SubCommandGroup(inner) => {
            find_option(inner, name)
        }
        v if o.name == name => Some(v),
        _ => None,
    })
}
