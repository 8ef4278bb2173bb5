//! The built-in reference provincial service, started in-process when no real
//! service is configured, so that a new user sees receipts at once. The wallet still
//! reaches it over HTTP on 127.0.0.1 like any other service.
//!
//! Only in builds with the `demo` feature (the default, for trying the app and for
//! the tests); the packages leave it out, and their first run asks for a real
//! service.

use crate::error::{AppError, Result};
#[cfg(feature = "demo")]
use provincial_service::{Province, Service, ServiceConfig, StoreAt};
use std::path::Path;
#[cfg(feature = "demo")]
use tokio::net::TcpListener;

/// The province the demo serves.
pub const DEMO_PROVINCE: &str = "330000";

pub struct DemoService {
    pub url: String,
    pub root_key: String,
    /// The demo citizen (a made-up person, shown on the login screen).
    pub citizen_name: String,
    pub citizen_id: String,
    #[cfg(feature = "demo")]
    state: provincial_service::AppState,
}

impl DemoService {
    /// Whether this build has the demo.
    pub const AVAILABLE: bool = cfg!(feature = "demo");

    /// Starts the service on 127.0.0.1 at a free port. Its data lives in `db_path`
    /// so that refresh tokens issued in one run still work in the next.
    #[cfg(feature = "demo")]
    pub async fn start(db_path: Option<&Path>, demo_receipts: usize) -> Result<DemoService> {
        let province = Province::known(DEMO_PROVINCE).expect("the demo province is known");
        let config = ServiceConfig {
            province,
            seed: 20261127,
            db: db_path.map_or(StoreAt::Memory, |path| StoreAt::File(path.to_path_buf())),
            demo_receipts,
            other_receipts: 5,
            verify_per_minute: 120,
            ..ServiceConfig::demo()
        };
        let service = Service::build(config)
            .await
            .map_err(|e| AppError::Demo(e.to_string()))?;
        let citizen = &service.demo.citizens[0];
        let (citizen_name, citizen_id) = (citizen.name.to_string(), citizen.id_number.clone());
        let state = service.state.clone();
        let root_key = state.keys.root_public_base64();
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        tokio::spawn(service.serve(listener, std::future::pending()));
        Ok(DemoService {
            url,
            root_key,
            citizen_name,
            citizen_id,
            state,
        })
    }

    /// Without the demo there is no service until one is chosen.
    #[cfg(not(feature = "demo"))]
    pub async fn start(_db_path: Option<&Path>, _demo_receipts: usize) -> Result<DemoService> {
        Err(AppError::NoService)
    }

    /// The SMS code the demo "sent": there is no phone, so the login screen shows it.
    #[cfg(feature = "demo")]
    pub async fn sms_code(&self, id_number: &str) -> Result<Option<String>> {
        self.state
            .pending_sms_code(id_number)
            .await
            .map_err(|e| AppError::Demo(e.to_string()))
    }

    #[cfg(not(feature = "demo"))]
    pub async fn sms_code(&self, _id_number: &str) -> Result<Option<String>> {
        Ok(None)
    }
}
