use crate::support::*;
use serde_json::{json, Value};

impl TestService {
    fn rp_key(&self, code: &str) -> String {
        provincial_service::keys::relying_party_api_key(
            &self.state.config.secret(),
            &self.state.config.province,
            code,
        )
    }

    /// The citizen's receipts that can be claimed: normal, not red, insured medical.
    pub(crate) async fn claimable(&self, token: &str, n: usize) -> Vec<Value> {
        let items = self.all_receipts(token, 1000).await;
        items
            .iter()
            .filter(|i| i["lifecycle"]["state"] == "normal")
            .filter_map(|i| {
                let r = piaojia_receipt::parse_document(&original(i).document).unwrap();
                let insured = r
                    .medical
                    .as_ref()
                    .is_some_and(|m| m.insurance_type.is_some() && m.payments.self_pay.0 > 100);
                (r.reverses.is_none() && insured)
                    .then(|| json!({ "code": r.code, "number": r.number }))
            })
            .take(n)
            .collect()
    }
}

pub(crate) fn claim(key: &str, party: &str, receipts: &[Value], amount: i64) -> Value {
    json!({
        "idempotency_key": key, "relying_party": party, "purpose": "门诊费用报销",
        "payee_account": "6222 0000 1111 2222", "amount_requested": amount, "receipts": receipts
    })
}

#[tokio::test]
async fn the_full_lifecycle_over_http() {
    let s = start().await;
    let token = s.access_token(0).await;
    let receipts = s.claimable(&token, 2).await;
    let (_, changes) = s.get("/v1/changes?limit=1000", &token).await;
    let after = changes["next_cursor"].as_str().unwrap().to_string();
    let (status, created) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("k1", "RP-EMP-001", &receipts, 1000),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["state"], "submitted");
    let id = created["id"].as_i64().unwrap();
    // The receipts now check as claimed.
    let r = &receipts[0];
    let entry = s
        .get(
            &format!(
                "/v1/receipts/{}/{}",
                r["code"].as_str().unwrap(),
                r["number"].as_str().unwrap()
            ),
            &token,
        )
        .await
        .1;
    let doc = piaojia_receipt::parse_document(&original(&entry).document).unwrap();
    let (_, checked) = s
        .post(
            "/v1/check",
            json!({ "code": doc.code, "number": doc.number, "check_code": doc.check_code }),
        )
        .await;
    assert_eq!(checked["status"], "claimed");
    // The relying party sees it, with the originals, and decides.
    let rp = s.rp_key("RP-EMP-001");
    let (_, list) = s.get("/v1/rp/claims", &rp).await;
    assert_eq!(list.as_array().unwrap().len(), 1);
    let (_, review) = s.get(&format!("/v1/rp/claims/{id}"), &rp).await;
    assert_eq!(review["claimant_name"], "王䶮");
    let original: piaojia_receipt::SignedOriginal =
        serde_json::from_value(review["receipts"][0]["original"].clone()).unwrap();
    piaojia_receipt::verify(&original, &s.trust().await).unwrap();
    let decision_path = format!("/v1/rp/claims/{id}/decision");
    let decide = |body: Value| s.post_auth(&decision_path, &rp, body);
    let (status, asked) =
        decide(json!({ "action": "request_info", "message": "请补充病历" })).await;
    assert_eq!(
        (status, asked["state"].as_str()),
        (200, Some("info_requested"))
    );
    let (status, approved) = decide(json!({ "action": "approve", "amount": 800 })).await;
    assert_eq!(
        (
            status,
            approved["state"].as_str(),
            approved["amount_approved"].as_i64()
        ),
        (200, Some("approved"), Some(800))
    );
    let (status, paid) = decide(json!({ "action": "mark_paid" })).await;
    assert_eq!((status, paid["state"].as_str()), (200, Some("paid")));
    let (status, body) = decide(json!({ "action": "reject", "reason": "too late" })).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("claim.invalid_transition"))
    );
    // Every change reached the citizen's feed.
    let (_, feed) = s
        .get(&format!("/v1/changes?after={after}&limit=1000"), &token)
        .await;
    let states: Vec<&str> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["claim"]["state"].as_str())
        .collect();
    for state in ["submitted", "info_requested", "approved", "paid"] {
        assert_eq!(
            states.iter().filter(|s| **s == state).count(),
            2,
            "{state} once per receipt: {states:?}"
        );
    }
    let (_, mine) = s.get(&format!("/v1/claims/{id}"), &token).await;
    assert_eq!(mine["state"], "paid");
    // Times are RFC 3339 with the province's offset, as the document declares
    // (`date-time`); they used to come without an offset.
    let mut times: Vec<&Value> = feed["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["at"])
        .collect();
    times.extend([&mine["created_at"], &mine["updated_at"]]);
    for time in times {
        let text = time.as_str().unwrap();
        let parsed =
            chrono::DateTime::parse_from_rfc3339(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.offset().local_minus_utc(), 8 * 3600, "{text}");
    }
}

#[tokio::test]
async fn withdraw_unlocks_and_a_rejection_too() {
    let s = start().await;
    let token = s.access_token(0).await;
    let receipts = s.claimable(&token, 1).await;
    let (_, first) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("a", "RP-INS-001", &receipts, 500),
        )
        .await;
    let (status, body) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("b", "RP-EMP-001", &receipts, 500),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("claim.receipt_held"))
    );
    let (status, withdrawn) = s
        .post_auth(
            &format!("/v1/claims/{}/withdraw", first["id"]),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(
        (status, withdrawn["state"].as_str()),
        (200, Some("withdrawn"))
    );
    let (status, second) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("c", "RP-EMP-001", &receipts, 500),
        )
        .await;
    assert_eq!(status, 201, "{second}");
    let rp = s.rp_key("RP-EMP-001");
    s.post_auth(
        &format!("/v1/rp/claims/{}/decision", second["id"]),
        &rp,
        json!({ "action": "reject", "reason": "不符合报销范围" }),
    )
    .await;
    let (status, _) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("d", "RP-INS-001", &receipts, 500),
        )
        .await;
    assert_eq!(status, 201, "a rejected claim lets go of its receipts");
    // Withdrawing after review is refused.
    s.post_auth(
        &format!("/v1/rp/claims/{}/decision", second["id"]),
        &rp,
        json!({ "action": "approve", "amount": 1 }),
    )
    .await;
    let (status, _) = s
        .post_auth(
            &format!("/v1/claims/{}/withdraw", second["id"]),
            &token,
            json!({}),
        )
        .await;
    assert_eq!(status, 409);
}

#[tokio::test]
async fn a_retry_after_a_dropped_response_makes_one_claim() {
    let s = start().await;
    let token = s.access_token(0).await;
    let receipts = s.claimable(&token, 1).await;
    let body = claim("retry-me", "RP-EMP-001", &receipts, 300);
    let (first, a) = s.post_auth("/v1/claims", &token, body.clone()).await;
    let (second, b) = s.post_auth("/v1/claims", &token, body).await;
    assert_eq!((first, second), (201, 200));
    assert_eq!(a["id"], b["id"]);
    let (_, mine) = s.get("/v1/claims", &token).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    // The same key for a different request is refused.
    let (status, body) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("retry-me", "RP-EMP-001", &receipts, 299),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("claim.idempotency_conflict"))
    );
}

/// Two instances over one store (a SQLite file, or PostgreSQL in the suite's second
/// run), the claims sent to each in turn from two wallets of the same citizen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_a_hundred_concurrent_claims_of_one_receipt_exactly_one_wins() {
    let dir = tempfile::tempdir().unwrap();
    let config = provincial_service::ServiceConfig {
        db: provincial_service::StoreAt::shared_for_test(dir.path()),
        ..config()
    };
    let instances = [start_with(config.clone()).await, start_with(config).await];
    let s = &instances[0];
    // Two wallets of the same citizen: two logins, one on each instance.
    let tokens = [s.access_token(0).await, instances[1].access_token(0).await];
    let receipts = s.claimable(&tokens[0], 1).await;
    let mut tasks = Vec::new();
    for i in 0..100 {
        let http = s.http.clone();
        let url = instances[i % 2].url("/v1/claims");
        let token = tokens[(i / 2) % 2].clone();
        let body = claim(
            &format!("race-{i}"),
            if i % 2 == 0 {
                "RP-EMP-001"
            } else {
                "RP-INS-001"
            },
            &receipts,
            100,
        );
        tasks.push(tokio::spawn(async move {
            http.post(url)
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }));
    }
    let mut statuses = Vec::new();
    for task in tasks {
        statuses.push(task.await.unwrap());
    }
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 99);
    let holders: i64 = sqlx::query_scalar("SELECT count(*) FROM claim_receipts")
        .fetch_one(&s.state.db)
        .await
        .unwrap();
    assert_eq!(holders, 1);
}

#[tokio::test]
async fn a_reversal_after_submission_reaches_the_relying_party() {
    let s = start().await;
    let token = s.access_token(0).await;
    let (_, issuer_key) = s.issuer_key(0);
    let (_, issued) = s
        .post_auth(
            "/v1/issuer/receipts",
            &issuer_key,
            issue_request(&s.citizen_id(0), 5_000),
        )
        .await;
    let receipt = json!({ "code": issued["key"]["code"], "number": issued["key"]["number"] });
    let (_, created) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("rev", "RP-EMP-001", std::slice::from_ref(&receipt), 5_000),
        )
        .await;
    let path = issuer_action(&issued, "reverse");
    assert_eq!(
        s.post_auth(&path, &issuer_key, json!({ "reason": "退费" }))
            .await
            .0,
        201
    );
    let (_, review) = s
        .get(
            &format!("/v1/rp/claims/{}", created["id"]),
            &s.rp_key("RP-EMP-001"),
        )
        .await;
    assert_eq!(review["receipts"][0]["lifecycle"]["state"], "reversed");
}

#[tokio::test]
async fn medical_insurance_reimburses_the_documented_share() {
    let s = start().await;
    let token = s.access_token(0).await;
    let receipts = s.claimable(&token, 3).await;
    let mut expected = 0;
    for r in &receipts {
        let (_, entry) = s
            .get(
                &format!(
                    "/v1/receipts/{}/{}",
                    r["code"].as_str().unwrap(),
                    r["number"].as_str().unwrap()
                ),
                &token,
            )
            .await;
        let doc = piaojia_receipt::parse_document(&original(&entry).document).unwrap();
        expected += doc.medical.unwrap().payments.self_pay.0 * 60 / 100;
    }
    let (status, body) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("mi", "RP-MI-330000", &receipts, expected + 1),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("claim.amount_exceeds"))
    );
    let (status, created) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("mi2", "RP-MI-330000", &receipts, expected),
        )
        .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["reimbursable"].as_i64(), Some(expected));
    // Across provinces: the Shanghai fund (长三角) takes Zhejiang receipts too.
    let (_, list) = s.get("/v1/relying-parties", "").await;
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["code"] == "RP-MI-310000"));
}

#[tokio::test]
async fn claims_endpoints_refuse_other_citizens_and_other_relying_parties() {
    let s = start().await;
    let a = s.access_token(0).await;
    let b = s.access_token(1).await;
    let receipts = s.claimable(&a, 1).await;
    let (_, created) = s
        .post_auth("/v1/claims", &a, claim("x", "RP-EMP-001", &receipts, 100))
        .await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(s.get(&format!("/v1/claims/{id}"), &b).await.0, 404);
    assert_eq!(
        s.post_auth(&format!("/v1/claims/{id}/withdraw"), &b, json!({}))
            .await
            .0,
        404
    );
    assert!(s
        .get("/v1/claims", &b)
        .await
        .1
        .as_array()
        .unwrap()
        .is_empty());
    // B cannot claim A's receipt.
    let (status, body) = s
        .post_auth("/v1/claims", &b, claim("y", "RP-EMP-001", &receipts, 100))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (404, Some("claim.receipt_not_found"))
    );
    // Another relying party sees nothing of it.
    let other = s.rp_key("RP-INS-001");
    assert_eq!(s.get(&format!("/v1/rp/claims/{id}"), &other).await.0, 404);
    assert!(s
        .get("/v1/rp/claims", &other)
        .await
        .1
        .as_array()
        .unwrap()
        .is_empty());
    let (status, _) = s
        .post_auth(
            &format!("/v1/rp/claims/{id}/decision"),
            &other,
            json!({ "action": "approve", "amount": 1 }),
        )
        .await;
    assert_eq!(status, 404);
    // A citizen token is no relying-party key, and the other way round.
    assert_eq!(s.get("/v1/rp/claims", &a).await.0, 401);
    assert_eq!(s.get("/v1/claims", &s.rp_key("RP-EMP-001")).await.0, 401);
}

#[tokio::test]
async fn bad_claims_get_a_clear_4xx() {
    let s = start().await;
    let token = s.access_token(0).await;
    let receipts = s.claimable(&token, 1).await;
    let twice = vec![receipts[0].clone(), receipts[0].clone()];
    let unknown = vec![json!({ "code": "12345678", "number": "0000000001" })];
    let cases = [
        (
            claim("1", "RP-EMP-001", &receipts, 0),
            400,
            "claim.invalid_amount",
        ),
        (
            claim("2", "RP-EMP-001", &receipts, -5),
            400,
            "claim.invalid_amount",
        ),
        (claim("3", "RP-EMP-001", &[], 100), 400, "claim.no_receipts"),
        (
            claim("4", "RP-NOBODY", &receipts, 100),
            404,
            "claim.unknown_relying_party",
        ),
        (
            claim("5", "RP-EMP-001", &unknown, 100),
            404,
            "claim.receipt_not_found",
        ),
        (
            claim("6", "RP-EMP-001", &twice, 100),
            400,
            "claim.duplicate_receipt",
        ),
        (
            claim("", "RP-EMP-001", &receipts, 100),
            400,
            "claim.invalid_idempotency_key",
        ),
        (
            claim("7", "RP-EMP-001", &receipts, i64::MAX),
            400,
            "claim.amount_exceeds",
        ),
        (
            json!({ "idempotency_key": "8", "relying_party": "RP-EMP-001" }),
            400,
            "request.invalid_fields",
        ),
    ];
    for (body, status, code) in cases {
        let (got, answer) = s.post_auth("/v1/claims", &token, body).await;
        assert_eq!(
            (got, answer["code"].as_str()),
            (status, Some(code)),
            "{answer}"
        );
    }
    let rp = s.rp_key("RP-EMP-001");
    let (_, created) = s
        .post_auth(
            "/v1/claims",
            &token,
            claim("ok", "RP-EMP-001", &receipts, 100),
        )
        .await;
    let path = format!("/v1/rp/claims/{}/decision", created["id"]);
    for (body, code) in [
        (
            json!({ "action": "approve", "amount": 0 }),
            "claim.invalid_amount",
        ),
        (
            json!({ "action": "approve", "amount": 101 }),
            "claim.invalid_amount",
        ),
        (
            json!({ "action": "reject", "reason": " " }),
            "claim.invalid_text",
        ),
        (json!({ "action": "pay_twice" }), "request.invalid_fields"),
    ] {
        let (status, answer) = s.post_auth(&path, &rp, body).await;
        assert_eq!(
            (status, answer["code"].as_str()),
            (400, Some(code)),
            "{answer}"
        );
    }
    let (status, _) = s
        .post_auth(&path, &rp, json!({ "action": "mark_paid" }))
        .await;
    assert_eq!(status, 409, "not approved yet");
}

/// The review's S6: a school issued a ¥1 "medical" receipt whose 个人自付 was a
/// million times its total, and a medical-insurance claim took 60% of that. Both
/// are refused at issue now: a medical receipt only from a medical issuer, and a
/// payment split that adds up to the total.
#[tokio::test]
async fn a_school_cannot_issue_a_medical_receipt_nor_anyone_a_split_beyond_its_total() {
    let s = start().await;
    let issuers =
        provincial_service::demo::issuers(&s.state.config.secret(), &s.state.config.province);
    let school = issuers
        .iter()
        .position(|i| i.category == piaojia_receipt::Category::Education)
        .unwrap();
    let hospital = issuers
        .iter()
        .position(|i| i.category.is_medical())
        .unwrap();
    let medical = |self_pay: i64, cash: i64| {
        json!({"visit_date":"2025-01-01","department":"x","insurance_type":"职工基本医疗保险",
            "payments":{"fund":0,"personal_account":0,"other":0,"cash":cash,"self_pay":self_pay,"self_expense":0}})
    };
    let (_, school_key) = s.issuer_key(school);
    let mut req = issue_request(&s.citizen_id(0), 100);
    req["category"] = json!("medical_outpatient");
    req["medical"] = medical(100, 100);
    let (status, body) = s.post_auth("/v1/issuer/receipts", &school_key, req).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("receipt.invalid_draft")),
        "{body}"
    );

    let (_, hospital_key) = s.issuer_key(hospital);
    for (self_pay, cash) in [(100_000_000, 100), (50, 99), (-1, 100), (50, 101)] {
        let mut req = issue_request(&s.citizen_id(0), 100);
        req["medical"] = medical(self_pay, cash);
        let (status, body) = s.post_auth("/v1/issuer/receipts", &hospital_key, req).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (400, Some("receipt.invalid_payments")),
            "{self_pay}/{cash}: {body}"
        );
    }
    let mut req = issue_request(&s.citizen_id(0), 100);
    req["medical"] = medical(60, 100);
    let (status, body) = s.post_auth("/v1/issuer/receipts", &hospital_key, req).await;
    assert_eq!(status, 201, "a split that fits is issued: {body}");
}

/// 作废: the issuer voids a receipt; the citizen's feed and 查验 say so. Not twice,
/// not without a reason, not once exchanged for paper, and not once a claim
/// holding it was approved; under review it may be voided.
#[tokio::test]
async fn an_issuer_voids_a_receipt_unless_money_or_paper_moved_on_it() {
    let s = start().await;
    let (_, issuer) = s.issuer_key(0);
    let token = s.access_token(0).await;
    let issue = |fen: i64| {
        s.post_auth(
            "/v1/issuer/receipts",
            &issuer,
            issue_request(&s.citizen_id(0), fen),
        )
    };
    let void = |issued: &Value, reason: &str| {
        let (path, body) = (issuer_action(issued, "void"), json!({ "reason": reason }));
        let (s, issuer) = (&s, &issuer);
        async move { s.post_auth(&path, issuer, body).await }
    };
    let (_, issued) = issue(300).await;
    let (status, body) = void(&issued, "  ").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (400, Some("receipt.invalid_reason"))
    );
    let (status, lifecycle) = void(&issued, "重复开票").await;
    assert_eq!((status, &lifecycle), (200, &json!({ "state": "voided" })));
    let (status, body) = void(&issued, "重复开票").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("receipt.not_normal"))
    );
    let (_, changes) = s.get("/v1/changes", &token).await;
    let last = changes["events"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(
        (&last["receipt"], &last["lifecycle"]),
        (&issued["key"], &lifecycle)
    );
    let (_, checked) = s
        .post(
            "/v1/check",
            json!({
                "code": issued["key"]["code"], "number": issued["key"]["number"],
                "check_code": issued["check_code"]
            }),
        )
        .await;
    assert_eq!(checked["status"], "voided");

    // Exchanged for paper: the paper counts now.
    let (_, exchanged) = issue(400).await;
    s.post_auth(
        &issuer_action(&exchanged, "exchange"),
        &issuer,
        json!({ "paper_code": "33100199", "paper_number": "0000012346" }),
    )
    .await;
    assert_eq!(void(&exchanged, "x").await.0, 409);

    // In a claim under review it may be voided; once approved, not.
    let rp = s.rp_key("RP-EMP-001");
    let mut claimed = Vec::new();
    for n in 0..2 {
        let (_, issued) = issue(500 + n).await;
        let key = json!({ "code": issued["key"]["code"], "number": issued["key"]["number"] });
        let (status, made) = s
            .post_auth(
                "/v1/claims",
                &token,
                claim(&format!("void-{n}"), "RP-EMP-001", &[key], 100),
            )
            .await;
        assert_eq!(status, 201, "{made}");
        claimed.push((issued, made["id"].as_i64().unwrap()));
    }
    assert_eq!(void(&claimed[0].0, "金额有误").await.0, 200);
    let (status, _) = s
        .post_auth(
            &format!("/v1/rp/claims/{}/decision", claimed[1].1),
            &rp,
            json!({ "action": "approve", "amount": 100 }),
        )
        .await;
    assert_eq!(status, 200);
    let (status, body) = void(&claimed[1].0, "金额有误").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("receipt.claim_settled"))
    );
}
