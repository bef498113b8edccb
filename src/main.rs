use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = tutorbot::cli::Cli::parse();
    match tutorbot::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            // `{:#}` prints the whole context chain on one line.
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
