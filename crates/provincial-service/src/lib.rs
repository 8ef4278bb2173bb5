//! The reference provincial e-receipt service: it issues signed receipts, serves them
//! to citizens, answers 查验, publishes the trust bundle and (later) takes claims. It
//! is the wallet's test peer and the demo backend.

pub mod api;
pub mod config;
pub mod demo;
pub mod error;
pub mod faults;
pub mod issue;
pub mod keys;
pub mod limits;
pub mod state;
pub mod store;

pub use config::{Faults, Province, ServiceConfig, StoreAt};
pub use error::ServiceError;
pub use limits::AuthLimits;
pub use state::AppState;

use std::net::SocketAddr;
use tokio::net::TcpListener;

/// A service set up and ready to serve: its state and what the demo generator made.
pub struct Service {
    pub state: AppState,
    pub demo: demo::DemoSummary,
}

impl Service {
    /// Opens the store, fills it with demo data when empty, and signs the bundle.
    pub async fn build(config: ServiceConfig) -> Result<Service, ServiceError> {
        let store = store::connect(&config.db).await?;
        let empty: i64 = sqlx::query_scalar("SELECT count(*) FROM citizens")
            .fetch_one(&store.pool)
            .await?;
        let state = AppState::new(config, store).await?;
        let demo = if empty == 0 {
            demo::generate(&state.db, &state.config, &state.keys).await?
        } else {
            demo::DemoSummary {
                citizens: demo::citizens(&state.config.province),
                receipts: sqlx::query_scalar::<_, i64>("SELECT count(*) FROM receipts")
                    .fetch_one(&state.db)
                    .await? as usize,
                reversed: 0,
                exchanged: 0,
            }
        };
        state.republish_bundle().await?;
        Ok(Service { state, demo })
    }

    pub fn router(&self) -> axum::Router {
        api::router(self.state.clone())
    }

    /// Serves on `listener` until `shutdown` resolves.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let app = self
            .router()
            .into_make_service_with_connect_info::<SocketAddr>();
        axum::serve(listener, app)
            .with_graceful_shutdown(shutdown)
            .await
    }
}

/// Starts a service on 127.0.0.1 at an OS-chosen port, in the background. For tests.
pub async fn spawn(config: ServiceConfig) -> Result<(SocketAddr, AppState), ServiceError> {
    let service = Service::build(config).await?;
    let state = service.state.clone();
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(service.serve(listener, std::future::pending()));
    Ok((addr, state))
}
