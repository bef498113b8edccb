//! The `tutorbot` command line.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::settings::Settings;
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
    Console {
        /// Your learner name: the same name finds the same progress.
        #[arg(long, default_value = "learner")]
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
    /// /healthz and /metrics on HTTP_ADDR.
    Serve {
        /// Run only shards FIRST to LAST (both included), e.g. 0-1, to split
        /// one bot across processes; needs --total.
        #[arg(long, value_name = "FIRST-LAST", value_parser = doors::gateway::Shards::parse_range, requires = "total")]
        shards: Option<(u32, u32)>,
        /// How many shards the bot has across all processes.
        #[arg(long, value_name = "N", requires = "shards")]
        total: Option<u32>,
    },
    /// Serve Discord's interactions endpoint (POST /interactions, signed with
    /// DISCORD_PUBLIC_KEY) plus /healthz and /metrics on HTTP_ADDR.
    Http,
    /// Register the slash commands: in DISCORD_GUILD_ID if set, else globally.
    Register {
        /// Register for every server (and DMs).
        #[arg(long, conflicts_with = "guild")]
        global: bool,
        /// Register in this server only (shows instantly).
        #[arg(long, value_name = "ID")]
        guild: Option<u64>,
    },
}

/// Runs the command; the process exit code follows the result.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Check { dir, stats } => check(dir, stats),
        Command::NewLesson { id, dir } => new_lesson(&id, dir),
        Command::Console { learner } => {
            let settings = Settings::load()?;
            let core = app::start(&settings).await?;
            let stdin = tokio::io::BufReader::new(tokio::io::stdin());
            let result =
                doors::console::run(core.clone(), &learner, stdin, tokio::io::stdout()).await;
            core.store.close().await;
            result
        }
        Command::Serve { shards, total } => {
            let settings = Settings::load()?;
            let shards = match (shards, total) {
                (Some((first, last)), Some(total)) => {
                    Some(doors::gateway::Shards::new(first, last, total)?)
                }
                _ => None,
            };
            // Settings are checked before anything starts.
            let options = doors::gateway::GatewayOptions::from_settings(&settings, shards)?;
            let core = app::start(&settings).await?;
            let result =
                doors::gateway::run(core.clone(), options, doors::ops::shutdown_signal()).await;
            core.store.close().await;
            result
        }
        Command::Http => {
            let settings = Settings::load()?;
            let options = doors::http::HttpOptions::from_settings(&settings)?;
            let core = app::start(&settings).await?;
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
    for name in ["ui.toml", "demos.toml"] {
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
            println!(
                "{}: {} lesson(s), {} quiz question(s), all checks passed, {} warning(s)",
                dir,
                lessons.len(),
                questions,
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
