use crate::support::*;
use chrono::NaiveDate;
use piaojia_receipt::{Category, LifecycleState};
use piaojia_wallet::{Query, Sort, StatusFilter, Wallet};

async fn synced(receipts: usize) -> (tempfile::TempDir, Wallet) {
    let peer = peer(config(receipts)).await;
    let dir = tempfile::tempdir().unwrap();
    let (w, account) = logged_in(&peer, dir.path(), 0).await;
    sync(&w, account).await;
    (dir, w)
}

/// The texts of each stored receipt, for brute-force expectations.
async fn texts(w: &Wallet) -> Vec<(i64, i64, String)> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM receipts")
        .fetch_all(w.pool())
        .await
        .unwrap();
    let mut out = Vec::new();
    for id in ids {
        let d = w.receipts().get(id).await.unwrap();
        let r = &d.receipt;
        let mut t = vec![
            r.issuer.name.clone(),
            r.payer.name.clone(),
            r.remark.clone(),
        ];
        t.extend(
            r.items
                .iter()
                .flat_map(|i| [i.name.clone(), i.remark.clone()]),
        );
        t.extend(r.detail_list.iter().map(|d| d.name.clone()));
        if let Some(m) = &r.medical {
            t.push(m.department.clone());
        }
        out.push((id, r.total.0, t.join("\u{1}")));
    }
    out
}

async fn expect_text(w: &Wallet, all: &[(i64, i64, String)], word: &str) {
    let result = w
        .search(&Query {
            text: word.into(),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    let expected: Vec<&(i64, i64, String)> = all
        .iter()
        .filter(|(_, _, t)| t.split('\u{1}').any(|s| s.contains(word)))
        .collect();
    assert_eq!(result.count as usize, expected.len(), "count for {word}");
    assert_eq!(
        result.sum_fen,
        expected.iter().map(|e| e.1).sum::<i64>(),
        "sum for {word}"
    );
    let mut got: Vec<i64> = result.items.iter().map(|r| r.id).collect();
    let mut want: Vec<i64> = expected.iter().map(|e| e.0).collect();
    got.sort();
    want.sort();
    assert_eq!(got, want, "ids for {word}");
}

#[tokio::test]
async fn one_two_and_three_character_words_find_exactly_what_contains_them() {
    let (_dir, w) = synced(400).await;
    let all = texts(&w).await;
    for word in [
        "台州市中心医院",
        "中心医院",
        "西药费",
        "医院",
        "药费",
        "胶囊",
        "药",
        "院",
        "䶮",
        "王䶮",
        "慈善",
        "学费",
        "红十字会",
    ] {
        expect_text(&w, &all, word).await;
    }
    let none = w
        .search(&Query {
            text: "不存在的医院".into(),
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!((none.count, none.items.len()), (0, 0));
}

#[tokio::test]
async fn several_words_must_all_match() {
    let (_dir, w) = synced(300).await;
    let both = w
        .search(&Query {
            text: "台州 西药费".into(),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    let all = texts(&w).await;
    let expected = all
        .iter()
        .filter(|(_, _, t)| t.contains("台州") && t.contains("西药费"))
        .count();
    assert_eq!(both.count as usize, expected);
    assert!(expected > 0);
    // Why each row matched (the walkthrough's C-8): 西药费 is an item, not the
    // issuer's name, so every row names it; a search by issuer names nothing more.
    for row in &both.items {
        assert_eq!(row.matched.as_deref(), Some("西药费"), "{row:?}");
    }
    let by_issuer = w
        .search(&Query {
            text: "台州市中心医院".into(),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(by_issuer.count > 0);
    assert!(
        by_issuer
            .items
            .iter()
            .all(|r| r.issuer_name != "台州市中心医院" || r.matched.is_none()),
        "the issuer's name is on the row already"
    );
}

#[tokio::test]
async fn fts_syntax_and_quotes_are_plain_text() {
    let (_dir, w) = synced(100).await;
    for text in [
        "\"",
        "\"\"",
        "医院\"",
        "OR",
        "医院 OR 学校",
        "NEAR(医院 学校)",
        "医*",
        "*",
        "'; DROP TABLE receipts; --",
        "(",
        "^医院",
        "col:医院",
        "\u{0}",
        "％",
        "🙂🙂🙂",
    ] {
        let result = w
            .search(&Query {
                text: text.into(),
                ..Query::default()
            })
            .await;
        assert!(result.is_ok(), "{text:?}: {result:?}");
    }
    assert!(
        w.status().await.unwrap().receipts > 100,
        "nothing was dropped"
    );
}

#[tokio::test]
async fn filters_sorting_paging_and_totals() {
    let (_dir, w) = synced(500).await;
    let all = w
        .search(&Query {
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(all.count as usize, all.items.len());
    assert_eq!(all.sum_fen, all.items.iter().map(|r| r.total).sum::<i64>());
    assert!(
        all.items
            .windows(2)
            .all(|p| p[0].issued_at >= p[1].issued_at),
        "newest first"
    );

    let from = NaiveDate::from_ymd_opt(2023, 1, 1).unwrap();
    let to = NaiveDate::from_ymd_opt(2023, 12, 31).unwrap();
    let year = w
        .search(&Query {
            from: Some(from),
            to: Some(to),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    let expected = all
        .items
        .iter()
        .filter(|r| r.issued_at.date() >= from && r.issued_at.date() <= to)
        .count();
    assert_eq!(year.count as usize, expected);
    assert!(expected > 0);

    let band = w
        .search(&Query {
            min_fen: Some(10_000),
            max_fen: Some(50_000),
            sort: Sort::AmountAsc,
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(band
        .items
        .iter()
        .all(|r| (10_000..=50_000).contains(&r.total)));
    assert!(band.items.windows(2).all(|p| p[0].total <= p[1].total));
    assert_eq!(
        band.count as usize,
        all.items
            .iter()
            .filter(|r| (10_000..=50_000).contains(&r.total))
            .count()
    );

    let inpatient = w
        .search(&Query {
            category: Some(Category::MedicalInpatient),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(
        inpatient.count > 0
            && inpatient
                .items
                .iter()
                .all(|r| r.category == Category::MedicalInpatient)
    );

    let issuer = all.items[0].clone();
    let code: String = sqlx::query_scalar("SELECT issuer_code FROM receipts WHERE id = ?")
        .bind(issuer.id)
        .fetch_one(w.pool())
        .await
        .unwrap();
    let by_issuer = w
        .search(&Query {
            issuer_code: Some(code),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(by_issuer
        .items
        .iter()
        .all(|r| r.issuer_name == issuer.issuer_name));

    let reds = w
        .search(&Query {
            status: Some(StatusFilter::Valid),
            limit: 1000,
            ..Query::default()
        })
        .await
        .unwrap();
    assert!(reds
        .items
        .iter()
        .all(|r| !r.is_red && r.lifecycle == LifecycleState::Normal));
    let unclaimed = w
        .search(&Query {
            status: Some(StatusFilter::Unclaimed),
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(unclaimed.count, all.count);

    let page2 = w
        .search(&Query {
            limit: 10,
            offset: 10,
            ..Query::default()
        })
        .await
        .unwrap();
    assert_eq!(page2.items, all.items[10..20].to_vec());
    assert_eq!(page2.count, all.count);
}

#[tokio::test]
async fn the_first_plain_list_comes_before_the_index_and_agrees_with_it() {
    let (_dir, w) = synced(150).await;
    let queries: Vec<Query> = [Sort::DateDesc, Sort::DateAsc]
        .into_iter()
        .flat_map(|sort| {
            [0, 45, 140].map(|offset| Query {
                sort,
                offset,
                limit: 40,
                ..Query::default()
            })
        })
        .collect();
    let mut cold = Vec::new();
    for q in &queries {
        cold.push(w.search(q).await.unwrap());
    }
    w.warm_index().await.unwrap();
    for (q, before) in queries.iter().zip(cold) {
        let after = w.search(q).await.unwrap();
        assert_eq!(
            before.items, after.items,
            "{:?} offset {}",
            q.sort, q.offset
        );
        assert_eq!((before.count, before.sum_fen), (after.count, after.sum_fen));
    }
}
