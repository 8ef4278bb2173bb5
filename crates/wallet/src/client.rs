//! The provincial service's API as the wallet uses it: JSON over HTTP, with bounded
//! exponential backoff on 5xx answers, timeouts, dropped connections and bodies that
//! do not parse (a truncated body is as good as no answer).

use crate::error::{Result, WalletError};
use crate::secret::SecretString;
use chrono::{DateTime, FixedOffset};
use piaojia_receipt::{Lifecycle, ReceiptKey, TrustBundle};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub request_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 6,
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
        }
    }
}

#[derive(Deserialize)]
pub struct TokenPair {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub name: String,
}

/// A one-time hand-off code, to show to the citizen (digits and QR) and to nobody
/// else: whoever types it within its lifetime is logged in as them.
#[derive(Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HandoffCode {
    pub code: String,
    /// Seconds it stays valid.
    pub expires_in: i64,
}

impl std::fmt::Debug for HandoffCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HandoffCode")
            .field("code", &"<redacted>")
            .field("expires_in", &self.expires_in)
            .finish()
    }
}

#[derive(Deserialize)]
pub struct HandoffSession {
    pub id_number: String,
    pub tokens: TokenPair,
}

/// One receipt as served; the original is parsed on its own so that one bad item
/// does not spoil its page.
#[derive(Deserialize)]
pub struct Entry {
    pub cursor: String,
    pub original: Box<RawValue>,
    pub lifecycle: Lifecycle,
}

#[derive(Deserialize)]
pub struct ReceiptPage {
    pub items: Vec<Entry>,
    pub next_cursor: String,
    pub has_more: bool,
    pub remaining: i64,
}

#[derive(Deserialize)]
pub struct ChangeEvent {
    pub cursor: String,
    pub receipt: ReceiptKey,
    pub lifecycle: Lifecycle,
    #[serde(default)]
    pub claim: Option<ClaimChange>,
    #[serde(deserialize_with = "piaojia_receipt::service_time::deserialize")]
    pub at: DateTime<FixedOffset>,
}

#[derive(Deserialize)]
pub struct ClaimChange {
    pub id: i64,
    pub state: String,
}

/// A claim as the service reports it.
#[derive(Debug, Clone, Deserialize)]
pub struct RemoteClaim {
    pub id: i64,
    pub state: String,
    pub reimbursable: i64,
    pub amount_approved: Option<i64>,
    pub message: Option<String>,
}

/// A relying party the service knows.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RelyingParty {
    pub code: String,
    pub name: String,
    pub kind: String,
}

#[derive(Deserialize)]
pub struct ChangePage {
    pub events: Vec<ChangeEvent>,
    pub next_cursor: String,
    pub has_more: bool,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize, PartialEq, Eq)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CheckResult {
    pub status: String,
    pub issuer_name: Option<String>,
    pub issued_on: Option<chrono::NaiveDate>,
}

#[derive(Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
}

/// A client for one service.
#[derive(Clone)]
pub struct ServiceClient {
    base: String,
    http: reqwest::Client,
    retry: RetryPolicy,
}

enum Failure {
    /// Worth another try: 5xx, 429, timeouts, connection errors, unreadable bodies.
    Transient(String),
    Final(WalletError),
}

impl ServiceClient {
    pub fn new(base_url: &str, retry: RetryPolicy) -> Result<ServiceClient> {
        let base = base_url.trim_end_matches('/').to_string();
        crate::transport::check_service_url(&base)?;
        let http = reqwest::Client::builder()
            .timeout(retry.request_timeout)
            // An API answers where it was asked: a redirect could lead the token and
            // personal data elsewhere, or from https:// down to http://.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| WalletError::Invalid(format!("HTTP client: {e}")))?;
        Ok(ServiceClient { base, http, retry })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    pub async fn send_sms(&self, id_number: &str) -> Result<()> {
        self.call::<serde_json::Value>(
            reqwest::Method::POST,
            "/v1/auth/sms",
            None,
            Some(serde_json::json!({ "id_number": id_number })),
        )
        .await
        .map(|_| ())
    }

    pub async fn login(&self, id_number: &str, sms_code: &str) -> Result<TokenPair> {
        let body = serde_json::json!({ "id_number": id_number, "sms_code": sms_code });
        self.call(reqwest::Method::POST, "/v1/auth/login", None, Some(body))
            .await
            .map_err(auth_error)
    }

    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenPair> {
        let body = serde_json::json!({ "refresh_token": refresh_token.expose() });
        self.call(reqwest::Method::POST, "/v1/auth/refresh", None, Some(body))
            .await
            .map_err(auth_error)
    }

    /// A one-time code that logs this citizen in on a kiosk.
    pub async fn handoff_code(&self, token: &SecretString) -> Result<HandoffCode> {
        self.call(
            reqwest::Method::POST,
            "/v1/auth/handoff",
            Some(token),
            Some(serde_json::json!({})),
        )
        .await
    }

    /// Trades a hand-off code for a token pair of this client's own.
    pub async fn redeem_handoff(&self, code: &str) -> Result<HandoffSession> {
        let body = serde_json::json!({ "code": code });
        self.call(
            reqwest::Method::POST,
            "/v1/auth/handoff/redeem",
            None,
            Some(body),
        )
        .await
        .map_err(auth_error)
    }

    pub async fn trust_bundle(&self) -> Result<TrustBundle> {
        self.call(reqwest::Method::GET, "/v1/trust-bundle", None, None)
            .await
    }

    pub async fn receipts(
        &self,
        token: &SecretString,
        after: &str,
        limit: u32,
    ) -> Result<ReceiptPage> {
        let path = page_path("/v1/receipts", after, limit);
        self.call(reqwest::Method::GET, &path, Some(token), None)
            .await
    }

    pub async fn changes(
        &self,
        token: &SecretString,
        after: &str,
        limit: u32,
    ) -> Result<ChangePage> {
        let path = page_path("/v1/changes", after, limit);
        self.call(reqwest::Method::GET, &path, Some(token), None)
            .await
    }

    pub async fn relying_parties(&self) -> Result<Vec<RelyingParty>> {
        self.call(reqwest::Method::GET, "/v1/relying-parties", None, None)
            .await
    }

    pub async fn submit_claim(
        &self,
        token: &SecretString,
        body: &serde_json::Value,
    ) -> Result<RemoteClaim> {
        self.call(
            reqwest::Method::POST,
            "/v1/claims",
            Some(token),
            Some(body.clone()),
        )
        .await
    }

    pub async fn claim(&self, token: &SecretString, id: i64) -> Result<RemoteClaim> {
        self.call(
            reqwest::Method::GET,
            &format!("/v1/claims/{id}"),
            Some(token),
            None,
        )
        .await
    }

    pub async fn withdraw_claim(&self, token: &SecretString, id: i64) -> Result<RemoteClaim> {
        self.call(
            reqwest::Method::POST,
            &format!("/v1/claims/{id}/withdraw"),
            Some(token),
            Some(serde_json::json!({})),
        )
        .await
    }

    /// 查验 by the five elements.
    pub async fn check(&self, elements: &serde_json::Value) -> Result<CheckResult> {
        self.call(
            reqwest::Method::POST,
            "/v1/check",
            None,
            Some(elements.clone()),
        )
        .await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&SecretString>,
        body: Option<serde_json::Value>,
    ) -> Result<T> {
        let mut delay = self.retry.first_delay;
        let mut last = String::new();
        for attempt in 1..=self.retry.attempts {
            match self.once(method.clone(), path, token, body.as_ref()).await {
                Ok(value) => return Ok(value),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Transient(detail)) => {
                    tracing::warn!(attempt, %detail, "service call failed; retrying");
                    last = detail;
                }
            }
            if attempt < self.retry.attempts {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(self.retry.max_delay);
            }
        }
        Err(WalletError::ServiceUnavailable {
            attempts: self.retry.attempts,
            detail: last,
        })
    }

    async fn once<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&SecretString>,
        body: Option<&serde_json::Value>,
    ) -> std::result::Result<T, Failure> {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            request = request.bearer_auth(token.expose());
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        // Error texts from reqwest carry the URL (no secrets: tokens go in headers).
        let response =
            request
                .send()
                .await
                .map_err(|e| match crate::transport::tls_failure(&e) {
                    Some(detail) => Failure::Final(WalletError::Tls(detail)),
                    None => Failure::Transient(crate::transport::describe(e)),
                })?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Failure::Transient(crate::transport::describe(e)))?;
        if status.is_server_error() || status.as_u16() == 429 {
            return Err(Failure::Transient(format!("HTTP {status}")));
        }
        if !status.is_success() {
            let (code, message) = match serde_json::from_slice::<ErrorBody>(&bytes) {
                Ok(e) => (e.code, e.message),
                Err(_) => ("unknown".to_string(), String::new()),
            };
            return Err(Failure::Final(WalletError::Service {
                status: status.as_u16(),
                code,
                message,
            }));
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| Failure::Transient(format!("unreadable answer: {e}")))
    }
}

fn page_path(base: &str, after: &str, limit: u32) -> String {
    if after.is_empty() {
        format!("{base}?limit={limit}")
    } else {
        format!("{base}?limit={limit}&after={}", percent_encode(after))
    }
}

/// A cursor is the service's text: encode it so that it cannot add parameters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn auth_error(error: WalletError) -> WalletError {
    match error {
        WalletError::Service {
            status: 401,
            message,
            ..
        } => WalletError::AuthFailed(message),
        other => other,
    }
}

/// Whether an error means the access token is no longer accepted.
pub fn is_unauthorized(error: &WalletError) -> bool {
    matches!(error, WalletError::Service { status: 401, .. })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn change_times_are_read_with_or_without_an_offset() {
        let page = |at: &str| {
            serde_json::from_str::<ChangePage>(&format!(
                r#"{{"events":[{{"cursor":"1","receipt":{{"province":"330000","code":"33010124","number":"0000000001"}},
                    "lifecycle":{{"state":"normal"}},"at":"{at}"}}],"next_cursor":"1","has_more":false}}"#
            ))
            .map(|p| p.events[0].at)
        };
        let sent = page("2022-04-25T08:26:00+08:00").unwrap();
        assert_eq!(page("2022-04-25T00:26:00Z").unwrap(), sent);
        assert_eq!(
            page("2022-04-25T08:26:00").unwrap(),
            sent,
            "old services' form"
        );
        assert!(page("25/04/2022").is_err());
    }

    #[test]
    fn clients_follow_the_url_rule() {
        for url in ["http://127.0.0.1:8640", "https://example.gov.cn"] {
            assert!(
                ServiceClient::new(url, RetryPolicy::default()).is_ok(),
                "{url}"
            );
        }
        for url in ["http://example.gov.cn", "ftp://example", "127.0.0.1:8640"] {
            assert!(
                matches!(
                    ServiceClient::new(url, RetryPolicy::default()),
                    Err(WalletError::Invalid(_))
                ),
                "{url}"
            );
        }
    }

    #[tokio::test]
    async fn redirects_are_not_followed() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut request = [0u8; 4096];
            let _ = socket.read(&mut request).await;
            let answer = "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://192.0.2.1/v1/trust-bundle\r\nContent-Length: 0\r\n\r\n";
            socket.write_all(answer.as_bytes()).await.unwrap();
        });
        let client = ServiceClient::new(&format!("http://{addr}"), RetryPolicy::default()).unwrap();
        let error = client.trust_bundle().await.unwrap_err();
        assert!(
            matches!(error, WalletError::Service { status: 307, .. }),
            "{error:?}"
        );
    }
}
