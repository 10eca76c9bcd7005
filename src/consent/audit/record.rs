//! What a decision's audit record says: who (the consent id), when, on which host, what was
//! granted and refused (categories, and services apart from their category), what was granted before, how the choice was made (`action`: a button,
//! or `imported` from another consent manager's cookie, with its `source`), and which texts and
//! catalog the visitor saw.

use serde_json::{json, Map, Value};

use crate::consent::codec::Decision;
use crate::consent::{CategorySet, ConsentSettings, Lang};

/// The facts of one decision.
pub struct DecisionFacts<'a> {
    pub decision: &'a Decision,
    /// What was granted before, if the visitor had decided.
    pub previous: Option<CategorySet>,
    pub action: &'a str,
    pub host: &'a str,
    pub gpc: bool,
    pub lang: Lang,
    pub catalog_version: &'a str,
}

fn ids(settings: &ConsentSettings, set: CategorySet) -> Vec<&str> {
    set.iter().filter_map(|i| settings.categories.get(i)).map(|c| c.id.as_str()).collect()
}

fn service_ids<'a>(settings: &'a ConsentSettings, list: &[u16]) -> Vec<&'a str> {
    list.iter().filter_map(|&i| settings.services.get(i)).map(|s| s.id.as_str()).collect()
}

/// The record's fields (the sink adds the chain's).
pub fn fields(settings: &ConsentSettings, f: &DecisionFacts) -> Map<String, Value> {
    let d = f.decision;
    let v = json!({
        "time": d.decided_at,
        "consent_id": d.consent_id,
        "host": f.host,
        "revision": settings.revision,
        "action": f.action,
        "granted": ids(settings, d.granted),
        "refused": ids(settings, settings.all().minus(d.granted)),
        "previous": f.previous.map(|p| ids(settings, p)),
        // Choices per service that differ from their category (`+id`/`-id` in the cookie).
        "services": {
            "granted": service_ids(settings, d.services.granted()),
            "refused": service_ids(settings, d.services.refused()),
        },
        "gpc": f.gpc,
        "language": f.lang.code(),
        "texts_hash": settings.texts_hash(f.lang),
        "catalog_version": f.catalog_version,
    });
    match v {
        Value::Object(m) => m,
        _ => unreachable!("json! of an object"),
    }
}
