//! What every handler shares.

use crate::config::ServiceConfig;
use crate::error::ServiceError;
use crate::keys::ServiceKeys;
use crate::limits::{AddressWindow, Windows};
use crate::store;
use piaojia_receipt::{
    Certificate, CertificateRole, Revocation, RevocationList, RootSigned, TrustBundle,
    CERTIFICATE_FORMAT, REVOCATIONS_FORMAT,
};
use sqlx::AnyPool;
use std::sync::{Arc, Mutex, RwLock};

#[derive(Clone)]
pub struct AppState(pub Arc<Inner>);

pub struct Inner {
    pub config: ServiceConfig,
    pub keys: ServiceKeys,
    pub db: AnyPool,
    /// Keeps an in-memory store alive (see `store::Store`); never used.
    _memory_anchor: Option<Mutex<sqlx::AnyConnection>>,
    pub bundle: RwLock<Arc<TrustBundle>>,
    /// 查验 requests per client address in the current minute.
    pub verify_window: AddressWindow,
    /// Hand-off code redemptions per client address in the current minute.
    pub handoff_window: AddressWindow,
    /// SMS code requests per client address in the current minute.
    pub sms_window: AddressWindow,
    /// Login attempts per client address in the current minute.
    pub login_window: AddressWindow,
    /// Hand-off codes asked for per citizen in the current hour.
    pub handoff_codes_window: Windows,
    /// Wrong hand-off codes from all addresses in the current minute.
    pub handoff_failures: Windows,
}

impl std::ops::Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// The SMS code last sent to this ID number and not yet used. For the test hook
    /// and the desktop app's built-in demo, which has no phone to send it to.
    pub async fn pending_sms_code(&self, id_number: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar("SELECT code FROM sms_codes WHERE id_number = $1")
            .bind(id_number)
            .fetch_optional(&self.db)
            .await
    }

    pub async fn new(config: ServiceConfig, store: store::Store) -> Result<AppState, ServiceError> {
        let keys = ServiceKeys::derive(&config.secret(), &config.province);
        let placeholder = TrustBundle {
            province: config.province.code.clone(),
            version: 0,
            certificates: vec![],
            revocations: RootSigned {
                body: vec![],
                signature: [0; 64],
            },
        };
        let state = AppState(Arc::new(Inner {
            config,
            keys,
            db: store.pool,
            _memory_anchor: store.anchor.map(Mutex::new),
            bundle: RwLock::new(Arc::new(placeholder)),
            verify_window: AddressWindow::new("verify"),
            handoff_window: AddressWindow::new("handoff_redeem"),
            sms_window: AddressWindow::new("sms"),
            login_window: AddressWindow::new("login"),
            handoff_codes_window: Windows::new(
                "handoff_codes",
                std::time::Duration::from_secs(3600),
            ),
            handoff_failures: Windows::new("handoff_failures", std::time::Duration::from_secs(60)),
        }));
        Ok(state)
    }

    /// Re-signs the trust bundle from the issuers table and keeps it in the store.
    /// The version goes up by one there, so neither a restart nor another instance
    /// ever publishes a version again.
    pub async fn republish_bundle(&self) -> Result<(), ServiceError> {
        let mut tx = store::begin_write(&self.db).await?;
        let version: i64 = sqlx::query_scalar(
            "UPDATE bundle_version SET version = version + 1 WHERE id = 1 RETURNING version",
        )
        .fetch_one(&mut *tx)
        .await?;
        let version = version as u64;
        let province = &self.config.province;
        let issuers = store::all_issuers(&mut *tx).await?;
        let valid_from = chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap();
        let valid_to = chrono::NaiveDate::from_ymd_opt(2035, 12, 31).unwrap();
        let mut certificates = vec![RootSigned::sign(
            &Certificate {
                format: CERTIFICATE_FORMAT.into(),
                province: province.code.clone(),
                serial: self.keys.supervisor_serial.clone(),
                role: CertificateRole::Supervisor,
                subject_code: format!("{}-CZT", province.code),
                subject_name: format!("{}财政厅", province.name),
                public_key: self.keys.supervisor.verifying_key().to_bytes(),
                valid_from,
                valid_to,
            },
            &self.keys.root,
        )];
        let mut revoked = Vec::new();
        for (issuer, revoked_at) in &issuers {
            certificates.push(RootSigned::sign(
                &Certificate {
                    format: CERTIFICATE_FORMAT.into(),
                    province: province.code.clone(),
                    serial: issuer.cert_serial.clone(),
                    role: CertificateRole::Issuer,
                    subject_code: issuer.code.clone(),
                    subject_name: issuer.name.clone(),
                    public_key: issuer.key.verifying_key().to_bytes(),
                    valid_from,
                    valid_to,
                },
                &self.keys.root,
            ));
            if let Some(at) = revoked_at {
                revoked.push(Revocation {
                    serial: issuer.cert_serial.clone(),
                    revoked_at: *at,
                    reason: "revoked by the fiscal department".into(),
                    public_key: Some(issuer.key.verifying_key().to_bytes()),
                });
            }
        }
        let list = RevocationList {
            format: REVOCATIONS_FORMAT.into(),
            province: province.code.clone(),
            version,
            issued_at: piaojia_receipt::service_time::china_wall_clock_now(),
            revoked,
        };
        let bundle = Arc::new(TrustBundle {
            province: province.code.clone(),
            version,
            certificates,
            revocations: RootSigned::sign(&list, &self.keys.root),
        });
        sqlx::query("UPDATE bundle_version SET bundle = $1 WHERE id = 1")
            .bind(serde_json::to_string(&*bundle).expect("serialises"))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        self.hold_bundle(bundle);
        Ok(())
    }

    /// The bundle published last, by this instance or another over the same store.
    pub async fn bundle(&self) -> Result<Arc<TrustBundle>, ServiceError> {
        let held = self.bundle.read().expect("bundle lock").clone();
        let version: i64 = sqlx::query_scalar("SELECT version FROM bundle_version WHERE id = 1")
            .fetch_one(&self.db)
            .await?;
        if version as u64 == held.version {
            return Ok(held);
        }
        let stored: Option<String> =
            sqlx::query_scalar("SELECT bundle FROM bundle_version WHERE id = 1")
                .fetch_one(&self.db)
                .await?;
        let Some(stored) = stored else {
            return Ok(held);
        };
        let bundle: Arc<TrustBundle> = Arc::new(
            serde_json::from_str(&stored)
                .map_err(|e| ServiceError::Corrupt(format!("the stored trust bundle: {e}")))?,
        );
        Ok(self.hold_bundle(bundle))
    }

    /// Keeps `bundle` unless a newer one is held; returns the one held.
    fn hold_bundle(&self, bundle: Arc<TrustBundle>) -> Arc<TrustBundle> {
        let mut current = self.bundle.write().expect("bundle lock");
        // Two republications at once: the newer version wins, whichever ends first.
        if bundle.version > current.version {
            *current = bundle;
        }
        current.clone()
    }
}
