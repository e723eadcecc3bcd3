'use strict';
// bench/peer's peer: the smallest WPPConnect bot that does what sak-agent does for a shop,
// answering each customer's message with the cloud's reply. It is what a shop would write
// with WPPConnect's README at hand, and no more: no journal, no signing, no outbox, no status
// reports, no pacing. sak-bench-peer starts it (node bot.js ...) and reads the lines it
// prints: one JSON object per line, prefixed "peer-bot: ".
//
// Its Chromium opens https://web.whatsapp.com/ as WPPConnect always does; host-resolver rules
// send that name to the stub's simulator, and the stub's certificate is accepted by its key
// pin only (certificate checks stay on for every other key).
//
//   node bot.js --port <stub HTTPS port> --pin <base64 SHA-256 of the stub key's SPKI>
//               --ca-file <CA that signed the stub's certificate> --profile <directory>
//               [--chromium /usr/bin/chromium]

const fs = require('fs');
const https = require('https');
const path = require('path');

function emit(event, fields = {}) {
  process.stdout.write('peer-bot: ' + JSON.stringify({ event, ms: Date.now(), ...fields }) + '\n');
}

function fail(message) {
  emit('error', { message });
  process.exit(1);
}

function options(argv) {
  const parsed = { chromium: '/usr/bin/chromium' };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (!['port', 'pin', 'ca-file', 'profile', 'chromium'].includes(name) || argv[i + 1] === undefined)
      fail(`unknown or incomplete option ${argv[i]}: expected --port, --pin, --ca-file, --profile and optionally --chromium, each with a value`);
    parsed[name] = argv[i + 1];
  }
  for (const required of ['port', 'pin', 'ca-file', 'profile']) {
    if (!parsed[required]) fail(`--${required} is required (see the comment at the top of bot.js)`);
  }
  if (!/^\d+$/.test(parsed.port)) fail(`--port must be a number, not ${parsed.port}`);
  if (!fs.existsSync(parsed.chromium)) fail(`no Chromium at ${parsed.chromium}: install Debian's chromium or pass --chromium`);
  return parsed;
}

const args = options(process.argv.slice(2));

let wppconnect;
try {
  wppconnect = require('@wppconnect-team/wppconnect');
} catch (error) {
  fail(`WPPConnect is not installed (${error.message}): run bench/peer/run.sh, which installs it with npm ci`);
}
// WPPConnect logs everything ("silly") by default; a shop's bot runs at info, like the agent.
wppconnect.defaultLogger.level = 'info';

// The cloud's answer, over HTTPS to the stub, trusting the CA that signed its certificate.
// Keep-alive and six connections at a time, as a browser (and the agent's Qt) would use.
const cloud = new https.Agent({ keepAlive: true, maxSockets: 6, ca: fs.readFileSync(args['ca-file']) });
function answer(text, senderName) {
  const body = JSON.stringify({ text, senderName });
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        host: '127.0.0.1',
        port: Number(args.port),
        path: '/bench/answer',
        method: 'POST',
        agent: cloud,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode !== 200) return reject(new Error(`the stub answered ${response.statusCode}: ${text}`));
          try {
            resolve(JSON.parse(text).replies.map((r) => r.text));
          } catch (error) {
            reject(new Error(`the stub's answer is not {replies: [...]}: ${text}`));
          }
        });
      },
    );
    request.on('error', reject);
    request.end(body);
  });
}

// WPPConnect's own Chromium flags, less the ones that switch certificate checks off
// (--ignore-certificate-errors and its misspelt twin): the stub is accepted by its pin alone.
// Every other host name resolves to nothing, so that no request reaches a third party.
const { puppeteerConfig } = require('@wppconnect-team/wppconnect/dist/config/puppeteer.config');
const browserArgs = puppeteerConfig.chromiumArgs
  .filter((a) => !a.startsWith('--ignore-certif'))
  .concat([
    `--host-resolver-rules=MAP web.whatsapp.com 127.0.0.1:${args.port}, MAP * ~NOTFOUND`,
    `--ignore-certificate-errors-spki-list=${args.pin}`,
  ]);

const started = Date.now();
let session = null;
emit('starting', { pid: process.pid });
wppconnect
  .create({
    session: 'bench',
    folderNameToken: path.resolve(args.profile),
    headless: true,
    useChrome: false, // not Google Chrome: Debian's chromium, given below
    puppeteerOptions: { executablePath: args.chromium },
    browserArgs,
    // Nothing to third parties: no update check against npm, no Google Analytics, no
    // WhatsApp version pinned from wa-version's list (that would load the real WhatsApp's
    // scripts from WhatsApp's servers instead of the page at web.whatsapp.com).
    updatesLog: false,
    disableWelcome: true,
    disableGoogleAnalytics: true,
    googleAnalyticsId: null,
    poweredBy: 'sak-bench-peer',
    whatsappVersion: '',
    deviceName: 'SAK bench peer',
    logQR: false,
    autoClose: 0, // the driver scans the QR when it sees it; no deadline of WPPConnect's own
    catchQR: (base64, ascii, attempt) => emit('qr', { attempt }),
    statusFind: (status) => emit('status', { status }),
  })
  .then((client) => {
    session = client;
    emit('connected', { afterMs: Date.now() - started });
    let answered = 0;
    let failed = 0;
    client.onMessage(async (message) => {
      if (message.isGroupMsg || message.type !== 'chat') return;
      try {
        for (const text of await answer(message.body, message.sender?.pushname || ''))
          await client.sendText(message.from, text, { linkPreview: false });
        if (++answered % 100 === 0) emit('answered', { count: answered });
      } catch (error) {
        emit('failed', { count: ++failed, message: String(error && error.message ? error.message : error) });
      }
    });
  })
  .catch((error) => fail(`WPPConnect did not start: ${error && error.message ? error.message : error}`));

// The driver stops the bot with SIGTERM: the browser is closed, then Node exits (Puppeteer's
// own handler closes the browser but leaves Node running).
process.on('SIGTERM', () => {
  Promise.resolve(session && session.close())
    .catch(() => null)
    .finally(() => process.exit(0));
});
