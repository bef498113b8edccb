use std::process::ExitCode;

use clap::Parser;
use tutorbot::settings::ConfigError;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = tutorbot::cli::Cli::parse();
    let Err(e) = tutorbot::cli::run(cli).await else {
        return ExitCode::SUCCESS;
    };
    // `{:#}` prints the whole context chain on one line.
    eprintln!("error: {e:#}");
    if !ConfigError::is_in(&e) {
        return ExitCode::FAILURE;
    }
    // A setting to fix: exiting would make a container's restart policy
    // start us again and print the same line forever, so a container
    // (ON_CONFIG_ERROR=wait, set in the Dockerfile) waits to be stopped.
    if tutorbot::cli::waits_on_config_error() {
        let stopped = tutorbot::cli::stopped();
        eprintln!(
            "waiting to be stopped (ON_CONFIG_ERROR=wait): fix the setting, then restart \
             (docker compose up -d)"
        );
        stopped.await;
    }
    ExitCode::from(ConfigError::EXIT_CODE)
}
