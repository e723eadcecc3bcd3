// SAK page agent: a thin adapter over wa-js (window.WPP, injected into the same main world
// just before this script, with config.js's settings). WhatsApp's internals move weekly; wa-js
// follows them, and this script uses nothing but WPP's public API. Events leave as DOM
// CustomEvents with a JSON string as detail, commands arrive the same way; the relay in
// ApplicationWorld picks them up, and this script never sees the agent's channel.
(function () {
  'use strict';

  const EVENT = 'sak:page-event';
  const COMMAND = 'sak:command';
  // wa-js injected but not ready after this long: it could not find what it needs.
  const NOT_READY_MS = 20000;
  const REMEMBERED_IDS = 5000;

  const emit = (event) => {
    document.dispatchEvent(new CustomEvent(EVENT, { detail: JSON.stringify(event) }));
  };
  const reason = (e) => String((e && (e.message || e.code)) || e);
  const whatsAppVersion = () => String((window.Debug && window.Debug.VERSION) || 'unknown');
  // WhatsApp's page for browsers it does not accept has no app in it, only this.
  const outdatedTimer = setInterval(() => {
    if (document.body && /page-version/.test(document.body.className)) {
      clearInterval(outdatedTimer);
      emit({ kind: 'pageProblem', problem: 'browser-outdated' });
    }
  }, 500);

  // wa-js is injected just before this script; give the engine a moment in case it ran the
  // two in another order. Without it nothing works, and reloading will not change that.
  const waitingSince = Date.now();
  (function waitForWaJs() {
    const wpp = window.WPP;
    if (wpp && typeof wpp.on === 'function' && wpp.loader && wpp.whatsapp) {
      start(wpp);
    } else if (Date.now() - waitingSince > 10000) {
      emit({ kind: 'health', ok: false, missing: ['wa-js (it did not load)'], unavailable: ['everything'], version: whatsAppVersion(), library: '' });
    } else {
      setTimeout(waitForWaJs, 50);
    }
  })();

  function start(WPP) {
    const library = typeof WPP.version === 'string' ? 'wa-js ' + WPP.version : 'wa-js';

    // What the agent uses of WhatsApp, by wa-js's name for it, and what stops working without
    // it. wa-js finds these in the page (by shape); the self-test asks it for each.
    const CORE = 'everything';
    const NEEDS = [
      ['Stream', CORE], ['Socket', CORE], ['Conn', CORE], ['Cmd', CORE], ['MsgStore', CORE], ['ChatStore', CORE],
      ['MsgKey', CORE], ['WidFactory', CORE], ['UserPrefs', CORE],
      ['functions.findOrCreateLatestChat', 'sending'], ['functions.addAndSendMsgToChat', 'sending'],
      ['ChatModel', 'sending'], ['functions.unixTime', 'sending'], ['enums.ACK', 'sending'],
      ['functions.getEphemeralFields', 'sending'],
      ['OpaqueData', 'sending images and documents'], ['MediaPrep', 'sending images and documents'],
      ['MediaBlobCache', 'receiving media'],
      ['functions.handleChatSimpleReceipt', 'delivery and read receipts'],
      ['functions.sendSeen', 'marking messages read'],
      ['ChatPresence', 'typing'],
      ['functions.genLinkDeviceCodeForPhoneNumber', 'pairing with a phone number'],
    ];
    const present = (path) => {
      try {
        return !!path.split('.').reduce((o, k) => (o ? o[k] : undefined), WPP.whatsapp);
      } catch (e) {
        return false;
      }
    };
    // Before the chats load (the QR screen) only what pairing needs is looked for: the rest
    // of WhatsApp's code loads with the chats.
    const PAIRING = [CORE, 'pairing with a phone number'];
    const selfTest = (full) => {
      const missing = NEEDS.filter(([path, use]) => (full || PAIRING.includes(use)) && !present(path));
      return {
        kind: 'health', ok: missing.length === 0, missing: missing.map(([path]) => path.replace(/^(functions|enums)\./, '')),
        unavailable: Array.from(new Set(missing.map(([, use]) => use))), version: whatsAppVersion(), library,
      };
    };
    const cannot = (use) => {
      const missing = NEEDS.filter(([path, u]) => (u === use || u === CORE) && !present(path)).map(([path]) => path);
      return missing.length ? 'WhatsApp Web ' + whatsAppVersion() + ' changed: ' + use + ' is unavailable (' + library + ' cannot find ' + missing.join(', ') + ')' : '';
    };

    // A page where wa-js never gets ready: say what it could not find (the watchdog reloads).
    const notReady = setTimeout(() => {
      if (WPP.isFullReady) return;
      const health = selfTest(false);
      emit(Object.assign(health, { ok: false, unavailable: [CORE], missing: health.missing.length ? health.missing : ['what tells it the page is ready'] }));
    }, NOT_READY_MS);

    // ---- Settings the agent sends (configure) ----
    let mediaMaxBytes = 16 * 1024 * 1024;
    let allowedGroups = new Set();
    // Media is fetched only for chats the agent relays: customers' own chats and allowed groups.
    const relayed = (chatId) => /@(c\.us|lid)$/.test(chatId) || allowedGroups.has(chatId);

    // ---- Session state ----
    const Socket = () => WPP.whatsapp.Socket;
    const reportState = () => {
      const socket = Socket();
      if (!socket) return;
      // Connected means logged in with the chats loaded, not only a socket that is up.
      const state = String(socket.state);
      const synced = state === 'CONNECTED' && WPP.conn.isAuthenticated() && WPP.whatsapp.Stream.mode === 'MAIN';
      emit({ kind: 'state', state, hasSynced: synced });
    };
    let lastQr = '';
    const reportQr = (code) => {
      if (!code || !code.fullCode || code.fullCode === lastQr) return;
      lastQr = code.fullCode;
      emit({ kind: 'qr', qr: code.fullCode });
    };

    // ---- Messages in ----
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
        settled.then(() => {
          if (chains.get(key) === settled) chains.delete(key);
        });
        return next;
      };
      run.idle = () => Promise.all(Array.from(chains.values()));
      return run;
    };
    // A chat's messages leave in the order they came, though a photo takes longer to fetch.
    const captureInOrder = chainsBy();

    const MEDIA = new Set(['image', 'video', 'audio', 'ptt', 'document', 'sticker']);
    const str = (v) => (v === undefined || v === null ? '' : String(v));
    const base64 = (buffer) => {
      const bytes = new Uint8Array(buffer);
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(text);
    };
    const fetchMedia = async (m, out) => {
      out.mimetype = str(m.mimetype);
      out.filename = str(m.filename);
      out.size = Number.isInteger(m.size) && m.size >= 0 ? m.size : 0;
      if (out.size > mediaMaxBytes) {
        out.mediaError = 'larger than the agent takes (' + out.size + ' > ' + mediaMaxBytes + ' bytes)';
        return;
      }
      const problem = cannot('receiving media');
      if (problem) {
        out.mediaError = problem;
        return;
      }
      try {
        const blob = await WPP.chat.downloadMedia(out.id);
        if (blob.size > mediaMaxBytes) {
          out.mediaError = 'larger than the agent takes (' + blob.size + ' > ' + mediaMaxBytes + ' bytes)';
          return;
        }
        out.size = out.size || blob.size;
        out.data = base64(await blob.arrayBuffer());
      } catch (e) {
        out.mediaError = 'the download failed: ' + reason(e);
      }
    };

    const describe = async (m, id, type) => {
      const chatId = str(m.id.remote);
      const out = {
        id, chatId, author: str(m.author), type,
        // For media WhatsApp keeps a thumbnail in body; the caption is the text.
        body: type === 'chat' || type === 'vcard' ? str(m.body) : str(m.caption),
        t: Number.isInteger(m.t) ? m.t : Math.floor(Date.now() / 1000),
        notifyName: typeof m.notifyName === 'string' ? m.notifyName : '',
        fromMe: !!m.id.fromMe,
        quotedId: str(m.quotedStanzaID),
      };
      if (type === 'location') {
        out.lat = Number(m.lat) || 0;
        out.lng = Number(m.lng) || 0;
        out.body = str(m.loc || m.comment);
      } else if (MEDIA.has(type) && !out.fromMe && relayed(chatId)) {
        await fetchMedia(m, out);
      }
      return out;
    };

    const capture = (m) => {
      if (!m || !m.id) return;
      if (m.type === 'ciphertext') return; // not decrypted yet: wa-js hands it over again once it is
      // 2026 keys have no _serialized; their text is toString()'s.
      const id = String(m.id);
      if (!id || !remember(id)) return;
      const described = describe(m, id, String(m.type));
      captureInOrder(str(m.id.remote), () => described.then((message) => emit({ kind: 'message', message }),
        (e) => console.warn('sak: a message could not be read: ' + reason(e))));
    };
    // A reaction, an edit or a revoke acts on a message the customer or the shop sent before:
    // each is an event of its own (a new id), naming the message it acts on.
    const captureChange = (message) => {
      if (!remember(message.id)) return;
      captureInOrder(message.chatId, async () => emit({ kind: 'message', message }));
    };
    const now = () => Math.floor(Date.now() / 1000);

    // ---- Acks: wa-js reports 1 (sent) to 5; WhatsApp's failures (-7..-1) only change the model ----
    const lastAck = new Map();
    const reportAck = (key, ack) => {
      if (!key || !key.fromMe || !Number.isInteger(ack) || ack < -7 || ack > 5) return;
      const id = String(key.id);
      if (lastAck.get(id) === ack) return;
      lastAck.set(id, ack);
      if (lastAck.size > REMEMBERED_IDS) lastAck.delete(lastAck.keys().next().value);
      emit({ kind: 'ack', id, ack });
    };

    // ---- Commands ----
    // What the agent asks for in a chat happens in the order it asked: "seen", typing, then
    // the message (each waits until the previous one reached WhatsApp, not for its acks).
    const inOrder = chainsBy();

    const sendText = async (c, started) => {
      const result = (ok, error) => emit({ kind: 'sendResult', requestId: c.requestId, id: c.messageId, ok, error: error || '' });
      const problem = cannot(typeof c.data === 'string' && c.data ? 'sending images and documents' : 'sending') || cannot('sending');
      if (problem) return result(false, problem);
      try {
        // The chat WhatsApp really sends in: a phone number whose LID is known goes to the LID
        // chat, and the message's key must name that chat.
        const chat = await WPP.chat.find(c.chatId);
        const key = 'true_' + chat.id.toString() + '_' + c.messageId;
        // The id was chosen before the send: if a message with it exists, it was sent already
        // (the agent asks again after a crash); its ack tells how far it got.
        const existing = await WPP.chat.getMessageById(key).catch(() => null);
        if (existing) {
          started();
          result(true, '');
          reportAck(existing.id, Number(existing.ack));
          return;
        }
        const options = { messageId: key, waitForAck: true, linkPreview: false, markIsRead: false, detectMentioned: false };
        if (c.quotedId) {
          // Quoted if WhatsApp still has it; else the reply goes without the quote.
          // The agent names it by the key it was captured with (or by its id alone).
          const quotedKey = c.quotedId.includes('_') ? c.quotedId : 'false_' + chat.id.toString() + '_' + c.quotedId;
          const quoted = await WPP.chat.getMessageById(quotedKey).catch(() => null);
          if (quoted) options.quotedMsg = quoted;
          else console.warn('sak: the message to quote is not in the page; sending without the quote');
        }
        const sending = typeof c.data === 'string' && c.data
          ? WPP.chat.sendFileMessage(chat.id, 'data:' + c.mimetype + ';base64,' + c.data, Object.assign(options, {
            type: /^image\//.test(c.mimetype) ? 'image' : 'document', caption: c.body || undefined,
            filename: str(c.filename) || undefined, mimetype: c.mimetype,
          }))
          : WPP.chat.sendTextMessage(chat.id, c.body, options);
        // The chat's next step may start once the message is in the page.
        setTimeout(started, 0);
        const sent = await sending;
        const code = sent && sent.sendMsgResult && sent.sendMsgResult.messageSendResult;
        if (code && code !== 'OK') return result(false, 'WhatsApp answered ' + code);
        result(true, '');
      } catch (e) {
        result(false, reason(e));
      }
    };

    const catchUp = (c) => {
      const store = WPP.whatsapp.MsgStore;
      for (const m of store ? store.getModelsArray() : []) {
        if (m && m.id && !m.id.fromMe && Number.isInteger(m.t) && m.t >= c.since) capture(m);
      }
      // After the last of them: the agent orders what it holds and journals it.
      captureInOrder.idle().then(() => emit({ kind: 'caughtUp' }));
    };
    const quietly = (promise) => Promise.resolve(promise).catch((e) => console.warn('sak: ' + reason(e)));

    const commands = {
      sendText: (c) => typeof c.chatId === 'string' && typeof c.body === 'string' && typeof c.messageId === 'string' &&
        typeof c.requestId === 'string' && inOrder(c.chatId, () => new Promise((started) => {
          sendText(c, started).finally(started);
        })),
      // Only a chat that has messages to read (a cold chat, e.g. a broadcast's, has none).
      markSeen: (c) => typeof c.chatId === 'string' &&
        quietly(inOrder(c.chatId, async () => {
          const chat = WPP.whatsapp.ChatStore.get(c.chatId);
          if (chat) await WPP.chat.markIsRead(chat.id);
        })),
      // In the chat WhatsApp really uses (found or created first: a broadcast types into a chat
      // the page has not opened yet).
      typing: (c) => typeof c.chatId === 'string' && typeof c.typing === 'boolean' &&
        quietly(inOrder(c.chatId, () => WPP.chat.find(c.chatId).then((chat) => (c.typing
          ? WPP.chat.markIsComposing(chat.id) : WPP.chat.markIsPaused(chat.id))))),
      catchUp: (c) => Number.isInteger(c.since) && catchUp(c),
      configure: (c) => {
        if (Number.isInteger(c.mediaMaxBytes) && c.mediaMaxBytes >= 0) mediaMaxBytes = c.mediaMaxBytes;
        if (Array.isArray(c.allowedGroups)) allowedGroups = new Set(c.allowedGroups.filter((g) => typeof g === 'string'));
      },
      // Only a QR that went idle is refreshed: a live one rotates by itself.
      refreshQr: () => WPP.conn.isIdle() && quietly(WPP.conn.refreshQR()),
      takeover: () => Socket() && Socket().state === 'CONFLICT' && quietly(Socket().takeover()),
      pairingCode: (c) => {
        if (typeof c.phone !== 'string' || !/^[0-9]{8,15}$/.test(c.phone)) return;
        const problem = cannot('pairing with a phone number');
        if (problem) {
          emit({ kind: 'pairingCode', code: '', error: problem });
          return;
        }
        WPP.conn.genLinkDeviceCodeForPhoneNumber(c.phone, false).then(
          (code) => emit({ kind: 'pairingCode', code: str(code), error: code ? '' : 'WhatsApp gave no code' }),
          (e) => emit({ kind: 'pairingCode', code: '', error: reason(e) }));
      },
    };

    // An event of a shape the adapter does not expect must not break wa-js (its emitter calls
    // handlers synchronously): it is caught, and reported once, with what it takes away.
    const broken = new Set();
    const on = (name, use, handler) => WPP.on(name, (...args) => {
      try {
        handler(...args);
      } catch (e) {
        console.error('sak: ' + name + ' had an unexpected shape: ' + reason(e));
        if (broken.has(name)) return;
        broken.add(name);
        emit({ kind: 'health', ok: false, missing: ['a usable ' + name + ' event (' + reason(e).slice(0, 160) + ')'], unavailable: [use], version: whatsAppVersion(), library });
      }
    });

    // ---- Attached once wa-js is ready (on the QR screen too) ----
    let logoutReason = '';
    const attach = () => {
      clearTimeout(notReady);
      clearInterval(outdatedTimer); // WhatsApp's app is there
      emit({ kind: 'ready', version: whatsAppVersion(), library });
      emit(selfTest(WPP.conn.isAuthenticated()));

      on('conn.auth_code_change', 'showing the QR code', reportQr);
      WPP.conn.getAuthCode().then(reportQr, () => undefined);
      Socket().on('change:state', reportState);
      WPP.whatsapp.Stream.on('change:mode', reportState);
      on('conn.authenticated', 'logging in', () => {
        reportState();
        emit(selfTest(true)); // what loads with the chats is there now
      });
      reportState();
      // Logged out, from the phone (2026 builds: logout_from_bridge) or here, and why.
      on('conn.logout_reason', 'noticing a logout', (r) => {
        logoutReason = str(r);
      });
      const loggedOut = () => emit({ kind: 'logout', reason: logoutReason });
      on('conn.logout', 'noticing a logout', loggedOut);
      WPP.whatsapp.Cmd.on('logout_from_bridge', loggedOut);
      on('conn.needs_update', 'noticing an update', () => emit({ kind: 'pageProblem', problem: 'needs-update' }));

      on('chat.new_message', 'receiving', (m) => capture(m));
      on('chat.msg_edited', 'receiving edits', (e) => {
        const m = e.msg;
        if (!m || !m.id || m.id.fromMe) return;
        captureChange({
          id: String(m.id) + ':edit:' + (m.latestEditSenderTimestampMs || now()), chatId: str(m.id.remote), author: str(m.author),
          type: 'edit', body: str(m.body), t: now(), notifyName: str(m.notifyName), fromMe: false, quotedId: str(m.id.id),
        });
      });
      on('chat.msg_revoke', 'receiving deletions', (e) => {
        if (!e.refId || e.refId.fromMe) return;
        captureChange({
          id: String(e.refId) + ':revoke', chatId: str(e.refId.remote), author: str(e.author), type: 'revoke', body: '',
          t: now(), notifyName: '', fromMe: false, quotedId: str(e.refId.id),
        });
      });
      on('chat.new_reaction', 'receiving reactions', (e) => {
        if (!e.id || !e.msgId || e.id.fromMe) return;
        const chatId = str(e.msgId.remote);
        captureChange({
          id: String(e.id), chatId, author: chatId.endsWith('@g.us') ? str(e.sender) : '', type: 'reaction',
          body: str(e.reactionText), t: Number.isInteger(e.timestamp) ? e.timestamp : now(), notifyName: '', fromMe: false,
          quotedId: str(e.msgId.id),
        });
      });
      on('chat.msg_ack_change', 'delivery and read receipts', (e) => {
        for (const key of e.ids || []) reportAck(key, e.ack);
      });
      // Failures (-7..-1) and the first tick change the message in the page only.
      WPP.whatsapp.MsgStore.on('change:ack', (m, ack) => m && reportAck(m.id, Number(ack)));
    };

    document.addEventListener(COMMAND, (e) => {
      if (typeof e.detail !== 'string' || !WPP.isFullReady) return;
      let c;
      try {
        c = JSON.parse(e.detail);
      } catch (err) {
        return;
      }
      if (c && typeof c.cmd === 'string' && Object.prototype.hasOwnProperty.call(commands, c.cmd)) {
        try {
          commands[c.cmd](c);
        } catch (err) {
          console.warn('sak: ' + c.cmd + ' failed: ' + reason(err));
        }
      }
    });

    if (WPP.isFullReady) attach();
    else WPP.loader.onFullReady(attach);
  }
})();
