use crate::support::*;
use piaojia_wallet::{RetryPolicy, Wallet};
use provincial_service::{Faults, ServiceConfig};
use std::collections::HashSet;
use std::time::Duration;

/// Every stored receipt verifies again offline; returns how many there are.
async fn all_stored_verify(w: &Wallet) -> usize {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM receipts")
        .fetch_all(w.pool())
        .await
        .unwrap();
    for id in &ids {
        w.receipts()
            .reverify(*id)
            .await
            .unwrap_or_else(|e| panic!("stored receipt {id} does not verify: {e}"));
    }
    ids.len()
}

#[tokio::test]
async fn a_faulty_service_leaves_nothing_invalid_and_everything_valid_stored() {
    let faults = Faults {
        stall_per_mille: 100,
        error_per_mille: 150,
        truncate_per_mille: 100,
        replay_per_mille: 150,
        tamper_per_mille: 30,
        latency: Duration::from_millis(2),
        seed: 11,
    };
    let peer = peer(ServiceConfig {
        faults: faults.clone(),
        ..config(1_500)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let w = w.with_retry(RetryPolicy {
        attempts: 30,
        ..fast_retry()
    });
    let report = sync(&w, account).await;

    let all = peer.receipt_keys(0).await;
    let tampered: HashSet<(String, String)> = {
        let seqs: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT r.seq, r.code, r.number FROM receipts r JOIN citizens c ON c.id = r.citizen_id WHERE c.id_number = ?",
        )
        .bind(peer.id_number(0))
        .fetch_all(&peer.state.db)
        .await
        .unwrap();
        seqs.into_iter()
            .filter(|(seq, _, _)| provincial_service::faults::is_tampered(&faults, *seq))
            .map(|(_, c, n)| (c, n))
            .collect()
    };
    assert!(!tampered.is_empty());
    let stored: HashSet<(String, String)> = stored_keys(&w).await.into_iter().collect();
    let valid: HashSet<(String, String)> = all
        .iter()
        .filter(|k| !tampered.contains(*k))
        .cloned()
        .collect();
    assert_eq!(stored, valid, "exactly the valid receipts are stored");
    assert_eq!(all_stored_verify(&w).await, valid.len());
    let quarantine = w.receipts().quarantined().await.unwrap();
    assert_eq!(quarantine.len(), tampered.len());
    assert_eq!(report.quarantined as usize, tampered.len());
    for q in &quarantine {
        assert_eq!(q.reason_code, "receipt.issuer_signature");
        assert!(tampered.contains(&(q.code.clone().unwrap(), q.number.clone().unwrap())));
    }
}

#[tokio::test]
async fn a_revoked_issuers_receipts_go_to_quarantine_with_the_reason() {
    let peer = peer(config(300)).await;
    let (code, _) = peer.issuer_key(0);
    peer.revoke_issuer(&code).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let report = sync(&w, account).await;
    assert!(report.quarantined > 0);
    for q in w.receipts().quarantined().await.unwrap() {
        assert_eq!(q.reason_code, "receipt.certificate_revoked");
    }
    let stored = all_stored_verify(&w).await;
    assert_eq!(
        stored as u64 + report.quarantined,
        peer.receipt_keys(0).await.len() as u64
    );
    let from_revoked: i64 =
        sqlx::query_scalar("SELECT count(*) FROM receipts WHERE issuer_code = ?")
            .bind(&code)
            .fetch_one(w.pool())
            .await
            .unwrap();
    assert_eq!(from_revoked, 0);
}

#[tokio::test]
async fn a_dead_service_gives_a_clear_error_after_bounded_retries() {
    let peer = peer(config(10)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    // Point the account at a port where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    sqlx::query("UPDATE accounts SET service_url = ?")
        .bind(format!("http://{closed}"))
        .execute(w.pool())
        .await
        .unwrap();
    let started = std::time::Instant::now();
    let error = w.sync(account, &mut |_| {}).await.err().unwrap();
    assert_eq!(error.code(), "service.unavailable", "{error}");
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(w.status().await.unwrap().receipts > 0, "nothing lost");
}

#[tokio::test]
async fn a_service_that_always_fails_stops_the_sync_with_an_error() {
    let faults = Faults {
        error_per_mille: 1000,
        seed: 3,
        ..Faults::default()
    };
    let peer = peer(ServiceConfig {
        faults,
        ..config(20)
    })
    .await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let error = w.sync(account, &mut |_| {}).await.err().unwrap();
    assert!(
        matches!(
            error,
            piaojia_wallet::WalletError::ServiceUnavailable { attempts: 8, .. }
        ),
        "{error:?}"
    );
}

/// The review's W8: a service answering a login with an access-token lifetime of
/// i64::MAX seconds panicked the wallet ("overflow when adding duration to
/// instant"). The lifetime is held to a day; the login goes through.
#[tokio::test]
async fn an_absurd_token_lifetime_from_a_service_does_not_panic() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = [0u8; 4096];
        let _ = socket.read(&mut request).await;
        let body = r#"{"access_token":"a","refresh_token":"r","expires_in":9223372036854775807,"token_type":"Bearer","name":"x"}"#;
        let answer = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        socket.write_all(answer.as_bytes()).await.unwrap();
    });
    let w = piaojia_wallet::Wallet::open_in_memory().await.unwrap();
    let spec = piaojia_wallet::AccountSpec {
        province: piaojia_receipt::ProvinceCode::new("330000").unwrap(),
        service_url: format!("http://{addr}"),
        root_key: "9JxCJX/24k37siC5qro3CzffnYsA0vMuTWJiJCTUXQU=".into(),
        id_number: "330102199003071003".into(),
    };
    let account = w.login(&spec, "000000").await.unwrap();
    assert_eq!(account.display_name.as_deref(), Some("x"));
}

/// The review's W5 and W4: after an issuer's certificate was revoked, its receipts
/// synced earlier still printed "签章…有效", `show` said 验证通过, and they could be
/// claimed, from the state stored when they arrived. Now the sync that brings the
/// new bundle verifies what is held: the revoked issuer's receipts move to the
/// quarantine with the reason. One that a claim holds (or a 我要咨询 thread is about)
/// keeps its row for it, is listed in the quarantine too, and everything that speaks
/// of it says invalid.
#[tokio::test]
async fn a_revocation_moves_receipts_held_since_to_the_quarantine() {
    let peer = peer(config(30)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let asked = peer.issue(0, 777).await;
    sync(&w, account).await;
    let (code, _) = peer.issuer_key(0);
    // A receipt asked about (我要咨询) keeps its row for the thread, like a claimed one.
    let asked = w
        .receipts()
        .find(
            asked["key"]["code"].as_str().unwrap(),
            asked["key"]["number"].as_str().unwrap(),
        )
        .await
        .unwrap();
    let thread = w
        .consultations()
        .ask(
            asked,
            piaojia_wallet::ConsultReason::Other,
            "这张票据有效吗？",
        )
        .await
        .unwrap();
    let ids: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM receipts WHERE issuer_code = ? AND is_red = 0 AND lifecycle = 'normal' ORDER BY id")
            .bind(&code)
            .fetch_all(w.pool())
            .await
            .unwrap();
    assert!(ids.len() >= 2, "the demo data has receipts of this issuer");
    let (claimed, spare) = (ids[0], ids[1]);
    assert!(w.receipts().verdict(claimed).await.unwrap().valid);
    assert!(w.exports().print_view_parts(claimed).await.unwrap().1.valid);
    let claim = w
        .claims()
        .create(&piaojia_wallet::ClaimDraft {
            account_id: account,
            relying_party: "RP-EMP-001".into(),
            purpose: "门诊报销".into(),
            payee_account: "6222000000000000".into(),
            amount_requested: piaojia_receipt::Fen(1),
        })
        .await
        .unwrap();
    w.claims().add(claim, claimed).await.unwrap();
    let of_issuer: i64 = sqlx::query_scalar("SELECT count(*) FROM receipts WHERE issuer_code = ?")
        .bind(&code)
        .fetch_one(w.pool())
        .await
        .unwrap();

    let before = w.search(&piaojia_wallet::Query::default()).await.unwrap();

    peer.revoke_issuer(&code).await;
    let report = sync(&w, account).await;
    assert_eq!(report.no_longer_valid as i64, of_issuer);
    let quarantine = w.receipts().quarantined().await.unwrap();
    assert_eq!(quarantine.len() as i64, of_issuer);
    assert!(quarantine
        .iter()
        .all(|q| q.reason_code == "receipt.certificate_revoked"));
    let left: Vec<i64> = sqlx::query_scalar("SELECT id FROM receipts WHERE issuer_code = ?")
        .bind(&code)
        .fetch_all(w.pool())
        .await
        .unwrap();
    assert_eq!(
        left,
        vec![claimed, asked],
        "only the claimed one and the one asked about keep their rows"
    );
    assert_eq!(
        w.consultations().get(thread.id).await.unwrap().receipt_id,
        asked
    );
    assert_eq!(
        w.receipts().get(spare).await.unwrap_err().code(),
        "not_found"
    );
    let verdict = w.receipts().verdict(claimed).await.unwrap();
    assert!(!verdict.valid);
    assert_eq!(
        verdict.reason_code.as_deref(),
        Some("receipt.certificate_revoked")
    );
    let (_, printed, _) = w.exports().print_view_parts(claimed).await.unwrap();
    assert!(!printed.valid, "the PDF says 未通过, not 有效");
    // The search index, loaded before, no longer finds what moved out.
    let found = w.search(&piaojia_wallet::Query::default()).await.unwrap();
    assert_eq!(found.count, before.count - of_issuer + 2);
    // A second sync of the same bundle moves nothing again.
    assert_eq!(sync(&w, account).await.no_longer_valid, 0);
}

/// The review's W4 (4): a service offering the held bundle's version with a
/// certificate dropped (each certificate is signed on its own, so it still
/// verifies) made stored receipts fail. A same-version bundle that differs is
/// refused and the held one kept.
#[tokio::test]
async fn a_same_version_bundle_that_differs_is_refused() {
    let peer = peer(config(20)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let first = sync(&w, account).await;
    let mut thinner = (*peer.state.bundle().await.unwrap()).clone();
    thinner.certificates.truncate(1);
    *peer.state.bundle.write().unwrap() = std::sync::Arc::new(thinner);
    let again = sync(&w, account).await;
    assert_eq!(again.bundle_version, first.bundle_version);
    assert_eq!(again.no_longer_valid, 0);
    assert_eq!(all_stored_verify(&w).await as u64, first.new_receipts);
    assert!(w.receipts().quarantined().await.unwrap().is_empty());
}

/// Changes `body` the way a lying or broken service might, by the `n`th mutation
/// of a fixed sequence: one answer in seven goes through unchanged.
fn mutate(body: &[u8], n: u64) -> Vec<u8> {
    use rand::{Rng, SeedableRng};
    let mut rng = rand::rngs::StdRng::seed_from_u64(n);
    let mut out = body.to_vec();
    if out.is_empty() {
        return out;
    }
    let at = rng.gen_range(0..out.len());
    match n % 7 {
        0 => out[at] ^= 1 << rng.gen_range(0..8),
        1 => out.truncate(at),
        2 => {
            // A number grows absurdly (counts, cursors, amounts, versions).
            if let Some(digit) = out[at..].iter().position(u8::is_ascii_digit) {
                let at = at + digit;
                out.splice(at..at + 1, b"99999999999999999999999".iter().copied());
            }
        }
        3 => {
            let noise: Vec<u8> = (0..rng.gen_range(1..16)).map(|_| rng.gen()).collect();
            out.splice(at..at, noise);
        }
        4 => {
            let text = String::from_utf8_lossy(&out).into_owned();
            out = if rng.gen_bool(0.5) {
                text.replacen("false", "true", 1).into_bytes()
            } else {
                text.replacen("\"normal\"", "\"reversed\"", 1).into_bytes()
            };
        }
        5 => {
            let end = rng.gen_range(at..out.len());
            let copy = out[at..end].to_vec();
            out.splice(at..at, copy);
        }
        _ => {}
    }
    out
}

/// A proxy in front of `upstream` for the GETs of a sync (trust bundle, receipt
/// pages, changes), each answer changed by `mutate`; returns its URL.
async fn mutating_proxy(upstream: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    tokio::spawn(async move {
        let http = reqwest::Client::new();
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let (http, upstream, answered) = (http.clone(), upstream.clone(), answered.clone());
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request).into_owned();
                let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
                let authorization = head
                    .lines()
                    .find_map(|l| {
                        let (name, value) = l.split_once(':')?;
                        name.eq_ignore_ascii_case("authorization")
                            .then(|| value.trim().to_string())
                    })
                    .unwrap_or_default();
                let answer = http
                    .get(format!("{upstream}{path}"))
                    .header("authorization", authorization)
                    .send()
                    .await
                    .unwrap();
                let status = answer.status().as_u16();
                let body = answer.bytes().await.unwrap();
                let n = answered.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let body = mutate(&body, n);
                let head = format!(
                    "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = socket.write_all(head.as_bytes()).await;
                let _ = socket.write_all(&body).await;
            });
        }
    });
    url
}

/// Point 10 of the hardening: no panic is reachable from a service's answers. A
/// service whose every answer is mutated (flipped bits, cut bodies, absurd
/// numbers, noise, changed states, repeated parts) is synced 150 times from the
/// start: each sync ends with a report or a typed error, and every receipt stored
/// verifies.
#[tokio::test(flavor = "multi_thread")]
async fn mutated_answers_from_a_lying_service_never_panic_a_sync() {
    let peer = peer(config(40)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    let w = w.with_retry(RetryPolicy {
        attempts: 2,
        ..fast_retry()
    });
    let proxy = mutating_proxy(peer.url()).await;
    sqlx::query("UPDATE accounts SET service_url = ?")
        .bind(&proxy)
        .execute(w.pool())
        .await
        .unwrap();
    let mut codes = std::collections::BTreeMap::<String, u32>::new();
    for _ in 0..150 {
        sqlx::query("UPDATE accounts SET receipts_cursor = '', changes_cursor = ''")
            .execute(w.pool())
            .await
            .unwrap();
        let code = match w.sync(account, &mut |_| {}).await {
            Ok(_) => "ok".to_string(),
            Err(e) => e.code().to_string(),
        };
        *codes.entry(code).or_default() += 1;
    }
    assert!(codes.contains_key("ok"), "{codes:?}");
    assert!(codes.len() > 1, "the mutations were felt: {codes:?}");
    all_stored_verify(&w).await;
    println!("outcomes of 150 syncs through mutated answers: {codes:?}");
}
