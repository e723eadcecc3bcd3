// SAK page agent: a thin adapter over wa-js (window.WPP, injected into the same main world
// just before this script, with config.js's settings). WhatsApp's internals move weekly; wa-js
// follows them, and this script reaches WhatsApp only through WPP: its functions and events,
// and the models it exposes as WPP.whatsapp (Socket, Stream, Cmd, MsgStore) where it has no
// function for what we need. Events leave as DOM CustomEvents with a JSON string as detail,
// commands arrive the same way; the relay in ApplicationWorld picks them up, and this script
// never sees the agent's channel. The agent's settings come in as `settings` (WebBridge writes
// them into this script before each navigation) and later as `configure` commands.
// One file of about 500 lines: it is one injected closure whose parts (state, receiving,
// sending, acks, pairing) share the sends in flight, the settings and the emitter.
(function (settings) {
  'use strict';

  const EVENT = 'sak:page-event';
  const COMMAND = 'sak:command';
  const REMEMBERED_IDS = 5000;

  const emit = (event) => {
    document.dispatchEvent(new CustomEvent(EVENT, { detail: JSON.stringify(event) }));
  };
  const str = (v) => (v === undefined || v === null ? '' : String(v));
  // Texts are cut to what the relay takes: an over-long field must not drop the whole event.
  const clip = (v, max) => str(v).slice(0, max);
  const reason = (e) => clip((e && (e.message || e.code)) || e, 900);
  const whatsAppVersion = () => clip((window.Debug && window.Debug.VERSION) || 'unknown', 64);

  let outdated = false;
  // WhatsApp's page for browsers it does not accept has no app in it, only this.
  const outdatedTimer = setInterval(() => {
    if (document.body && /page-version/.test(document.body.className)) {
      clearInterval(outdatedTimer);
      outdated = true;
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
      emit({ kind: 'pageProblem', problem: 'bridge-not-loaded' });
    } else {
      setTimeout(waitForWaJs, 50);
    }
  })();

  function start(WPP) {
    const library = clip(typeof WPP.version === 'string' ? 'wa-js ' + WPP.version : 'wa-js', 64);

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
    const name = (path) => path.replace(/^(functions|enums)\./, '');
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
        kind: 'health', ok: missing.length === 0, missing: missing.map(([path]) => name(path)),
        unavailable: Array.from(new Set(missing.map(([, use]) => use))), version: whatsAppVersion(), library,
      };
    };
    const cannot = (use) => {
      const missing = NEEDS.filter(([path, u]) => (u === use || u === CORE) && !present(path)).map(([path]) => name(path));
      return missing.length ? 'WhatsApp Web ' + whatsAppVersion() + ' changed: ' + use + ' is unavailable (' + library + ' cannot find ' + missing.join(', ') + ')' : '';
    };

    // WhatsApp's app loaded, but wa-js did not get ready: say what it could not find, shortly
    // before the agent's watchdog reloads the page. A page that is merely slow, or not
    // WhatsApp's app at all, is the watchdog's alone.
    const notReady = setTimeout(() => {
      if (WPP.isReady || outdated || !(window.Debug && window.Debug.VERSION)) return;
      const health = selfTest(false);
      emit(Object.assign(health, { ok: false, unavailable: [CORE], missing: health.missing.length ? health.missing : ['what tells it the page is ready'] }));
    }, Number.isInteger(settings.notReadyMs) && settings.notReadyMs > 0 ? settings.notReadyMs : 20000);

    // ---- Settings the agent sends (configure) ----
    let mediaMaxBytes = Number.isInteger(settings.mediaMaxBytes) ? settings.mediaMaxBytes : 16 * 1024 * 1024;
    let allowedGroups = new Set(Array.isArray(settings.allowedGroups) ? settings.allowedGroups : []);
    // WhatsApp marks the account online while its page is open; a linked device that keeps the
    // account online silences the owner's phone. Unless the agent is told otherwise, wa-js pins
    // the account unavailable (seen and typing still go out).
    let appearOnline = settings.appearOnline === true;
    // A call rings on the shop PC too; unattended, it is declined ([whatsapp] calls).
    let rejectCalls = settings.rejectCalls === true;
    const applyPresence = () => quietly(WPP.conn.markAvailable(appearOnline));
    // Media is fetched only for chats the agent relays: customers' own chats and allowed groups.
    const relayed = (chatId) => /@(c\.us|lid)$/.test(chatId) || allowedGroups.has(chatId);

    // An event of a shape the adapter does not expect must not break wa-js or WhatsApp (their
    // emitters call handlers synchronously): it is caught, and reported once, with what it
    // takes away.
    const broken = new Set();
    const guarded = (what, use, handler) => (...args) => {
      try {
        handler(...args);
      } catch (e) {
        console.error('sak: ' + what + ' had an unexpected shape: ' + reason(e));
        if (broken.has(what)) return;
        broken.add(what);
        emit({ kind: 'health', ok: false, missing: [clip('a usable ' + what + ' event (' + reason(e) + ')', 250)], unavailable: [use], version: whatsAppVersion(), library });
      }
    };
    const on = (event, use, handler) => WPP.on(event, guarded(event, use, handler));
    const onModel = (model, what, event, use, handler) => {
      if (model && typeof model.on === 'function') model.on(event, guarded(what + ' ' + event, use, handler));
    };

    // ---- Session state ----
    const reportState = () => {
      const socket = WPP.whatsapp.Socket;
      if (!socket) return;
      // Connected means logged in with the chats loaded, not only a socket that is up.
      const state = clip(socket.state, 64);
      const synced = state === 'CONNECTED' && WPP.conn.isAuthenticated() && WPP.whatsapp.Stream.mode === 'MAIN';
      emit({ kind: 'state', state, hasSynced: synced });
    };
    let lastQr = '';
    const reportQr = (code) => {
      if (!code || !code.fullCode || code.fullCode === lastQr) return;
      lastQr = str(code.fullCode);
      emit({ kind: 'qr', qr: clip(lastQr, 4096) });
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
    const base64 = (buffer) => {
      const bytes = new Uint8Array(buffer);
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(text);
    };
    const fetchMedia = async (m, out) => {
      out.mimetype = clip(m.mimetype, 256);
      out.filename = clip(m.filename, 1024);
      out.size = Number.isInteger(m.size) && m.size >= 0 ? m.size : 0;
      if (out.size > mediaMaxBytes) {
        out.mediaError = 'larger than the agent takes (' + out.size + ' > ' + mediaMaxBytes + ' bytes)';
        return;
      }
      const problem = cannot('receiving media');
      if (problem) {
        out.mediaError = clip(problem, 1024);
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

    // Who wrote (the chat, or the member in a group) as WhatsApp knows them: a LID chat's
    // phone number and a phone chat's LID, from what the page has learnt (never a lookup per
    // message); empty where it does not know.
    const identity = (who) => {
      const out = { phone: '', lid: '' };
      const cache = WPP.whatsapp.lidPnCache;
      if (!cache || !/@(c\.us|lid)$/.test(who)) return out;
      try {
        const wid = WPP.whatsapp.WidFactory.createWid(who);
        const other = who.endsWith('@lid') ? cache.getPhoneNumber(wid) : cache.getCurrentLid(wid);
        const phoneWid = who.endsWith('@lid') ? (other ? String(other) : '') : who;
        const lidWid = who.endsWith('@lid') ? who : (other ? String(other) : '');
        const digits = phoneWid.replace(/@c\.us$/, '');
        if (/^[1-9][0-9]{6,14}$/.test(digits)) out.phone = '+' + digits;
        if (/^[0-9]+@lid$/.test(lidWid)) out.lid = lidWid;
      } catch (e) {
        // unknown: left empty
      }
      return out;
    };

    const describe = async (m, id, type) => {
      const chatId = str(m.id.remote);
      const out = {
        id, chatId, author: str(m.author), type: clip(type, 64),
        // For media WhatsApp keeps a thumbnail in body; the caption is the text.
        body: clip(type === 'chat' || type === 'vcard' ? m.body : m.caption, 65536),
        t: Number.isInteger(m.t) ? m.t : Math.floor(Date.now() / 1000),
        notifyName: typeof m.notifyName === 'string' ? clip(m.notifyName, 256) : '',
        fromMe: !!m.id.fromMe,
        quotedId: str(m.quotedStanzaID),
      };
      Object.assign(out, identity(chatId.endsWith('@g.us') ? str(m.author) : chatId));
      if (type === 'location') {
        out.lat = Number(m.lat) || 0;
        out.lng = Number(m.lng) || 0;
        out.body = clip(m.loc || m.comment, 65536);
      } else if (MEDIA.has(type) && !out.fromMe && relayed(chatId)) {
        await fetchMedia(m, out);
      }
      return out;
    };

    const capture = (m) => {
      if (!m || !m.id) return;
      if (m.type === 'ciphertext') {
        // Not decrypted yet: wa-js hands it over again once it is.
        if (!m.id.fromMe) watchUndecrypted(m);
        return;
      }
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

    // A customer's message that stays "waiting for this message" (view-once media never
    // decrypts on a linked device; a session problem keeps others locked) is relayed once, after
    // a while, as `unavailable` with why in its body, so the cloud can ask the customer again.
    // If it decrypts later, the message itself follows under its own id.
    const unavailableAfterMs = Number.isInteger(settings.unavailableAfterMs) && settings.unavailableAfterMs > 0
      ? settings.unavailableAfterMs : 60000;
    const watchUndecrypted = (m) => {
      const id = String(m.id);
      if (!id || !remember(id + ':waiting')) return;
      setTimeout(() => {
        if (m.type !== 'ciphertext') return;
        const chatId = str(m.id.remote);
        captureChange(Object.assign({
          id: id + ':unavailable', chatId, author: str(m.author), type: 'unavailable',
          body: /view_once/.test(str(m.subtype)) ? 'view-once' : 'not-decrypted',
          t: Number.isInteger(m.t) ? m.t : now(), notifyName: clip(m.notifyName, 256), fromMe: false,
          quotedId: str(m.id.id),
        }, identity(chatId.endsWith('@g.us') ? str(m.author) : chatId)));
      }, unavailableAfterMs);
    };

    // ---- Acks: wa-js reports 1 (sent) to 5; WhatsApp's failures (-7..-1) only change the model ----
    const lastAck = new Map();
    const reportAck = (key, ack) => {
      if (!key || !key.fromMe || !Number.isInteger(ack) || ack < -7 || ack > 5) return;
      const id = str(key.id);
      if (lastAck.get(id) === ack) return;
      lastAck.set(id, ack);
      if (lastAck.size > REMEMBERED_IDS) lastAck.delete(lastAck.keys().next().value);
      emit({ kind: 'ack', id, ack });
    };

    // ---- Commands ----
    // What the agent asks for in a chat happens in the order it asked: "seen", typing, then
    // the message (each waits until the previous one reached WhatsApp, not for its acks).
    const inOrder = chainsBy();

    // Where a message with this id would be, if it was sent: the key on the chat WhatsApp sends
    // in now, and on the chat the agent named (a LID learnt since the first attempt moves the
    // chat). Only "not found" means not sent; any other failure to look is an error.
    const sentBefore = async (chat, c) => {
      const keys = new Set(['true_' + chat.id.toString() + '_' + c.messageId, 'true_' + c.chatId + '_' + c.messageId]);
      for (const key of keys) {
        try {
          return await WPP.chat.getMessageById(key);
        } catch (e) {
          if (!e || (e.code !== 'msg_not_found' && e.code !== 'chat_not_found')) throw e;
        }
      }
      return null;
    };
    const keyAdded = (key) => {
      const store = WPP.whatsapp.MsgStore;
      let listener = null;
      const added = new Promise((resolve) => {
        listener = (m) => {
          if (m && String(m.id) === key) resolve();
        };
        store.on('add', listener);
      });
      return { added, stop: () => store.off('add', listener) };
    };
    // A send of the same id that is still going (the agent gave up waiting and asked again) is
    // waited for, then looked up, never started twice.
    const inFlight = new Map();

    const sendText = async (c, started) => {
      let sentIn = null; // the chat WhatsApp sends in, once found
      const result = (ok, error, final) => emit(Object.assign({
        kind: 'sendResult', requestId: c.requestId, id: c.messageId, ok, error: clip(error, 1024), final: final === true,
      }, ok && sentIn ? Object.assign({ chat: sentIn }, identity(sentIn)) : {}));
      const media = typeof c.data === 'string' && c.data;
      const poll = c.poll && Array.isArray(c.poll.options) ? c.poll : null;
      const problem = cannot('sending') || (media ? cannot('sending images and documents') : '');
      if (problem) return result(false, problem);
      while (inFlight.has(c.messageId)) await inFlight.get(c.messageId);
      let watch = null;
      const attempt = (async () => {
        // The chat WhatsApp really sends in: a phone number whose LID is known goes to the LID
        // chat, and the message's key must name that chat.
        const chat = await WPP.chat.find(c.chatId);
        sentIn = chat.id.toString();
        const key = 'true_' + chat.id.toString() + '_' + c.messageId;
        // The id was chosen before the send: if a message with it exists, it was sent already
        // (the agent asks again after a crash); its ack tells how far it got, again.
        const existing = await sentBefore(chat, c);
        if (existing) {
          lastAck.delete(c.messageId);
          return { existing };
        }
        const options = { messageId: key, waitForAck: true, linkPreview: false, markIsRead: false, detectMentioned: false };
        if (c.quotedId) {
          // Quoted if WhatsApp still has it; else the reply goes without the quote. The agent
          // names it by the key it was captured with (or by its id alone).
          const quotedKey = c.quotedId.includes('_') ? c.quotedId : 'false_' + chat.id.toString() + '_' + c.quotedId;
          const quoted = await WPP.chat.getMessageById(quotedKey).catch(() => null);
          if (quoted) options.quotedMsg = quoted;
          else console.warn('sak: the message to quote is not in the page; sending without the quote');
        }
        // The chat's next step may start once the message is in the page.
        watch = keyAdded(key);
        watch.added.then(started);
        if (poll) {
          // A poll quotes nothing: WhatsApp shows it on its own.
          delete options.quotedMsg;
          return { sent: await WPP.chat.sendCreatePollMessage(chat.id, c.body, poll.options, Object.assign(options, { selectableCount: poll.multipleChoice ? 0 : 1 })) };
        }
        return {
          sent: await (media
            ? WPP.chat.sendFileMessage(chat.id, 'data:' + c.mimetype + ';base64,' + c.data, Object.assign(options, {
              type: /^image\//.test(c.mimetype) ? 'image' : 'document', caption: c.body || undefined,
              filename: str(c.filename) || undefined, mimetype: c.mimetype,
            }))
            : WPP.chat.sendTextMessage(chat.id, c.body, options)),
        };
      })();
      inFlight.set(c.messageId, attempt.then(() => undefined, () => undefined));
      try {
        const { existing, sent } = await attempt;
        if (existing) {
          result(true, '');
          reportAck(existing.id, Number(existing.ack));
          return;
        }
        const code = sent && sent.sendMsgResult && sent.sendMsgResult.messageSendResult;
        if (code && code !== 'OK') return result(false, 'WhatsApp answered ' + code);
        result(true, '');
      } catch (e) {
        // WhatsApp's servers know no such user: a number not on WhatsApp, for good. Anything
        // else (no answer, a lookup that failed) may go better the next time.
        if (/No LID for user/i.test(reason(e))) result(false, 'the number is not on WhatsApp (' + reason(e) + ')', true);
        else result(false, reason(e));
      } finally {
        if (watch) watch.stop();
        inFlight.delete(c.messageId);
      }
    };

    // WhatsApp hands a device that was away what it held as an "offline" burst, and says when
    // the last of it is in (BackendEventBus.isOfflineDeliveryEnd, the offline_delivery_end
    // event). The catch-up waits for that, so that the whole backlog reaches the agent as one
    // batch in its order; a build that never says so is waited for this long at most.
    const OFFLINE_DELIVERY_WAIT_MS = 30000;
    const offlineDeliveryEnded = () => new Promise((resolve) => {
      let bus = null;
      try {
        bus = WPP.whatsapp.BackendEventBus;
      } catch (e) {
        bus = null;
      }
      if (!bus) {
        console.warn('sak: WhatsApp\'s BackendEventBus was not found; catching up without waiting for its offline delivery');
        resolve();
        return;
      }
      if (bus.isOfflineDeliveryEnd === true) {
        resolve();
        return;
      }
      let check = null;
      let timer = null;
      const listener = (name) => {
        if (name === 'offline_delivery_end') done('');
      };
      const done = (warning) => {
        clearInterval(check);
        clearTimeout(timer);
        WPP.off('conn.backend_event', listener);
        if (warning) console.warn(warning);
        resolve();
      };
      WPP.on('conn.backend_event', listener);
      // The flag as well: either alone may be what a build keeps.
      check = setInterval(() => {
        if (bus.isOfflineDeliveryEnd === true) done('');
      }, 250);
      timer = setTimeout(() => done('sak: WhatsApp did not say within ' + OFFLINE_DELIVERY_WAIT_MS / 1000 +
        ' s that its offline delivery ended; catching up with what is there'), OFFLINE_DELIVERY_WAIT_MS);
    });

    // What the page holds from `since` on: what it had before (the last page got it, the agent
    // may not have journaled it), or got before wa-js was listening. capture() takes each id once.
    const captureHeld = (since) => {
      const store = WPP.whatsapp.MsgStore;
      for (const m of store ? store.getModelsArray() : []) {
        if (m && m.id && !m.id.fromMe && Number.isInteger(m.t) && m.t >= since) capture(m);
      }
    };
    let catchUpAsked = false;
    const catchUp = (c) => Promise.resolve().then(() => {
      catchUpAsked = true;
      // First what the page holds already, so that it comes before the offline burst's newer
      // messages: the agent orders by WhatsApp's time, which has seconds only, and keeps the
      // page's order within a second.
      captureHeld(c.since);
      return offlineDeliveryEnded();
    }).then(() => {
      // What arrived meanwhile was captured as it came (chat.new_message); again for the rest.
      captureHeld(c.since);
      // After the last of them: the agent orders what it holds and journals it.
      return captureInOrder.idle().then(() => emit({ kind: 'caughtUp' }));
    }).catch((e) => {
      // The agent holds what it captured until this answer: a failed look is still an answer.
      console.warn('sak: catchUp failed: ' + reason(e));
      emit({ kind: 'caughtUp' });
    });
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
        if (typeof c.rejectCalls === 'boolean') rejectCalls = c.rejectCalls;
        if (typeof c.appearOnline === 'boolean' && c.appearOnline !== appearOnline) {
          appearOnline = c.appearOnline;
          applyPresence();
        }
      },
      // Only a QR that went idle is refreshed: a live one rotates by itself.
      refreshQr: () => WPP.conn.isIdle() && quietly(WPP.conn.refreshQR()),
      takeover: () => {
        const socket = WPP.whatsapp.Socket;
        if (socket && socket.state === 'CONFLICT') quietly(socket.takeover());
      },
      pairingCode: (c) => {
        if (typeof c.phone !== 'string' || !/^[0-9]{8,15}$/.test(c.phone)) return;
        const problem = cannot('pairing with a phone number');
        if (problem) {
          emit({ kind: 'pairingCode', code: '', error: clip(problem, 1024) });
          return;
        }
        WPP.conn.genLinkDeviceCodeForPhoneNumber(c.phone, false).then(
          (code) => emit({ kind: 'pairingCode', code: clip(code, 64), error: code ? '' : 'WhatsApp gave no code' }),
          (e) => emit({ kind: 'pairingCode', code: '', error: reason(e) }));
      },
    };

    // ---- Attached once wa-js is ready: on the QR screen, or in any state the page loads in
    // (a session open elsewhere, a blocked account), so that the agent hears it ----
    let logoutReason = '';
    const attach = () => {
      clearTimeout(notReady);
      clearInterval(outdatedTimer); // WhatsApp's app is there
      emit({ kind: 'ready', version: whatsAppVersion(), library });
      const health = selfTest(WPP.conn.isAuthenticated());
      emit(health);
      if (health.unavailable.includes(CORE)) return; // nothing works: the session stays unhealthy
      applyPresence();

      on('conn.auth_code_change', 'showing the QR code', reportQr);
      WPP.conn.getAuthCode().then(reportQr, () => undefined);
      onModel(WPP.whatsapp.Socket, 'Socket', 'change:state', 'following the session', reportState);
      onModel(WPP.whatsapp.Stream, 'Stream', 'change:mode', 'following the session', reportState);
      on('conn.authenticated', 'logging in', () => {
        reportState();
        emit(selfTest(true)); // what loads with the chats is there now
      });
      guarded('the session state', 'following the session', reportState)();
      // Logged out, from the phone (2026 builds: logout_from_bridge) or here, and why.
      on('conn.logout_reason', 'noticing a logout', (r) => {
        logoutReason = clip(r, 64);
      });
      const loggedOut = () => emit({ kind: 'logout', reason: logoutReason });
      on('conn.logout', 'noticing a logout', loggedOut);
      onModel(WPP.whatsapp.Cmd, 'Cmd', 'logout_from_bridge', 'noticing a logout', loggedOut);
      // wa-js reports every change of the flag, the way back included.
      on('conn.needs_update', 'noticing an update', () => {
        if (WPP.conn.needsUpdate()) emit({ kind: 'pageProblem', problem: 'needs-update' });
      });

      // Until the agent's first catch-up, a message of the offline burst may share its second
      // with one the page loaded with its history, which only the catch-up would find, after
      // it: the page's older ones of that second go first, so that the agent's order holds.
      on('chat.new_message', 'receiving', (m) => {
        if (!catchUpAsked && m && Number.isInteger(m.t)) captureHeld(m.t);
        capture(m);
      });
      // A vote on one of the shop's polls reaches the agent as a message of type `poll_vote`:
      // the options chosen (their names, one per line; none: the vote was taken back), the
      // poll's id in quotedId. Each change of a vote is a message of its own; the latest wins.
      on('chat.poll_response', 'receiving poll votes', (v) => {
        const poll = v && v.msgId;
        const voter = v && v.sender ? String(v.sender) : '';
        if (!poll || !poll.fromMe || !/@(c\.us|lid)$/.test(voter)) {
          if (!poll || !voter) console.warn('sak: a poll vote without its poll or voter was ignored');
          return;
        }
        const chatId = str(poll.remote);
        const chosen = Array.from(v.selectedOptions || []).filter((o) => o && typeof o.name === 'string');
        const at = Number.isInteger(v.timestamp) ? v.timestamp : Date.now();
        captureChange(Object.assign({
          id: 'vote_' + String(poll) + '_' + voter + '_' + at, chatId, author: chatId.endsWith('@g.us') ? voter : '',
          type: 'poll_vote', body: clip(chosen.map((o) => o.name.replace(/\n/g, ' ')).join('\n'), 65536),
          t: Math.floor(at / 1000), notifyName: '', fromMe: false, quotedId: str(poll.id),
        }, identity(voter)));
      });
      // A call reaches the agent as a message of type `call` (body: voice or video) from the
      // caller's chat, so it is journaled and relayed like one.
      on('call.incoming_call', 'answering calls', (c) => {
        const from = c && c.sender ? String(c.sender) : '';
        if (!c || typeof c.id !== 'string' || !c.id || !/@(c\.us|lid)$/.test(from)) {
          console.warn('sak: a call without a caller or an id was ignored');
          return;
        }
        captureChange(Object.assign({
          id: 'call_' + from + '_' + clip(c.id, 128), chatId: from, author: '', type: 'call',
          body: c.isVideo ? 'video' : 'voice', t: Number.isInteger(c.offerTime) ? c.offerTime : now(),
          notifyName: '', fromMe: false,
        }, identity(from)));
        if (rejectCalls) quietly(WPP.call.reject(c.id));
      });
      on('chat.msg_edited', 'receiving edits', (e) => {
        const m = e.msg;
        if (!m || !m.id || m.id.fromMe) return;
        captureChange({
          id: String(m.id) + ':edit:' + (m.latestEditSenderTimestampMs || now()), chatId: str(m.id.remote), author: str(m.author),
          type: 'edit', body: clip(m.body, 65536), t: now(), notifyName: clip(m.notifyName, 256), fromMe: false, quotedId: str(m.id.id),
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
          body: clip(e.reactionText, 64), t: Number.isInteger(e.timestamp) ? e.timestamp : now(), notifyName: '', fromMe: false,
          quotedId: str(e.msgId.id),
        });
      });
      // In a group a receipt is one member's: the message's own ack (below) is the group's.
      on('chat.msg_ack_change', 'delivery and read receipts', (e) => {
        for (const key of e.ids || []) {
          if (!str(key.remote).endsWith('@g.us')) reportAck(key, e.ack);
        }
      });
      // Failures (-7..-1), the first tick and groups change the message in the page only.
      onModel(WPP.whatsapp.MsgStore, 'MsgStore', 'change:ack', 'delivery and read receipts', (m, ack) => m && reportAck(m.id, Number(ack)));
    };

    document.addEventListener(COMMAND, (e) => {
      if (typeof e.detail !== 'string' || !WPP.isReady) return;
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

    if (WPP.isReady) attach();
    else WPP.loader.onReady(attach);
  }
})(/* SAK settings */ {});
