// SAK page agent: runs in the WhatsApp Web page's main world, where WhatsApp's own modules
// live (window.require). It talks to WhatsApp's modules and to nothing else: events leave as
// DOM CustomEvents with a JSON string as detail, commands arrive the same way. The relay in
// ApplicationWorld picks them up; this script never sees the agent's channel.
(function () {
  'use strict';

  const EVENT = 'sak:page-event';
  const COMMAND = 'sak:command';
  const POLL_MS = 250;
  const REPORT_MISSING_AFTER_MS = 60000;
  const REMEMBERED_IDS = 5000;

  // Module functions the bridge needs, by the names WhatsApp Web uses; each with the shape
  // it must have, because names move between WhatsApp builds.
  const NEEDS = [
    ['WAWebCollections', (m) => m && m.Msg && typeof m.Msg.on === 'function' && typeof m.Msg.get === 'function' &&
      m.Chat && typeof m.Chat.get === 'function', 'WAWebCollections.Msg/Chat'],
    ['WAWebSocketModel', (m) => m && m.Socket && typeof m.Socket.on === 'function', 'WAWebSocketModel.Socket'],
    ['WAWebConnModel', (m) => m && m.Conn && typeof m.Conn.on === 'function', 'WAWebConnModel.Conn'],
    ['WAWebMsgKey', (m) => typeof m === 'function' && typeof m.newId === 'function', 'WAWebMsgKey'],
    ['WAWebWidFactory', (m) => m && typeof m.createWid === 'function', 'WAWebWidFactory.createWid'],
    ['WAWebFindChatAction', (m) => m && typeof m.findOrCreateLatestChat === 'function',
      'WAWebFindChatAction.findOrCreateLatestChat'],
    ['WAWebSendMsgChatAction', (m) => m && typeof m.addAndSendMsgToChat === 'function',
      'WAWebSendMsgChatAction.addAndSendMsgToChat'],
  ];

  // Nice to have: without them the agent still sends, it only does not look like a person.
  const OPTIONAL = [
    ['WAWebUpdateUnreadChatAction', (m) => m && typeof m.sendSeen === 'function'],
    ['WAWebChatStateBridge', (m) => m && typeof m.sendChatStateComposing === 'function' &&
      typeof m.sendChatStatePaused === 'function'],
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

  function findModules() {
    const found = {};
    const missing = [];
    for (const [name, shapeOk, label] of NEEDS) {
      const module = lookUp(name, shapeOk);
      if (module) found[name] = module;
      else missing.push(label);
    }
    for (const [name, shapeOk] of OPTIONAL) {
      const module = lookUp(name, shapeOk);
      if (module) found[name] = module;
    }
    return { found, missing };
  }

  function attach(modules, version) {
    const Collections = modules.WAWebCollections;
    const Socket = modules.WAWebSocketModel.Socket;
    const Conn = modules.WAWebConnModel.Conn;
    const MsgKey = modules.WAWebMsgKey;
    const WidFactory = modules.WAWebWidFactory;
    const FindChat = modules.WAWebFindChatAction;
    const SendMsg = modules.WAWebSendMsgChatAction;

    emit({ kind: 'ready', version });
    emit({ kind: 'health', ok: true, missing: [], version });

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

    const capture = (m) => {
      if (m.type === 'ciphertext') {
        // Not decrypted yet ("waiting for this message"): it is emitted once it is.
        m.once('change:type', () => capture(m));
        return;
      }
      const id = m.id && m.id._serialized;
      if (!id || !remember(id)) return;
      emit({
        kind: 'message',
        message: {
          id,
          chatId: widString(m.id.remote),
          author: widString(m.author),
          type: String(m.type),
          // For media WhatsApp keeps a thumbnail in body; the caption is the text.
          body: m.type === 'chat' ? String(m.body || '') : String(m.caption || ''),
          t: Number.isInteger(m.t) ? m.t : Math.floor(Date.now() / 1000),
          notifyName: typeof m.notifyName === 'string' ? m.notifyName : '',
          fromMe: !!m.id.fromMe,
        },
      });
    };
    Collections.Msg.on('add', (m) => {
      if (m && m.isNewMsg) capture(m);
    });
    Collections.Msg.on('change:ack', (m, ack) => {
      if (m && m.id && m.id.fromMe) emit({ kind: 'ack', id: String(m.id.id), ack: Number(ack) });
    });

    // What the agent asks for in a chat happens in the order it asked: "seen", typing, then
    // the message (each waits until the previous one reached WhatsApp, not for its acks).
    const chains = new Map();
    const inOrder = (chatId, step) => {
      const next = (chains.get(chatId) || Promise.resolve()).then(step, step);
      const settled = next.then(() => undefined, () => undefined);
      chains.set(chatId, settled);
      settled.then(() => { if (chains.get(chatId) === settled) chains.delete(chatId); });
      return next;
    };

    const sendText = async (c, started) => {
      const result = (ok, error) => emit({ kind: 'sendResult', requestId: c.requestId, id: c.messageId, ok, error: error || '' });
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
      if (!ChatState) return;
      const wid = WidFactory.createWid(c.chatId);
      await (c.typing ? ChatState.sendChatStateComposing(wid) : ChatState.sendChatStatePaused(wid));
    };
    // Customers' messages the page holds from `since` on, again: the agent journals what it
    // missed (it ignores what it knows).
    const catchUp = (c) => {
      for (const m of Collections.Msg.getModelsArray ? Collections.Msg.getModelsArray() : []) {
        if (m && m.id && !m.id.fromMe && Number.isInteger(m.t) && m.t >= c.since) capture(m);
      }
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
      }
    });
  }

  const started = Date.now();
  let reportedMissing = false;
  const timer = setInterval(() => {
    const version = window.Debug && window.Debug.VERSION;
    if (!version || typeof window.require !== 'function') return;
    const { found, missing } = findModules();
    if (missing.length === 0) {
      clearInterval(timer);
      attach(found, String(version));
      return;
    }
    if (!reportedMissing && Date.now() - started > REPORT_MISSING_AFTER_MS) {
      reportedMissing = true;
      emit({ kind: 'health', ok: false, missing, version: String(version) });
    }
  }, POLL_MS);
})();
