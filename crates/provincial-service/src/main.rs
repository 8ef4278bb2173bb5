//! `provincial-service`: runs the reference provincial e-receipt service.

use anyhow::Context;
use clap::{Parser, Subcommand};
use provincial_service::keys::{self, ServiceSecret};
use provincial_service::{Faults, Province, Service, ServiceConfig, StoreAt};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    version,
    about = "The reference provincial fiscal e-receipt service (demo backend and test peer)"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Address to listen on; port 0 picks a free port (printed at start). With
    /// several provinces, each further one listens on the next port.
    #[arg(long, default_value = "127.0.0.1:8640")]
    listen: String,
    /// Province codes, comma-separated: 330000 (Zhejiang), 310000 (Shanghai). Each
    /// is a separate service with its own root key, issuers and data.
    #[arg(long, default_value = "330000", value_delimiter = ',')]
    province: Vec<String>,
    /// The demo: every key derived from the public --seed, the SMS codes in the
    /// log, test hooks allowed. Only on a loopback address (127.0.0.1, ::1).
    #[arg(long)]
    demo: bool,
    /// The key file every key comes from (made by `keygen`). Required without
    /// --demo.
    #[arg(long, conflicts_with = "demo")]
    keys: Option<PathBuf>,
    /// Seed of the demo data (and, with --demo, of every key).
    #[arg(long, default_value_t = 20261127)]
    seed: u64,
    /// Where the data lives: a SQLite file, or a PostgreSQL URL
    /// (postgres://user@host/db), which several instances may share. In memory when
    /// absent. With several provinces, each has its own file (name.330000.db) or its
    /// own schema (p330000).
    #[arg(long)]
    db: Option<String>,
    /// Receipts generated for the demo citizen.
    #[arg(long, default_value_t = 200)]
    demo_receipts: usize,
    /// Receipts generated for each other demo citizen.
    #[arg(long, default_value_t = 20)]
    other_receipts: usize,
    /// Access token lifetime in seconds.
    #[arg(long, default_value_t = 900)]
    access_ttl: u64,
    /// Mount /test/* endpoints (SMS codes, issuer revocation). Tests only: with
    /// --demo.
    #[arg(long, requires = "demo")]
    test_hooks: bool,
    /// 查验 requests allowed per client address per minute.
    #[arg(long, default_value_t = 30)]
    check_per_minute: u32,
    /// Fault injection: delay in ms added to receipts/changes responses.
    #[arg(long, default_value_t = 0)]
    fault_latency_ms: u64,
    /// Fault injection: per mille of receipts/changes requests that stall for a minute.
    #[arg(long, default_value_t = 0)]
    fault_stall: u32,
    /// Fault injection: per mille of receipts/changes requests answered 503.
    #[arg(long, default_value_t = 0)]
    fault_5xx: u32,
    /// Fault injection: per mille of receipts/changes bodies cut short.
    #[arg(long, default_value_t = 0)]
    fault_truncate: u32,
    /// Fault injection: per mille of receipts served with a tampered signature.
    #[arg(long, default_value_t = 0)]
    fault_tamper: u32,
    /// Fault injection: per mille of pages replayed or reordered.
    #[arg(long, default_value_t = 0)]
    fault_replay: u32,
}

#[derive(Subcommand)]
enum Command {
    /// Print the OpenAPI document and exit.
    Openapi,
    /// Write a new key file (random secret, mode 0600) for --keys.
    Keygen {
        /// Where to write it; an existing file is not replaced.
        #[arg(long)]
        out: PathBuf,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Openapi) => {
            println!("{}", provincial_service::api::openapi().to_pretty_json()?);
            return Ok(());
        }
        Some(Command::Keygen { out }) => return keygen(out),
        None => {}
    }
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let base: std::net::SocketAddr = cli.listen.parse().context("--listen takes host:port")?;
    let key_secret = production_secret(&cli, base)?;
    let mut running = Vec::new();
    for (i, code) in cli.province.iter().enumerate() {
        let province = Province::known(code).context("unknown province; use 330000 or 310000")?;
        let one = cli.province.len() == 1;
        let db = match cli.db.as_deref().map(StoreAt::parse) {
            None => StoreAt::Memory,
            Some(at) if one => at,
            Some(StoreAt::File(path)) => StoreAt::File(path.with_extension(format!("{code}.db"))),
            Some(StoreAt::Postgres { url, .. }) => StoreAt::Postgres {
                url,
                schema: Some(format!("p{code}")),
            },
            Some(StoreAt::Memory) => StoreAt::Memory,
        };
        let config = ServiceConfig {
            province,
            seed: cli.seed,
            key_secret: key_secret.clone(),
            log_sms_codes: cli.demo,
            db,
            demo_receipts: cli.demo_receipts,
            other_receipts: cli.other_receipts,
            access_token_ttl: Duration::from_secs(cli.access_ttl),
            test_hooks: cli.test_hooks,
            verify_per_minute: cli.check_per_minute,
            faults: Faults {
                latency: Duration::from_millis(cli.fault_latency_ms),
                stall_per_mille: cli.fault_stall,
                error_per_mille: cli.fault_5xx,
                truncate_per_mille: cli.fault_truncate,
                tamper_per_mille: cli.fault_tamper,
                replay_per_mille: cli.fault_replay,
                seed: cli.seed,
            },
            ..ServiceConfig::demo()
        };
        let started = std::time::Instant::now();
        let service = Service::build(config).await?;
        let port = if base.port() == 0 {
            0
        } else {
            base.port() + i as u16
        };
        let address = std::net::SocketAddr::new(base.ip(), port);
        let listener = tokio::net::TcpListener::bind(address)
            .await
            .with_context(|| format!("cannot listen on {address}"))?;
        banner(&service, listener.local_addr()?, started.elapsed());
        running.push(tokio::spawn(service.serve(listener, async {
            let _ = tokio::signal::ctrl_c().await;
        })));
    }
    for task in running {
        task.await??;
    }
    Ok(())
}

/// The secret of a production start (`None` for the demo), after the checks that
/// keep demo keys and test hooks off the network.
fn production_secret(
    cli: &Cli,
    listen: std::net::SocketAddr,
) -> anyhow::Result<Option<ServiceSecret>> {
    if cli.demo {
        if !listen.ip().is_loopback() {
            anyhow::bail!(
                "--demo derives every key from a public seed: it listens on 127.0.0.1 or ::1 only, not {listen}"
            );
        }
        return Ok(None);
    }
    let path = cli.keys.as_ref().context(
        "a production start needs --keys FILE (make one with `provincial-service keygen --out FILE`); for the demo, add --demo",
    )?;
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    let secret = ServiceSecret::from_key_file(&text)
        .with_context(|| format!("{} is not a key file made by keygen", path.display()))?;
    Ok(Some(secret))
}

fn keygen(out: &std::path::Path) -> anyhow::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let text = ServiceSecret::generate()
        .to_key_file()
        .expect("a generated secret has a key file");
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(out)
        .with_context(|| format!("cannot create {}", out.display()))?;
    file.write_all(text.as_bytes())?;
    file.sync_all()?;
    println!("wrote a new key file to {}", out.display());
    Ok(())
}

/// The banner goes to stdout, for the person who started the demo; it names the
/// demo citizen on purpose (demo data, not a real person).
fn banner(service: &Service, addr: std::net::SocketAddr, took: Duration) {
    let state = &service.state;
    let demo = &service.demo;
    println!(
        "provincial service for {} ({}) listening on http://{addr}",
        state.config.province.name, state.config.province.code
    );
    println!(
        "  ready in {:.1}s with {} receipts ({} 冲红, {} 换开)",
        took.as_secs_f64(),
        demo.receipts,
        demo.reversed,
        demo.exchanged
    );
    println!(
        "  root key (pin this in the wallet): {}",
        state.keys.root_public_base64()
    );
    println!(
        "  demo citizen: {} {}",
        demo.citizens[0].name, demo.citizens[0].id_number
    );
    let issuer = demo::first_issuer_code(state);
    println!(
        "  demo issuer API key ({issuer}): {}",
        keys::issuer_api_key(&state.config.secret(), &issuer)
    );
    if state.config.test_hooks {
        println!("  test hooks on: GET /test/sms/{{id_number}} shows the last SMS code");
    }
    println!("  OpenAPI: http://{addr}/openapi.json");
}

mod demo {
    use provincial_service::AppState;

    pub fn first_issuer_code(state: &AppState) -> String {
        provincial_service::demo::issuers(&state.config.secret(), &state.config.province)[0]
            .code
            .clone()
    }
}
