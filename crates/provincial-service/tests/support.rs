use piaojia_receipt::{SignedOriginal, TrustStore};
use provincial_service::{keys, AppState, ServiceConfig, StoreAt};
use serde_json::{json, Value};
use std::net::SocketAddr;

pub struct TestService {
    pub addr: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
}

pub fn config() -> ServiceConfig {
    ServiceConfig {
        db: StoreAt::for_test(),
        test_hooks: true,
        demo_receipts: 120,
        other_receipts: 15,
        ..ServiceConfig::demo()
    }
}

pub async fn start() -> TestService {
    start_with(config()).await
}

pub async fn start_with(config: ServiceConfig) -> TestService {
    let (addr, state) = provincial_service::spawn(config)
        .await
        .expect("service starts");
    TestService {
        addr,
        state,
        http: reqwest::Client::new(),
    }
}

impl TestService {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub fn citizen_id(&self, index: usize) -> String {
        let config = &self.state.config;
        provincial_service::demo::citizens_and(&config.province, config.load_citizens)[index]
            .id_number
            .clone()
    }

    pub fn issuer_key(&self, index: usize) -> (String, String) {
        let issuers = provincial_service::demo::issuers(
            &self.state.config.secret(),
            &self.state.config.province,
        );
        let code = issuers[index].code.clone();
        let key = keys::issuer_api_key(&self.state.config.secret(), &code);
        (code, key)
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// POSTs and also returns the `Retry-After` header, when there is one.
    pub async fn post_with_wait(&self, path: &str, body: Value) -> (u16, Option<u64>, Value) {
        let response = self
            .http
            .post(self.url(path))
            .json(&body)
            .send()
            .await
            .unwrap();
        let wait = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().parse().unwrap());
        let (status, body) = read(response).await;
        (status, wait, body)
    }

    pub async fn post_auth(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    pub async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        read(response).await
    }

    /// Issues a receipt of `fen` from issuer `issuer` to citizen `citizen`.
    pub async fn issued(&self, issuer: usize, citizen: usize, fen: i64) -> Value {
        let (_, key) = self.issuer_key(issuer);
        let (status, issued) = self
            .post_auth(
                "/v1/issuer/receipts",
                &key,
                issue_request(&self.citizen_id(citizen), fen),
            )
            .await;
        assert_eq!(status, 201, "{issued}");
        issued
    }

    pub async fn sms_code(&self, id_number: &str) -> String {
        let (status, _) = self
            .post("/v1/auth/sms", json!({ "id_number": id_number }))
            .await;
        assert_eq!(status, 202);
        let (status, body) = self.get(&format!("/test/sms/{id_number}"), "").await;
        assert_eq!(status, 200, "{body}");
        body["code"].as_str().unwrap().to_string()
    }

    /// Logs in as demo citizen `index`; returns the token pair as JSON.
    pub async fn login(&self, index: usize) -> Value {
        let id = self.citizen_id(index);
        let code = self.sms_code(&id).await;
        let (status, body) = self
            .post(
                "/v1/auth/login",
                json!({ "id_number": id, "sms_code": code }),
            )
            .await;
        assert_eq!(status, 200, "{body}");
        body
    }

    pub async fn access_token(&self, index: usize) -> String {
        self.login(index).await["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    pub async fn trust(&self) -> TrustStore {
        let (_, bundle) = self.get("/v1/trust-bundle", "").await;
        let bundle: piaojia_receipt::TrustBundle = serde_json::from_value(bundle).unwrap();
        bundle
            .verify(&self.state.keys.anchor(&self.state.config.province))
            .unwrap()
    }

    /// Every receipt of the token's citizen, page by page.
    pub async fn all_receipts(&self, token: &str, limit: usize) -> Vec<Value> {
        let mut items = Vec::new();
        let mut cursor = String::new();
        loop {
            let path = if cursor.is_empty() {
                format!("/v1/receipts?limit={limit}")
            } else {
                format!("/v1/receipts?limit={limit}&after={cursor}")
            };
            let (status, page) = self.get(&path, token).await;
            assert_eq!(status, 200, "{page}");
            items.extend(page["items"].as_array().unwrap().iter().cloned());
            cursor = page["next_cursor"].as_str().unwrap().to_string();
            if !page["has_more"].as_bool().unwrap() {
                return items;
            }
        }
    }
}

/// A reply's status and error code.
pub fn code(reply: &(u16, Value)) -> (u16, Option<&str>) {
    (reply.0, reply.1["code"].as_str())
}

pub async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    (status, value)
}

pub fn original(entry: &Value) -> SignedOriginal {
    serde_json::from_value(entry["original"].clone()).unwrap()
}

/// A small valid issue request for demo citizen `id_number`.
pub fn issue_request(id_number: &str, amount: i64) -> Value {
    json!({
        "payer_id_number": id_number,
        "items": [{ "code": "C0102", "name": "诊察费", "quantity": "1", "unit": "次", "amount": amount }],
        "handler": "周敏",
        "checker": "吴芳"
    })
}

/// The issuer endpoint for `action` (reverse, exchange) on an issued receipt.
pub fn issuer_action(issued: &Value, action: &str) -> String {
    format!(
        "/v1/issuer/receipts/{}/{}/{action}",
        issued["key"]["code"].as_str().unwrap(),
        issued["key"]["number"].as_str().unwrap()
    )
}
