// WhatsApp Web simulator, part 1: Meta's module system as WhatsApp Web (2.3000.x) has it.
// window.__d defines a module, window.require and window.importNamespace load one (the same
// mutable exports object every time), require('__debug').modulesMap lists every module
// defined so far, ErrorGuard wraps calls, and the Bootloader registers modules that load only
// on demand. Code injected into the page (wa-js) finds WhatsApp's functions through exactly
// this surface; nothing here knows about it.
//
// "WhatsApp changed" modes for tests, as a new WhatsApp build changes things for code that
// looks for its modules (the page's own code keeps working, as the real page's does):
//   ?omit=ModuleA,ModuleB            leaves modules out of the registry
//   ?rename=ModuleA:NewName,...      lists a module under another name
//   ?move=ModuleA.fn:OtherModule,... takes a function out of a module into another one
//   ?textType=NAME                   customers' text messages come as model type NAME, not
//                                    'chat' (a renamed type; the business's own stay 'chat';
//                                    whatsapp-sim.js does this one)
(function () {
  'use strict';

  const params = new URLSearchParams(location.search);
  // The "update your browser" page and a page that never loads have no app: no modules.
  if (params.get('outdated') || params.get('stall')) return;
  const list = (name) => (params.get(name) || '').split(',').filter(Boolean);
  const omitted = new Set(list('omit'));
  const renamed = new Map(list('rename').map((p) => p.split(':')));
  const moves = list('move').map((p) => {
    const [from, to] = p.split(':');
    const [module, fn] = from.split('.');
    return { module, fn, to };
  });

  // id -> { factory, module: {exports}, state: 'defined' | 'loading' | 'loaded' }
  const registry = new Map();
  const aliases = new Map(); // the name a renamed module is listed under -> its own name
  // What the registry shows: every module but the omitted ones, renamed ones under their new name.
  const listed = () => Array.from(registry.keys()).filter((id) => !omitted.has(id)).map((id) => renamed.get(id) || id);

  function importNamespace(id) {
    const entry = registry.get(registry.has(id) ? id : aliases.get(id));
    if (!entry) throw new Error('Requiring unknown module "' + id + '"');
    if (entry.state === 'defined') {
      entry.state = 'loading';
      try {
        entry.factory(window, requireModule, importDefault, importNamespace, entry.module, entry.module.exports);
      } catch (e) {
        entry.state = 'defined';
        entry.module = { exports: {} };
        throw e;
      }
      entry.state = 'loaded';
    }
    return entry.module.exports;
  }
  function requireModule(id) {
    return importNamespace(id);
  }
  function importDefault(id) {
    return importNamespace(id).default;
  }

  function register(id, factory) {
    if (registry.has(id)) return;
    registry.set(id, { factory, module: { exports: {} }, state: 'defined' });
  }

  function define(id, deps, factory) {
    if (renamed.has(id)) aliases.set(renamed.get(id), id);
    const own = moves.filter((m) => m.module === id);
    if (own.length === 0) {
      register(id, factory);
      return;
    }
    const taken = {};
    register(id, (g, r, d, n, module, exports) => {
      factory(g, r, d, n, module, exports);
      for (const m of own) {
        taken[m.fn] = module.exports[m.fn];
        delete module.exports[m.fn];
      }
    });
    for (const m of own) {
      register(m.to, (g, r, d, n, module) => {
        n(id);
        module.exports[m.fn] = taken[m.fn];
      });
    }
  }

  // The loader's own registry, as the real page's require('__debug') exposes it.
  register('__debug', (g, r, d, n, module) => {
    Object.defineProperty(module.exports, 'modulesMap', {
      enumerable: true,
      get() {
        const map = {};
        for (const id of listed()) {
          const entry = registry.get(registry.has(id) ? id : aliases.get(id));
          map[id] = { factory: entry.factory, exports: entry.module.exports };
        }
        return map;
      },
    });
  });

  // Code the page bootloads when a feature is first used: components whose modules are
  // defined only then (window.__simComponents; modules.js registers them).
  const components = new Map();
  register('Bootloader', (g, r, d, n, module) => {
    module.exports.loadModules = (names, callback) => {
      for (const name of names) {
        const load = components.get(name);
        if (!load) throw new Error('Bootloader: unknown component ' + name);
        load();
      }
      setTimeout(callback, 0);
    };
    module.exports.__debug = { componentMap: components };
  });

  window.ErrorGuard = {
    skipGuardGlobal() {},
    applyWithGuard(fn, context, args) {
      return fn.apply(context, args || []);
    },
    inGuard: () => false,
  };
  window.__d = define;
  window.require = requireModule;
  window.importNamespace = importNamespace;
  window.importDefault = importDefault;
  window.__simComponents = components;
})();
