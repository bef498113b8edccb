//! The `tutorbot` command line.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::settings::Settings;
use crate::{app, content::Catalog, doors};

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
        /// The prompts folder (default: PROMPTS_DIR, or ./prompts).
        dir: Option<PathBuf>,
    },
}

/// Runs the command; the process exit code follows the result.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Check { dir } => check(dir),
        Command::Console { learner } => {
            let settings = Settings::load()?;
            let core = app::start(&settings).await?;
            let stdin = tokio::io::BufReader::new(tokio::io::stdin());
            let result =
                doors::console::run(core.clone(), &learner, stdin, tokio::io::stdout()).await;
            core.store.close().await;
            result
        }
    }
}

fn check(dir: Option<PathBuf>) -> anyhow::Result<()> {
    let dir = match dir {
        Some(d) => d,
        None => Settings::load().context("reading settings")?.prompts_dir,
    };
    match Catalog::load(&dir) {
        Ok(catalog) => {
            let lessons = catalog.lessons();
            let questions: usize = lessons
                .iter()
                .filter_map(|l| l.quiz.as_ref())
                .map(|q| q.questions.len())
                .sum();
            println!(
                "{}: {} lesson(s), {} quiz question(s), all checks passed",
                dir.display(),
                lessons.len(),
                questions
            );
            Ok(())
        }
        Err(diags) => {
            for d in diags.iter() {
                eprintln!("{d}");
            }
            anyhow::bail!("{} problem(s) in {}", diags.len(), dir.display())
        }
    }
}
