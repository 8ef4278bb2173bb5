//! The service's OpenAPI document shows an example of every answer; the client's
//! types (the `piaojia-api` types the service serves) must read each one, so that
//! what the document promises is what a client gets.

use piaojia_api as api;
use piaojia_receipt::{Lifecycle, SignedOriginal, TrustAnchor, TrustBundle};
use serde::de::DeserializeOwned;
use serde_json::Value;

const DOCUMENT: &str = include_str!("../../provincial-service/openapi.json");

/// The demo service's root key (seed 20261127), published in the README.
const DEMO_ROOT_KEY: &str = "9JxCJX/24k37siC5qro3CzffnYsA0vMuTWJiJCTUXQU=";

fn read<T: DeserializeOwned>(example: &Value) -> Result<T, String> {
    serde_json::from_value(example.clone()).map_err(|e| e.to_string())
}

/// Reads `example` as the client type of the schema `name`; None for a schema the
/// client has no type for.
fn read_as(name: &str, example: &Value) -> Option<Result<(), String>> {
    macro_rules! types {
        ($($schema:literal => $type:ty),* $(,)?) => {
            match name {
                $($schema => Some(read::<$type>(example).map(|_| ())),)*
                _ => None,
            }
        };
    }
    types!(
        "SmsSent" => api::SmsSent,
        "TokenPair" => api::TokenPair,
        "HandoffCode" => api::HandoffCode,
        "HandoffSession" => api::HandoffSession,
        "ReceiptPage" => api::ReceiptPage,
        "ReceiptEntry" => api::ReceiptEntry,
        "ChangePage" => api::ChangePage,
        "ChangeEvent" => api::ChangeEvent,
        "ClaimChange" => api::ClaimChange,
        "RelyingParty" => api::RelyingParty,
        "Claim" => api::Claim,
        "ClaimForReview" => api::ClaimForReview,
        "CheckResult" => api::CheckResult,
        "IssuedReceipt" => api::IssuedReceipt,
        "ErrorBody" => api::ErrorBody,
        "Lifecycle" => Lifecycle,
        "TrustBundle" => TrustBundle,
        "KioskTokens" => api::KioskTokens,
        "Consultation" => api::Consultation,
        "ConsultationChange" => api::ConsultationChange,
        "AskRequest" => api::AskRequest,
        "AnswerRequest" => api::AnswerRequest,
        "PaperExchange" => api::PaperExchange,
        "KioskRegistration" => api::KioskRegistration,
    )
}

fn document() -> Value {
    serde_json::from_str(DOCUMENT).expect("the committed OpenAPI document is JSON")
}

/// The schema names of every answer of every operation, with where they answer.
fn answer_schemas(document: &Value) -> Vec<(String, String)> {
    let mut found = Vec::new();
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            let Some(responses) = operation["responses"].as_object() else {
                continue;
            };
            for (status, response) in responses {
                let Some(contents) = response["content"].as_object() else {
                    continue;
                };
                for content in contents.values() {
                    let schema = &content["schema"];
                    let reference = schema["$ref"]
                        .as_str()
                        .or_else(|| schema["items"]["$ref"].as_str())
                        .unwrap_or_else(|| panic!("{method} {path} {status}: not a named schema"));
                    let name = reference.rsplit('/').next().expect("a name");
                    found.push((name.to_string(), format!("{method} {path} {status}")));
                }
            }
        }
    }
    found
}

fn example<'a>(document: &'a Value, name: &str) -> Option<&'a Value> {
    document["components"]["schemas"][name].get("example")
}

#[test]
fn every_answer_of_the_api_has_an_example_the_client_reads() {
    let document = document();
    let answers = answer_schemas(&document);
    assert!(answers.len() >= 30, "{} answers", answers.len());
    for (name, at) in &answers {
        let example = example(&document, name)
            .unwrap_or_else(|| panic!("{at}: schema {name} has no example"));
        match read_as(name, example) {
            Some(Ok(())) => {}
            Some(Err(e)) => panic!("{at}: the example of {name} does not read: {e}"),
            None => panic!("{at}: no client type is listed for schema {name}"),
        }
    }
}

#[test]
fn every_example_in_the_document_reads_as_its_type() {
    let document = document();
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    let mut read = 0;
    for (name, schema) in schemas {
        if let Some(example) = schema.get("example") {
            match read_as(name, example) {
                Some(Ok(())) => read += 1,
                Some(Err(e)) => panic!("the example of {name} does not read: {e}"),
                None => panic!("schema {name} has an example but no client type is listed"),
            }
        }
    }
    assert!(read >= 15, "{read} examples read");
}

#[test]
fn the_examples_say_what_the_client_acts_on() {
    let document = document();
    // The bundle example is the demo service's own: it verifies against its root.
    let bundle: TrustBundle = read(example(&document, "TrustBundle").unwrap()).unwrap();
    let anchor = TrustAnchor::from_base64(bundle.province.clone(), DEMO_ROOT_KEY).unwrap();
    bundle.verify(&anchor).expect("the example bundle verifies");
    // An entry's original is read on its own, as sync reads it.
    let entry: api::ReceiptEntry = read(example(&document, "ReceiptEntry").unwrap()).unwrap();
    let original = SignedOriginal::from_json(entry.original.get().as_bytes()).unwrap();
    assert_eq!(original.issuer_cert_serial, "33-ISS-0002");
    assert_eq!(entry.lifecycle, Lifecycle::Normal);
    // Claim states and instants arrive as types, not text.
    let changes: api::ChangePage = read(example(&document, "ChangePage").unwrap()).unwrap();
    let claim = changes.events[0].claim.as_ref().expect("a claim change");
    assert_eq!(claim.state, piaojia_receipt::ClaimState::Approved);
    assert_eq!(changes.events[0].at.offset().local_minus_utc(), 8 * 3600);
    // A token pair is a bearer pair; a kiosk's session has no refresh token.
    let session: api::HandoffSession = read(example(&document, "HandoffSession").unwrap()).unwrap();
    assert_eq!(session.tokens.token_type, api::TokenType::Bearer);
    assert!(example(&document, "HandoffSession").unwrap()["tokens"]
        .get("refresh_token")
        .is_none());
}
