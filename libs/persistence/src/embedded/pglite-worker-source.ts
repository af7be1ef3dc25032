/**
 * Source of the worker thread that hosts PGlite and its socket server. It is kept as plain CommonJS in
 * a string (run with `eval: true`) for two reasons: PGlite loads Node built-ins with dynamic `import()`,
 * which fails inside jest's module sandbox but works in a real worker; and a .js file next to the
 * compiled TypeScript would need build-asset configuration. Running PGlite off the main thread also
 * keeps its synchronous WASM work (a large import) from stalling HTTP requests.
 *
 * PGLiteSocketServer rejects a connection that arrives while another is open ("Too many connections"),
 * and a client that reconnects right after closing can beat the server to noticing the close. So the
 * public port is a small gate: it admits one client at a time and holds later ones (paused) until the
 * current one has gone, then pipes each to the socket server on an internal port. The internal server
 * allows a few sockets only so departed clients' sockets may linger while the next one is admitted (they
 * send nothing more); its query queue runs one statement at a time and rolls back what they left open.
 *
 * Protocol: the worker posts {type:'ready', port} or {type:'error', message}; on {type:'close'} it
 * stops the server, closes the database (flushing it) and posts {type:'closed'}.
 */
export const PGLITE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
const path = require('node:path');
const { PGlite } = require(workerData.pglitePath);
const net = require('node:net');
const { PGLiteSocketServer } = require(workerData.socketPath);

function startGate(upstreamPort) {
  const waiting = [];
  const open = new Set();
  let busy = false;
  const admit = () => {
    while (!busy && waiting.length > 0) {
      const client = waiting.shift();
      if (client.destroyed) continue;
      busy = true;
      const upstream = net.connect(upstreamPort, '127.0.0.1');
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        client.destroy();
        upstream.destroy();
        busy = false;
        setImmediate(admit);
      };
      upstream.on('error', release);
      upstream.on('close', release);
      // Destroy rather than end: a half-closed upstream is not always closed back by the socket server,
      // and the next client must not wait on it. The server rolls back whatever the socket left open.
      client.on('close', () => upstream.destroy());
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    }
  };
  const gate = net.createServer({ pauseOnConnect: true, noDelay: true }, (client) => {
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    waiting.push(client);
    admit();
  });
  return new Promise((resolve, reject) => {
    gate.once('error', reject);
    gate.listen(workerData.port, workerData.host, () =>
      resolve({
        port: gate.address().port,
        close: () =>
          new Promise((done) => {
            gate.close(() => done());
            for (const client of open) client.destroy();
          }),
      }),
    );
  });
}

// First start runs initdb into a side directory renamed into place when complete, so a process
// killed mid-initdb leaves no half-initialized pgdata that PGlite would try to resume.
async function initializeOnce(pgdata) {
  if (fs.existsSync(path.join(pgdata, 'PG_VERSION'))) return;
  const staging = pgdata + '.initializing';
  fs.rmSync(staging, { recursive: true, force: true });
  const db = await PGlite.create({ dataDir: staging });
  await db.close();
  fs.rmSync(pgdata, { recursive: true, force: true });
  fs.renameSync(staging, pgdata);
}

(async () => {
  let db;
  try {
    await initializeOnce(workerData.pgdata);
    db = await PGlite.create({ dataDir: workerData.pgdata });
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    const gate = await startGate(Number(server.getServerConn().split(':').pop()));
    parentPort.on('message', async (message) => {
      if (message.type !== 'close') return;
      try {
        await gate.close();
        await server.stop();
        await db.close();
        parentPort.postMessage({ type: 'closed' });
      } catch (error) {
        parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
      }
      parentPort.close();
    });
    parentPort.postMessage({ type: 'ready', port: gate.port });
  } catch (error) {
    if (db) await db.close().catch(() => undefined);
    parentPort.postMessage({ type: 'error', message: String(error && error.message || error) });
    parentPort.close();
  }
})();
`;
