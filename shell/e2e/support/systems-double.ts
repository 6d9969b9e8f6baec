import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local HTTP test doubles of the embedded systems, each on its own origin, speaking the parts of
 * their published contracts the shell touches:
 * - Chatwoot: `GET /health` -> `{"status":"woot"}` (health_controller.rb), the dashboard at `/app/...`;
 * - Element: `GET /version` (plain text, as Element's nginx serves it), the app at `/`;
 * - Jitsi Meet: `GET /external_api.js` defining `JitsiMeetExternalAPI(domain, options)` with
 *   `addListener`, `executeCommand`, `dispose` (handbook iframe.md), which frames
 *   `{origin}/{roomName}?jwt=…` and records what it was given for the test to inspect.
 */
export interface SystemDouble {
  url: string;
  requests: string[];
  close(): Promise<void>;
}

const html = (title: string) => `<!doctype html><html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`;

const JITSI_EXTERNAL_API = `
(function () {
  function JitsiMeetExternalAPI(domain, options) {
    options = options || {};
    this._listeners = {};
    window.__jitsi = { domain: domain, roomName: options.roomName, jwt: options.jwt, userInfo: options.userInfo || null };
    var frame = document.createElement('iframe');
    frame.src = '__ORIGIN__/' + encodeURIComponent(options.roomName) + '?jwt=' + encodeURIComponent(options.jwt || '');
    frame.allow = 'camera; microphone; display-capture; autoplay; clipboard-write';
    frame.title = 'Jitsi Meet';
    frame.style.width = '100%';
    frame.style.height = '100%';
    frame.style.border = '0';
    (options.parentNode || document.body).appendChild(frame);
    this._frame = frame;
    var self = this;
    frame.addEventListener('load', function () { self._emit('videoConferenceJoined', { roomName: options.roomName }); });
  }
  JitsiMeetExternalAPI.prototype.addListener = function (name, fn) { (this._listeners[name] = this._listeners[name] || []).push(fn); };
  JitsiMeetExternalAPI.prototype._emit = function (name, payload) { (this._listeners[name] || []).forEach(function (fn) { fn(payload); }); };
  JitsiMeetExternalAPI.prototype.executeCommand = function (command) { if (command === 'hangup') this._emit('readyToClose', {}); };
  JitsiMeetExternalAPI.prototype.dispose = function () { if (this._frame) this._frame.remove(); };
  window.JitsiMeetExternalAPI = JitsiMeetExternalAPI;
})();
`;

async function listen(handler: (req: IncomingMessage, res: ServerResponse, origin: string) => void): Promise<SystemDouble> {
  const requests: string[] = [];
  let origin = '';
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    handler(req, res, origin);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export function startChatwootDouble(): Promise<SystemDouble> {
  return listen((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"woot"}');
    } else if (path.startsWith('/app')) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html('Chatwoot double: dashboard'));
    } else {
      res.writeHead(404).end();
    }
  });
}

export function startElementDouble(): Promise<SystemDouble> {
  return listen((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/version') res.writeHead(200, { 'content-type': 'text/plain' }).end('1.11.100');
    else if (path === '/' || path === '/index.html') res.writeHead(200, { 'content-type': 'text/html' }).end(html('Element double'));
    else res.writeHead(404).end();
  });
}

export function startJitsiDouble(): Promise<SystemDouble> {
  return listen((req, res, origin) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/external_api.js') {
      res.writeHead(200, { 'content-type': 'application/javascript', 'access-control-allow-origin': '*' }).end(JITSI_EXTERNAL_API.replace('__ORIGIN__', origin));
    } else if (/^\/[a-z0-9-]+$/.test(path)) {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html(`Jitsi double: room ${path.slice(1)}`));
    } else {
      res.writeHead(404).end();
    }
  });
}
