// SAK relay: runs in ApplicationWorld (after qwebchannel.js), which shares the DOM with the
// page but none of its JavaScript. It owns the QWebChannel and the facade; page scripts
// cannot reach either. Every event of the page agent is checked here before it goes to C++
// (and checked again there).
(function () {
  'use strict';

  const EVENT = 'sak:page-event';
  const COMMAND = 'sak:command';
  // A message with the largest media the agent takes, as base64 (bridgeprotocol.h).
  const MAX_MEDIA = 64 * 1024 * 1024;
  const MAX_EVENT = Math.floor(MAX_MEDIA / 3) * 4 + 256 * 1024;
  const MAX_BACKLOG = 1000;

  const isStr = (v, max) => typeof v === 'string' && v.length <= max;
  const isId = (v) => isStr(v, 256) && v.length > 0;
  const optional = (v, ok) => v === undefined || ok(v);
  const isList = (v) => Array.isArray(v) && v.length <= 64 && v.every((m) => isStr(m, 256));

  const VALID = {
    ready: (e) => isStr(e.version, 64) && isStr(e.library, 64),
    health: (e) => typeof e.ok === 'boolean' && isList(e.missing) && isStr(e.version, 64) && isStr(e.library, 64) &&
      isList(e.unavailable),
    logout: (e) => optional(e.reason, (v) => isStr(v, 64)),
    caughtUp: () => true,
    pageProblem: (e) => isStr(e.problem, 64) && e.problem.length > 0,
    pairingCode: (e) => isStr(e.code, 64) && isStr(e.error, 1024) && (e.code.length > 0) !== (e.error.length > 0),
    state: (e) => isStr(e.state, 64) && e.state.length > 0 && typeof e.hasSynced === 'boolean',
    qr: (e) => isStr(e.qr, 4096) && e.qr.length > 0,
    ack: (e) => isId(e.id) && Number.isInteger(e.ack) && e.ack >= -7 && e.ack <= 5,
    sendResult: (e) => isId(e.requestId) && isStr(e.id, 256) && typeof e.ok === 'boolean' && isStr(e.error, 1024) &&
      optional(e.final, (v) => typeof v === 'boolean'),
    message: (e) => {
      const m = e.message;
      return !!m && typeof m === 'object' && isId(m.id) && isId(m.chatId) && m.chatId.includes('@') &&
        isStr(m.author, 256) && isStr(m.type, 64) && m.type.length > 0 && isStr(m.body, 65536) &&
        Number.isInteger(m.t) && m.t >= 0 && isStr(m.notifyName, 256) && typeof m.fromMe === 'boolean' &&
        optional(m.quotedId, (v) => isStr(v, 256)) && optional(m.mimetype, (v) => isStr(v, 256)) &&
        optional(m.filename, (v) => isStr(v, 1024)) && optional(m.size, (v) => Number.isInteger(v) && v >= 0) &&
        optional(m.data, (v) => isStr(v, MAX_EVENT) && /^[A-Za-z0-9+/]*={0,2}$/.test(v)) &&
        optional(m.mediaError, (v) => isStr(v, 1024)) &&
        optional(m.phone, (v) => isStr(v, 16) && /^(\+[1-9][0-9]{6,14})?$/.test(v)) &&
        optional(m.lid, (v) => isStr(v, 256) && /^([0-9]+@lid)?$/.test(v)) &&
        optional(m.lat, (v) => typeof v === 'number' && Math.abs(v) <= 90) &&
        optional(m.lng, (v) => typeof v === 'number' && Math.abs(v) <= 180);
    },
  };

  const valid = (text) => {
    if (typeof text !== 'string' || text.length > MAX_EVENT) return false;
    let event;
    try {
      event = JSON.parse(text);
    } catch (e) {
      return false;
    }
    if (!event || typeof event !== 'object' || !Object.prototype.hasOwnProperty.call(VALID, event.kind)) return false;
    return VALID[event.kind](event);
  };

  let facade = null;
  const backlog = [];

  document.addEventListener(EVENT, (e) => {
    if (!valid(e.detail)) {
      console.warn('sak relay: dropped an invalid event from the page');
      return;
    }
    if (facade) facade.post(e.detail);
    else if (backlog.length < MAX_BACKLOG) backlog.push(e.detail);
  });

  if (typeof qt === 'undefined' || !qt.webChannelTransport) {
    console.error('sak relay: no web channel transport in this world');
    return;
  }
  new QWebChannel(qt.webChannelTransport, (channel) => {
    facade = channel.objects.sakBridge;
    facade.command.connect((command) => {
      if (typeof command === 'string') document.dispatchEvent(new CustomEvent(COMMAND, { detail: command }));
    });
    for (const pending of backlog.splice(0)) facade.post(pending);
  });
})();
