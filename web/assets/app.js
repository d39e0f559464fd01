/* yiwang landing page: elder mode and live node status.
 *
 * Plain JavaScript, no build step, no framework, nothing from outside this
 * node (the server's Content-Security-Policy allows only 'self').
 *
 * Loaded synchronously from <head> so the remembered elder mode is applied
 * before the first paint; everything that needs the DOM waits for
 * DOMContentLoaded. Text from the server is only ever set with textContent.
 */
(function () {
  'use strict';

  var ELDER_KEY = 'yw.elderMode';
  var FETCH_TIMEOUT_MS = 10000;
  var root = document.documentElement;

  /* ---------- 长辈模式 / elder mode ---------- */

  function readElder() {
    try { return window.localStorage.getItem(ELDER_KEY) === '1'; } catch (e) { return false; }
  }

  function writeElder(on) {
    try {
      if (on) window.localStorage.setItem(ELDER_KEY, '1');
      else window.localStorage.removeItem(ELDER_KEY);
    } catch (e) { /* storage may be disabled; the mode then lasts for this page only */ }
  }

  function applyElder(on) {
    root.classList.toggle('elder', on);
    var button = document.getElementById('elder-toggle');
    if (button) button.setAttribute('aria-pressed', on ? 'true' : 'false');
  }

  applyElder(readElder());

  /* ---------- small DOM helpers ---------- */

  function $(id) { return document.getElementById(id); }

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function en(text) {
    var span = document.createElement('span');
    span.lang = 'en';
    span.textContent = text;
    return span;
  }

  /* Replace el's content with Chinese text followed by its English. */
  function setBilingual(el, zh, english) {
    clear(el);
    el.appendChild(document.createTextNode(zh + ' '));
    el.appendChild(en(english));
  }

  function setUnavailable(el) {
    clear(el);
    var span = document.createElement('span');
    span.className = 'unavailable';
    span.appendChild(document.createTextNode('暂不可用 '));
    span.appendChild(en('Unavailable'));
    el.appendChild(span);
  }

  function isText(v) { return typeof v === 'string' && v.length > 0; }

  function pad2(n) { return (n < 10 ? '0' : '') + n; }

  function clock(d) { return pad2(d.getHours()) + ':' + pad2(d.getMinutes()) + ':' + pad2(d.getSeconds()); }

  /* ---------- formatting ---------- */

  var PROFILES = {
    gm: ['国密算法（SM2 / SM3 / SM4）', 'Chinese commercial cryptography (SM2 / SM3 / SM4)'],
    intl: ['国际算法（Ed25519 / SHA-256 / AES-GCM）', 'International algorithms (Ed25519 / SHA-256 / AES-GCM)']
  };

  function uptimeParts(total) {
    var s = Math.max(0, Math.floor(total));
    var d = Math.floor(s / 86400);
    var h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    var zh = [];
    var english = [];
    if (d) { zh.push(d + ' 天'); english.push(d + ' d'); }
    if (h) { zh.push(h + ' 小时'); english.push(h + ' h'); }
    if (m && !d) { zh.push(m + ' 分钟'); english.push(m + ' min'); }
    if (!zh.length) { zh.push(s + ' 秒'); english.push(s + ' s'); }
    return [zh.join(' '), english.join(' ')];
  }

  /* ---------- fetching ---------- */

  /* Relative URLs, so the page also works behind a path prefix. */
  function getJSON(path) {
    if (typeof window.fetch !== 'function') return Promise.reject(new Error('fetch unsupported'));
    var ctrl = typeof window.AbortController === 'function' ? new AbortController() : null;
    var timer = ctrl ? setTimeout(function () { ctrl.abort(); }, FETCH_TIMEOUT_MS) : 0;
    return window.fetch(path, {
      headers: { Accept: 'application/json' },
      cache: 'no-store',
      credentials: 'same-origin',
      signal: ctrl ? ctrl.signal : undefined
    }).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(function (body) {
      clearTimeout(timer);
      if (!body || typeof body !== 'object') throw new Error('not a JSON object');
      return body;
    }, function (err) {
      clearTimeout(timer);
      throw err;
    });
  }

  /* Settle a promise into {ok, value|error} so one failure never hides the other. */
  function settle(p) {
    return p.then(function (value) { return { ok: true, value: value }; },
                  function (error) { return { ok: false, error: error }; });
  }

  /* ---------- rendering ---------- */

  var staticTitle = '';
  var staticHeading = '';

  function renderNode(node) {
    var nameEl = $('node-name');
    if (isText(node.name)) {
      nameEl.textContent = node.name;
      $('fact-name').textContent = node.name;
      document.title = node.name + ' | 一网 yiwang';
    } else {
      nameEl.textContent = staticHeading;
      setUnavailable($('fact-name'));
    }

    if (isText(node.origin)) $('fact-origin').textContent = node.origin;
    else setUnavailable($('fact-origin'));

    var profile = PROFILES[node.profile];
    if (profile) {
      var pe = $('fact-profile');
      clear(pe);
      pe.appendChild(document.createTextNode(profile[0]));
      var sub = en(profile[1]);
      sub.className = 'sub';
      pe.appendChild(sub);
    }
    else if (isText(node.profile)) $('fact-profile').textContent = node.profile;
    else setUnavailable($('fact-profile'));

    if (isText(node.public_key)) $('fact-key').textContent = node.public_key;
    else setUnavailable($('fact-key'));

    if (isText(node.version)) {
      $('fact-version').textContent = node.version;
      $('footer-version').textContent = 'v' + node.version;
    }
  }

  function renderNodeFailed() {
    $('node-name').textContent = staticHeading;
    document.title = staticTitle;
    ['fact-name', 'fact-origin', 'fact-profile', 'fact-key'].forEach(function (id) { setUnavailable($(id)); });
  }

  function renderHealth(health, versionKnown) {
    var el = $('fact-health');
    var status = isText(health.status) ? health.status : 'unknown';
    el.setAttribute('data-status', status);
    clear(el);
    var main = document.createElement('span');
    if (status === 'ok') {
      main.className = 'health-ok';
      main.appendChild(document.createTextNode('✓ 运行正常 '));
      main.appendChild(en('OK'));
    } else {
      main.className = 'health-bad';
      main.appendChild(document.createTextNode('⚠ 状态异常 '));
      main.appendChild(en('Not OK: ' + status));
    }
    el.appendChild(main);
    if (typeof health.schema_version === 'number') {
      var sub = document.createElement('span');
      sub.className = 'sub';
      sub.appendChild(document.createTextNode('数据库结构版本 ' + health.schema_version + ' '));
      sub.appendChild(en('schema version ' + health.schema_version));
      el.appendChild(sub);
    }

    if (typeof health.uptime_seconds === 'number' && isFinite(health.uptime_seconds)) {
      var up = uptimeParts(health.uptime_seconds);
      setBilingual($('fact-uptime'), up[0], up[1]);
    } else {
      setUnavailable($('fact-uptime'));
    }

    if (!versionKnown && isText(health.version)) {
      $('fact-version').textContent = health.version;
      $('footer-version').textContent = 'v' + health.version;
    }
  }

  function renderHealthFailed() {
    var el = $('fact-health');
    el.setAttribute('data-status', 'unreachable');
    clear(el);
    var span = document.createElement('span');
    span.className = 'health-bad';
    span.appendChild(document.createTextNode('⚠ 无法获取 '));
    span.appendChild(en('Could not be checked'));
    el.appendChild(span);
    setUnavailable($('fact-uptime'));
  }

  function announce(state, zh, english) {
    var box = $('load-status');
    box.setAttribute('data-state', state);
    clear(box);
    var p = document.createElement('p');
    p.appendChild(document.createTextNode(zh + ' '));
    p.appendChild(en(english));
    box.appendChild(p);
  }

  var loading = false;

  function load() {
    if (loading) return;
    loading = true;
    var button = $('reload');
    button.setAttribute('aria-disabled', 'true');
    announce('loading', '正在读取节点信息，请稍候……', 'Loading node information, please wait…');

    Promise.all([settle(getJSON('v1/node')), settle(getJSON('v1/health'))]).then(function (r) {
      var node = r[0];
      var health = r[1];
      var versionKnown = false;

      if (node.ok) {
        renderNode(node.value);
        versionKnown = isText(node.value.version);
      } else {
        renderNodeFailed();
      }
      if (health.ok) renderHealth(health.value, versionKnown);
      else renderHealthFailed();
      if (!versionKnown && !(health.ok && isText(health.value.version))) setUnavailable($('fact-version'));

      var t = clock(new Date());
      if (node.ok && health.ok) {
        announce('ready', '节点信息已更新（' + t + '）。', 'Node information updated at ' + t + '.');
      } else if (node.ok || health.ok) {
        announce('partial',
          '抱歉，部分节点信息暂时无法读取（' + t + '）。请稍后点击“重新读取”再试。',
          'Sorry, some node information could not be loaded just now (' + t + '). Please try “Refresh” again later.');
      } else {
        announce('error',
          '抱歉，暂时无法连接本节点的接口。请稍后点击“重新读取”再试；如果一直无法读取，请联系本节点的管理员。',
          'Sorry, this node’s interfaces cannot be reached just now. Please try “Refresh” again later; if it keeps failing, please contact the node’s administrator.');
      }
    }).catch(function () {
      /* Rendering itself failed (unexpected data): still say so, never leave a blank. */
      announce('error',
        '抱歉，节点信息的格式无法识别，请联系本节点的管理员。',
        'Sorry, the node information was not in a form this page understands. Please contact the node’s administrator.');
    }).then(function () {
      loading = false;
      button.removeAttribute('aria-disabled');
    });
  }

  /* ---------- start ---------- */

  function start() {
    staticTitle = document.title;
    staticHeading = $('node-name').textContent;

    var toggle = $('elder-toggle');
    applyElder(root.classList.contains('elder'));
    toggle.addEventListener('click', function () {
      var on = !root.classList.contains('elder');
      applyElder(on);
      writeElder(on);
    });

    /* Keep several open tabs in step. */
    window.addEventListener('storage', function (e) {
      if (e.key === ELDER_KEY || e.key === null) applyElder(readElder());
    });

    $('reload').addEventListener('click', load);
    load();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
}());
