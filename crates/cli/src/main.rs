//! `piaojia`: the command line over the wallet. Human output by default, `--json`
//! for scripts; exit codes are documented in `exit.rs` and the README.

mod args;
mod exit;
mod import;
mod output;
mod run;

use clap::Parser;

fn main() {
    let cli = args::Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("PIAOJIA_LOG")
                .unwrap_or_else(|_| "warn".into()),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    let json = cli.json;
    let code = match runtime.block_on(run::run(cli)) {
        Ok(code) => code,
        Err(error) => {
            let code = exit::code_for(&error);
            output::error(&error, json);
            code
        }
    };
    // No worker thread may still run when `exit` starts the C libraries' clean-up.
    runtime.shutdown_timeout(std::time::Duration::from_secs(5));
    std::process::exit(code);
}
