// WhatsApp Web simulator: the internal module surface the real page offers to scripts (see
// shared/reference/whatsapp-web.md), under the same names and shapes, backed by the stub's
// /wa/api. The bridge must run unchanged against this page and the real one. Nothing here
// knows about the bridge.
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  // "WhatsApp changed" modes for tests, as a new WhatsApp build changes things:
  //   ?omit=ModuleA,ModuleB            leaves modules out
  //   ?rename=ModuleA:NewName,...      defines a module under another name
  //   ?move=ModuleA.fn:OtherModule,... takes a function out of a module into another one
  // and ?outdated=1 shows the "update your browser" page, ?stall=1 a page that never loads.
  const pairs = (name) => (params.get(name) || '').split(',').filter(Boolean).map((p) => p.split(':'));
  const omitted = new Set((params.get('omit') || '').split(',').filter(Boolean));
  const renamed = new Map(pairs('rename'));
  const moves = pairs('move').map(([from, to]) => ({ module: from.split('.')[0], fn: from.split('.')[1], to }));
  const QR_FIRST_MS = Number(params.get('qrFirstMs')) || 60000;
  const QR_NEXT_MS = Number(params.get('qrNextMs')) || 20000;
  const QR_CODES = 6;
  const POLL_MS = 300;

  if (params.get('outdated')) {
    // What WhatsApp serves to a browser it does not accept: no app, no modules.
    document.body.className = 'page-version';
    document.body.innerHTML = '<h2>WhatsApp works with Google Chrome 85+</h2><p>To use WhatsApp, update Chrome or use another browser.</p>';
    return;
  }
  if (params.get('stall')) {
    document.getElementById('state').textContent = 'loading…'; // and it stays so
    return;
  }

  // ---- Meta's module system (window.__d defines, window.require loads) ----
  const factories = Object.create(null);
  const loaded = Object.create(null);
  const movedOut = Object.create(null); // module -> { fn: the function moved elsewhere }
  window.__d = function (name, deps, factory) {
    if (omitted.has(name)) return;
    const own = moves.filter((m) => m.module === name);
    factories[renamed.get(name) || name] = own.length === 0 ? factory : (g, r, module, exports) => {
      factory(g, r, module, exports);
      movedOut[name] = {};
      for (const m of own) {
        movedOut[name][m.fn] = module.exports[m.fn];
        delete module.exports[m.fn];
      }
    };
    for (const m of own) {
      factories[m.to] = (g, r, module) => {
        r(renamed.get(name) || name);
        module.exports = { [m.fn]: movedOut[name][m.fn] };
      };
    }
  };
  window.require = function (name) {
    if (name in loaded) return loaded[name];
    const factory = factories[name];
    if (!factory) throw new Error('Requiring unknown module "' + name + '"');
    const module = { exports: {} };
    factory(window, window.require, module, module.exports);
    loaded[name] = module.exports;
    return module.exports;
  };
  // The loader's own registry, as require('__debug').modulesMap lists it in the real page.
  factories.__debug = (g, r, module) => {
    module.exports = {
      get modulesMap() {
        const map = {};
        for (const name of Object.keys(factories)) map[name] = { factory: factories[name], defaultExport: null };
        return map;
      },
    };
  };

  // ---- Backbone-like events, models and collections ----
  class Events {
    on(name, callback, context) {
      this._listeners = this._listeners || {};
      (this._listeners[name] = this._listeners[name] || []).push({ callback, context, once: false });
      return this;
    }
    once(name, callback, context) {
      this.on(name, callback, context);
      this._listeners[name][this._listeners[name].length - 1].once = true;
      return this;
    }
    off(name, callback) {
      if (!this._listeners) return this;
      if (!name) { this._listeners = {}; return this; }
      if (!callback) { delete this._listeners[name]; return this; }
      this._listeners[name] = (this._listeners[name] || []).filter((l) => l.callback !== callback);
      return this;
    }
    trigger(name, ...args) {
      const list = (this._listeners && this._listeners[name]) || [];
      for (const l of list.slice()) {
        if (l.once) this.off(name, l.callback);
        try { l.callback.apply(l.context || this, args); } catch (e) { console.error(e); }
      }
      return this;
    }
  }

  class Model extends Events {
    constructor(attributes) {
      super();
      this.attributes = {};
      this._collections = [];
      this.set(attributes || {}, { silent: true });
    }
    get(key) { return this.attributes[key]; }
    set(key, value, options) {
      let changes = key;
      if (typeof key === 'string') changes = { [key]: value };
      else options = value;
      const changed = [];
      for (const [k, v] of Object.entries(changes)) {
        if (!(k in this) || Object.getOwnPropertyDescriptor(this, k)) {
          Object.defineProperty(this, k, {
            get: () => this.attributes[k], set: (nv) => this.set(k, nv), configurable: true, enumerable: true,
          });
        }
        if (this.attributes[k] !== v) { this.attributes[k] = v; changed.push(k); }
      }
      if (!(options && options.silent)) {
        for (const k of changed) this.emit('change:' + k, this, this.attributes[k]);
        if (changed.length) this.emit('change', this);
      }
      return this;
    }
    // Model events reach the collections the model is in, as in Backbone.
    emit(name, ...args) {
      this.trigger(name, ...args);
      for (const c of this._collections) c.trigger(name, ...args);
    }
    serialize() { return Object.assign({}, this.attributes); }
  }

  const keyOf = (id) => (id && typeof id === 'object' ? id._serialized : id);

  class Collection extends Events {
    constructor(ModelType) { super(); this.ModelType = ModelType; this._models = new Map(); }
    get(id) { return this._models.get(keyOf(id)); }
    add(attributes) {
      const model = attributes instanceof Model ? attributes : new this.ModelType(attributes);
      const key = keyOf(model.get('id'));
      if (this._models.has(key)) return this._models.get(key);
      this._models.set(key, model);
      model._collections.push(this);
      this.trigger('add', model, this);
      return model;
    }
    filter(fn) { return this.getModelsArray().filter(fn); }
    getModelsArray() { return Array.from(this._models.values()); }
    get length() { return this._models.size; }
  }

  // ---- WhatsApp ids ----
  class Wid {
    constructor(serialized) {
      const at = serialized.indexOf('@');
      this.user = serialized.slice(0, at);
      this.server = serialized.slice(at + 1);
      this._serialized = serialized;
    }
    toString() { return this._serialized; }
    equals(other) { return !!other && keyOf(other) === this._serialized; }
    isUser() { return this.server === 'c.us' || this.server === 'lid'; }
    isGroup() { return this.server === 'g.us'; }
  }
  const createWid = (id) => {
    if (id instanceof Wid) return id;
    if (typeof id !== 'string' || !/^[\w.-]+@(c\.us|g\.us|lid|broadcast|newsletter)$/.test(id)) {
      throw new Error('invalid wid: ' + id);
    }
    return new Wid(id);
  };

  const hex = (n) => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();

  class MsgKey {
    constructor({ from, to, id, participant, selfDir, fromMe, remote }) {
      this.fromMe = fromMe !== undefined ? !!fromMe : selfDir === 'out';
      this.remote = createWid(keyOf(remote || (this.fromMe ? to : from)));
      this.id = id;
      this.participant = participant ? createWid(keyOf(participant)) : undefined;
      this._serialized = `${this.fromMe}_${this.remote._serialized}_${id}`;
    }
    toString() { return this._serialized; }
    static async newId() { return '3EB0' + hex(10); }
  }

  // ---- App state ----
  // A message can tell what a reply to it must carry to quote it.
  const Msg = new Collection(class extends Model {
    msgContextInfo(chat) {
      return {
        quotedMsg: this.serialize(), quotedStanzaID: this.id.id,
        quotedParticipant: this.author || this.from, quotedRemoteJid: chat.id,
      };
    }
  });
  const Chat = new Collection(class extends Model {});
  const Contact = new Collection(class extends Model {});
  const Socket = new Model({ state: 'UNLAUNCHED', hasSynced: false });
  const Conn = new Model({ ref: null, wid: null, platform: 'web' });
  const Cmd = new Events();

  const api = async (path, options) => {
    const response = await fetch('/wa/api/' + path, Object.assign({ headers: { 'Content-Type': 'application/json' } }, options));
    const body = await response.json();
    if (!response.ok) {
      const error = new Error((body.error && body.error.message) || response.statusText);
      error.refused = true; // the server answered no, as opposed to not answering at all
      error.code = body.error && body.error.code;
      throw error;
    }
    return body;
  };
  // Uploads that found no connection; retried, like WhatsApp's own outbox, once it is back.
  const waitingForConnection = [];

  const ensureChat = (wid) => Chat.get(wid) || Chat.add({ id: wid, name: wid.user, t: Math.floor(Date.now() / 1000), unreadCount: 0 });

  const pageId = hex(8);
  let lastSeq = 0; // of the last event from the server that was processed
  let me = null;
  let qrTimer = null;

  const addIncoming = (m, isNewMsg, type) => {
    const customer = createWid(m.chatId);
    const fromMe = !!m.fromMe;
    const key = new MsgKey({ from: fromMe ? me : customer, to: fromMe ? customer : me, id: m.id, selfDir: fromMe ? 'out' : 'in', participant: m.author });
    if (Msg.get(key)) return Msg.get(key);
    ensureChat(customer);
    // What a message other than a text carries, in the fields WhatsApp's model uses.
    const x = m.x || {};
    const kind = type || x.type || 'chat';
    const extra = {};
    if (x.quotedId) extra.quotedStanzaID = x.quotedId;
    if (x.mimetype) {
      Object.assign(extra, {
        caption: m.body, body: '', mimetype: x.mimetype, filename: x.filename || '', size: x.size,
        directPath: '/wa/media?id=' + encodeURIComponent(m.id), mediaKey: b64(32), mediaKeyTimestamp: m.t,
      });
    }
    if (kind === 'location') Object.assign(extra, { lat: x.lat, lng: x.lng, loc: m.body });
    if (kind === 'reaction') {
      Object.assign(extra, {
        reactionText: m.body,
        parentMsgKey: new MsgKey({ from: me, to: customer, id: x.quotedId, selfDir: 'out' }),
      });
    }
    return Msg.add(Object.assign({
      id: key, body: m.body, type: kind, t: m.t, from: fromMe ? me : customer, to: fromMe ? customer : me,
      ack: m.ack || 0, isNewMsg, notifyName: m.senderName || '', self: fromMe ? 'out' : 'in',
      author: m.author ? createWid(m.author) : undefined,
    }, extra));
  };

  // ---- Modules, under WhatsApp Web's names ----
  __d('WAWebCollections', [], (g, r, module) => { module.exports = { Msg, Chat, Contact }; });
  __d('WAWebSocketModel', [], (g, r, module) => { module.exports = { Socket }; });
  __d('WAWebConnModel', [], (g, r, module) => { module.exports = { Conn }; });
  __d('WAWebCmd', [], (g, r, module) => { module.exports = { Cmd }; });
  __d('WAWebMsgKey', [], (g, r, module) => { module.exports = MsgKey; });
  __d('WAWebWidFactory', [], (g, r, module) => { module.exports = { createWid }; });
  __d('WAWebFindChatAction', [], (g, r, module) => {
    module.exports = {
      findOrCreateLatestChat: async (wid) => {
        const existing = Chat.get(wid);
        return { chat: existing || ensureChat(createWid(keyOf(wid))), created: !existing };
      },
    };
  });
  __d('WAWebSendMsgChatAction', [], (g, r, module) => {
    module.exports = {
      addAndSendMsgToChat: (chat, attributes) => {
        const msg = Msg.add(Object.assign({}, attributes, { ack: 0 }));
        const msgPromise = Promise.resolve(msg);
        // Offline, the message stays pending (the clock) and goes out when the connection is
        // back; the promise settles only then, as WhatsApp's does.
        const sendPromise = new Promise((resolve) => {
          const media = msg.directPath ? {
            type: msg.type, body: msg.caption || '', directPath: msg.directPath, mimetype: msg.mimetype, filename: msg.filename || '',
          } : {};
          const quote = msg.quotedStanzaID ? { quotedStanzaID: msg.quotedStanzaID } : {};
          const upload = (resend) => api('send', {
            method: 'POST',
            body: JSON.stringify(Object.assign({ pageId, id: msg.id.id, to: chat.id._serialized, body: msg.body, resend }, media, quote)),
          }).then(() => {
            if (msg.ack < 1) msg.set('ack', 1);
            resolve({ messageSendResult: 'OK' });
          }, (e) => {
            // No answer, or a server that no longer knows this page (it restarted): the page
            // says hello again and the upload goes out after it.
            if (!e.refused || e.code === 'not-paired') {
              waitingForConnection.push(() => upload(true));
              return;
            }
            console.warn('simulator: send failed: ' + e.message);
            msg.set('ack', -1);
            resolve({ messageSendResult: 'ERROR' });
          });
          upload(false);
        });
        render();
        return [msgPromise, sendPromise];
      },
    };
  });

  // What the business sends goes to the media servers first; the message carries its path.
  __d('WAWebMediaUpload', [], (g, r, module) => {
    module.exports = {
      uploadMedia: async ({ mimetype, mediaObject }) => {
        const bytes = new Uint8Array(await mediaObject.arrayBuffer());
        let text = '';
        for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
        return api('upload', { method: 'POST', body: JSON.stringify({ pageId, mimetype, data: btoa(text) }) });
      },
    };
  });
  // Media lives on WhatsApp's media servers; the page fetches (and decrypts) it on demand.
  __d('WAWebDownloadManager', [], (g, r, module) => {
    module.exports = {
      downloadManager: {
        downloadAndMaybeDecrypt: async ({ directPath, signal }) => {
          const response = await fetch(directPath, { signal });
          if (!response.ok) throw new Error('media server answered ' + response.status);
          return response.arrayBuffer();
        },
      },
    };
  });
  __d('WAWebUpdateUnreadChatAction', [], (g, r, module) => {
    module.exports = {
      sendSeen: async ({ chat }) => {
        chat.set('unreadCount', 0);
        await api('activity', { method: 'POST', body: JSON.stringify({ pageId, chatId: chat.id._serialized, what: 'seen' }) });
      },
    };
  });
  __d('WAWebChatStateBridge', [], (g, r, module) => {
    const send = (wid, what) => api('activity', { method: 'POST', body: JSON.stringify({ pageId, chatId: keyOf(wid), what }) });
    module.exports = {
      sendChatStateComposing: (wid) => send(wid, 'composing'),
      sendChatStatePaused: (wid) => send(wid, 'paused'),
    };
  });

  // ---- Pairing: a QR whose ref rotates, then goes idle ----
  const b64 = (n) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(n))));
  const staticKey = b64(32);
  const identityKey = b64(32);
  const advSecret = b64(32);

  const drawQr = (content) => {
    const box = document.getElementById('qr');
    box.setAttribute('data-ref', content || '');
    const canvas = document.getElementById('qr-canvas');
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 200, 200);
    if (!content) return;
    // Not a scannable QR: a pattern derived from the content, so each rotation looks different.
    let h = 2166136261;
    ctx.fillStyle = '#111';
    for (let y = 0; y < 25; y++) {
      for (let x = 0; x < 25; x++) {
        h = Math.imul(h ^ content.charCodeAt((x + y * 25) % content.length), 16777619);
        const finder = (x < 7 && y < 7) || (x > 17 && y < 7) || (x < 7 && y > 17);
        if (finder ? (x % 6 === 0 || y % 6 === 0 || (x % 6 > 1 && x % 6 < 5 && y % 6 > 1 && y % 6 < 5)) : (h & 1)) ctx.fillRect(x * 8, y * 8, 8, 8);
      }
    }
  };

  const startQr = () => {
    clearTimeout(qrTimer);
    let shown = 0;
    const rotate = () => {
      if (Socket.state !== 'UNPAIRED' && Socket.state !== 'UNPAIRED_IDLE') return;
      if (shown >= QR_CODES) {
        Conn.set('ref', null);
        drawQr('');
        Socket.set('state', 'UNPAIRED_IDLE');
        document.getElementById('reload-qr').hidden = false;
        return;
      }
      const ref = '2@' + b64(24);
      drawQr([ref, staticKey, identityKey, advSecret, 'web'].join(','));
      Conn.set('ref', ref);
      qrTimer = setTimeout(rotate, shown++ === 0 ? QR_FIRST_MS : QR_NEXT_MS);
    };
    Socket.set('state', 'UNPAIRED');
    document.getElementById('reload-qr').hidden = true;
    rotate();
  };
  Cmd.refreshQR = startQr;

  // WhatsApp open in another browser: this page steps back until it takes the session over.
  Socket.takeover = async () => {
    await api('takeover', { method: 'POST', body: JSON.stringify({ pageId }) });
    Socket.set('state', 'CONNECTED');
  };
  Socket.reconnect = () => hello().catch(console.error);

  // Linking with a phone number instead of a QR: the page shows a code to type on the phone.
  __d('WAWebAltDeviceLinkingApi', [], (g, r, module) => {
    let type = 'QR';
    module.exports = {
      setPairingType: (t) => { type = t; },
      initializeAltDeviceLinking: async () => { clearTimeout(qrTimer); },
      startAltLinkingFlow: async (phone) => {
        if (type !== 'ALT_DEVICE_LINKING') throw new Error('pairing type is not ALT_DEVICE_LINKING');
        const answer = await api('pairing-code', { method: 'POST', body: JSON.stringify({ pageId, phone: String(phone) }) });
        document.getElementById('qr-help').textContent = 'Enter this code on your phone: ' + answer.code;
        return answer.code;
      },
    };
  });
  document.getElementById('reload-qr').addEventListener('click', startQr);

  // ---- The device's session, kept like the real page keeps it: in IndexedDB and localStorage ----
  const idb = (mode, action) => new Promise((resolve, reject) => {
    const open = indexedDB.open('wawc', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('user');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('user', mode);
      const request = action(tx.objectStore('user'));
      tx.oncomplete = () => { open.result.close(); resolve(request.result); };
      tx.onerror = () => reject(tx.error);
    };
  });
  const session = {
    // Both halves must be there: a profile with only one of them is not a session.
    async load() {
      const stored = localStorage.getItem('sim-token') || '';
      const indexed = await idb('readonly', (s) => s.get('token')).catch(() => undefined);
      return stored && stored === indexed ? stored : '';
    },
    async save(token) {
      localStorage.setItem('sim-token', token);
      await idb('readwrite', (s) => s.put(token, 'token'));
    },
    async clear() {
      localStorage.removeItem('sim-token');
      await idb('readwrite', (s) => s.delete('token')).catch(() => undefined);
    },
  };

  // ---- Talking to the simulated WhatsApp servers ----
  const hello = async () => {
    Socket.set('state', 'OPENING');
    const answer = await api('hello', { method: 'POST', body: JSON.stringify({ pageId, token: await session.load() }) });
    me = createWid(answer.me);
    lastSeq = answer.seq || 0;
    if (!answer.paired) {
      await session.clear();
      startQr();
      render();
      return;
    }
    clearTimeout(qrTimer);
    Conn.set({ wid: me, ref: null });
    for (const m of answer.history || []) addIncoming(m, false);
    Socket.set('state', 'CONNECTED');
    setTimeout(() => { Socket.set('hasSynced', true); render(); }, 200);
    render();
  };

  const handle = (event) => {
    switch (event.type) {
      case 'paired':
        Socket.set('state', 'PAIRING');
        session.save(event.token).then(() => setTimeout(() => hello().catch(console.error), 300), console.error);
        break;
      case 'msg': {
        const m = event.msg;
        if (event.ciphertextFirst) {
          // Arrives before it can be decrypted, and becomes readable a moment later.
          const msg = addIncoming(Object.assign({}, m, { body: '' }), true, 'ciphertext');
          setTimeout(() => { msg.set('body', m.body); msg.set('type', 'chat'); render(); }, 700);
        } else {
          addIncoming(m, true);
        }
        break;
      }
      case 'ack': {
        const msg = Msg.get(`true_${event.chatId}_${event.id}`);
        if (msg && event.ack > msg.ack) msg.set('ack', event.ack);
        break;
      }
      case 'conflict':
        Socket.set('state', 'CONFLICT');
        break;
      case 'block':
        Socket.set('state', event.state);
        break;
      case 'edit': {
        const msg = Msg.get(`false_${event.chatId}_${event.id}`);
        if (msg) {
          msg.set('latestEditSenderTimestampMs', Date.now());
          msg.set('body', event.body);
        }
        break;
      }
      case 'revoke': {
        const msg = Msg.get(`false_${event.chatId}_${event.id}`);
        if (msg) {
          msg.set('body', '');
          msg.set('type', 'revoked');
        }
        break;
      }
      case 'logout':
        Cmd.trigger('logout');
        session.clear().finally(() => location.assign('/wa/?post_logout=1'));
        return;
      case 'reset':
        hello().catch(console.error);
        break;
    }
    render();
  };

  let failing = false;
  const poll = async () => {
    try {
      // Acknowledges what was processed: the server keeps every event until then.
      const answer = await api('poll?pageId=' + pageId + '&ack=' + lastSeq);
      if (failing) { failing = false; await hello(); }
      for (const event of answer.events) {
        if (event.seq !== undefined) {
          if (event.seq <= lastSeq) continue; // seen already; its acknowledgement was lost
          lastSeq = event.seq;
        }
        handle(event);
      }
      if (Socket.state === 'CONNECTED') waitingForConnection.splice(0).forEach((retry) => retry());
    } catch (e) {
      if (!failing && Socket.state === 'CONNECTED') Socket.set('state', 'TIMEOUT');
      failing = true;
    }
    setTimeout(poll, POLL_MS);
  };

  // ---- What a person sees ----
  // Like the real page, only what is on screen is drawn: the chat list and the last messages
  // of the open chat, at most a few times a second. Drawing every message on every change
  // made the simulator, not the agent, the slowest part of a busy benchmark.
  const SHOWN_MESSAGES = 60;
  const RENDER_MS = 200;
  const byChat = new Map(); // chat id -> its messages, oldest first
  Msg.on('add', (m) => {
    const chat = m.id.remote._serialized;
    if (!byChat.has(chat)) byChat.set(chat, []);
    byChat.get(chat).push(m);
  });
  const lastText = (chatId) => {
    const msgs = byChat.get(chatId) || [];
    for (let i = msgs.length - 1; i >= 0; --i) if (msgs[i].type === 'chat') return msgs[i].body;
    return '';
  };
  const clock = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
  let activeChat = null;
  let renderQueued = false;
  function render() {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => {
      renderQueued = false;
      document.getElementById('state').textContent = Socket.state + (Socket.state === 'CONNECTED' && !Socket.hasSynced ? ' (syncing)' : '');
      const connected = Socket.state === 'CONNECTED';
      document.getElementById('landing').style.display = connected ? 'none' : 'block';
      document.getElementById('app').style.display = connected ? 'flex' : 'none';
      if (!connected) return;
      const chats = Chat.getModelsArray();
      if (!activeChat && chats.length) activeChat = chats[0].id._serialized;
      const list = document.getElementById('chats');
      list.replaceChildren(...chats.map((c) => {
        const el = document.createElement('div');
        el.className = 'chat' + (c.id._serialized === activeChat ? ' active' : '');
        el.textContent = '+' + c.id.user;
        const last = document.createElement('small');
        last.textContent = lastText(c.id._serialized);
        el.appendChild(last);
        el.onclick = () => { activeChat = c.id._serialized; render(); };
        return el;
      }));
      const conversation = document.getElementById('conversation');
      const ticks = { '-1': '!', 0: '🕓', 1: '✓', 2: '✓✓', 3: '✓✓', 4: '✓✓' };
      conversation.replaceChildren(...(byChat.get(activeChat) || []).slice(-SHOWN_MESSAGES).map((m) => {
        const el = document.createElement('div');
        el.className = 'msg ' + (m.id.fromMe ? 'out' : 'in');
        el.textContent = m.type === 'ciphertext' ? 'Waiting for this message…' : m.body;
        const meta = document.createElement('div');
        meta.className = 'meta';
        const tick = document.createElement('span');
        if (m.id.fromMe) { tick.textContent = ' ' + ticks[m.ack]; if (m.ack >= 3) tick.className = 'read'; }
        meta.append(clock.format(new Date(m.t * 1000)), tick);
        el.appendChild(meta);
        return el;
      }));
      conversation.scrollTop = conversation.scrollHeight;
    }, RENDER_MS);
  }
  Msg.on('add', render);
  Msg.on('change:ack', render);

  window.Debug = { VERSION: '2.3000.1017054665-sim' };
  hello().catch((e) => { console.error('simulator: ' + e.message); failing = true; }).finally(poll);
})();
