//! The `tutorbot` command line.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::settings::Settings;
use crate::telemetry::{self, LogDoor};
use crate::{app, content, content::Catalog, doors};

/// A Discord bot that tutors programming.
#[derive(Debug, Parser)]
#[command(name = "tutorbot", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Learn in the terminal with the same core, no Discord token needed.
    ///
    /// Needs Postgres: DATABASE_URL (from the environment or .env), e.g.
    /// postgres://postgres@127.0.0.1:5432/tutorbot. Logs stay off the
    /// screen: warnings (or RUST_LOG) go to stderr when it is redirected, else
    /// to tutorbot-console.log in the temporary folder.
    Console {
        /// Your learner name: the same name finds the same progress.
        #[arg(long, default_value = "learner", value_parser = learner_name)]
        learner: String,
    },
    /// Check lesson content and print every problem as path:line: message.
    Check {
        /// The prompts folder (default: PROMPTS_DIR, or the lessons built
        /// into this binary).
        dir: Option<PathBuf>,
        /// Also print, per quiz, how often the right answer is the longest
        /// choice (a guesser's best strategy).
        #[arg(long)]
        stats: bool,
    },
    /// Write each main screen of a lesson (page, checklist, quiz question,
    /// feedback right and wrong, results, help, progress, a demo result) as
    /// the JSON payload Discord receives, drawn by the real views from fixed
    /// outcomes: no database, no Discord. Render them with the Discord
    /// preview tool to see them as a learner will.
    Preview {
        /// The folder to write NAME.json files to.
        #[arg(long, default_value = "docs/screens")]
        out: PathBuf,
        /// The lesson to draw.
        #[arg(long, default_value = "async")]
        lesson: String,
        /// The prompts folder (default: PROMPTS_DIR, or the lessons built
        /// into this binary).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Write a commented one-file lesson, DIR/ID.md, that passes `check`;
    /// a DIR without the bot's own texts gets the built-in ui.toml and
    /// demos.toml too, so it works as PROMPTS_DIR at once.
    NewLesson {
        /// The lesson id: 1-24 characters of a-z, 0-9 and -.
        id: String,
        /// The folder to write to (default: PROMPTS_DIR, or the current
        /// folder).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Run the bot on Discord's gateway (needs DISCORD_TOKEN); also serves
    /// /healthz and /metrics on OPS_ADDR (loopback by default).
    ///
    /// Settings come from the environment or .env (see .env.example), e.g.
    /// DISCORD_TOKEN=... (Developer Portal > Bot > Reset Token),
    /// DATABASE_URL=postgres://postgres@127.0.0.1:5432/tutorbot,
    /// OPS_ADDR=127.0.0.1:9090, DISCORD_GUILD_ID=... to register the
    /// commands in one server at start.
    Serve {
        /// Run only shards FIRST to LAST (both included), e.g. 0-1, to split
        /// one bot across processes; needs --total.
        #[arg(long, value_name = "FIRST-LAST", value_parser = doors::gateway::Shards::parse_range, requires = "total")]
        shards: Option<(u32, u32)>,
        /// How many shards the bot has across all processes.
        #[arg(long, value_name = "N", requires = "shards")]
        total: Option<u32>,
    },
    /// Serve Discord's interactions endpoint (POST /interactions on HTTP_ADDR,
    /// signed with DISCORD_PUBLIC_KEY) plus /healthz and /metrics on OPS_ADDR.
    ///
    /// Settings come from the environment or .env (see .env.example), e.g.
    /// DISCORD_PUBLIC_KEY=<64 hex digits from General Information>,
    /// DATABASE_URL=postgres://postgres@127.0.0.1:5432/tutorbot,
    /// HTTP_ADDR=0.0.0.0:8080 (public), OPS_ADDR=127.0.0.1:9090 (private),
    /// DISCORD_TOKEN=... (only for follow-ups such as demo results).
    Http,
    /// Ask a running door's /healthz on OPS_ADDR; exits 0 when healthy (for
    /// a container's health check: the image has no curl).
    ///
    /// Reads OPS_ADDR from the environment or .env, as the door does, e.g.
    /// OPS_ADDR=127.0.0.1:9090 (0.0.0.0 is asked on loopback).
    Healthcheck,
    /// The lab: run Python in the same sandbox the bot uses.
    Lab {
        #[command(subcommand)]
        command: LabCommand,
    },
    /// Register the slash commands: in DISCORD_GUILD_ID if set, else globally.
    ///
    /// Needs DISCORD_TOKEN (environment or .env); DISCORD_APPLICATION_ID is
    /// asked of Discord if unset. No database needed.
    Register {
        /// Register for every server (and DMs).
        #[arg(long, conflicts_with = "guild")]
        global: bool,
        /// Register in this server only (shows instantly).
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LabCommand {
    /// Run FILE.py in the sandbox and print its verdict; exits non-zero
    /// unless the code exited with 0 (and passed the exercise's checks).
    Run {
        /// The Python file to run.
        file: PathBuf,
        /// Run the hidden checks of this exercise after the code.
        #[arg(long, value_name = "LESSON/ID")]
        exercise: Option<String>,
        /// A file handed to the code as its stdin.
        #[arg(long, value_name = "FILE")]
        stdin: Option<PathBuf>,
    },
}

/// `ON_CONFIG_ERROR=wait`: on a configuration error ([`ConfigError`]),
/// wait to be stopped instead of exiting at once (the Dockerfile sets it).
/// Read from the environment directly, since it must work when the typed
/// settings cannot be loaded; `.env` has been read by then.
///
/// [`ConfigError`]: crate::settings::ConfigError
pub fn waits_on_config_error() -> bool {
    std::env::var("ON_CONFIG_ERROR").is_ok_and(|v| v.trim().eq_ignore_ascii_case("wait"))
}

/// A future that completes on SIGINT or SIGTERM, with both handlers
/// registered before this returns: a signal sent once the caller has said
/// it is waiting is never lost (nor kills the process by default action).
pub fn stopped() -> impl std::future::Future<Output = ()> {
    use tokio::signal::unix::{signal, SignalKind};
    let int = signal(SignalKind::interrupt()).ok();
    let term = signal(SignalKind::terminate()).ok();
    async move {
        let recv = |s: Option<tokio::signal::unix::Signal>| async move {
            match s {
                Some(mut s) => {
                    s.recv().await;
                }
                None => std::future::pending::<()>().await,
            }
        };
        tokio::select! {
            _ = recv(int) => {}
            _ = recv(term) => {}
        }
    }
}

/// Runs the command; the process exit code follows the result.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    // `.env` before logging, so that a RUST_LOG written there counts. `check`
    // with a folder reads no settings, so a broken `.env` does not stop it.
    if !matches!(cli.command, Command::Check { dir: Some(_), .. }) {
        Settings::read_env_file()?;
    }
    let door = match cli.command {
        Command::Console { .. } => LogDoor::Console,
        _ => LogDoor::Service,
    };
    telemetry::init(door);
    match cli.command {
        Command::Check { dir, stats } => check(dir, stats),
        Command::Preview { out, lesson, dir } => preview(&out, &lesson, dir),
        Command::NewLesson { id, dir } => new_lesson(&id, dir),
        Command::Console { learner } => {
            let settings = Settings::load()?;
            let mut core = app::start(&settings).await?;
            // The throttle keeps one Discord user's flood off the store; the
            // console is one local learner whose piped lines all deserve an
            // answer, and who waits for each one anyway.
            core.throttle = None;
            let stdin = tokio::io::BufReader::new(tokio::io::stdin());
            let look = doors::console::look_of_stdout();
            let result =
                doors::console::run_with(core.clone(), &learner, stdin, tokio::io::stdout(), look)
                    .await;
            core.store.close().await;
            result
        }
        Command::Serve { shards, total } => {
            let settings = server_settings()?;
            let shards = match (shards, total) {
                (Some((first, last)), Some(total)) => {
                    Some(doors::gateway::Shards::new(first, last, total)?)
                }
                _ => None,
            };
            // Settings are checked before anything starts.
            let options = doors::gateway::GatewayOptions::from_settings(&settings, shards)?;
            let core = app::start(&settings).await?;
            app::start_reminders(&settings, &core);
            let result =
                doors::gateway::run(core.clone(), options, doors::ops::shutdown_signal()).await;
            core.store.close().await;
            result
        }
        Command::Http => {
            let settings = server_settings()?;
            let options = doors::http::HttpOptions::from_settings(&settings)?;
            let core = app::start(&settings).await?;
            app::start_reminders(&settings, &core);
            let result = doors::http::run(
                core.clone(),
                options,
                settings.http_addr,
                doors::ops::shutdown_signal(),
            )
            .await;
            core.store.close().await;
            result
        }
        Command::Healthcheck => healthcheck().await,
        Command::Lab {
            command:
                LabCommand::Run {
                    file,
                    exercise,
                    stdin,
                },
        } => crate::lab::cli::run_file(&file, exercise.as_deref(), stdin.as_deref()).await,
        Command::Register { global, guild } => {
            let settings = Settings::load()?;
            let scope = match (global, guild.or(settings.discord.guild_id)) {
                (false, Some(g)) => doors::gateway::Scope::Guild(g),
                _ => doors::gateway::Scope::Global,
            };
            doors::gateway::register_from_settings(&settings, scope).await
        }
    }
}

/// Settings for a long-running door: the open-files limit raised first,
/// and `HTTP_MAX_CONNECTIONS` fitted under it.
fn server_settings() -> anyhow::Result<Settings> {
    let mut settings = Settings::load()?;
    let nofile = doors::server::raise_nofile_limit();
    settings.http_max_connections =
        doors::server::fit_under_nofile(settings.http_max_connections, nofile);
    Ok(settings)
}

/// `tutorbot healthcheck`: GET /healthz on OPS_ADDR (an unspecified
/// address such as 0.0.0.0 is asked on loopback).
async fn healthcheck() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    let Some(mut addr) = settings.ops_addr else {
        anyhow::bail!("OPS_ADDR is off: there is no /healthz to ask");
    };
    if addr.ip().is_unspecified() {
        addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
    }
    let url = format!("http://{addr}/healthz");
    let response = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(3))
        .build()?
        .get(&url)
        .send()
        .await
        .with_context(|| format!("asking {url}"))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    println!("{body}");
    anyhow::ensure!(status.is_success(), "{url} answered {status}");
    Ok(())
}

/// A console learner's name: anything but blank (a blank name would be one
/// learner shared by everyone who mistyped).
fn learner_name(name: &str) -> Result<String, String> {
    if name.trim().is_empty() {
        return Err("a learner name needs at least one character that is not a space".into());
    }
    Ok(name.to_string())
}

fn new_lesson(id: &str, dir: Option<PathBuf>) -> anyhow::Result<()> {
    if !content::is_valid_id(id) {
        anyhow::bail!(
            "the lesson id `{id}` must be 1-{} characters of a-z, 0-9 and -",
            content::ID_MAX
        );
    }
    let dir = match dir {
        Some(d) => d,
        None => Settings::load()
            .context("reading settings")?
            .prompts_dir
            .unwrap_or_else(|| PathBuf::from(".")),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{id}.md"));
    if path.exists() || dir.join(id).exists() {
        anyhow::bail!(
            "{} already has a lesson `{id}`; nothing written",
            dir.display()
        );
    }
    let mut written = vec![path.clone()];
    for name in [
        "ui.toml",
        "demos.toml",
        "review.toml",
        "lab.toml",
        "author.toml",
    ] {
        let target = dir.join(name);
        if !target.exists() {
            let text = content::Tree::BuiltIn.read(std::path::Path::new(name))?;
            std::fs::write(&target, text)
                .with_context(|| format!("writing {}", target.display()))?;
            written.push(target);
        }
    }
    std::fs::write(&path, content::one_file::starter(id))
        .with_context(|| format!("writing {}", path.display()))?;
    for w in &written {
        println!("wrote {}", w.display());
    }
    println!(
        "edit {}, then run: tutorbot check {}",
        path.display(),
        dir.display()
    );
    Ok(())
}

/// `tutorbot preview`: each main screen's payload, as DIR/NAME.json.
fn preview(out: &std::path::Path, lesson: &str, dir: Option<PathBuf>) -> anyhow::Result<()> {
    let tree = match dir {
        Some(d) => content::Tree::Folder(d),
        None => app::content_tree(&Settings::load().context("reading settings")?),
    };
    let catalog = Catalog::load_tree(&tree).map_err(|diags| {
        anyhow::anyhow!("the content does not load (run `tutorbot check`):\n{diags}")
    })?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    for (name, payload) in crate::core::preview::screens(&catalog, lesson)? {
        let path = out.join(format!("{name}.json"));
        let text = serde_json::to_string_pretty(&payload)?;
        std::fs::write(&path, text + "\n")
            .with_context(|| format!("writing {}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(())
}

fn check(dir: Option<PathBuf>, stats: bool) -> anyhow::Result<()> {
    let tree = match dir {
        Some(d) => content::Tree::Folder(d),
        None => app::content_tree(&Settings::load().context("reading settings")?),
    };
    let dir = tree.name();
    match Catalog::load_tree(&tree) {
        Ok(catalog) => {
            let lessons = catalog.lessons();
            let questions: usize = lessons
                .iter()
                .filter_map(|l| l.quiz.as_ref())
                .map(|q| q.questions.len())
                .sum();
            // Warnings name weaknesses but never fail the check.
            let warnings = content::check::warnings(&catalog);
            for w in warnings.iter() {
                eprintln!("{w}");
            }
            if stats {
                for s in lessons.iter().filter_map(content::check::quiz_stats) {
                    println!("{s}");
                }
            }
            let exercises: usize = lessons.iter().map(|l| l.exercises.len()).sum();
            println!(
                "{}: {} lesson(s), {} quiz question(s), {} exercise(s), all checks passed, {} warning(s)",
                dir,
                lessons.len(),
                questions,
                exercises,
                warnings.len()
            );
            Ok(())
        }
        Err(diags) => {
            for d in diags.iter() {
                eprintln!("{d}");
            }
            anyhow::bail!("{} problem(s) in {}", diags.len(), dir)
        }
    }
}
