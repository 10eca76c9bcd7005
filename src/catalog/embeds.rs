//! Embeds: third-party players and widgets shown inside a page — video, audio, posts, maps,
//! comments, booking — held behind a click-to-load placeholder until the visitor allows their
//! category. The set follows the presets WordPress content blockers ship (Borlabs Cookie's
//! content blockers, Complianz's integrations). Each entry says **why** it needs consent: its
//! cookies (the Open Cookie Database in `data/`, "OCD") or what the provider's own documentation
//! says it records.
//!
//! Every embed here is `marketing` under the catalog's policy (a third party that sees the
//! visitor on this site and sets or reads its own identifiers, for its own purposes); an operator
//! who judges one otherwise allows it with a `[[trackers.rules]]` entry (`category = "none"`) or
//! moves it to another category.
//!
//! How an embed is held back depends on how it is written:
//! * **an `<iframe>`** (players, maps, widgets): its `src` waits and the iframe shows the
//!   placeholder (`srcdoc`) naming the provider, with a button that allows the category;
//! * **markup plus the provider's loader script** (a `<blockquote class="twitter-tweet">` and
//!   `widgets.js`): the script waits like any tracker script, the markup stays as the readable
//!   fallback it is, and a placeholder is shown right after it ([`Embed::containers`]).
//!
//! # Judgement calls
//! * **YouTube** embeds, including `youtube-nocookie.com` (it still stores an identifier once the
//!   video plays), are held; `i.ytimg.com`/`img.youtube.com` thumbnails are *not* listed: they are
//!   cookieless static images (and what `banner.thumbnails` serves through the proxy).
//! * **Vimeo**: `player.vimeo.com` is held; `vimeocdn.com` thumbnails are not listed.
//! * **Google Maps** (embeds, the `maps.googleapis.com` JS API and static maps, `maps.google.*`,
//!   `google.*/maps`): held; `maps.gstatic.com` static assets are not listed. This also gates
//!   Places autocomplete until consent.
//! * **OpenStreetMap**: only the embed page (`/export/embed.html`) is held, not the tile servers
//!   a site's own Leaflet or OpenLayers map uses (that map is the site's, and works without it).
//! * **Calendly** (booking) is **opt-in**: its widget is how visitors book an appointment, the
//!   way a contact form is how they write (HubSpot and Marketo forms are not listed either), and
//!   holding it breaks the site's main task for everyone who has not decided. An operator who
//!   wants it held adds `[[trackers.rules]] pattern = ".calendly.com"`, `category = "marketing"`,
//!   `provider = "Calendly"`; the preset's placeholder then follows its markup.
//! * **Social networks** (Meta, Instagram, X, TikTok, Pinterest, Reddit, LinkedIn) are whole
//!   providers in `trackers_data` (every resource of theirs carries their login cookies); their
//!   embed markup is listed here.

use super::provider::{p, Provider, M};

/// One embed preset: the catalog provider it belongs to, and what the rewriter and the
/// documentation need to know about it.
pub struct Embed {
    /// The provider's name in the catalog (the placeholder shows it).
    pub provider: &'static str,
    /// Why it needs consent (its cookies or its tracking, with the source).
    pub why: &'static str,
    /// CSS selectors of the markup the provider's loader script turns into the embed; a
    /// placeholder follows each such element while the provider is refused.
    pub containers: &'static [&'static str],
    /// An embed URL as the provider's share dialog writes it (the tests load one of each).
    pub example: &'static str,
    /// Not held unless the operator adds a rule for it (see the judgement calls): the preset
    /// gives it a placeholder once they do.
    pub opt_in: bool,
}

const fn e(provider: &'static str, why: &'static str, example: &'static str) -> Embed {
    Embed { provider, why, containers: &[], example, opt_in: false }
}

impl Embed {
    const fn markup(mut self, containers: &'static [&'static str]) -> Self {
        self.containers = containers;
        self
    }
    const fn opt_in(mut self) -> Self {
        self.opt_in = true;
        self
    }
}

/// The embed providers whose rules live here (the social networks' are in `trackers_data`).
pub(super) static EMBED_PROVIDERS: &[Provider] = &[
    p("YouTube", M)
        .s(&["youtube-nocookie.com"])
        .u(&[
            "www.youtube.com/embed/",
            "youtube.com/embed/",
            "m.youtube.com/embed/",
            "www.youtube.com/iframe_api",
            "youtube.com/iframe_api",
            "www.youtube.com/player_api",
            "www.youtube.com/s/player/",
            "www.youtube.com/v/",
        ])
        .i(&["youtube.com/iframe_api", "youtube.com/player_api"]),
    p("Google Maps", M).h(&["maps.googleapis.com"]).i(&["maps.googleapis.com/maps/api/js"]),
    p("Vimeo", M).h(&["player.vimeo.com", "fresnel.vimeocdn.com"]).i(&["player.vimeo.com/api/player.js"]),
    p("Dailymotion", M).h(&["geo.dailymotion.com"]).u(&["www.dailymotion.com/embed/", "dailymotion.com/embed/"]),
    p("Wistia", M).s(&["wistia.com", "wistia.net"]).i(&["fast.wistia.com", "fast.wistia.net"]),
    p("Vidyard", M).s(&["vidyard.com"]),
    p("Spotify", M).u(&["open.spotify.com/embed"]),
    p("SoundCloud", M).h(&["w.soundcloud.com"]),
    p("Twitch", M).h(&["player.twitch.tv", "embed.twitch.tv", "clips.twitch.tv"]),
    p("Disqus", M).s(&["disqus.com", "disquscdn.com"]).i(&[".disqus.com/embed.js", ".disqus.com/count.js"]),
    p("Apple Podcasts", M).h(&["embed.podcasts.apple.com"]),
    p("Discord", M).u(&["discord.com/widget", "discordapp.com/widget", "discord.com/api/guilds/"]),
    p("Loom", M).u(&["www.loom.com/embed/", "loom.com/embed/"]),
    p("Mixcloud", M).h(&["player-widget.mixcloud.com"]).u(&["www.mixcloud.com/widget/", "mixcloud.com/widget/"]),
    p("Issuu", M).h(&["e.issuu.com"]).i(&["e.issuu.com/embed.js"]),
    p("OpenStreetMap", M).u(&["www.openstreetmap.org/export/embed.html", "openstreetmap.org/export/embed.html"]),
];

/// The embed presets, one per provider, in the order the README lists them.
pub static EMBEDS: &[Embed] = &[
    e(
        "YouTube",
        "YSC, VISITOR_INFO1_LIVE, PREF (OCD: YouTube); the player reports views to Google",
        "https://www.youtube.com/embed/dQw4w9WgXcQ",
    ),
    e(
        "Vimeo",
        "vuid, Vimeo's analytics identifier of the viewer (OCD: Vimeo, Analytics)",
        "https://player.vimeo.com/video/76979871",
    ),
    e(
        "Google Maps",
        "Google's NID-family cookies and OGP/OGPC (OCD: Google Maps, Marketing)",
        "https://www.google.com/maps/embed?pb=!1m18",
    ),
    e(
        "Dailymotion",
        "an ad-funded player: Dailymotion's visitor identifiers (v1st) and its advertising partners (Dailymotion's cookie policy)",
        "https://www.dailymotion.com/embed/video/x8abcd",
    ),
    e(
        "SoundCloud",
        "sc_anonymous_id, SoundCloud's identifier of the listener, and its analytics (SoundCloud's cookie policy)",
        "https://w.soundcloud.com/player/?url=https%3A//api.soundcloud.com/tracks/1",
    ),
    e(
        "Spotify",
        "sp_t and sp_landing, Spotify's device identifier (OCD: Spotify)",
        "https://open.spotify.com/embed/track/4uLU6hMCjMI75M1A2tKUQC",
    ),
    e(
        "Twitch",
        "unique_id, device_id and session identifiers (OCD: Twitch); streams carry Twitch's ads",
        "https://player.twitch.tv/?channel=example&parent=www.example.com",
    ),
    e(
        "TikTok",
        "ttwid, msToken, _ttp: TikTok's identifiers, used for advertising (OCD: TikTok, Marketing)",
        "https://www.tiktok.com/embed/v2/7000000000000000000",
    )
    .markup(&["blockquote.tiktok-embed"]),
    e(
        "Instagram",
        "ig_did, mid and Meta's login cookies (OCD: Instagram, Marketing)",
        "https://www.instagram.com/p/C0example/embed",
    )
    .markup(&["blockquote.instagram-media"]),
    e(
        "X (Twitter)",
        "guest_id, personalization_id, guest_id_ads (OCD: X, Marketing)",
        "https://platform.twitter.com/embed/Tweet.html?id=20",
    )
    .markup(&["blockquote.twitter-tweet", "blockquote.twitter-video", "a.twitter-timeline"]),
    e(
        "Meta",
        "datr, sb, fr and Facebook's login cookies (OCD: Facebook, Marketing): posts, videos and the page plugin",
        "https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2F20531316728%2Fposts%2F1",
    )
    .markup(&["div.fb-post", "div.fb-video", "div.fb-page", "div.fb-comments", "div.fb-like"]),
    e(
        "Pinterest",
        "_pinterest_sess, _pin_unauth, _routing_id (OCD: Pinterest, Marketing)",
        "https://assets.pinterest.com/ext/embed.html?id=1",
    )
    .markup(&["a[data-pin-do]"]),
    e(
        "Disqus",
        "Disqus's own identifiers and its advertising partners' (OCD: Disqus, Marketing)",
        "https://example.disqus.com/embed.js",
    )
    .markup(&["#disqus_thread"]),
    e(
        "Apple Podcasts",
        "Apple's player sends Apple the listener's address and what is played (Apple Media Services privacy policy)",
        "https://embed.podcasts.apple.com/us/podcast/example/id1000000000",
    ),
    e(
        "Discord",
        "__dcfduid and __sdcfduid, Discord's device identifiers, and Cloudflare's __cfruid (Discord's cookie policy)",
        "https://discord.com/widget?id=100000000000000000&theme=dark",
    ),
    e(
        "Calendly",
        "Calendly's own cookies and its analytics and marketing partners' (Calendly's cookie notice); opt-in: a booking widget is how visitors reach the site",
        "https://calendly.com/example/30min",
    )
    .markup(&["div.calendly-inline-widget"])
    .opt_in(),
    e(
        "Wistia",
        "_distillery, wistia-video-progress-* (OCD: Wistia); the player reports each viewer's viewing to the video's owner",
        "https://fast.wistia.net/embed/iframe/abcdefghij",
    )
    .markup(&["div.wistia_embed"]),
    e(
        "Loom",
        "Loom's cookies; the player reports who watched and for how long to the video's owner (Loom's viewer insights)",
        "https://www.loom.com/embed/0123456789abcdef0123456789abcdef",
    ),
    e(
        "Mixcloud",
        "an ad-funded player: Mixcloud's cookies and its advertising partners' (Mixcloud's cookie policy)",
        "https://player-widget.mixcloud.com/widget/iframe/?feed=%2Fexample%2Fmix%2F",
    ),
    e(
        "Issuu",
        "iutk, Issuu's identifier of the reader's device and what it read (OCD: Issuu, Marketing)",
        "https://e.issuu.com/embed.html?d=example&u=example",
    )
    .markup(&["div.issuuembed"]),
    e(
        "OpenStreetMap",
        "no tracking cookie, but the OpenStreetMap Foundation's servers receive the visitor's address and the page (OSMF privacy policy): third-party content, behind consent as in the content-blocker presets",
        "https://www.openstreetmap.org/export/embed.html?bbox=11.9,57.6,12.1,57.8&layer=mapnik",
    ),
    e(
        "Vidyard",
        "Vidyard's player records each viewer for the video's owner (Vidyard's viewer analytics)",
        "https://play.vidyard.com/abcdefghijklmnop.html",
    ),
    e(
        "Reddit",
        "edgebucket, initref, _rdt_uuid (OCD: Reddit, Marketing)",
        "https://embed.reddit.com/r/rust/comments/abc/example/",
    )
    .markup(&["blockquote.reddit-embed-bq"]),
];

/// Where providers keep their thumbnails and cover art — cookieless images on their own hosts,
/// which `banner.thumbnails` serves from this site while the provider is held: (host, path
/// prefix, provider). A strict allow-list: the proxy fetches nothing else.
pub static THUMBNAIL_SOURCES: &[(&str, &str, &str)] = &[
    ("i.ytimg.com", "/", "YouTube"),
    ("i1.ytimg.com", "/", "YouTube"),
    ("i2.ytimg.com", "/", "YouTube"),
    ("i3.ytimg.com", "/", "YouTube"),
    ("i4.ytimg.com", "/", "YouTube"),
    ("img.youtube.com", "/vi/", "YouTube"),
    ("i.vimeocdn.com", "/", "Vimeo"),
    ("s1.dmcdn.net", "/", "Dailymotion"),
    ("s2.dmcdn.net", "/", "Dailymotion"),
    ("www.dailymotion.com", "/thumbnail/", "Dailymotion"),
    ("i.scdn.co", "/image/", "Spotify"),
    ("i1.sndcdn.com", "/", "SoundCloud"),
    ("static-cdn.jtvnw.net", "/", "Twitch"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::trackers::TrackerCatalog;

    #[test]
    fn every_embed_is_a_catalog_provider_and_its_example_is_held() {
        let catalog = TrackerCatalog::new(TrackerCatalog::builtin_rules());
        for embed in EMBEDS.iter().filter(|e| !e.opt_in) {
            let rule = catalog
                .classify_url(embed.example, None)
                .unwrap_or_else(|| panic!("{}: {} is not held", embed.provider, embed.example));
            assert_eq!(rule.provider, embed.provider, "{}", embed.example);
            assert_eq!(rule.category, "marketing", "{}", embed.provider);
            assert!(embed.why.len() > 20, "{}: say why", embed.provider);
            for c in embed.containers {
                assert!(c.parse::<lol_html::Selector>().is_ok(), "{}: bad selector {c}", embed.provider);
            }
        }
        for embed in EMBEDS.iter().filter(|e| e.opt_in) {
            assert!(catalog.classify_url(embed.example, None).is_none(), "{}: opt-in, not held", embed.provider);
        }
        for (host, _, provider) in THUMBNAIL_SOURCES {
            assert!(EMBEDS.iter().any(|e| e.provider == *provider), "{host}: {provider} has no preset");
            let url = format!("https://{host}/x.jpg");
            assert!(catalog.classify_url(&url, None).is_none(), "{host}: a thumbnail host must not be a tracker rule");
        }
        let mut names: Vec<_> = EMBEDS.iter().map(|e| e.provider).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), EMBEDS.len(), "one preset per provider");
    }
}
