//! Built-in tracker data, curated by hand for consent-proxy from what each vendor documents about
//! where its tags, pixels, embeds and beacons load from (host → provider → what it does). No
//! third-party block list (Tracker Radar, Disconnect, TrackerDB, EasyPrivacy, …) is copied here.
//!
//! # Category policy
//! * `analytics`: measurement of the site's own audience — web analytics, heatmaps and session
//!   replay, A/B testing, product analytics, real-user monitoring (New Relic Browser, Datadog RUM,
//!   Dynatrace, AppDynamics, mPulse), CDPs that feed them (Segment, mParticle, RudderStack).
//! * `marketing`: ads, retargeting and conversion pixels, affiliate tracking, B2B visitor
//!   identification, cross-publisher audience panels (comScore, Nielsen, Gemius, INFOnline),
//!   marketing automation (HubSpot, Marketo, Pardot, Klaviyo…), social widgets and every
//!   third-party *embed* that sets its own cookies (YouTube, Vimeo, Google Maps, Spotify, Disqus…),
//!   chat widgets and push-notification SDKs.
//!
//! # Judgement calls
//! * **Tag managers** (Google Tag Manager, Adobe Launch, Tealium, Ensighten, Commanders Act) are
//!   `analytics`: they are loaders whose containers overwhelmingly deploy analytics first. With
//!   analytics refused, everything the container would have loaded is refused too (the privacy-safe
//!   side); a site whose GTM only carries necessary tags can allow it with a `none` config rule.
//! * **Embeds** (YouTube, Vimeo, Google Maps, Dailymotion, Spotify, …): their rules, the reason
//!   each needs consent and their judgement calls are in `super::embeds`.
//! * **reCAPTCHA / hCaptcha / Turnstile**, Google Fonts, `ajax.googleapis.com`, `www.gstatic.com`,
//!   public JS CDNs: not trackers (needed for forms/pages to work), never listed.
//! * **Chat widgets** (Intercom, Drift, Zendesk, HubSpot chat, LiveChat, tawk.to, Crisp, …) are
//!   `marketing`: not strictly necessary, and they identify visitors across visits for sales.
//!   HubSpot *forms* (`js.hsforms.net`, `forms.hubspot.com`), Marketo `forms2` and Mailchimp
//!   signup forms are not listed (they are how a visitor contacts the site); HubSpot's tracking
//!   code and collected-forms script are.
//! * **Error monitoring** (Sentry, Bugsnag, Rollbar) is not listed: it serves the site's
//!   operation, not audience measurement. **RUM** agents that track page views and sessions
//!   (New Relic Browser, Datadog RUM, …) are `analytics`.
//! * **Cookieless analytics** (Plausible, Fathom, Simple Analytics, Umami Cloud, GoatCounter,
//!   Pirsch, Cabin, Cloudflare Web Analytics) are `analytics`: a visitor who refused analytics
//!   expects no audience measurement; sites that rely on an exemption can allow them with `none`.
//! * **Social networks** whose every embedded resource carries the network's login cookies
//!   (facebook.com, instagram.com, threads, twitter.com/x.com, tiktok.com, pinterest.com) are listed
//!   by domain suffix; mixed-use domains (www.google.com, linkedin.com, t.co, yimg) by URL prefix.
//! * Review widgets (Trustpilot TrustBox, Yotpo), Gravatar, CMP scripts and feature-flag services
//!   are not listed; Trustpilot's invitation script (purchase data) is.

use super::provider::{p, Provider, A, M};

/// Google's country domains: `adservice.google.X`, `maps.google.X`, `[www.]google.X/pagead/`
/// and `[www.]google.X/maps` are generated for each (see `TrackerCatalog::builtin_rules`).
pub(super) const GOOGLE_DOMAINS: &[&str] = &[
    "com", "ad", "ae", "at", "be", "bg", "ca", "ch", "cl", "co.id", "co.il", "co.in", "co.jp", "co.kr", "co.nz",
    "co.th", "co.uk", "co.za", "com.ar", "com.au", "com.br", "com.co", "com.eg", "com.hk", "com.mx", "com.my",
    "com.pe", "com.ph", "com.pk", "com.sa", "com.sg", "com.tr", "com.tw", "com.ua", "com.vn", "cz", "de", "dk", "ee",
    "es", "fi", "fr", "gr", "hr", "hu", "ie", "it", "lt", "lu", "lv", "nl", "no", "pl", "pt", "ro", "rs", "ru", "se",
    "si", "sk",
];

pub(super) static PROVIDERS: &[Provider] = &[
    // ---------------------------------------------------------------- Google
    p("Google Tag Manager", A).s(&["googletagmanager.com"]).i(&[
        "googletagmanager.com/gtm.js",
        "'gtm.start'",
        "\"gtm.start\"",
    ]),
    p("Google Analytics", A)
        .s(&["google-analytics.com", "analytics.google.com"])
        .u(&["www.googletagmanager.com/gtag/"])
        .i(&[
            "googletagmanager.com/gtag/js",
            "google-analytics.com/analytics.js",
            "google-analytics.com/ga.js",
            "google-analytics.com/urchin.js",
            "stats.g.doubleclick.net/dc.js",
            "google-analytics.com/g/collect",
            "GoogleAnalyticsObject",
        ]),
    p("Google Optimize", A).s(&["googleoptimize.com"]).h(&["optimize.google.com"]),
    p("Google Ads", M)
        .s(&["googleadservices.com"])
        .u(&[
            "www.google.com/ads/",
            "www.google.com/rmkt/",
            "www.google.com/ccm/",
            // gtag.js loaded for a Google Ads account only (the GA4 loader is the same path).
            "www.googletagmanager.com/gtag/js?id=AW-",
            "www.googletagmanager.com/gtag/destination?id=AW-",
        ])
        .i(&["googleadservices.com/pagead/conversion"]),
    p("Google Marketing Platform (DoubleClick)", M)
        .s(&["doubleclick.net", "2mdn.net"])
        .u(&["www.googletagmanager.com/gtag/js?id=DC-"])
        .i(&["fls.doubleclick.net"]),
    p("Google AdSense", M)
        .s(&["googlesyndication.com", "adtrafficquality.google"])
        .i(&["pagead2.googlesyndication.com", "adsbygoogle.js"]),
    p("Google Ad Manager", M)
        .s(&["googletagservices.com"])
        .h(&["imasdk.googleapis.com"])
        .i(&["securepubads.g.doubleclick.net"]),
    // ---------------------------------------------------------------- Meta
    p("Meta Pixel", M)
        .u(&[
            "www.facebook.com/tr?",
            "www.facebook.com/tr/",
            "facebook.com/tr?",
            "facebook.com/tr/",
            // The pixel's library as its published snippet loads it, and the configuration and
            // plugins it loads (the rest of connect.facebook.net is the "Meta" SDK).
            "connect.facebook.net/en_US/fbevents.js",
            "connect.facebook.net/signals/",
        ])
        .i(&["!function(f,b,e,v,n,t,s)", "/fbevents.js"]),
    p("Meta", M).s(&["facebook.com", "facebook.net"]).i(&["connect.facebook.net"]),
    p("Instagram", M).s(&["instagram.com"]).i(&["instagram.com/embed.js"]),
    p("Threads", M).s(&["threads.net", "threads.com"]),
    // ---------------------------------------------------------------- Microsoft / LinkedIn
    p("LinkedIn Insight Tag", M)
        .h(&["snap.licdn.com"])
        .s(&["ads.linkedin.com"])
        .u(&["www.linkedin.com/px/", "www.linkedin.com/collect"])
        .i(&["snap.licdn.com"]),
    p("LinkedIn", M).h(&["platform.linkedin.com"]).u(&["www.linkedin.com/embed/"]).i(&["platform.linkedin.com/in.js"]),
    p("Microsoft Clarity", A).s(&["clarity.ms"]).i(&["clarity.ms/tag", "(c,l,a,r,i,t,y)"]),
    p("Microsoft Advertising (Bing UET)", M).h(&["bat.bing.com", "c.bing.com"]).i(&["bat.bing.com", "new UET("]),
    p("Azure Application Insights", A)
        .h(&["js.monitor.azure.com", "az416426.vo.msecnd.net", "dc.services.visualstudio.com"])
        .s(&["in.applicationinsights.azure.com"])
        .i(&["js.monitor.azure.com/scripts/b/ai", "az416426.vo.msecnd.net"]),
    // ---------------------------------------------------------------- social / ads platforms
    p("TikTok Pixel", M).h(&["analytics.tiktok.com"]).i(&["analytics.tiktok.com", "TiktokAnalyticsObject"]),
    p("TikTok", M).s(&["tiktok.com"]).i(&["tiktok.com/embed.js"]),
    p("X (Twitter) Ads", M)
        .s(&["ads-twitter.com"])
        .h(&["analytics.twitter.com"])
        .u(&["t.co/i/adsct", "t.co/1/i/adsct"])
        .i(&["static.ads-twitter.com"]),
    p("X (Twitter)", M)
        .s(&["twitter.com", "x.com"])
        .h(&["cdn.syndication.twimg.com"])
        .i(&["platform.twitter.com/widgets.js"]),
    p("Pinterest Tag", M).h(&["ct.pinterest.com"]).u(&["s.pinimg.com/ct/"]).i(&["s.pinimg.com/ct/"]),
    p("Pinterest", M).s(&["pinterest.com"]).i(&["assets.pinterest.com/js/pinit"]),
    p("Snap Pixel", M)
        .s(&["sc-static.net"])
        .h(&["tr.snapchat.com", "tr-shadow.snapchat.com"])
        .i(&["sc-static.net/scevent"]),
    p("Reddit Pixel", M)
        .h(&["alb.reddit.com", "pixel-config.reddit.com"])
        .u(&["www.redditstatic.com/ads/"])
        .i(&["redditstatic.com/ads/"]),
    p("Reddit", M).h(&["embed.reddit.com", "embed.redditmedia.com"]),
    p("Quora Pixel", M).h(&["a.quora.com", "q.quora.com"]).i(&["a.quora.com/qevents.js"]),
    p("Nextdoor Pixel", M).h(&["ads.nextdoor.com"]),
    p("Spotify Ad Analytics", M).h(&["pixels.spotify.com"]).s(&["pdst.fm"]),
    p("VK", M).u(&["vk.com/rtrg", "vk.com/js/api/openapi.js"]).i(&["vk.com/js/api/openapi.js"]),
    p("Top.Mail.Ru", A).h(&["top-fwz1.mail.ru"]).i(&["top-fwz1.mail.ru"]),
    p("LINE Tag", M).h(&["tr.line.me"]).u(&["d.line-scdn.net/n/line_tag/"]).i(&["d.line-scdn.net/n/line_tag"]),
    p("Naver Analytics", A).h(&["wcs.naver.net"]).i(&["wcs.naver.net/wcslog.js"]),
    p("Yahoo! JAPAN Ads", M)
        .h(&["b90.yahoo.co.jp", "yjtag.yahoo.co.jp"])
        .u(&["s.yimg.jp/images/listing/tool/cv/"])
        .i(&["s.yimg.jp/images/listing/tool/cv/", "yjtag.yahoo.co.jp"]),
    p("Yahoo! JAPAN Tag Manager", A).s(&["yjtag.jp"]).i(&["s.yjtag.jp/tag.js"]),
    p("JW Player Analytics", A).s(&["jwpltx.com"]),
    p("Brightcove Analytics", A).h(&["metrics.brightcove.com"]),
    p("AddThis", M).s(&["addthis.com", "addthisedge.com"]).i(&["addthis_widget.js"]),
    p("ShareThis", M).s(&["sharethis.com"]).i(&["platform-api.sharethis.com", "buttons-config.sharethis.com"]),
    p("AddToAny", M).s(&["addtoany.com"]).i(&["static.addtoany.com"]),
    p("Trustpilot", M).h(&["invitejs.trustpilot.com"]).i(&["invitejs.trustpilot.com"]),
    // ---------------------------------------------------------------- analytics
    p("Hotjar", A).s(&["hotjar.com", "hotjar.io"]).i(&["static.hotjar.com", "(h,o,t,j,a,r)"]),
    p("Contentsquare", A).s(&["contentsquare.net"]).i(&["t.contentsquare.net"]),
    p("Segment", A)
        .h(&["cdn.segment.com"])
        .s(&["segment.io", "segmentapis.com"])
        .i(&["cdn.segment.com", "analytics.SNIPPET_VERSION"]),
    p("Mixpanel", A).s(&["mixpanel.com", "mxpnl.com"]).i(&["cdn.mxpnl.com", "MIXPANEL_CUSTOM_LIB_URL"]),
    p("Amplitude", A)
        .s(&["amplitude.com"])
        .h(&["d24n15hnbwhuhn.cloudfront.net"])
        .i(&["cdn.amplitude.com", "e.amplitude||"]),
    p("Heap", A).s(&["heapanalytics.com", "heap-api.com"]).i(&["heapanalytics.com", "heap-api.com"]),
    p("FullStory", A).s(&["fullstory.com"]).i(&["fullstory.com/s/fs.js", "_fs_org", "edge.fullstory.com"]),
    p("Adobe Analytics", A).s(&["omtrdc.net", "2o7.net", "adobedc.net"]).i(&["s_code.js", "__alloyNS"]),
    p("Adobe Experience Platform Launch", A).s(&["adobedtm.com"]).i(&["assets.adobedtm.com"]),
    p("Adobe Audience Manager", M).s(&["demdex.net"]).i(&["demdex.net"]),
    p("Adobe Advertising", M).s(&["everesttech.net"]),
    p("Adobe Marketo Measure (Bizible)", M).s(&["bizible.com", "bizibly.com"]).i(&["cdn.bizible.com"]),
    p("Yandex Metrica", A)
        .h(&[
            "mc.yandex.ru",
            "mc.yandex.com",
            "mc.yandex.by",
            "mc.yandex.kz",
            "mc.yandex.ua",
            "mc.yandex.com.tr",
            "mc.webvisor.org",
            "mc.webvisor.com",
        ])
        .i(&["mc.yandex.ru/metrika", "mc.yandex.com/metrika", "(m,e,t,r,i,k,a)"]),
    p("Yandex Advertising", M).h(&["an.yandex.ru", "yabs.yandex.ru"]).s(&["adfox.ru"]).u(&["yastatic.net/share2/"]),
    p("Matomo", A).s(&["matomo.cloud", "innocraft.cloud"]).i(&["matomo.js", "piwik.js", "matomo.cloud"]),
    p("Piwik PRO", A).s(&["piwik.pro"]).i(&["containers.piwik.pro"]),
    p("Plausible Analytics", A).s(&["plausible.io"]).i(&["plausible.io/js/"]),
    p("Fathom Analytics", A).s(&["usefathom.com"]).i(&["cdn.usefathom.com"]),
    p("Simple Analytics", A).s(&["simpleanalyticscdn.com"]).i(&["scripts.simpleanalyticscdn.com"]),
    p("Umami Cloud", A).s(&["umami.is"]),
    p("GoatCounter", A).s(&["goatcounter.com"]).h(&["gc.zgo.at"]),
    p("Pirsch", A).s(&["pirsch.io"]),
    p("Cabin", A).s(&["withcabin.com"]),
    p("Counter.dev", A).s(&["counter.dev"]),
    p("Splitbee", A).s(&["splitbee.io"]),
    p("Ahrefs Web Analytics", A).h(&["analytics.ahrefs.com"]).i(&["analytics.ahrefs.com"]),
    p("Vercel Web Analytics", A).h(&["va.vercel-scripts.com"]),
    p("Cloudflare Web Analytics", A).s(&["cloudflareinsights.com"]).i(&["static.cloudflareinsights.com"]),
    p("StatCounter", A).s(&["statcounter.com"]).i(&["statcounter.com/counter"]),
    p("Clicky", A).s(&["getclicky.com"]).i(&["static.getclicky.com"]),
    p("Chartbeat", A).s(&["chartbeat.com", "chartbeat.net"]).i(&["static.chartbeat.com"]),
    p("Parse.ly", A).s(&["parsely.com"]).i(&["cdn.parsely.com"]),
    p("Piano Analytics (AT Internet)", A).s(&["xiti.com", "aticdn.net", "ati-host.net"]).i(&["tag.aticdn.net"]),
    p("Woopra", A).s(&["woopra.com"]).i(&["static.woopra.com"]),
    p("GoSquared", A).s(&["gosquared.com"]),
    p("Kissmetrics", A).s(&["kissmetrics.io", "kissmetrics.com"]),
    p("Mouseflow", A).s(&["mouseflow.com"]).i(&["cdn.mouseflow.com"]),
    p("Lucky Orange", A).s(&["luckyorange.com", "luckyorange.net"]).i(&["luckyorange.com"]),
    p("Crazy Egg", A).s(&["crazyegg.com"]).i(&["script.crazyegg.com"]),
    p("Smartlook", A).s(&["smartlook.com", "smartlook.cloud"]).i(&["web-sdk.smartlook.com", "rec.smartlook.com"]),
    p("Inspectlet", A).s(&["inspectlet.com"]).i(&["cdn.inspectlet.com"]),
    p("LogRocket", A)
        .s(&["logr-in.com", "lgrckt-in.com", "lr-ingest.io", "lr-ingest.com", "lr-in-prod.com", "logrocket.io"])
        .i(&["cdn.logr-in.com"]),
    p("Quantum Metric", A).s(&["quantummetric.com"]).i(&["quantummetric.com"]),
    p("PostHog", A).s(&["posthog.com"]).i(&["posthog.com", "window.posthog"]),
    p("Pendo", A).s(&["pendo.io"]).i(&["cdn.pendo.io"]),
    p("Appcues", A).s(&["appcues.com"]).i(&["fast.appcues.com"]),
    p("Userpilot", A).s(&["userpilot.io"]),
    p("WalkMe", A).s(&["walkme.com"]),
    p("mParticle", A).s(&["mparticle.com"]).i(&["jssdkcdns.mparticle.com"]),
    p("RudderStack", A).s(&["rudderlabs.com"]).i(&["cdn.rudderlabs.com"]),
    p("Snowplow", A).i(&["GlobalSnowplowNamespace"]),
    p("Qualtrics Site Intercept", A).h(&["siteintercept.qualtrics.com"]).i(&["siteintercept.qualtrics.com"]),
    p("Medallia (Kampyle)", A).s(&["kampyle.com"]),
    p("Usabilla", A).s(&["usabilla.com"]),
    p("Zoho PageSense", A).s(&["pagesense.io"]),
    p("Baidu Tongji", A).h(&["hm.baidu.com", "hmcdn.baidu.com"]).i(&["hm.baidu.com/hm.js"]),
    p("Baidu Ads", M).h(&["pos.baidu.com", "cpro.baidu.com", "cpro.baidustatic.com"]),
    p("CNZZ (Umeng)", A).s(&["cnzz.com"]).i(&["cnzz.com/z_stat.php", "cnzz.com/stat.php"]),
    p("51.La", A).s(&["51.la"]),
    p("WordPress.com Stats (Jetpack)", A).h(&["stats.wp.com", "pixel.wp.com"]).i(&["stats.wp.com"]),
    p("Shopify Analytics", A).h(&["monorail-edge.shopifysvc.com"]),
    // ---------------------------------------------------------------- A/B testing, personalisation
    p("VWO", A).s(&["visualwebsiteoptimizer.com", "vwo.com"]).i(&["visualwebsiteoptimizer.com"]),
    p("Optimizely", A).s(&["optimizely.com"]).i(&["cdn.optimizely.com"]),
    p("Kameleoon", A).s(&["kameleoon.com", "kameleoon.eu", "kameleoon.io"]).i(&["kameleoon.eu", "kameleoon.io"]),
    p("AB Tasty", A).s(&["abtasty.com"]).i(&["try.abtasty.com"]),
    p("Convert", A).s(&["convertexperiments.com"]),
    p("Oracle Maxymiser", A).s(&["maxymiser.net"]),
    p("Dynamic Yield", M).s(&["dynamicyield.com"]).i(&["cdn.dynamicyield.com"]),
    p("Monetate", M).s(&["monetate.net"]),
    p("Nosto", M).s(&["nosto.com"]).i(&["connect.nosto.com"]),
    // ---------------------------------------------------------------- tag managers (loaders)
    p("Tealium", A).s(&["tiqcdn.com", "tealiumiq.com"]).i(&["tags.tiqcdn.com", "utag.js"]),
    p("Ensighten", A).s(&["ensighten.com"]).i(&["nexus.ensighten.com"]),
    p("Commanders Act (TagCommander)", A).s(&["tagcommander.com", "commander1.com"]),
    // ---------------------------------------------------------------- real-user monitoring
    p("New Relic Browser", A).h(&["js-agent.newrelic.com"]).s(&["nr-data.net"]).i(&["js-agent.newrelic.com"]),
    p("Datadog RUM", A)
        .h(&["www.datadoghq-browser-agent.com"])
        .s(&[
            "browser-intake-datadoghq.com",
            "browser-intake-datadoghq.eu",
            "browser-intake-us3-datadoghq.com",
            "browser-intake-us5-datadoghq.com",
            "browser-intake-ap1-datadoghq.com",
            "browser-intake-ddog-gov.com",
        ])
        .i(&["datadoghq-browser-agent.com"]),
    p("Dynatrace RUM", A).s(&["dynatrace.com"]).i(&["js-cdn.dynatrace.com"]),
    p("AppDynamics", A).h(&["cdn.appdynamics.com"]).s(&["eum-appdynamics.com"]).i(&["cdn.appdynamics.com/adrum"]),
    p("Akamai mPulse", A).s(&["go-mpulse.net"]).i(&["go-mpulse.net"]),
    p("SpeedCurve LUX", A).h(&["cdn.speedcurve.com", "lux.speedcurve.com"]),
    // ---------------------------------------------------------------- marketing automation / CRM
    p("HubSpot", M)
        .s(&["hs-scripts.com", "hs-analytics.net", "hsadspixel.net", "hscollectedforms.net"])
        .h(&["track.hubspot.com", "track-eu1.hubspot.com"])
        .i(&["hs-scripts.com/", "hs-analytics.net/"]),
    p("HubSpot Chat", M).s(&["usemessages.com"]).i(&["js.usemessages.com"]),
    p("Marketo", M).s(&["marketo.net", "mktoresp.com"]).i(&["munchkin.marketo.net"]),
    p("Salesforce Pardot", M).s(&["pardot.com"]).i(&["pi.pardot.com"]),
    p("Salesforce Marketing Cloud", M).s(&["igodigital.com", "exacttarget.com"]).i(&["collect.igodigital.com"]),
    p("Salesforce Interaction Studio (Evergage)", M).s(&["evgnet.com"]).i(&["cdn.evgnet.com"]),
    p("Salesforce Commerce Cloud Einstein", M).s(&["cquotient.com"]),
    p("Salesforce DMP (Krux)", M).s(&["krxd.net"]),
    p("Oracle Eloqua", M).s(&["eloqua.com", "en25.com"]),
    p("Oracle BlueKai", M).s(&["bluekai.com", "bkrtx.com"]),
    p("Oracle Moat", M).s(&["moatads.com"]),
    p("Klaviyo", M).s(&["klaviyo.com"]).i(&["static.klaviyo.com"]),
    p("Mailchimp", M).s(&["chimpstatic.com"]).i(&["chimpstatic.com/mcjs-connected"]),
    p("ActiveCampaign", M)
        .s(&["trackcmp.net"])
        .h(&["diffuser-cdn.app-us1.com", "prism.app-us1.com"])
        .i(&["trackcmp.net", "diffuser-cdn.app-us1.com"]),
    p("Brevo (Sendinblue)", M).s(&["sibautomation.com"]).i(&["sibautomation.com"]),
    p("Customer.io", M).s(&["customer.io"]).i(&["assets.customer.io"]),
    p("Braze", M).s(&["appboycdn.com", "braze.com", "braze.eu"]).i(&["js.appboycdn.com"]),
    p("OneSignal", M).s(&["onesignal.com"]).i(&["cdn.onesignal.com"]),
    p("BlueConic", M).s(&["blueconic.net"]),
    p("Sumo", M).s(&["sumo.com", "sumome.com"]).i(&["load.sumo.com"]),
    p("OptinMonster", M).s(&["optinmonster.com", "omappapi.com"]).i(&["a.omappapi.com"]),
    p("Privy", M).s(&["privy.com"]).i(&["widget.privy.com"]),
    p("Attentive", M).s(&["attn.tv", "attentivemobile.com"]).i(&["cdn.attn.tv"]),
    p("Drip", M).s(&["getdrip.com"]).i(&["tag.getdrip.com"]),
    p("SharpSpring", M).s(&["marketingautomation.services"]).i(&["marketingautomation.services"]),
    p("Mautic", M).i(&["MauticTrackingObject"]),
    // ---------------------------------------------------------------- chat widgets
    p("Intercom", M).s(&["intercom.io", "intercomcdn.com", "intercomassets.com"]).i(&["widget.intercom.io"]),
    p("Drift", M).s(&["drift.com", "driftt.com"]).i(&["js.driftt.com"]),
    p("Zendesk Chat", M).h(&["static.zdassets.com"]).s(&["zopim.com"]).i(&["static.zdassets.com"]),
    p("LiveChat", M).s(&["livechatinc.com"]).i(&["cdn.livechatinc.com"]),
    p("tawk.to", M).s(&["tawk.to"]).i(&["embed.tawk.to"]),
    p("Crisp", M).s(&["crisp.chat"]).i(&["client.crisp.chat"]),
    p("Olark", M).s(&["olark.com"]).i(&["static.olark.com"]),
    p("Tidio", M).s(&["tidio.co", "tidiochat.com"]).i(&["code.tidio.co"]),
    p("Freshchat", M).s(&["freshchat.com", "fw-cdn.com"]).i(&["wchat.freshchat.com", "fw-cdn.com"]),
    p("Smartsupp", M).s(&["smartsuppchat.com", "smartsupp.com"]).i(&["smartsuppchat.com"]),
    p("LivePerson", M).s(&["liveperson.net", "lpsnmedia.net"]),
    p("Zoho SalesIQ", M)
        .h(&["salesiq.zoho.com", "salesiq.zoho.eu", "salesiq.zohopublic.com", "salesiq.zohopublic.eu"])
        .i(&["salesiq.zoho"]),
    p("Help Scout Beacon", M).s(&["helpscout.net"]).i(&["beacon-v2.helpscout.net"]),
    p("Gorgias Chat", M).s(&["gorgias.chat"]),
    // ---------------------------------------------------------------- B2B identification, data
    p("ZoomInfo", M).s(&["zoominfo.com", "zi-scripts.com"]).i(&["zi-scripts.com"]),
    p("6sense", M).s(&["6sc.co", "6sense.com"]).i(&["j.6sc.co"]),
    p("Demandbase", M).s(&["demandbase.com", "company-target.com"]).i(&["tag.demandbase.com"]),
    p("Bombora", M).s(&["ml314.com"]).i(&["ml314.com"]),
    p("Leadfeeder", M).s(&["lfeeder.com"]).i(&["sc.lfeeder.com"]),
    p("Lead Forensics", M).s(&["leadforensics.com"]),
    p("Leadinfo", M).s(&["leadinfo.net"]).i(&["cdn.leadinfo.net"]),
    p("Albacross", M).s(&["albacross.com"]).i(&["serve.albacross.com"]),
    p("Clearbit", M).s(&["clearbitscripts.com", "clearbitjs.com"]).i(&["tag.clearbitscripts.com"]),
    p("LiveRamp", M).s(&["rlcdn.com", "pippio.com"]),
    p("LiveIntent", M).s(&["liadm.com"]),
    p("ID5", M).s(&["id5-sync.com"]).i(&["id5-sync.com"]),
    p("Lotame", M).s(&["crwdcntrl.net"]).i(&["tags.crwdcntrl.net"]),
    p("Neustar (AdAdvisor)", M).s(&["agkn.com"]),
    p("Tapad", M).s(&["tapad.com"]),
    p("Nielsen eXelate", M).s(&["exelator.com"]),
    p("comScore", M).s(&["scorecardresearch.com", "comscore.com"]).i(&["scorecardresearch.com"]),
    p("Nielsen", M).s(&["imrworldwide.com"]).i(&["imrworldwide.com"]),
    p("Gemius", M).s(&["gemius.pl"]),
    p("INFOnline", M).s(&["ioam.de"]).i(&["script.ioam.de"]),
    p("Quantcast", M).s(&["quantserve.com", "quantcount.com"]).i(&["quantserve.com"]),
    // ---------------------------------------------------------------- ad tech
    p("Criteo", M).s(&["criteo.com", "criteo.net"]).i(&["static.criteo.net"]),
    p("Taboola", M).s(&["taboola.com", "taboolasyndication.com"]).i(&["cdn.taboola.com"]),
    p("Outbrain", M)
        .s(&["outbrain.com", "outbrainimg.com", "zemanta.com"])
        .i(&["amplify.outbrain.com", "widgets.outbrain.com"]),
    p("Amazon Advertising", M).s(&["amazon-adsystem.com", "assoc-amazon.com"]).i(&["amazon-adsystem.com"]),
    p("Xandr (AppNexus)", M).s(&["adnxs.com", "adnxs-simple.com"]).i(&["adnxs.com"]),
    p("The Trade Desk", M).s(&["adsrvr.org"]).i(&["js.adsrvr.org"]),
    p("Magnite (Rubicon Project)", M).s(&["rubiconproject.com"]),
    p("PubMatic", M).s(&["pubmatic.com"]),
    p("OpenX", M).s(&["openx.net", "servedbyopenx.com"]),
    p("Index Exchange", M).s(&["casalemedia.com", "indexww.com"]),
    p("Sovrn", M).s(&["lijit.com", "s-onetag.com", "viglink.com"]),
    p("Media.net", M).s(&["media.net"]),
    p("Yahoo Advertising", M)
        .s(&["analytics.yahoo.com", "ads.yahoo.com", "advertising.com", "adtechus.com"])
        .h(&["gemini.yahoo.com"])
        .u(&["s.yimg.com/wi/"])
        .i(&["s.yimg.com/wi/ytc.js"]),
    p("AdRoll", M).s(&["adroll.com"]).i(&["s.adroll.com"]),
    p("StackAdapt", M).s(&["stackadapt.com"]).i(&["tags.srv.stackadapt.com"]),
    p("Equativ (Smart AdServer)", M).s(&["smartadserver.com"]),
    p("Adform", M).s(&["adform.net", "adformdsp.net"]),
    p("Teads", M).s(&["teads.tv"]),
    p("Yieldlab", M).s(&["yieldlab.net"]),
    p("Integral Ad Science", M).s(&["adsafeprotected.com"]),
    p("DoubleVerify", M).s(&["doubleverify.com"]),
    p("Sizmek", M).s(&["serving-sys.com"]),
    p("BidSwitch", M).s(&["bidswitch.net"]),
    p("TripleLift", M).s(&["3lift.com"]),
    p("Sharethrough", M).s(&["sharethrough.com"]),
    p("SpotX", M).s(&["spotxchange.com", "spotx.tv"]),
    p("PulsePoint", M).s(&["contextweb.com"]),
    p("Yieldmo", M).s(&["yieldmo.com"]),
    p("GumGum", M).s(&["gumgum.com"]),
    p("Sonobi", M).s(&["sonobi.com"]),
    p("33Across", M).s(&["33across.com"]),
    p("EMX", M).s(&["emxdgt.com"]),
    p("Rich Audience", M).s(&["richaudience.com"]),
    p("Improve Digital", M).s(&["360yield.com", "improvedigital.com"]),
    p("OneTag", M).s(&["onetag-sys.com"]),
    p("Adition", M).s(&["adition.com"]),
    p("Ströer (adscale)", M).s(&["adscale.de"]),
    p("Ligatus", M).s(&["ligatus.com"]),
    p("plista", M).s(&["plista.com"]),
    p("Revcontent", M).s(&["revcontent.com"]),
    p("MGID", M).s(&["mgid.com"]),
    p("Nativo", M).s(&["ntv.io"]),
    p("MediaMath", M).s(&["mathtag.com"]),
    p("Amobee (Turn)", M).s(&["turn.com"]),
    p("Rocket Fuel", M).s(&["rfihub.com"]),
    p("MNTN (SteelHouse)", M).s(&["steelhousemedia.com"]),
    p("Simpli.fi", M).s(&["simpli.fi"]),
    p("Seedtag", M).s(&["seedtag.com"]),
    p("Adhese", M).s(&["adhese.com"]),
    p("Nexx360", M).s(&["nexx360.io"]),
    p("Ezoic", M).s(&["ezoic.net", "ezojs.com"]).i(&["ezojs.com"]),
    p("Mediavine", M).s(&["mediavine.com"]).i(&["scripts.mediavine.com"]),
    p("Raptive (AdThrive)", M).s(&["adthrive.com"]).i(&["ads.adthrive.com"]),
    p("Freestar", M).s(&["pub.network"]),
    p("Prebid.js", M),
    // ---------------------------------------------------------------- affiliate networks
    p("Impact", M)
        .s(&["impactcdn.com", "impactradius-event.com", "sjv.io", "pxf.io", "7eer.net"])
        .i(&["utt.impactcdn.com"]),
    p("Awin", M).s(&["awin1.com", "dwin1.com", "zenaps.com"]).i(&["dwin1.com"]),
    p("CJ Affiliate", M)
        .s(&[
            "emjcd.com",
            "mczbf.com",
            "anrdoezrs.net",
            "dpbolvw.net",
            "jdoqocy.com",
            "kqzyfj.com",
            "tkqlhce.com",
            "qksrv.net",
            "ftjcfx.com",
            "lduhtrp.net",
            "tqlkg.com",
        ])
        .i(&["mczbf.com", "emjcd.com"]),
    p("Rakuten Advertising", M).s(&["linksynergy.com"]).h(&["tag.rmp.rakuten.com"]).i(&["tag.rmp.rakuten.com"]),
    p("Partnerize", M).s(&["prf.hn"]),
    p("ShareASale", M).s(&["shareasale.com", "shareasale-analytics.com"]),
    p("Tradedoubler", M).s(&["tradedoubler.com"]),
    p("Webgains", M).s(&["webgains.com", "webgains.io"]),
    p("Skimlinks", M).s(&["skimresources.com", "skimlinks.com"]).i(&["skimresources.com"]),
];

/// Services the category policy above says are **not** trackers, as allow rules (category
/// `none`): the standard filter lists, asked after this catalog, block some of them (EasyPrivacy
/// lists `sentry-cdn.com`), and a site breaks without them. (name, host suffixes, URL prefixes)
pub(super) static NOT_TRACKERS: &[(&str, &[&str], &[&str])] = &[
    (
        "Sentry (error monitoring)",
        &["sentry-cdn.com", "ingest.sentry.io", "ingest.us.sentry.io", "ingest.de.sentry.io"],
        &[],
    ),
    (
        "Bugsnag (error monitoring)",
        &["d2wy8f7a9ursnm.cloudfront.net", "sessions.bugsnag.com", "notify.bugsnag.com"],
        &[],
    ),
    ("Rollbar (error monitoring)", &["cdn.rollbar.com", "api.rollbar.com"], &[]),
    (
        "reCAPTCHA",
        &["recaptcha.net"],
        &["www.google.com/recaptcha/", "www.gstatic.com/recaptcha/", "www.google.com/js/bg/"],
    ),
    ("hCaptcha", &["hcaptcha.com"], &[]),
    ("Cloudflare Turnstile", &[], &["challenges.cloudflare.com/turnstile/"]),
    ("Stripe", &["js.stripe.com", "m.stripe.network", "hooks.stripe.com"], &[]),
    ("PayPal checkout", &[], &["www.paypal.com/sdk/js", "www.paypalobjects.com/api/checkout"]),
];

/// Vendors whose API the client guard stubs (`src/rewrite/banner/stubs.js`: `gtag`, `ga`,
/// `dataLayer`, `fbq`, `lintrk`, `ttq`, `twq`, `pintrk`, `snaptr`, `rdt`, `clarity`, `hj`,
/// `mixpanel`, `posthog`, `amplitude`, `_hsq`, `_paq`, `uetq`). Only their loader snippets are
/// neutralised server-side: site code calling the vendor keeps working on the stub. Any other
/// vendor's snippet runs (it defines the API the site calls) and the guard stops what it loads.
/// A test holds every vendor with a snippet template (`super::snippets`) to this list.
#[cfg(test)]
pub(super) static STUBBED_PROVIDERS: &[&str] = &[
    "Google Analytics",
    "Google Tag Manager",
    "Google Ads",
    "Meta Pixel",
    "LinkedIn Insight Tag",
    "TikTok Pixel",
    "X (Twitter) Ads",
    "Pinterest Tag",
    "Snap Pixel",
    "Reddit Pixel",
    "Microsoft Clarity",
    "Hotjar",
    "Mixpanel",
    "PostHog",
    "Amplitude",
    "HubSpot",
    "Matomo",
    "Microsoft Advertising (Bing UET)",
];
