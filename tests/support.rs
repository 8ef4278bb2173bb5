//! Support for end-to-end tests: finding the workspace's binaries and running them
//! as child processes that are killed when the test ends.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};

/// The path of a binary built by this workspace (same profile as the test).
pub fn binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // A test runs as target/<profile>/deps/e2e-xxxx, a bin as target/<profile>/x;
    // both find target/<profile>/<name>.
    let mut dir = exe.parent().expect("target dir");
    if dir.ends_with("deps") {
        dir = dir.parent().expect("target dir");
    }
    let path = dir.join(name);
    assert!(
        path.exists(),
        "{} is not built; run the tests with `cargo test --workspace`",
        path.display()
    );
    path
}

/// A child process with its stdout and stderr collected line by line.
pub struct Running {
    child: Child,
    pub stdout: Arc<Mutex<Vec<String>>>,
    pub stderr: Arc<Mutex<Vec<String>>>,
}

impl Running {
    pub fn start(mut command: Command) -> Running {
        command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .stdin(Stdio::null());
        let mut child = command.spawn().expect("process starts");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        Running {
            child,
            stdout,
            stderr,
        }
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits up to `seconds` for a stdout line containing `needle`.
    pub fn wait_for_line(&self, needle: &str, seconds: u64) -> String {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
        while std::time::Instant::now() < deadline {
            if let Some(line) = self
                .stdout
                .lock()
                .unwrap()
                .iter()
                .find(|l| l.contains(needle))
            {
                return line.clone();
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        panic!(
            "no line with {needle:?} after {seconds}s; stdout: {:?}; stderr: {:?}",
            self.stdout.lock().unwrap(),
            self.stderr.lock().unwrap()
        );
    }

    pub fn all_output(&self) -> String {
        let mut text = self.stdout.lock().unwrap().join("\n");
        text.push('\n');
        text.push_str(&self.stderr.lock().unwrap().join("\n"));
        text
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(stream: impl std::io::Read + Send + 'static) -> Arc<Mutex<Vec<String>>> {
    let lines = Arc::new(Mutex::new(Vec::new()));
    let sink = lines.clone();
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines().map_while(Result::ok) {
            sink.lock().unwrap().push(line);
        }
    });
    lines
}

/// Removes ANSI colour codes from log text.
pub fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub use serde_json::Value;

/// The provincial-service binary on a free port of 127.0.0.1, with the facts its
/// banner prints.
pub struct ReferenceService {
    pub process: Running,
    pub url: String,
    pub root_key: String,
    pub citizen_id: String,
    /// The API key of the demo's first issuer.
    pub issuer_key: String,
}

impl ReferenceService {
    /// Starts it with `args` added to `--demo --listen 127.0.0.1:0 --test-hooks`.
    pub fn start(args: &[&str]) -> ReferenceService {
        let mut command = Command::new(binary("provincial-service"));
        command
            .args(["--demo", "--listen", "127.0.0.1:0", "--test-hooks"])
            .args(args)
            .env("RUST_LOG", "info")
            .env("NO_COLOR", "1");
        let process = Running::start(command);
        let last_word = |needle: &str| {
            process
                .wait_for_line(needle, 300)
                .split_whitespace()
                .last()
                .expect("a word")
                .to_string()
        };
        let url = last_word("listening on http://");
        let root_key = last_word("root key");
        let citizen_id = last_word("demo citizen:");
        let issuer_key = last_word("demo issuer API key");
        ReferenceService {
            process,
            url,
            root_key,
            citizen_id,
            issuer_key,
        }
    }

    /// `POST /v1/issuer/receipts{path}` as the demo's first issuer (`path` empty, or
    /// `/CODE/NUMBER/ACTION`): its status and answer.
    pub async fn as_issuer(&self, path: &str, body: Value) -> (u16, Value) {
        self.call(
            &format!("/v1/issuer/receipts{path}"),
            &self.issuer_key,
            Some(body),
        )
        .await
    }

    /// `path` with `token`: a GET without a body, a POST with one; its status and answer.
    pub async fn call(&self, path: &str, token: &str, body: Option<Value>) -> (u16, Value) {
        let http = reqwest::Client::new();
        let url = format!("{}{path}", self.url);
        let request = match body {
            Some(body) => http.post(url).json(&body),
            None => http.get(url),
        };
        let answer = request
            .bearer_auth(token)
            .send()
            .await
            .expect("the service answers");
        let status = answer.status().as_u16();
        (status, answer.json().await.unwrap_or(Value::Null))
    }

    /// Issues a receipt of `fen` to the demo citizen, as the demo's first issuer.
    pub async fn issue(&self, fen: i64) -> Value {
        let item = serde_json::json!({ "code": "C0102", "name": "诊察费", "quantity": "1", "unit": "次", "amount": fen });
        let body = serde_json::json!({
            "payer_id_number": self.citizen_id, "items": [item], "handler": "周敏", "checker": "吴芳"
        });
        let (status, issued) = self.as_issuer("", body).await;
        assert_eq!(status, 201, "{issued}");
        issued
    }

    /// Waits up to 10 s for an SMS code to `id_number` (sent by whatever asked).
    pub async fn wait_for_sms_code(&self, id_number: &str) -> String {
        for _ in 0..100 {
            if let Some(code) = self.sms_code(id_number).await {
                return code;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no SMS code was sent to the demo citizen");
    }

    /// Logs the demo citizen in over HTTP and returns an access token.
    pub async fn access_token(&self) -> String {
        let http = reqwest::Client::new();
        let id = &self.citizen_id;
        http.post(format!("{}/v1/auth/sms", self.url))
            .json(&serde_json::json!({ "id_number": id }))
            .send()
            .await
            .expect("the service answers");
        let code = self.wait_for_sms_code(id).await;
        let pair: Value = http
            .post(format!("{}/v1/auth/login", self.url))
            .json(&serde_json::json!({ "id_number": id, "sms_code": code }))
            .send()
            .await
            .expect("the service answers")
            .json()
            .await
            .expect("a token pair");
        pair["access_token"]
            .as_str()
            .expect("an access token")
            .to_string()
    }

    /// A one-time hand-off code for the demo citizen, as their own wallet would get
    /// it to show.
    pub async fn handoff_code(&self) -> String {
        let answer: Value = reqwest::Client::new()
            .post(format!("{}/v1/auth/handoff", self.url))
            .bearer_auth(self.access_token().await)
            .json(&serde_json::json!({}))
            .send()
            .await
            .expect("the service answers")
            .json()
            .await
            .expect("a hand-off code");
        answer["code"].as_str().expect("a code").to_string()
    }

    /// The SMS code last sent to `id_number`, through the test hook.
    pub async fn sms_code(&self, id_number: &str) -> Option<String> {
        let response = reqwest::get(format!("{}/test/sms/{id_number}", self.url))
            .await
            .ok()?;
        if !response.status().is_success() {
            return None;
        }
        let body: Value = response.json().await.ok()?;
        body["code"].as_str().map(str::to_string)
    }
}
