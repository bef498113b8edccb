//! Parse: the core's edge, where Discord's types meet the domain.
//!
//! Every interaction is parsed once, here, into a typed [`Request`]: the
//! command's options are read, numbers checked against their bounds, the
//! caller's permissions checked, and a button's `custom_id` decoded. What
//! cannot be parsed is a [`Refusal`], answered without touching the store.
//! Past this module nothing in the core reads a serenity model type.
//!
//! Slash commands go through a door-neutral [`Call`] (name, subcommand,
//! options) first, so that the console, which reads typed words rather than
//! Discord JSON, reaches exactly the same checks: [`Call::from_command`] for
//! Discord's doors, [`Call::from_words`] for the terminal, then
//! [`Request::from_call`] for both.

use serenity::all::{
    ActionRowComponent, CommandInteraction, ComponentInteraction, ComponentInteractionDataKind,
    Interaction, ModalInteraction, Permissions, ResolvedOption, ResolvedValue,
};

use super::button::{Action, ButtonId};
use super::error::{AuthorRefusal, Refusal};
use crate::store::LearnerId;

/// Who is asking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Learner {
    pub id: LearnerId,
    pub guild: Option<u64>,
}

/// One typed request: who asks, the interaction's id, and what for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub who: Learner,
    /// The interaction's id: the key that makes an interaction delivered
    /// twice (to one instance or two) take effect once.
    pub interaction: u64,
    pub asked: Asked,
}

/// What a learner (or teacher) asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    /// Discord's liveness probe.
    Ping,
    /// Autocomplete of a lesson id: what the learner has typed so far.
    Suggest(String),
    /// `/lesson <id>`.
    Lesson(LessonRequest),
    /// `/quiz <id>`.
    Quiz(LessonRequest),
    /// `/quiz-stats <id>`, already checked: in a server, by someone who may.
    Stats(StatsRequest),
    /// `/demo <kind> ...`, numbers already within their bounds.
    Demo(DemoRequest),
    /// `/progress`.
    Progress,
    /// `/help`; `teacher` when the caller may use the teachers' commands
    /// (`/quiz-stats`), which are then listed too.
    Help { teacher: bool },
    /// `/my-data`.
    MyData,
    /// `/forget-me`.
    ForgetMe,
    /// `/review`.
    Review,
    /// `/remind on` or `/remind off`, time and zone already checked.
    Remind(RemindRequest),
    /// Autocomplete on `/remind`'s time zone, with what the learner typed.
    SuggestTimezone(String),
    /// `/exercise <lesson>`: the lesson's exercises.
    Exercises(LessonRequest),
    /// `/exercise <lesson> <exercise>`: one exercise, to attempt.
    Exercise(ExerciseRequest),
    /// An exercise's answer, to run against its hidden checks (the
    /// exercise form submitted, or the console's typed lines).
    Attempt(AttemptRequest),
    /// `/run` in Discord, or its "Run again" button: open the code form.
    RunForm,
    /// `/run` with the learner's code (the console's typed lines, or the
    /// modal Discord's `/run` opens).
    Run(RunRequest),
    /// A button.
    Click(ClickRequest),
    /// `/author ...` or a preview's Publish/Cancel: in a server, with the
    /// caller's permissions as Discord sent them (whether they may author
    /// is decided in [`crate::core::author`], which knows the server's
    /// author role).
    Author(AuthorRequest),
}

/// A teacher's request about the server's own lessons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorRequest {
    pub guild: u64,
    /// Whether the member has Manage Server (or Administrator).
    pub manages: bool,
    /// The member's roles.
    pub roles: Vec<u64>,
    pub action: AuthorAction,
}

/// What a teacher asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorAction {
    /// `/author upload file:<attachment>`: Discord's description of the
    /// attachment (nothing is fetched yet).
    Upload {
        url: String,
        filename: String,
        /// The size Discord declares, in bytes.
        size: u64,
        /// The interaction token the preview is edited in through.
        token: String,
    },
    List,
    History {
        lesson: String,
    },
    Rollback {
        lesson: String,
        version: i64,
    },
    Remove {
        lesson: String,
    },
    Export {
        lesson: String,
        token: String,
    },
    Role {
        role: u64,
    },
    /// A preview's Publish button.
    Publish {
        upload: i64,
    },
    /// A preview's Cancel button.
    Cancel {
        upload: i64,
    },
}

/// The custom id prefixes of a preview's buttons: `author:publish:<upload>`.
pub const AUTHOR_PUBLISH: &str = "author:publish:";
pub const AUTHOR_CANCEL: &str = "author:cancel:";

/// The learner's code and input for the lab; sizes are checked by the lab's
/// [`Job::new`](crate::lab::Job::new).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRequest {
    pub code: String,
    pub stdin: String,
    /// The interaction token the run's edits go through.
    pub token: String,
    /// Whether the verdict offers "Run again" (Discord's doors, where it
    /// opens the form; the console types `/run` instead).
    pub offer_again: bool,
}

/// `/exercise <lesson> <exercise>`, as typed (either may not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExerciseRequest {
    pub lesson: String,
    pub exercise: String,
    /// Typed in the console, which reads the answer's lines next (no
    /// form), after the learner's guess for a predict-then-run exercise.
    pub typed: bool,
}

/// An answer to an exercise. Sizes are the lab's to check; the lesson's
/// version and the prediction's index are checked against the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRequest {
    pub lesson: String,
    /// The lesson version the form was drawn from; `None` (the console):
    /// the one served now.
    pub version: Option<String>,
    pub exercise: String,
    /// The index of the time the learner guessed, if they were asked.
    pub predicted: Option<u8>,
    pub code: String,
    /// The interaction token the attempt's edits go through.
    pub token: String,
    /// Discord's doors: the verdict offers "Try again" (the form) and
    /// attaches long output.
    pub discord: bool,
}

/// The id of the exercise form's code field.
pub const EXERCISE_FORM_CODE: &str = "code";

/// The custom id of `/run`'s form (a modal), and of its fields.
pub const RUN_FORM_ID: &str = "lab:run";
pub const RUN_FORM_CODE: &str = "code";
pub const RUN_FORM_STDIN: &str = "stdin";
/// The custom id of the verdict's "Run again" button: it opens the form,
/// for whoever clicks it, and changes nothing.
pub const RUN_AGAIN_ID: &str = "lab:run-again";

/// `/remind`, checked: a real time of day and a real time zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RemindRequest {
    /// Remind daily at this local time, in this zone (`None`: keep the one
    /// set before, or UTC).
    On {
        at: chrono::NaiveTime,
        timezone: Option<chrono_tz::Tz>,
    },
    Off,
}

/// A lesson named by the learner (trimmed; it may not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonRequest {
    pub lesson: String,
}

/// `/quiz-stats` for one server, asked by a member who can manage it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRequest {
    pub guild: u64,
    pub lesson: String,
}

/// A demo with the learner's numbers, each within its bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoRequest {
    pub kind: DemoKind,
    /// The interaction token the demo's edits go through.
    pub token: String,
    /// Whether the result attaches its timelines as a picture (Discord's
    /// doors; a terminal shows the text timelines only).
    pub picture: bool,
}

/// Which demo, with the learner's numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DemoKind {
    Gather {
        n: usize,
    },
    Blocking {
        n: usize,
    },
    Errors {
        n: usize,
        failures: usize,
    },
    Timeout,
    Limit {
        n: usize,
        k: usize,
    },
    /// n tasks, the first fails: `gather` lets the others run on, a
    /// `TaskGroup` cancels them.
    TaskGroup {
        n: usize,
    },
}

impl DemoKind {
    /// The name stored with a run and shown in `/my-data`.
    pub fn name(self) -> &'static str {
        match self {
            DemoKind::Gather { .. } => "gather",
            DemoKind::Blocking { .. } => "blocking",
            DemoKind::Errors { .. } => "errors",
            DemoKind::Timeout => "timeout",
            DemoKind::Limit { .. } => "limit",
            DemoKind::TaskGroup { .. } => "taskgroup",
        }
    }

    /// How many fetches a run makes at most (per half).
    pub fn n(self) -> usize {
        match self {
            DemoKind::Gather { n }
            | DemoKind::Blocking { n }
            | DemoKind::Errors { n, .. }
            | DemoKind::Limit { n, .. }
            | DemoKind::TaskGroup { n } => n,
            DemoKind::Timeout => 1,
        }
    }
}

/// A click, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickRequest {
    /// Whether the clicker is the learner the message was drawn for. A click
    /// on someone else's message opens the clicker's own view and never
    /// changes the owner's state.
    pub own: bool,
    pub action: Action,
}

/// The bounds the parse checks numbers against (the operator's settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    /// The largest `n` a demo takes (`DEMO_MAX_N`).
    pub demo_max_n: usize,
}

/// A slash command as the learner gave it, whatever door it came through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Call {
    pub name: String,
    pub subcommand: Option<String>,
    pub options: Vec<(String, OptionValue)>,
}

/// One option's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Text(String),
    Integer(i64),
}

impl Call {
    /// The call in a Discord command interaction.
    pub fn from_command(cmd: &CommandInteraction) -> Call {
        let mut call = Call {
            name: cmd.data.name.clone(),
            ..Call::default()
        };
        collect(&cmd.data.options(), &mut call);
        call
    }

    /// A typed line such as `lesson async`, `demo gather 5` or
    /// `demo limit n:10 max:3`: a first word naming a declared subcommand
    /// picks it; `key:value` words fill options by name, the others fill the
    /// declared options in order. `declared(sub)` lists the option names of
    /// the command (or of its subcommand) with whether each is an integer.
    ///
    /// Words that Discord's client would never let through are refused,
    /// naming the word: a command with subcommands needs one, an integer
    /// option takes only a number that fits, and every word must fill an
    /// option. (Only the console types words; Discord's doors build their
    /// call from the interaction, [`Call::from_command`].)
    pub fn from_words<'a>(
        name: &str,
        words: &[&str],
        subcommands: &[&str],
        declared: impl Fn(Option<&str>) -> Vec<(&'a str, bool)>,
    ) -> Result<Call, WordsError> {
        let mut words = words;
        let subcommand = match words.first() {
            Some(w) if subcommands.contains(w) => {
                words = &words[1..];
                Some(w.to_string())
            }
            Some(w) if !subcommands.is_empty() => {
                return Err(WordsError::UnknownSubcommand(w.to_string()))
            }
            None if !subcommands.is_empty() => return Err(WordsError::MissingSubcommand),
            _ => None,
        };
        let declared = declared(subcommand.as_deref());
        let mut positional = declared.iter();
        let mut options: Vec<(String, OptionValue)> = Vec::new();
        for word in words {
            // `key:value` when the key is an option's name. A word whose
            // part before the colon is a name we don't declare is refused;
            // any other word is positional (a time such as `07:30` holds a
            // colon too).
            let keyed = match word.split_once(':') {
                Some((k, v)) => match declared.iter().find(|(n, _)| *n == k) {
                    Some(d) => Some((d, v)),
                    None if k.starts_with(|c: char| c.is_ascii_alphabetic()) => {
                        return Err(WordsError::UnknownOption(k.to_string()))
                    }
                    None => None,
                },
                None => None,
            };
            let (decl, raw) = match keyed {
                Some(found) => found,
                None => match positional.next() {
                    Some(d) => (d, *word),
                    None => return Err(WordsError::ExtraWord(word.to_string())),
                },
            };
            if options.iter().any(|(n, _)| n == decl.0) {
                return Err(WordsError::Repeated(decl.0.to_string()));
            }
            let value = if decl.1 {
                OptionValue::Integer(integer(decl.0, raw)?)
            } else {
                OptionValue::Text(raw.to_string())
            };
            options.push((decl.0.to_string(), value));
        }
        Ok(Call {
            name: name.to_string(),
            subcommand,
            options,
        })
    }

    fn text(&self, name: &str) -> Option<String> {
        self.options.iter().find_map(|(n, v)| match v {
            OptionValue::Text(s) if n == name => Some(s.trim().to_string()),
            _ => None,
        })
    }

    fn integer(&self, name: &str) -> Option<i64> {
        self.options.iter().find_map(|(n, v)| match v {
            OptionValue::Integer(i) if n == name => Some(*i),
            _ => None,
        })
    }
}

/// What is wrong with typed words, each naming the word or option at fault.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordsError {
    #[error("a subcommand is needed")]
    MissingSubcommand,
    #[error("{0:?} is not a subcommand")]
    UnknownSubcommand(String),
    #[error("there is no option {0:?}")]
    UnknownOption(String),
    #[error("{0:?} is one word too many")]
    ExtraWord(String),
    #[error("option {0:?} is given twice")]
    Repeated(String),
    #[error("option {option:?} takes a whole number, not {word:?}")]
    NotANumber { option: String, word: String },
    #[error("{word:?} is too large for option {option:?}")]
    TooLarge { option: String, word: String },
}

/// An integer option's word: a whole number that fits Discord's integers.
fn integer(option: &str, word: &str) -> Result<i64, WordsError> {
    use std::num::IntErrorKind;
    word.parse::<i64>().map_err(|e| match e.kind() {
        IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => WordsError::TooLarge {
            option: option.to_string(),
            word: word.to_string(),
        },
        _ => WordsError::NotANumber {
            option: option.to_string(),
            word: word.to_string(),
        },
    })
}

fn collect(options: &[ResolvedOption<'_>], call: &mut Call) {
    for o in options {
        match &o.value {
            ResolvedValue::SubCommand(inner) | ResolvedValue::SubCommandGroup(inner) => {
                call.subcommand = Some(o.name.to_string());
                collect(inner, call);
            }
            ResolvedValue::String(s) => call
                .options
                .push((o.name.to_string(), OptionValue::Text(s.to_string()))),
            ResolvedValue::Integer(i) => call
                .options
                .push((o.name.to_string(), OptionValue::Integer(*i))),
            // No command of ours declares another kind: a forged one is
            // simply not read (the option's absence is then answered).
            _ => {}
        }
    }
}

/// Who sent an interaction, if anyone did (PING has no user).
pub fn learner_of(interaction: &Interaction) -> Option<Learner> {
    let (user, guild) = match interaction {
        Interaction::Command(cmd) | Interaction::Autocomplete(cmd) => (cmd.user.id, cmd.guild_id),
        Interaction::Component(click) => (click.user.id, click.guild_id),
        Interaction::Modal(modal) => (modal.user.id, modal.guild_id),
        _ => return None,
    };
    Some(Learner {
        id: user.get(),
        guild: guild.map(|g| g.get()),
    })
}

impl Request {
    /// Parses one interaction. `Err` carries the refusal, to be answered to
    /// `learner_of(interaction)`.
    pub fn parse(interaction: &Interaction, bounds: Bounds) -> Result<Request, Refusal> {
        let Some(who) = learner_of(interaction) else {
            return match interaction {
                Interaction::Ping(ping) => Ok(Request {
                    who: Learner { id: 0, guild: None },
                    interaction: ping.id.get(),
                    asked: Asked::Ping,
                }),
                _ => Err(Refusal::UnknownCommand(String::new())),
            };
        };
        let (id, asked) = match interaction {
            Interaction::Command(cmd) => {
                let call = Call::from_command(cmd);
                let asked = if call.name == "quiz-stats" {
                    stats(cmd, &call)?
                } else if call.name == "author" {
                    author(cmd)?
                } else if call.name == "help" {
                    Asked::Help {
                        teacher: cmd.guild_id.is_some() && can_manage(cmd),
                    }
                } else {
                    Request::from_call(&call, &cmd.token, bounds)?
                };
                (cmd.id.get(), asked)
            }
            Interaction::Autocomplete(cmd) => {
                let typed = cmd.data.autocomplete().map(|a| a.value).unwrap_or_default();
                if cmd.data.name == "remind" {
                    (cmd.id.get(), Asked::SuggestTimezone(typed.to_string()))
                } else {
                    (cmd.id.get(), Asked::Suggest(typed.to_string()))
                }
            }
            Interaction::Component(click) if click.data.custom_id == RUN_AGAIN_ID => {
                (click.id.get(), Asked::RunForm)
            }
            Interaction::Component(click) if click.data.custom_id.starts_with("author:") => {
                (click.id.get(), Asked::Author(author_click(click)?))
            }
            Interaction::Component(click) => {
                (click.id.get(), Asked::Click(parse_click(who, click)?))
            }
            Interaction::Modal(modal) if modal.data.custom_id == RUN_FORM_ID => {
                (modal.id.get(), Asked::Run(parse_run_form(modal)?))
            }
            Interaction::Modal(modal) => (modal.id.get(), parse_exercise_form(who, modal)?),
            _ => return Err(Refusal::UnknownCommand(String::new())),
        };
        Ok(Request {
            who,
            interaction: id,
            asked,
        })
    }

    /// The request a slash command makes. `/quiz-stats` needs the caller's
    /// server and permissions, which only a Discord door has: a call to it
    /// from anywhere else is refused as outside a server.
    pub fn from_call(call: &Call, token: &str, bounds: Bounds) -> Result<Asked, Refusal> {
        let lesson = || {
            call.text("lesson")
                .filter(|l| !l.is_empty())
                .map(|lesson| LessonRequest { lesson })
                .ok_or(Refusal::MissingLesson)
        };
        Ok(match call.name.as_str() {
            "lesson" => Asked::Lesson(lesson()?),
            "quiz" => Asked::Quiz(lesson()?),
            "quiz-stats" => return Err(Refusal::GuildOnly),
            // Uploads and roles exist only in Discord's servers.
            "author" => return Err(Refusal::Author(AuthorRefusal::GuildOnly)),
            "demo" => Asked::Demo(DemoRequest {
                kind: demo_kind(call, bounds.demo_max_n)?,
                token: token.to_string(),
                picture: true,
            }),
            "progress" => Asked::Progress,
            // Only a Discord door knows the caller's permissions (see
            // `Request::parse`); anywhere else, no teachers' commands.
            "help" => Asked::Help { teacher: false },
            "my-data" => Asked::MyData,
            "forget-me" => Asked::ForgetMe,
            "review" => Asked::Review,
            "remind" => Asked::Remind(remind(call)?),
            "run" => Asked::RunForm,
            "exercise" => match call.text("exercise").filter(|e| !e.is_empty()) {
                Some(exercise) => Asked::Exercise(ExerciseRequest {
                    lesson: lesson()?.lesson,
                    exercise,
                    typed: false,
                }),
                None => Asked::Exercises(lesson()?),
            },
            other => return Err(Refusal::UnknownCommand(other.to_string())),
        })
    }
}

/// `/quiz-stats`: in a server, by a member who can manage it. Discord hides
/// the command from others, but a client can be forged: check again.
/// Whether the caller may manage the server: the permission the teachers'
/// commands ask for (the interaction carries the member's permissions in
/// the channel).
fn can_manage(cmd: &CommandInteraction) -> bool {
    cmd.member
        .as_ref()
        .and_then(|m| m.permissions)
        .is_some_and(|p| {
            p.contains(Permissions::MANAGE_GUILD) || p.contains(Permissions::ADMINISTRATOR)
        })
}

fn stats(cmd: &CommandInteraction, call: &Call) -> Result<Asked, Refusal> {
    let Some(guild) = cmd.guild_id else {
        return Err(Refusal::GuildOnly);
    };
    if !can_manage(cmd) {
        return Err(Refusal::Forbidden);
    }
    let lesson = call
        .text("lesson")
        .filter(|l| !l.is_empty())
        .ok_or(Refusal::MissingLesson)?;
    Ok(Asked::Stats(StatsRequest {
        guild: guild.get(),
        lesson,
    }))
}

/// Whether a member's permissions include managing the server.
fn manages(permissions: Option<Permissions>) -> bool {
    permissions.is_some_and(|p| {
        p.contains(Permissions::MANAGE_GUILD) || p.contains(Permissions::ADMINISTRATOR)
    })
}

/// The server and the member's permissions and roles, which `/author` and
/// its buttons need: outside a server, refused.
fn author_caller(
    guild: Option<serenity::all::GuildId>,
    member: Option<&serenity::all::Member>,
    action: AuthorAction,
) -> Result<AuthorRequest, Refusal> {
    let (Some(guild), Some(member)) = (guild, member) else {
        return Err(Refusal::Author(AuthorRefusal::GuildOnly));
    };
    Ok(AuthorRequest {
        guild: guild.get(),
        manages: manages(member.permissions),
        roles: member.roles.iter().map(|r| r.get()).collect(),
        action,
    })
}

/// `/author <subcommand> ...`, its options read from Discord's resolved
/// data (the attachment's URL, name and size; the role's id).
fn author(cmd: &CommandInteraction) -> Result<Asked, Refusal> {
    let options = cmd.data.options();
    let Some(ResolvedOption {
        name: sub,
        value: ResolvedValue::SubCommand(inner),
        ..
    }) = options.first()
    else {
        return Err(Refusal::UnknownCommand("author".into()));
    };
    let text = |name: &str| {
        inner.iter().find_map(|o| match &o.value {
            ResolvedValue::String(s) if o.name == name => Some(s.trim().to_string()),
            _ => None,
        })
    };
    let lesson = || {
        text("lesson")
            .filter(|l| !l.is_empty())
            .ok_or(Refusal::MissingLesson)
    };
    let action = match *sub {
        "upload" => match inner.iter().find(|o| o.name == "file").map(|o| &o.value) {
            Some(ResolvedValue::Attachment(file)) => AuthorAction::Upload {
                url: file.url.clone(),
                filename: file.filename.clone(),
                size: u64::from(file.size),
                token: cmd.token.clone(),
            },
            _ => return Err(Refusal::UnknownCommand("author upload".into())),
        },
        "list" => AuthorAction::List,
        "history" => AuthorAction::History { lesson: lesson()? },
        "rollback" => {
            let version = inner.iter().find_map(|o| match o.value {
                ResolvedValue::Integer(v) if o.name == "version" => Some(v),
                _ => None,
            });
            let Some(version) = version else {
                return Err(Refusal::UnknownCommand("author rollback".into()));
            };
            AuthorAction::Rollback {
                lesson: lesson()?,
                version,
            }
        }
        "remove" => AuthorAction::Remove { lesson: lesson()? },
        "export" => AuthorAction::Export {
            lesson: lesson()?,
            token: cmd.token.clone(),
        },
        "role" => match inner.iter().find(|o| o.name == "role").map(|o| &o.value) {
            Some(ResolvedValue::Role(role)) => AuthorAction::Role {
                role: role.id.get(),
            },
            _ => return Err(Refusal::UnknownCommand("author role".into())),
        },
        other => return Err(Refusal::UnknownCommand(format!("author {other}"))),
    };
    Ok(Asked::Author(author_caller(
        cmd.guild_id,
        cmd.member.as_deref(),
        action,
    )?))
}

/// A preview's Publish or Cancel button: `author:publish:<upload>`.
fn author_click(click: &ComponentInteraction) -> Result<AuthorRequest, Refusal> {
    let id = click.data.custom_id.as_str();
    let number = |rest: &str| {
        rest.parse::<i64>()
            .ok()
            .filter(|n| *n > 0 && rest.bytes().all(|b| b.is_ascii_digit()))
            .ok_or(Refusal::UnknownButton)
    };
    let action = if let Some(rest) = id.strip_prefix(AUTHOR_PUBLISH) {
        AuthorAction::Publish {
            upload: number(rest)?,
        }
    } else if let Some(rest) = id.strip_prefix(AUTHOR_CANCEL) {
        AuthorAction::Cancel {
            upload: number(rest)?,
        }
    } else {
        return Err(Refusal::UnknownButton);
    };
    author_caller(click.guild_id, click.member.as_ref(), action)
}

/// `/run`'s form, submitted: the code and the optional input, as typed
/// (their sizes are the lab's to check).
fn parse_run_form(modal: &ModalInteraction) -> Result<RunRequest, Refusal> {
    let (mut code, mut stdin) = (String::new(), String::new());
    for row in &modal.data.components {
        for component in &row.components {
            if let ActionRowComponent::InputText(input) = component {
                let value = input.value.clone().unwrap_or_default();
                match input.custom_id.as_str() {
                    RUN_FORM_CODE => code = value,
                    RUN_FORM_STDIN => stdin = value,
                    _ => {}
                }
            }
        }
    }
    Ok(RunRequest {
        code,
        stdin,
        token: modal.token.clone(),
        offer_again: true,
    })
}

/// An exercise's form, submitted: the id must be exactly what the form was
/// drawn with (lesson, version, exercise, prediction), for this learner.
/// Any other modal is not ours.
fn parse_exercise_form(who: Learner, modal: &ModalInteraction) -> Result<Asked, Refusal> {
    let button = ButtonId::parse(&modal.data.custom_id).map_err(|_| Refusal::UnknownButton)?;
    let Action::ExerciseSubmit {
        lesson,
        version,
        exercise,
        predicted,
    } = button.action
    else {
        return Err(Refusal::UnknownButton);
    };
    // Discord shows a modal to the one who opened it; a submit naming
    // someone else was forged.
    if button.owner != who.id {
        return Err(Refusal::NotYourButton);
    }
    let mut code = String::new();
    for row in &modal.data.components {
        for component in &row.components {
            if let ActionRowComponent::InputText(input) = component {
                if input.custom_id == EXERCISE_FORM_CODE {
                    code = input.value.clone().unwrap_or_default();
                }
            }
        }
    }
    Ok(Asked::Attempt(AttemptRequest {
        lesson,
        version: Some(version),
        exercise,
        predicted,
        code,
        token: modal.token.clone(),
        discord: true,
    }))
}

/// A button's click, or a pick in one of our select menus: each option's
/// value is a button id (see `view::select`), so exactly one value is
/// parsed as that button's click.
fn parse_click(who: Learner, click: &ComponentInteraction) -> Result<ClickRequest, Refusal> {
    let raw = match &click.data.kind {
        ComponentInteractionDataKind::StringSelect { values } => match values.as_slice() {
            [one] => one.as_str(),
            _ => return Err(Refusal::UnknownButton),
        },
        _ => click.data.custom_id.as_str(),
    };
    let button = ButtonId::parse(raw).map_err(|_| Refusal::UnknownButton)?;
    // A form's id on a button (or in a menu) was not drawn by us.
    if matches!(button.action, Action::ExerciseSubmit { .. }) {
        return Err(Refusal::UnknownButton);
    }
    Ok(ClickRequest {
        own: button.owner == who.id,
        action: button.action,
    })
}

/// `/remind on at:<HH:MM> timezone:<name>` or `/remind off`; typed in the
/// console without a subcommand (`remind 07:30 Europe/Berlin`), `on`.
fn remind(call: &Call) -> Result<RemindRequest, Refusal> {
    if call.subcommand.as_deref() == Some("off") {
        return Ok(RemindRequest::Off);
    }
    let at = call.text("at").unwrap_or_default();
    let at = crate::core::remind::parse_time(&at)?;
    let timezone = match call.text("timezone").filter(|t| !t.is_empty()) {
        Some(tz) => Some(crate::core::remind::parse_timezone(&tz)?),
        None => None,
    };
    Ok(RemindRequest::On { at, timezone })
}

/// The demo and its numbers, each checked against its bounds; without a
/// subcommand (which Discord's client never sends, and the console's words
/// refuse), the gather demo.
fn demo_kind(call: &Call, max_n: usize) -> Result<DemoKind, Refusal> {
    let sub = call.subcommand.as_deref().unwrap_or("gather");
    let max_n = max_n as i64;
    let n_default = match sub {
        "limit" => 10,
        "taskgroup" => 3,
        _ => 5,
    }
    .min(max_n);
    let n = call.integer("n").unwrap_or(n_default);
    let check = |name: &'static str, value: i64, min: i64, max: i64| {
        if (min..=max).contains(&value) {
            Ok(value as usize)
        } else {
            Err(Refusal::OutOfRange {
                name,
                value,
                min,
                max,
            })
        }
    };
    Ok(match sub {
        "gather" => DemoKind::Gather {
            n: check("n", n, 1, max_n)?,
        },
        "blocking" => DemoKind::Blocking {
            n: check("n", n, 1, max_n)?,
        },
        "errors" => {
            let n = check("n", n, 1, max_n)?;
            let failures = call.integer("failures").unwrap_or(2.min(n as i64));
            DemoKind::Errors {
                n,
                failures: check("failures", failures, 0, n as i64)?,
            }
        }
        "timeout" => DemoKind::Timeout,
        "limit" => {
            let n = check("n", n, 1, max_n)?;
            let k = call.integer("max").unwrap_or(3.min(n as i64));
            DemoKind::Limit {
                n,
                k: check("max", k, 1, n as i64)?,
            }
        }
        // Two at least: with one task there is nobody to cancel.
        "taskgroup" => DemoKind::TaskGroup {
            n: check("n", n, 2.min(max_n), max_n)?,
        },
        other => return Err(Refusal::UnknownCommand(format!("demo {other}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOUNDS: Bounds = Bounds { demo_max_n: 50 };

    fn demo(words: &[&str]) -> Result<Asked, Refusal> {
        let subs = [
            "gather",
            "blocking",
            "errors",
            "timeout",
            "limit",
            "taskgroup",
        ];
        let call = Call::from_words("demo", words, &subs, |sub| match sub {
            Some("errors") => vec![("n", true), ("failures", true)],
            Some("limit") => vec![("n", true), ("max", true)],
            Some("timeout") => vec![],
            _ => vec![("n", true)],
        })
        .unwrap_or_else(|e| panic!("{words:?}: {e}"));
        Request::from_call(&call, "token", BOUNDS)
    }

    fn demo_words(words: &[&str]) -> Result<Call, WordsError> {
        let subs = ["gather", "blocking", "errors", "timeout", "limit"];
        Call::from_words("demo", words, &subs, |sub| match sub {
            Some("limit") => vec![("n", true), ("max", true)],
            Some("timeout") => vec![],
            _ => vec![("n", true)],
        })
    }

    #[test]
    fn typed_words_a_discord_client_would_refuse_are_refused_naming_the_word() {
        use WordsError::*;
        assert_eq!(demo_words(&[]), Err(MissingSubcommand));
        assert_eq!(demo_words(&["foo"]), Err(UnknownSubcommand("foo".into())));
        assert_eq!(
            demo_words(&["gather", "abc"]),
            Err(NotANumber {
                option: "n".into(),
                word: "abc".into()
            })
        );
        assert_eq!(
            demo_words(&["gather", "99999999999999999999"]),
            Err(TooLarge {
                option: "n".into(),
                word: "99999999999999999999".into()
            })
        );
        assert_eq!(
            demo_words(&["gather", "5", "6"]),
            Err(ExtraWord("6".into()))
        );
        assert_eq!(demo_words(&["timeout", "3"]), Err(ExtraWord("3".into())));
        assert_eq!(
            demo_words(&["limit", "wat:3"]),
            Err(UnknownOption("wat".into()))
        );
        assert_eq!(
            demo_words(&["limit", "4", "n:5"]),
            Err(Repeated("n".into()))
        );
        // A command without subcommands takes its words as options.
        let call = Call::from_words("lesson", &["async"], &[], |_| vec![("lesson", false)]);
        assert_eq!(call.unwrap().text("lesson").as_deref(), Some("async"));
    }

    #[test]
    fn a_demo_takes_its_numbers_in_order_or_by_name() {
        let kind = |a: Asked| match a {
            Asked::Demo(d) => d.kind,
            other => panic!("not a demo: {other:?}"),
        };
        assert_eq!(
            kind(demo(&["gather", "7"]).unwrap()),
            DemoKind::Gather { n: 7 }
        );
        // Discord's client always sends a subcommand; a forged call without
        // one gets the gather demo's defaults.
        let bare = Call {
            name: "demo".into(),
            ..Call::default()
        };
        assert_eq!(
            kind(Request::from_call(&bare, "t", BOUNDS).unwrap()),
            DemoKind::Gather { n: 5 }
        );
        assert_eq!(
            kind(demo(&["limit", "max:4", "12"]).unwrap()),
            DemoKind::Limit { n: 12, k: 4 }
        );
        assert_eq!(
            kind(demo(&["errors", "4"]).unwrap()),
            DemoKind::Errors { n: 4, failures: 2 }
        );
        assert_eq!(
            kind(demo(&["taskgroup"]).unwrap()),
            DemoKind::TaskGroup { n: 3 }
        );
    }

    #[test]
    fn a_task_group_demo_needs_a_second_task_to_cancel() {
        assert_eq!(
            demo(&["taskgroup", "1"]),
            Err(Refusal::OutOfRange {
                name: "n",
                value: 1,
                min: 2,
                max: 50
            })
        );
        assert!(demo(&["taskgroup", "2"]).is_ok());
    }

    #[test]
    fn numbers_out_of_bounds_are_refused_naming_the_bounds() {
        assert_eq!(
            demo(&["gather", "51"]),
            Err(Refusal::OutOfRange {
                name: "n",
                value: 51,
                min: 1,
                max: 50
            })
        );
        assert_eq!(
            demo(&["limit", "5", "6"]),
            Err(Refusal::OutOfRange {
                name: "max",
                value: 6,
                min: 1,
                max: 5
            })
        );
        assert_eq!(
            demo(&["errors", "3", "failures:4"]),
            Err(Refusal::OutOfRange {
                name: "failures",
                value: 4,
                min: 0,
                max: 3
            })
        );
    }

    #[test]
    fn a_typed_time_is_a_positional_word_and_remind_checks_it() {
        let remind = |words: &[&str]| {
            let call = Call::from_words("remind", words, &["on", "off"], |sub| match sub {
                Some("on") => vec![("at", false), ("timezone", false)],
                _ => vec![],
            })
            .expect("words that parse");
            Request::from_call(&call, "t", BOUNDS)
        };
        assert_eq!(
            remind(&["on", "07:30", "Europe/Berlin"]),
            Ok(Asked::Remind(RemindRequest::On {
                at: chrono::NaiveTime::from_hms_opt(7, 30, 0).unwrap(),
                timezone: Some(chrono_tz::Europe::Berlin),
            }))
        );
        assert_eq!(
            remind(&["on", "timezone:UTC", "at:7:05"]),
            Ok(Asked::Remind(RemindRequest::On {
                at: chrono::NaiveTime::from_hms_opt(7, 5, 0).unwrap(),
                timezone: Some(chrono_tz::UTC),
            }))
        );
        assert_eq!(remind(&["off"]), Ok(Asked::Remind(RemindRequest::Off)));
        assert_eq!(
            remind(&["on", "25:61"]),
            Err(Refusal::BadTime("25:61".into()))
        );
        assert_eq!(
            remind(&["on", "07:30", "Nowhere/Atlantis"]),
            Err(Refusal::BadTimezone("Nowhere/Atlantis".into()))
        );
    }

    #[test]
    fn a_lesson_command_without_a_lesson_is_refused() {
        let call = Call {
            name: "lesson".into(),
            ..Call::default()
        };
        assert_eq!(
            Request::from_call(&call, "t", BOUNDS),
            Err(Refusal::MissingLesson)
        );
        let call = Call {
            name: "nope".into(),
            ..Call::default()
        };
        assert_eq!(
            Request::from_call(&call, "t", BOUNDS),
            Err(Refusal::UnknownCommand("nope".into()))
        );
    }
}
