use crate::support::*;
use serde_json::{json, Value};

impl TestService {
    /// Registers a kiosk of the issuer with API key `issuer_key`; returns its key.
    async fn kiosk(&self, issuer_key: &str, id: &str) -> String {
        let (status, body) = self
            .post_auth("/v1/issuer/kiosks", issuer_key, json!({ "kiosk_id": id }))
            .await;
        assert_eq!(status, 201, "{body}");
        assert_eq!(body["kiosk_id"], id);
        assert!(!body["issuer_name"].as_str().unwrap().is_empty());
        body["kiosk_key"].as_str().unwrap().to_string()
    }

    /// A kiosk's call on a receipt's paper exchange, with the citizen's token and
    /// the kiosk's key (each left out when None).
    async fn paper(
        &self,
        method: reqwest::Method,
        receipt: &Value,
        token: Option<&str>,
        kiosk_key: Option<&str>,
        paper_number: &str,
    ) -> (u16, Value) {
        let path = format!(
            "/v1/receipts/{}/{}/paper",
            receipt["code"].as_str().unwrap(),
            receipt["number"].as_str().unwrap()
        );
        let mut request = reqwest::Client::new().request(method.clone(), self.url(&path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = kiosk_key {
            request = request.header("X-Kiosk-Key", key);
        }
        if method == reqwest::Method::POST {
            request =
                request.json(&json!({ "paper_code": "33010125", "paper_number": paper_number }));
        }
        read(request.send().await.unwrap()).await
    }

    /// The kiosk exchanges `receipt` for paper `number` for the citizen of `token`.
    async fn exchange(
        &self,
        receipt: &Value,
        token: &str,
        kiosk_key: &str,
        number: &str,
    ) -> (u16, Value) {
        self.paper(
            reqwest::Method::POST,
            receipt,
            Some(token),
            Some(kiosk_key),
            number,
        )
        .await
    }

    /// The kiosk takes its exchange of `receipt` back.
    async fn take_back(&self, receipt: &Value, token: &str, kiosk_key: &str) -> (u16, Value) {
        self.paper(
            reqwest::Method::DELETE,
            receipt,
            Some(token),
            Some(kiosk_key),
            "",
        )
        .await
    }

    /// The issuer exchanges `receipt` for paper `number` at its own desk.
    async fn desk_exchange(&self, receipt: &Value, issuer_key: &str, number: &str) -> (u16, Value) {
        self.post_auth(
            &format!(
                "/v1/issuer/receipts/{}/{}/exchange",
                receipt["code"].as_str().unwrap(),
                receipt["number"].as_str().unwrap()
            ),
            issuer_key,
            json!({ "paper_code": "33010125", "paper_number": number }),
        )
        .await
    }

    /// The citizen's session at a kiosk: a hand-off from their own login.
    async fn kiosk_session(&self, citizen: usize) -> String {
        let token = self.access_token(citizen).await;
        let (_, code) = self.post_auth("/v1/auth/handoff", &token, json!({})).await;
        let (status, session) = self
            .post("/v1/auth/handoff/redeem", json!({ "code": code["code"] }))
            .await;
        assert_eq!(status, 200, "{session}");
        session["tokens"]["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn lifecycle_of(&self, token: &str, receipt: &Value) -> Value {
        self.all_receipts(token, 1000)
            .await
            .into_iter()
            .find(|item| {
                let r = piaojia_receipt::parse_document(&original(item).document).unwrap();
                json!({ "code": r.code, "number": r.number })
                    == json!({ "code": receipt["code"], "number": receipt["number"] })
            })
            .unwrap()["lifecycle"]
            .clone()
    }
}

#[tokio::test]
async fn a_kiosk_exchanges_a_present_payers_receipt_once_and_may_take_it_back() {
    let s = start().await;
    let (_, issuer) = s.issuer_key(0);
    let kiosk = s.kiosk(&issuer, "menzhen-1").await;
    assert!(kiosk.starts_with("pk_"));
    let again = s
        .post_auth(
            "/v1/issuer/kiosks",
            &issuer,
            json!({ "kiosk_id": "menzhen-1" }),
        )
        .await;
    assert_eq!(code(&again), (409, Some("kiosk.exists")));
    for bad in ["", "门诊一号", "a b", &"k".repeat(33)] {
        let answer = s
            .post_auth("/v1/issuer/kiosks", &issuer, json!({ "kiosk_id": bad }))
            .await;
        assert_eq!(code(&answer), (400, Some("kiosk.invalid_id")), "{bad:?}");
    }

    let receipt = s.issued(0, 0, 4_210).await["key"].clone();
    let session = s.kiosk_session(0).await;
    let own = s.access_token(0).await;
    let (_, feed) = s.get("/v1/changes?limit=1000", &own).await;
    let after = feed["next_cursor"].as_str().unwrap().to_string();

    let (status, done) = s.exchange(&receipt, &session, &kiosk, "0000100001").await;
    assert_eq!(status, 201, "{done}");
    assert_eq!(done["receipt"], receipt);
    assert_eq!(done["paper"]["number"], "0000100001");
    assert_eq!(done["kiosk_id"], "menzhen-1");
    let exchanged = json!({ "state": "exchanged", "paper": done["paper"] });
    assert_eq!(s.lifecycle_of(&own, &receipt).await, exchanged);
    let (_, feed) = s.get(&format!("/v1/changes?after={after}"), &own).await;
    assert_eq!(feed["events"][0]["lifecycle"], exchanged);

    // Once: a second exchange is refused, with another number or the same.
    for number in ["0000100002", "0000100001"] {
        let second = s.exchange(&receipt, &session, &kiosk, number).await;
        assert_eq!(code(&second), (409, Some("exchange.already_exchanged")));
    }
    // A paper number is used once.
    let other = s.issued(0, 0, 4_210).await["key"].clone();
    let reused = s.exchange(&other, &session, &kiosk, "0000100001").await;
    assert_eq!(code(&reused), (409, Some("exchange.paper_used")));
    // Not through the issuer's own API either.
    let by_issuer = s.desk_exchange(&other, &issuer, "0000100001").await;
    assert_eq!(code(&by_issuer), (409, Some("exchange.paper_used")));

    // The paper did not print: the kiosk takes the exchange back, the receipt is
    // normal again in the feed, and the number is free.
    let undone = s.take_back(&receipt, &session, &kiosk).await;
    assert_eq!(undone.0, 204, "{}", undone.1);
    assert_eq!(
        s.lifecycle_of(&own, &receipt).await,
        json!({ "state": "normal" })
    );
    let (_, feed) = s.get(&format!("/v1/changes?after={after}"), &own).await;
    assert_eq!(
        feed["events"].as_array().unwrap().last().unwrap()["lifecycle"],
        json!({ "state": "normal" })
    );
    let twice = s.take_back(&receipt, &session, &kiosk).await;
    assert_eq!(code(&twice), (404, Some("exchange.not_found")));
    let (status, _) = s.exchange(&other, &session, &kiosk, "0000100001").await;
    assert_eq!(status, 201);

    // Past the window it stays: the paper receipt is voided by hand instead.
    sqlx::query("UPDATE paper_exchanges SET exchanged_at = '2020-01-01T00:00:00'")
        .execute(&s.state.db)
        .await
        .unwrap();
    let late = s.take_back(&other, &session, &kiosk).await;
    assert_eq!(code(&late), (409, Some("exchange.too_late")));
}

#[tokio::test]
async fn only_the_present_payer_at_the_issuers_own_kiosk_exchanges() {
    use reqwest::Method;
    let s = start().await;
    let (_, issuer) = s.issuer_key(0);
    let (_, other_issuer) = s.issuer_key(1);
    let kiosk = s.kiosk(&issuer, "menzhen-1").await;
    let second_kiosk = s.kiosk(&issuer, "menzhen-2").await;
    let foreign_kiosk = s.kiosk(&other_issuer, "elsewhere-1").await;
    let receipt = s.issued(0, 0, 4_210).await["key"].clone();
    let session = s.kiosk_session(0).await;
    let own = s.access_token(0).await;
    let post = |token: Option<String>, key: Option<String>| {
        let receipt = receipt.clone();
        let s = &s;
        async move {
            s.paper(
                Method::POST,
                &receipt,
                token.as_deref(),
                key.as_deref(),
                "0000200001",
            )
            .await
        }
    };

    let none = post(Some(session.clone()), None).await;
    assert_eq!(code(&none), (401, Some("auth.missing_kiosk_key")));
    let wrong = post(Some(session.clone()), Some("pk_guessed".into())).await;
    assert_eq!(code(&wrong), (401, Some("auth.invalid_kiosk_key")));
    let issuer_as_kiosk = post(Some(session.clone()), Some(issuer.clone())).await;
    assert_eq!(
        code(&issuer_as_kiosk),
        (401, Some("auth.invalid_kiosk_key"))
    );
    let no_citizen = post(None, Some(kiosk.clone())).await;
    assert_eq!(no_citizen.0, 401);
    let another_citizen = post(Some(s.kiosk_session(1).await), Some(kiosk.clone())).await;
    assert_eq!(code(&another_citizen), (404, Some("receipt.not_found")));
    let foreign = post(Some(session.clone()), Some(foreign_kiosk.clone())).await;
    assert_eq!(code(&foreign), (409, Some("exchange.other_issuer")));
    assert_eq!(
        s.lifecycle_of(&own, &receipt).await,
        json!({ "state": "normal" })
    );

    // A red receipt is not exchanged.
    let red = s
        .post_auth(
            &format!(
                "/v1/issuer/receipts/{}/{}/reverse",
                receipt["code"].as_str().unwrap(),
                receipt["number"].as_str().unwrap()
            ),
            &issuer,
            json!({ "reason": "重复收费" }),
        )
        .await;
    assert_eq!(red.0, 201);
    let red_exchange = s
        .exchange(&red.1["key"], &session, &kiosk, "0000200002")
        .await;
    assert_eq!(code(&red_exchange), (409, Some("receipt.is_red")));
    let reversed = post(Some(session.clone()), Some(kiosk.clone())).await;
    assert_eq!(code(&reversed), (409, Some("receipt.not_normal")));

    // A receipt in a claim is not exchanged: the paper would be claimed again.
    let claimed = s.claimable(&own, 1).await;
    let (status, body) = s
        .post_auth(
            "/v1/claims",
            &own,
            crate::claims::claim("p1", "RP-EMP-001", &claimed, 100),
        )
        .await;
    assert_eq!(status, 201, "{body}");
    let issuer_code: String =
        sqlx::query_scalar("SELECT issuer_code FROM receipts WHERE code = $1 AND number = $2")
            .bind(claimed[0]["code"].as_str().unwrap())
            .bind(claimed[0]["number"].as_str().unwrap())
            .fetch_one(&s.state.db)
            .await
            .unwrap();
    let claims_issuer =
        provincial_service::keys::issuer_api_key(&s.state.config.secret(), &issuer_code);
    let claims_kiosk = s.kiosk(&claims_issuer, "claims-1").await;
    let in_claim = s
        .exchange(&claimed[0], &session, &claims_kiosk, "0000200003")
        .await;
    assert_eq!(code(&in_claim), (409, Some("receipt.in_claim")));

    // Only the kiosk that exchanged takes it back, for the same citizen; an
    // exchange the issuer made itself is not a kiosk's to take back.
    let fresh = s.issued(0, 0, 4_210).await["key"].clone();
    let (status, _) = s.exchange(&fresh, &session, &kiosk, "0000200004").await;
    assert_eq!(status, 201);
    let by_other_kiosk = s.take_back(&fresh, &session, &second_kiosk).await;
    assert_eq!(code(&by_other_kiosk), (404, Some("exchange.not_found")));
    let by_other_citizen = s.take_back(&fresh, &s.kiosk_session(1).await, &kiosk).await;
    assert_eq!(code(&by_other_citizen), (404, Some("exchange.not_found")));
    assert_eq!(s.lifecycle_of(&own, &fresh).await["state"], "exchanged");
    let at_desk = s.issued(0, 0, 4_210).await["key"].clone();
    let (status, _) = s.desk_exchange(&at_desk, &issuer, "0000200005").await;
    assert_eq!(status, 200);
    let desk_undo = s.take_back(&at_desk, &session, &kiosk).await;
    assert_eq!(code(&desk_undo), (404, Some("exchange.not_found")));
}
