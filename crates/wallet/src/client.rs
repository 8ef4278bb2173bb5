//! The provincial service's API as the wallet uses it: JSON over HTTP, with bounded
//! exponential backoff on 5xx answers, timeouts, dropped connections and bodies that
//! do not parse (a truncated body is as good as no answer).

use crate::error::{Result, WalletError};
use crate::secret::SecretString;
use piaojia_api::{
    AskRequest, ChangePage, CheckRequest, CheckResult, Claim, ClaimRequest, Consultation,
    ErrorBody, ExchangeRequest, HandoffCode, HandoffSession, LoginRequest, MessageRequest,
    PaperExchange, ReceiptPage, RedeemRequest, RefreshRequest, RelyingParty, SmsRequest, SmsSent,
    TokenPair,
};
use piaojia_receipt::{ReceiptKey, TrustBundle};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub attempts: u32,
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub request_timeout: Duration,
    /// Told the number of each attempt after the first, as it is about to be made
    /// (the app shows 正在重试（第 N 次）).
    pub observer: Option<RetryObserver>,
}

/// Something told of retries: the number of the attempt about to be made.
#[derive(Clone)]
pub struct RetryObserver(std::sync::Arc<dyn Fn(u32) + Send + Sync>);

impl RetryObserver {
    pub fn new(notice: impl Fn(u32) + Send + Sync + 'static) -> RetryObserver {
        RetryObserver(std::sync::Arc::new(notice))
    }
}

impl std::fmt::Debug for RetryObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RetryObserver")
    }
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            attempts: 6,
            first_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            request_timeout: Duration::from_secs(30),
            observer: None,
        }
    }
}

/// A client for one service.
#[derive(Clone)]
pub struct ServiceClient {
    base: String,
    http: reqwest::Client,
    retry: RetryPolicy,
}

/// How a call is made: whether the client tries it again on its own, and how large
/// an answer it reads.
#[derive(Debug, Clone, Copy)]
enum How {
    /// Tried again after a failure; a small answer.
    Read,
    /// Pages of receipts or changes, the trust bundle: tried again; a large answer.
    Bulk,
    /// Login calls, tried once: a repeat sends another SMS, spends a code, or
    /// presents a refresh token a second time.
    Once,
}

/// Answers larger than these are refused, however the service sends them: a
/// lying or broken service cannot exhaust the memory of the device.
pub const SMALL_ANSWER_LIMIT: usize = 1 << 20;
pub const BULK_ANSWER_LIMIT: usize = 64 << 20;

impl How {
    fn answer_cap(self) -> usize {
        match self {
            How::Read | How::Once => SMALL_ANSWER_LIMIT,
            How::Bulk => BULK_ANSWER_LIMIT,
        }
    }
}

/// Reads a body up to `cap` bytes, refusing a larger one without reading the rest.
async fn read_capped(
    mut response: reqwest::Response,
    cap: usize,
) -> std::result::Result<Vec<u8>, Failure> {
    let too_large = || {
        Failure::Final(WalletError::Protocol(format!(
            "the answer is larger than {} MiB",
            cap >> 20
        )))
    };
    if response.content_length().is_some_and(|n| n > cap as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|e| Failure::Transient(crate::transport::describe(e)))?
    {
        if body.len() + chunk.len() > cap {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

enum Failure {
    /// Worth another try: 5xx, timeouts, connection errors, unreadable bodies.
    Transient(String),
    Final(WalletError),
}

impl ServiceClient {
    pub fn new(base_url: &str, retry: RetryPolicy) -> Result<ServiceClient> {
        let base = crate::transport::check_service_url(base_url)?;
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
        let body = SmsRequest {
            id_number: id_number.to_owned(),
        };
        self.call::<SmsSent>(
            How::Once,
            reqwest::Method::POST,
            "/v1/auth/sms",
            None,
            Some(json(&body)?),
        )
        .await
        .map(|_| ())
    }

    pub async fn login(&self, id_number: &str, sms_code: &str) -> Result<TokenPair> {
        let body = LoginRequest {
            id_number: id_number.to_owned(),
            sms_code: sms_code.to_owned(),
        };
        self.call(
            How::Once,
            reqwest::Method::POST,
            "/v1/auth/login",
            None,
            Some(json(&body)?),
        )
        .await
        .map_err(auth_error)
    }

    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenPair> {
        let body = RefreshRequest {
            refresh_token: refresh_token.expose().to_owned(),
        };
        self.call(
            How::Once,
            reqwest::Method::POST,
            "/v1/auth/refresh",
            None,
            Some(json(&body)?),
        )
        .await
        .map_err(auth_error)
    }

    /// Ends the session the token belongs to, at the service: its whole family.
    pub async fn logout(&self, token: &SecretString) -> Result<()> {
        self.call::<()>(
            How::Once,
            reqwest::Method::POST,
            "/v1/auth/logout",
            Some(token),
            None,
        )
        .await
    }

    /// A one-time code that logs this citizen in on a kiosk.
    pub async fn handoff_code(&self, token: &SecretString) -> Result<HandoffCode> {
        let shown: HandoffCode = self
            .call(
                How::Once,
                reqwest::Method::POST,
                "/v1/auth/handoff",
                Some(token),
                None,
            )
            .await?;
        // Shown as digits and a QR code: twelve digits, as the API says, or nothing.
        if shown.code.len() != 12 || !shown.code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(WalletError::Protocol(
                "the hand-off code is not twelve digits".into(),
            ));
        }
        Ok(shown)
    }

    /// Trades a hand-off code for a token pair of this client's own.
    pub async fn redeem_handoff(&self, code: &str) -> Result<HandoffSession> {
        let body = RedeemRequest {
            code: code.to_owned(),
        };
        self.call(
            How::Once,
            reqwest::Method::POST,
            "/v1/auth/handoff/redeem",
            None,
            Some(json(&body)?),
        )
        .await
        .map_err(auth_error)
    }

    pub async fn trust_bundle(&self) -> Result<TrustBundle> {
        self.call(
            How::Bulk,
            reqwest::Method::GET,
            "/v1/trust-bundle",
            None,
            None,
        )
        .await
    }

    pub async fn receipts(
        &self,
        token: &SecretString,
        after: &str,
        limit: u32,
    ) -> Result<ReceiptPage> {
        let path = page_path("/v1/receipts", after, limit);
        self.call(How::Bulk, reqwest::Method::GET, &path, Some(token), None)
            .await
    }

    pub async fn changes(
        &self,
        token: &SecretString,
        after: &str,
        limit: u32,
    ) -> Result<ChangePage> {
        let path = page_path("/v1/changes", after, limit);
        self.call(How::Bulk, reqwest::Method::GET, &path, Some(token), None)
            .await
    }

    pub async fn relying_parties(&self) -> Result<Vec<RelyingParty>> {
        self.call(
            How::Read,
            reqwest::Method::GET,
            "/v1/relying-parties",
            None,
            None,
        )
        .await
    }

    pub async fn submit_claim(&self, token: &SecretString, body: &ClaimRequest) -> Result<Claim> {
        self.call(
            How::Read,
            reqwest::Method::POST,
            "/v1/claims",
            Some(token),
            Some(json(body)?),
        )
        .await
    }

    pub async fn claim(&self, token: &SecretString, id: i64) -> Result<Claim> {
        self.call(
            How::Read,
            reqwest::Method::GET,
            &format!("/v1/claims/{id}"),
            Some(token),
            None,
        )
        .await
    }

    pub async fn withdraw_claim(&self, token: &SecretString, id: i64) -> Result<Claim> {
        self.call(
            How::Read,
            reqwest::Method::POST,
            &format!("/v1/claims/{id}/withdraw"),
            Some(token),
            None,
        )
        .await
    }

    /// 我要咨询: asks the receipt's issuer. Sent once: a repeat would be refused
    /// as a second open thread.
    pub async fn ask(
        &self,
        token: &SecretString,
        receipt: &ReceiptKey,
        body: &AskRequest,
    ) -> Result<Consultation> {
        let path = format!(
            "/v1/receipts/{}/{}/consultations",
            receipt.code.as_str(),
            receipt.number.as_str()
        );
        self.call(
            How::Once,
            reqwest::Method::POST,
            &path,
            Some(token),
            Some(json(body)?),
        )
        .await
    }

    pub async fn consultation(&self, token: &SecretString, id: i64) -> Result<Consultation> {
        self.call(
            How::Read,
            reqwest::Method::GET,
            &format!("/v1/consultations/{id}"),
            Some(token),
            None,
        )
        .await
    }

    /// A further message in a thread; sent once, like the question.
    pub async fn write_consultation(
        &self,
        token: &SecretString,
        id: i64,
        body: &MessageRequest,
    ) -> Result<Consultation> {
        self.call(
            How::Once,
            reqwest::Method::POST,
            &format!("/v1/consultations/{id}/messages"),
            Some(token),
            Some(json(body)?),
        )
        .await
    }

    pub async fn close_consultation(&self, token: &SecretString, id: i64) -> Result<Consultation> {
        self.call(
            How::Read,
            reqwest::Method::POST,
            &format!("/v1/consultations/{id}/close"),
            Some(token),
            None,
        )
        .await
    }

    /// 查验 by the five elements.
    pub async fn check(&self, elements: &CheckRequest) -> Result<CheckResult> {
        self.call(
            How::Read,
            reqwest::Method::POST,
            "/v1/check",
            None,
            Some(json(elements)?),
        )
        .await
    }

    /// 换开 at a kiosk: the citizen's session and the kiosk's key together. Sent
    /// once: a repeat would be refused as exchanged already.
    pub async fn exchange_for_paper(
        &self,
        token: &SecretString,
        kiosk_key: &SecretString,
        receipt: &ReceiptKey,
        body: &ExchangeRequest,
    ) -> Result<PaperExchange> {
        self.send(
            How::Once,
            reqwest::Method::POST,
            &paper_path(receipt),
            Auth {
                token: Some(token),
                kiosk_key: Some(kiosk_key),
            },
            Some(json(body)?),
        )
        .await
    }

    /// Takes the kiosk's exchange of `receipt` back (its paper did not print).
    pub async fn undo_paper_exchange(
        &self,
        token: &SecretString,
        kiosk_key: &SecretString,
        receipt: &ReceiptKey,
    ) -> Result<()> {
        self.send(
            How::Read,
            reqwest::Method::DELETE,
            &paper_path(receipt),
            Auth {
                token: Some(token),
                kiosk_key: Some(kiosk_key),
            },
            None,
        )
        .await
    }

    async fn call<T: DeserializeOwned>(
        &self,
        how: How,
        method: reqwest::Method,
        path: &str,
        token: Option<&SecretString>,
        body: Option<serde_json::Value>,
    ) -> Result<T> {
        let auth = Auth {
            token,
            kiosk_key: None,
        };
        self.send(how, method, path, auth, body).await
    }

    async fn send<T: DeserializeOwned>(
        &self,
        how: How,
        method: reqwest::Method,
        path: &str,
        auth: Auth<'_>,
        body: Option<serde_json::Value>,
    ) -> Result<T> {
        let mut delay = self.retry.first_delay;
        let mut last = String::new();
        let attempts = match how {
            How::Once => 1,
            How::Read | How::Bulk => self.retry.attempts,
        };
        for attempt in 1..=attempts {
            match self
                .once(how, method.clone(), path, &auth, body.as_ref())
                .await
            {
                Ok(value) => return Ok(value),
                Err(Failure::Final(e)) => return Err(e),
                Err(Failure::Transient(detail)) => {
                    tracing::warn!(attempt, %detail, "service call failed; retrying");
                    last = detail;
                }
            }
            if attempt < attempts {
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(self.retry.max_delay);
                if let Some(observer) = &self.retry.observer {
                    (observer.0)(attempt + 1);
                }
            }
        }
        Err(WalletError::ServiceUnavailable {
            attempts,
            detail: last,
        })
    }

    async fn once<T: DeserializeOwned>(
        &self,
        how: How,
        method: reqwest::Method,
        path: &str,
        auth: &Auth<'_>,
        body: Option<&serde_json::Value>,
    ) -> std::result::Result<T, Failure> {
        let mut request = self.http.request(method, format!("{}{}", self.base, path));
        if let Some(token) = auth.token {
            request = request.bearer_auth(token.expose());
        }
        if let Some(key) = auth.kiosk_key {
            request = request.header(KIOSK_KEY_HEADER, key.expose());
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
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok()?.trim().parse().ok())
                .unwrap_or(60);
            return Err(Failure::Final(WalletError::RateLimited { retry_after }));
        }
        let mut bytes = read_capped(response, how.answer_cap()).await?;
        if status.is_server_error() {
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
        if status == reqwest::StatusCode::NO_CONTENT && bytes.is_empty() {
            // "Done, nothing to say" reads as JSON null: `()` and `Option` take it.
            bytes = b"null".to_vec();
        }
        serde_json::from_slice(&bytes)
            .map_err(|e| Failure::Transient(format!("unreadable answer: {e}")))
    }
}

/// Who a call is from: the citizen's session, and a kiosk's key where a kiosk
/// acts for the citizen at its counter.
struct Auth<'a> {
    token: Option<&'a SecretString>,
    kiosk_key: Option<&'a SecretString>,
}

/// The header a kiosk's key goes in.
const KIOSK_KEY_HEADER: &str = "X-Kiosk-Key";

fn paper_path(receipt: &ReceiptKey) -> String {
    format!(
        "/v1/receipts/{}/{}/paper",
        receipt.code.as_str(),
        receipt.number.as_str()
    )
}

/// A request's body as JSON, made once and sent on every try.
fn json(body: &impl Serialize) -> Result<serde_json::Value> {
    serde_json::to_value(body).map_err(|e| WalletError::Invalid(format!("request body: {e}")))
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

    /// A server on 127.0.0.1 that answers every request with `head` and then
    /// `body_bytes` bytes of spaces; it counts the requests it got.
    async fn answering(
        head: &'static str,
        body_bytes: usize,
    ) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let seen = count.clone();
        tokio::spawn(async move {
            loop {
                let (mut socket, _) = listener.accept().await.unwrap();
                seen.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::spawn(async move {
                    let mut request = [0u8; 4096];
                    let _ = socket.read(&mut request).await;
                    socket.write_all(head.as_bytes()).await.ok();
                    let block = vec![b' '; 1 << 20];
                    let mut sent = 0;
                    while sent < body_bytes {
                        let n = block.len().min(body_bytes - sent);
                        if socket.write_all(&block[..n]).await.is_err() {
                            return;
                        }
                        sent += n;
                    }
                });
            }
        });
        (format!("http://{addr}"), count)
    }

    fn quick() -> RetryPolicy {
        RetryPolicy {
            attempts: 3,
            first_delay: Duration::from_millis(10),
            max_delay: Duration::from_millis(10),
            request_timeout: Duration::from_secs(20),
            observer: None,
        }
    }

    /// The review's demonstration: a service announcing 20 GB and streaming it.
    #[tokio::test]
    async fn an_announced_huge_answer_is_refused_unread() {
        let (url, count) = answering(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 20000000000\r\n\r\n",
            4 << 20,
        )
        .await;
        let client = ServiceClient::new(&url, quick()).unwrap();
        let error = client.trust_bundle().await.unwrap_err();
        assert!(
            matches!(&error, WalletError::Protocol(m) if m.contains("larger than 64 MiB")),
            "{error:?}"
        );
        assert_eq!(
            count.load(std::sync::atomic::Ordering::SeqCst),
            1,
            "not tried again"
        );
    }

    /// Without a length, the body is read up to the limit and no further.
    #[tokio::test]
    async fn an_endless_answer_is_cut_at_the_limit() {
        let (url, _) = answering(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n",
            SMALL_ANSWER_LIMIT + (1 << 20),
        )
        .await;
        let client = ServiceClient::new(&url, quick()).unwrap();
        let error = client.relying_parties().await.unwrap_err();
        assert!(
            matches!(&error, WalletError::Protocol(m) if m.contains("larger than 1 MiB")),
            "{error:?}"
        );
    }

    #[tokio::test]
    async fn a_429_says_how_long_to_wait_and_is_not_tried_again() {
        let (url, count) = answering(
            "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 42\r\nContent-Length: 0\r\n\r\n",
            0,
        )
        .await;
        let client = ServiceClient::new(&url, quick()).unwrap();
        let error = client.send_sms("330102199003071003").await.unwrap_err();
        assert!(
            matches!(error, WalletError::RateLimited { retry_after: 42 }),
            "{error:?}"
        );
        assert_eq!(error.code(), "service.rate_limited");
        assert_eq!(count.load(std::sync::atomic::Ordering::SeqCst), 1);
    }

    /// A login call is not repeated by the client on its own: a repeat would send
    /// another SMS or spend the code. Reads are.
    #[tokio::test]
    async fn login_calls_are_tried_once_and_reads_again() {
        let (url, count) = answering(
            "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n",
            0,
        )
        .await;
        let client = ServiceClient::new(&url, quick()).unwrap();
        let counted = || count.load(std::sync::atomic::Ordering::SeqCst);
        assert!(client.send_sms("330102199003071003").await.is_err());
        assert_eq!(counted(), 1);
        assert!(client.login("330102199003071003", "123456").await.is_err());
        assert_eq!(counted(), 2);
        assert!(client.trust_bundle().await.is_err());
        assert_eq!(counted(), 5);
    }
}
