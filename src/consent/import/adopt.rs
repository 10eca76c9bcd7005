//! Taking over a decision at request time: the audit record, the metric and the consent cookie
//! of ours that replaces the other manager's. Above the settings ([`super::Importer`] is compiled
//! at load), as it needs the running proxy.

use http::{HeaderMap, HeaderValue};
use serde_json::{json, Value};

use crate::consent::audit::record::{self, DecisionFacts};
use crate::consent::codec::Decision;
use crate::consent::{now_unix, ConsentState};
use crate::state::{Runtime, Shared};

/// Whether [`adopt`] could find anything: an undecided visitor without our cookie, on a site
/// that imports. Checked first so that the plain path does not carry `adopt`'s large future.
pub fn may_adopt(rt: &Runtime, state: &ConsentState, headers: &HeaderMap) -> bool {
    let settings = &rt.config.consent;
    !(state.decided
        || settings.import.is_empty()
        || crate::consent::cookie_pairs(headers).any(|(n, _)| n == settings.cookie_name))
}

/// Imports a decision for a visitor with no cookie of ours: `state` becomes decided and the
/// returned consent cookie must go out with the response. An import whose audit record cannot be
/// written is not made (no consent without a record): the visitor stays undecided.
pub async fn adopt(
    rt: &Runtime,
    shared: &Shared,
    state: &mut ConsentState,
    headers: &HeaderMap,
    https: bool,
) -> Option<HeaderValue> {
    let settings = &rt.config.consent;
    if !may_adopt(rt, state, headers) {
        return None;
    }
    let now = now_unix();
    let found = settings.import.find(headers, settings.necessary_only(), now)?;
    // The foreign decision's own time, so it expires when a decision of ours made then would.
    let decided_at = found.foreign.decided_at.filter(|t| *t <= now + 300).unwrap_or(now);
    let services = super::service_choices(&found.foreign, &settings.services, found.granted);
    if decided_at.saturating_add(settings.lifetime(found.granted, &services).as_secs()) < now {
        return None;
    }
    let decision = Decision { granted: found.granted, services, decided_at, consent_id: found.consent_id.clone() };
    if !shared.imports.contains(&decision.consent_id) {
        let host = headers.get(http::header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
        let facts = DecisionFacts {
            decision: &decision,
            previous: None,
            action: "imported",
            host,
            gpc: state.gpc,
            lang: settings.default_language,
            catalog_version: &rt.config.catalog_version,
        };
        let mut fields = record::fields(settings, &facts);
        // The visitor saw the other manager's texts, not ours.
        fields.remove("texts_hash");
        fields.insert("language".into(), Value::Null);
        fields.insert("source".into(), json!(found.source.id()));
        fields.insert("source_id".into(), json!(found.foreign.id));
        if rt.audit.record(fields).await.is_err() {
            tracing::error!(source = found.source.id(), "cannot write the audit record of an import; not imported");
            return None;
        }
        shared.imports.insert(&decision.consent_id);
        shared.metrics.consent_decisions_total.with_label_values(&["imported"]).inc();
    }
    *state = ConsentState {
        decided: true,
        granted: decision.granted,
        services: decision.services.clone(),
        gpc: state.gpc,
        consent_id: Some(decision.consent_id.clone()),
        decided_at: Some(decided_at),
    };
    Some(crate::consent::set_cookie::consent_cookie(settings, &decision, https))
}
