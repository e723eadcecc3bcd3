// One file on purpose (about 620 lines): the page is one closure over its state (session,
// models, QR, the connection), as the real page's app is; its parts are marked with ---- headings.
// WhatsApp Web simulator, part 3: the page itself. It talks to the simulated WhatsApp servers over
// one WebSocket (the stub's /ws/chat), drives the app's state through WhatsApp's modules (modules.js)
// as the real page does, and draws what a person sees. Nothing here knows about the bridge.
//   ?outdated=1 shows the "update your browser" page, ?stall=1 a page that never loads,
//   ?qrFirstMs= and ?qrNextMs= set how long QR codes live.
//   ?textType=NAME: a customer's text message is a model of type NAME instead of 'chat', as
//   if a new WhatsApp build renamed the type (the business's own messages stay 'chat').
//   The server's "leak" makes the page keep memory it never frees (the memory watchdog's test).
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  const QR_FIRST_MS = Number(params.get('qrFirstMs')) || 60000;
  const QR_NEXT_MS = Number(params.get('qrNextMs')) || 20000;
  const QR_CODES = 6;
  const RETRY_MS = 300;
  const TEXT_TYPE = params.get('textType') || 'chat';

  if (params.get('outdated')) {
    // What WhatsApp serves to a browser it does not accept: no app, no modules.
    document.body.className = 'page-version';
    document.body.innerHTML = '<h2>WhatsApp works with Google Chrome 85+</h2><p>To use WhatsApp, update Chrome or use another browser.</p>';
    return;
  }
  if (params.get('stall')) return; // "loading…", and it stays so

  const define = window.__d;
  const n = window.importNamespace;
  const hex = (count) => Array.from(crypto.getRandomValues(new Uint8Array(count)), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
  const b64 = (count) => btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(count))));
  const pageId = hex(8);

  // ---- The simulated WhatsApp servers ----
  // One WebSocket to the servers, as the real page keeps one to wss://web.whatsapp.com/ws/chat:
  // each call is a frame answered by a frame with its id. A lost connection fails every call
  // still out; the next call opens a new one.
  define('SimNetwork', [], (g, r, d, ns, module, exports) => {
    const waiting = new Map(); // call id -> { resolve, reject }
    let nextId = 0;
    let opening = null; // the open (or opening) socket's promise
    const open = () => opening || (opening = new Promise((resolve, reject) => {
      const socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws/chat?pageId=' + pageId);
      let opened = false;
      socket.onopen = () => {
        opened = true;
        resolve(socket);
      };
      socket.onmessage = (event) => {
        const frame = JSON.parse(event.data);
        const call = waiting.get(frame.id);
        if (!call) return;
        waiting.delete(frame.id);
        if (!frame.error) return call.resolve(frame.answer);
        const error = new Error(frame.error.message);
        error.refused = true; // the server answered no, as opposed to not answering at all
        error.code = frame.error.code;
        call.reject(error);
      };
      socket.onclose = () => {
        opening = null;
        const lost = new Error('the connection to the servers was lost');
        for (const call of waiting.values()) call.reject(lost);
        waiting.clear();
        if (!opened) reject(new Error('the servers cannot be reached'));
      };
    }));
    exports.api = async (call, body) => {
      const socket = await open();
      const id = ++nextId;
      return new Promise((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        socket.send(JSON.stringify({ id, call, body: body || {} }));
      });
    };
  });
  const api = (path, body) => n('SimNetwork').api(path, body);

  // Uploads that found no connection; sent, like WhatsApp's own outbox, once it is back.
  const waitingForConnection = [];
  let qrTimer = null;
  let lastSeq = 0; // of the last event from the server that was processed

  // ---- What the modules ask of the page ----
  define('SimPage', [], (g, r, d, ns, module, exports) => {
    // The account's presence goes to the server once the session is up, and only when it
    // changed: what the contacts (and the owner's phone) see.
    let presenceWanted = null;
    let presenceSent = null;
    exports.presence = (available) => {
      if (available !== undefined) presenceWanted = !!available;
      const up = n('WAWebSocketModel').Socket.state === 'CONNECTED' && n('WAWebStreamModel').Stream.mode === 'MAIN';
      if (!up || presenceWanted === null || presenceWanted === presenceSent) return;
      const sending = presenceWanted;
      presenceSent = sending;
      api('presence', { available: sending }).catch((e) => {
        presenceSent = null; // told again at the next change or connect
        console.warn('simulator: presence: ' + e.message);
      });
    };
    exports.ensureChat = (wid) => {
      const chats = n('WAWebChatCollection').ChatCollection;
      const id = n('WAWebWidFactory').createWidFromWidLike(wid);
      return chats.get(id) || chats.add({ id, name: id.user, t: Math.floor(Date.now() / 1000), unreadCount: 0 })[0];
    };
    // Sends a message the page added: the promise settles when the server took it (offline,
    // it stays pending, the clock, until the connection is back), as WhatsApp's does.
    exports.transmit = (chat, msg) => new Promise((resolve) => {
      const ACK = n('WAWebAck').ACK;
      const media = msg.directPath ? { type: msg.type, body: msg.caption || '', directPath: msg.directPath, mimetype: msg.mimetype, filename: msg.filename || '' } : {};
      const quote = msg.quotedStanzaID ? { quotedStanzaID: msg.quotedStanzaID } : {};
      // A poll travels as its question, options and how many a voter may pick (0: any).
      const poll = msg.type === 'poll_creation' ? {
        type: 'poll_creation', body: msg.pollName || '', pollOptions: (msg.pollOptions || []).map((o) => o.name),
        selectable: msg.pollSelectableOptionsCount || 0,
      } : {};
      const upload = (resend) => api('send', Object.assign({ id: msg.id.id, to: chat.id.toString(), body: msg.body || '', resend }, media, quote, poll)).then((answer) => {
        if (msg.ack < ACK.SENT) msg.set('ack', ACK.SENT);
        resolve({ messageSendResult: 'OK', t: answer.t, count: null });
      }, (e) => {
        // No answer, or a server that no longer knows this page (it restarted): the page says
        // hello again and the upload goes out after it.
        if (!e.refused || e.code === 'not-paired') {
          waitingForConnection.push(() => upload(true));
          return;
        }
        console.warn('simulator: send failed: ' + e.message);
        msg.set('ack', e.code === 'too-big' ? ACK.CONTENT_TOO_BIG : ACK.FAILED);
        resolve({ messageSendResult: 'ERROR_UNKNOWN' });
      });
      upload(false);
      render();
    });
    exports.stopQr = () => clearTimeout(qrTimer);
    exports.showLinkCode = (code) => {
      document.getElementById('qr-help').textContent = 'Enter this code on your phone: ' + code;
    };
  });

  const Socket = n('WAWebSocketModel').Socket;
  const Stream = n('WAWebStreamModel').Stream;
  const Conn = n('WAWebConnModel').Conn;
  const Cmd = n('WAWebCmd').Cmd;
  const widFactory = n('WAWebWidFactory');
  const MsgKey = n('WAWebMsgKey').default;
  const account = n('SimAccount');

  const setMode = (socketState, mode, info) => {
    Socket.set('state', socketState);
    Stream.set({ mode, info });
    // Like the real app: an open, visible WhatsApp marks the account online.
    if (socketState === 'CONNECTED' && mode === 'MAIN') {
      if (document.visibilityState === 'visible') Stream.markAvailable();
      n('SimPage').presence();
    }
  };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && Socket.state === 'CONNECTED') Stream.markAvailable();
  });

  // ---- The device's session, kept like the real page keeps it: in IndexedDB and localStorage ----
  const idb = (mode, action) => new Promise((resolve, reject) => {
    const open = indexedDB.open('wawc', 1);
    open.onupgradeneeded = () => open.result.createObjectStore('user');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const tx = open.result.transaction('user', mode);
      const request = action(tx.objectStore('user'));
      tx.oncomplete = () => {
        open.result.close();
        resolve(request.result);
      };
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

  // ---- Messages from the server, into the page's models ----
  const wid = (text) => widFactory.createWid(text);
  const meFor = (chat) => (chat.isLid() || chat.isGroup() ? n('WAWebUserPrefsMeUser').getMaybeMeLidUser() : n('WAWebUserPrefsMeUser').getMaybeMePnUser());

  const attributesOf = (m, isNewMsg) => {
    const chat = wid(m.chatId);
    const self = meFor(chat) || n('WAWebUserPrefsMeUser').getMaybeMePnUser();
    const fromMe = !!m.fromMe;
    const x = m.x || {};
    const type = x.type || 'chat';
    const key = new MsgKey({ fromMe, remote: chat, id: m.id, participant: m.author ? wid(m.author) : undefined });
    const attributes = {
      id: key, type: type === 'chat' && !fromMe ? TEXT_TYPE : type, body: m.body, t: m.t, from: fromMe ? self : chat, to: fromMe ? chat : self,
      ack: m.ack || 0, isNewMsg, notifyName: m.senderName || '', self: fromMe ? 'out' : 'in',
    };
    if (m.author) attributes.author = wid(m.author);
    if (x.quotedId) {
      attributes.quotedStanzaID = x.quotedId;
      attributes.quotedRemoteJid = chat;
      attributes.quotedParticipant = fromMe ? chat : self;
    }
    if (x.mimetype) {
      const filehash = b64(32);
      Object.assign(attributes, {
        caption: m.body, body: '', mimetype: x.mimetype, filename: x.filename || '', size: x.size,
        directPath: '/wa/media?id=' + encodeURIComponent(m.id), mediaKey: b64(32), mediaKeyTimestamp: m.t, filehash, encFilehash: b64(32),
        mediaData: { type: attributes.type, mimetype: x.mimetype, filehash, size: x.size, mediaStage: 'INIT' },
      });
    }
    if (attributes.type === 'location') Object.assign(attributes, { lat: x.lat, lng: x.lng, loc: m.body });
    if (attributes.type === 'poll_creation') Object.assign(attributes, { pollName: x.pollName, pollOptions: x.pollOptions, pollSelectableOptionsCount: x.selectable || 0, body: '' });
    return attributes;
  };

  // A customer's message reaches the page as its stanza handler hands it over: through the
  // message collection's processMultipleMessages (reactions through their own table).
  const learnPn = (m) => {
    if (m.senderPn && /@lid$/.test(m.chatId)) n('WAWebApiContact').lidPnCache.setMapping(m.chatId, m.senderPn);
  };
  const receive = (m, isNewMsg, placeholder) => {
    learnPn(m);
    if ((m.x || {}).type === 'reaction') return receiveReaction(m);
    const attributes = attributesOf(m, isNewMsg);
    if (placeholder) Object.assign(attributes, { type: 'ciphertext', subtype: placeholder, body: '' });
    return n('WAWebMsgCollection').MsgCollection.processMultipleMessages(wid(m.chatId), [attributes], { add: 'after' }, 'sim');
  };
  // The offline burst's messages are processed many at a time, each chat's together and in
  // order, as new ones.
  const receiveBatch = async (msgs) => {
    const byChat = new Map();
    for (const m of msgs) {
      learnPn(m);
      if (!byChat.has(m.chatId)) byChat.set(m.chatId, []);
      byChat.get(m.chatId).push(attributesOf(m, true));
    }
    for (const [chatId, attributes] of byChat) {
      await n('WAWebMsgCollection').MsgCollection.processMultipleMessages(wid(chatId), attributes, { add: 'after' }, 'sim');
    }
  };
  const receiveReaction = (m) => {
    const chat = wid(m.chatId);
    const row = {
      msgKey: new MsgKey({ fromMe: false, remote: chat, id: m.id }).toString(),
      parentMsgKey: new MsgKey({ fromMe: true, remote: chat, id: m.x.quotedId }).toString(),
      senderUserJid: m.author || m.chatId, reactionText: m.body, timestamp: m.t * 1000, t: m.t, orphan: 0, read: false,
    };
    n('WAWebAddonReactionTableMode').reactionTableMode.bulkUpsert([row]);
    return n('WAWebUpdateReactionMessageUIAction').updateReactionUI(row);
  };

  const loadOnDemand = () => new Promise((resolve) => n('Bootloader').loadModules(['WAWebMediaComponent'], resolve, 'sim'));

  // ---- Pairing: a QR whose ref rotates, then goes idle ----
  const drawQr = (content) => {
    const canvas = document.getElementById('qr-canvas');
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, 200, 200);
    // The real page keeps the QR's content in data-ref on the canvas's container (WPPConnect's
    // catchQR reads it there); an idle QR has none.
    if (content) canvas.parentElement.setAttribute('data-ref', content);
    else canvas.parentElement.removeAttribute('data-ref');
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
      Conn.set('ref', ref);
      drawQr(ref);
      qrTimer = setTimeout(rotate, shown++ === 0 ? QR_FIRST_MS : QR_NEXT_MS);
    };
    setMode('UNPAIRED', 'QR', 'PAIRING');
    document.getElementById('reload-qr').hidden = true;
    rotate();
  };
  Cmd.refreshQR = startQr;
  document.getElementById('reload-qr').addEventListener('click', startQr);

  // WhatsApp open in another browser: this page steps back until it takes the session over.
  Socket.takeover = async () => {
    await api('takeover', {});
    setMode('CONNECTED', 'MAIN', 'NORMAL');
  };
  Socket.reconnect = () => hello().catch(console.error);
  // Logging out from this computer: the phone forgets the device, the page starts over.
  Socket.logout = async () => {
    await api('logout', {}).catch((e) => console.warn('simulator: logout: ' + e.message));
    loggedOut('user_initiated', 'logout');
  };
  const loggedOut = (reason, command) => {
    account.setLoggedIn(false);
    n('WAWebLogoutReason').setPreviousLogoutReason(reason);
    n('WAWebLogoutReason').getErrorCodeFromLogoutReason(reason);
    Cmd.trigger(command);
    session.clear().finally(() => location.assign(location.pathname + '?post_logout=1'));
  };

  // ---- The offline burst: what the server held while this device was away ----
  const OFFLINE_BATCH = 50;
  const offline = { total: 0, done: 0 };
  const offlineReset = () => {
    const bus = n('WAWebBackendEventBus').BackendEventBus;
    bus.isOfflineDeliveryEnd = false;
    bus.trigger('offline_delivery_state_reset');
  };
  // The progress goes out as the share delivered, in percent.
  const offlineProgress = (count) => {
    offline.done += count;
    Cmd.trigger('offline_progress_update_from_bridge', Math.min(100, Math.round((100 * offline.done) / Math.max(offline.total, offline.done))));
  };
  const offlineEnd = () => {
    const bus = n('WAWebBackendEventBus').BackendEventBus;
    bus.isOfflineDeliveryEnd = true;
    bus.trigger('offline_delivery_end');
  };
  // Plain messages go in batches; placeholders, late decryptions and reactions one at a time.
  const batched = (event) => event.type === 'msg' && event.offline && !event.placeholder && !event.ciphertextFirst &&
    (event.msg.x || {}).type !== 'reaction';

  // ---- A leak, as WhatsApp Web's renderer grows over days: real memory, kept for good ----
  const LEAK_LIMIT_MB = 2048;
  const leaked = [];
  const leak = (mb) => {
    for (let i = 0; i < mb && leaked.length < LEAK_LIMIT_MB; ++i) {
      const block = new Uint8Array(1024 * 1024);
      block.fill((leaked.length % 251) + 1); // written, so that its pages are really committed
      leaked.push(block);
    }
  };

  // ---- Talking to the simulated WhatsApp servers ----
  const hello = async () => {
    setMode('OPENING', undefined, 'OPENING');
    // A (re)connect starts a new offline delivery.
    offlineReset();
    const device = n('WAWebBrowserInfo').default.info();
    const answer = await api('hello', { token: await session.load(), deviceName: String(device.os || '') });
    account.setMe(answer.me, answer.meLid);
    lastSeq = answer.seq || 0;
    for (const c of answer.contacts || []) n('WAWebApiContact').lidPnCache.setMapping(c.lid, c.phone);
    if (!answer.paired) {
      account.setLoggedIn(false);
      await session.clear();
      startQr();
      render();
      return;
    }
    clearTimeout(qrTimer);
    offline.total = answer.offline || 0;
    offline.done = 0;
    Conn.set({ ref: null, connected: true });
    account.setLoggedIn(true);
    setMode('CONNECTED', 'SYNCING', 'SYNCING');
    await loadOnDemand();
    for (const m of answer.history || []) await receive(m, false);
    setMode('CONNECTED', 'MAIN', 'NORMAL');
    Socket.set('hasSynced', true);
    Cmd.isMainLoaded = true;
    Cmd.trigger('main_loaded');
    n('WAWebBackendEventBus').BackendEventBus.trigger('main_stream_mode_ready');
    render();
  };

  const handle = (event) => {
    const store = n('WAWebMsgCollection').MsgCollection;
    switch (event.type) {
      case 'paired':
        setMode('PAIRING', 'SYNCING', 'PAIRING');
        session.save(event.token).then(() => setTimeout(() => hello().catch(console.error), 300), console.error);
        break;
      case 'msg':
        if (event.placeholder) {
          // View-once media on a linked device: a placeholder that never decrypts.
          receive(event.msg, true, event.placeholder);
        } else if (event.ciphertextFirst) {
          // Arrives before it can be decrypted, and becomes readable a moment later.
          receive(event.msg, true, 'ciphertext').then(([msg]) => setTimeout(() => {
            msg.set('body', event.msg.body);
            msg.set('type', TEXT_TYPE);
            render();
          }, event.decryptAfterMs));
        } else {
          receive(event.msg, true);
        }
        if (event.offline) offlineProgress(1);
        break;
      case 'offline-end':
        offlineEnd();
        break;
      case 'call': {
        // The native stack reports a ringing call: a new model, made the active call.
        const CallModel = n('WAWebCallModel').default;
        const call = new CallModel({
          id: event.id, peerJid: wid(event.from), isVideo: !!event.isVideo, isGroup: false, outgoing: false,
          offerTime: event.t, state: n('WAWebVoipWaCallEnums').CallState.ReceivedCall,
        });
        n('WAWebCallCollection').CallCollection.setActiveCall(call);
        break;
      }
      case 'ack': {
        const chat = wid(event.chatId);
        const msg = store.get(new MsgKey({ fromMe: true, remote: chat, id: event.id }));
        if (event.ack >= 2) {
          // Delivery and read receipts come as receipt stanzas, handled through their module.
          n('WAWebHandleMsgReceipt').default({
            type: 'simple', stanzaId: event.id, externalIds: [event.id], from: chat, participant: null, recipient: null,
            ts: Math.floor(Date.now() / 1000), ack: event.ack, ackString: event.ack >= 3 ? 'read' : 'delivery', offline: null,
          });
        } else if (msg && event.ack !== msg.ack) {
          msg.set('ack', event.ack); // the server's error codes (-7..-1) and "sent"
        }
        break;
      }
      case 'vote': {
        // A poll vote is a row of the votes table, not a message.
        const chat = wid(event.chatId);
        n('WAWebAddonPollVoteTableMode').pollVoteTableMode.bulkUpsert([{
          msgKey: new MsgKey({ fromMe: false, remote: chat, id: event.id }),
          parentMsgKey: new MsgKey({ fromMe: true, remote: chat, id: event.pollId }),
          sender: chat, senderTimestampMs: Date.now(), selectedOptionLocalIds: event.options, t: Math.floor(Date.now() / 1000),
        }]);
        break;
      }
      case 'needs-update':
        Stream.set('needsUpdate', true); // until this page is reloaded
        break;
      case 'leak':
        leak(event.mb);
        break;
      case 'conflict':
        setMode('CONFLICT', 'CONFLICT', 'NORMAL');
        break;
      case 'block':
        setMode(event.state, event.state, 'NORMAL');
        break;
      case 'edit': {
        const msg = store.get(new MsgKey({ fromMe: false, remote: wid(event.chatId), id: event.id }));
        if (msg) {
          msg.set({
            body: event.body, latestEditSenderTimestampMs: Date.now(),
            latestEditMsgKey: new MsgKey({ fromMe: false, remote: wid(event.chatId), id: '3A' + hex(10) }),
          });
        }
        break;
      }
      case 'revoke': {
        const chat = wid(event.chatId);
        const original = new MsgKey({ fromMe: false, remote: chat, id: event.id });
        const self = meFor(chat);
        store.processMultipleMessages(chat, [{
          id: new MsgKey({ fromMe: false, remote: chat, id: '3A' + hex(10) }), type: 'protocol', subtype: 'sender_revoke',
          isNewMsg: true, from: chat, to: self, author: undefined, protocolMessageKey: original, t: Math.floor(Date.now() / 1000),
        }], { add: 'after' }, 'sim');
        break;
      }
      case 'logout':
        // Logged out from the phone (2026 builds: from the bridge).
        loggedOut(event.reason || 'primary_logged_out', 'logout_from_bridge');
        return;
      case 'reset':
        hello().catch(console.error);
        break;
    }
    render();
  };

  // The real page takes its stanzas one at a time (each is decrypted, asynchronously, before
  // the next): what a message's arrival sets off has run before the next one arrives.
  const nextTask = () => new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

  // The server's events in order; the offline burst's messages a batch at a time, each batch
  // acknowledged once it is in.
  const deliver = async (events) => {
    let batch = [];
    const flush = async () => {
      if (!batch.length) return;
      const taken = batch;
      batch = [];
      await receiveBatch(taken.map((event) => event.msg));
      lastSeq = taken[taken.length - 1].seq;
      offlineProgress(taken.length);
      render();
      await nextTask();
    };
    for (const event of events) {
      if (event.seq !== undefined && event.seq <= lastSeq) continue; // seen already; its acknowledgement was lost
      if (batched(event)) {
        batch.push(event);
        if (batch.length >= OFFLINE_BATCH) await flush();
        continue;
      }
      await flush();
      if (event.seq !== undefined) lastSeq = event.seq;
      handle(event);
      await nextTask();
    }
    await flush();
  };

  // The server holds a poll until it has events for the page (a few seconds at most), so the
  // next one goes out as soon as the last is handled; after a failure, a pause first.
  let failing = false;
  const poll = async () => {
    try {
      // Acknowledges what was processed: the server keeps every event until then.
      const answer = await api('poll', { ack: lastSeq });
      if (failing) {
        // Back after a lost connection: hello first, whose offline burst brings these events
        // again (the next poll), as WhatsApp delivers what it held after the login.
        failing = false;
        await hello();
      } else {
        await deliver(answer.events);
      }
      if (answer.leakMb) leak(answer.leakMb);
      if (Socket.state === 'CONNECTED') waitingForConnection.splice(0).forEach((retry) => retry());
    } catch (e) {
      if (!failing && Socket.state === 'CONNECTED') setMode('TIMEOUT', 'OFFLINE', 'OFFLINE');
      failing = true;
    }
    setTimeout(poll, failing ? RETRY_MS : 0);
  };

  // ---- What a person sees ----
  // Like the real page, only what is on screen is drawn: the chat list and the last messages
  // of the open chat, at most a few times a second.
  const SHOWN_MESSAGES = 60;
  const RENDER_MS = 200;
  const clock = new Intl.DateTimeFormat([], { hour: '2-digit', minute: '2-digit' });
  let activeChat = null;
  let renderQueued = false;
  const lastText = (chat) => {
    const msgs = chat.msgs.getModelsArray();
    for (let i = msgs.length - 1; i >= 0; --i) if (msgs[i].type === 'chat' || msgs[i].type === TEXT_TYPE) return msgs[i].body;
    return '';
  };
  function render() {
    if (renderQueued) return;
    renderQueued = true;
    setTimeout(() => {
      renderQueued = false;
      document.getElementById('state').textContent = Socket.state + (Stream.mode === 'SYNCING' ? ' (syncing)' : '');
      const connected = Socket.state === 'CONNECTED';
      document.getElementById('landing').style.display = connected ? 'none' : 'block';
      document.getElementById('app').style.display = connected ? 'flex' : 'none';
      if (!connected) return;
      const chats = n('WAWebChatCollection').ChatCollection.getModelsArray();
      if (!activeChat && chats.length) activeChat = chats[0].id.toString();
      document.getElementById('chats').replaceChildren(...chats.map((c) => {
        const el = document.createElement('div');
        el.className = 'chat' + (c.id.toString() === activeChat ? ' active' : '');
        el.textContent = (c.id.isLid() ? '~' : '+') + c.id.user;
        const last = document.createElement('small');
        last.textContent = lastText(c);
        el.appendChild(last);
        el.onclick = () => {
          activeChat = c.id.toString();
          render();
        };
        return el;
      }));
      const conversation = document.getElementById('conversation');
      const ticks = { 0: '🕓', 1: '✓', 2: '✓✓', 3: '✓✓', 4: '✓✓', 5: '✓✓' };
      const chat = activeChat && n('WAWebChatCollection').ChatCollection.get(activeChat);
      conversation.replaceChildren(...(chat ? chat.msgs.getModelsArray().slice(-SHOWN_MESSAGES) : []).map((m) => {
        const el = document.createElement('div');
        el.className = 'msg ' + (m.id.fromMe ? 'out' : 'in');
        el.textContent = m.type === 'ciphertext' ? 'Waiting for this message…' : (m.body || m.caption || '');
        const meta = document.createElement('div');
        meta.className = 'meta';
        const tick = document.createElement('span');
        if (m.id.fromMe) {
          tick.textContent = ' ' + (m.ack < 0 ? '!' : ticks[m.ack]);
          if (m.ack >= 3) tick.className = 'read';
        }
        meta.append(clock.format(new Date(m.t * 1000)), tick);
        el.appendChild(meta);
        return el;
      }));
      conversation.scrollTop = conversation.scrollHeight;
    }, RENDER_MS);
  }
  n('WAWebMsgCollection').MsgCollection.on('add', render);
  n('WAWebMsgCollection').MsgCollection.on('change:ack', render);
  Socket.on('change:state', render);

  window.Debug = { VERSION: window.__simVersion };
  hello().catch((e) => {
    console.error('simulator: ' + e.message);
    failing = true;
  }).finally(poll);
})();
