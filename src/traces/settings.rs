//! `[traces]`: OpenTelemetry trace export, off by default. The standard `OTEL_*` environment
//! variables are read as every OpenTelemetry SDK reads them; a key set in `[traces]` (file,
//! `CONSENT_PROXY__TRACES__*` or a flag) wins over them.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

use crate::settings::SettingsError;

/// `[traces]` as written; unset keys fall back to the `OTEL_*` variables, then to the defaults.
#[derive(Debug, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct RawTraces {
    /// `otlp` or `off`.
    pub export: Option<String>,
    /// The OTLP/HTTP traces URL (`http://collector:4318/v1/traces`).
    pub endpoint: Option<String>,
    /// As `OTEL_TRACES_SAMPLER`: `parentbased_traceidratio`, `always_on`, …
    pub sampler: Option<String>,
    /// The ratio of new traces kept (0.0–1.0), for the `*traceidratio` samplers.
    pub sample_ratio: Option<f64>,
    pub service_name: Option<String>,
    /// Resource attributes (`deployment.environment = "prod"`), besides `OTEL_RESOURCE_ATTRIBUTES`.
    pub resource: BTreeMap<String, String>,
    /// Headers sent with each export (a SaaS collector's key), besides `OTEL_EXPORTER_OTLP_HEADERS`.
    pub headers: BTreeMap<String, String>,
    /// Finished spans waiting for export; beyond this they are dropped (and counted).
    pub queue: Option<usize>,
    /// Spans per export request.
    pub batch: Option<usize>,
    /// Longest wait before a partial batch is sent.
    #[serde(with = "humantime_serde")]
    pub interval: Option<Duration>,
    /// The limit on one export request.
    #[serde(with = "humantime_serde")]
    pub timeout: Option<Duration>,
}

/// How traces are sampled (the OpenTelemetry sampler names).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampling {
    AlwaysOn,
    AlwaysOff,
    Ratio(f64),
    /// A sampled or refused parent decides; a new trace (no `traceparent`) uses the inner one.
    ParentBased(Root),
}

/// The sampler of new traces under `ParentBased`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Root {
    AlwaysOn,
    AlwaysOff,
    Ratio(f64),
}

/// The compiled `[traces]`; `None` in [`TracesSettings::export`] means off.
#[derive(Debug, Clone, PartialEq)]
pub struct TracesSettings {
    pub export: Option<Export>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    pub endpoint: String,
    pub sampling: Sampling,
    /// `service.name` first, then the other resource attributes.
    pub resource: Vec<(String, String)>,
    pub headers: Vec<(String, String)>,
    pub queue: usize,
    pub batch: usize,
    pub interval: Duration,
    pub timeout: Duration,
}

impl TracesSettings {
    /// What `check` says.
    pub fn summary(&self) -> String {
        let Some(e) = &self.export else {
            return "traces: off (traces.export, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT)".into();
        };
        let sampling = match e.sampling {
            Sampling::AlwaysOn => "every trace".to_string(),
            Sampling::AlwaysOff => "no trace".to_string(),
            Sampling::Ratio(r) => format!("{} of traces", percent(r)),
            Sampling::ParentBased(root) => {
                let new = match root {
                    Root::AlwaysOn => "all".to_string(),
                    Root::AlwaysOff => "none".to_string(),
                    Root::Ratio(r) => percent(r),
                };
                format!("as the caller's traceparent says, else {new} of new traces")
            }
        };
        format!(
            "traces: OTLP/HTTP to {} as service {}, sampled {sampling}; queue {}, batches of {} every {}",
            e.endpoint,
            e.resource.first().map_or("", |(_, v)| v.as_str()),
            e.queue,
            e.batch,
            humantime::format_duration(e.interval)
        )
    }
}

fn percent(r: f64) -> String {
    format!("{}%", (r * 10_000.0).round() / 100.0)
}

const DEFAULT_ENDPOINT: &str = "http://localhost:4318/v1/traces";

/// `env` holds the process's `OTEL_*` variables (tests pass their own).
pub fn compile(raw: RawTraces, env: &BTreeMap<String, String>) -> Result<TracesSettings, SettingsError> {
    let var = |name: &str| env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    let bad = |key: &str, m: String| SettingsError::new(key, m);
    let disabled = var("OTEL_SDK_DISABLED").is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let env_export = match var("OTEL_TRACES_EXPORTER") {
        None => None,
        Some(v) => match v.to_ascii_lowercase().as_str() {
            "otlp" => Some(true),
            "none" => Some(false),
            other => {
                return Err(bad("OTEL_TRACES_EXPORTER", format!("`{other}`: only `otlp` and `none` are supported")))
            }
        },
    };
    let env_endpoint = var("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
        .map(String::from)
        .or_else(|| var("OTEL_EXPORTER_OTLP_ENDPOINT").map(|base| format!("{}/v1/traces", base.trim_end_matches('/'))));
    let on = match raw.export.as_deref().map(str::trim) {
        Some("otlp") => true,
        Some("off") => false,
        Some(other) => return Err(bad("traces.export", format!("`{other}`: use `otlp` or `off`"))),
        None => !disabled && env_export.unwrap_or(env_endpoint.is_some()),
    };
    for name in ["OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL"] {
        if let Some(p) = var(name) {
            if on && p != "http/protobuf" {
                return Err(bad(name, format!("`{p}`: this proxy exports `http/protobuf` only")));
            }
            break;
        }
    }
    if !on {
        return Ok(TracesSettings { export: None });
    }

    let endpoint = match raw.endpoint.or(env_endpoint) {
        None => DEFAULT_ENDPOINT.to_string(),
        Some(e) => {
            let e = e.trim().to_string();
            let key = "traces.endpoint";
            let url = url::Url::parse(&e).map_err(|err| bad(key, format!("`{e}`: {err}")))?;
            if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
                return Err(bad(key, format!("`{e}`: an http(s) URL with a host")));
            }
            e
        }
    };

    let sampler = raw
        .sampler
        .as_deref()
        .map(|s| ("traces.sampler", s))
        .or(var("OTEL_TRACES_SAMPLER").map(|s| ("OTEL_TRACES_SAMPLER", s)));
    let ratio = match raw.sample_ratio {
        Some(r) => Some(("traces.sample_ratio", r)),
        None => match var("OTEL_TRACES_SAMPLER_ARG") {
            Some(a) => Some((
                "OTEL_TRACES_SAMPLER_ARG",
                a.parse::<f64>().map_err(|_| bad("OTEL_TRACES_SAMPLER_ARG", format!("`{a}` is not a number")))?,
            )),
            None => None,
        },
    };
    if let Some((key, r)) = ratio {
        if !(0.0..=1.0).contains(&r) {
            return Err(bad(key, format!("{r} is not between 0 and 1")));
        }
    }
    let r = ratio.map_or(1.0, |(_, r)| r);
    let sampling = match sampler.map(|(k, s)| (k, s.trim().to_ascii_lowercase())) {
        // A ratio alone means the usual: parent-based, that share of new traces.
        None if ratio.is_some() => Sampling::ParentBased(Root::Ratio(r)),
        None => Sampling::ParentBased(Root::AlwaysOn),
        Some((key, s)) => match s.as_str() {
            "always_on" => Sampling::AlwaysOn,
            "always_off" => Sampling::AlwaysOff,
            "traceidratio" => Sampling::Ratio(r),
            "parentbased_always_on" => Sampling::ParentBased(Root::AlwaysOn),
            "parentbased_always_off" => Sampling::ParentBased(Root::AlwaysOff),
            "parentbased_traceidratio" => Sampling::ParentBased(Root::Ratio(r)),
            other => {
                return Err(bad(
                    key,
                    format!(
                        "`{other}`: one of always_on, always_off, traceidratio, parentbased_always_on, \
                         parentbased_always_off, parentbased_traceidratio"
                    ),
                ))
            }
        },
    };

    // Resource: OTEL_RESOURCE_ATTRIBUTES, then [traces.resource]; service.name from
    // traces.service_name, OTEL_SERVICE_NAME, the attributes, or `consent-proxy`.
    let mut attrs: BTreeMap<String, String> = BTreeMap::new();
    if let Some(list) = var("OTEL_RESOURCE_ATTRIBUTES") {
        attrs.extend(key_values(list).map_err(|m| bad("OTEL_RESOURCE_ATTRIBUTES", m))?);
    }
    attrs.extend(raw.resource);
    let service = raw
        .service_name
        .or(var("OTEL_SERVICE_NAME").map(String::from))
        .or_else(|| attrs.get("service.name").cloned())
        .unwrap_or_else(|| "consent-proxy".into());
    attrs.remove("service.name");
    let mut resource = vec![("service.name".to_string(), service)];
    resource.extend(attrs);

    let mut headers: BTreeMap<String, String> = BTreeMap::new();
    for name in ["OTEL_EXPORTER_OTLP_HEADERS", "OTEL_EXPORTER_OTLP_TRACES_HEADERS"] {
        if let Some(list) = var(name) {
            headers.extend(key_values(list).map_err(|m| bad(name, m))?);
        }
    }
    headers.extend(raw.headers);
    for name in headers.keys() {
        http::HeaderName::from_bytes(name.as_bytes())
            .map_err(|_| bad("traces.headers", format!("`{name}` is not a header name")))?;
    }

    let millis = |name: &str| -> Result<Option<Duration>, SettingsError> {
        var(name)
            .map(|v| v.parse::<u64>().map(Duration::from_millis).map_err(|_| bad(name, format!("`{v}`: milliseconds"))))
            .transpose()
    };
    let count = |name: &str| -> Result<Option<usize>, SettingsError> {
        var(name).map(|v| v.parse::<usize>().map_err(|_| bad(name, format!("`{v}`: a count")))).transpose()
    };
    let queue = raw.queue.or(count("OTEL_BSP_MAX_QUEUE_SIZE")?).unwrap_or(2048);
    let batch = raw.batch.or(count("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")?).unwrap_or(512);
    let interval = raw.interval.or(millis("OTEL_BSP_SCHEDULE_DELAY")?).unwrap_or(Duration::from_secs(5));
    let timeout = raw
        .timeout
        .or(millis("OTEL_EXPORTER_OTLP_TRACES_TIMEOUT")?)
        .or(millis("OTEL_EXPORTER_OTLP_TIMEOUT")?)
        .unwrap_or(Duration::from_secs(10));
    if queue == 0 || batch == 0 {
        return Err(bad("traces.queue", "the queue and the batch hold at least one span".into()));
    }
    if interval.is_zero() || timeout.is_zero() {
        return Err(bad("traces.interval", "the interval and the timeout must be more than zero".into()));
    }
    Ok(TracesSettings {
        export: Some(Export {
            endpoint,
            sampling,
            resource,
            headers: headers.into_iter().collect(),
            queue,
            batch: batch.min(queue),
            interval,
            timeout,
        }),
    })
}

/// `k=v,k2=v2` with percent-encoded values (the W3C Baggage form the OTel variables use).
fn key_values(list: &str) -> Result<Vec<(String, String)>, String> {
    list.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').ok_or_else(|| format!("`{}` is not key=value", pair.trim()))?;
            let v: String = percent_decode(v.trim());
            Ok((k.trim().to_string(), v))
        })
        .collect()
}

fn percent_decode(s: &str) -> String {
    let bytes: Vec<u8> = form_urlencoded::parse(format!("v={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned().into_bytes())
        .unwrap_or_default();
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn off_unless_asked_for() {
        assert_eq!(compile(RawTraces::default(), &env(&[])).unwrap().export, None);
        let off = compile(RawTraces::default(), &env(&[("OTEL_TRACES_EXPORTER", "none")])).unwrap();
        assert_eq!(off.export, None);
        let sdk_off = env(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318"), ("OTEL_SDK_DISABLED", "true")]);
        assert_eq!(compile(RawTraces::default(), &sdk_off).unwrap().export, None);
        let raw = RawTraces { export: Some("off".into()), ..Default::default() };
        assert_eq!(compile(raw, &env(&[("OTEL_TRACES_EXPORTER", "otlp")])).unwrap().export, None, "config wins");
    }

    #[test]
    fn the_standard_variables_turn_it_on_and_shape_it() {
        let e = compile(
            RawTraces::default(),
            &env(&[
                ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"),
                ("OTEL_SERVICE_NAME", "shop-proxy"),
                ("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod,team=web%20ops,service.name=x"),
                ("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                ("OTEL_TRACES_SAMPLER_ARG", "0.25"),
                ("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr%3Dt"),
                ("OTEL_BSP_MAX_QUEUE_SIZE", "100"),
                ("OTEL_BSP_SCHEDULE_DELAY", "250"),
            ]),
        )
        .unwrap()
        .export
        .unwrap();
        assert_eq!(e.endpoint, "http://collector:4318/v1/traces");
        assert_eq!(e.sampling, Sampling::ParentBased(Root::Ratio(0.25)));
        assert_eq!(
            e.resource,
            [("service.name", "shop-proxy"), ("deployment.environment", "prod"), ("team", "web ops")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(e.headers, [("api-key".to_string(), "s3cr=t".to_string())]);
        assert_eq!((e.queue, e.batch, e.interval), (100, 100, Duration::from_millis(250)));
        let signal = env(&[
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://a:4318"),
            ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://b:4318/custom"),
        ]);
        assert_eq!(compile(RawTraces::default(), &signal).unwrap().export.unwrap().endpoint, "http://b:4318/custom");
        let otlp = compile(RawTraces::default(), &env(&[("OTEL_TRACES_EXPORTER", "otlp")])).unwrap();
        assert_eq!(otlp.export.unwrap().endpoint, DEFAULT_ENDPOINT);
    }

    #[test]
    fn config_keys_win_over_the_variables() {
        let raw = RawTraces {
            export: Some("otlp".into()),
            endpoint: Some("https://otel.example/v1/traces".into()),
            sample_ratio: Some(0.01),
            service_name: Some("edge".into()),
            ..Default::default()
        };
        let e = compile(raw, &env(&[("OTEL_SERVICE_NAME", "other"), ("OTEL_TRACES_SAMPLER_ARG", "0.5")]))
            .unwrap()
            .export
            .unwrap();
        assert_eq!(e.endpoint, "https://otel.example/v1/traces");
        assert_eq!(e.sampling, Sampling::ParentBased(Root::Ratio(0.01)));
        assert_eq!(e.resource[0].1, "edge");
    }

    #[test]
    fn mistakes_name_the_key_or_the_variable() {
        let on = [("OTEL_TRACES_EXPORTER", "otlp")];
        for (raw, vars, key) in [
            (RawTraces { export: Some("jaeger".into()), ..Default::default() }, &[][..], "traces.export"),
            (RawTraces::default(), &[("OTEL_TRACES_EXPORTER", "zipkin")][..], "OTEL_TRACES_EXPORTER"),
            (RawTraces { endpoint: Some("collector:4318".into()), ..Default::default() }, &on[..], "traces.endpoint"),
            (RawTraces { sample_ratio: Some(1.5), ..Default::default() }, &on[..], "traces.sample_ratio"),
            (RawTraces { sampler: Some("sometimes".into()), ..Default::default() }, &on[..], "traces.sampler"),
            (
                RawTraces::default(),
                &[("OTEL_TRACES_EXPORTER", "otlp"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")][..],
                "OTEL_EXPORTER_OTLP_PROTOCOL",
            ),
            (
                RawTraces::default(),
                &[("OTEL_TRACES_EXPORTER", "otlp"), ("OTEL_TRACES_SAMPLER_ARG", "half")][..],
                "OTEL_TRACES_SAMPLER_ARG",
            ),
            (RawTraces { queue: Some(0), ..Default::default() }, &on[..], "traces.queue"),
        ] {
            let err = compile(raw, &env(vars)).unwrap_err();
            assert_eq!(err.key, key, "{err}");
        }
        // A protocol variable for another exporter does not matter while export is off.
        assert!(compile(RawTraces::default(), &env(&[("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")])).is_ok());
    }
}
