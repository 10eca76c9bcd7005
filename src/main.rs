//! The command line: parse, set up logging, load config, call the library, map errors to an exit
//! code. Everything else lives in the library.

use clap::{Parser, Subcommand};
use consent_proxy::access::settings::LogFormat;
use consent_proxy::config::{Config, ConfigSource};
use consent_proxy::{demo, stop_signal, Proxy};
use std::path::PathBuf;
use std::process::ExitCode;

/// A reverse proxy that makes any website honour cookie consent.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    /// The origin to proxy to, e.g. http://127.0.0.1:3000 (upstream.url).
    #[arg(long, env = "CONSENT_PROXY_UPSTREAM", global = true)]
    upstream: Option<String>,
    /// Address to serve visitors on (server.listen) [default: 0.0.0.0:8080].
    #[arg(long, env = "CONSENT_PROXY_LISTEN", global = true)]
    listen: Option<String>,
    /// Address of /healthz, /readyz and /metrics (server.admin) [default: 127.0.0.1:9090].
    #[arg(long, env = "CONSENT_PROXY_ADMIN", global = true)]
    admin: Option<String>,
    /// TOML config file.
    #[arg(long, env = "CONSENT_PROXY_CONFIG", global = true)]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate a config (file + environment + flags) and exit non-zero naming the bad key.
    Check,
    /// Run an embedded legacy shop with the proxy in front of it, on loopback.
    Demo,
    /// Work with consent audit files (audit.sink).
    #[command(subcommand)]
    Audit(AuditCommand),
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check the hash chain across FILEs (oldest first); exit 1 at the first broken or missing link.
    Verify {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print every record of one visitor (a data-subject access request); exit 1 when none.
    Find {
        /// The visitor's consent id (shown on /__consent and in the banner's settings).
        /// Ids are base64url, so one may start with `-`: taken as the value, not a flag.
        #[arg(long, allow_hyphen_values = true)]
        id: String,
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Command::Check) => check(&cli),
        Some(Command::Demo) => run(demo_source(&cli), true),
        Some(Command::Audit(cmd)) => audit(cmd),
        None => run(source(&cli), false),
    }
}

fn source(cli: &Cli) -> ConfigSource {
    let mut overrides = Vec::new();
    for (key, value) in [("upstream.url", &cli.upstream), ("server.listen", &cli.listen), ("server.admin", &cli.admin)]
    {
        if let Some(v) = value {
            overrides.push((key.to_string(), v.clone()));
        }
    }
    ConfigSource { file: cli.config.clone(), overrides, env: None }
}

fn demo_source(cli: &Cli) -> ConfigSource {
    let mut s = source(cli);
    s.overrides.retain(|(k, _)| k != "upstream.url");
    let defaults = [("server.listen", "127.0.0.1:8080"), ("server.admin", "127.0.0.1:9090"), ("shutdown.delay", "0s")];
    for (key, value) in defaults {
        if !s.overrides.iter().any(|(k, _)| k == key) {
            s.overrides.push((key.into(), value.into()));
        }
    }
    s
}

fn check(cli: &Cli) -> ExitCode {
    match source(cli).load() {
        Ok(config) => {
            println!("config ok: upstream {}, listening on {}", config.upstream.url, config.server.listen);
            println!("{}", lists_summary(&config));
            println!("{}", takeover_summary(&config));
            println!("{}", config.traces.summary());
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn audit(cmd: AuditCommand) -> ExitCode {
    use consent_proxy::consent::audit::verify::{self, VerifyError};
    match cmd {
        AuditCommand::Verify { files } => match verify::verify(&files) {
            Ok(v) => {
                println!("ok: {} decision records in {} chains, no broken or missing link", v.records, v.chains);
                if let Some(after) = v.continues {
                    println!("the first chain continues a file not given (after a line with hash {})", after.hash);
                }
                if let Some(hash) = v.last_hash {
                    println!("last line's hash: {hash} (keep it elsewhere to prove later that nothing was cut off)");
                }
                ExitCode::SUCCESS
            }
            Err(VerifyError::Broken(b)) => {
                println!("broken: {b}");
                ExitCode::from(1)
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
        AuditCommand::Find { id, files } => match verify::find(&files, &id) {
            Ok(lines) if lines.is_empty() => {
                eprintln!("no record for consent id {id}");
                ExitCode::from(1)
            }
            Ok(lines) => {
                for l in lines {
                    println!("{l}");
                }
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::from(2)
            }
        },
    }
}

/// What `check` says about importing other consent managers' decisions, click ids and GPC.
fn takeover_summary(config: &Config) -> String {
    let consent = &config.consent;
    let sources: Vec<&str> = consent.import.sources().map(|s| s.id()).collect();
    let import = if sources.is_empty() {
        "consent import: off (consent.import)".to_string()
    } else {
        format!("consent import: decisions in {} cookies are taken over", sources.join(", "))
    };
    let ids = config.click_ids.params();
    let category = &consent.categories[config.click_ids.category].id;
    let click_ids = if ids.is_empty() {
        "click ids: kept in URLs (click_ids.strip = false)".to_string()
    } else {
        format!("click ids: {} removed from URLs without {category} consent ({})", ids.len(), ids.join(", "))
    };
    let gpc = if consent.gpc_json.is_some() { "served" } else { "not served (consent.gpc_json = false)" };
    format!("{import}\n{click_ids}\n/.well-known/gpc.json: {gpc}")
}

/// What `check` says about the tracker catalog and the filter lists.
fn lists_summary(config: &Config) -> String {
    let t = &config.trackers;
    let mut out = format!("trackers: {} catalog and config rules", t.len());
    if t.lists().specs().is_empty() {
        out.push_str("; no filter lists (only the built-in catalog): see [[trackers.lists]]");
    }
    let services = &config.consent.services;
    let configured = services.iter().filter(|(_, s)| s.configured).count();
    out.push_str(&format!(
        "\nservices: {} a visitor can choose one by one ({configured} shaped by [services])",
        services.len()
    ));
    for spec in t.lists().specs() {
        out.push_str(&format!("\nlist {}: ", spec.path.display()));
        match t.lists().get(&spec.path) {
            Some(list) => {
                let age = list
                    .age()
                    .map_or("age unknown".to_string(), |a| format!("updated {} days ago", a.as_secs() / 86_400));
                out.push_str(&format!(
                    "{} rules, {} format, category {}, {age}",
                    list.rules,
                    list.format.as_str(),
                    list.category
                ));
            }
            None => out.push_str(&format!("not downloaded yet, category {}", spec.category)),
        }
        if let Some(source) = &spec.source {
            out.push_str(&format!(
                "; refreshed from {} every {}",
                source.url,
                humantime::format_duration(source.refresh)
            ));
        }
    }
    out
}

fn run(mut source: ConfigSource, demo: bool) -> ExitCode {
    let runtime = match workers(&source, demo) {
        1 => tokio::runtime::Builder::new_current_thread().enable_all().build(),
        n => tokio::runtime::Builder::new_multi_thread().worker_threads(n).enable_all().build(),
    }
    .expect("tokio runtime");
    runtime.block_on(async move {
        if demo {
            match demo::start_origin().await {
                Ok(addr) => source.overrides.push(("upstream.url".into(), format!("http://{addr}"))),
                Err(e) => {
                    eprintln!("error: cannot start the demo origin: {e}");
                    return ExitCode::FAILURE;
                }
            }
        }
        let config = match source.load() {
            Ok(c) => c,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        init_tracing(&config);
        if config.trackers.lists().specs().is_empty() {
            tracing::info!("no [[trackers.lists]]: only the built-in tracker catalog and your rules are in use");
        }
        for (list, _) in config.trackers.lists().lists() {
            tracing::info!(path = %list.path.display(), category = %list.category, rules = list.rules, "tracker list in use");
        }
        let proxy = match Proxy::bind(config.clone(), source).await {
            Ok(p) => p,
            Err(e) => {
                tracing::error!("{e:#}");
                eprintln!("error: {e:#}");
                return ExitCode::FAILURE;
            }
        };
        let stop = stop_signal();
        tracing::info!(listen = %proxy.addr(), admin = %proxy.admin_addr(), upstream = %config.upstream.url, "consent-proxy listening");
        if demo {
            println!("\nDemo shop behind consent-proxy: open http://{}/", proxy.addr());
            println!("Metrics: http://{}/metrics — stop with Ctrl-C\n", proxy.admin_addr());
        }
        proxy.run(stop).await;
        ExitCode::SUCCESS
    })
}

/// `server.workers`, resolved: 0 means one per CPU this process may run on. Read before the
/// runtime exists; a config that does not load is reported by the full load inside it.
fn workers(source: &ConfigSource, demo: bool) -> usize {
    let mut source = source.clone();
    if demo {
        source.overrides.push(("upstream.url".into(), "http://127.0.0.1:1".into()));
    }
    match source.load().map(|c| c.server.workers) {
        Ok(n) if n > 0 => n,
        _ => std::thread::available_parallelism().map_or(1, |n| n.get()),
    }
}

fn init_tracing(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(&config.log.level));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match config.log.format {
        LogFormat::Json => builder.json().flatten_event(true).init(),
        LogFormat::Human => builder.init(),
    }
}
