use crate::support;
use piaojia_app::{ServiceSettings, UiError};
use piaojia_wallet::Query;

#[tokio::test(flavor = "multi_thread")]
async fn errors_carry_codes_the_ui_can_act_on() {
    let t = support::start().await;
    let app = &t.app;
    let demo = app.status().await.unwrap().demo.unwrap();
    app.request_sms(demo.citizen_id.clone()).await.unwrap();
    let wrong = app
        .login(demo.citizen_id.clone(), "000000".into(), false)
        .await
        .unwrap_err();
    assert_eq!(UiError::from(wrong).code, "auth.failed");
    assert!(app
        .status()
        .await
        .unwrap()
        .contents
        .unwrap()
        .accounts
        .is_empty());

    let missing = app.receipt(987_654).await.unwrap_err();
    assert_eq!(missing.code(), "not_found");

    let mut settings = app.settings();
    settings.service = Some(ServiceSettings {
        province: "330000".into(),
        url: "http://127.0.0.1:9".into(),
        root_key: "not a key".into(),
    });
    let refused = app.set_settings(settings).unwrap_err();
    assert_eq!(refused.code(), "settings.invalid");
    assert_eq!(
        UiError::of(&refused).facts.get("field").map(String::as_str),
        Some("root_key"),
        "the UI marks the root key's field"
    );
    assert_eq!(
        app.settings().service,
        None,
        "a refused setting changes nothing"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn search_text_is_text() {
    let (t, _) = support::synced().await;
    let app = &t.app;
    for text in [
        "\"",
        "医院 OR 1=1",
        "NEAR(a b)",
        "*",
        "'; DROP TABLE receipts; --",
        "中^",
    ] {
        let result = app
            .search(Query {
                text: text.into(),
                ..Query::default()
            })
            .await
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        assert!(result.count >= 0);
    }
    assert!(app.search(Query::default()).await.unwrap().count >= 40);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_dead_service_is_a_clear_error_and_keeps_the_receipts() {
    let (t, _) = support::synced().await;
    let app = &t.app;
    let held = app.search(Query::default()).await.unwrap().count;
    let wallet = app.wallet().await.unwrap();
    let url = app.status().await.unwrap().demo.unwrap().url;
    wallet
        .move_service(&url, "http://127.0.0.1:9")
        .await
        .unwrap();
    let mut events = Vec::new();
    let error = app.sync(&mut |e| events.push(e)).await.unwrap_err();
    assert_eq!(error.code(), "service.unavailable");
    assert!(matches!(
        events.last(),
        Some(piaojia_app::SyncEvent::Failed { error }) if error.code == "service.unavailable"
    ));
    assert_eq!(app.search(Query::default()).await.unwrap().count, held);
    assert!(!app.status().await.unwrap().syncing);
}
