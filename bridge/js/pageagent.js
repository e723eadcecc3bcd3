// SAK page agent: runs in the WhatsApp Web page's main world, where WhatsApp's own modules
// live (window.require). It talks to WhatsApp's modules and to nothing else: events leave as
// DOM CustomEvents with a JSON string as detail, commands arrive the same way. The relay in
// ApplicationWorld picks them up; this script never sees the agent's channel.
(function () {
  'use strict';

  const EVENT = 'sak:page-event';
  const COMMAND = 'sak:command';
  const POLL_MS = 250;
  const MODULES_SETTLE_MS = 750;
  const REMEMBERED_IDS = 5000;

  // Module functions the bridge uses, by the names WhatsApp Web gives them, each with the
  // shape it must have: names move between WhatsApp builds, so a module missing under its name
  // is looked for by shape among all of the page's modules. `use` says what stops working
  // without it; the core ones the bridge cannot work without at all.
  const CORE = 'everything';
  const NEEDS = [
    { name: 'WAWebCollections', label: 'WAWebCollections.Msg/Chat', use: CORE,
      ok: (m) => m && m.Msg && typeof m.Msg.on === 'function' && typeof m.Msg.get === 'function' &&
        m.Chat && typeof m.Chat.get === 'function' },
    { name: 'WAWebSocketModel', label: 'WAWebSocketModel.Socket', use: CORE,
      ok: (m) => m && m.Socket && typeof m.Socket.on === 'function' },
    { name: 'WAWebConnModel', label: 'WAWebConnModel.Conn', use: CORE,
      ok: (m) => m && m.Conn && typeof m.Conn.on === 'function' },
    { name: 'WAWebMsgKey', label: 'WAWebMsgKey.newId', use: 'sending',
      ok: (m) => typeof m === 'function' && typeof m.newId === 'function' },
    { name: 'WAWebWidFactory', label: 'WAWebWidFactory.createWid', use: 'sending',
      ok: (m) => m && typeof m.createWid === 'function' },
    { name: 'WAWebFindChatAction', label: 'WAWebFindChatAction.findOrCreateLatestChat', use: 'sending',
      ok: (m) => m && typeof m.findOrCreateLatestChat === 'function' },
    { name: 'WAWebSendMsgChatAction', label: 'WAWebSendMsgChatAction.addAndSendMsgToChat', use: 'sending',
      ok: (m) => m && typeof m.addAndSendMsgToChat === 'function' },
    // Without these the agent still works, it only does less (or looks less like a person).
    { name: 'WAWebCmd', label: 'WAWebCmd.Cmd.refreshQR', use: 'refreshing the QR code',
      ok: (m) => m && m.Cmd && typeof m.Cmd.refreshQR === 'function' && typeof m.Cmd.on === 'function' },
    { name: 'WAWebAltDeviceLinkingApi', label: 'WAWebAltDeviceLinkingApi.startAltLinkingFlow',
      use: 'pairing with a phone number',
      ok: (m) => m && typeof m.startAltLinkingFlow === 'function' && typeof m.setPairingType === 'function' },
    { name: 'WAWebDownloadManager', label: 'WAWebDownloadManager.downloadManager.downloadAndMaybeDecrypt',
      use: 'receiving media',
      ok: (m) => m && m.downloadManager && typeof m.downloadManager.downloadAndMaybeDecrypt === 'function' },
    { name: 'WAWebMediaUpload', label: 'WAWebMediaUpload.uploadMedia', use: 'sending images and documents',
      ok: (m) => m && typeof m.uploadMedia === 'function' },
    { name: 'WAWebUpdateUnreadChatAction', label: 'WAWebUpdateUnreadChatAction.sendSeen', use: 'read receipts',
      ok: (m) => m && typeof m.sendSeen === 'function' },
    { name: 'WAWebChatStateBridge', label: 'WAWebChatStateBridge.sendChatStateComposing', use: 'typing',
      ok: (m) => m && typeof m.sendChatStateComposing === 'function' && typeof m.sendChatStatePaused === 'function' },
  ];

  const emit = (event) => {
    document.dispatchEvent(new CustomEvent(EVENT, { detail: JSON.stringify(event) }));
  };

  const widString = (wid) => {
    if (!wid) return '';
    if (typeof wid === 'string') return wid;
    return typeof wid._serialized === 'string' ? wid._serialized : String(wid);
  };

  // A module by name, or by the same name's default export (some builds export that way).
  const lookUp = (name, shapeOk) => {
    let module;
    try {
      module = window.require(name);
    } catch (e) {
      module = undefined;
    }
    if (module && !shapeOk(module) && shapeOk(module.default)) module = module.default;
    return shapeOk(module) ? module : undefined;
  };

  // The names of all modules the page defined, from the loader's own registry.
  const moduleNames = () => {
    try {
      const registry = window.require('__debug');
      return Object.keys((registry && registry.modulesMap) || {});
    } catch (e) {
      return [];
    }
  };

  // The self-test: every module function the bridge uses, by name, then by shape.
  function findModules() {
    const found = {};
    const missing = [];
    const relocated = [];
    let names = null;
    for (const need of NEEDS) {
      let module = lookUp(need.name, need.ok);
      if (!module) {
        names = names || moduleNames().filter((n) => n.startsWith('WA'));
        for (const name of names) {
          if (name === need.name) continue;
          module = lookUp(name, need.ok);
          if (module) {
            relocated.push(need.label + ' in ' + name);
            break;
          }
        }
      }
      if (module) found[need.name] = module;
      else missing.push(need);
    }
    return { found, missing, relocated };
  }

  const uses = (needs) => Array.from(new Set(needs.map((n) => n.use)));

  function attach(modules, missing, relocated, version) {
    const Collections = modules.WAWebCollections;
    const Socket = modules.WAWebSocketModel.Socket;
    const Conn = modules.WAWebConnModel.Conn;
    const MsgKey = modules.WAWebMsgKey;
    const WidFactory = modules.WAWebWidFactory;
    const FindChat = modules.WAWebFindChatAction;
    const SendMsg = modules.WAWebSendMsgChatAction;
    const Cmd = modules.WAWebCmd && modules.WAWebCmd.Cmd;
    const Linking = modules.WAWebAltDeviceLinkingApi;
    const cannotSend = missing.filter((n) => n.use === 'sending').map((n) => n.label);
    let mediaMaxBytes = 16 * 1024 * 1024; // until the agent says (configure)

    emit({ kind: 'ready', version });
    emit({ kind: 'health', ok: missing.length === 0, missing: missing.map((n) => n.label),
      unavailable: uses(missing), relocated, version });
    // Logged out from the phone: the page starts over with a QR code.
    if (Cmd) Cmd.on('logout', () => emit({ kind: 'logout' }));

    const reportState = () => emit({ kind: 'state', state: String(Socket.state), hasSynced: !!Socket.hasSynced });
    Socket.on('change:state', reportState);
    Socket.on('change:hasSynced', reportState);
    reportState();

    // The QR's full content is in the element WhatsApp draws it in; the ref alone is what
    // Conn knows. Read the element once the page had a moment to redraw it.
    const reportQr = () => setTimeout(() => {
      const ref = Conn.ref;
      if (!ref) return;
      const el = document.querySelector('[data-ref]');
      const full = el && el.getAttribute('data-ref');
      emit({ kind: 'qr', qr: full && full.startsWith(ref) ? full : String(ref) });
    }, 100);
    Conn.on('change:ref', reportQr);
    reportQr();

    const seen = new Set();
    const seenOrder = [];
    const remember = (id) => {
      if (seen.has(id)) return false;
      seen.add(id);
      seenOrder.push(id);
      if (seenOrder.length > REMEMBERED_IDS) seen.delete(seenOrder.shift());
      return true;
    };

    // Chains of steps, one per key: each starts when the previous one settled.
    const chainsBy = () => {
      const chains = new Map();
      const run = (key, step) => {
        const next = (chains.get(key) || Promise.resolve()).then(step, step);
        const settled = next.then(() => undefined, () => undefined);
        chains.set(key, settled);
        settled.then(() => { if (chains.get(key) === settled) chains.delete(key); });
        return next;
      };
      run.idle = () => Promise.all(Array.from(chains.values()));
      return run;
    };
    // A chat's messages leave in the order they came, though a photo takes longer to fetch.
    const captureInOrder = chainsBy();

    const MEDIA = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker']);
    const Download = modules.WAWebDownloadManager && modules.WAWebDownloadManager.downloadManager;
    const keyId = (key) => (key && typeof key === 'object' ? String(key.id || '') : '');
    const base64 = (buffer) => {
      const bytes = new Uint8Array(buffer);
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(text);
    };
    const fetchMedia = async (m, out) => {
      out.mimetype = String(m.mimetype || '');
      out.filename = String(m.filename || '');
      out.size = Number.isInteger(m.size) && m.size >= 0 ? m.size : 0;
      if (out.size > mediaMaxBytes) {
        out.mediaError = 'larger than the agent takes (' + out.size + ' > ' + mediaMaxBytes + ' bytes)';
        return;
      }
      if (!Download) {
        out.mediaError = 'WhatsApp Web ' + version + ' changed: downloading media is unavailable';
        return;
      }
      try {
        const buffer = await Download.downloadAndMaybeDecrypt({
          directPath: m.directPath, encFilehash: m.encFilehash, filehash: m.filehash, mediaKey: m.mediaKey,
          mediaKeyTimestamp: m.mediaKeyTimestamp, type: m.type, signal: new AbortController().signal,
        });
        if (buffer.byteLength > mediaMaxBytes) {
          out.mediaError = 'larger than the agent takes (' + buffer.byteLength + ' > ' + mediaMaxBytes + ' bytes)';
          return;
        }
        out.size = out.size || buffer.byteLength;
        out.data = base64(buffer);
      } catch (e) {
        out.mediaError = 'the download failed: ' + String((e && e.message) || e);
      }
    };

    const describe = async (m, id, type) => {
      const out = {
        id,
        chatId: widString(m.id.remote),
        author: widString(m.author),
        type,
        // For media WhatsApp keeps a thumbnail in body; the caption is the text.
        body: type === 'chat' || type === 'vcard' ? String(m.body || '') : String(m.caption || ''),
        t: Number.isInteger(m.t) ? m.t : Math.floor(Date.now() / 1000),
        notifyName: typeof m.notifyName === 'string' ? m.notifyName : '',
        fromMe: !!m.id.fromMe,
        quotedId: String(m.quotedStanzaID || keyId(m.quotedMsgKey) || ''),
      };
      if (type === 'reaction') {
        out.body = String(m.reactionText || m.body || '');
        out.quotedId = keyId(m.parentMsgKey);
      } else if (type === 'location') {
        out.lat = Number(m.lat) || 0;
        out.lng = Number(m.lng) || 0;
        out.body = String(m.loc || m.comment || '');
      } else if (MEDIA.has(type)) {
        await fetchMedia(m, out);
      }
      return out;
    };

    const capture = (m) => {
      if (m.type === 'ciphertext') {
        // Not decrypted yet ("waiting for this message"): it is emitted once it is.
        m.once('change:type', () => capture(m));
        return;
      }
      const id = m.id && m.id._serialized;
      if (!id || !remember(id)) return;
      // Described (and its media fetched) at once, emitted in the chat's order.
      const described = describe(m, id, String(m.type));
      captureInOrder(widString(m.id.remote), () => described.then((message) => emit({ kind: 'message', message })));
    };
    // An edit or a revoke changes a message the customer sent before: each is an event of
    // its own (a new id), naming the message it acts on.
    const captureChange = (m, what) => {
      if (!m || !m.id || m.id.fromMe || !m.id._serialized) return;
      const id = m.id._serialized + ':' + what + (what === 'edit' ? ':' + (m.latestEditSenderTimestampMs || m.t) : '');
      if (!remember(id)) return;
      // Taken now: a revoke right after an edit changes the same model.
      const message = {
        id, chatId: widString(m.id.remote), author: widString(m.author), type: what,
        body: what === 'edit' ? String(m.body || '') : '', t: Math.floor(Date.now() / 1000),
        notifyName: typeof m.notifyName === 'string' ? m.notifyName : '', fromMe: false, quotedId: String(m.id.id),
      };
      captureInOrder(message.chatId, async () => emit({ kind: 'message', message }));
    };
    Collections.Msg.on('add', (m) => {
      if (m && m.isNewMsg) capture(m);
    });
    Collections.Msg.on('change:type', (m) => {
      if (m && m.type === 'revoked') captureChange(m, 'revoke');
    });
    Collections.Msg.on('change:body', (m) => {
      if (m && m.latestEditSenderTimestampMs) captureChange(m, 'edit');
    });
    Collections.Msg.on('change:ack', (m, ack) => {
      if (m && m.id && m.id.fromMe) emit({ kind: 'ack', id: String(m.id.id), ack: Number(ack) });
    });

    // What the agent asks for in a chat happens in the order it asked: "seen", typing, then
    // the message (each waits until the previous one reached WhatsApp, not for its acks).
    const inOrder = chainsBy();

    const sendText = async (c, started) => {
      const result = (ok, error) => emit({ kind: 'sendResult', requestId: c.requestId, id: c.messageId, ok, error: error || '' });
      if (cannotSend.length) {
        return result(false, 'WhatsApp Web ' + version + ' changed: sending is unavailable (missing ' + cannotSend.join(', ') + ')');
      }
      try {
        const me = Conn.wid;
        const wid = WidFactory.createWid(c.chatId);
        let chat = Collections.Chat.get(wid);
        if (!chat) chat = (await FindChat.findOrCreateLatestChat(wid)).chat;
        if (!chat) return result(false, 'chat ' + c.chatId + ' not found');
        const key = new MsgKey({ from: me, to: chat.id, id: c.messageId, selfDir: 'out' });
        // The id was chosen before the send: if a message with it exists, it was sent already
        // (the agent asks again after a crash); its ack tells how far it got.
        const existing = Collections.Msg.get(key._serialized);
        if (existing) {
          result(true, '');
          emit({ kind: 'ack', id: String(c.messageId), ack: Number(existing.ack) });
          return;
        }
        const msg = {
          id: key, ack: 0, body: c.body, from: me, to: chat.id, local: true, self: 'out',
          t: Math.floor(Date.now() / 1000), isNewMsg: true, type: 'chat',
        };
        if (c.quotedId) {
          // Quoted if WhatsApp still has it; else the reply goes without the quote.
          const quoted = Collections.Msg.get(c.quotedId);
          if (quoted && typeof quoted.msgContextInfo === 'function') Object.assign(msg, quoted.msgContextInfo(chat));
          else console.warn('sak: the message to quote is not in the page; sending without the quote');
        }
        if (typeof c.data === 'string' && c.data) {
          const Upload = modules.WAWebMediaUpload;
          if (!Upload) return result(false, 'WhatsApp Web ' + version + ' changed: sending images and documents is unavailable');
          const binary = atob(c.data);
          const bytes = new Uint8Array(binary.length);
          for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
          const type = /^image\//.test(c.mimetype) ? 'image' : 'document';
          const uploaded = await Upload.uploadMedia({
            mimetype: c.mimetype, mediaObject: new Blob([bytes], { type: c.mimetype }), mediaType: type,
          });
          Object.assign(msg, {
            type, body: '', caption: c.body, mimetype: c.mimetype, filename: String(c.filename || ''), size: bytes.length,
            directPath: uploaded.directPath, mediaKey: uploaded.mediaKey, filehash: uploaded.filehash,
          });
        }
        const [msgPromise, sendPromise] = SendMsg.addAndSendMsgToChat(chat, msg);
        await msgPromise;
        started();
        const outcome = await sendPromise;
        const code = outcome && outcome.messageSendResult;
        if (code && code !== 'OK') return result(false, 'WhatsApp answered ' + code);
        result(true, '');
      } catch (e) {
        result(false, String((e && e.message) || e));
      }
    };

    const findChat = (chatId) => Collections.Chat.get(WidFactory.createWid(chatId));
    const markSeen = async (c) => {
      const Unread = modules.WAWebUpdateUnreadChatAction;
      const chat = findChat(c.chatId);
      if (Unread && chat) await Unread.sendSeen({ chat });
    };
    const typing = async (c) => {
      const ChatState = modules.WAWebChatStateBridge;
      if (!ChatState || !WidFactory) return;
      const wid = WidFactory.createWid(c.chatId);
      await (c.typing ? ChatState.sendChatStateComposing(wid) : ChatState.sendChatStatePaused(wid));
    };
    // Customers' messages the page holds from `since` on, again: the agent journals what it
    // missed (it ignores what it knows).
    const catchUp = (c) => {
      for (const m of Collections.Msg.getModelsArray ? Collections.Msg.getModelsArray() : []) {
        if (m && m.id && !m.id.fromMe && Number.isInteger(m.t) && m.t >= c.since) capture(m);
      }
      // After the last of them: the agent orders what it holds and journals it.
      captureInOrder.idle().then(() => emit({ kind: 'caughtUp' }));
    };
    const quietly = (promise) => Promise.resolve(promise).catch((e) => console.warn('sak: ' + String((e && e.message) || e)));

    document.addEventListener(COMMAND, (e) => {
      if (typeof e.detail !== 'string') return;
      let c;
      try {
        c = JSON.parse(e.detail);
      } catch (err) {
        return;
      }
      if (c && c.cmd === 'sendText' && typeof c.chatId === 'string' && typeof c.body === 'string' &&
          typeof c.messageId === 'string' && typeof c.requestId === 'string') {
        // The chat's next step waits until the message is in the page, not until it is acked.
        inOrder(c.chatId, () => new Promise((started) => {
          sendText(c, started).finally(started);
        }));
      } else if (c && c.cmd === 'markSeen' && typeof c.chatId === 'string') {
        quietly(inOrder(c.chatId, () => markSeen(c)));
      } else if (c && c.cmd === 'typing' && typeof c.chatId === 'string' && typeof c.typing === 'boolean') {
        quietly(inOrder(c.chatId, () => typing(c)));
      } else if (c && c.cmd === 'catchUp' && Number.isInteger(c.since)) {
        catchUp(c);
      } else if (c && c.cmd === 'configure' && Number.isInteger(c.mediaMaxBytes) && c.mediaMaxBytes >= 0) {
        mediaMaxBytes = c.mediaMaxBytes;
      } else if (c && c.cmd === 'refreshQr') {
        // Only a QR that went idle is refreshed: a live one rotates by itself.
        if (Cmd && (Socket.state === 'UNPAIRED_IDLE' || Socket.state === 'UNPAIRED')) Cmd.refreshQR();
      } else if (c && c.cmd === 'takeover') {
        if (Socket.state === 'CONFLICT' && typeof Socket.takeover === 'function') quietly(Socket.takeover());
      } else if (c && c.cmd === 'pairingCode' && typeof c.phone === 'string' && /^[0-9]{8,15}$/.test(c.phone)) {
        if (!Linking) {
          emit({ kind: 'pairingCode', code: '', error: 'WhatsApp Web ' + version + ' changed: pairing with a phone number is unavailable' });
          return;
        }
        Promise.resolve()
          .then(() => Linking.setPairingType('ALT_DEVICE_LINKING'))
          .then(() => Linking.initializeAltDeviceLinking && Linking.initializeAltDeviceLinking())
          .then(() => Linking.startAltLinkingFlow(c.phone, false))
          .then((code) => emit({ kind: 'pairingCode', code: String(code || ''), error: code ? '' : 'WhatsApp gave no code' }),
            (e) => emit({ kind: 'pairingCode', code: '', error: String((e && e.message) || e) }));
      }
    });
  }

  // WhatsApp's page for browsers it does not accept has no app in it, only this.
  let reportedOutdated = false;
  const outdated = () => !!document.body && /page-version/.test(document.body.className);

  // The self-test runs once the module count has stood still for a moment (the page loads its
  // modules in waves); missing core functions are reported then, and looked for again later.
  let lastCount = -1;
  let stableSince = Date.now();
  let reportedMissing = '';
  const timer = setInterval(() => {
    if (outdated() && !reportedOutdated) {
      reportedOutdated = true;
      emit({ kind: 'pageProblem', problem: 'browser-outdated' });
    }
    const version = window.Debug && window.Debug.VERSION;
    if (!version || typeof window.require !== 'function') return;
    const count = moduleNames().length;
    if (count !== lastCount) {
      lastCount = count;
      stableSince = Date.now();
    }
    if (Date.now() - stableSince < MODULES_SETTLE_MS) return;
    const { found, missing, relocated } = findModules();
    if (!missing.some((n) => n.use === CORE)) {
      clearInterval(timer);
      attach(found, missing, relocated, String(version));
      return;
    }
    const labels = missing.map((n) => n.label);
    if (labels.join() !== reportedMissing) {
      reportedMissing = labels.join();
      emit({ kind: 'health', ok: false, missing: labels, unavailable: [CORE].concat(uses(missing).filter((u) => u !== CORE)),
        relocated, version: String(version) });
    }
  }, POLL_MS);
})();
