//! The core: one router that every door calls.
//!
//! An interaction goes through three layers, each doing one thing:
//!
//! ```text
//!  Interaction ──parse──> Request ──decide──> outcome ──draw──> CreateInteractionResponse
//!  (serenity)   request.rs  (typed)  lesson, checklist,  (plain   view/      (serenity)
//!                                    quiz, demo, review,  data)
//!                                    progress, account
//!                 └──────────── Refusal (the learner's) / Failure (ours): error.rs,
//!                               drawn in one place (view::refusal) ─────────┘
//! ```
//!
//! - [`request`] parses an interaction once, at the core's edge: options,
//!   bounds, permissions and button ids are checked there, in one place each.
//!   The console builds the same [`Request`]s from typed words.
//! - The features ([`lesson`], [`checklist`], [`quiz`], [`demo`],
//!   [`lab`], [`exercise`], [`progress`], [`account`]) decide: they read and write the store and
//!   return plain outcomes, or a [`CoreError`].
//! - [`view`] draws outcomes, refusals and failures as serenity builders.
//!
//! The core never talks to Discord itself, except through the [`Followup`] a
//! door passes in for what comes after the first answer (a demo's edits).
//! Also here: [`button`] packs and parses button ids; [`commands`] declares
//! the slash commands; [`throttle`] keeps one learner's flood of clicks from
//! reaching the store; [`preview`] draws the main screens from fixed
//! outcomes (`tutorbot preview`).

pub mod account;
pub mod author;
pub mod button;
pub mod checklist;
pub mod commands;
pub mod demo;
pub mod error;
pub mod exercise;
pub mod followup;
pub mod lab;
pub mod lesson;
pub mod limits;
pub mod packs;
pub mod preview;
pub mod progress;
pub mod quiz;
pub mod remind;
pub mod request;
pub mod review;
pub mod spaced;
pub mod throttle;
pub mod view;

use std::sync::Arc;

use serenity::all::{
    CreateAutocompleteResponse, CreateInteractionResponse, CreateInteractionResponseMessage,
    Interaction,
};

use crate::clock::{SystemWallClock, WallClock};
use crate::content::Catalog;
use crate::demo::DemoService;
use crate::store::Store;
pub use button::{Action, ButtonId};
pub use error::{CoreError, Failure, Refusal};
pub use followup::Followup;
pub use request::{Asked, Bounds, Learner, Request};
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

/// The core, shared by every door: content, store and engines.
#[derive(Clone)]
pub struct Core {
    pub catalog: Arc<Catalog>,
    pub store: Store,
    /// The demo engine; `None` answers `/demo` with "not available".
    pub demos: Option<Arc<DemoService>>,
    /// The per-learner throttle; `None` serves every click.
    pub throttle: Option<Arc<Throttle>>,
    /// The lab (learners' Python in a sandbox); `None`: not set up here.
    pub lab: Option<crate::lab::LabHandle>,
    /// Where reviews and streaks read the date and time.
    pub clock: Arc<dyn WallClock>,
    /// Content that reloads without a restart; when set, each request is
    /// answered from the catalog current when it arrives (see
    /// [`Core::pinned`]), and `catalog` is only the one loaded at start.
    pub live: Option<Arc<crate::content::live::Live>>,
    /// Servers' own lessons (`/author`); `None`: every server is served
    /// the built-in lessons only, and `/author` answers that it is off.
    pub packs: Option<Arc<packs::Packs>>,
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
            lab: None,
            clock: Arc::new(SystemWallClock),
            live: None,
            packs: None,
        }
    }

    /// The same core, serving each server's own lessons next to the
    /// built-in ones (start [`packs::Packs::start`] to follow other
    /// instances' publishes).
    pub fn with_packs(mut self, packs: Arc<packs::Packs>) -> Self {
        self.packs = Some(packs);
        self
    }

    /// This core with the catalog of `guild`: the built-in lessons and the
    /// server's own. Outside a server, for a server with none, or when its
    /// lessons cannot be loaded now (logged), the built-in catalog.
    pub async fn for_guild(&self, guild: Option<u64>) -> std::borrow::Cow<'_, Core> {
        let (Some(packs), Some(guild)) = (&self.packs, guild) else {
            return std::borrow::Cow::Borrowed(self);
        };
        match packs.catalog_for(guild, &self.catalog, &self.store).await {
            Ok(Some(catalog)) => {
                let mut core = self.clone();
                core.catalog = catalog;
                std::borrow::Cow::Owned(core)
            }
            Ok(None) => std::borrow::Cow::Borrowed(self),
            Err(e) => {
                tracing::warn!(guild, error = %e, "serving the built-in lessons only: the server's own could not be loaded");
                std::borrow::Cow::Borrowed(self)
            }
        }
    }

    /// The same core, answering from reloadable content.
    pub fn with_live(mut self, live: Arc<crate::content::live::Live>) -> Self {
        self.catalog = live.current();
        self.live = Some(live);
        self
    }

    /// This core with the catalog current now: one request answers from one
    /// whole catalog version, even while a reload swaps it.
    pub fn pinned(&self) -> std::borrow::Cow<'_, Core> {
        match &self.live {
            Some(live) => {
                let current = live.current();
                if Arc::ptr_eq(&current, &self.catalog) {
                    std::borrow::Cow::Borrowed(self)
                } else {
                    let mut core = self.clone();
                    core.catalog = current;
                    std::borrow::Cow::Owned(core)
                }
            }
            None => std::borrow::Cow::Borrowed(self),
        }
    }

    /// The same core, reading the date and time from `clock` (tests).
    pub fn with_clock(mut self, clock: Arc<dyn WallClock>) -> Self {
        self.clock = clock;
        self
    }

    /// The slash commands to register, with the operator's demo bound.
    pub fn commands(&self) -> Vec<serenity::all::CreateCommand> {
        commands::with_demo_max(&self.catalog, self.demo_max_n() as u64)
    }

    /// The same core, with demos.
    pub fn with_demos(mut self, demos: DemoService) -> Self {
        self.demos = Some(Arc::new(demos));
        self
    }

    /// The same core, with the lab.
    pub fn with_lab(mut self, lab: crate::lab::LabHandle) -> Self {
        self.lab = Some(lab);
        self
    }

    /// The same core, with a per-learner throttle.
    pub fn with_throttle(mut self, throttle: Throttle) -> Self {
        self.throttle = Some(Arc::new(throttle));
        self
    }

    /// Answers one interaction. Never panics on input; never fails: a
    /// failure becomes an answer that says so.
    pub async fn handle(&self, interaction: &Interaction, followup: Arc<dyn Followup>) -> Answer {
        self.pinned().handle_pinned(interaction, followup).await
    }

    async fn handle_pinned(
        &self,
        interaction: &Interaction,
        followup: Arc<dyn Followup>,
    ) -> Answer {
        let who = request::learner_of(interaction);
        // First, before parsing or anything reaching the store.
        if let Some(who) = who {
            if !self.admit(who) {
                let autocomplete = matches!(interaction, Interaction::Autocomplete(_));
                return self.throttled(who, autocomplete);
            }
        }
        match Request::parse(interaction, self.bounds()) {
            // /author sees the built-in catalog (see core::author); every
            // other request, its server's.
            Ok(request) if matches!(request.asked, Asked::Author(_)) => {
                self.answer(request, followup).await
            }
            Ok(request) => {
                self.for_guild(request.who.guild)
                    .await
                    .answer(request, followup)
                    .await
            }
            Err(refusal) => self.refused(who.unwrap_or(Learner { id: 0, guild: None }), refusal),
        }
    }

    /// Answers one request: what the console calls with what it parsed from
    /// typed words, and what [`Core::handle`] calls after parsing. The
    /// per-learner throttle applies here too.
    pub async fn serve(&self, request: Request, followup: Arc<dyn Followup>) -> Answer {
        self.pinned().serve_pinned(request, followup).await
    }

    async fn serve_pinned(&self, request: Request, followup: Arc<dyn Followup>) -> Answer {
        if !matches!(request.asked, Asked::Ping) && !self.admit(request.who) {
            let autocomplete =
                matches!(request.asked, Asked::Suggest(_) | Asked::SuggestTimezone(_));
            return self.throttled(request.who, autocomplete);
        }
        self.answer(request, followup).await
    }

    /// The bounds requests are parsed against.
    pub fn bounds(&self) -> Bounds {
        Bounds {
            demo_max_n: self.demo_max_n(),
        }
    }

    /// The largest `n` a demo takes: the engine's bound, or the default when
    /// this core runs no demos.
    pub fn demo_max_n(&self) -> usize {
        self.demos
            .as_ref()
            .map_or(crate::demo::DEFAULT_MAX_N, |d| d.engine.config().max_n)
    }

    /// Decide, then draw.
    async fn answer(&self, request: Request, followup: Arc<dyn Followup>) -> Answer {
        let who = request.who;
        match self.decide(request, followup).await {
            Ok(response) => Answer::ok(response),
            Err(CoreError::Refused(refusal)) => self.refused(who, refusal),
            Err(CoreError::Failed(failure)) => {
                let e = failure.store_error();
                tracing::warn!(learner = who.id, error = %e, source = ?e.source, "{failure}");
                Answer::failed(view::refusal::failure(&self.catalog, &failure))
            }
        }
    }

    /// The answer to a refusal found before a request could be made (the
    /// console's own parse).
    pub fn refuse(&self, who: Learner, refusal: Refusal) -> Answer {
        self.refused(who, refusal)
    }

    fn refused(&self, who: Learner, refusal: Refusal) -> Answer {
        tracing::debug!(learner = who.id, ?refusal, "refused");
        Answer::refused(view::refusal::refusal(&self.catalog, who, &refusal))
    }

    fn admit(&self, who: Learner) -> bool {
        self.throttle.as_ref().map_or(true, |t| t.admit(who.id))
    }

    /// The answer to a learner over their limit; nothing reached the store.
    fn throttled(&self, who: Learner, autocomplete: bool) -> Answer {
        tracing::debug!(learner = who.id, "throttled a learner over their limit");
        if autocomplete {
            // Discord shows no message for an autocomplete: no suggestions.
            let none = CreateInteractionResponse::Autocomplete(CreateAutocompleteResponse::new());
            return Answer::refused(none);
        }
        self.refused(who, Refusal::Throttled)
    }

    /// The router: each request to its feature, each outcome to its view.
    async fn decide(
        &self,
        request: Request,
        followup: Arc<dyn Followup>,
    ) -> Result<CreateInteractionResponse, CoreError> {
        let catalog = &*self.catalog;
        let (who, interaction) = (request.who, request.interaction);
        Ok(match request.asked {
            Asked::Ping => CreateInteractionResponse::Pong,
            Asked::Suggest(typed) => view::lesson::suggestions(catalog, &typed),
            Asked::Lesson(l) => {
                view::lesson::section(catalog, who, &lesson::open(self, &l.lesson)?)
            }
            Asked::Quiz(l) => view::quiz::step(
                catalog,
                who,
                &quiz::start(self, who, interaction, &l.lesson, false).await?,
            ),
            Asked::Stats(s) => {
                view::quiz::stats(catalog, &quiz::stats(self, s.guild, &s.lesson).await?)
            }
            Asked::Demo(d) => {
                demo::start(self, who, interaction, d, followup).await?;
                // The demo edits this deferred answer as it runs.
                CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new())
            }
            Asked::Progress => {
                let told = remind::take_notice(self, who).await?;
                let shown =
                    view::progress::progress(catalog, who, &progress::report(self, who).await?);
                view::review::with_dms_closed(catalog, shown, told)
            }
            Asked::Help { teacher } => view::progress::help(catalog, who, teacher),
            Asked::Review => {
                let told = remind::take_notice(self, who).await?;
                let shown =
                    view::review::step(catalog, who, &review::open(self, who, false).await?);
                view::review::with_dms_closed(catalog, shown, told)
            }
            Asked::Remind(request::RemindRequest::On { at, timezone }) => {
                view::review::remind_on(catalog, &remind::set(self, who, at, timezone).await?)
            }
            Asked::Remind(request::RemindRequest::Off) => {
                remind::off(self, who).await?;
                view::review::remind_off(catalog)
            }
            Asked::SuggestTimezone(typed) => view::review::timezones(&typed),
            Asked::MyData => {
                view::account::my_data(catalog, who, &account::my_data(self, who).await?)
            }
            Asked::ForgetMe => view::account::confirm_forget(catalog, who),
            Asked::RunForm => view::lab::form(&catalog.lab_texts),
            Asked::Exercises(l) => {
                view::exercise::list(catalog, who, &exercise::list(self, who, &l.lesson).await?)
            }
            Asked::Exercise(e) => {
                view::exercise::exercise(catalog, who, &exercise::open(self, who, &e).await?)
            }
            Asked::Attempt(attempt) => {
                exercise::attempt(self, who, interaction, attempt, followup).await?;
                // The attempt edits this deferred, personal answer as it goes.
                CreateInteractionResponse::Defer(
                    CreateInteractionResponseMessage::new().ephemeral(true),
                )
            }
            Asked::Run(run) => {
                lab::start(self, who, interaction, run, followup).await?;
                // The run edits this deferred answer as it goes.
                CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new())
            }
            Asked::Click(click) => {
                self.click(who, interaction, click.own, click.action)
                    .await?
            }
            Asked::Author(request) => author::decide(self, who, request, followup).await?,
        })
    }

    async fn click(
        &self,
        who: Learner,
        interaction: u64,
        own: bool,
        action: Action,
    ) -> Result<CreateInteractionResponse, CoreError> {
        let catalog = &*self.catalog;
        Ok(match action {
            Action::Section {
                lesson,
                version,
                section,
                page,
            } => view::lesson::section(
                catalog,
                who,
                &lesson::section(self, own, &lesson, &version, &section, page)?,
            ),
            Action::Exercises { lesson } => {
                view::exercise::list(catalog, who, &exercise::list(self, who, &lesson).await?)
            }
            Action::Checklist { lesson, version } => view::lesson::checklist(
                catalog,
                who,
                &checklist::show(self, who, own, &lesson, &version).await?,
            ),
            // A tick on someone else's message opens the clicker's own
            // checklist and never changes the owner's state.
            Action::Tick {
                lesson, version, ..
            } if !own => view::lesson::checklist(
                catalog,
                who,
                &checklist::show(self, who, false, &lesson, &version).await?,
            ),
            Action::Tick {
                lesson,
                version,
                objective,
                ticked,
            } => view::lesson::checklist(
                catalog,
                who,
                &checklist::tick(
                    self,
                    who,
                    interaction,
                    &lesson,
                    &version,
                    &objective,
                    ticked,
                )
                .await?,
            ),
            Action::ExerciseOpen {
                lesson,
                version,
                exercise,
            } => view::exercise::exercise(
                catalog,
                who,
                &exercise::open_click(self, who, own, &lesson, &version, &exercise).await?,
            ),
            // The clicker's own form, with their own last code.
            Action::ExerciseForm {
                lesson,
                version,
                exercise,
                predicted,
            } => view::exercise::form(
                catalog,
                who,
                &exercise::form(self, who, &lesson, &version, &exercise, predicted).await?,
            ),
            // A form's id, never a button's (request.rs refuses it first).
            Action::ExerciseSubmit { .. } => return Err(Refusal::UnknownButton.into()),
            Action::ExerciseTick { .. } if !own => return Err(Refusal::NotYourButton.into()),
            Action::ExerciseTick {
                lesson,
                version,
                exercise,
            } => view::exercise::ticked(
                catalog,
                &exercise::tick(self, who, interaction, &lesson, &version, &exercise).await?,
            ),
            Action::ForgetConfirm
            | Action::ForgetCancel
            | Action::QuizTick { .. }
            | Action::QuizTickAll { .. }
                if !own =>
            {
                return Err(Refusal::NotYourButton.into())
            }
            Action::ReviewAnswer { .. } | Action::ReviewRate { .. } if !own => {
                return Err(Refusal::NotYourButton.into())
            }
            // "Next card" on someone else's message opens the clicker's own.
            Action::ReviewNext => {
                view::review::step(catalog, who, &review::open(self, who, own).await?)
            }
            Action::ReviewAnswer {
                lesson,
                version,
                question,
                reps,
                choice,
                scope,
            } => {
                let button = review::ReviewButton {
                    lesson: &lesson,
                    scope,
                    version: &version,
                    question,
                    reps,
                };
                let step = review::answer(self, who, interaction, button, choice).await?;
                view::review::step(catalog, who, &step)
            }
            Action::ReviewRate {
                lesson,
                version,
                question,
                reps,
                rating,
                scope,
            } => {
                let button = review::ReviewButton {
                    lesson: &lesson,
                    scope,
                    version: &version,
                    question,
                    reps,
                };
                let step = review::rate(self, who, interaction, button, rating).await?;
                view::review::step(catalog, who, &step)
            }
            Action::ForgetConfirm => {
                account::forget(self, who, interaction).await?;
                view::account::forgotten(catalog)
            }
            Action::ForgetCancel => view::account::cancelled(catalog),
            Action::DemoRust { demo } => view::demo::rust(&catalog.demo_texts, &demo),
            Action::QuizStart { lesson, version } => view::quiz::step(
                catalog,
                who,
                &quiz::start_click(self, who, interaction, own, &lesson, &version).await?,
            ),
            Action::QuizAnswer {
                attempt,
                version,
                question,
                choice,
            } => view::quiz::step(
                catalog,
                who,
                &quiz::answer(self, who, attempt, &version, question, choice).await?,
            ),
            Action::QuizNext { attempt, version } => view::quiz::step(
                catalog,
                who,
                &quiz::next_click(self, who, attempt, &version).await?,
            ),
            Action::QuizTick {
                lesson,
                version,
                objective,
            } => view::quiz::ticked(
                catalog,
                who,
                &quiz::tick(self, who, interaction, &lesson, &version, &objective).await?,
            ),
            Action::QuizTickAll { lesson, version } => view::quiz::ticked_all(
                catalog,
                who,
                &quiz::tick_all(self, who, interaction, &lesson, &version).await?,
            ),
        })
    }
}
