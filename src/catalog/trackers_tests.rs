//! Tests of the tracker catalog: built-in data, matching, fast paths against the full parse.
use super::*;
use crate::catalog::tracker_rule::normalize_pattern;
use std::collections::HashSet;

fn builtin() -> TrackerCatalog {
    TrackerCatalog::new(TrackerCatalog::builtin_rules())
}

fn base(s: &str) -> Url {
    Url::parse(s).unwrap()
}

/// (provider, category) of a URL on page `https://shop.example/p/`.
fn who(cat: &TrackerCatalog, url: &str) -> Option<(String, String)> {
    let page = base("https://shop.example/p/");
    cat.classify_url(url, Some(&page)).map(|r| (r.provider.clone(), r.category.clone()))
}

fn config(kind: TrackerMatch, pattern: &str, category: &str) -> TrackerRule {
    TrackerRule {
        kind,
        pattern: pattern.into(),
        category: category.into(),
        provider: "Config".into(),
        from_config: true,
    }
}

#[test]
fn builtin_data_is_canonical_unique_and_large() {
    let rules = TrackerCatalog::builtin_rules();
    let mut seen = HashSet::new();
    for r in &rules {
        assert!(r.validate().is_ok(), "{r:?}");
        assert_eq!(normalize_pattern(r.kind, &r.pattern).unwrap(), r.pattern, "not canonical: {r:?}");
        assert!(seen.insert((r.kind, r.pattern.clone())), "duplicate builtin rule {r:?}");
        assert!(["analytics", "marketing", NOT_A_TRACKER].contains(&r.category.as_str()), "{r:?}");
    }
    let cat = TrackerCatalog::new(rules.clone());
    assert_eq!(cat.len(), rules.len());
    let host_level = cat.host_rules().count();
    let curated = PROVIDERS.iter().map(|p| p.hosts.len() + p.suffixes.len()).sum::<usize>();
    assert!(curated >= 250, "only {curated} curated host/suffix rules");
    assert!(host_level >= curated + 2 * GOOGLE_DOMAINS.len());
    // A suffix rule's domain is never also listed as another provider's exact host or suffix.
    let suffixes: HashSet<&str> =
        rules.iter().filter(|r| r.kind == TrackerMatch::HostSuffix).map(|r| r.pattern.as_str()).collect();
    for r in rules.iter().filter(|r| r.kind == TrackerMatch::Host) {
        assert!(!suffixes.contains(r.pattern.as_str()), "{} is both host and suffix", r.pattern);
    }
}

#[test]
fn every_builtin_url_rule_classifies_to_its_provider() {
    let cat = builtin();
    for r in TrackerCatalog::builtin_rules() {
        if r.category == NOT_A_TRACKER {
            let url = match r.kind {
                TrackerMatch::UrlPrefix => format!("https://{}x", r.pattern),
                _ => format!("https://{}/x", r.pattern),
            };
            let page = base("https://shop.example/p/");
            assert_eq!(cat.classify_url_rule(&url, Some(&page)).map(|r| r.category.as_str()), Some(NOT_A_TRACKER));
            continue;
        }
        let urls = match r.kind {
            TrackerMatch::Host => vec![format!("https://{}/t.js", r.pattern)],
            TrackerMatch::HostSuffix => {
                vec![format!("https://{}/t.js", r.pattern), format!("//zz9.{}/t.gif?x=1", r.pattern)]
            }
            TrackerMatch::UrlPrefix => vec![format!("https://{}x", r.pattern)],
            TrackerMatch::InlineSignature => continue,
        };
        for u in urls {
            let got = who(&cat, &u);
            assert_eq!(got, Some((r.provider.clone(), r.category.clone())), "{u}");
            // The host alone: exact/suffix rules match, prefix rules never do.
            let host = Url::parse(&format!("https:{}", u.trim_start_matches("https:"))).unwrap();
            let by_host = cat.classify_host(host.host_str().unwrap()).map(|r| r.provider.as_str());
            if r.kind != TrackerMatch::UrlPrefix {
                assert_eq!(by_host, Some(r.provider.as_str()), "{u}");
            }
        }
    }
}

#[test]
fn real_snippet_urls() {
    let cat = builtin();
    let cases = [
        ("https://www.googletagmanager.com/gtag/js?id=G-X", "Google Analytics", "analytics"),
        ("https://www.googletagmanager.com/gtm.js?id=GTM-ABC", "Google Tag Manager", "analytics"),
        ("https://www.googletagmanager.com/gtag/js?id=AW-123", "Google Ads", "marketing"),
        ("https://www.googletagmanager.com/gtag/js?id=DC-123", "Google Marketing Platform (DoubleClick)", "marketing"),
        ("https://www.googletagmanager.com/ns.html?id=GTM-ABC", "Google Tag Manager", "analytics"),
        ("https://www.google-analytics.com/analytics.js", "Google Analytics", "analytics"),
        ("https://ssl.google-analytics.com/ga.js", "Google Analytics", "analytics"),
        ("https://region1.google-analytics.com/g/collect?v=2", "Google Analytics", "analytics"),
        ("https://region1.analytics.google.com/g/collect?v=2", "Google Analytics", "analytics"),
        ("https://analytics.google.com/g/collect", "Google Analytics", "analytics"),
        (
            "https://googleads.g.doubleclick.net/pagead/viewthroughconversion/1/",
            "Google Marketing Platform (DoubleClick)",
            "marketing",
        ),
        ("https://stats.g.doubleclick.net/r/collect", "Google Marketing Platform (DoubleClick)", "marketing"),
        ("https://www.googleadservices.com/pagead/conversion.js", "Google Ads", "marketing"),
        (
            "https://pagead2.googlesyndication.com/pagead/js/adsbygoogle.js?client=ca-pub-1",
            "Google AdSense",
            "marketing",
        ),
        ("https://adservice.google.com/ddm/fls/z/src=1", "Google Ads", "marketing"),
        ("https://adservice.google.de/ddm/fls/z/src=1", "Google Ads", "marketing"),
        ("https://www.google.com/pagead/1p-user-list/1/?random=1", "Google Ads", "marketing"),
        ("https://www.google.co.uk/pagead/1p-conversion/1/", "Google Ads", "marketing"),
        ("https://www.google.com/ads/ga-audiences?t=sr", "Google Ads", "marketing"),
        (
            "https://securepubads.g.doubleclick.net/tag/js/gpt.js",
            "Google Marketing Platform (DoubleClick)",
            "marketing",
        ),
        ("https://www.googletagservices.com/tag/js/gpt.js", "Google Ad Manager", "marketing"),
        ("https://s0.2mdn.net/ads/studio/Enabler.js", "Google Marketing Platform (DoubleClick)", "marketing"),
        ("https://www.youtube.com/embed/abc", "YouTube", "marketing"),
        ("https://www.youtube-nocookie.com/embed/abc?rel=0", "YouTube", "marketing"),
        ("https://www.youtube.com/iframe_api", "YouTube", "marketing"),
        ("https://www.google.com/maps/embed?pb=!1m18", "Google Maps", "marketing"),
        ("https://www.google.de/maps/embed?pb=!1m18", "Google Maps", "marketing"),
        ("https://maps.google.com/maps?q=x&output=embed", "Google Maps", "marketing"),
        ("https://maps.googleapis.com/maps/api/js?key=K&libraries=places", "Google Maps", "marketing"),
        ("//connect.facebook.net/en_US/fbevents.js", "Meta Pixel", "marketing"),
        ("//connect.facebook.net/en_US/sdk.js", "Meta", "marketing"),
        ("https://www.facebook.com/tr?id=1&ev=PageView&noscript=1", "Meta Pixel", "marketing"),
        ("https://www.facebook.com/plugins/page.php?href=x", "Meta", "marketing"),
        ("https://www.instagram.com/embed.js", "Instagram", "marketing"),
        ("//js.hs-scripts.com/123.js", "HubSpot", "marketing"),
        ("https://js-eu1.hs-analytics.net/analytics/1/123.js", "HubSpot", "marketing"),
        ("https://js.hsadspixel.net/fb.js", "HubSpot", "marketing"),
        ("https://js.hscollectedforms.net/collectedforms.js", "HubSpot", "marketing"),
        ("https://track.hubspot.com/__ptq.gif?a=1", "HubSpot", "marketing"),
        ("https://js.usemessages.com/conversations-embed.js", "HubSpot Chat", "marketing"),
        ("https://snap.licdn.com/li.lms-analytics/insight.min.js", "LinkedIn Insight Tag", "marketing"),
        ("https://px.ads.linkedin.com/collect/?pid=1&fmt=gif", "LinkedIn Insight Tag", "marketing"),
        ("https://dc.ads.linkedin.com/collect/?pid=1", "LinkedIn Insight Tag", "marketing"),
        ("https://www.clarity.ms/tag/abc", "Microsoft Clarity", "analytics"),
        ("https://k.clarity.ms/collect", "Microsoft Clarity", "analytics"),
        ("https://static.hotjar.com/c/hotjar-1.js?sv=6", "Hotjar", "analytics"),
        ("https://script.hotjar.com/modules.abc.js", "Hotjar", "analytics"),
        ("https://ws.hotjar.io/api", "Hotjar", "analytics"),
        ("https://bat.bing.com/bat.js", "Microsoft Advertising (Bing UET)", "marketing"),
        ("https://analytics.tiktok.com/i18n/pixel/events.js", "TikTok Pixel", "marketing"),
        ("https://www.tiktok.com/embed.js", "TikTok", "marketing"),
        ("https://static.ads-twitter.com/uwt.js", "X (Twitter) Ads", "marketing"),
        ("https://analytics.twitter.com/i/adsct?p_id=1", "X (Twitter) Ads", "marketing"),
        ("https://t.co/i/adsct?p_id=1", "X (Twitter) Ads", "marketing"),
        ("https://t.co/1/i/adsct?bci=4", "X (Twitter) Ads", "marketing"),
        ("https://platform.twitter.com/widgets.js", "X (Twitter)", "marketing"),
        ("https://s.pinimg.com/ct/core.js", "Pinterest Tag", "marketing"),
        ("https://ct.pinterest.com/v3/?tid=1&noscript=1", "Pinterest Tag", "marketing"),
        ("https://sc-static.net/scevent.min.js", "Snap Pixel", "marketing"),
        ("https://tr.snapchat.com/p", "Snap Pixel", "marketing"),
        ("https://www.redditstatic.com/ads/pixel.js", "Reddit Pixel", "marketing"),
        ("https://alb.reddit.com/rp.gif?id=1", "Reddit Pixel", "marketing"),
        ("https://static.criteo.net/js/ld/publishertag.js", "Criteo", "marketing"),
        ("https://dynamic.criteo.com/js/ld/ld.js?a=1", "Criteo", "marketing"),
        ("https://cdn.taboola.com/libtrc/unip/1/tfa.js", "Taboola", "marketing"),
        ("https://amplify.outbrain.com/cp/obtp.js", "Outbrain", "marketing"),
        ("https://cdn.segment.com/analytics.js/v1/KEY/analytics.min.js", "Segment", "analytics"),
        ("https://api.segment.io/v1/t", "Segment", "analytics"),
        ("https://cdn.mxpnl.com/libs/mixpanel-2-latest.min.js", "Mixpanel", "analytics"),
        ("https://api-js.mixpanel.com/track/", "Mixpanel", "analytics"),
        ("https://cdn.amplitude.com/libs/amplitude-8.min.js", "Amplitude", "analytics"),
        ("https://cdn.heapanalytics.com/js/heap-1.js", "Heap", "analytics"),
        ("https://edge.fullstory.com/s/fs.js", "FullStory", "analytics"),
        ("https://example.sc.omtrdc.net/b/ss/x/1", "Adobe Analytics", "analytics"),
        ("https://example.112.2o7.net/b/ss/x/1", "Adobe Analytics", "analytics"),
        ("https://dpm.demdex.net/id?d_visid_ver=1", "Adobe Audience Manager", "marketing"),
        ("https://assets.adobedtm.com/launch-EN1.min.js", "Adobe Experience Platform Launch", "analytics"),
        ("https://cm.everesttech.net/cm/dd?d_uuid=1", "Adobe Advertising", "marketing"),
        ("https://mc.yandex.ru/metrika/tag.js", "Yandex Metrica", "analytics"),
        ("https://mc.yandex.com/watch/1", "Yandex Metrica", "analytics"),
        ("https://player.vimeo.com/video/123?h=x", "Vimeo", "marketing"),
        ("https://example.matomo.cloud/matomo.js", "Matomo", "analytics"),
        ("https://cdn.matomo.cloud/example.matomo.cloud/container_X.js", "Matomo", "analytics"),
        ("https://plausible.io/js/script.js", "Plausible Analytics", "analytics"),
        ("https://secure.quantserve.com/quant.js", "Quantcast", "marketing"),
        ("https://c.amazon-adsystem.com/aax2/apstag.js", "Amazon Advertising", "marketing"),
        ("https://ib.adnxs.com/getuid?x", "Xandr (AppNexus)", "marketing"),
        ("https://js.adsrvr.org/up_loader.1.1.0.js", "The Trade Desk", "marketing"),
        ("https://fastlane.rubiconproject.com/a/api/fastlane.json", "Magnite (Rubicon Project)", "marketing"),
        ("https://ads.pubmatic.com/AdServer/js/pwt/1/pwt.js", "PubMatic", "marketing"),
        ("https://us-u.openx.net/w/1.0/pd", "OpenX", "marketing"),
        ("https://js-sec.indexww.com/ht/p/1-2.js", "Index Exchange", "marketing"),
        ("https://ap.lijit.com/rtb/bid", "Sovrn", "marketing"),
        ("https://contextual.media.net/dmedianet.js?cid=1", "Media.net", "marketing"),
        ("https://sp.analytics.yahoo.com/spp.pl?a=1", "Yahoo Advertising", "marketing"),
        ("https://s.yimg.com/wi/ytc.js", "Yahoo Advertising", "marketing"),
        ("https://cdn.mouseflow.com/projects/x.js", "Mouseflow", "analytics"),
        ("https://tools.luckyorange.com/core/lo.js?site-id=1", "Lucky Orange", "analytics"),
        ("https://script.crazyegg.com/pages/scripts/0001/0001.js", "Crazy Egg", "analytics"),
        ("https://web-sdk.smartlook.com/recorder.js", "Smartlook", "analytics"),
        ("https://cdn.inspectlet.com/inspectlet.js", "Inspectlet", "analytics"),
        ("https://dev.visualwebsiteoptimizer.com/j.php?a=1", "VWO", "analytics"),
        ("https://cdn.optimizely.com/js/123.js", "Optimizely", "analytics"),
        ("https://abc.kameleoon.eu/kameleoon.js", "Kameleoon", "analytics"),
        ("https://widget.intercom.io/widget/abc", "Intercom", "marketing"),
        ("https://js.intercomcdn.com/frame.js", "Intercom", "marketing"),
        ("https://js.driftt.com/include/1/x.js", "Drift", "marketing"),
        ("https://static.zdassets.com/ekr/snippet.js?key=x", "Zendesk Chat", "marketing"),
        ("https://js-agent.newrelic.com/nr-1234.min.js", "New Relic Browser", "analytics"),
        ("https://bam.nr-data.net/1/abc?a=1", "New Relic Browser", "analytics"),
        ("https://www.datadoghq-browser-agent.com/us1/v5/datadog-rum.js", "Datadog RUM", "analytics"),
        ("https://static.cloudflareinsights.com/beacon.min.js", "Cloudflare Web Analytics", "analytics"),
        ("https://hm.baidu.com/hm.js?abc", "Baidu Tongji", "analytics"),
        ("https://tags.tiqcdn.com/utag/acct/main/prod/utag.js", "Tealium", "analytics"),
        ("https://abc.containers.piwik.pro/x.js", "Piwik PRO", "analytics"),
        ("https://static.klaviyo.com/onsite/js/klaviyo.js?company_id=X", "Klaviyo", "marketing"),
        ("https://chimpstatic.com/mcjs-connected/js/users/a/b.js", "Mailchimp", "marketing"),
        ("https://invitejs.trustpilot.com/tp.min.js", "Trustpilot", "marketing"),
        ("https://example.disqus.com/embed.js", "Disqus", "marketing"),
        ("https://s7.addthis.com/js/300/addthis_widget.js#pubid=x", "AddThis", "marketing"),
        ("https://platform-api.sharethis.com/js/sharethis.js#property=x", "ShareThis", "marketing"),
        ("https://js.zi-scripts.com/zi-tag.js", "ZoomInfo", "marketing"),
        ("https://ws.zoominfo.com/pixel/abc", "ZoomInfo", "marketing"),
        ("https://j.6sc.co/6si.min.js", "6sense", "marketing"),
        ("https://tag.demandbase.com/abc.min.js", "Demandbase", "marketing"),
        ("https://ml314.com/tag.aspx?1", "Bombora", "marketing"),
        ("https://idsync.rlcdn.com/1.gif", "LiveRamp", "marketing"),
        ("https://id5-sync.com/api/config/prebid", "ID5", "marketing"),
        ("https://tags.crwdcntrl.net/lt/c/1/lt.min.js", "Lotame", "marketing"),
        ("https://pi.pardot.com/pd.js", "Salesforce Pardot", "marketing"),
        ("https://go.pardot.com/l/1/2/3", "Salesforce Pardot", "marketing"),
        ("https://munchkin.marketo.net/munchkin.js", "Marketo", "marketing"),
        ("https://123-ABC-456.mktoresp.com/webevents/visitWebPage", "Marketo", "marketing"),
        ("https://js.appboycdn.com/web-sdk/4.0/braze.min.js", "Braze", "marketing"),
        ("https://cdn.onesignal.com/sdks/web/v16/OneSignalSDK.page.js", "OneSignal", "marketing"),
        ("https://utt.impactcdn.com/A1-2.js", "Impact", "marketing"),
        ("https://www.dwin1.com/1234.js", "Awin", "marketing"),
        ("https://www.awin1.com/sread.img?tt=ns", "Awin", "marketing"),
        ("https://www.mczbf.com/tags/1/tag.js", "CJ Affiliate", "marketing"),
        ("https://www.emjcd.com/u?CID=1", "CJ Affiliate", "marketing"),
        ("https://tag.rmp.rakuten.com/1.ct.js", "Rakuten Advertising", "marketing"),
        ("https://track.linksynergy.com/ep?mid=1", "Rakuten Advertising", "marketing"),
        ("https://embed.tawk.to/abc/default", "tawk.to", "marketing"),
        ("https://client.crisp.chat/l.js", "Crisp", "marketing"),
        ("https://cdn.livechatinc.com/tracking.js", "LiveChat", "marketing"),
        ("https://s.adroll.com/j/roundtrip.js", "AdRoll", "marketing"),
        ("https://sb.scorecardresearch.com/beacon.js", "comScore", "marketing"),
        ("wss://ws.hotjar.com/api/v2/client/ws", "Hotjar", "analytics"),
        ("https://WWW.YOUTUBE.COM/embed/x", "YouTube", "marketing"),
    ];
    for (url, provider, category) in cases {
        assert_eq!(who(&cat, url), Some((provider.to_owned(), category.to_owned())), "{url}");
    }
}

#[test]
fn url_tricks_follow_whatwg() {
    let cat = builtin();
    let ga = Some(("Google Analytics".to_owned(), "analytics".to_owned()));
    let fb = Some(("Meta".to_owned(), "marketing".to_owned()));
    assert_eq!(who(&cat, "HTTPS://WWW.GOOGLE-ANALYTICS.COM./analytics.js"), ga);
    assert_eq!(who(&cat, "https://www.google-analytics.com./analytics.js"), ga);
    assert_eq!(who(&cat, "https://www.google-analytics.com:443/analytics.js"), ga);
    assert_eq!(who(&cat, "https://user:pw@www.google-analytics.com/analytics.js"), ga);
    assert_eq!(who(&cat, "https:\\\\www.google-analytics.com\\analytics.js"), ga);
    assert_eq!(who(&cat, "https:///www.google-analytics.com/analytics.js"), ga);
    assert_eq!(who(&cat, "https://www.google%2Danalytics.com/analytics.js"), ga);
    let pixel = Some(("Meta Pixel".to_owned(), "marketing".to_owned()));
    assert_eq!(who(&cat, "\\\\connect.facebook.net\\en_US\\fbevents.js"), pixel);
    assert_eq!(who(&cat, "/\\connect.facebook.net/x"), fb);
    assert_eq!(who(&cat, "\\/connect.facebook.net/x"), fb);
    assert_eq!(who(&cat, "/\t/connect.facebook.net/x"), fb);
    assert_eq!(who(&cat, "  \t https://connect.facebook.net/x \n "), fb);
    assert_eq!(who(&cat, "https://connect.face\tbook.net/x"), fb);
    assert_eq!(who(&cat, "ht\ntps://connect.facebook.net/x"), fb);
    assert_eq!(who(&cat, "\u{0}\u{1f}//connect.facebook.net/x"), fb);
    assert_eq!(who(&cat, "https://connect.facebook.net"), fb);
    assert_eq!(who(&cat, "https:connect.facebook.net/x"), None); // same scheme as the page: a relative path
    assert_eq!(who(&cat, "http:connect.facebook.net/x"), fb); // other special scheme: authority
                                                              // Path normalisation before prefix matching.
    let yt = Some(("YouTube".to_owned(), "marketing".to_owned()));
    assert_eq!(who(&cat, "https://www.youtube.com\\embed\\abc"), yt);
    assert_eq!(who(&cat, "https://www.youtube.com/x/../embed/abc"), yt);
    assert_eq!(who(&cat, "https://www.youtube.com/%65mbed/abc"), None); // %-escapes are not decoded
    assert_eq!(who(&cat, "https://www.youtube.com/watch?v=x"), None);
    assert_eq!(who(&cat, "https://www.youtube.com/watch%2Fembed/"), None); // %2F stays in the path
                                                                           // Schemes without a host never match.
    for u in [
        "javascript:void(0)",
        "JavaScript:fbq('init')",
        "data:image/gif;base64,R0lGODlhAQABAAAAACw=",
        "blob:https://www.google-analytics.com/1234",
        "about:blank",
        "mailto:x@google-analytics.com",
        "ftp://www.google-analytics.com/x",
        "https://",
        "https://[::1",
        "http://a b.google-analytics.com/",
        "",
    ] {
        assert_eq!(who(&cat, u), None, "{u:?}");
    }
    // Relative URLs resolve to the page's host.
    let shop = base("https://shop.example/");
    assert!(cat.classify_url("/js/app.js", Some(&shop)).is_none());
    assert!(cat.classify_url("analytics.js", Some(&shop)).is_none());
    let gahost = base("https://www.google-analytics.com/");
    assert_eq!(cat.classify_url("analytics.js", Some(&gahost)).unwrap().provider, "Google Analytics");
    let google = base("https://www.google.com/search?q=x");
    assert_eq!(cat.classify_url("/maps/embed?pb=1", Some(&google)).unwrap().provider, "Google Maps");
    assert!(cat.classify_url("/recaptcha/api.js", Some(&google)).is_none());
    assert!(cat.classify_url("/js/app.js", None).is_none());
    assert_eq!(cat.classify_url("https://www.clarity.ms/tag/x", None).unwrap().provider, "Microsoft Clarity");
    assert!(cat.classify_url("//www.clarity.ms/tag/x", None).is_none()); // nothing to resolve against
                                                                         // IP hosts: no suffix walk.
    assert!(cat.classify_url("http://10.0.0.1/x.js", None).is_none());
    assert!(cat.classify_url("http://0x7f.1/x.js", None).is_none());
}

#[test]
fn idn_rules_and_urls_meet_in_punycode() {
    let mut rules = TrackerCatalog::builtin_rules();
    rules.push(config(TrackerMatch::HostSuffix, "Bücher-Tracker.Example.", "analytics"));
    rules.push(config(TrackerMatch::UrlPrefix, "https://Café.example/pixel/", "marketing"));
    let cat = TrackerCatalog::new(rules);
    assert!(cat.host_rules().any(|(p, s, _)| p == "xn--bcher-tracker-wob.example" && s));
    for u in ["https://cdn.bücher-tracker.example/t.js", "https://xn--bcher-tracker-wob.example/t.js"] {
        assert_eq!(who(&cat, u), Some(("Config".to_owned(), "analytics".to_owned())), "{u}");
    }
    assert_eq!(who(&cat, "https://CAFÉ.example/pixel/1.gif").unwrap().1, "marketing");
    assert_eq!(who(&cat, "https://www.xn--caf-dma.example/pixel/1.gif"), None);
    assert_eq!(cat.classify_host("xn--caf-dma.example"), None);
}

#[test]
fn non_trackers() {
    let cat = builtin();
    for u in [
        "https://fonts.googleapis.com/css2?family=Inter",
        "https://fonts.gstatic.com/s/inter/v1/x.woff2",
        "https://ajax.googleapis.com/ajax/libs/jquery/3.7.1/jquery.min.js",
        "https://cdn.jsdelivr.net/npm/x",
        "https://www.google.com/recaptcha/api.js",
        "https://www.google.com/recaptcha/enterprise.js?render=x",
        "https://www.gstatic.com/recaptcha/releases/abc/recaptcha__en.js",
        "https://www.recaptcha.net/recaptcha/api.js",
        "https://code.jquery.com/jquery.js",
        "https://unpkg.com/react",
        "https://cdnjs.cloudflare.com/ajax/libs/lodash.js/4.17.21/lodash.min.js",
        "https://challenges.cloudflare.com/turnstile/v0/api.js",
        "https://js.hcaptcha.com/1/api.js",
        "https://maps.gstatic.com/mapfiles/api-3/images/spotlight-poi2.png",
        "https://i.ytimg.com/vi/abc/hqdefault.jpg",
        "https://i.vimeocdn.com/video/1.jpg",
        "https://www.google.com/",
        "https://www.google.com/search?q=ads",
        "https://accounts.google.com/gsi/client",
        "https://js.stripe.com/v3/",
        "https://www.paypal.com/sdk/js?client-id=x",
        "https://browser.sentry-cdn.com/7.0.0/bundle.min.js",
        "https://js.hsforms.net/forms/embed/v2.js",
        "https://use.typekit.net/abc.css",
        "https://secure.gravatar.com/avatar/abc",
        "https://shop.example/js/app.js",
        "/js/app.js",
        "notdoubleclick.net/x.js",
    ] {
        assert_eq!(who(&cat, u), None, "{u}");
    }
}

#[test]
fn suffix_boundaries() {
    let cat = builtin();
    assert!(who(&cat, "https://doubleclick.net/x").is_some());
    assert!(who(&cat, "https://a.b.doubleclick.net/x").is_some());
    for u in [
        "https://notdoubleclick.net/x",
        "https://doubleclick.net.evil.com/x",
        "https://doubleclick.network/x",
        "https://xdoubleclick.net/x",
        "https://mybox.com/x",
        "https://media.net.example/x",
        "https://google-analytics.com.evil.test/x",
    ] {
        assert_eq!(who(&cat, u), None, "{u}");
        let host = Url::parse(u).unwrap();
        assert!(cat.classify_host(host.host_str().unwrap()).is_none(), "{u}");
    }
    assert_eq!(cat.classify_host("WWW.DoubleClick.NET.").unwrap().provider, "Google Marketing Platform (DoubleClick)");
    assert!(cat.classify_host("www.youtube.com").is_none()); // prefix rules need a path
    assert!(cat.classify_host("net").is_none());
    assert!(cat.classify_host("").is_none());
}

#[test]
fn config_rules_add_and_override() {
    let mut rules = TrackerCatalog::builtin_rules();
    rules.push(config(TrackerMatch::HostSuffix, "example-tracker.test", "analytics"));
    rules.push(config(TrackerMatch::HostSuffix, "*.wild.test", "preferences"));
    rules.push(config(TrackerMatch::Host, "www.googletagmanager.com", NOT_A_TRACKER));
    rules.push(config(TrackerMatch::HostSuffix, "hotjar.com", NOT_A_TRACKER));
    rules.push(config(TrackerMatch::HostSuffix, "youtube.com", "preferences"));
    rules.push(config(TrackerMatch::UrlPrefix, "https://www.facebook.com/tr/", NOT_A_TRACKER));
    rules.push(config(TrackerMatch::HostSuffix, "clarity.ms", "marketing"));
    rules.push(config(TrackerMatch::Host, "bad host/x", "analytics")); // invalid: skipped
    let n_builtin = TrackerCatalog::builtin_rules().len();
    let cat = TrackerCatalog::new(rules);
    let c = |u: &str| who(&cat, u).map(|(_, c)| c);
    assert_eq!(c("https://cdn.example-tracker.test/t.js").as_deref(), Some("analytics"));
    assert_eq!(c("https://example-tracker.test/t.js").as_deref(), Some("analytics"));
    assert_eq!(c("https://a.wild.test/").as_deref(), Some("preferences"));
    assert_eq!(c("https://www.googletagmanager.com/gtm.js?id=GTM-1"), None);
    assert_eq!(c("https://www.googletagmanager.com/gtag/js?id=G-1"), None); // builtin prefix covered
    assert_eq!(c("https://sgtm.googletagmanager.com/gtm.js").as_deref(), Some("analytics"));
    assert_eq!(c("https://static.hotjar.com/c/hotjar-1.js"), None);
    assert_eq!(c("https://ws.hotjar.io/x").as_deref(), Some("analytics"));
    assert_eq!(c("https://www.youtube.com/embed/x").as_deref(), Some("preferences"));
    assert_eq!(c("https://youtube.com/embed/x").as_deref(), Some("preferences"));
    assert_eq!(c("https://www.youtube-nocookie.com/embed/x").as_deref(), Some("marketing"));
    assert_eq!(c("https://www.facebook.com/tr/?id=1"), None);
    assert_eq!(c("https://www.facebook.com/tr?id=1").as_deref(), Some("marketing"));
    assert_eq!(c("https://www.clarity.ms/tag/x").as_deref(), Some("marketing"));
    assert_eq!(cat.classify_host("www.googletagmanager.com"), None);
    assert_eq!(cat.classify_host("static.hotjar.com"), None);
    // The exported host rules agree (exact first, then longest suffix, "none" = allowed).
    let exported: Vec<_> = cat.host_rules().collect();
    assert!(exported.contains(&("www.googletagmanager.com", false, "none")));
    assert!(exported.contains(&("googletagmanager.com", true, "analytics")));
    assert!(exported.contains(&("clarity.ms", true, "marketing")));
    assert!(exported.contains(&("wild.test", true, "preferences")));
    assert!(exported.contains(&("hotjar.com", true, "none")));
    // +4 new rules; -8 YouTube prefixes under youtube.com; -4 gtag prefixes under the GTM host.
    assert_eq!(cat.len(), n_builtin + 4 - 12);
    // Config rules are reported as such.
    let r = cat.classify_url("https://x.example-tracker.test/", None).unwrap();
    assert!(r.from_config);
}

#[test]
fn config_rule_validation() {
    let ok = config(TrackerMatch::HostSuffix, ".Example.COM.", "analytics");
    assert!(ok.validate().is_ok());
    assert_eq!(normalize_pattern(ok.kind, &ok.pattern).unwrap(), "example.com");
    for (kind, pattern, category) in [
        (TrackerMatch::Host, "a.com/x", "analytics"),
        (TrackerMatch::Host, "a*.com", "analytics"),
        (TrackerMatch::Host, "", "analytics"),
        (TrackerMatch::HostSuffix, "10.0.0.1", "analytics"),
        (TrackerMatch::UrlPrefix, "", "analytics"),
        (TrackerMatch::InlineSignature, "", "analytics"),
        (TrackerMatch::Host, "a.com", "Analytics"),
        (TrackerMatch::Host, "a.com", ""),
    ] {
        assert!(config(kind, pattern, category).validate().is_err(), "{kind:?} {pattern:?} {category:?}");
    }
    assert_eq!(
        normalize_pattern(TrackerMatch::UrlPrefix, "HTTPS://WWW.Example.com./a b/").unwrap(),
        "www.example.com/a%20b/"
    );
    assert_eq!(normalize_pattern(TrackerMatch::UrlPrefix, "//cdn.example/x?y=1").unwrap(), "cdn.example/x?y=1");
    assert_eq!(normalize_pattern(TrackerMatch::Host, "[::1]").unwrap(), "[::1]");
}

#[test]
fn rules_deserialize_from_config_shapes() {
    use serde::de::value::{Error, MapDeserializer};
    use serde::Deserialize;
    let fields = [("kind", "host_suffix"), ("pattern", "a.test"), ("category", "analytics"), ("provider", "X")];
    let r = TrackerRule::deserialize(MapDeserializer::<_, Error>::new(fields.into_iter())).unwrap();
    assert_eq!((r.kind, r.pattern.as_str(), r.from_config), (TrackerMatch::HostSuffix, "a.test", false));
}

#[test]
fn fast_paths_agree_with_full_parse() {
    use UrlShape::*;
    for s in ["/js/app.js", "app.js", "?q=1", "", "#x", "./a:b", "1a:b", "a b:c", "\u{e9}:x", "/x//y"] {
        assert_eq!(url_shape(s), PathRelative, "{s:?}");
    }
    for s in ["//x", "\\\\x", "/\\x", "\\/x", " /\t/x", "\u{1}//x"] {
        assert_eq!(url_shape(s), ProtocolRelative, "{s:?}");
    }
    for s in ["a:b", "c:\\x", "java\tscript:x", "data:,x", "blob:https://a", "httpss://x", "h-t.t+p:x", " about:blank"]
    {
        assert_eq!(url_shape(s), Absolute { web: false }, "{s:?}");
    }
    for s in ["https:x", "HTTP://x", "ws://x", "WsS:x", "ht\ntp://x", " \thttps://x"] {
        assert_eq!(url_shape(s), Absolute { web: true }, "{s:?}");
    }
    let big = format!("data:image/png;base64,{}", "A".repeat(1 << 20));
    let cat = builtin();
    assert!(cat.classify_url(&big, None).is_none());
    // Whatever shortcut classify_url takes, it answers like the full parse.
    let bases = [
        None,
        Some(base("https://shop.example/a/")),
        Some(base("http://www.google.com./x")),
        Some(base("https://www.google-analytics.com/")),
        Some(base("http://127.0.0.1:8080/")),
        Some(base("file:///tmp/x.html")),
    ];
    let inputs = [
        "",
        "/",
        "x.js",
        "/maps/embed?pb=1",
        "maps/embed",
        "//www.clarity.ms/tag/x",
        "\\\\www.clarity.ms\\tag",
        "/\\www.clarity.ms/tag",
        "https:www.clarity.ms/tag",
        "http:www.clarity.ms/tag",
        "HTTP://WWW.CLARITY.MS",
        "https://www.clarity.ms:443/t",
        "https://www.clarity.ms:99999/t",
        "https://www.clarity.ms:/t",
        "data:text/html,<script src=https://www.clarity.ms/tag/x>",
        "javascript:alert(1)",
        "ws://ws.hotjar.com/x",
        "https://xn--caf-dma.example/",
        "https://café.example/",
        "https://a..clarity.ms/",
        "https://.clarity.ms/",
        "https://clarity.ms./",
        "https://clarity.ms../",
        "https://0x7f.1/",
        "https://1.2.3.4.clarity.ms/",
        "https://[::1]/",
        "https://www.youtube.com/embed/x",
        "//www.youtube.com/embed/x",
        "/embed/x",
        "\t/\t/bat.bing.com",
        "?id=1",
        "#f",
        " https://bat.bing.com ",
        "https://bat.bing.com\\x",
        "https://u@bat.bing.com/",
    ];
    for b in &bases {
        // One memo per base, shared by every URL on it, as a page does.
        let mut memo = BaseMemo::default();
        for u in inputs {
            let fast = cat.classify_url(u, b.as_ref()).map(|r| (&r.provider, r.kind));
            let slow = cat.classify_parsed(u, b.as_ref()).map(|r| (&r.provider, r.kind));
            assert_eq!(fast, slow, "{u:?} on {b:?}");
            let memoised = cat.classify_url_rule_memo(u, b.as_ref(), &mut memo).map(|r| (&r.provider, r.kind));
            assert_eq!(memoised, cat.classify_url_rule(u, b.as_ref()).map(|r| (&r.provider, r.kind)), "{u:?}");
        }
    }
    assert_eq!(quick_host("https://a.b.com/x", false), Some("a.b.com"));
    assert_eq!(quick_host("http://a.b.com.:80?x", false), Some("a.b.com"));
    assert_eq!(quick_host("//a.b.com/x", true), Some("a.b.com"));
    for s in [
        "//a.com/x",
        "https://A.com/",
        "https://a.com\\x",
        "https://1.2.3.4/",
        "https://xn--a.com/",
        "https://a..com/",
        "https://u@a.com/",
        "https://a.com:99999/",
        "https://a.com:x/",
        "https:///a.com/",
        "https://a_b.com/",
        " https://a.com/",
    ] {
        assert_eq!(quick_host(s, false), None, "{s:?}");
    }
}

/// ~10,000 mixed URLs (real-looking trackers and ordinary resources, with URL noise), checked
/// against expectations and against the full-parse reference path.
#[test]
fn classifies_ten_thousand_urls() {
    let cat = builtin();
    let page = base("https://www.shop.example/products/item?id=3");
    let trackers = [
        ("https://www.google-analytics.com/g/collect?v=2&tid=G-{n}", "analytics"),
        ("//www.googletagmanager.com/gtm.js?id=GTM-{n}", "analytics"),
        ("https://connect.facebook.net/en_US/fbevents.js?v={n}", "marketing"),
        ("https://www.facebook.com/tr?id={n}&ev=PageView&noscript=1", "marketing"),
        ("https://ad{n}.doubleclick.net/ddm/activity/src={n}", "marketing"),
        ("https://www.youtube.com/embed/vid{n}?autoplay=0", "marketing"),
        ("https://static.hotjar.com/c/hotjar-{n}.js?sv=6", "analytics"),
        ("HTTPS://BAT.BING.COM/action/0?ti={n}", "marketing"),
        ("https://www.clarity.ms/tag/{n}", "analytics"),
        ("https://js.hs-scripts.com/{n}.js", "marketing"),
        ("https://cdn{n}.optimizely.com/js/{n}.js", "analytics"),
        ("https://www.google.com/maps/embed?pb={n}", "marketing"),
        ("https://s{n}.criteo.com/x", "marketing"),
        (" https://mc.yandex.ru/watch/{n} ", "analytics"),
        ("\\\\px.ads.linkedin.com\\collect?pid={n}", "marketing"),
    ];
    let clean = [
        "/static/app.{n}.js",
        "img/product-{n}.webp",
        "https://www.shop.example/cart?item={n}",
        "https://cdn.shop.example/assets/{n}.css",
        "https://fonts.googleapis.com/css2?family=Inter&v={n}",
        "https://ajax.googleapis.com/ajax/libs/jquery/{n}/jquery.min.js",
        "https://cdn.jsdelivr.net/npm/pkg@{n}/dist/x.js",
        "https://www.google.com/recaptcha/api.js?render={n}",
        "https://i.ytimg.com/vi/{n}/hqdefault.jpg",
        "data:image/png;base64,iVBOR{n}",
        "javascript:void({n})",
        "https://notdoubleclick.net/{n}",
        "https://doubleclick.net.evil.example/{n}",
        "https://images.example-cdn{n}.net/a.png",
        "//static.shop.example/{n}.js",
    ];
    let (mut hits, mut total) = (0, 0);
    for n in 0..334 {
        for (tpl, category) in trackers {
            let u = tpl.replace("{n}", &n.to_string());
            let got = cat.classify_url(&u, Some(&page));
            assert_eq!(got.map(|r| r.category.as_str()), Some(category), "{u}");
            assert_eq!(got.map(|r| &r.provider), cat.classify_parsed(&u, Some(&page)).map(|r| &r.provider), "{u}");
            hits += 1;
            total += 1;
        }
        for tpl in clean {
            let u = tpl.replace("{n}", &n.to_string());
            assert!(cat.classify_url(&u, Some(&page)).is_none(), "{u}");
            assert!(cat.classify_parsed(&u, Some(&page)).filter(|r| r.category != NOT_A_TRACKER).is_none(), "{u}");
            total += 1;
        }
    }
    assert_eq!((hits, total), (5010, 10020));
    // Every builtin host, through both paths, with and without a base.
    for r in cat.rules().iter().filter(|r| r.kind != TrackerMatch::InlineSignature) {
        let host = split_prefix(&r.pattern).0;
        for u in [format!("https://{host}/a/b.js?c=d"), format!("//{host}/"), format!("http://{host}.:8080/x")] {
            for b in [Some(&page), None] {
                let fast = cat.classify_url_rule(&u, b).map(|r| (&r.provider, r.kind));
                let slow = cat.classify_parsed(&u, b).map(|r| (&r.provider, r.kind));
                assert_eq!(fast, slow, "{u}");
            }
        }
    }
}

#[test]
fn slashes_after_a_special_scheme_are_skipped_as_browsers_do() {
    let cat = builtin();
    let page = base("https://shop.example/p/");
    for url in [
        "///www.facebook.com/tr?id=1",
        "\\\\\\www.facebook.com/tr?id=1",
        "https:////www.facebook.com/tr?id=1",
        "HTTPS:/\\/www.facebook.com/tr?id=1",
        " \t///www.facebook.com/tr?id=1",
        "/\t//www.facebook.com/tr?id=1",
    ] {
        assert_eq!(who(&cat, url).map(|w| w.0), Some("Meta Pixel".to_owned()), "{url:?}");
        assert!(third_party_url(url, Some(&page), Some("shop.example")).is_some(), "{url:?}");
    }
    // Not special: nothing to skip.
    assert!(parse_url("mailto:///x", Some(&page)).is_some_and(|u| u.scheme() == "mailto"));
    assert_eq!(parse_url("/x//y", Some(&page)).unwrap().as_str(), "https://shop.example/x//y");
}
