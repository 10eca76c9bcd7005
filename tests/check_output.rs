//! `consent-proxy check`, word for word: what it prints for a good configuration and the message
//! for a mistake in each section. Operators script around these lines and the README quotes them,
//! so a change to the configuration's code (issue 24 moved every section to its own module) must
//! not change a byte of them. A deliberate change of wording updates this file (the `traces:` line
//! and its two mistakes were added with the `[traces]` section; the `services:` line and three
//! mistakes with `[services]`).

use std::process::Command;

/// File text after the fixed `[server]`/`[upstream]`/`[shutdown]` part, environment, stderr.
type Case = (&'static str, &'static [(&'static str, &'static str)], &'static str);

fn check(top: &str, rest: &str, env: &[(&str, &str)]) -> (Option<i32>, String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("consent-proxy.toml");
    let text = format!(
        "{top}[server]\nlisten = \"127.0.0.1:0\"\nadmin = \"127.0.0.1:0\"\n[upstream]\nurl = \"http://127.0.0.1:1\"\n[shutdown]\ndelay = \"0s\"\n{rest}"
    );
    std::fs::write(&path, text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_consent-proxy"))
        .env_clear()
        .envs(env.iter().copied())
        .args(["check", "--config", path.to_str().unwrap()])
        .output()
        .unwrap();
    let text = |b: Vec<u8>| String::from_utf8(b).unwrap();
    (out.status.code(), text(out.stdout), text(out.stderr))
}

#[test]
fn a_good_configuration_is_summed_up_in_these_lines() {
    let (code, stdout, stderr) = check("", "", &[]);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    assert_eq!(stdout, "config ok: upstream http://127.0.0.1:1, listening on 127.0.0.1:0\ntrackers: 1024 catalog and config rules; no filter lists (only the built-in catalog): see [[trackers.lists]]\nservices: 259 a visitor can choose one by one (0 shaped by [services])\nconsent import: off (consent.import)\nclick ids: 13 removed from URLs without marketing consent (gclid, gbraid, wbraid, dclid, fbclid, msclkid, ttclid, twclid, li_fat_id, yclid, mc_eid, _hsenc, _hsmi)\n/.well-known/gpc.json: served\ntraces: off (traces.export, OTEL_TRACES_EXPORTER, OTEL_EXPORTER_OTLP_ENDPOINT)\n");
}

#[test]
fn each_section_names_its_key_and_says_what_is_wrong_in_these_words() {
    let cases: &[Case] = &[
        ("", &[("CONSENT_PROXY__SERVER__NOPE", "1")], "error: config key `server.nope`: unknown field `nope`, expected one of `listen`, `admin`, `tls`, `workers`, `backlog`, `max_connections`, `max_header_bytes`, `header_read_timeout`, `idle_timeout` for key `server`\n"),
        ("", &[("CONSENT_PROXY__SERVER__MAX_HEADER_BYTES", "100")], "error: config key `server.max_header_bytes`: must be at least 8192\n"),
        ("", &[("CONSENT_PROXY__SERVER__IDLE_TIMEOUT", "0s")], "error: config key `server.idle_timeout`: must be greater than zero\n"),
        ("", &[("CONSENT_PROXY__UPSTREAM__URL", "http://127.0.0.1:1/app")], "error: config key `upstream.url`: `http://127.0.0.1:1/app` must not have a path or query: requests keep theirs\n"),
        ("", &[("CONSENT_PROXY__UPSTREAM__HOST", "bad host\u{1}")], "error: config key `upstream.host`: must be `preserve`, `upstream` or a valid host\n"),
        ("", &[("CONSENT_PROXY__FORWARDING__TRUSTED_HOPS", "10.0.0.0/8,nope")], "error: config key `forwarding.trusted_hops`: `nope` is not an IP address or CIDR\n"),
        ("", &[("CONSENT_PROXY__LOG__LEVEL", "==")], "error: config key `log.level`: invalid filter directive\n"),
        ("[log]\nformat = \"xml\"\n", &[], "error: config key `log.format`: enum LogFormat does not have variant constructor xml for key `log.format`\n"),
        ("[reload]\ninterval = \"0s\"\n", &[], "error: config key `reload.interval`: must be greater than zero\n"),
        ("[consent]\ngpc_last_update = \"yesterday\"\n", &[], "error: config key `consent.gpc_last_update`: `yesterday` is not a date (YYYY-MM-DD)\n"),
        ("[consent]\nimport = [\"trustarc\"]\n", &[], "error: config key `consent.import`: `trustarc` is not one of onetrust, cookiebot, cookieconsent, klaro\n"),
        ("[[consent.categories]]\nid = \"Bad Id\"\n", &[], "error: config key `consent.categories`: `Bad Id` is not a valid id (a-z, 0-9, _ and -)\n"),
        ("[click_ids]\ncategory = \"nope\"\n", &[], "error: config key `click_ids.category`: `nope` is not a declared, refusable category\n"),
        ("[[cookies.rules]]\nname = \"_x\"\ncategory = \"nope\"\n", &[], "error: config key `cookies.rules`: `_x`: category `nope` is not declared in consent.categories\n"),
        ("[[trackers.rules]]\npattern = \"\"\ncategory = \"marketing\"\n", &[], "error: config key `trackers.rules`: an empty pattern\n"),
        ("[[trackers.lists]]\npath = \"/nonexistent/list.txt\"\ncategory = \"necessary\"\n", &[], "error: config key `trackers.lists[0].category`: `necessary` is not a declared, refusable category\n"),
        ("[[trackers.lists]]\npath = \"/tmp/x.txt\"\ncategory = \"marketing\"\nrefresh = \"1h\"\n", &[], "error: config key `trackers.lists[0].refresh`: only means something with `url`\n"),
        ("[banner]\nposition = \"middle\"\n", &[], "error: config key `banner.position`: `middle`: use bottom, top or center\n"),
        ("[banner]\nthumbnails_origin = \"not a url\"\n", &[], "error: config key `banner.thumbnails_origin`: relative URL without a base\n"),
        ("[audit]\nsink = \"  \"\n", &[], "error: config key `audit.sink`: must be `stdout` or a file path\n"),
        ("[html]\nbanner_script_file = \"/nonexistent/banner.js\"\n", &[], "error: config key `html.banner_script_file`: cannot read /nonexistent/banner.js: No such file or directory (os error 2)\n"),
        ("mode = \"loud\"\n", &[], "error: config key `mode`: enum Mode does not have variant constructor loud for key `mode`\n"),
        ("[services.youtube]\ncategory = \"necessary\"\n", &[], "error: config key `services.youtube.category`: `necessary` is not a declared category that can be refused\n"),
        ("[services.chat]\nname = \"Chat\"\n", &[], "error: config key `services.chat.category`: a new service needs a category (or a provider the catalog knows)\n"),
        ("[services.youtube]\nlabel = \"Videos\"\n", &[], "error: config key `services.youtube.label`: unknown field `label`, expected one of `name`, `category`, `hidden`, `description`, `description_sv`, `providers` for key `services.youtube`\n"),
        ("[traces]\nsampler = \"sometimes\"\nexport = \"otlp\"\n", &[], "error: config key `traces.sampler`: `sometimes`: one of always_on, always_off, traceidratio, parentbased_always_on, parentbased_always_off, parentbased_traceidratio\n"),
        ("", &[("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")], "error: config key `OTEL_EXPORTER_OTLP_PROTOCOL`: `grpc`: this proxy exports `http/protobuf` only\n"),
    ];
    let mut wrong = Vec::new();
    for (extra, env, expected) in cases {
        // Top-level keys (`mode`) must come before the first table.
        let (top, rest) = if extra.starts_with('[') { ("", *extra) } else { (*extra, "") };
        let (code, stdout, stderr) = check(top, rest, env);
        if (code, stdout.as_str(), stderr.as_str()) != (Some(2), "", *expected) {
            wrong.push(format!("{extra:?} {env:?}\n  expected {expected:?}\n  got {code:?} {stdout:?} {stderr:?}"));
        }
    }
    assert!(wrong.is_empty(), "check's words changed:\n{}", wrong.join("\n"));
}

#[test]
fn the_standard_opentelemetry_variables_show_in_check() {
    let env = [("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"), ("OTEL_TRACES_SAMPLER_ARG", "0.05")];
    let (code, stdout, _) = check("", "", &env);
    assert_eq!(code, Some(0));
    assert_eq!(
        stdout.lines().last(),
        Some(
            "traces: OTLP/HTTP to http://collector:4318/v1/traces as service consent-proxy, sampled as the caller's \
             traceparent says, else 5% of new traces; queue 2048, batches of 512 every 5s"
        )
    );
}
