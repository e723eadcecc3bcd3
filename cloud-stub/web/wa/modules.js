// One file on purpose (about 930 lines): it is the table of WhatsApp's modules that wa-js looks
// up by name, all defined in one closure that shares their base classes (models, Wid, keys).
// WhatsApp Web simulator, part 2: WhatsApp's modules, under their real names and with the
// shapes of the 2026 builds (as the peers that follow the real page record them): message keys without
// `_serialized`, LID chats beside phone-number chats, findOrCreateLatestChat answering a plain
// object, acks from -7 to 5, receipts, reactions and poll votes through their handler and
// table modules, media through OpaqueData/MediaPrep/MmsV4Upload, downloads that need a
// downloadQpl, and modules that load only on demand. Like the real page's code, these modules
// call each other through the module system at call time (importNamespace(...).fn()), so that
// code that wraps a module's function is called. The page's own logic is in whatsapp-sim.js;
// internal helpers have ids without the "WA" prefix.
(function () {
  'use strict';

  const define = window.__d;
  if (typeof define !== 'function') return; // a page without the app (whatsapp-sim.js says which)

  // ---- Backbone-like events, models and collections ----
  class Events {
    on(name, callback, context) {
      this._events = this._events || {};
      (this._events[name] = this._events[name] || []).push({ callback, context, once: false });
      return this;
    }
    once(name, callback, context) {
      this.on(name, callback, context);
      this._events[name][this._events[name].length - 1].once = true;
      return this;
    }
    off(name, callback) {
      if (!this._events) return this;
      if (!name) this._events = {};
      else if (!callback) delete this._events[name];
      else this._events[name] = (this._events[name] || []).filter((l) => l.callback !== callback);
      return this;
    }
    trigger(name, ...args) {
      const list = (this._events && this._events[name]) || [];
      for (const l of list.slice()) {
        if (l.once) this.off(name, l.callback);
        try {
          l.callback.apply(l.context || this, args);
        } catch (e) {
          console.error(e);
        }
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
    get(key) {
      return this.attributes[key];
    }
    set(key, value, options) {
      let changes = key;
      if (typeof key === 'string') changes = { [key]: value };
      else options = value;
      const changed = [];
      for (const [k, v] of Object.entries(changes)) {
        if (!Object.prototype.hasOwnProperty.call(this, k)) {
          Object.defineProperty(this, k, {
            get: () => this.attributes[k], set: (nv) => this.set(k, nv), configurable: true, enumerable: true,
          });
        }
        if (this.attributes[k] !== v) {
          changed.push([k, this.attributes[k]]);
          this.attributes[k] = v;
        }
      }
      if (!(options && options.silent)) {
        for (const [k, previous] of changed) this.emit('change:' + k, this, this.attributes[k], previous);
        if (changed.length) this.emit('change', this);
      }
      return this;
    }
    unset(key) {
      return this.set(key, undefined);
    }
    // A model's events reach the collections it is in, as in Backbone.
    emit(name, ...args) {
      this.trigger(name, ...args);
      for (const c of this._collections) c.trigger(name, ...args);
    }
    serialize() {
      return Object.assign({}, this.attributes);
    }
    toJSON() {
      return this.serialize();
    }
  }

  // Keys of the models: the id's text. A MsgKey or Wid gives it through toString().
  const keyOf = (x) => {
    if (x === null || x === undefined) return '';
    if (typeof x === 'string') return x;
    if (x instanceof Model) return String(x.get('id'));
    const text = String(x);
    return text === '[object Object]' ? String(x.id) : text;
  };

  class Collection extends Events {
    constructor(models) {
      super();
      this._byId = new Map();
      if (models) this.add(models);
    }
    get length() {
      return this._byId.size;
    }
    get(id) {
      return this._byId.get(keyOf(id));
    }
    has(id) {
      return this._byId.has(keyOf(id));
    }
    add(items, options) {
      const added = [];
      for (const item of Array.isArray(items) ? items : [items]) {
        const model = item instanceof Model ? item : new this.constructor.model(item);
        const key = keyOf(model.get('id'));
        const existing = this._byId.get(key);
        if (existing) {
          added.push(existing);
          continue;
        }
        this._byId.set(key, model);
        model._collections.push(this);
        added.push(model);
        this.trigger('add', model, this, options || {});
      }
      return added;
    }
    remove(id) {
      const model = this.get(id);
      if (!model) return undefined;
      this._byId.delete(keyOf(model.get('id')));
      model._collections = model._collections.filter((c) => c !== this);
      this.trigger('remove', model, this);
      return model;
    }
    getModelsArray() {
      return Array.from(this._byId.values());
    }
    toArray() {
      return this.getModelsArray();
    }
    map(fn) {
      return this.getModelsArray().map(fn);
    }
    filter(fn) {
      return this.getModelsArray().filter(fn);
    }
    find(fn) {
      return this.getModelsArray().find(fn);
    }
    forEach(fn) {
      this.getModelsArray().forEach(fn);
    }
  }
  Collection.model = Model;

  define('WAWebBaseCollection', [], (g, r, d, n, module, exports) => {
    exports.BaseCollection = Collection;
    exports.BaseModel = Model;
    exports.EventEmitter = Events;
  });

  // ---- Ids: Wid (user@server) and message keys ----
  define('WAWebWid', [], (g, r, d, n, module, exports) => {
    const SERVERS = ['c.us', 'g.us', 'lid', 'broadcast', 'newsletter', 'bot'];
    class Wid {
      constructor(serialized) {
        const at = serialized.indexOf('@');
        this.user = serialized.slice(0, at);
        this.server = serialized.slice(at + 1);
        this._serialized = serialized;
      }
      toString() {
        return this._serialized;
      }
      toJSON() {
        return this._serialized;
      }
      equals(other) {
        return other instanceof Wid && other._serialized === this._serialized;
      }
      isUser() {
        return this.server === 'c.us' || this.server === 'lid' || this.server === 'bot';
      }
      isLid() {
        return this.server === 'lid';
      }
      isGroup() {
        return this.server === 'g.us';
      }
      isBroadcast() {
        return this.server === 'broadcast';
      }
      isStatus() {
        return this._serialized === 'status@broadcast';
      }
      isStatusV3() {
        return this.isStatus();
      }
      isNewsletter() {
        return this.server === 'newsletter';
      }
      isBot() {
        return this.server === 'bot';
      }
      isPSA() {
        return this._serialized === '0@c.us';
      }
      static isXWid(server, wid) {
        if (typeof wid === 'string') return wid.split('@')[1] === server;
        return !!wid && wid.server === server;
      }
      static isWid(wid) {
        if (wid instanceof Wid) return true;
        if (typeof wid !== 'string') return false;
        const at = wid.indexOf('@');
        return at > 0 && SERVERS.includes(wid.slice(at + 1)) && /^[\w.:-]+$/.test(wid.slice(0, at));
      }
      static isUser(wid) {
        return Wid.isXWid('c.us', wid) || Wid.isXWid('lid', wid);
      }
      static isLid(wid) {
        return Wid.isXWid('lid', wid);
      }
      static isGroup(wid) {
        return Wid.isXWid('g.us', wid);
      }
      static isStatus(wid) {
        return String(wid) === 'status@broadcast';
      }
      static isNewsletter(wid) {
        return Wid.isXWid('newsletter', wid);
      }
    }
    exports.default = Wid;
  });

  define('WAWebWidFactory', [], (g, r, d, n, module, exports) => {
    const cache = new Map();
    const Wid = () => d('WAWebWid');
    exports.createWid = (text) => {
      if (text instanceof (Wid())) return text;
      const normalised = typeof text === 'string' ? text.replace(/@s\.whatsapp\.net$/, '@c.us') : text;
      if (!Wid().isWid(normalised)) throw new Error('createWid: invalid wid ' + String(text));
      if (!cache.has(normalised)) cache.set(normalised, new (Wid())(normalised));
      return cache.get(normalised);
    };
    exports.isWidlike = (x) => Wid().isWid(x) || (!!x && typeof x === 'object' && Wid().isWid(x._serialized));
    exports.createWidFromWidLike = (x) => (x instanceof (Wid()) ? x : exports.createWid(typeof x === 'string' ? x : x._serialized));
    exports.createUserWidOrThrow = (user, server) => {
      const text = String(user);
      return exports.createWid(/@(c\.us|s\.whatsapp\.net|lid|bot)$/.test(text) ? text : text + '@' + (server || 'c.us'));
    };
    exports.createUserWid = (user, server) => {
      try {
        return exports.createUserWidOrThrow(user, server);
      } catch (e) {
        return undefined;
      }
    };
    exports.asUserWidOrThrow = (wid) => {
      const w = exports.createWidFromWidLike(wid);
      if (!w.isUser()) throw new Error('asUserWidOrThrow: not a user ' + String(wid));
      return w;
    };
  });

  // 2026 (builds 2.3000.1042401057 and later): the key keeps its text in a minified field and
  // has no `_serialized`; toString() gives it. Message ids got longer in April 2026.
  define('WAWebMsgKey', [], (g, r, d, n, module, exports) => {
    const hex = (count) => Array.from(crypto.getRandomValues(new Uint8Array(count)), (b) => b.toString(16).padStart(2, '0')).join('').toUpperCase();
    class MsgKey {
      constructor(obj) {
        if (!obj) throw new Error('MsgKey error: obj is null/undefined');
        const widFactory = n('WAWebWidFactory');
        let fromMe;
        let remote;
        if (obj.remote !== undefined) {
          fromMe = !!obj.fromMe;
          remote = widFactory.createWidFromWidLike(obj.remote);
        } else if (obj.from !== undefined && obj.to !== undefined) {
          fromMe = obj.selfDir === 'out';
          remote = widFactory.createWidFromWidLike(fromMe ? obj.to : obj.from);
        } else {
          throw new Error("MsgKey error: don't have a matching constructor");
        }
        if (typeof obj.id !== 'string' || obj.id.length === 0) throw new Error('MsgKey error: id is not a string');
        this.fromMe = fromMe;
        this.remote = remote;
        this.id = obj.id;
        if (obj.participant !== undefined) {
          this.participant = obj.participant === null ? null : widFactory.createWidFromWidLike(obj.participant);
        }
        const parts = [String(fromMe), remote.toString(), obj.id];
        if (obj.participant !== undefined) parts.push(this.participant === null ? '' : this.participant.toString());
        this.$1 = parts.join('_');
      }
      toString() {
        return this.$1;
      }
      equals(other) {
        return other instanceof MsgKey && other.toString() === this.toString();
      }
      clone() {
        return MsgKey.fromString(this.toString());
      }
      static fromString(text) {
        const p = String(text).split('_');
        if (p.length < 3) throw new Error('MsgKey error: invalid key ' + text);
        const options = { fromMe: p[0] === 'true', remote: p[1], id: p[2] };
        if (p.length === 4 && p[3] !== 'in' && p[3] !== 'out') options.participant = p[3];
        if (p.length >= 5) options.participant = p[4];
        return new MsgKey(options);
      }
      static from(text) {
        return MsgKey.fromString(text);
      }
      static async newId() {
        return '3EB0' + hex(20);
      }
    }
    exports.default = MsgKey;
  });

  // ---- Who the business is ----
  const me = { pn: undefined, lid: undefined, loggedIn: false };
  define('SimAccount', [], (g, r, d, n, module, exports) => {
    exports.setMe = (pn, lid) => {
      const widFactory = n('WAWebWidFactory');
      me.pn = pn ? widFactory.createWid(pn) : undefined;
      me.lid = lid ? widFactory.createWid(lid) : undefined;
    };
    exports.setLoggedIn = (on) => {
      me.loggedIn = on;
    };
  });
  define('WAWebUserPrefsMeUser', [], (g, r, d, n, module, exports) => {
    exports.getMaybeMePnUser = () => me.pn;
    exports.getMaybeMeLidUser = () => me.lid;
    exports.getMePnUserOrThrow = () => {
      if (!me.pn) throw new Error('me is undefined');
      return me.pn;
    };
    exports.getMeLidUserOrThrow = () => {
      if (!me.lid) throw new Error('me lid is undefined');
      return me.lid;
    };
    exports.isMePrimary = (wid) => !!wid && ((me.pn && me.pn.equals(wid)) || (me.lid && me.lid.equals(wid)));
  });
  define('WAWebUserPrefsLoginState', [], (g, r, d, n, module, exports) => {
    exports.isLoggedIn = () => me.loggedIn;
    exports.isRegistered = () => me.loggedIn;
  });

  // ---- Constants and small utilities ----
  define('WAWebBuildConstants', [], (g, r, d, n, module, exports) => {
    exports.VERSION_STR = window.__simVersion;
  });
  define('WAWebUpdaterVersion', [], (g, r, d, n, module, exports) => {
    exports.SANITIZED_VERSION_STR = window.__simVersion.replace(/-.*$/, '');
  });
  define('WATimeUtils', [], (g, r, d, n, module, exports) => {
    exports.unixTime = () => Math.floor(Date.now() / 1000);
    exports.unixTimeMs = () => Date.now();
  });
  define('WAWebAck', [], (g, r, d, n, module, exports) => {
    exports.ACK = {
      MD_DOWNGRADE: -7, INACTIVE: -6, CONTENT_UNUPLOADABLE: -5, CONTENT_TOO_BIG: -4, CONTENT_GONE: -3,
      EXPIRED: -2, FAILED: -1, CLOCK: 0, SENT: 1, RECEIVED: 2, READ: 3, PLAYED: 4, PEER: 5,
    };
    exports.ACK_STRING = {
      SENDER: 'sender', DELIVERY: 'delivery', READ: 'read', PLAYED: 'played', INACTIVE: 'inactive',
      READ_SELF: 'read-self', PLAYED_SELF: 'played-self',
    };
  });
  define('WAWebSendMsgResultAction', [], (g, r, d, n, module, exports) => {
    exports.SendMsgResult = {
      OK: 'OK', ERROR_NETWORK: 'ERROR_NETWORK', ERROR_EXPIRED: 'ERROR_EXPIRED', ERROR_CANCELLED: 'ERROR_CANCELLED',
      ERROR_UPLOAD: 'ERROR_UPLOAD', ERROR_UNKNOWN: 'ERROR_UNKNOWN',
    };
  });
  define('WABase64', [], (g, r, d, n, module, exports) => {
    exports.encodeB64 = (buffer) => {
      const bytes = buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer);
      let text = '';
      for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
      return btoa(text);
    };
    exports.decodeB64 = (text) => {
      const binary = atob(text);
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; ++i) bytes[i] = binary.charCodeAt(i);
      return bytes.buffer;
    };
  });
  define('WAWebGetEphemeralFieldsMsgActionsUtils', [], (g, r, d, n, module, exports) => {
    exports.getEphemeralFields = () => ({});
  });
  define('WAWebLid1X1MigrationGating', [], (g, r, d, n, module, exports) => {
    exports.Lid1X1MigrationUtils = { isLidMigrated: () => true };
  });
  // The name the phone shows for this linked device comes from the browser's description.
  define('WAWebBrowserInfo', [], (g, r, d, n, module, exports) => {
    exports.default = {
      info: () => ({ os: 'Linux', version: '', name: 'Chrome', ua: navigator.userAgent }),
      hardRefresh: () => location.reload(),
    };
  });

  // ---- The app's state: socket, stream, connection, commands ----
  define('WAWebSocketConstants', [], (g, r, d, n, module, exports) => {
    exports.SOCKET_STATE = {};
    for (const s of ['UNLAUNCHED', 'OPENING', 'PAIRING', 'UNPAIRED', 'UNPAIRED_IDLE', 'CONNECTED', 'TIMEOUT',
      'CONFLICT', 'PROXYBLOCK', 'TOS_BLOCK', 'SMB_TOS_BLOCK', 'DEPRECATED_VERSION']) {
      exports.SOCKET_STATE[s] = s;
    }
  });
  define('WAWebSocketModel', [], (g, r, d, n, module, exports) => {
    exports.Socket = new Model({ state: 'UNLAUNCHED', hasSynced: false });
  });
  define('WAWebStreamModel', [], (g, r, d, n, module, exports) => {
    const Stream = new Model({ mode: undefined, info: undefined, needsUpdate: false, available: false });
    // Through the property (which wa-js may pin), then to the server as the presence stanza.
    Stream.markAvailable = () => {
      Stream.available = true;
      n('SimPage').presence(Stream.available);
    };
    Stream.markUnavailable = () => {
      Stream.available = false;
      n('SimPage').presence(Stream.available);
    };
    exports.Stream = Stream;
  });
  define('WAWebConnModel', [], (g, r, d, n, module, exports) => {
    class ConnImpl extends Model {}
    exports.ConnImpl = ConnImpl;
    exports.Conn = new ConnImpl({ ref: null, connected: false, platform: 'smba', isSMB: true, pushname: '' });
  });
  define('WAWebCmd', [], (g, r, d, n, module, exports) => {
    class CmdImpl extends Events {
      constructor() {
        super();
        this.isMainLoaded = false;
      }
    }
    exports.CmdImpl = CmdImpl;
    exports.Cmd = new CmdImpl();
  });
  define('WAWebNetworkStatus', [], (g, r, d, n, module, exports) => {
    const status = new Model({ online: navigator.onLine });
    status.checkOnline = () => status.online;
    exports.default = status;
  });
  define('WAWebBackendEventBus', [], (g, r, d, n, module, exports) => {
    // isOfflineDeliveryEnd: whether the messages held while the device was away have all been
    // delivered since the last (re)connect.
    class BackendEventBusClass extends Events {
      constructor() {
        super();
        this.isOfflineDeliveryEnd = false;
      }
    }
    exports.BackendEventBus = new BackendEventBusClass();
    exports.BackendEvent = {
      MAIN_STREAM_MODE_READY: 'main_stream_mode_ready', LOGOUT: 'logout',
      OFFLINE_DELIVERY_END: 'offline_delivery_end', OFFLINE_DELIVERY_STATE_RESET: 'offline_delivery_state_reset',
    };
  });
  define('WAWebLogoutReasonConstants', [], (g, r, d, n, module, exports) => {
    exports.LogoutReason = {
      UserInitiated: 'user_initiated', PrimaryLoggedOut: 'primary_logged_out', AccountBanned: 'account_banned',
      ClientVersionOutdated: 'client_version_outdated', Unknown: 'unknown',
    };
    exports.LOGOUT_REASON_CODE = { user_initiated: 0, primary_logged_out: 401, account_banned: 403, client_version_outdated: 405, unknown: 500 };
  });
  define('WAWebLogoutReason', [], (g, r, d, n, module, exports) => {
    let previous = null;
    exports.getErrorCodeFromLogoutReason = (reason) => n('WAWebLogoutReasonConstants').LOGOUT_REASON_CODE[reason] || 500;
    exports.setPreviousLogoutReason = (reason) => {
      previous = reason;
    };
    exports.getPreviousLogoutReason = () => previous;
  });

  // ---- Pairing: the QR's keys, and linking with a phone number ----
  const randomBytes = (count) => crypto.getRandomValues(new Uint8Array(count)).buffer;
  const keys = { noise: randomBytes(32), identity: randomBytes(32), adv: randomBytes(32) };
  define('WAWebSignalStoreApi', [], (g, r, d, n, module, exports) => {
    exports.waSignalStore = {
      getRegistrationInfo: async () => ({ registrationId: 1, identityKeyPair: { pubKey: keys.identity, privKey: randomBytes(32) } }),
    };
  });
  define('WAWebUserPrefsInfoStore', [], (g, r, d, n, module, exports) => {
    exports.waNoiseInfo = { get: async () => ({ recoveryToken: null, staticKeyPair: { pubKey: keys.noise, privKey: randomBytes(32) } }) };
  });
  define('WAWebAdvSignatureApi', [], (g, r, d, n, module, exports) => {
    const secret = n('WABase64').encodeB64(keys.adv);
    exports.getADVSecretKey = () => secret;
    exports.setADVSignedIdentity = () => undefined;
  });
  define('WAWebLinkDeviceEvents', [], (g, r, d, n, module, exports) => {
    const events = new Events();
    events.triggerRefreshAltLinkingCode = () => events.trigger('link_device_events:refresh_alt_linking_code');
    exports.WAWebLinkDeviceEvents = events;
  });
  define('WAWebAltDeviceLinkingApi', [], (g, r, d, n, module, exports) => {
    exports.initializeAltDeviceLinking = async () => {
      n('SimPage').stopQr();
    };
    exports.genLinkDeviceCodeForPhoneNumber = async (phone) => {
      const answer = await n('SimNetwork').api('pairing-code', { phone: String(phone) });
      n('SimPage').showLinkCode(answer.code);
      return answer.code;
    };
  });

  // ---- Contacts, chats and messages ----
  define('WAWebContactModel', [], (g, r, d, n, module, exports) => {
    class Contact extends Model {}
    Contact.prototype.proxyName = 'contact';
    exports.Contact = Contact;
  });
  define('WAWebContactCollection', [], (g, r, d, n, module, exports) => {
    class ContactCollectionImpl extends Collection {}
    ContactCollectionImpl.model = n('WAWebContactModel').Contact;
    exports.ContactCollectionImpl = ContactCollectionImpl;
    exports.ContactCollection = new ContactCollectionImpl();
  });

  // Who is behind a LID: known from the phone's address book and from the messages' senders,
  // and asked of the server (usync) when a phone number's LID is not known yet.
  define('WAWebApiContact', [], (g, r, d, n, module, exports) => {
    const lidByPn = new Map();
    const pnByLid = new Map();
    const widFactory = () => n('WAWebWidFactory');
    exports.lidPnCache = {
      getPhoneNumber: (lid) => pnByLid.get(String(lid)),
      getCurrentLid: (pn) => lidByPn.get(String(pn)),
      setMapping: (lid, pn) => {
        const l = widFactory().createWid(String(lid));
        const p = widFactory().createWid(String(pn));
        lidByPn.set(p.toString(), l);
        pnByLid.set(l.toString(), p);
      },
    };
    exports.getPhoneNumber = (lid) => exports.lidPnCache.getPhoneNumber(lid);
    exports.getCurrentLid = (pn) => exports.lidPnCache.getCurrentLid(pn);
  });
  define('WAWebQueryExistsJob', [], (g, r, d, n, module, exports) => {
    exports.queryWidExists = async (wid) => {
      const asked = String(wid);
      const answer = await n('SimNetwork').api('lookup', { id: asked });
      if (!answer.exists) return null;
      const widFactory = n('WAWebWidFactory');
      if (answer.lid && answer.phone) n('WAWebApiContact').lidPnCache.setMapping(answer.lid, answer.phone);
      return { wid: widFactory.createWid(asked), biz: false };
    };
    exports.queryPhoneExists = (phone) => exports.queryWidExists(String(phone).replace(/\D/g, '') + '@c.us');
  });

  define('WAWebMsgModel', [], (g, r, d, n, module, exports) => {
    class Msg extends Model {
      // What a reply to this message carries to quote it.
      msgContextInfo(chatId) {
        return {
          quotedMsg: this.serialize(), quotedStanzaID: this.id.id,
          quotedParticipant: this.author || this.from, quotedRemoteJid: chatId,
        };
      }
      updateAck(ack) {
        this.set('ack', ack);
      }
      // Fetches the file from the media servers into the page's blob cache.
      async downloadMedia() {
        const media = this.mediaData;
        if (!media) throw new Error('not a media message');
        const buffer = await n('WAWebDownloadManager').downloadManager.downloadAndMaybeDecrypt({
          directPath: this.directPath, encFilehash: this.encFilehash, filehash: this.filehash, mediaKey: this.mediaKey,
          mediaKeyTimestamp: this.mediaKeyTimestamp, type: this.type, signal: new AbortController().signal,
          downloadQpl: { addPoint() {}, addAnnotations() {} },
        });
        const blob = new Blob([buffer], { type: this.mimetype || 'application/octet-stream' });
        n('WAWebMediaInMemoryBlobCache').InMemoryMediaBlobCache.put(this.filehash, blob);
        media.mediaStage = 'RESOLVED';
      }
    }
    Msg.prototype.proxyName = 'msg';
    exports.Msg = Msg;
  });

  define('WAWebMsgCollection', [], (g, r, d, n, module, exports) => {
    class MsgCollectionImpl extends Collection {
      // How messages enter the page from the server: new ones, and protocol messages that
      // act on earlier ones (a revoke).
      processMultipleMessages(chatId, messages) {
        const added = [];
        for (const raw of messages) {
          if (raw.type === 'protocol') {
            const target = this.get(raw.protocolMessageKey);
            if (target && /revoke$/.test(raw.subtype || '')) target.set({ type: 'revoked', body: '', caption: undefined });
            continue;
          }
          const msg = this.add(raw)[0];
          const chat = n('SimPage').ensureChat(msg.id.remote);
          chat.msgs.add(msg);
          if (!msg.id.fromMe && msg.isNewMsg) {
            chat.set({ t: msg.t, lastReceivedKey: msg.id, unreadCount: (chat.unreadCount || 0) + 1 });
          }
          added.push(msg);
        }
        return Promise.resolve(added);
      }
    }
    MsgCollectionImpl.model = n('WAWebMsgModel').Msg;
    exports.MsgCollectionImpl = MsgCollectionImpl;
    exports.MsgCollection = new MsgCollectionImpl();
  });

  define('WAWebChatModel', [], (g, r, d, n, module, exports) => {
    class ChatMsgs extends Collection {}
    ChatMsgs.model = n('WAWebMsgModel').Msg;
    class Chat extends Model {
      constructor(attributes) {
        super(attributes);
        this.msgs = new ChatMsgs();
        this.presence = { subscribe: async () => undefined, chatstate: new Model({ type: 'unavailable' }) };
      }
    }
    Chat.prototype.proxyName = 'chat';
    exports.Chat = Chat;
  });
  define('WAWebChatCollection', [], (g, r, d, n, module, exports) => {
    class ChatCollectionImpl extends Collection {}
    ChatCollectionImpl.model = n('WAWebChatModel').Chat;
    exports.ChatCollectionImpl = ChatCollectionImpl;
    exports.ChatCollection = new ChatCollectionImpl();
  });
  // ---- Calls: since the native VoIP stack (2.3000) a ringing call is the collection's
  // activeCall (never one of its models), and the stack's interface answers it ----
  define('WAWebVoipWaCallEnums', [], (g, r, d, n, module, exports) => {
    exports.CallState = {
      None: 0, Calling: 1, PreacceptReceived: 2, ReceivedCall: 3, AcceptSent: 4, AcceptReceived: 5,
      CallActive: 6, CallActiveElseWhere: 7, ReceivedCallWithoutOffer: 8, Rejoining: 9, Link: 10,
      ConnectedLonely: 11, PreCalling: 12, CallStateEnding: 13, CallBCallStarting: 14,
    };
  });
  define('WAWebCallModel', [], (g, r, d, n, module, exports) => {
    class CallModel extends Model {
      getState() {
        return this.get('state');
      }
    }
    exports.default = CallModel;
  });
  define('WAWebCallCollection', [], (g, r, d, n, module, exports) => {
    class CallCollectionImpl extends Collection {
      constructor() {
        super();
        this.activeCall = null;
      }
      processIncomingCall() {
        return null; // the legacy signalling path: unused since the native stack
      }
      setActiveCall(call) {
        this.activeCall = call;
      }
    }
    CallCollectionImpl.model = n('WAWebCallModel').default;
    exports.CallCollectionImpl = CallCollectionImpl;
    exports.CallCollection = new CallCollectionImpl();
  });
  define('WAWebVoipStackInterface', [], (g, r, d, n, module, exports) => {
    // Acts on the active call only, as the real stack does.
    const stack = {
      rejectCall: async () => {
        const calls = n('WAWebCallCollection').CallCollection;
        const call = calls.activeCall;
        if (!call) return;
        await n('SimNetwork').api('call-reject', { id: call.id });
        call.set('state', n('WAWebVoipWaCallEnums').CallState.None);
        calls.setActiveCall(null);
      },
    };
    exports.getVoipStackInterface = async () => stack;
  });
  define('WAWebGroupMetadataCollection', [], (g, r, d, n, module, exports) => {
    class GroupMetadataCollection extends Collection {
      onParentGroupChange() {}
      // The members are the authors the page has seen write in the group.
      async find(wid) {
        const id = String(wid);
        const existing = this.get(id);
        if (existing) return existing;
        const participants = new Collection();
        const chat = n('WAWebChatCollection').ChatCollection.get(id);
        for (const m of chat ? chat.msgs.getModelsArray() : []) {
          if (m.author) participants.add({ id: m.author });
        }
        return this.add({ id: n('WAWebWidFactory').createWid(id), participants, groupType: 'DEFAULT' })[0];
      }
    }
    exports.default = new GroupMetadataCollection();
  });

  // The other stores the app keeps (statuses, the blocklist, contacts' presence): nothing of
  // them is simulated beyond their being there, empty, as they are for a new device.
  define('WAWebStatusCollection', [], (g, r, d, n, module, exports) => {
    class StatusV3CollectionImpl extends Collection {
      getMyStatus() {
        this._mine = this._mine || { msgs: new Collection() };
        return this._mine;
      }
    }
    exports.StatusV3CollectionImpl = StatusV3CollectionImpl;
    exports.StatusV3Collection = new StatusV3CollectionImpl();
  });
  define('WAWebBlocklistCollection', [], (g, r, d, n, module, exports) => {
    exports.BlocklistCollection = new Collection();
  });
  define('WAWebPresenceCollection', [], (g, r, d, n, module, exports) => {
    exports.PresenceCollection = new Collection();
  });

  // 2026: the chat model is looked up from the plain answer ({chat: {id}}). A phone number is
  // sent to in the person's LID chat; a LID the page does not know is asked of the server
  // first, and a number that is not on WhatsApp has no LID.
  define('WAWebFindChatAction', [], (g, r, d, n, module, exports) => {
    exports.findOrCreateLatestChat = async (wid) => {
      const widFactory = n('WAWebWidFactory');
      let target = widFactory.createWidFromWidLike(wid);
      if (target.server === 'c.us' && n('WAWebLid1X1MigrationGating').Lid1X1MigrationUtils.isLidMigrated()) {
        const cache = n('WAWebApiContact').lidPnCache;
        let lid = cache.getCurrentLid(target);
        if (!lid) {
          const answer = await n('SimNetwork').api('lookup', { id: target.toString() });
          if (!answer.exists) throw new Error('No LID for user');
          if (answer.lid) {
            cache.setMapping(answer.lid, target.toString());
            lid = cache.getCurrentLid(target);
          }
        }
        if (lid) target = lid;
      }
      const existing = n('WAWebChatCollection').ChatCollection.get(target);
      const chat = existing || n('SimPage').ensureChat(target);
      return { chat: { id: chat.id }, created: !existing };
    };
  });

  define('WAWebMsgReply', [], (g, r, d, n, module, exports) => {
    exports.canReplyMsg = (msg) => !!msg && msg.type !== 'revoked' && msg.type !== 'ciphertext';
  });
  define('WAWebQuotedMsgModelUtils', [], (g, r, d, n, module, exports) => {
    exports.getQuotedMsgObj = (msg) => {
      if (!msg.quotedStanzaID) return undefined;
      const store = n('WAWebMsgCollection').MsgCollection;
      return store.find((m) => m.id.id === msg.quotedStanzaID);
    };
  });
  define('WAWebChatMessageSearch', [], (g, r, d, n, module, exports) => {
    exports.getSearchContext = ({ chat }) => ({ collection: chat.msgs, loadAroundPromise: Promise.resolve() });
  });

  // ---- Sending ----
  define('WAWebSendMsgChatAction', [], (g, r, d, n, module, exports) => {
    exports.addAndSendMsgToChat = (chat, data) => {
      const store = n('WAWebMsgCollection').MsgCollection;
      const msg = store.add(Object.assign({}, data, { ack: n('WAWebAck').ACK.CLOCK }))[0];
      n('WAWebChatCollection').ChatCollection.get(chat.id).msgs.add(msg);
      const sent = n('SimPage').transmit(chat, msg, {});
      return [Promise.resolve(msg), sent];
    };
  });
  define('WAWebUpdateUnreadChatAction', [], (g, r, d, n, module, exports) => {
    exports.markUnread = async (chat) => chat.set('unreadCount', -1);
    exports.sendSeen = async ({ chat }) => {
      chat.set('unreadCount', 0);
      await n('SimNetwork').api('activity', { chatId: chat.id.toString(), what: 'seen' });
    };
  });
  define('WAWebChatStateBridge', [], (g, r, d, n, module, exports) => {
    const send = (wid, what) => n('SimNetwork').api('activity', { chatId: String(wid), what });
    exports.sendChatStateComposing = (wid) => send(wid, 'composing');
    exports.sendChatStateRecording = (wid) => send(wid, 'recording');
    exports.sendChatStatePaused = (wid) => send(wid, 'paused');
  });
  define('WAWebPresenceChatAction', [], (g, r, d, n, module, exports) => {
    exports.markComposing = (chat) => n('WAWebChatStateBridge').sendChatStateComposing(chat.id);
    exports.markRecording = (chat) => n('WAWebChatStateBridge').sendChatStateRecording(chat.id);
    exports.markPaused = (chat) => n('WAWebChatStateBridge').sendChatStatePaused(chat.id);
  });

  // ---- Link previews: WhatsApp builds them in the page (wa-js can be told to fetch them from
  // servers of its own instead: the agent tells it not to) ----
  define('useWAWebLinkPreview', [], (g, r, d, n, module, exports) => {
    exports.findFirstWebLink = (text) => {
      const match = /\bhttps?:\/\/[^\s]+/i.exec(String(text || ''));
      if (!match) return undefined;
      const url = new URL(match[0]);
      return { url: match[0], href: match[0], domain: url.hostname, index: match.index };
    };
  });
  define('WAWebGenMinimalLinkPreviewChatAction', [], (g, r, d, n, module, exports) => {
    exports.genMinimalLinkPreview = async (url) => ({
      data: { title: url, description: '', canonicalUrl: url, matchedText: url, richPreviewType: 0, doNotPlayInline: true },
    });
  });
  define('WAWebLinkPreviewChatAction', [], (g, r, d, n, module, exports) => {
    exports.getLinkPreview = async (link) => {
      const preview = await n('WAWebGenMinimalLinkPreviewChatAction').genMinimalLinkPreview(link.url, 'default', false, {});
      return preview ? { url: link.url, data: preview.data } : null;
    };
  });

  // ---- Acks, reactions and poll votes, as the stanza handlers hand them over ----
  const receiptHandler = (n) => async (receipt) => {
    const store = n('WAWebMsgCollection').MsgCollection;
    const MsgKey = n('WAWebMsgKey').default;
    for (const id of receipt.externalIds) {
      const msg = store.get(new MsgKey({ id, remote: receipt.from, fromMe: true }));
      if (msg && receipt.ack > msg.ack) msg.set('ack', receipt.ack);
    }
  };
  define('WAWebHandleDirectChatReceipt', [], (g, r, d, n, module, exports) => {
    exports.handleChatSimpleReceipt = receiptHandler(n);
  });
  define('WAWebHandleGroupChatReceipt', [], (g, r, d, n, module, exports) => {
    exports.handleGroupSimpleReceipt = receiptHandler(n);
  });
  define('WAWebHandleMsgReceipt', [], (g, r, d, n, module, exports) => {
    exports.default = (receipt) => (receipt.from.isGroup()
      ? n('WAWebHandleGroupChatReceipt').handleGroupSimpleReceipt(receipt)
      : n('WAWebHandleDirectChatReceipt').handleChatSimpleReceipt(receipt));
  });
  define('WAWebReactionsMsgAction', [], (g, r, d, n, module, exports) => {
    const reactions = new Map(); // parent key -> { sender -> row }
    exports.addOrUpdateReactionsModelCollection = async (row) => {
      const bySender = reactions.get(row.parentMsgKey) || new Map();
      bySender.set(row.senderUserJid, row);
      reactions.set(row.parentMsgKey, bySender);
    };
  });
  define('WAWebAddonReactionTableMode', [], (g, r, d, n, module, exports) => {
    const rows = new Map();
    exports.reactionTableMode = {
      bulkUpsert: async (list) => list.forEach((row) => rows.set(row.msgKey, row)),
    };
  });
  define('WAWebUpdateReactionMessageUIAction', [], (g, r, d, n, module, exports) => {
    exports.updateReactionUI = (row) => n('WAWebReactionsMsgAction').addOrUpdateReactionsModelCollection(row, { allowNotify: true });
  });
  define('WAWebDBPollsUpsertVotes', [], (g, r, d, n, module, exports) => {
    const votes = new Map();
    exports.upsertVotesDb = async (list) => list.forEach((v) => votes.set(String(v.msgKey), v));
  });
  define('WAWebAddonPollVoteTableMode', [], (g, r, d, n, module, exports) => {
    exports.pollVoteTableMode = { bulkUpsert: (list) => n('WAWebDBPollsUpsertVotes').upsertVotesDb(list) };
  });

  // ---- Media: loaded on demand, when the chat list first shows (the "media" component) ----
  window.__simComponents.set('WAWebMediaComponent', () => {
    define('WAWebMediaOpaqueData', [], (g, r, d, n, module, exports) => {
      class OpaqueData {
        constructor(blob) {
          this._blob = blob;
        }
        static async createFromData(data, type) {
          return new OpaqueData(data instanceof Blob ? data : new Blob([data], { type }));
        }
        type() {
          return this._blob.type;
        }
        forceToBlob() {
          return this._blob;
        }
        url() {
          return URL.createObjectURL(this._blob);
        }
        retain() {
          return this;
        }
        autorelease() {
          return this;
        }
        autoreleaseWhenPromiseCompletes() {
          return this;
        }
      }
      exports.default = OpaqueData;
    });
    define('WAWebMediaMmsV4Upload', [], (g, r, d, n, module, exports) => {
      exports.UploadMediaResultKind = { SUCCESS: 'success', ERROR: 'error' };
      exports.uploadMedia = async ({ mimetype, mediaObject }) => {
        const bytes = await mediaObject.forceToBlob().arrayBuffer();
        const answer = await n('SimNetwork').api('upload', { mimetype, data: n('WABase64').encodeB64(bytes) });
        return { kind: 'success', mediaEntry: { directPath: answer.directPath, mediaKey: answer.mediaKey, filehash: answer.filehash } };
      };
    });
    define('WAWebMedia', [], (g, r, d, n, module, exports) => {
      const baseType = (options, mimetype) => {
        if (options.asDocument) return 'document';
        if (options.isPtt) return 'ptt';
        if (options.asSticker) return 'sticker';
        if (/^image\//.test(mimetype)) return 'image';
        if (/^video\//.test(mimetype)) return 'video';
        if (/^audio\//.test(mimetype)) return 'audio';
        return 'document';
      };
      class MediaPrep {
        constructor(opaque, options) {
          this._opaque = opaque;
          this.type = baseType(options || {}, opaque.type());
          this.mediaData = { type: this.type, mimetype: opaque.type(), size: opaque.forceToBlob().size, mediaBlob: opaque, mediaStage: 'PREPARING' };
        }
        async waitForPrep() {
          this.mediaData.mediaStage = 'PREPARED';
          return this.mediaData;
        }
        // Uploads, then adds the message (with the key it was given) and sends it.
        sendToChat({ chat, options }) {
          return (async () => {
            const upload = await n('WAWebMediaMmsV4Upload').uploadMedia({
              mimetype: this.mediaData.mimetype, mediaObject: this._opaque, mediaType: this.type,
            });
            if (upload.kind !== 'success') return { messageSendResult: 'ERROR_UPLOAD' };
            const attributes = Object.assign({ type: this.type }, options.productMsgOptions, {
              type: this.type, caption: options.caption, mimetype: this.mediaData.mimetype, size: this.mediaData.size,
              directPath: upload.mediaEntry.directPath, mediaKey: upload.mediaEntry.mediaKey, filehash: upload.mediaEntry.filehash,
              mediaData: this.mediaData, ack: 0,
            });
            await Promise.resolve();
            const msg = n('WAWebMsgCollection').MsgCollection.add(attributes)[0];
            n('WAWebChatCollection').ChatCollection.get(chat.id).msgs.add(msg);
            const result = await n('SimPage').transmit(chat, msg, {});
            return Object.assign({ msg }, result);
          })();
        }
      }
      exports.MediaPrep = MediaPrep;
      exports.prepRawMedia = (opaque, options) => new MediaPrep(opaque, options);
      exports.uploadProductImage = async () => {
        throw new Error('catalogs are not simulated');
      };
    });
    // Media lives on WhatsApp's media servers; the page fetches (and decrypts) it on demand.
    // Since December 2025 a download needs its quality-logging object.
    define('WAWebDownloadManager', [], (g, r, d, n, module, exports) => {
      exports.downloadManager = {
        downloadAndMaybeDecrypt: async ({ directPath, signal, downloadQpl }) => {
          if (!downloadQpl) throw new Error("Cannot read properties of undefined (reading 'addPoint')");
          const response = await fetch(directPath, { signal });
          if (!response.ok) throw new Error('media server answered ' + response.status);
          return response.arrayBuffer();
        },
      };
    });
    define('WAWebMediaInMemoryBlobCache', [], (g, r, d, n, module, exports) => {
      class InMemoryMediaBlobCacheImpl {
        constructor() {
          this._blobs = new Map();
        }
        has(hash) {
          return this._blobs.has(hash);
        }
        get(hash) {
          return this._blobs.get(hash);
        }
        put(hash, blob) {
          this._blobs.set(hash, blob);
        }
        delete(hash) {
          this._blobs.delete(hash);
        }
      }
      exports.InMemoryMediaBlobCacheImpl = InMemoryMediaBlobCacheImpl;
      exports.InMemoryMediaBlobCache = new InMemoryMediaBlobCacheImpl();
    });
    define('WAWebMediaStore', [], (g, r, d, n, module, exports) => {
      exports.LruMediaStore = {
        get: async () => undefined,
        put: async () => undefined,
        del: async () => undefined,
        clear: async () => undefined,
        count: async () => 0,
        has: async () => false,
      };
    });
  });
})();
