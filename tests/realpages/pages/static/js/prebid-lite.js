/*!
 * Header-bidding wrapper, self-hosted (a trimmed build of the site's Prebid.js: the adapters send
 * their bid requests to the SSPs' endpoints, then run user syncs). Ad tech, not site code.
 */
(function (w, d) {
  'use strict';
  var ENDPOINTS = {
    appnexus: 'https://ib.adnxs.com/ut/v3/prebid',
    ix: 'https://htlb.casalemedia.com/openrtb/pbjs',
    pubmatic: 'https://hbopenbid.pubmatic.com/translator?source=prebid-client',
    rubicon: 'https://fastlane.rubiconproject.com/a/api/fastlane.json',
    openx: 'https://rtb.openx.net/openrtbb/prebidjs',
    sovrn: 'https://ap.lijit.com/rtb/bid?src=prebid_prebid_8.52.0',
    triplelift: 'https://tlx.3lift.com/header/auction?lib=prebid&v=8.52.0',
    sharethrough: 'https://btlr.sharethrough.com/universal/v1?supply_id=WYu2BXv1',
    '33across': 'https://ssc.33across.com/api/v1/hb',
    gumgum: 'https://g2.gumgum.com/hbid/imp',
    teads: 'https://a.teads.tv/hb/bid-request',
    seedtag: 'https://s.seedtag.com/c/hb/bid',
    smartadserver: 'https://prg.smartadserver.com/prebid/v1',
    adform: 'https://adx.adform.net/adx/openrtb',
    criteo: 'https://grid-bidder.criteo.com/openrtb_2_5/pbjs/auction/request?profileId=207',
    medianet: 'https://prebid.media.net/rtb/prebid?cid=8CUV090',
    onetag: 'https://onetag-sys.com/prebid-request'
  };
  var SYNCS = {
    appnexus: ['iframe', 'https://acdn.adnxs.com/dmp/async_usersync.html'],
    pubmatic: ['iframe', 'https://ads.pubmatic.com/AdServer/js/user_sync.html?kdntuid=1&p=156209'],
    rubicon: ['iframe', 'https://eus.rubiconproject.com/usync.html'],
    openx: ['iframe', 'https://u.openx.net/w/1.0/pd?ph=2d1251ae-7f3a-47cf-bd2a-2f288854a0ba'],
    ix: ['iframe', 'https://js-sec.indexww.com/um/ixmatch.html'],
    triplelift: ['image', 'https://eb2.3lift.com/sync?'],
    criteo: ['iframe', 'https://gum.criteo.com/syncframe?origin=criteoPrebidAdapter'],
    '33across': ['iframe', 'https://ssc-cms.33across.com/ps/?m=xch&rt=html'],
    sovrn: ['image', 'https://ap.lijit.com/beacon?informer=13487408']
  };
  var pbjs = w.pbjs = w.pbjs || {};
  var que = pbjs.que || [];
  var adUnits = [];
  var config = {};
  pbjs.version = 'v8.52.0-lite';
  pbjs.setConfig = function (c) { for (var k in c) config[k] = c[k]; };
  pbjs.addAdUnits = function (u) { adUnits = adUnits.concat(u); };
  pbjs.getHighestCpmBids = function () { return []; };
  pbjs.setTargetingForGPTAsync = function () {};
  pbjs.requestBids = function (o) {
    o = o || {};
    var bidders = {};
    adUnits.forEach(function (u) { (u.bids || []).forEach(function (b) { bidders[b.bidder] = true; }); });
    var calls = Object.keys(bidders).filter(function (b) { return ENDPOINTS[b]; }).map(function (b) {
      var body = JSON.stringify({ id: String(Math.random()).slice(2), imp: adUnits.map(function (u) { return { id: u.code }; }), site: { page: location.href } });
      return fetch(ENDPOINTS[b], { method: 'POST', body: body, credentials: 'include' }).catch(function () {});
    });
    var done = false;
    function back() { if (done) return; done = true; if (o.bidsBackHandler) o.bidsBackHandler({}); userSyncs(bidders); }
    Promise.all(calls).then(back);
    setTimeout(back, o.timeout || config.bidderTimeout || 1500);
  };
  function userSyncs(bidders) {
    if (config.userSync && config.userSync.syncEnabled === false) return;
    Object.keys(bidders).forEach(function (b) {
      var s = SYNCS[b];
      if (!s) return;
      if (s[0] === 'image') { var i = new Image(); i.src = s[1]; return; }
      var f = d.createElement('iframe');
      f.src = s[1]; f.width = 0; f.height = 0; f.style.display = 'none';
      d.body.appendChild(f);
    });
  }
  pbjs.que = { push: function (fn) { try { fn(); } catch (e) { setTimeout(function () { throw e; }); } } };
  que.forEach(function (fn) { pbjs.que.push(fn); });
})(window, document);
