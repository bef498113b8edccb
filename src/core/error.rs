//! The core's one error type: what the learner caused apart from what we did.
//!
//! A [`Refusal`] is the learner's (a stale or forged button, an unknown
//! lesson, a number out of range, a cooldown): it is answered with what to do
//! instead, logged at debug, and nothing is written. A [`Failure`] is ours
//! (the database, mostly): the learner is told to try again and it is logged
//! as a warning with its cause. Both become an answer in exactly one place,
//! [`crate::core::view::refusal`] and [`crate::core::view::failure`].

use crate::store::StoreError;

/// Everything that stops a request from being served as asked.
#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("refused: {0:?}")]
    Refused(Refusal),
    #[error(transparent)]
    Failed(#[from] Failure),
}

impl From<Refusal> for CoreError {
    fn from(r: Refusal) -> Self {
        CoreError::Refused(r)
    }
}

/// Something the learner asked that we will not do; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// A command we never registered (only a forged client or a typo in the
    /// console sends one).
    UnknownCommand(String),
    /// A lesson command without a lesson.
    MissingLesson,
    /// A lesson id we do not have (as the learner typed it).
    UnknownLesson(String),
    /// A button id we did not write, or one naming what no longer exists.
    UnknownButton,
    /// Someone else's button that only its owner may press.
    NotYourButton,
    /// Someone else's quiz: they get a button for their own.
    NotYourQuiz { lesson: String },
    /// The lesson changed since its buttons were drawn.
    StaleLesson { lesson: String },
    /// The quiz changed since its buttons were drawn.
    StaleQuiz { lesson: String },
    /// The lesson has no quiz.
    NoQuiz { lesson: String },
    /// "Tick it" for an objective the last attempt did not master.
    NotMastered,
    /// `/quiz-stats` outside a server.
    GuildOnly,
    /// `/quiz-stats` by a member who cannot manage the server.
    Forbidden,
    /// No demo engine in this process.
    DemoUnavailable,
    /// A number outside its inclusive bounds.
    OutOfRange {
        name: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    /// The learner ran a demo too recently.
    Cooldown { seconds: u64 },
    /// The learner is clicking faster than the per-learner throttle allows.
    Throttled,
    /// A review button for a question that changed or is gone since it was
    /// drawn (or a card the learner no longer has).
    StaleReview { lesson: String },
    /// `/remind` with a time that is not HH:MM (as the learner typed it).
    BadTime(String),
    /// `/remind` with a time zone we do not know (as the learner typed it).
    BadTimezone(String),
    /// `/run` where the lab is off: the probe's reason, or `None` when this
    /// process was started without a lab.
    LabOff { reason: Option<String> },
    /// `/run` while the lab is still proving its sandbox.
    LabStarting,
    /// `/run` by a learner whose run is still going (one job per learner).
    LabAlreadyRunning,
    /// `/run` while the lab's queue is full.
    LabFull { queued: usize },
    /// `/run` with code the lab will not take (empty, too long).
    BadCode(crate::lab::BadJob),
    /// `/exercise <lesson> <exercise>` naming an exercise the lesson does
    /// not have (as typed).
    UnknownExercise { lesson: String, exercise: String },
    /// "Tick" for an exercise the learner has not passed.
    NotPassed,
    /// `/author` refused: nothing was fetched, stored or published.
    Author(AuthorRefusal),
}

/// Why `/author` (or a preview's button) was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorRefusal {
    /// This process serves no lesson packs.
    Off,
    /// Outside a server (a DM, or the console).
    GuildOnly,
    /// Neither Manage Server nor the server's author role.
    Forbidden,
    /// `/author role` by a member without Manage Server.
    RoleForbidden,
    /// An attachment URL on a host not in `ATTACHMENT_HOSTS` (or not https).
    Host(String),
    /// An attachment over the download cap, declared or streamed.
    TooBig { size: u64, max: u64 },
    /// A lesson this server does not serve of its own.
    UnknownLesson(String),
    /// No published version `version` of the lesson.
    NoVersion { lesson: String, version: i64 },
    /// A preview whose upload is gone (cancelled, or old).
    Gone,
    /// Publishing would give the server more lessons than it may serve.
    TooMany { would_be: usize, max: usize },
    /// Publishing would give the server more bytes of lessons than it may serve.
    TooLarge { would_be: u64, max: u64 },
}

impl From<AuthorRefusal> for CoreError {
    fn from(r: AuthorRefusal) -> Self {
        CoreError::Refused(Refusal::Author(r))
    }
}

/// Our failure: the learner is told to try again.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// A read failed: nothing changed, nothing shown.
    #[error("could not load")]
    Load(#[source] StoreError),
    /// A write failed: nothing was saved.
    #[error("could not save")]
    Save(#[source] StoreError),
}

impl Failure {
    /// The store error behind it.
    pub fn store_error(&self) -> &StoreError {
        match self {
            Failure::Load(e) | Failure::Save(e) => e,
        }
    }
}

/// `store_result.map_err(load)?`: a failed read.
pub fn load(e: StoreError) -> CoreError {
    CoreError::Failed(Failure::Load(e))
}

/// `store_result.map_err(save)?`: a failed write.
pub fn save(e: StoreError) -> CoreError {
    CoreError::Failed(Failure::Save(e))
}
