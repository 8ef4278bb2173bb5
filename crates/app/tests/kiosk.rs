use piaojia_app::kiosk::{
    hash_operator_pin, Kiosk, KioskConfig, KioskSession, OperatorLog, SessionCounts, SessionEnd,
    IDLE_GRACE, PIN_TRIES,
};
use piaojia_wallet::Query;
use provincial_service::{spawn, ServiceConfig};

/// The reference service in-process, with `receipts` for the demo citizen.
async fn peer(receipts: usize) -> (std::net::SocketAddr, provincial_service::AppState) {
    spawn(ServiceConfig {
        test_hooks: true,
        demo_receipts: receipts,
        other_receipts: 5,
        ..ServiceConfig::demo()
    })
    .await
    .unwrap()
}

fn write_config(dir: &std::path::Path, extra: serde_json::Value) -> std::path::PathBuf {
    let mut config = serde_json::json!({
        "service": { "province": "330000", "url": "http://127.0.0.1:8640", "root_key": "x" },
        "printer": "PIAOJIA-PDF",
        "operator_pin_hash": hash_operator_pin("246810").unwrap(),
        "operator_log": dir.join("operator.log"),
    });
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    let path = dir.join("kiosk.json");
    std::fs::write(&path, config.to_string()).unwrap();
    path
}

/// Logs `wallet` in as `id_number` on the service at `addr` with the SMS code it sent.
async fn sms_login(
    wallet: &piaojia_wallet::Wallet,
    addr: std::net::SocketAddr,
    state: &provincial_service::AppState,
    id_number: &str,
) -> piaojia_wallet::Account {
    let url = format!("http://{addr}");
    wallet.request_sms(&url, id_number).await.unwrap();
    let code = state.pending_sms_code(id_number).await.unwrap().unwrap();
    let spec = piaojia_wallet::AccountSpec {
        province: piaojia_receipt::ProvinceCode::new("330000").unwrap(),
        service_url: url,
        root_key: state.keys.root_public_base64(),
        id_number: id_number.to_string(),
    };
    wallet.login(&spec, &code).await.unwrap()
}

/// A patient logs in at `kiosk` with the SMS code the service sent; how many
/// receipts the session pulled.
async fn kiosk_sms_login(
    kiosk: &Kiosk,
    state: &provincial_service::AppState,
    id_number: &str,
) -> u64 {
    kiosk.request_sms(id_number).await.unwrap();
    let code = state.pending_sms_code(id_number).await.unwrap().unwrap();
    kiosk.login(id_number, &code).await.unwrap()
}

/// A kiosk on the service at `addr`, printing to `printer`, logging into `dir`.
fn kiosk_on(
    addr: std::net::SocketAddr,
    state: &provincial_service::AppState,
    dir: &std::path::Path,
    printer: &str,
) -> Kiosk {
    kiosk_with(addr, state, dir, printer, serde_json::json!({}))
}

/// The same, with `extra` fields in its config.
fn kiosk_with(
    addr: std::net::SocketAddr,
    state: &provincial_service::AppState,
    dir: &std::path::Path,
    printer: &str,
    extra: serde_json::Value,
) -> Kiosk {
    let mut config = serde_json::json!({
        "service": {
            "province": "330000",
            "url": format!("http://{addr}"),
            "root_key": state.keys.root_public_base64(),
        },
        "printer": printer,
    });
    for (key, value) in extra.as_object().unwrap() {
        config[key] = value.clone();
    }
    Kiosk::new(KioskConfig::load(&write_config(dir, config)).unwrap())
}

#[test]
fn the_config_holds_a_pin_hash_that_only_the_pin_opens() {
    let dir = tempfile::tempdir().unwrap();
    let config = KioskConfig::load(&write_config(dir.path(), serde_json::json!({}))).unwrap();
    assert_eq!((config.idle_seconds, config.warn_seconds), (60, 15));
    assert!(config.operator_pin_matches("246810"));
    assert!(!config.operator_pin_matches("246811"));
    assert!(!config.operator_pin_matches(""));
    let text = std::fs::read_to_string(dir.path().join("kiosk.json")).unwrap();
    assert!(!text.contains("246810"), "the PIN itself is never stored");
    assert!(hash_operator_pin("12345").is_err());
    assert!(hash_operator_pin("12345a").is_err());

    let bad = write_config(dir.path(), serde_json::json!({ "warn_seconds": 90 }));
    assert_eq!(KioskConfig::load(&bad).unwrap_err().code(), "app.settings");
    let bad = write_config(
        dir.path(),
        serde_json::json!({ "operator_pin_hash": "246810" }),
    );
    assert_eq!(KioskConfig::load(&bad).unwrap_err().code(), "app.settings");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_session_ends_without_a_trace_and_the_log_holds_counts_only() {
    let (addr, state) = peer(30).await;
    let citizen = provincial_service::demo::citizens(&state.config.province)[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let log = OperatorLog::new(dir.path().join("operator.log"));

    let mut session = KioskSession::start().await.unwrap();
    let account = sms_login(&session.wallet, addr, &state, &citizen.id_number).await;
    session.wallet.sync(account.id, &mut |_| {}).await.unwrap();
    let held = session.wallet.search(&Query::default()).await.unwrap();
    assert!(held.count >= 30);
    let number = held.items[0].number.clone();
    session.counts = SessionCounts {
        pages_printed: 2,
        printer_errors: 1,
    };
    session.end(SessionEnd::IdleTimeout, &log).await.unwrap();
    // An SMS login on a kiosk is a full session: its end revokes it at the service.
    let live: i64 = sqlx::query_scalar(
        "SELECT count(*) FROM tokens t JOIN citizens c ON c.id = t.citizen_id WHERE c.id_number = ? AND t.revoked = 0",
    )
    .bind(&citizen.id_number)
    .fetch_one(&state.db)
    .await
    .unwrap();
    assert_eq!(live, 0);

    let next = KioskSession::start().await.unwrap();
    assert_eq!(
        next.wallet.search(&Query::default()).await.unwrap().count,
        0
    );
    next.end(SessionEnd::Logout, &log).await.unwrap();

    let text = std::fs::read_to_string(dir.path().join("operator.log")).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["session_end"], "idle_timeout");
    assert_eq!(lines[0]["pages_printed"], 2);
    assert_eq!(lines[0]["printer_errors"], 1);
    for line in &lines {
        let keys: Vec<&str> = line
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        assert_eq!(
            keys,
            ["at", "pages_printed", "printer_errors", "session_end"]
        );
    }
    for personal in [citizen.name, citizen.id_number.as_str(), number.as_str()] {
        assert!(
            !text.contains(personal),
            "the operator log holds no {personal}"
        );
    }
}

/// Printing on the kiosk's queue (the real cupsd of the test command): a job that
/// lands; a stopped printer gets a plain error and no job; the retry prints once.
#[tokio::test(flavor = "multi_thread")]
async fn a_stopped_printer_gets_no_job_and_the_retry_prints_once() {
    let _queue = crate::support::print_queue().await;
    let printer = std::env::var("PIAOJIA_TEST_PRINTER")
        .expect("the test command starts cupsd with a queue and names it");
    let (addr, state) = peer(10).await;
    let citizen = provincial_service::demo::citizens(&state.config.province)[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let kiosk = kiosk_on(addr, &state, dir.path(), &printer);
    assert!(kiosk_sms_login(&kiosk, &state, &citizen.id_number).await >= 10);
    let receipts = kiosk.receipts().await.unwrap();
    let newest = receipts.iter().map(|r| r.issued_at).max().unwrap();
    assert_eq!(receipts[0].issued_at, newest, "today's (the newest) first");
    let ids = [receipts[0].id];

    let jobs = || {
        let out = std::process::Command::new("lpstat")
            .args(["-W", "all", "-o", &printer])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).lines().count()
    };
    let cups = |verb: &str| {
        assert!(std::process::Command::new(verb)
            .arg(&printer)
            .status()
            .unwrap()
            .success());
    };
    cups("cupsdisable");
    let before = jobs();
    let stopped = kiosk.print(&ids).await.unwrap_err();
    cups("cupsenable");
    assert_eq!(stopped.code(), "print.not_ready", "{stopped}");
    assert!(stopped.to_string().contains("stopped"), "{stopped}");
    assert_eq!(jobs(), before, "no job was queued for a stopped printer");
    assert!(kiosk.printer().await.unwrap().state.accepts_jobs());
    let printed = kiosk.print(&ids).await.unwrap();
    assert_eq!(printed.receipts, 1);
    assert!(printed.pages >= 1);
    assert_eq!(jobs(), before + 1, "the retry printed exactly once");
    kiosk.end(SessionEnd::Logout).await.unwrap();

    let log = std::fs::read_to_string(dir.path().join("operator.log")).unwrap();
    let line: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(line["pages_printed"], printed.pages);
    assert_eq!(line["printer_errors"], 1);
    assert!(
        kiosk.receipts().await.is_err(),
        "nothing is left after the session"
    );
}

/// The alternative to the SMS code: the patient's own wallet shows a one-time code,
/// typed on the kiosk's keypad. It works once, and a new session starts empty.
#[tokio::test(flavor = "multi_thread")]
async fn a_patient_logs_in_with_the_code_their_own_wallet_shows() {
    let (addr, state) = peer(12).await;
    let citizen = provincial_service::demo::citizens(&state.config.province)[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let kiosk = kiosk_on(addr, &state, dir.path(), "PIAOJIA-PDF");

    let own = piaojia_wallet::Wallet::open_in_memory().await.unwrap();
    let account = sms_login(&own, addr, &state, &citizen.id_number).await;
    let shown = own.handoff_code(account.id).await.unwrap().code;

    let typed = format!("{} {} {}", &shown[..4], &shown[4..8], &shown[8..]);
    assert!(kiosk.login_with_handoff(&typed).await.unwrap() >= 12);
    assert!(kiosk.receipts().await.unwrap().len() >= 12);

    // The kiosk's session reads and prints only, and has no refresh token.
    let live: Vec<(String, i64)> = sqlx::query_as(
        "SELECT scope, expires_at - strftime('%s','now') FROM tokens WHERE revoked = 0 AND scope = 'kiosk'",
    )
    .fetch_all(&state.db)
    .await
    .unwrap();
    assert_eq!(live.len(), 1, "{live:?}");
    assert!(live[0].1 <= 900);

    let again = kiosk.login_with_handoff(&shown).await.unwrap_err();
    assert_eq!(again.code(), "auth.failed");
    assert!(
        kiosk.receipts().await.unwrap().is_empty(),
        "the failed try began a new, empty session"
    );
    kiosk.end(SessionEnd::Logout).await.unwrap();
    let live: i64 =
        sqlx::query_scalar("SELECT count(*) FROM tokens WHERE revoked = 0 AND scope = 'kiosk'")
            .fetch_one(&state.db)
            .await
            .unwrap();
    assert_eq!(
        live, 0,
        "the session's end revoked the kiosk's token at the service"
    );
    let log = std::fs::read_to_string(dir.path().join("operator.log")).unwrap();
    assert_eq!(log.lines().count(), 2, "two sessions: {log}");
    assert!(!log.contains(&citizen.id_number) && !log.contains(&shown));
}

/// Wrong operator PINs lock the pad: after the limit even the right PIN waits.
#[tokio::test(flavor = "multi_thread")]
async fn the_operator_pin_locks_after_wrong_tries() {
    let (addr, state) = peer(1).await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = kiosk_on(addr, &state, dir.path(), "PIAOJIA-PDF");
    assert!(kiosk.operator_exit("246810").await.is_ok());
    for _ in 0..PIN_TRIES {
        let wrong = kiosk.operator_exit("135790").await.unwrap_err();
        assert_eq!(wrong.code(), "kiosk.wrong_pin");
    }
    let locked = kiosk.operator_exit("246810").await.unwrap_err();
    assert_eq!(locked.code(), "kiosk.pin_locked");

    // The review's K1: restarting the kiosk cleared the lockout. A new kiosk on the
    // same config (a restart) finds the pad still locked.
    drop(kiosk);
    let restarted = kiosk_on(addr, &state, dir.path(), "PIAOJIA-PDF");
    let locked = restarted.operator_exit("246810").await.unwrap_err();
    assert_eq!(locked.code(), "kiosk.pin_locked");
    // A lock file damaged (or emptied by hand) locks too; it never opens the pad.
    std::fs::write(dir.path().join("operator.pinlock"), b"{").unwrap();
    let restarted = kiosk_on(addr, &state, dir.path(), "PIAOJIA-PDF");
    let locked = restarted.operator_exit("246810").await.unwrap_err();
    assert_eq!(locked.code(), "kiosk.pin_locked");
    // A PIN longer than the pad takes is refused when it is set.
    assert!(hash_operator_pin("1234567890123").is_err());
    assert!(hash_operator_pin("123456789012").is_ok());
}

/// The review's K1: the idle timeout was the page's timer only; a page whose timer
/// stopped kept the patient's session open. The kiosk ends an untouched session on
/// its own after the idle time and a grace, and a touch keeps it alive.
#[tokio::test(flavor = "multi_thread")]
async fn an_untouched_session_ends_whatever_the_page_does() {
    let (addr, state) = peer(6).await;
    let citizen = provincial_service::demo::citizens(&state.config.province)[0].clone();
    let dir = tempfile::tempdir().unwrap();
    let kiosk = kiosk_on(addr, &state, dir.path(), "PIAOJIA-PDF");
    assert!(kiosk_sms_login(&kiosk, &state, &citizen.id_number).await >= 6);
    let idle = std::time::Duration::from_secs(kiosk.config.idle_seconds.into());
    let now = std::time::Instant::now();
    assert!(
        !kiosk.end_if_idle(now + idle).await.unwrap(),
        "within the grace"
    );
    kiosk.touch().await;
    let touched = std::time::Instant::now();
    assert!(!kiosk
        .end_if_idle(touched + idle + IDLE_GRACE / 2)
        .await
        .unwrap());
    assert!(kiosk
        .end_if_idle(touched + idle + IDLE_GRACE)
        .await
        .unwrap());
    assert_eq!(kiosk.receipts().await.unwrap_err().code(), "app.locked");
    let log = std::fs::read_to_string(dir.path().join("operator.log")).unwrap();
    assert!(log.contains("idle_timeout"), "{log}");
    let live: i64 = sqlx::query_scalar("SELECT count(*) FROM tokens WHERE revoked = 0")
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert_eq!(live, 0, "the patient's session ended at the service too");
    assert!(
        !kiosk.end_if_idle(touched + idle * 10).await.unwrap(),
        "none left"
    );
}

/// The review's K1: a crashed kiosk could leave a core file with patients' data.
/// The kiosk process turns core dumps off for itself (this test process here).
#[test]
fn a_kiosk_process_leaves_no_core_dump() {
    piaojia_app::kiosk::forbid_core_dumps().unwrap();
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let core = limits
        .lines()
        .find(|l| l.starts_with("Max core file size"))
        .unwrap();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(&fields[4..6], ["0", "0"], "{core}");
    // SAFETY: a plain query of this process's flag.
    assert_eq!(unsafe { libc::prctl(libc::PR_GET_DUMPABLE) }, 0);
}

/// The demo's first hospital on the service at `addr`: it registers a kiosk and
/// bills the demo citizen one receipt per amount in `fens`. Gives the hospital's
/// name, the numbers of those receipts, and the kiosk's `paper` config for a stock
/// of `first`..=`last`.
async fn hospital_kiosk(
    addr: std::net::SocketAddr,
    state: &provincial_service::AppState,
    fens: &[i64],
    (first, last): (&str, &str),
) -> (String, Vec<String>, serde_json::Value) {
    let citizen = provincial_service::demo::citizens(&state.config.province)[0].clone();
    let secret = state.config.secret();
    let issuer = &provincial_service::demo::issuers(&secret, &state.config.province)[0];
    let issuer_key = provincial_service::keys::issuer_api_key(&secret, &issuer.code);
    let http = reqwest::Client::new();
    let post = async |path: &str, body: serde_json::Value| -> serde_json::Value {
        let answer = http
            .post(format!("http://{addr}{path}"))
            .bearer_auth(&issuer_key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{path}: {}", answer.status());
        answer.json().await.unwrap()
    };
    let registration = post(
        "/v1/issuer/kiosks",
        serde_json::json!({ "kiosk_id": "menzhen-1" }),
    )
    .await;
    let mut numbers = Vec::new();
    for fen in fens {
        let item = serde_json::json!({ "code": "C0102", "name": "诊察费", "quantity": "1", "unit": "次", "amount": fen });
        let issued = post(
            "/v1/issuer/receipts",
            serde_json::json!({ "payer_id_number": citizen.id_number, "items": [item], "handler": "周敏", "checker": "吴芳" }),
        )
        .await;
        numbers.push(issued["key"]["number"].as_str().unwrap().to_string());
    }
    let paper = serde_json::json!({ "paper": {
        "kiosk_id": "menzhen-1",
        "kiosk_key": registration["kiosk_key"],
        "issuer_name": registration["issuer_name"],
        "code": "33010125",
        "first": first,
        "last": last,
    } });
    (issuer.name.clone(), numbers, paper)
}

/// 换开 through the kiosk's own rules: a receipt is exchanged once (the service's
/// refusal of a second comes back in the kiosk's words), each exchange uses the
/// next paper number, and an empty stock says so before anything is recorded.
#[tokio::test(flavor = "multi_thread")]
async fn a_second_exchange_is_refused_and_an_empty_stock_says_so() {
    let _queue = crate::support::print_queue().await;
    let printer = std::env::var("PIAOJIA_TEST_PRINTER")
        .expect("the test command starts cupsd with a queue and names it");
    let (addr, state) = peer(2).await;
    let citizen = provincial_service::demo::citizens(&state.config.province)[0].clone();
    let (hospital, numbers, paper) = hospital_kiosk(
        addr,
        &state,
        &[1_201, 1_202, 1_203],
        ("0000100001", "0000100002"),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let kiosk = kiosk_with(addr, &state, dir.path(), &printer, paper.clone());
    assert_eq!(kiosk.paper_stock().unwrap().left, 2);
    kiosk_sms_login(&kiosk, &state, &citizen.id_number).await;
    let receipts = kiosk.receipts().await.unwrap();
    let id_of = |number: &str| {
        receipts
            .iter()
            .find(|r| r.number == *number && r.issuer_name == hospital)
            .unwrap()
            .id
    };

    let first = kiosk.exchange_for_paper(id_of(&numbers[0])).await.unwrap();
    assert_eq!(first.paper_number, "0000100001");
    assert_eq!(first.left, 1);
    let again = kiosk
        .exchange_for_paper(id_of(&numbers[0]))
        .await
        .unwrap_err();
    assert_eq!(again.code(), "kiosk.already_exchanged", "{again}");
    assert_eq!(kiosk.paper_stock().unwrap().left, 1, "no paper used");
    let second = kiosk.exchange_for_paper(id_of(&numbers[1])).await.unwrap();
    assert_eq!(second.paper_number, "0000100002");
    let empty = kiosk
        .exchange_for_paper(id_of(&numbers[2]))
        .await
        .unwrap_err();
    assert_eq!(empty.code(), "kiosk.paper_stock_empty");
    // In the session's wallet, the exchanged receipts show their paper.
    let exchanged: Vec<_> = kiosk
        .receipts()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.lifecycle == piaojia_receipt::LifecycleState::Exchanged)
        .map(|r| r.number)
        .collect();
    assert_eq!(exchanged.len(), 2);
    assert!(!exchanged.contains(&numbers[2]));
    kiosk.end(SessionEnd::Logout).await.unwrap();

    // A restarted kiosk goes on from the stock it kept: none left.
    let restarted = kiosk_with(addr, &state, dir.path(), &printer, paper.clone());
    assert_eq!(restarted.paper_stock().unwrap().left, 0);
    let log = std::fs::read_to_string(dir.path().join("operator.log")).unwrap();
    let printed = log
        .lines()
        .filter(|l| l.contains("\"fate\":\"printed\""))
        .count();
    assert_eq!(printed, 2, "{log}");

    // A kiosk whose count lost step with the roll (its stock file gone) offers a
    // number the service has seen used: refused in words for the staff, and
    // nothing recorded or used.
    let mut lost_count = paper;
    lost_count["paper"]["state"] = serde_json::json!(dir.path().join("fresh.paper"));
    let out_of_step = kiosk_with(addr, &state, dir.path(), &printer, lost_count);
    kiosk_sms_login(&out_of_step, &state, &citizen.id_number).await;
    let third = out_of_step
        .receipts()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.number == numbers[2] && r.issuer_name == hospital)
        .unwrap();
    let refused = out_of_step.exchange_for_paper(third.id).await.unwrap_err();
    assert_eq!(refused.code(), "kiosk.paper_number_used", "{refused}");
    assert_eq!(out_of_step.paper_stock().unwrap().left, 2);
    assert_eq!(
        out_of_step
            .receipts()
            .await
            .unwrap()
            .iter()
            .find(|r| r.id == third.id)
            .unwrap()
            .lifecycle,
        piaojia_receipt::LifecycleState::Normal
    );
}

/// A service in front of the one at `upstream` that passes every call on, but loses
/// the answer to an exchange for paper: the exchange is made, the kiosk hears 502.
async fn losing_paper_answers(upstream: std::net::SocketAddr) -> std::net::SocketAddr {
    use axum::response::IntoResponse;
    let http = reqwest::Client::new();
    let lying = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let http = http.clone();
        async move {
            let (parts, body) = request.into_parts();
            let body = axum::body::to_bytes(body, usize::MAX).await.unwrap();
            let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
            let mut forward = http
                .request(parts.method.clone(), format!("http://{upstream}{path}"))
                .body(body.to_vec());
            for (name, value) in parts.headers.iter().filter(|(n, _)| *n != "host") {
                forward = forward.header(name, value);
            }
            let answer = forward.send().await.unwrap();
            if parts.method == axum::http::Method::POST && parts.uri.path().ends_with("/paper") {
                return axum::http::StatusCode::BAD_GATEWAY.into_response();
            }
            let status = axum::http::StatusCode::from_u16(answer.status().as_u16()).unwrap();
            let bytes = answer.bytes().await.unwrap();
            (
                status,
                [("content-type", "application/json")],
                bytes.to_vec(),
            )
                .into_response()
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, lying).await.unwrap() });
    addr
}

/// An exchange whose answer is lost on the way back (the service made it, the kiosk
/// cannot know) is taken back at once: the receipt stays normal at the service, the
/// paper number stays the next one, and the log says so.
#[tokio::test(flavor = "multi_thread")]
async fn an_exchange_whose_answer_is_lost_is_taken_back() {
    let (addr, state) = peer(2).await;
    let citizen = provincial_service::demo::citizens(&state.config.province)[0].clone();
    let (hospital, numbers, paper) =
        hospital_kiosk(addr, &state, &[1_204], ("0000100001", "0000100009")).await;
    let number = &numbers[0];
    let dir = tempfile::tempdir().unwrap();
    let kiosk = kiosk_with(
        losing_paper_answers(addr).await,
        &state,
        dir.path(),
        "PIAOJIA-PDF",
        paper,
    );
    kiosk_sms_login(&kiosk, &state, &citizen.id_number).await;
    let receipt = kiosk
        .receipts()
        .await
        .unwrap()
        .into_iter()
        .find(|r| r.number == *number && r.issuer_name == hospital)
        .unwrap();

    let lost = kiosk.exchange_for_paper(receipt.id).await.unwrap_err();
    assert_eq!(lost.code(), "service.unavailable", "{lost}");
    let (at_service, exchanges): (String, i64) = sqlx::query_as(
        "SELECT state, (SELECT count(*) FROM paper_exchanges) FROM receipts WHERE code = ? AND number = ?",
    )
    .bind(&receipt.code)
    .bind(&receipt.number)
    .fetch_one(&state.db)
    .await
    .unwrap();
    assert_eq!((at_service.as_str(), exchanges), ("normal", 0));
    assert_eq!(kiosk.paper_stock().unwrap().left, 9, "the number is unused");
    let log = std::fs::read_to_string(dir.path().join("operator.log")).unwrap();
    assert!(
        log.contains(r#""paper":"33010125-0000100001","fate":"taken_back""#),
        "{log}"
    );
}
