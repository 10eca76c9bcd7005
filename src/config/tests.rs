use super::*;
use crate::access::settings::LogFormat;
use crate::upstream::settings::HostMode;
use std::io::Write;

fn file(text: &str) -> tempfile::NamedTempFile {
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(text.as_bytes()).unwrap();
    f
}

fn source(file: Option<&tempfile::NamedTempFile>, env: &[(&str, &str)], flags: &[(&str, &str)]) -> ConfigSource {
    ConfigSource {
        file: file.map(|f| f.path().to_path_buf()),
        overrides: flags.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        env: Some(env.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
    }
}

#[test]
fn defaults_need_only_an_upstream() {
    let c = source(None, &[], &[("upstream.url", "http://127.0.0.1:3000")]).load().unwrap();
    assert_eq!(c.server.listen, "0.0.0.0:8080".parse().unwrap());
    assert_eq!(c.server.admin, "127.0.0.1:9090".parse().unwrap());
    assert_eq!(c.upstream.host, HostMode::Preserve);
    assert_eq!(c.upstream.socket_target(), "127.0.0.1:3000");
}

#[test]
fn missing_upstream_names_the_key() {
    let err = source(None, &[], &[]).load().unwrap_err();
    assert_eq!(err.key, "upstream.url");
}

#[test]
fn precedence_is_flag_then_env_then_file() {
    let f = file("[upstream]\nurl = \"http://file:1\"\n[server]\nlisten = \"127.0.0.1:1\"\nadmin = \"127.0.0.1:2\"\n");
    let env = [("CONSENT_PROXY__SERVER__LISTEN", "127.0.0.1:3"), ("CONSENT_PROXY__UPSTREAM__URL", "http://env:2")];
    let c = source(Some(&f), &env, &[("upstream.url", "http://flag:3")]).load().unwrap();
    assert_eq!(c.upstream.url, "http://flag:3");
    assert_eq!(c.server.listen, "127.0.0.1:3".parse().unwrap());
    assert_eq!(c.server.admin, "127.0.0.1:2".parse().unwrap());
}

#[test]
fn env_values_are_typed() {
    let env = [
        ("CONSENT_PROXY__UPSTREAM__URL", "https://origin.example"),
        ("CONSENT_PROXY__SERVER__MAX_CONNECTIONS", "10"),
        ("CONSENT_PROXY__LOG__ACCESS_LOG", "false"),
        ("CONSENT_PROXY__LOG__FORMAT", "json"),
        ("CONSENT_PROXY__UPSTREAM__CONNECT_TIMEOUT", "250ms"),
        ("CONSENT_PROXY__FORWARDING__TRUSTED_HOPS", "10.0.0.0/8,192.168.1.1"),
    ];
    let c = source(None, &env, &[]).load().unwrap();
    assert_eq!(c.server.max_connections, 10);
    assert!(!c.log.access_log);
    assert_eq!(c.log.format, LogFormat::Json);
    assert_eq!(c.upstream.connect_timeout, Duration::from_millis(250));
    assert_eq!(c.forwarding.trusted_hops.len(), 2);
    assert_eq!(c.upstream.socket_target(), "origin.example:443");
}

#[test]
fn unknown_keys_are_named() {
    let f = file("[upstream]\nurl = \"http://a\"\n[server]\nlisten_port = 1\n");
    assert_eq!(source(Some(&f), &[], &[]).load().unwrap_err().key, "server.listen_port");
    let f = file("upstreams = 1\n");
    assert_eq!(source(Some(&f), &[], &[]).load().unwrap_err().key, "upstreams");
    let env = [("CONSENT_PROXY__LOG__COLOUR", "red"), ("CONSENT_PROXY__UPSTREAM__URL", "http://a")];
    assert_eq!(source(None, &env, &[]).load().unwrap_err().key, "log.colour");
}

#[test]
fn bad_values_are_named() {
    let cases = [
        ("[server]\nlisten = \"nonsense\"\n", "server.listen"),
        ("[server]\nidle_timeout = \"soon\"\n", "server.idle_timeout"),
        ("[server]\nmax_header_bytes = 100\n", "server.max_header_bytes"),
        ("[log]\nformat = \"xml\"\n", "log.format"),
        ("[forwarding]\ntrusted_hops = [\"10.0.0.300/8\"]\n", "forwarding.trusted_hops"),
        ("[upstream]\nhost = \"bad\\nhost\"\n", "upstream.host"),
    ];
    for (text, key) in cases {
        let f = file(text);
        let err = source(Some(&f), &[("CONSENT_PROXY__UPSTREAM__URL", "http://a")], &[]).load().unwrap_err();
        assert_eq!(err.key, key, "{text} gave {err}");
    }
    for url in ["ftp://a", "not a url", "http://a/path", "/relative"] {
        let err = source(None, &[], &[("upstream.url", url)]).load().unwrap_err();
        assert_eq!(err.key, "upstream.url", "{url}");
    }
}

#[test]
fn unreadable_and_malformed_files_are_errors() {
    let missing = ConfigSource { file: Some("/nonexistent/x.toml".into()), ..Default::default() };
    assert!(missing.load().unwrap_err().to_string().contains("/nonexistent/x.toml"));
    let f = file("[server\nlisten=");
    assert!(source(Some(&f), &[], &[]).load().is_err());
}
