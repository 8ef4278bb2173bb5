use piaojia_receipt::ProvinceCode;
use piaojia_wallet::{AccountSpec, KeyAccess, OsKeyring, RetryPolicy, SecretStore, Wallet};
use provincial_service::{AppState, ServiceConfig};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub const TEST_KEYRING: &str = "piaojia-test";

pub struct Peer {
    pub addr: SocketAddr,
    pub state: AppState,
}

pub fn config(receipts: usize) -> ServiceConfig {
    ServiceConfig {
        test_hooks: true,
        demo_receipts: receipts,
        other_receipts: 10,
        ..ServiceConfig::demo()
    }
}

pub async fn peer(config: ServiceConfig) -> Peer {
    let (addr, state) = provincial_service::spawn(config)
        .await
        .expect("service starts");
    Peer { addr, state }
}

impl Peer {
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn id_number(&self, citizen: usize) -> String {
        provincial_service::demo::citizens(&self.state.config.province)[citizen]
            .id_number
            .clone()
    }

    pub fn spec(&self, citizen: usize) -> AccountSpec {
        AccountSpec {
            province: ProvinceCode::new(self.state.config.province.code.as_str()).unwrap(),
            service_url: self.url(),
            root_key: self.state.keys.root_public_base64(),
            id_number: self.id_number(citizen),
        }
    }

    pub async fn sms_code(&self, citizen: usize) -> String {
        let id = self.id_number(citizen);
        let http = reqwest::Client::new();
        http.post(format!("{}/v1/auth/sms", self.url()))
            .json(&serde_json::json!({ "id_number": id }))
            .send()
            .await
            .unwrap();
        let body: serde_json::Value = http
            .get(format!("{}/test/sms/{id}", self.url()))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["code"].as_str().unwrap().to_string()
    }

    /// Every receipt the service holds for a citizen, as (code, number).
    pub async fn receipt_keys(&self, citizen: usize) -> Vec<(String, String)> {
        sqlx::query_as("SELECT r.code, r.number FROM receipts r JOIN citizens c ON c.id = r.citizen_id WHERE c.id_number = $1 ORDER BY seq")
            .bind(self.id_number(citizen))
            .fetch_all(&self.state.db)
            .await
            .unwrap()
    }

    pub fn issuer_key(&self, index: usize) -> (String, String) {
        let issuer = &provincial_service::demo::issuers(
            &self.state.config.secret(),
            &self.state.config.province,
        )[index];
        (
            issuer.code.clone(),
            provincial_service::keys::issuer_api_key(&self.state.config.secret(), &issuer.code),
        )
    }

    /// Revokes an issuer's certificate through the test hook; the service publishes
    /// a new trust bundle.
    pub async fn revoke_issuer(&self, code: &str) {
        let response = reqwest::Client::new()
            .post(format!("{}/test/issuers/{code}/revoke", self.url()))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
    }

    pub async fn issue(&self, citizen: usize, amount: i64) -> serde_json::Value {
        let (_, key) = self.issuer_key(0);
        let body = serde_json::json!({
            "payer_id_number": self.id_number(citizen),
            "items": [{ "code": "C0102", "name": "诊察费", "quantity": "1", "unit": "次", "amount": amount }],
            "handler": "周敏", "checker": "吴芳"
        });
        let response = reqwest::Client::new()
            .post(format!("{}/v1/issuer/receipts", self.url()))
            .bearer_auth(key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    pub async fn get(&self, path: &str, token: &str) -> serde_json::Value {
        self.call(path, token, None).await
    }

    pub async fn post(
        &self,
        path: &str,
        token: &str,
        body: serde_json::Value,
    ) -> serde_json::Value {
        self.call(path, token, Some(body)).await
    }

    /// `path` with `token`: a GET without a body, a POST with one; its answer,
    /// which must be a success.
    async fn call(
        &self,
        path: &str,
        token: &str,
        body: Option<serde_json::Value>,
    ) -> serde_json::Value {
        let http = reqwest::Client::new();
        let url = format!("{}{path}", self.url());
        let request = match body {
            Some(body) => http.post(url).json(&body),
            None => http.get(url),
        };
        let response = request.bearer_auth(token).send().await.unwrap();
        assert!(
            response.status().is_success(),
            "{path}: {}",
            response.status()
        );
        response.json().await.unwrap()
    }
}

pub fn keyring() -> Arc<dyn SecretStore> {
    let keyring = OsKeyring::new(TEST_KEYRING);
    keyring
        .probe()
        .expect("a Secret Service must be running: run the tests through scripts/test.sh");
    Arc::new(keyring)
}

pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        attempts: 8,
        first_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(50),
        request_timeout: Duration::from_secs(10),
        observer: None,
    }
}

pub async fn wallet(dir: &std::path::Path) -> Wallet {
    Wallet::open(dir, KeyAccess::Keyring(keyring()))
        .await
        .expect("wallet opens")
        .with_retry(fast_retry())
}

/// A wallet logged in as demo citizen `citizen` of `peer`; returns it and the account id.
pub async fn logged_in(peer: &Peer, dir: &std::path::Path, citizen: usize) -> (Wallet, i64) {
    let wallet = wallet(dir).await;
    let code = peer.sms_code(citizen).await;
    let account = wallet
        .login(&peer.spec(citizen), &code)
        .await
        .expect("login");
    (wallet, account.id)
}

pub async fn sync(wallet: &Wallet, account: i64) -> piaojia_wallet::SyncReport {
    wallet.sync(account, &mut |_| {}).await.expect("sync")
}

pub async fn stored_keys(wallet: &Wallet) -> Vec<(String, String)> {
    sqlx::query_as("SELECT code, number FROM receipts ORDER BY code, number")
        .fetch_all(wallet.pool())
        .await
        .unwrap()
}

pub fn at(text: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").unwrap()
}

/// An OFD invoice of `record` (a fiscal XML record), sealed by `pki`'s test seal.
pub fn sealed(pki: &piaojia_ofd::testkit::TestPki, record: &str) -> Vec<u8> {
    piaojia_ofd::testkit::make_ofd(
        pki,
        &piaojia_ofd::testkit::Spec {
            version: piaojia_ofd::SesVersion::V4,
            raw_signatures: false,
            tamper: piaojia_ofd::testkit::Tamper::Nothing,
            signing_time: at("2025-03-14 09:26:53"),
            invoice_xml: record.to_string(),
            page_text: "浙江省医疗门诊收费票据（电子）".into(),
        },
    )
}
