//! How a service instance is set up: its province, its demo data, its test switches.

use crate::keys::ServiceSecret;
use crate::limits::AuthLimits;
use piaojia_receipt::ProvinceCode;
use std::path::PathBuf;
use std::time::Duration;

/// Where a service keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreAt {
    /// In memory, gone when the service stops: tests and the demo.
    Memory,
    /// A SQLite file: the embedded default, one instance.
    File(PathBuf),
    /// A PostgreSQL database, the production store that several instances share.
    /// `schema` keeps one province (or one test) apart from others on the same
    /// database; the server's default search path when `None`.
    Postgres { url: String, schema: Option<String> },
}

impl StoreAt {
    /// `--db`: a `postgres://` or `postgresql://` URL, or else a SQLite file's path.
    pub fn parse(arg: &str) -> StoreAt {
        if arg.starts_with("postgres://") || arg.starts_with("postgresql://") {
            StoreAt::Postgres {
                url: arg.to_string(),
                schema: None,
            }
        } else {
            StoreAt::File(PathBuf::from(arg))
        }
    }
}

/// Set by the test command for the suites' run on PostgreSQL: a server on whose
/// database tests may create schemas.
pub const TEST_POSTGRES: &str = "PIAOJIA_TEST_POSTGRES";

impl StoreAt {
    /// For tests: a store of the test's own, in memory, or a fresh schema on the
    /// PostgreSQL server of `PIAOJIA_TEST_POSTGRES` when the suite runs against it.
    pub fn for_test() -> StoreAt {
        match std::env::var(TEST_POSTGRES) {
            Ok(url) => StoreAt::fresh_test_schema(url),
            Err(_) => StoreAt::Memory,
        }
    }

    /// For tests: a store that several instances (or one started again) share, a
    /// SQLite file in `dir` or a fresh schema on that PostgreSQL server.
    pub fn shared_for_test(dir: &std::path::Path) -> StoreAt {
        match std::env::var(TEST_POSTGRES) {
            Ok(url) => StoreAt::fresh_test_schema(url),
            Err(_) => StoreAt::File(dir.join("service.db")),
        }
    }

    fn fresh_test_schema(url: String) -> StoreAt {
        static SCHEMAS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .subsec_nanos();
        let n = SCHEMAS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        StoreAt::Postgres {
            url,
            schema: Some(format!("t{}_{nanos}_{n}", std::process::id())),
        }
    }
}

/// A province this service speaks for.
#[derive(Debug, Clone)]
pub struct Province {
    pub code: ProvinceCode,
    /// 浙江省.
    pub name: String,
    /// Two-digit prefix of receipt codes, e.g. "33".
    pub prefix: String,
}

impl Province {
    pub fn zhejiang() -> Province {
        Province::known("330000").expect("Zhejiang is known")
    }

    /// The provinces the demo generator has data for.
    pub fn known(code: &str) -> Option<Province> {
        if !["330000", "310000"].contains(&code) {
            return None;
        }
        let code = ProvinceCode::new(code).ok()?;
        Some(Province {
            name: code.province()?.name_zh.to_string(),
            prefix: code.as_str()[..2].to_string(),
            code,
        })
    }
}

#[derive(Debug, Clone)]
pub struct ServiceConfig {
    pub province: Province,
    /// Seed of the demo data (and, with no key file, of every key: the same seed
    /// gives the same service).
    pub seed: u64,
    /// The secret every key comes from; `None` derives them from `seed` (demo).
    pub key_secret: Option<ServiceSecret>,
    /// Where the data lives.
    pub db: StoreAt,
    /// Receipts generated for the demo citizen at start.
    pub demo_receipts: usize,
    /// Receipts generated for each other demo citizen.
    pub other_receipts: usize,
    /// Citizens added after the demo's five, each with `other_receipts` receipts:
    /// the many people of a load test.
    pub load_citizens: usize,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// How long a used refresh token may be presented again by a client that
    /// crashed before keeping its successor (the successor must be unused).
    pub refresh_grace: Duration,
    /// Exposes /test/* endpoints (SMS codes). Never on in a real deployment.
    pub test_hooks: bool,
    /// Writes each SMS code to the log: the demo has no SMS gateway. Never on in a
    /// real deployment.
    pub log_sms_codes: bool,
    /// 查验 requests allowed per client address per minute.
    pub verify_per_minute: u32,
    /// How long the texts of a closed 我要咨询 thread are kept before they are
    /// deleted (its state stays).
    pub consultation_retention: Duration,
    pub auth_limits: AuthLimits,
    pub faults: Faults,
}

impl ServiceConfig {
    /// The secret the keys come from.
    pub fn secret(&self) -> ServiceSecret {
        self.key_secret
            .clone()
            .unwrap_or(ServiceSecret::DemoSeed(self.seed))
    }

    /// A small Zhejiang service for tests and demos.
    pub fn demo() -> ServiceConfig {
        ServiceConfig {
            province: Province::zhejiang(),
            seed: 20261127,
            key_secret: None,
            db: StoreAt::Memory,
            demo_receipts: 200,
            other_receipts: 20,
            load_citizens: 0,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_grace: Duration::from_secs(300),
            test_hooks: false,
            log_sms_codes: false,
            verify_per_minute: 30,
            consultation_retention: Duration::from_secs(90 * 24 * 3600),
            auth_limits: AuthLimits::default(),
            faults: Faults::default(),
        }
    }
}

/// Fault injection for tests; everything is off by default. Rates are per mille.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every receipts and changes response.
    pub latency: Duration,
    /// Share of receipts/changes requests that hang for a minute before answering
    /// (longer than any client waits: a timeout).
    pub stall_per_mille: u32,
    /// Share of receipts/changes requests answered with a 503.
    pub error_per_mille: u32,
    /// Share of receipts/changes responses whose body is cut short.
    pub truncate_per_mille: u32,
    /// Share of receipts whose issuer signature is served with a flipped bit. The
    /// choice is fixed per receipt, so a tampered receipt stays tampered.
    pub tamper_per_mille: u32,
    /// Share of receipt pages answered with the previous page again (replayed) or
    /// with their items in reverse order (reordered).
    pub replay_per_mille: u32,
    /// Seed of the fault dice, for reproducible runs.
    pub seed: u64,
}

impl Faults {
    pub fn any(&self) -> bool {
        !self.latency.is_zero()
            || self.stall_per_mille > 0
            || self.error_per_mille > 0
            || self.truncate_per_mille > 0
            || self.tamper_per_mille > 0
            || self.replay_per_mille > 0
    }
}
